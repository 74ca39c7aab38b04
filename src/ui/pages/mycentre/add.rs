//! « Ajouter un centre »: a new centre whose first version lists this browser's key and is
//! signed by it; without Ed25519 in the browser, the centre is added without a key, and the
//! page says what that means.

use super::{answer, keys, Chosen};
use crate::exchange::{check_centre, new_id, with_edit};
use crate::model::Centre;
use crate::store::Change;
use crate::ui::state::{now_utc, AppState};
use crate::ui::text_field::TextField;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What is said when the centre could not get a key.
const UNSIGNED: &str = "Le centre est ajouté sans clé : ce que vous publierez pour lui restera « non vérifié » pour les autres centres.";

/// Sets `chosen` to the centre once it is saved (and vouched for, when it has a key), with what
/// to say when it could not get a key.
#[component]
pub fn AddCentre(chosen: RwSignal<Option<Chosen>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let (name, territory, commune, tiers_lieu) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let errors = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(false);
    // Said before anything is typed: whoever adds a centre from this browser should know.
    let can_sign = answer(keys::supported);
    let add = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut centre = Centre {
            name: name.get_untracked().trim().to_owned(),
            territory: territory.get_untracked().trim().to_owned(),
            commune: commune.get_untracked().trim().to_owned(),
            tiers_lieu: tiers_lieu.get_untracked().trim().to_owned(),
            keys: Vec::new(),
            revoked: Vec::new(),
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
        let Some(id) = state
            .with_catalogue(|c| new_id("centre", &centre.name, |id| c.centres.contains_key(id)))
        else {
            // Its id must not be one the catalogue, still loading, already holds.
            return errors.set(vec![
                "Le catalogue se charge encore : réessayez dans un instant.".into(),
            ]);
        };
        errors.set(Vec::new());
        busy.set(true);
        spawn_local(async move {
            let key = if keys::supported().await {
                keys::new_device_key(state, &id).await
            } else {
                Err("Ce navigateur ne sait pas signer les publications (Ed25519) : mettez-le à jour pour signer celles de votre centre.".to_owned())
            };
            let unsigned = key.as_ref().err().map(|why| format!("{why} {UNSIGNED}"));
            if let Ok(key) = &key {
                centre.keys = vec![key.clone()];
            }
            let record = with_edit(None, &id, &now_utc(), Some(centre.clone()));
            let saved = match &key {
                Ok(key) => {
                    let saved = keys::publish_record(state, &id, key, record).await;
                    match saved {
                        Ok(()) => state.vouch_device(&id).await,
                        Err(e) => Err(e),
                    }
                }
                Err(_) => {
                    state
                        .save_signed(None, vec![Change::Centre(id.clone(), record)])
                        .await
                }
            };
            busy.set(false);
            match saved {
                Ok(()) => chosen.set(Some(Chosen {
                    id,
                    name: centre.name,
                    note: unsigned,
                })),
                Err(e) => errors.set(vec![e]),
            }
        });
    };

    view! {
        <section aria-labelledby="ajouter-centre">
            <h2 id="ajouter-centre">"Ajouter un centre"</h2>
            <p>"Votre centre rejoint le réseau ? Ajoutez-le : il apparaîtra dans les fichiers que vous partagerez. "
               "Ce navigateur reçoit la clé du centre : ce que vous publiez pour lui est signé, et les autres centres le verront « vérifié »."</p>
            {move || (can_sign.get() == Some(false)).then(|| view! {
                <p class="notice">"Ce navigateur ne sait pas signer les publications (Ed25519) : mettez-le à jour pour que celles de votre centre soient vérifiées. " {UNSIGNED}</p>
            })}
            <form class="form" on:submit=add novalidate>
                <TextField id="centre-nom" label="Nom du centre (obligatoire)" value=name set=name required=true
                    invalid=move || !errors.with(Vec::is_empty) described_by="centre-erreurs"/>
                <TextField id="centre-territoire" label="Territoire" value=territory set=territory/>
                <TextField id="centre-commune" label="Commune" value=commune set=commune/>
                <TextField id="centre-tiers-lieu" label="Tiers-lieu" value=tiers_lieu set=tiers_lieu/>
                <ul id="centre-erreurs" class="field-errors" role="alert">
                    {move || errors.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
                </ul>
                <button type="submit" class="primary" disabled=busy>"Ajouter ce centre et agir pour lui"</button>
            </form>
        </section>
    }
}
