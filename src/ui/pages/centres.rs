//! The centres of the network and what each has published.

use crate::address::Route;
use crate::indicators::by_centre;
use crate::search::Query;
use crate::ui::router::{use_id, A};
use crate::ui::state::AppState;
use crate::ui::widgets::{href, plural, PrototypeCard};
use leptos::prelude::*;
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;

#[derive(Clone, PartialEq)]
struct CentreRow {
    id: String,
    name: String,
    commune: String,
    tiers_lieu: String,
    published: usize,
    reports: usize,
}

fn rows(state: AppState) -> BTreeMap<String, Vec<CentreRow>> {
    state.catalogue.with(|c| {
        let mut by_territory: BTreeMap<String, Vec<CentreRow>> = BTreeMap::new();
        if let Some(Ok(c)) = c {
            let given = by_centre(c);
            for (id, centre) in c.live_centres() {
                let (published, reports) = given.get(id).copied().unwrap_or_default();
                let territory = if centre.territory.is_empty() {
                    "Autres territoires".to_owned()
                } else {
                    centre.territory.clone()
                };
                by_territory.entry(territory).or_default().push(CentreRow {
                    id: id.to_owned(),
                    name: centre.name.clone(),
                    commune: centre.commune.clone(),
                    tiers_lieu: centre.tiers_lieu.clone(),
                    published,
                    reports,
                });
            }
        }
        by_territory
    })
}

/// Where the centre is (what is known of it) and what it gave.
fn meta(c: &CentreRow) -> String {
    let place = [c.commune.as_str(), c.tiers_lieu.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let given = format!(
        "{} · {} donnés",
        plural(c.published, "prototype publié", "prototypes publiés"),
        plural(c.reports, "rapport d'expérience", "rapports d'expérience")
    );
    if place.is_empty() {
        format!(" — {given}")
    } else {
        format!(" — {place} · {given}")
    }
}

/// Past this many centres, each territory is a section to open: 2,000 centres on one page take
/// seconds to draw on a phone, and nobody reads them all.
const TERRITORIES_FOLDED_ABOVE: usize = 60;

#[component]
pub fn CentresPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let list = |centres: Vec<CentreRow>| {
        view! {
            <ul class="centre-list">
                {centres.into_iter().map(|c| view! {
                    <li>
                        <a href=href(&Route::Centre(c.id.clone()))>{c.name.clone()}</a>
                        <span class="meta">{meta(&c)}</span>
                    </li>
                }).collect_view()}
            </ul>
        }
    };
    view! {
        <h1>"Les centres du réseau"</h1>
        <p class="intro">"Les centres sociaux et tiers-lieux qui partagent leurs prototypes, par territoire."</p>
        {move || {
            let territories = rows(state);
            let total: usize = territories.values().map(Vec::len).sum();
            if total <= TERRITORIES_FOLDED_ABOVE {
                return territories.into_iter().map(|(territory, centres)| view! {
                    <section aria-label=territory.clone()>
                        <h2>{territory.clone()}</h2>
                        {list(centres)}
                    </section>
                }).collect_view().into_any();
            }
            // Each territory's list is drawn when it is first opened.
            view! {
                <p>{format!("{} dans {} : ouvrez un territoire pour voir ses centres.", plural(total, "centre", "centres"), plural(territories.len(), "territoire", "territoires"))}</p>
                {territories.into_iter().map(|(territory, centres)| {
                    let opened = RwSignal::new(false);
                    let summary = format!("{territory} ({})", plural(centres.len(), "centre", "centres"));
                    let centres = StoredValue::new(centres);
                    view! {
                        <details class="territory" on:toggle=move |ev| {
                            let open = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|d| d.has_attribute("open"));
                            if open && !opened.get_untracked() {
                                opened.set(true);
                            }
                        }>
                            <summary><h2>{summary}</h2></summary>
                            {move || opened.get().then(|| list(centres.get_value()))}
                        </details>
                    }
                }).collect_view()}
            }.into_any()
        }}
    }
}

#[component]
pub fn CentrePage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = StoredValue::new(use_id());
    let id = move || id.get_value();
    let centre = move || {
        state.catalogue.with(|c| match c {
            Some(Ok(c)) => Some(c.centre(&id()).cloned()),
            _ => None,
        })
    };
    let entries = move || {
        let q = Query {
            centre: Some(id()),
            ..Query::default()
        };
        state.index.with(|index| {
            let index = index.as_ref()?;
            Some(
                index
                    .search(&q)
                    .hits
                    .iter()
                    .map(|&i| index.entry(i).clone())
                    .collect::<Vec<_>>(),
            )
        })
    };
    move || {
        match centre() {
        None => view! { <p role="status">"Chargement…"</p> }.into_any(),
        Some(None) => view! {
            <h1>"Centre introuvable"</h1>
            <p><A href=href(&Route::Centres)>"Voir tous les centres"</A></p>
        }.into_any(),
        Some(Some(c)) => view! {
            <p class="breadcrumb"><A href=href(&Route::Centres)>"Centres"</A>" › "{c.territory.clone()}</p>
            <h1>{c.name.clone()}</h1>
            <p class="meta">{[c.commune.clone(), c.territory.clone(), c.tiers_lieu.clone()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ")}</p>
            <h2>"Prototypes publiés"</h2>
            {move || {
                let list = entries().unwrap_or_default();
                if list.is_empty() {
                    view! { <p>"Ce centre n'a pas encore publié de prototype."</p> }.into_any()
                } else {
                    view! { <ul class="cards">{list.into_iter().map(|entry| view! { <PrototypeCard entry/> }).collect_view()}</ul> }.into_any()
                }
            }}
        }.into_any(),
    }
    }
}
