//! Import a catalogue file: pick or drop it, read it through the door, preview what it would
//! change, write it in one transaction only when the user confirms, and offer to undo.

use crate::exchange::{
    preview_item, preview_keys, Admission, Admitted, EntityKind, Limits, NetworkKeys, Outcome,
    Preview, Problems, Reading,
};
use crate::model::Catalogue;
use crate::slicing;
use crate::store;
use crate::ui::signatures;
use crate::ui::state::{now_utc, AppState};
use crate::ui::widgets::{plural, Progress};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// Where the page stands. (The file's catalogue itself is kept aside, not cloned at each render.)
#[derive(Clone)]
enum Step {
    Choose,
    Reading(String),
    Refused {
        file: String,
        problems: Problems,
    },
    Preview {
        file: String,
        preview: Preview,
        admission: Admission,
    },
    Writing,
    Done {
        message: String,
        undoable: bool,
    },
    Failed(String),
}

impl Step {
    /// A file is being read or written.
    fn is_busy(&self) -> bool {
        matches!(self, Step::Reading(_) | Step::Writing)
    }
}

/// The file's bytes, copied a few megabytes at a time (`ui::bytes`).
async fn file_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    crate::ui::bytes::copied(file.array_buffer())
        .await
        .ok_or_else(|| "Le fichier n'a pas pu être lu.".to_owned())
}

fn outcome_counts(p: &Preview) -> Vec<(Outcome, usize)> {
    [
        Outcome::Added,
        Outcome::Updated,
        Outcome::Conflict,
        Outcome::Unchanged,
        Outcome::IgnoredOlder,
    ]
    .into_iter()
    .map(|o| (o, p.count(o)))
    .filter(|(_, n)| *n > 0)
    .collect()
}

/// "Ajouté : 2 prototypes, 1 rapport d'expérience · Inchangé : 2 centres".
fn summary(p: &Preview) -> String {
    let parts: Vec<String> = outcome_counts(p)
        .into_iter()
        .map(|(o, _)| {
            let kinds: Vec<String> = [
                EntityKind::Centre,
                EntityKind::Prototype,
                EntityKind::Rating,
            ]
            .into_iter()
            .map(|k| {
                let n = p
                    .items
                    .iter()
                    .filter(|i| i.outcome == o && i.kind == k)
                    .count();
                (k, n)
            })
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| {
                let (one, several) = k.nouns();
                plural(n, one, several)
            })
            .collect();
            format!("{} : {}", o.label(), kinds.join(", "))
        })
        .collect();
    parts.join(" · ")
}

/// « 40 versions vérifiées, 2 non vérifiées (signature absente ou clé inconnue), 1 ignorée… ».
fn trust_summary(a: &Admission) -> String {
    let mut parts = vec![plural(a.verified, "version vérifiée", "versions vérifiées")];
    if a.unverified > 0 {
        parts.push(format!(
            "{} (sans signature, ou d'un centre dont la clé est inconnue)",
            plural(
                a.unverified,
                "version non vérifiée",
                "versions non vérifiées"
            )
        ));
    }
    if a.ignored > 0 {
        parts.push(format!(
            "{} (non vérifiées, elles ne remplacent pas la version signée par l'auteur)",
            plural(a.ignored, "version ignorée", "versions ignorées")
        ));
    }
    for (centre, code) in &a.pinned {
        parts.push(format!(
            "nouveau centre « {centre} » : sa clé {code} est retenue (première rencontre)"
        ));
    }
    for (centre, code) in &a.keys_added {
        parts.push(format!("« {centre} » ajoute l'appareil {code}"));
    }
    for (centre, code) in &a.keys_revoked {
        parts.push(format!("« {centre} » retire l'appareil {code}"));
    }
    format!("Signatures : {}.", parts.join(" ; "))
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let step = RwSignal::new(Step::Choose);

    // Share of the current long step done, 0 to 1: reading the file, or writing it.
    let progress = RwSignal::new(0.0f64);
    let incoming: StoredValue<Option<(Admitted, NetworkKeys)>, LocalStorage> =
        StoredValue::new_local(None);

    // While a file is read or written, another one waits: the picker is disabled and drops are
    // ignored.
    let busy = move || step.with(Step::is_busy);
    let take_file = move |file: web_sys::File| {
        if step.with_untracked(Step::is_busy) {
            return;
        }
        let name = file.name();
        progress.set(0.0);
        step.set(Step::Reading(name.clone()));
        spawn_local(async move {
            let bytes = match file_bytes(&file).await {
                Ok(bytes) => bytes,
                Err(message) => return step.set(Step::Failed(message)),
            };
            // Read a slice at a time, letting the page breathe and the bar move in between.
            let mut reading = Reading::new(&bytes, Limits::default());
            let mut slices = slicing::Slices::new();
            while let Some(done) = reading.step(32 * 1024) {
                if slices.due() {
                    progress.set(done);
                    slicing::page_turn().await;
                    slices.restart();
                }
            }
            match reading.finish() {
                Err(problems) => step.set(Step::Refused {
                    file: name,
                    problems,
                }),
                Ok(doc) => {
                    // Signatures checked, then the ownership and key rules applied, against
                    // the catalogue as shown.
                    let network = state
                        .with_db(|db| async move { signatures::stored_network(&db).await })
                        .await
                        .flatten()
                        .map(|l| l.keys())
                        .unwrap_or_default();
                    let current = state
                        .catalogue
                        .with_untracked(|c| c.as_ref().and_then(|c| c.as_ref().ok()).cloned())
                        .unwrap_or_default();
                    let admitted =
                        match signatures::admitted(&current, doc.catalogue, &network).await {
                            Ok(admitted) => admitted,
                            Err(message) => return step.set(Step::Failed(message)),
                        };
                    drop(current);
                    // Compared with the catalogue a slice at a time: a national file that
                    // updates every record would otherwise block the page while it is hashed.
                    let keys = preview_keys(admitted.catalogue());
                    let mut items = Vec::with_capacity(keys.len());
                    let mut keys = keys.into_iter().peekable();
                    while keys.peek().is_some() {
                        let slices = slicing::Slices::new();
                        state.catalogue.with_untracked(|c| {
                            let empty = Catalogue::default();
                            let current = match c {
                                Some(Ok(current)) => current,
                                _ => &empty,
                            };
                            while !slices.due() {
                                let Some((kind, id)) = keys.next() else { break };
                                let mut item =
                                    preview_item(current, admitted.catalogue(), kind, id);
                                if admitted.replaces(item.kind, &item.id) {
                                    item.outcome = Outcome::Updated;
                                }
                                items.push(item);
                            }
                        });
                        slicing::page_turn().await;
                    }
                    let preview = Preview { items };
                    let admission = admitted.admission.clone();
                    incoming.set_value(Some((admitted, network)));
                    step.set(Step::Preview {
                        file: name,
                        preview,
                        admission,
                    });
                }
            }
        });
    };

    let on_pick = move |ev: web_sys::Event| {
        let input: web_sys::HtmlInputElement = ev.target().unwrap().unchecked_into();
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            take_file(file);
        }
        input.set_value("");
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            take_file(file);
        }
    };

    let confirm = move |_| {
        let Step::Preview { file, .. } = step.get_untracked() else {
            return;
        };
        let Some((admitted, network)) = incoming.try_update_value(Option::take).flatten() else {
            return;
        };
        progress.set(0.0);
        step.set(Step::Writing);
        spawn_local(async move {
            // Writing is most of the work; updating the search index the rest.
            const WRITING: f64 = 0.85;
            let result = state
                .with_db(|db| async move {
                    store::import(&db, admitted, &network, &file, &now_utc(), &|p| {
                        progress.set(WRITING * p)
                    })
                    .await
                })
                .await;
            match result {
                Some(Ok(report)) => {
                    // Writing a national file ends with a long step (the transaction's data let
                    // go): the page gets a turn after it.
                    slicing::page_turn().await;
                    let message = format!(
                        "Import terminé. {}{}",
                        summary(&report.preview),
                        crate::ui::aside::held_aside(report.held_aside)
                    );
                    state
                        .imported(report, |p| progress.set(WRITING + (1.0 - WRITING) * p))
                        .await;
                    step.set(Step::Done {
                        message,
                        undoable: true,
                    });
                }
                Some(Err(e)) => step.set(Step::Failed(e.message)),
                None => step.set(Step::Failed(
                    "Le stockage n'est pas encore prêt ; réessayez dans un instant.".into(),
                )),
            }
        });
    };

    let undo = move |_| {
        step.set(Step::Writing);
        spawn_local(async move {
            match state
                .with_db(|db| async move { store::undo_last_import(&db).await })
                .await
            {
                Some(Ok(catalogue)) => {
                    state.set_catalogue(Ok(catalogue)).await;
                    step.set(Step::Done {
                        message:
                            "L'import a été annulé : le catalogue est revenu à son état précédent."
                                .into(),
                        undoable: false,
                    });
                }
                Some(Err(e)) => step.set(Step::Failed(e.message)),
                None => step.set(Step::Failed("Le stockage n'est pas encore prêt.".into())),
            }
        });
    };

    // A file dropped anywhere on the page is taken, not just on the box.
    view! {
        <div class="import-page" on:dragover=|ev: web_sys::DragEvent| ev.prevent_default() on:drop=on_drop>
        <h1>"Importer un catalogue"</h1>
        <p class="intro">
            "Ajoutez les prototypes qu'un autre centre vous a envoyés. Le fichier est d'abord vérifié, "
            "puis vous voyez ce qu'il va changer : rien n'est enregistré avant votre confirmation."
        </p>
        // The preview compares with the stored catalogue: offer the file picker once it is loaded.
        {move || match state.catalogue.with(|c| c.as_ref().map(Result::is_ok)) {
            None => view! { <p role="status">"Chargement du catalogue…"</p> }.into_any(),
            Some(false) => view! {
                <p class="error" role="alert">"Le catalogue de ce navigateur n'a pas pu être lu : l'import est impossible pour le moment."</p>
            }.into_any(),
            Some(true) => view! {
                <div class="dropzone">
                    <label for="fichier-catalogue">"Choisir un fichier de catalogue (.json)"</label>
                    <input id="fichier-catalogue" type="file" accept=".json,application/json" on:change=on_pick disabled=busy/>
                    <p class="hint">"ou déposez-le n'importe où sur cette page"</p>
                </div>
            }.into_any(),
        }}
        <div class="import-status" aria-live="polite">
            {move || match step.get() {
                Step::Choose => ().into_any(),
                Step::Reading(file) => view! {
                    <p role="status">{format!("Lecture et vérification de « {file} »…")}</p>
                    <Progress label="Lecture du fichier" done=progress/>
                }.into_any(),
                Step::Writing => view! {
                    <p role="status">"Enregistrement…"</p>
                    <Progress label="Enregistrement" done=progress/>
                }.into_any(),
                Step::Refused { file, problems } => view! {
                    <div class="error-box" role="alert">
                        <h2>{format!("« {file} » n'a pas été importé")}</h2>
                        <p>{problems.summary()}</p>
                        <ul class="problems">
                            {problems.list.iter().take(50).map(|p| view! { <li>{p.to_string()}</li> }).collect_view()}
                        </ul>
                    </div>
                }.into_any(),
                Step::Preview { file, preview, admission } => view! {
                    <section class="preview" aria-labelledby="apercu-titre">
                        <h2 id="apercu-titre">{format!("Aperçu de « {file} »")}</h2>
                        <p class="preview-summary">{summary(&preview)}</p>
                        <p class="preview-trust">{trust_summary(&admission)}</p>
                        {(!admission.refused.is_empty()).then(|| view! {
                            <div class="warning-box" role="alert">
                                <p>{plural(admission.refused.len(), "version refusée", "versions refusées")} " : elles ne seront pas importées."</p>
                                <ul class="problems">
                                    {admission.refused.iter().take(50).map(|r| view! {
                                        <li>{format!("{} « {} » : {}", r.kind.label(), r.id, r.reason)}</li>
                                    }).collect_view()}
                                </ul>
                            </div>
                        })}
                        <ul class="preview-items">
                            {preview.items.iter().take(200).map(|i| view! {
                                <li>{format!("{} « {} » : {}", i.kind.label(), i.id, i.outcome.label())}</li>
                            }).collect_view()}
                        </ul>
                        <div class="actions">
                            <button type="button" class="primary" on:click=confirm>"Importer ces données"</button>
                            <button type="button" on:click=move |_| step.set(Step::Choose)>"Abandonner"</button>
                        </div>
                    </section>
                }.into_any(),
                Step::Done { message, undoable } => view! {
                    <div class="success-box" role="status">
                        <p>{message}</p>
                        {undoable.then(|| view! { <button type="button" on:click=undo>"Annuler cet import"</button> })}
                    </div>
                }.into_any(),
                Step::Failed(message) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
            }}
        </div>
        </div>
    }
}
