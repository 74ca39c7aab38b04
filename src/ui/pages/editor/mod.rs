//! Create and edit a prototype with its full livret: a form whose sections follow the livret,
//! numbered steps that can be added, removed and reordered, messages next to the fields from the
//! same rules as the import validator, a draft that survives a reload, and a preview.

use super::mycentre::NeedCentre;
use super::prototype::LivretView;
use super::router::{use_id, use_router, A};
use super::state::{now_utc, today, AppState};
use super::widgets::{prototype_href, to};
use crate::exchange::{check_prototype, compare, new_id, with_edit};
use crate::model::{Livret, Prototype, Resource, Step, Theme, UsageKind, DEFAULT_LICENCE};
use crate::store::Change;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The form's state: text as typed, so that a half-written draft can be kept and restored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Draft {
    title: String,
    summary: String,
    theme: String,
    kind: String,
    public: String,
    scenario: String,
    tools: String,
    tags: String,
    licence: String,
    objectives: String,
    livret_public: String,
    duration: String,
    group_size: String,
    materials: String,
    cost: String,
    preparation: String,
    steps: Vec<StepDraft>,
    tips: String,
    pitfalls: String,
    evaluation: String,
    resources: Vec<ResourceDraft>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct StepDraft {
    key: u32,
    title: String,
    duration: String,
    description: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct ResourceDraft {
    key: u32,
    title: String,
    url: String,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn commas(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Draft {
    fn of(p: &Prototype) -> Draft {
        let l = &p.livret;
        Draft {
            title: p.title.clone(),
            summary: p.summary.clone(),
            theme: p.theme.slug().into(),
            kind: p.kind.slug().into(),
            public: p.public.clone(),
            scenario: p.scenario.clone(),
            tools: p.tools.join("\n"),
            tags: p.tags.join(", "),
            licence: p.licence.clone(),
            objectives: l.objectives.join("\n"),
            livret_public: l.public.clone(),
            duration: l.duration.clone(),
            group_size: l.group_size.clone(),
            materials: l.materials.join("\n"),
            cost: l.cost.clone(),
            preparation: l.preparation.join("\n"),
            steps: l
                .steps
                .iter()
                .enumerate()
                .map(|(i, s)| StepDraft {
                    key: i as u32,
                    title: s.title.clone(),
                    duration: s.duration.clone(),
                    description: s.description.clone(),
                })
                .collect(),
            tips: l.facilitation_tips.join("\n"),
            pitfalls: l.pitfalls.join("\n"),
            evaluation: l.evaluation.join("\n"),
            resources: l
                .resources
                .iter()
                .enumerate()
                .map(|(i, r)| ResourceDraft {
                    key: i as u32,
                    title: r.title.clone(),
                    url: r.url.clone(),
                })
                .collect(),
        }
    }

    fn blank() -> Draft {
        Draft {
            theme: Theme::Welcome.slug().into(),
            kind: UsageKind::Workshop.slug().into(),
            licence: DEFAULT_LICENCE.into(),
            steps: (0..3)
                .map(|key| StepDraft {
                    key,
                    ..StepDraft::default()
                })
                .collect(),
            ..Draft::default()
        }
    }

    fn next_key(&self) -> u32 {
        self.steps
            .iter()
            .map(|s| s.key)
            .chain(self.resources.iter().map(|r| r.key))
            .max()
            .map_or(0, |k| k + 1)
    }

    /// The prototype this draft describes, on top of `base` (which keeps what the form does not
    /// show: lineage, creation day, unknown fields).
    fn prototype(&self, base: &Prototype) -> Prototype {
        let mut p = base.clone();
        p.title = self.title.trim().into();
        p.summary = self.summary.trim().into();
        p.theme = Theme::from_slug(&self.theme).unwrap_or(p.theme);
        p.kind = UsageKind::from_slug(&self.kind).unwrap_or(p.kind);
        p.public = self.public.trim().into();
        p.scenario = self.scenario.trim().into();
        p.tools = lines(&self.tools);
        p.tags = commas(&self.tags);
        p.licence = self.licence.trim().into();
        let old_steps = std::mem::take(&mut p.livret.steps);
        let old_resources = std::mem::take(&mut p.livret.resources);
        let extra = std::mem::take(&mut p.livret.extra);
        p.livret = Livret {
            objectives: lines(&self.objectives),
            public: self.livret_public.trim().into(),
            duration: self.duration.trim().into(),
            group_size: self.group_size.trim().into(),
            materials: lines(&self.materials),
            cost: self.cost.trim().into(),
            preparation: lines(&self.preparation),
            steps: self
                .steps
                .iter()
                .filter(|s| {
                    !(s.title.trim().is_empty()
                        && s.description.trim().is_empty()
                        && s.duration.trim().is_empty())
                })
                .map(|s| Step {
                    title: s.title.trim().into(),
                    description: s.description.trim().into(),
                    duration: s.duration.trim().into(),
                    extra: old_steps
                        .get(s.key as usize)
                        .map(|o| o.extra.clone())
                        .unwrap_or_default(),
                })
                .collect(),
            facilitation_tips: lines(&self.tips),
            pitfalls: lines(&self.pitfalls),
            evaluation: lines(&self.evaluation),
            resources: self
                .resources
                .iter()
                .filter(|r| !(r.title.trim().is_empty() && r.url.trim().is_empty()))
                .map(|r| Resource {
                    title: r.title.trim().into(),
                    url: r.url.trim().into(),
                    extra: old_resources
                        .get(r.key as usize)
                        .map(|o| o.extra.clone())
                        .unwrap_or_default(),
                })
                .collect(),
            extra,
        };
        p
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn draft_key(id: Option<&str>) -> String {
    format!("prototheque-brouillon:{}", id.unwrap_or("nouveau"))
}

fn load_draft(id: Option<&str>) -> Option<Draft> {
    serde_json::from_slice(storage()?.get_item(&draft_key(id)).ok()??.as_bytes()).ok()
}

fn save_draft(id: Option<&str>, draft: &Draft) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(draft)) {
        let _ = s.set_item(&draft_key(id), &json);
    }
}

fn clear_draft(id: Option<&str>) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&draft_key(id));
    }
}

/// What the editor works on.
#[derive(Clone, PartialEq)]
enum Target {
    Loading,
    /// A new prototype of my centre.
    New,
    /// An existing prototype of my centre.
    /// (The prototype itself is read once when the form opens: a change elsewhere in the
    /// catalogue must not rebuild the form under the person's fingers.)
    Own(String),
    /// Someone else's: offer to adapt instead.
    Other(String, String),
    Missing,
}

#[component]
pub fn NewPrototypePage() -> impl IntoView {
    view! { <EditorPage new=true/> }
}

#[component]
pub fn EditPrototypePage() -> impl IntoView {
    view! { <EditorPage new=false/> }
}

#[component]
fn EditorPage(new: bool) -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = Some(use_id()).filter(|id| !id.is_empty());
    let target = Memo::new(move |_| {
        let mine = state.my_centre.get();
        let id = id.clone();
        state
            .with_catalogue(|c| match (new, id) {
                (true, _) => Target::New,
                (false, Some(id)) => match c.prototype(&id) {
                    None => Target::Missing,
                    Some(p) if mine.as_deref() == Some(p.centre.as_str()) => Target::Own(id),
                    Some(p) => Target::Other(
                        id,
                        c.centre(&p.centre)
                            .map_or(p.centre.clone(), |c| c.name.clone()),
                    ),
                },
                (false, None) => Target::Missing,
            })
            .unwrap_or(Target::Loading)
    });
    let here = move || super::widgets::current_path();
    move || {
        if state.catalogue.with(Option::is_none) {
            return view! { <p role="status">"Chargement…"</p> }.into_any();
        }
        if state.my_centre.get().is_none() {
            return view! {
                <h1>{if new { "Nouveau prototype" } else { "Modifier un prototype" }}</h1>
                <NeedCentre here=here() action="créer ou modifier un prototype"/>
            }
            .into_any();
        }
        match target.get() {
            Target::Loading => view! { <p role="status">"Chargement…"</p> }.into_any(),
            Target::Missing => view! { <h1>"Prototype introuvable"</h1><p><A href=to("/")>"Revenir au catalogue"</A></p> }.into_any(),
            Target::Other(id, centre) => view! {
                <h1>"Modifier un prototype"</h1>
                <p>{format!("Ce prototype appartient à {centre} : seul ce centre peut le modifier. Vous pouvez l'adapter pour votre centre depuis sa page.")}</p>
                <p><A href=prototype_href(&id)>"Voir le prototype et l'adapter"</A></p>
            }.into_any(),
            Target::New => view! { <Editor id=None base=None/> }.into_any(),
            Target::Own(id) => {
                let base = state.catalogue.with_untracked(|c| match c {
                    Some(Ok(c)) => c.prototype(&id).cloned(),
                    _ => None,
                });
                view! { <Editor id=Some(id) base/> }.into_any()
            }
        }
    }
}

/// Maps a problem's path (`livret.deroule[2].titre`) to the form field that shows it.
fn field_of(path: &str) -> String {
    let simple = [
        ("titre", "titre"),
        ("resume", "resume"),
        ("theme", "theme"),
        ("type_usage", "type"),
        ("public", "public"),
        ("scenario", "scenario"),
        ("outils", "outils"),
        ("etiquettes", "etiquettes"),
        ("licence", "licence"),
        ("livret.objectifs", "objectifs"),
        ("livret.public", "livret-public"),
        ("livret.duree", "duree"),
        ("livret.taille_groupe", "taille-groupe"),
        ("livret.materiel", "materiel"),
        ("livret.cout", "cout"),
        ("livret.preparation", "preparation"),
        ("livret.conseils_animation", "conseils"),
        ("livret.pieges", "pieges"),
        ("livret.evaluation", "evaluation"),
    ];
    if let Some(rest) = path.strip_prefix("livret.deroule[") {
        let (n, field) = rest
            .split_once("].")
            .unwrap_or((rest.trim_end_matches(']'), "titre"));
        return format!(
            "etape-{n}-{}",
            if field == "duree" { "duree" } else { field }
        );
    }
    if let Some(rest) = path.strip_prefix("livret.ressources[") {
        let (n, field) = rest
            .split_once("].")
            .unwrap_or((rest.trim_end_matches(']'), "titre"));
        return format!("ressource-{n}-{field}");
    }
    simple
        .iter()
        .find(|(p, _)| path == *p || path.starts_with(&format!("{p}[")))
        .map_or_else(|| "titre".to_owned(), |(_, f)| (*f).to_owned())
}

#[component]
fn Editor(id: Option<String>, base: Option<Prototype>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let router = use_router();
    let initial = base.as_ref().map_or_else(Draft::blank, Draft::of);
    let restored = load_draft(id.as_deref()).filter(|d| *d != initial);
    let draft = RwSignal::new(restored.clone().unwrap_or_else(|| initial.clone()));
    let restored_notice = RwSignal::new(restored.is_some());
    let errors = RwSignal::new(BTreeMap::<String, Vec<String>>::new());
    let tried = RwSignal::new(false);
    let preview = RwSignal::new(false);
    let status = RwSignal::new(None::<String>);
    let id = StoredValue::new(id);
    let base = StoredValue::new(base.unwrap_or_else(|| {
        let mine = state.my_centre.get_untracked().unwrap_or_default();
        Prototype {
            title: String::new(),
            summary: String::new(),
            theme: Theme::Welcome,
            centre: mine,
            kind: UsageKind::Workshop,
            public: String::new(),
            scenario: String::new(),
            tools: vec![],
            licence: DEFAULT_LICENCE.into(),
            tags: vec![],
            created: today(),
            forked_from: None,
            livret: Livret::default(),
        }
    }));

    let validate = move || {
        let p = draft.with(|d| base.with_value(|b| d.prototype(b)));
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for problem in check_prototype(&p).list {
            let field = field_of(&problem.path);
            let message = problem.message.clone();
            map.entry(field).or_default().push(message);
        }
        errors.set(map);
        p
    };
    // Keep the draft on every change; revalidate once the person has tried to save.
    Effect::new(move |_| {
        let d = draft.get();
        id.with_value(|id| save_draft(id.as_deref(), &d));
        if tried.get_untracked() {
            validate();
        }
    });

    let save = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let p = validate();
        if !errors.with_untracked(BTreeMap::is_empty) {
            status.set(Some(
                "Le prototype n'a pas été enregistré : corrigez les champs signalés.".into(),
            ));
            focus_first_error(errors.get_untracked());
            return;
        }
        let Some(mine) = state.my_centre.get_untracked() else {
            return;
        };
        let existing = id.get_value();
        spawn_local(async move {
            let at = now_utc();
            let (pid, record) = match &existing {
                Some(pid) => {
                    let current = state
                        .with_catalogue(|c| c.prototypes.get(pid).cloned())
                        .flatten();
                    (
                        pid.clone(),
                        with_edit(current.as_ref(), &mine, &at, Some(p)),
                    )
                }
                None => {
                    let pid = state
                        .with_catalogue(|c| {
                            new_id(&mine, &p.title, |x| c.prototypes.contains_key(x))
                        })
                        .unwrap_or_default();
                    (pid, with_edit(None, &mine, &at, Some(p)))
                }
            };
            match state
                .save(vec![Change::Prototype(pid.clone(), record)])
                .await
            {
                Ok(()) => {
                    clear_draft(existing.as_deref());
                    state.tell(
                        format!("/prototypes/{pid}"),
                        "prototype",
                        Ok("Le prototype est enregistré.".into()),
                    );
                    router.go(&prototype_href(&pid));
                }
                Err(e) => status.set(Some(e)),
            }
        });
    };

    let initial = StoredValue::new(initial);
    let discard = move |_| {
        id.with_value(|id| clear_draft(id.as_deref()));
        draft.set(initial.get_value());
        restored_notice.set(false);
    };

    let text = move |field: &'static str,
                     label: &'static str,
                     hint: &'static str,
                     multiline: bool,
                     get: fn(&Draft) -> String,
                     set: fn(&mut Draft, String)| {
        let described = format!("{field}-aide {field}-erreurs");
        let invalid = move || errors.with(|e| e.contains_key(field)).to_string();
        let input = if multiline {
            view! {
                <textarea id=field rows="4" aria-describedby=described.clone() aria-invalid=invalid
                    prop:value=move || draft.with(get) on:input=move |ev| draft.update(|d| set(d, event_target_value(&ev)))></textarea>
            }.into_any()
        } else {
            view! {
                <input id=field type="text" aria-describedby=described.clone() aria-invalid=invalid
                    prop:value=move || draft.with(get) on:input=move |ev| draft.update(|d| set(d, event_target_value(&ev)))/>
            }.into_any()
        };
        view! {
            <div class="field">
                <label for=field>{label}</label>
                <p class="hint" id=format!("{field}-aide")>{hint}</p>
                {input}
                <FieldErrors errors field/>
            </div>
        }
    };
    let choice = move |field: &'static str,
                       label: &'static str,
                       options: Vec<(&'static str, &'static str)>,
                       get: fn(&Draft) -> String,
                       set: fn(&mut Draft, String)| {
        view! {
            <div class="field">
                <label for=field>{label}</label>
                <select id=field prop:value=move || draft.with(get) on:change=move |ev| draft.update(|d| set(d, event_target_value(&ev)))>
                    {options.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            </div>
        }
    };

    let move_step = move |key: u32, delta: isize| {
        draft.update(|d| {
            if let Some(i) = d.steps.iter().position(|s| s.key == key) {
                let j = i as isize + delta;
                if j >= 0 && (j as usize) < d.steps.len() {
                    d.steps.swap(i, j as usize);
                }
            }
        });
    };

    view! {
        <h1>{move || if id.with_value(Option::is_none) { "Nouveau prototype".to_owned() } else { format!("Modifier « {} »", draft.with(|d| d.title.clone())) }}</h1>
        {move || restored_notice.get().then(|| view! {
            <p class="notice" role="status">
                "Un brouillon non enregistré a été retrouvé et rétabli. "
                <button type="button" on:click=discard>"Repartir de la version enregistrée"</button>
            </p>
        })}
        <p class="intro">"Les champs suivis de « obligatoire » doivent être remplis ; les autres complètent le livret (un livret complet est un critère du label). Votre saisie est gardée comme brouillon dans ce navigateur jusqu'à l'enregistrement."</p>
        <form class="form editor" on:submit=save novalidate>
            <div role="alert" class="form-summary">
                {move || (tried.get() && !errors.with(BTreeMap::is_empty)).then(|| view! {
                    <p>{move || format!("{} à corriger :", match errors.with(|e| e.values().map(Vec::len).sum::<usize>()) { 1 => "1 champ".to_owned(), n => format!("{n} points") })}</p>
                    <ul>
                        {move || errors.get().into_iter().map(|(field, messages)| view! {
                            <li><a href=format!("#{field}") on:click=move |ev| { ev.prevent_default(); focus(&field); }>{messages.join(" ; ")}</a></li>
                        }).collect_view()}
                    </ul>
                })}
            </div>
            <fieldset>
                <legend>"Présentation"</legend>
                {text("titre", "Titre (obligatoire)", "Un titre court qui dit ce que font les habitants.", false, |d| d.title.clone(), |d, v| d.title = v)}
                {text("resume", "Résumé (obligatoire)", "Deux ou trois phrases.", true, |d| d.summary.clone(), |d, v| d.summary = v)}
                {choice("theme", "Thème", Theme::ALL.iter().map(|t| (t.slug(), t.label())).collect(), |d| d.theme.clone(), |d, v| d.theme = v)}
                {choice("type", "Type d'usage numérique", UsageKind::ALL.iter().map(|k| (k.slug(), k.label())).collect(), |d| d.kind.clone(), |d, v| d.kind = v)}
                {text("public", "Public visé", "", false, |d| d.public.clone(), |d, v| d.public = v)}
                {text("scenario", "Scénario d'usage choisi par les habitants", "Comment les habitants l'ont choisi et ce qu'ils en font.", true, |d| d.scenario.clone(), |d, v| d.scenario = v)}
                {text("outils", "Outils utilisés", "Un par ligne.", true, |d| d.tools.clone(), |d, v| d.tools = v)}
                {text("etiquettes", "Mots-clés", "Séparés par des virgules.", false, |d| d.tags.clone(), |d, v| d.tags = v)}
                {choice("licence", "Licence", vec![("CC BY-SA 4.0", "CC BY-SA 4.0 (partage dans les mêmes conditions)"), ("CC BY 4.0", "CC BY 4.0 (attribution)"), ("CC0 1.0", "CC0 1.0 (domaine public)")], |d| d.licence.clone(), |d, v| d.licence = v)}
            </fieldset>
            <fieldset>
                <legend>"Livret pédagogique"</legend>
                {text("objectifs", "Objectifs", "Un par ligne.", true, |d| d.objectives.clone(), |d, v| d.objectives = v)}
                {text("livret-public", "Pour qui, avec quels prérequis", "", true, |d| d.livret_public.clone(), |d, v| d.livret_public = v)}
                {text("duree", "Durée", "Par exemple : 3 séances de 2 h.", false, |d| d.duration.clone(), |d, v| d.duration = v)}
                {text("taille-groupe", "Taille du groupe", "Par exemple : 6 à 10 participants.", false, |d| d.group_size.clone(), |d, v| d.group_size = v)}
                {text("materiel", "Matériel", "Un élément par ligne.", true, |d| d.materials.clone(), |d, v| d.materials = v)}
                {text("cout", "Coût", "Par exemple : environ 40 € (impressions, goûter).", false, |d| d.cost.clone(), |d, v| d.cost = v)}
                {text("preparation", "Préparation", "Une tâche par ligne.", true, |d| d.preparation.clone(), |d, v| d.preparation = v)}
            </fieldset>
            <fieldset>
                <legend>"Déroulé (étapes numérotées)"</legend>
                <ol class="step-editor">
                    <For each=move || draft.with(|d| d.steps.iter().map(|s| s.key).collect::<Vec<_>>()) key=|k| *k let:key>
                        {
                            let index = move || draft.with(|d| d.steps.iter().position(|s| s.key == key).unwrap_or(0));
                            let get = move |f: fn(&StepDraft) -> String| draft.with(|d| d.steps.iter().find(|s| s.key == key).map(f).unwrap_or_default());
                            let set = move |f: fn(&mut StepDraft, String), v: String| draft.update(|d| if let Some(s) = d.steps.iter_mut().find(|s| s.key == key) { f(s, v) });
                            let field_id = move |part: &str| format!("etape-{}-{part}", index());
                            view! {
                                <li class="step-edit">
                                    <div class="field">
                                        <label for=move || field_id("titre")>{move || format!("Étape {} : titre", index() + 1)}</label>
                                        <input type="text" id=move || field_id("titre") prop:value=move || get(|s| s.title.clone()) on:input=move |ev| set(|s, v| s.title = v, event_target_value(&ev))/>
                                        <StepErrors errors index field="titre"/>
                                    </div>
                                    <div class="field">
                                        <label for=move || field_id("duree")>{move || format!("Étape {} : durée", index() + 1)}</label>
                                        <input type="text" id=move || field_id("duree") prop:value=move || get(|s| s.duration.clone()) on:input=move |ev| set(|s, v| s.duration = v, event_target_value(&ev))/>
                                    </div>
                                    <div class="field">
                                        <label for=move || field_id("description")>{move || format!("Étape {} : ce qui se passe", index() + 1)}</label>
                                        <textarea rows="3" id=move || field_id("description") prop:value=move || get(|s| s.description.clone()) on:input=move |ev| set(|s, v| s.description = v, event_target_value(&ev))></textarea>
                                        <StepErrors errors index field="description"/>
                                    </div>
                                    <div class="step-actions">
                                        <button type="button" on:click=move |_| move_step(key, -1) disabled=move || index() == 0>{move || format!("Monter l'étape {}", index() + 1)}</button>
                                        <button type="button" on:click=move |_| move_step(key, 1) disabled=move || draft.with(|d| index() + 1 >= d.steps.len())>{move || format!("Descendre l'étape {}", index() + 1)}</button>
                                        <button type="button" on:click=move |_| draft.update(|d| d.steps.retain(|s| s.key != key))>{move || format!("Supprimer l'étape {}", index() + 1)}</button>
                                    </div>
                                </li>
                            }
                        }
                    </For>
                </ol>
                <button type="button" on:click=move |_| draft.update(|d| { let key = d.next_key(); d.steps.push(StepDraft { key, ..StepDraft::default() }); })>"Ajouter une étape"</button>
            </fieldset>
            <fieldset>
                <legend>"Animer et évaluer"</legend>
                {text("conseils", "Conseils d'animation", "Un par ligne.", true, |d| d.tips.clone(), |d, v| d.tips = v)}
                {text("pieges", "Pièges à éviter", "Un par ligne.", true, |d| d.pitfalls.clone(), |d, v| d.pitfalls = v)}
                {text("evaluation", "Comment évaluer (indicateurs)", "Un par ligne.", true, |d| d.evaluation.clone(), |d, v| d.evaluation = v)}
            </fieldset>
            <fieldset>
                <legend>"Ressources (liens http, https ou mailto)"</legend>
                <For each=move || draft.with(|d| d.resources.iter().map(|r| r.key).collect::<Vec<_>>()) key=|k| *k let:key>
                    {
                        let index = move || draft.with(|d| d.resources.iter().position(|r| r.key == key).unwrap_or(0));
                        let get = move |f: fn(&ResourceDraft) -> String| draft.with(|d| d.resources.iter().find(|r| r.key == key).map(f).unwrap_or_default());
                        let set = move |f: fn(&mut ResourceDraft, String), v: String| draft.update(|d| if let Some(r) = d.resources.iter_mut().find(|r| r.key == key) { f(r, v) });
                        view! {
                            <div class="resource-edit">
                                <div class="field">
                                    <label for=move || format!("ressource-{}-titre", index())>{move || format!("Ressource {} : titre", index() + 1)}</label>
                                    <input type="text" id=move || format!("ressource-{}-titre", index()) prop:value=move || get(|r| r.title.clone()) on:input=move |ev| set(|r, v| r.title = v, event_target_value(&ev))/>
                                </div>
                                <div class="field">
                                    <label for=move || format!("ressource-{}-url", index())>{move || format!("Ressource {} : adresse", index() + 1)}</label>
                                    <input type="url" id=move || format!("ressource-{}-url", index()) prop:value=move || get(|r| r.url.clone()) on:input=move |ev| set(|r, v| r.url = v, event_target_value(&ev))/>
                                    <ResourceErrors errors index/>
                                </div>
                                <button type="button" on:click=move |_| draft.update(|d| d.resources.retain(|r| r.key != key))>{move || format!("Retirer la ressource {}", index() + 1)}</button>
                            </div>
                        }
                    }
                </For>
                <button type="button" on:click=move |_| draft.update(|d| { let key = d.next_key(); d.resources.push(ResourceDraft { key, ..ResourceDraft::default() }); })>"Ajouter une ressource"</button>
            </fieldset>
            <div class="actions">
                <button type="submit" class="primary">"Enregistrer le prototype"</button>
                <button type="button" aria-pressed=move || preview.get().to_string() on:click=move |_| preview.update(|p| *p = !*p)>"Aperçu du livret"</button>
                {move || id.get_value().map(|pid| view! { <A href=prototype_href(&pid)>"Annuler"</A> })}
            </div>
            <p role="status">{move || status.get()}</p>
        </form>
        {move || preview.get().then(|| {
            let p = draft.with(|d| base.with_value(|b| d.prototype(b)));
            view! {
                <section class="preview-livret" aria-label="Aperçu">
                    <h2>{format!("Aperçu : {}", if p.title.is_empty() { "(sans titre)".to_owned() } else { p.title.clone() })}</h2>
                    <p class="lead">{p.summary.clone()}</p>
                    <LivretView livret=p.livret.clone()/>
                </section>
            }
        })}
    }
}

fn focus(id: &str) {
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id));
    if let Some(el) =
        el.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = el.focus();
    }
}

fn focus_first_error(errors: BTreeMap<String, Vec<String>>) {
    // Fields in form order, so the first one flagged gets focus.
    let order = [
        "titre",
        "resume",
        "public",
        "scenario",
        "outils",
        "etiquettes",
        "licence",
        "objectifs",
        "livret-public",
        "duree",
        "taille-groupe",
        "materiel",
        "cout",
        "preparation",
    ];
    let first = order
        .iter()
        .find(|f| errors.contains_key(**f))
        .map(|f| (*f).to_owned())
        .or_else(|| errors.keys().next().cloned());
    if let Some(field) = first {
        focus(&field);
    }
}

#[component]
fn FieldErrors(
    errors: RwSignal<BTreeMap<String, Vec<String>>>,
    field: &'static str,
) -> impl IntoView {
    view! {
        <p class="field-error" id=format!("{field}-erreurs")>
            {move || errors.with(|e| e.get(field).map(|m| m.join(" ; ")))}
        </p>
    }
}

#[component]
fn StepErrors(
    errors: RwSignal<BTreeMap<String, Vec<String>>>,
    index: impl Fn() -> usize + Send + Sync + 'static,
    field: &'static str,
) -> impl IntoView {
    view! {
        <p class="field-error">{move || errors.with(|e| e.get(&format!("etape-{}-{field}", index())).map(|m| m.join(" ; ")))}</p>
    }
}

#[component]
fn ResourceErrors(
    errors: RwSignal<BTreeMap<String, Vec<String>>>,
    index: impl Fn() -> usize + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <p class="field-error">{move || errors.with(|e| {
            let i = index();
            let mut all: Vec<String> = e.get(&format!("ressource-{i}-titre")).cloned().unwrap_or_default();
            all.extend(e.get(&format!("ressource-{i}-url")).cloned().unwrap_or_default());
            (!all.is_empty()).then(|| all.join(" ; "))
        })}</p>
    }
}

/// "Comparer avec l'original": what an adaptation changed, field by field.
#[component]
pub fn ComparePage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = StoredValue::new(use_id());
    let data = move || {
        let id = id.get_value();
        state
            .with_catalogue(|c| {
                let adaptation = c.prototype(&id)?;
                let origin = adaptation.forked_from.as_ref()?;
                let original = c.prototype(&origin.prototype)?;
                Some((
                    id.clone(),
                    adaptation.title.clone(),
                    origin.prototype.clone(),
                    original.title.clone(),
                    compare(original, adaptation),
                ))
            })
            .flatten()
    };
    move || match data() {
        None => view! {
            <h1>"Comparer avec l'original"</h1>
            <p>"Ce prototype n'est pas une adaptation d'un prototype présent dans ce catalogue."</p>
        }
        .into_any(),
        Some((id, title, original_id, original_title, changes)) => {
            let crumb = title.clone();
            view! {
            <p class="breadcrumb"><A href=prototype_href(&id)>{crumb}</A>" › Comparer"</p>
            <h1>"Ce que l'adaptation a changé"</h1>
            <p>"Original : "<A href=prototype_href(&original_id)>{original_title}</A>". Adaptation : "<A href=prototype_href(&id)>{title}</A>"."</p>
            {if changes.is_empty() {
                view! { <p>"L'adaptation est encore identique à l'original."</p> }.into_any()
            } else {
                view! {
                    <table class="compare">
                        <caption>{format!("{} modifié(s)", changes.len())}</caption>
                        <thead><tr><th scope="col">"Champ"</th><th scope="col">"Original"</th><th scope="col">"Adaptation"</th></tr></thead>
                        <tbody>
                            {changes.into_iter().map(|c| view! {
                                <tr><th scope="row">{c.field}</th><td>{c.original}</td><td>{c.adaptation}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        }.into_any()
        }
    }
}
