//! The catalogue: search box, facets with counts, sort, result cards. The URL holds the search,
//! so a filtered view survives a reload and can be shared.

use crate::address::Route;
use crate::label::Status;
use crate::model::{Theme, UsageKind};
use crate::search::{Facets, Query, Results, Sort, PAGE_SIZE};
use crate::ui::export::{ExportButtons, Selection};
use crate::ui::router::{use_router, A};
use crate::ui::search_url::{href_with, use_url_query};
use crate::ui::state::AppState;
use crate::ui::widgets::{count as thousands, focus_id, href, plural, Progress, PrototypeCard};
use leptos::prelude::*;

/// Above this many centres, the centre filter is a field to type in rather than a list.
const MANY_CENTRES: usize = 30;
/// How many matching centres the typed centre filter proposes.
const PROPOSED_CENTRES: usize = 8;

#[component]
pub fn CataloguePage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let query = use_url_query();
    let router = use_router();
    let set_query = move |q: Query| router.replace(&href_with(&Route::Catalogue, &q));
    let results = Memo::new(move |_| {
        let q = query.get();
        state
            .index
            .with(|index| index.as_ref().map(|index| index.search(&q)))
    });

    view! {
        <h1>"Catalogue des prototypes"</h1>
        <HowItWorks/>
        {move || match state.catalogue.with(|c| c.as_ref().map(|r| r.as_ref().err().cloned())) {
            None => view! {
                <p role="status">"Chargement du catalogue…"</p>
                <Progress label="Chargement du catalogue" done=state.loading/>
            }.into_any(),
            Some(Some(message)) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
            Some(None) => view! { <Search query results set_query=set_query.clone()/> }.into_any(),
        }}
    }
}

/// Where this browser remembers that « Comment ça marche » was dismissed.
const HOW_IT_WORKS_SEEN: &str = "prototheque:comment-ca-marche-vu";

/// A first visit's short explanation, above the search, until the person dismisses it
/// (remembered in `localStorage`). Folded on phones, so that cards stay on the first screen.
#[component]
fn HowItWorks() -> impl IntoView {
    let storage = || web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    // Without storage (a private window that refuses it), it shows, and is dismissed for the visit.
    let shown = RwSignal::new(
        storage().is_none_or(|s| !matches!(s.get_item(HOW_IT_WORKS_SEEN), Ok(Some(_)))),
    );
    let wide = web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w >= 640.0);
    let dismiss = move |_| {
        if let Some(storage) = storage() {
            let _ = storage.set_item(HOW_IT_WORKS_SEEN, "1");
        }
        shown.set(false);
        // The button is gone: focus goes on to the search rather than back to the page's top.
        focus_id("recherche");
    };
    // Built once and hidden when dismissed: lighter than a view made and unmade.
    view! {
                <div class="how" hidden=move || !shown.get()>
                    <details open=wide>
                        <summary>"Comment ça marche ?"</summary>
                        <ol>
                            <li>"Cherchez une pratique numérique inventée avec les habitants d'un centre social."</li>
                            <li>"Ouvrez son livret pédagogique : déroulé pas à pas, matériel, ressources."</li>
                            <li>"Reproduisez-la ou adaptez-la, puis racontez la séance dans un rapport d'expérience."</li>
                        </ol>
                    </details>
                    <button type="button" class="how-dismiss" aria-label="Masquer « Comment ça marche »" on:click=dismiss>
                        "Masquer"
                    </button>
                </div>
    }
}

#[component]
fn Search<F>(query: Memo<Query>, results: Memo<Option<Results>>, set_query: F) -> impl IntoView
where
    F: Fn(Query) + Clone + Send + Sync + 'static,
{
    let state = expect_context::<AppState>();
    let total = move || state.index.with(|i| i.as_ref().map_or(0, |i| i.len()));
    let centres = move || {
        state.catalogue.with(|c| match c {
            Some(Ok(c)) => c.live_centres().count(),
            _ => 0,
        })
    };
    let update = {
        let set_query = set_query.clone();
        move |change: &dyn Fn(&mut Query)| {
            let mut q = query.get_untracked();
            change(&mut q);
            // A new search starts at its first page.
            q.page = 1;
            set_query(q);
        }
    };
    let update = StoredValue::new(update);
    let apply = move |change: &dyn Fn(&mut Query)| update.with_value(|u| u(change));

    // Facets are read where they are, never copied: a national catalogue has 2,000 centres.
    let facets = move |read: &dyn Fn(&Facets) -> Vec<(String, String)>| {
        results.with(|r| r.as_ref().map(|r| read(&r.facets)).unwrap_or_default())
    };
    let theme_count = move |theme: Option<Theme>| {
        results.with(|r| {
            r.as_ref().map_or(0, |r| {
                let themes = r.facets.themes.iter();
                match theme {
                    None => themes.map(|(_, n)| n).sum(),
                    Some(t) => themes.filter(|(x, _)| *x == t).map(|(_, n)| n).sum(),
                }
            })
        })
    };
    let theme_chip = move |value: Option<Theme>| {
        let label = value.map_or("Tous les thèmes", Theme::label);
        let count = move || theme_count(value);
        view! {
            <button
                type="button"
                class="chip"
                aria-pressed=move || (query.with(|q| q.theme) == value).to_string()
                on:click=move |_| apply(&|q| q.theme = value)
            >
                {label}
                <span class="count">{move || format!(" ({})", count())}</span>
            </button>
        }
    };

    let select = move |id: &'static str,
                       label: &'static str,
                       all: &'static str,
                       options: Box<dyn Fn() -> Vec<(String, String)> + Send + Sync>,
                       current: Box<dyn Fn(&Query) -> String + Send + Sync>,
                       set: fn(&mut Query, &str)| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <select
                    id=id
                    prop:value=move || query.with(|q| current(q))
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        apply(&|q| set(q, &value));
                    }
                >
                    <option value="">{all}</option>
                    {move || options().into_iter().map(|(value, text)| view! { <option value=value>{text}</option> }).collect_view()}
                </select>
            </div>
        }
    };

    // Past a few dozen centres, a list of options is too long to read and, at 2,000, too slow to
    // draw on every keystroke: the centre is then typed, with a few matching names proposed.
    let many_centres = Memo::new(move |_| centres() > MANY_CENTRES);
    // The typed centre filter is a chunk of its own (release builds): drawn once fetched.
    let choose_centre = Callback::new(move |id: Option<String>| apply(&|q| q.centre = id.clone()));
    let picker_ready = RwSignal::new(cfg!(not(feature = "split")));
    let centre_picker = move || {
        #[cfg(feature = "split")]
        {
            if !picker_ready.get() {
                leptos::task::spawn_local(async move {
                    let _ = picker_chunk::preload().await;
                    picker_ready.set(true);
                });
                return ().into_any();
            }
            match crate::ui::router::now(picker_chunk::picker(query, results, choose_centre)) {
                Some(Ok(picker)) => picker,
                _ => view! {
                    <p class="error" role="alert">"Le filtre par centre n'a pas pu être téléchargé : vérifiez la connexion à Internet, puis rechargez la page."</p>
                }
                .into_any(),
            }
        }
        #[cfg(not(feature = "split"))]
        {
            let _ = picker_ready;
            centre_picker(query, results, choose_centre).into_any()
        }
    };

    view! {
        <p class="totals">{move || format!("{} partagés par {}", plural(total(), "prototype", "prototypes"), plural(centres(), "centre", "centres"))}</p>
        <form role="search" class="search" on:submit=|ev| ev.prevent_default()>
            <label for="recherche">"Rechercher un prototype"</label>
            <input
                id="recherche"
                type="search"
                autocomplete="off"
                placeholder="ex. démarches CAF, Pronote, radio…"
                prop:value=move || query.with(|q| q.text.clone())
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    apply(&|q| q.text = text.clone());
                }
            />
            // One Tab from the search to the results, past the filters.
            <a class="to-results" href="#resultats" on:click=to_results>"Aller aux résultats"</a>
        </form>
        <div class="filters" role="group" aria-label="Filtrer par thème">
            {theme_chip(None)}
            {Theme::ALL.into_iter().map(|t| theme_chip(Some(t))).collect_view()}
        </div>
        // Folded unless the address already makes one of its choices.
        <details class="more-filters" open=query.with_untracked(|q| q.secondary_choices() > 0)>
            <summary>"Autres filtres et tri"</summary>
            <div class="selects">
                {move || if many_centres.get() {
                    centre_picker().into_any()
                } else {
                    select(
                        "filtre-centre", "Centre", "Tous les centres",
                        Box::new(move || facets(&|f| f.centres.iter().map(|(id, name, n)| (id.clone(), format!("{name} ({n})"))).collect())),
                        Box::new(|q| q.centre.clone().unwrap_or_default()),
                        |q, v| q.centre = (!v.is_empty()).then(|| v.to_owned()),
                    ).into_any()
                }}
                {select(
                    "filtre-territoire", "Territoire", "Tous les territoires",
                    Box::new(move || facets(&|f| f.territories.iter().map(|(t, n)| (t.clone(), format!("{t} ({n})"))).collect())),
                    Box::new(|q| q.territory.clone().unwrap_or_default()),
                    |q, v| q.territory = (!v.is_empty()).then(|| v.to_owned()),
                )}
                {select(
                    "filtre-type", "Type d'usage", "Tous les types",
                    Box::new(move || facets(&|f| f.kinds.iter().map(|(k, n)| (k.slug().to_owned(), format!("{} ({n})", k.label()))).collect())),
                    Box::new(|q| q.kind.map(|k| k.slug().to_owned()).unwrap_or_default()),
                    |q, v| q.kind = UsageKind::from_slug(v),
                )}
                {select(
                    "filtre-label", "Label", "Tous les statuts",
                    Box::new(move || facets(&|f| f.statuses.iter().map(|(s, n)| (s.slug().to_owned(), format!("{} ({n})", s.label()))).collect())),
                    Box::new(|q| q.status.map(|s| s.slug().to_owned()).unwrap_or_default()),
                    |q, v| q.status = [Status::Labelled, Status::Candidate, Status::InProgress].into_iter().find(|s| s.slug() == v),
                )}
                {select(
                    "filtre-evaluations", "Rapports d'expérience", "Évalués ou non",
                    Box::new(move || {
                        let (rated, unrated) = results.with(|r| r.as_ref().map_or((0, 0), |r| r.facets.rated));
                        vec![("oui".into(), format!("Déjà testés ailleurs ({rated})")), ("non".into(), format!("Pas encore évalués ({unrated})"))]
                    }),
                    Box::new(|q| q.rated.map(|r| if r { "oui" } else { "non" }.to_owned()).unwrap_or_default()),
                    |q, v| q.rated = match v { "oui" => Some(true), "non" => Some(false), _ => None },
                )}
                <div class="field">
                    <label for="tri">"Trier par"</label>
                    <select
                        id="tri"
                        prop:value=move || query.with(|q| q.sort.slug())
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            apply(&|q| q.sort = Sort::from_slug(&value).unwrap_or_default());
                        }
                    >
                        {Sort::ALL.into_iter().map(|s| view! { <option value=s.slug()>{s.label()}</option> }).collect_view()}
                    </select>
                </div>
            </div>
        </details>
        <ResultList query results/>
    }
}

/// The centre filter of a catalogue past [`MANY_CENTRES`] centres: typed, with a few matching
/// names proposed. With the `split` feature it is a wasm chunk of its own (`picker_chunk`): a
/// centre's own catalogue never needs it.
fn centre_picker(
    query: Memo<Query>,
    results: Memo<Option<Results>>,
    on_choose: Callback<Option<String>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let typed = RwSignal::new(String::new());
    let input = NodeRef::<leptos::html::Input>::new();
    let chosen = move || {
        let id = query.with(|q| q.centre.clone())?;
        let name = state.catalogue.with(|c| match c {
            Some(Ok(c)) => c.centre(&id).map(|centre| centre.name.clone()),
            _ => None,
        });
        Some(name.unwrap_or(id))
    };
    let proposed = Memo::new(move |_| {
        typed.with(|text| {
            results.with(|r| {
                r.as_ref().map_or((Vec::new(), 0), |r| {
                    let (shown, total) = r.facets.centres_named(text, PROPOSED_CENTRES);
                    (shown.into_iter().cloned().collect::<Vec<_>>(), total)
                })
            })
        })
    });
    let choose = move |id: Option<String>| {
        typed.set(String::new());
        on_choose.run(id);
        if let Some(input) = input.get_untracked() {
            let _ = input.focus();
        }
    };
    let hint = move || {
        let (shown, total) = proposed.with(|(shown, total)| (shown.len(), *total));
        let text = typed.with(|t| t.trim().to_owned());
        if text.is_empty() {
            let all = results.with(|r| r.as_ref().map_or(0, |r| r.facets.centres.len()));
            format!(
                "Tapez une partie du nom pour choisir parmi {}.",
                plural(all, "centre", "centres")
            )
        } else if total == 0 {
            format!("Aucun centre ne correspond à « {text} ».")
        } else if total > shown {
            format!(
                "{} correspondent ; voici les {shown} premiers, précisez le nom pour les autres.",
                plural(total, "centre", "centres")
            )
        } else if total == 1 {
            "1 centre correspond.".to_owned()
        } else {
            format!("{} correspondent.", plural(total, "centre", "centres"))
        }
    };
    view! {
        <div class="field centre-picker">
            <label for="filtre-centre">"Centre"</label>
            {move || chosen().map(|name| {
                let remove = format!("Retirer le filtre « {name} »");
                view! {
                    <p class="chosen-centre">
                        <span>{name}</span>
                        <button type="button" class="chip" aria-label=remove on:click=move |_| choose(None)>"Retirer"</button>
                    </p>
                }
            })}
            <input
                id="filtre-centre"
                type="search"
                autocomplete="off"
                node_ref=input
                placeholder=move || if chosen().is_some() { "Choisir un autre centre" } else { "Nom du centre, ex. Belencontre" }
                aria-describedby="filtre-centre-aide"
                prop:value=move || typed.get()
                on:input=move |ev| typed.set(event_target_value(&ev))
                on:keydown=move |ev| {
                    // Enter takes the first name proposed.
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        if let Some(id) = proposed.with(|(shown, _)| shown.first().map(|(id, _, _)| id.clone())) {
                            choose(Some(id));
                        }
                    }
                }
            />
            <p id="filtre-centre-aide" class="hint" aria-live="polite">{hint}</p>
            <ul class="centre-choices" aria-label="Centres proposés">
                {move || proposed.get().0.into_iter().map(|(id, name, n)| view! {
                    <li>
                        <button type="button" on:click=move |_| choose(Some(id.clone()))>{format!("{name} ({n})")}</button>
                    </li>
                }).collect_view()}
            </ul>
        </div>
    }
}

#[cfg(feature = "split")]
mod picker_chunk {
    use super::*;

    #[leptos::wasm_split::wasm_split(
        centre_picker,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(preload)
    )]
    pub(super) fn picker(
        query: Memo<Query>,
        results: Memo<Option<Results>>,
        choose: Callback<Option<String>>,
    ) -> Result<AnyView, leptos::wasm_split::SplitLoaderError> {
        Ok(super::centre_picker(query, results, choose).into_any())
    }
}

#[component]
fn ResultList(query: Memo<Query>, results: Memo<Option<Results>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let count = move || results.with(|r| r.as_ref().map_or(0, |r| r.hits.len()));
    // Only one page of cards is in the page, whatever the catalogue's size.
    let range = move || query.with(|q| q.page_range(count()));
    let entries = move || {
        let range = range();
        state.index.with(|index| {
            let index = index.as_ref()?;
            results.with(|r| {
                r.as_ref().map(|r| {
                    r.hits[range]
                        .iter()
                        .map(|&i| index.entry(i).clone())
                        .collect::<Vec<_>>()
                })
            })
        })
    };
    let pages = move || count().div_ceil(PAGE_SIZE);
    let page_href = move |page: usize| {
        href_with(
            &Route::Catalogue,
            &Query {
                page,
                ..query.get()
            },
        )
    };
    // Coming back from a prototype, the list scrolls to where the person left it.
    Effect::new(move |_| {
        if entries().is_some() {
            scroll::restore();
        }
    });
    let actions = view! {
        <div class="catalogue-actions no-print">
            <ExportButtons selection=Signal::derive(|| Selection::All) label="Exporter tout le catalogue"/>
            {move || (!query.with(|q| q.is_unfiltered())).then(|| {
                let selection = Signal::derive(move || {
                    let ids = state.index.with(|index| index.as_ref().and_then(|index| results.with(|r| r.as_ref().map(|r| r.hits.iter().map(|&i| index.entry(i).id.clone()).collect()))));
                    Selection::Prototypes(ids.unwrap_or_default())
                });
                view! { <ExportButtons selection label=Signal::derive(move || format!("Exporter la sélection ({})", count()))/> }
            })}
            <A href=move || href_with(&Route::Book, &query.get()) attr:class="print-link">
                "Imprimer ces livrets"
            </A>
        </div>
    };
    view! {
        <div class="result-bar">
            <p class="result-count" id="nombre-resultats" role="status" aria-live="polite">
                {move || match count() {
                    0 => "Aucun prototype ne correspond à cette recherche.".to_owned(),
                    1 => "1 prototype affiché".to_owned(),
                    n if n <= PAGE_SIZE => format!("{n} prototypes affichés"),
                    n => {
                        let r = range();
                        format!("{} prototypes trouvés : {} à {} affichés", thousands(n), thousands(r.start + 1), thousands(r.end))
                    }
                }}
            </p>
            <A href=href(&Route::NewPrototype) attr:class="button primary no-print">"Nouveau prototype"</A>
        </div>
        {move || (count() == 0).then(|| view! { <EmptyHelp query/> })}
        <ul class="cards" id="resultats" tabindex="-1" aria-labelledby="nombre-resultats" on:click=|ev| scroll::remember(&ev)>
            <For each=move || entries().unwrap_or_default() key=|e| e.id.clone() let:entry>
                <PrototypeCard entry/>
            </For>
        </ul>
        {move || (pages() > 1).then(|| {
            let page = query.with(|q| q.page.clamp(1, pages()));
            view! {
                <nav class="pager" aria-label="Pages de résultats">
                    {(page > 1).then(|| view! { <A href=page_href(page - 1)>"Page précédente"</A> })}
                    <span>{format!("Page {page} sur {}", pages())}</span>
                    {(page < pages()).then(|| view! { <A href=page_href(page + 1)>"Page suivante"</A> })}
                </nav>
            }
        })}
        {actions}
    }
}

/// « Aller aux résultats »: focus on the list of cards, from which Tab reaches the first one
/// (the browser would add `#resultats` to the address, which holds the search).
fn to_results(ev: web_sys::MouseEvent) {
    ev.prevent_default();
    focus_id("resultats");
}

/// Says why nothing matched, and how to widen the search.
#[component]
fn EmptyHelp(query: Memo<Query>) -> impl IntoView {
    let tips = move || {
        let q = query.get();
        let mut tips = Vec::new();
        if !q.text.trim().is_empty() {
            tips.push(format!(
                "vérifiez l'orthographe de « {} » ou essayez un mot plus court",
                q.text.trim()
            ));
        }
        let filters = q
            .to_params()
            .iter()
            .filter(|(k, _)| !matches!(*k, "q" | "tri"))
            .count();
        if filters > 0 {
            tips.push(format!("retirez {}", plural(filters, "filtre", "filtres")));
        }
        tips
    };
    view! {
        <div class="empty">
            <p>{move || format!("Pour élargir : {}.", tips().join(", ou "))}</p>
            <p><A href=href(&Route::Catalogue)>"Effacer la recherche et les filtres"</A></p>
        </div>
    }
}

/// Where the list was, per address, for the way back from a prototype's page: which card was
/// opened and how far from the top of the window it was. A card rather than a scroll offset,
/// because cards off screen are not laid out (style: `content-visibility`) and the list's height
/// is only an estimate until they are.
mod scroll {
    use wasm_bindgen::JsCast;

    fn key() -> Option<String> {
        let location = web_sys::window()?.location();
        Some(format!(
            "defilement:{}{}",
            location.pathname().ok()?,
            location.search().ok()?
        ))
    }

    /// On a click in the list: if it followed one of a card's links, remembers that card.
    pub fn remember(ev: &web_sys::MouseEvent) {
        let card = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .filter(|e| e.closest("a").ok().flatten().is_some())
            .and_then(|e| e.closest("li.card[data-id]").ok().flatten());
        let (Some(window), Some(key), Some(card)) = (web_sys::window(), key(), card) else {
            return;
        };
        let (Some(id), Ok(Some(storage))) =
            (card.get_attribute("data-id"), window.session_storage())
        else {
            return;
        };
        // Whole pixels: parsing a decimal number back would bring float parsing (and its 11 KB
        // table) into the first download for this alone.
        let top = card.get_bounding_client_rect().top().round() as i32;
        let _ = storage.set_item(&key, &format!("{top}|{id}"));
    }

    pub fn restore() {
        let (Some(window), Some(key)) = (web_sys::window(), key()) else {
            return;
        };
        let Ok(Some(storage)) = window.session_storage() else {
            return;
        };
        let Ok(Some(saved)) = storage.get_item(&key) else {
            return;
        };
        let _ = storage.remove_item(&key);
        let Some((Ok(top), id)) = saved
            .split_once('|')
            .map(|(top, id)| (top.parse::<i32>().map(f64::from), id.to_owned()))
        else {
            return;
        };
        // After this render has been laid out: the card goes back where it was in the window.
        place(id, top, 3);
    }

    /// Scrolls so that card `id` is `top` pixels from the top of the window, in the next frame.
    /// Cards that come into view are then laid out and may move it: up to `tries` more frames
    /// put it back.
    fn place(id: String, top: f64, tries: u8) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let go = wasm_bindgen::closure::Closure::once_into_js(move || {
            let Some(window) = web_sys::window() else {
                return;
            };
            let Some(cards) = window
                .document()
                .and_then(|d| d.query_selector_all("li.card[data-id]").ok())
            else {
                return;
            };
            let card = (0..cards.length())
                .filter_map(|i| cards.item(i)?.dyn_into::<web_sys::Element>().ok())
                .find(|c| c.get_attribute("data-id").as_deref() == Some(id.as_str()));
            if let Some(card) = card {
                let off = card.get_bounding_client_rect().top() - top;
                if off.abs() >= 1.0 {
                    window.scroll_by_with_x_and_y(0.0, off);
                    if tries > 0 {
                        place(id, top, tries - 1);
                    }
                }
            }
        });
        let _ = window.request_animation_frame(go.unchecked_ref());
    }
}
