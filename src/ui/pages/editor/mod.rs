//! Create and edit a prototype with its full livret: a form whose sections follow the livret,
//! drawn from one table ([`fields::FORM`]); numbered steps that can be added, removed and
//! reordered; messages next to the fields from the same rules as the import validator; a draft
//! that survives a reload ([`draft`]); and a preview.

mod draft;
mod fields;

use crate::address::Route;
use crate::exchange::{check_prototype, new_id, with_edit};
use crate::model::{prototype_owner, Prototype, Resource, Step, Writing};
use crate::store::Change;
use crate::ui::livret::LivretView;
use crate::ui::need_centre::NeedCentre;
use crate::ui::router::{use_id, use_router, A};
use crate::ui::state::{now_utc, today, AppState};
use crate::ui::text_field::{Input, TextField};
use crate::ui::trust::signs_for_my_centre;
use crate::ui::widgets::{current_path, href};
use draft::{blank_prototype, Draft};
use fields::{field_of, place, Content, Field, List, Value, FORM, TITLE};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;

/// The messages of the fields in error, by form id.
type Errors = RwSignal<BTreeMap<String, Vec<String>>>;

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
    /// My centre's, signed, and this browser cannot sign for it: an unsigned edit would be lost
    /// (see `model::Writing`), so offer to adapt instead.
    Locked(String, String),
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
    let signs = signs_for_my_centre();
    let target = Memo::new(move |_| {
        let mine = state.my_centre.get();
        let signs = signs.get();
        let id = id.clone();
        state
            .with_catalogue(|c| match (new, id) {
                (true, _) => Target::New,
                (false, Some(id)) => {
                    let Some(record) = c.prototypes.get(&id).filter(|r| r.current().is_some())
                    else {
                        return Target::Missing;
                    };
                    let owner = prototype_owner(record);
                    let name = c.centre(owner).map_or(owner.to_owned(), |c| c.name.clone());
                    // Without a centre the page asks for one; its keys take a moment to read.
                    let (Some(me), Some(signs)) = (mine, signs) else {
                        return Target::Loading;
                    };
                    match Writing::of(owner, Some(record), &me, signs) {
                        Writing::Signed | Writing::Unsigned => Target::Own(id),
                        Writing::Locked => Target::Locked(id, name),
                        Writing::Others => Target::Other(id, name),
                    }
                }
                (false, None) => Target::Missing,
            })
            .unwrap_or(Target::Loading)
    });

    let here = move || current_path();
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
            Target::Missing => view! { <h1>"Prototype introuvable"</h1><p><A href=href(&Route::Catalogue)>"Revenir au catalogue"</A></p> }.into_any(),
            Target::Other(id, centre) => view! {
                <h1>"Modifier un prototype"</h1>
                <p>{format!("Ce prototype appartient à {centre} : seul ce centre peut le modifier. Vous pouvez l'adapter pour votre centre depuis sa page.")}</p>
                <p><A href=href(&Route::Prototype(id.clone()))>"Voir le prototype et l'adapter"</A></p>
            }.into_any(),
            Target::Locked(id, centre) => view! {
                <h1>"Modifier un prototype"</h1>
                <p>{format!("Ce prototype est signé par {centre} ; ce navigateur n'a pas sa clé. Vous pouvez l'adapter pour votre centre.")}</p>
                <p><A href=href(&Route::Prototype(id.clone()))>"Voir le prototype et l'adapter"</A></p>
            }.into_any(),
            Target::New => view! { <Editor id=None base=None signs/> }.into_any(),
            Target::Own(id) => {
                let base = state.catalogue.with_untracked(|c| match c {
                    Some(Ok(c)) => c.prototype(&id).cloned(),
                    _ => None,
                });
                view! { <Editor id=Some(id) base signs/> }.into_any()
            }
        }
    }
}

#[component]
fn Editor(
    id: Option<String>,
    base: Option<Prototype>,
    /// Whether this browser holds a key of « Mon centre » (`None` until known).
    signs: ReadSignal<Option<bool>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let router = use_router();
    let initial = base.as_ref().map_or_else(Draft::blank, Draft::of);
    let restored = draft::restore(id.as_deref(), &initial).filter(|d| *d != initial);
    let draft = RwSignal::new(restored.clone().unwrap_or_else(|| initial.clone()));
    let restored_notice = RwSignal::new(restored.is_some());
    let errors: Errors = RwSignal::new(BTreeMap::new());
    let tried = RwSignal::new(false);
    let preview = RwSignal::new(false);
    let status = RwSignal::new(None::<String>);
    let id = StoredValue::new(id);
    let base = StoredValue::new(base.unwrap_or_else(|| {
        blank_prototype(state.my_centre.get_untracked().unwrap_or_default(), today())
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
        id.with_value(|id| draft::keep(id.as_deref(), &d));
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
            focus_first_error(&errors.get_untracked());
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
                    draft::forget(existing.as_deref());
                    state.tell(
                        Route::Prototype(pid.clone()).path(),
                        "prototype",
                        Ok("Le prototype est enregistré.".into()),
                    );
                    router.go(&href(&Route::Prototype(pid.clone())));
                }
                Err(e) => status.set(Some(e)),
            }
        });
    };

    let initial = StoredValue::new(initial);
    let discard = move |_| {
        id.with_value(|id| draft::forget(id.as_deref()));
        draft.set(initial.get_value());
        restored_notice.set(false);
    };

    let sections = FORM
        .iter()
        .map(|section| {
            let content = match section.content {
                Content::Fields(fields) => fields
                    .iter()
                    .map(|field| view! { <FieldInput field draft errors/> })
                    .collect_view()
                    .into_any(),
                Content::Steps(list) => view! { <StepsInput list draft errors/> }.into_any(),
                Content::Resources(list) => {
                    view! { <ResourcesInput list draft errors/> }.into_any()
                }
            };
            view! {
                <fieldset>
                    <legend>{section.legend}</legend>
                    {content}
                </fieldset>
            }
        })
        .collect_view();

    view! {
        <h1>{move || if id.with_value(Option::is_none) { "Nouveau prototype".to_owned() } else { format!("Modifier « {} »", draft.with(|d| d.text(TITLE.id).to_owned())) }}</h1>
        // What this browser writes for « Mon centre » without its key stays unverified: say so.
        {move || (signs.get() == Some(false)).then(|| view! {
            <p class="hint">"Ce navigateur n'a pas la clé de votre centre : ce que vous enregistrez sera « non vérifié » pour les autres centres et ne comptera pas pour le label."</p>
        })}
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
            {sections}
            <div class="actions">
                <button type="submit" class="primary">"Enregistrer le prototype"</button>
                <button type="button" aria-pressed=move || preview.get().to_string() on:click=move |_| preview.update(|p| *p = !*p)>"Aperçu du livret"</button>
                {move || id.get_value().map(|pid| view! { <A href=href(&Route::Prototype(pid.clone()))>"Annuler"</A> })}
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

/// One field of the table: a text field, or a list of fixed values.
#[component]
fn FieldInput(field: &'static Field, draft: RwSignal<Draft>, errors: Errors) -> impl IntoView {
    let id = field.id;
    let value = move || draft.with(|d| d.text(id).to_owned());
    let set = SignalSetter::map(move |text| {
        draft.update(|d| {
            d.text.insert(id.to_owned(), text);
        })
    });
    let input = match &field.value {
        Value::Text(input, _) => *input,
        Value::Lines(_) => Input::Lines(4),
        Value::Commas(_) => Input::Line,
        Value::Choice { options, .. } => {
            return view! {
                <div class="field">
                    <label for=id>{field.label}</label>
                    <select id=id prop:value=value on:change=move |ev| set.set(event_target_value(&ev))>
                        {options().into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                    </select>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <TextField id label=field.label hint=field.hint input value set
            error=move || errors.with(|e| e.get(id).map(|m| m.join(" ; ")))/>
    }
    .into_any()
}

/// The text fields of the item `key` of `list`.
fn item_inputs<T: 'static>(
    list: &'static List<T>,
    key: u32,
    index: impl Fn() -> usize + Copy + Send + Sync + 'static,
    draft: RwSignal<Draft>,
    errors: Errors,
) -> impl IntoView {
    list.parts
        .iter()
        .map(move |part| {
            let id = move || list.part_id(index(), part);
            let value = move || {
                draft.with(|d| {
                    d.items(list.id)
                        .iter()
                        .find(|i| i.key == key)
                        .map(|i| i.text(part.id).to_owned())
                        .unwrap_or_default()
                })
            };
            let set = SignalSetter::map(move |text| {
                draft.update(|d| {
                    if let Some(item) = d.items_mut(list.id).iter_mut().find(|i| i.key == key) {
                        item.text.insert(part.id.to_owned(), text);
                    }
                })
            });
            view! {
                <TextField id label=move || format!("{} {} : {}", list.noun, index() + 1, part.label)
                    input=part.input value set
                    error=move || errors.with(|e| e.get(&id()).map(|m| m.join(" ; ")))/>
            }
        })
        .collect_view()
}

/// Where the item `key` of `list` is in the draft, from 0.
fn index_of(draft: RwSignal<Draft>, list: &'static str, key: u32) -> usize {
    draft.with(|d| d.items(list).iter().position(|i| i.key == key).unwrap_or(0))
}

fn keys(draft: RwSignal<Draft>, list: &'static str) -> Vec<u32> {
    draft.with(|d| d.items(list).iter().map(|i| i.key).collect())
}

/// The numbered steps, each with buttons to move it up, down, or remove it.
#[component]
fn StepsInput(list: &'static List<Step>, draft: RwSignal<Draft>, errors: Errors) -> impl IntoView {
    let move_step = move |key: u32, delta: isize| {
        draft.update(|d| {
            let steps = d.items_mut(list.id);
            if let Some(i) = steps.iter().position(|s| s.key == key) {
                let j = i as isize + delta;
                if j >= 0 && (j as usize) < steps.len() {
                    steps.swap(i, j as usize);
                }
            }
        });
    };
    let steps_count = move || draft.with(|d| d.items(list.id).len());
    view! {
        <ol class="step-editor">
            <For each=move || keys(draft, list.id) key=|k| *k let:key>
                {
                    let index = move || index_of(draft, list.id, key);
                    let last = move || index() + 1 >= steps_count();
                    view! {
                        <li class="step-edit">
                            {item_inputs(list, key, index, draft, errors)}
                            <div class="step-actions">
                                <button type="button" on:click=move |_| move_step(key, -1) disabled=move || index() == 0>{move || format!("Monter l'étape {}", index() + 1)}</button>
                                <button type="button" on:click=move |_| move_step(key, 1) disabled=last>{move || format!("Descendre l'étape {}", index() + 1)}</button>
                                <button type="button" on:click=move |_| draft.update(|d| d.items_mut(list.id).retain(|s| s.key != key))>{move || format!("Supprimer l'étape {}", index() + 1)}</button>
                            </div>
                        </li>
                    }
                }
            </For>
        </ol>
        <button type="button" on:click=move |_| draft.update(|d| { let key = d.next_key(); d.items_mut(list.id).push(list.blank_item(key)); })>"Ajouter une étape"</button>
    }
}

/// The livret's links, each with a button to remove it.
#[component]
fn ResourcesInput(
    list: &'static List<Resource>,
    draft: RwSignal<Draft>,
    errors: Errors,
) -> impl IntoView {
    view! {
        <For each=move || keys(draft, list.id) key=|k| *k let:key>
            {
                let index = move || index_of(draft, list.id, key);
                view! {
                    <div class="resource-edit">
                        {item_inputs(list, key, index, draft, errors)}
                        <button type="button" on:click=move |_| draft.update(|d| d.items_mut(list.id).retain(|r| r.key != key))>{move || format!("Retirer la ressource {}", index() + 1)}</button>
                    </div>
                }
            }
        </For>
        <button type="button" on:click=move |_| draft.update(|d| { let key = d.next_key(); d.items_mut(list.id).push(list.blank_item(key)); })>"Ajouter une ressource"</button>
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

/// Focuses the first field in error, in the form's order (an id the form does not place comes
/// after every other).
fn focus_first_error(errors: &BTreeMap<String, Vec<String>>) {
    let first = errors
        .keys()
        .min_by_key(|id| place(id).unwrap_or((usize::MAX, 0, 0, 0)));
    if let Some(id) = first {
        focus(id);
    }
}
