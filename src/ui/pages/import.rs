//! Import a catalogue file: pick or drop it, read it through the door, preview what it would
//! change, write it in one transaction only when the user confirms, and offer to undo.

use crate::exchange::{
    describe, preview_item, preview_keys, Admission, Admitted, EntityKind, Limits, NetworkKeys,
    Outcome, PreviewItem, Problems, Reading,
};
use crate::model::Catalogue;
use crate::slicing;
use crate::store;
use crate::ui::signatures;
use crate::ui::state::{now_utc, AppState};
use crate::ui::widgets::{count as thousands, plural, Progress};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
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
        lines: Arc<[Line]>,
        admission: Admission,
    },
    Writing,
    Done {
        message: String,
        /// What the import changed (or, once undone, what it had changed).
        lines: Arc<[Line]>,
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

/// One record of a preview, as a person reads it: its title and centre (`exchange::describe`),
/// its id only as secondary text.
#[derive(Clone)]
struct Line {
    kind: EntityKind,
    outcome: Outcome,
    id: String,
    title: String,
    centre: Option<String>,
}

impl Line {
    fn of(item: PreviewItem, current: &Catalogue, incoming: &Catalogue) -> Line {
        let described = describe(current, incoming, item.kind, &item.id);
        Line {
            kind: item.kind,
            outcome: item.outcome,
            id: item.id,
            title: described.title,
            centre: described.centre,
        }
    }
}

const KINDS: [EntityKind; 3] = [
    EntityKind::Prototype,
    EntityKind::Rating,
    EntityKind::Centre,
];

/// What changes, in the order it is told: new, updated, in conflict.
const CHANGES: [Outcome; 3] = [Outcome::Added, Outcome::Updated, Outcome::Conflict];

/// What stays as it is: shown folded away.
const KEPT: [Outcome; 2] = [Outcome::Unchanged, Outcome::IgnoredOlder];

/// How many lines have `outcome` and `kind`.
fn tally(lines: &[Line], outcome: Outcome, kind: EntityKind) -> usize {
    lines
        .iter()
        .filter(|l| l.outcome == outcome && l.kind == kind)
        .count()
}

/// « 3 nouveaux prototypes, 1 prototype mis à jour, 2 nouveaux rapports d'expérience,
/// 95 éléments inchangés »: what a file brings, readable at a glance.
fn headline(lines: &[Line]) -> String {
    let mut parts = Vec::new();
    for outcome in CHANGES {
        for kind in KINDS {
            let n = tally(lines, outcome, kind);
            if n == 0 {
                continue;
            }
            let (one, many) = kind.nouns();
            parts.push(match outcome {
                Outcome::Added if n == 1 => format!("1 nouveau {one}"),
                Outcome::Added => format!("{} nouveaux {many}", thousands(n)),
                Outcome::Updated => format!("{} mis à jour", plural(n, one, many)),
                _ => format!("{} en conflit", plural(n, one, many)),
            });
        }
    }
    let kept = |outcome| lines.iter().filter(|l| l.outcome == outcome).count();
    let unchanged = kept(Outcome::Unchanged);
    if unchanged > 0 {
        parts.push(plural(unchanged, "élément inchangé", "éléments inchangés"));
    }
    let older = kept(Outcome::IgnoredOlder);
    if older > 0 {
        parts.push(format!(
            "{} (déjà remplacés ici par une version plus récente)",
            plural(older, "élément ignoré", "éléments ignorés")
        ));
    }
    if parts.is_empty() {
        return "le fichier ne contient aucun élément".to_owned();
    }
    parts.join(", ")
}

/// The heading of one group of lines.
fn group_title(outcome: Outcome, undone: bool) -> &'static str {
    match (outcome, undone) {
        (Outcome::Added, false) => "Nouveautés",
        (Outcome::Added, true) => "Retirés du catalogue",
        (Outcome::Updated, false) => "Mises à jour",
        (Outcome::Updated, true) => "Revenus à leur version précédente",
        (Outcome::Conflict, false) => "Conflits : les deux versions sont gardées",
        (Outcome::Conflict, true) => "Conflits retirés",
        (Outcome::Unchanged, _) => "Inchangés",
        (Outcome::IgnoredOlder, _) => "Ignorés : une version plus récente est déjà ici",
    }
}

fn kind_title(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Centre => "Centres",
        EntityKind::Prototype => "Prototypes",
        EntityKind::Rating => "Rapports d'expérience",
    }
}

/// Lines shown per group: a national file lists thousands; the counts say the rest.
const SHOWN_PER_GROUP: usize = 100;

/// The lines of some outcomes, grouped by outcome then kind, each with its title and centre.
fn line_groups(lines: &[Line], outcomes: &[Outcome], undone: bool) -> impl IntoView {
    outcomes
        .iter()
        .filter(|&&o| lines.iter().any(|l| l.outcome == o))
        .map(|&outcome| {
            let kinds = KINDS
                .into_iter()
                .filter(|&k| tally(lines, outcome, k) > 0)
                .map(|kind| {
                    let n = tally(lines, outcome, kind);
                    let items = lines
                        .iter()
                        .filter(|l| l.outcome == outcome && l.kind == kind)
                        .take(SHOWN_PER_GROUP)
                        .map(|l| {
                            let text = match (l.kind, &l.centre) {
                                (EntityKind::Rating, Some(c)) => format!("{c}, sur « {} »", l.title),
                                (_, Some(c)) => format!("{} — {c}", l.title),
                                (_, None) => l.title.clone(),
                            };
                            view! { <li>{text}" "<span class="item-id">{format!("({})", l.id)}</span></li> }
                        })
                        .collect_view();
                    let more = (n > SHOWN_PER_GROUP).then(|| {
                        view! { <p class="hint">{format!("… et {} de plus.", thousands(n - SHOWN_PER_GROUP))}</p> }
                    });
                    view! {
                        <h4>{format!("{} ({})", kind_title(kind), thousands(n))}</h4>
                        <ul class="preview-items">{items}</ul>
                        {more}
                    }
                })
                .collect_view();
            view! {
                <section class="preview-group">
                    <h3>{group_title(outcome, undone)}</h3>
                    {kinds}
                </section>
            }
        })
        .collect_view()
}

/// What an import does (or did, or undid), record by record: the changes, then what stays as it
/// is folded away.
#[component]
fn ImportDetails(lines: Arc<[Line]>, #[prop(optional)] undone: bool) -> impl IntoView {
    let kept = lines.iter().filter(|l| KEPT.contains(&l.outcome)).count();
    let folded = (kept > 0).then(|| {
        let summary = plural(kept, "élément inchangé", "éléments inchangés");
        view! {
            <details class="unchanged">
                <summary>{summary}</summary>
                {line_groups(&lines, &KEPT, undone)}
            </details>
        }
    });
    view! {
        <div class="preview-details">
            {line_groups(&lines, &CHANGES, undone)}
            {folded}
        </div>
    }
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
                    let current = state.catalogue_now();
                    let admitted =
                        match signatures::admitted(&current, doc.catalogue, &network).await {
                            Ok(admitted) => admitted,
                            Err(message) => return step.set(Step::Failed(message)),
                        };
                    drop(current);
                    // Compared with the catalogue a slice at a time: a national file that
                    // updates every record would otherwise block the page while it is hashed.
                    let keys = preview_keys(admitted.catalogue());
                    let mut lines = Vec::with_capacity(keys.len());
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
                                lines.push(Line::of(item, current, admitted.catalogue()));
                            }
                        });
                        slicing::page_turn().await;
                    }
                    let admission = admitted.admission.clone();
                    incoming.set_value(Some((admitted, network)));
                    step.set(Step::Preview {
                        file: name,
                        lines: lines.into(),
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
                    let items = report.preview.items.clone();
                    let held_aside = report.held_aside;
                    state
                        .imported(report, |p| progress.set(WRITING + (1.0 - WRITING) * p))
                        .await;
                    // Named from the catalogue as it now is, which holds what the file brought.
                    let lines: Arc<[Line]> = state
                        .with_catalogue(|c| items.into_iter().map(|i| Line::of(i, c, c)).collect())
                        .unwrap_or_default();
                    let message = format!(
                        "Import terminé : {}.{}",
                        headline(&lines),
                        crate::ui::aside::held_aside(held_aside)
                    );
                    step.set(Step::Done {
                        message,
                        lines,
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
        let lines = match step.get_untracked() {
            Step::Done { lines, .. } => lines,
            _ => return,
        };
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
                        lines,
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
                Step::Preview { file, lines, admission } => view! {
                    <section class="preview" aria-labelledby="apercu-titre">
                        <h2 id="apercu-titre">{format!("Aperçu de « {file} »")}</h2>
                        // What the file brings first, and the choice right under it.
                        <p class="preview-summary">{format!("Ce fichier apporte : {}.", headline(&lines))}</p>
                        {(!admission.refused.is_empty()).then(|| view! {
                            <p class="refused-count">
                                {plural(admission.refused.len(), "version refusée", "versions refusées")}
                                " : elles ne seront pas importées (détail plus bas)."
                            </p>
                        })}
                        <div class="actions">
                            <button type="button" class="primary" on:click=confirm>"Importer ces données"</button>
                            <button type="button" on:click=move |_| step.set(Step::Choose)>"Abandonner"</button>
                        </div>
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
                        <ImportDetails lines/>
                    </section>
                }.into_any(),
                Step::Done { message, lines, undoable } => view! {
                    <div class="success-box" role="status">
                        <p>{message}</p>
                        {undoable.then(|| view! { <button type="button" on:click=undo>"Annuler cet import"</button> })}
                    </div>
                    {(!undoable).then(|| view! { <p>"Ce que l'import avait changé, et qui ne l'est plus :"</p> })}
                    <ImportDetails lines undone=!undoable/>
                }.into_any(),
                Step::Failed(message) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
            }}
        </div>
        </div>
    }
}
