//! "Mon centre": which centre the person acts as. Writing actions (create, adapt, rate, edit)
//! need it; without it they send here, and come back afterwards.

use crate::exchange::{check_centre, new_id, with_edit};
use crate::model::Centre;
use crate::store::Change;
use crate::ui::router::{use_query, use_router};
use crate::ui::state::{now_utc, AppState};
use crate::ui::text_field::TextField;
use crate::ui::widgets::to;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;

/// Where to come back after choosing (`?retour=/prototypes/x`), limited to the app's own paths.
fn return_path() -> Memo<Option<String>> {
    let query = use_query();
    Memo::new(move |_| {
        query.with(|q| {
            q.iter()
                .find(|(key, _)| key == "retour")
                .map(|(_, path)| path.clone())
                .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        })
    })
}

#[component]
pub fn MyCentrePage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let back = return_path();
    let router = use_router();
    let message = RwSignal::new(None::<Result<String, String>>);
    let done = StoredValue::new(move |name: String| match back.get_untracked() {
        Some(path) => router.go(&to(&path)),
        None => message.set(Some(Ok(format!("Vous agissez maintenant pour : {name}.")))),
    });
    let choose = move |id: String, name: String| {
        spawn_local(async move {
            match state.set_my_centre(id).await {
                Ok(()) => done.with_value(|d| d(name)),
                Err(e) => message.set(Some(Err(e))),
            }
        });
    };
    let groups = move || {
        state
            .with_catalogue(|c| {
                let mut by: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
                for (id, centre) in c.live_centres() {
                    let territory = if centre.territory.is_empty() {
                        "Autres territoires".into()
                    } else {
                        centre.territory.clone()
                    };
                    by.entry(territory)
                        .or_default()
                        .push((id.to_owned(), centre.name.clone()));
                }
                by
            })
            .unwrap_or_default()
    };

    // "Ajouter un centre"
    let (name, territory, commune, tiers_lieu) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let errors = RwSignal::new(Vec::<String>::new());
    let add = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let centre = Centre {
            name: name.get_untracked().trim().to_owned(),
            territory: territory.get_untracked().trim().to_owned(),
            commune: commune.get_untracked().trim().to_owned(),
            tiers_lieu: tiers_lieu.get_untracked().trim().to_owned(),
        };
        let problems = check_centre(&centre);
        if !problems.is_empty() {
            errors.set(
                problems
                    .list
                    .iter()
                    .map(|p| match p.path.as_str() {
                        "nom" => "Indiquez le nom du centre.".to_owned(),
                        _ => p.to_string(),
                    })
                    .collect(),
            );
            return;
        }
        errors.set(Vec::new());
        let Some(id) = state
            .with_catalogue(|c| new_id("centre", &centre.name, |id| c.centres.contains_key(id)))
        else {
            return;
        };
        let record = with_edit(None, &id, &now_utc(), Some(centre.clone()));
        spawn_local(async move {
            match state.save(vec![Change::Centre(id.clone(), record)]).await {
                Ok(()) => choose(id, centre.name),
                Err(e) => message.set(Some(Err(e))),
            }
        });
    };
    let current = move || {
        let id = state.my_centre.get()?;
        state
            .with_catalogue(|c| c.centre(&id).map(|c| c.name.clone()))
            .flatten()
    };

    view! {
        <h1>"Mon centre"</h1>
        <p class="intro">
            "Choisissez le centre pour lequel vous agissez : vos créations, adaptations et rapports "
            "d'expérience seront publiés en son nom. Ce choix est gardé dans ce navigateur."
        </p>
        <p role="status">{move || match current() {
            Some(name) => format!("Actuellement : {name}."),
            None => "Aucun centre choisi pour le moment.".to_owned(),
        }}</p>
        {move || message.get().map(|m| match m {
            Ok(text) => view! { <p class="success-box" role="status">{text}</p> }.into_any(),
            Err(text) => view! { <p class="error" role="alert">{text}</p> }.into_any(),
        })}
        {move || groups().into_iter().map(|(territory, centres)| view! {
            <section>
                <h2>{territory}</h2>
                <ul class="choice-list">
                    {centres.into_iter().map(|(id, centre_name)| {
                        let (id2, name2) = (id.clone(), centre_name.clone());
                        view! {
                            <li>
                                <button
                                    type="button"
                                    aria-pressed=move || (state.my_centre.get().as_deref() == Some(id.as_str())).to_string()
                                    on:click=move |_| choose(id2.clone(), name2.clone())
                                >{centre_name}</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }).collect_view()}
        <section aria-labelledby="ajouter-centre">
            <h2 id="ajouter-centre">"Ajouter un centre"</h2>
            <p>"Votre centre rejoint le réseau ? Ajoutez-le : il apparaîtra dans les fichiers que vous partagerez."</p>
            <form class="form" on:submit=add novalidate>
                <TextField id="centre-nom" label="Nom du centre (obligatoire)" value=name set=name required=true
                    invalid=move || !errors.with(Vec::is_empty) described_by="centre-erreurs"/>
                <TextField id="centre-territoire" label="Territoire" value=territory set=territory/>
                <TextField id="centre-commune" label="Commune" value=commune set=commune/>
                <TextField id="centre-tiers-lieu" label="Tiers-lieu" value=tiers_lieu set=tiers_lieu/>
                <ul id="centre-erreurs" class="field-errors" role="alert">
                    {move || errors.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
                </ul>
                <button type="submit" class="primary">"Ajouter ce centre et agir pour lui"</button>
            </form>
        </section>
    }
}
