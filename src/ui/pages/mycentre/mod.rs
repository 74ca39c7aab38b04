//! "Mon centre": which centre the person acts as, and this browser's keys for it. Writing
//! actions (create, adapt, rate, edit) need a centre; without it they send here, and come back
//! afterwards. A centre this browser signs for is chosen at once; any other first says what
//! acting for it means (`join`).
//!
//! The rooms: `keys` (where this browser stands with a centre; the key changes, signed),
//! `add` (« Ajouter un centre »), `join` (a centre this browser does not sign for), `devices`
//! (the devices of the centre it signs for).

mod add;
mod devices;
mod join;
mod keys;

use crate::ui::router::{use_query, use_router, A};
use crate::ui::state::AppState;
use crate::ui::widgets::to;
use add::AddCentre;
use devices::Devices;
use join::{CentreChoice, DeviceCode};
use keys::{DeviceStanding, Network};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::future::Future;
use std::rc::Rc;

/// A centre to act for, with what to say first (what the choice did, or what it means): then
/// the page does not go back at once.
#[derive(Clone, Debug, PartialEq)]
pub struct Chosen {
    pub id: String,
    pub name: String,
    pub note: Option<String>,
}

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

/// Moves the focus to the element `id` names, if it is on the page (by id rather than
/// `NodeRef`: its typed element casts add to the first download).
fn focus(id: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id));
    if let Some(element) =
        element.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = element.focus();
    }
}

/// What `load` gives (`None` until its first answer), asked again whenever a signal `load`
/// reads changes; an earlier question's answer never replaces a later one's. What a
/// `LocalResource` does, without its machinery for suspense and transitions: 11 KB (gzip) less
/// for this page.
fn answer<T, Fut>(load: impl Fn() -> Fut + 'static) -> ReadSignal<Option<T>>
where
    T: Send + Sync + 'static,
    Fut: Future<Output = T> + 'static,
{
    let value = RwSignal::new(None);
    let asked = Rc::new(Cell::new(0u32));
    Effect::new(move |_| {
        let question = load();
        let n = asked.get().wrapping_add(1);
        asked.set(n);
        let asked = asked.clone();
        spawn_local(async move {
            let got = question.await;
            if asked.get() == n {
                value.set(Some(got));
            }
        });
    });
    value.read_only()
}

/// Where this browser stands with the centre `centre` names: read again when the catalogue
/// changes, or `epoch` (this browser's keys changed). `None` until storage is open (`ready`).
fn standing_of(
    state: AppState,
    centre: impl Fn() -> Option<String> + Copy + Send + Sync + 'static,
    network: ReadSignal<Option<Option<Network>>>,
    ready: Memo<bool>,
    epoch: RwSignal<u32>,
) -> Memo<Option<(String, DeviceStanding)>> {
    let kept = answer(move || {
        let id = centre().filter(|_| ready.get());
        epoch.track();
        async move {
            let id = id?;
            let key = state.device_public(&id).await.ok().flatten();
            Some((id, key))
        }
    });
    Memo::new(move |_| {
        let (id, key) = kept.get().flatten()?;
        // Until the key of a newly named centre is read.
        if centre().as_deref() != Some(id.as_str()) {
            return None;
        }
        let network = network.get().flatten()?;
        let standing =
            state.with_catalogue(|c| keys::standing(c, &network, &id, key.as_deref()))?;
        Some((id, standing))
    })
}

#[component]
pub fn MyCentrePage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let back = return_path();
    let router = use_router();
    let message = RwSignal::new(None::<Result<String, String>>);
    let note = RwSignal::new(None::<String>);
    // Storage is open once the catalogue is loaded: what it keeps is read from then on.
    let ready = Memo::new(move |_| state.catalogue.with(|c| matches!(c, Some(Ok(_)))));
    let network = answer(move || {
        let ready = ready.get();
        async move {
            if ready {
                Some(keys::network(state).await)
            } else {
                None
            }
        }
    });
    // Bumped when this browser's keys change, so that they are read again.
    let epoch = RwSignal::new(0u32);
    // The centre whose panel is open in the list.
    let opened = RwSignal::new(None::<String>);
    // What the panels and the form ask for; a signal, so that work still running when the
    // page is left does no harm.
    let chosen = RwSignal::new(None::<Chosen>);

    // Goes back where the person came from, unless there is something to say first.
    let finish = move |name: String, told: Option<String>| {
        if let (None, Some(path)) = (&told, back.get_untracked()) {
            return router.go(&to(&path));
        }
        message.set(Some(Ok(format!("Vous agissez maintenant pour : {name}."))));
        note.set(told);
        focus("mon-centre-message");
    };
    let choose = move |Chosen { id, name, note }: Chosen| {
        spawn_local(async move {
            // This device signs for it: its key is the centre's for true.
            let unvouched = state
                .with_catalogue(|c| !c.vouched.contains(&id))
                .unwrap_or(false);
            if unvouched && state.signs_for(&id).await {
                if let Err(e) = state.vouch_device(&id).await {
                    return message.set(Some(Err(e)));
                }
            }
            let saved = state.set_my_centre(id).await;
            // The person went elsewhere meanwhile: the choice is kept, nothing more is shown.
            if message.is_disposed() {
                return;
            }
            match saved {
                Ok(()) => {
                    opened.set(None);
                    finish(name, note);
                }
                Err(e) => message.set(Some(Err(e))),
            }
        });
    };
    Effect::new(move |_| {
        if let Some(c) = chosen.get() {
            chosen.set(None);
            choose(c);
        }
    });
    let pick = move |id: String, name: String| {
        if opened.get_untracked().as_deref() == Some(id.as_str()) {
            return opened.set(None);
        }
        spawn_local(async move {
            if state.signs_for(&id).await {
                chosen.set(Some(Chosen {
                    id,
                    name,
                    note: None,
                }));
            } else {
                opened.set(Some(id));
            }
        });
    };

    // Memos: a save (a key added) must not draw the list and its open panel anew.
    let groups = Memo::new(move |_| {
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
    });
    let current = Memo::new(move |_| {
        let id = state.my_centre.get()?;
        state
            .with_catalogue(|c| c.centre(&id).map(|c| c.name.clone()))
            .flatten()
    });
    let mine = standing_of(state, move || state.my_centre.get(), network, ready, epoch);
    let panel = standing_of(state, move || opened.get(), network, ready, epoch);
    let panel = Signal::derive(move || panel.get().map(|(_, s)| s));

    view! {
        <h1>"Mon centre"</h1>
        <p class="intro">
            "Choisissez le centre pour lequel vous agissez : vos créations, adaptations et rapports "
            "d'expérience seront publiés en son nom. Ce choix est gardé dans ce navigateur."
        </p>
        <p role="status">
            {move || match current.get() {
                Some(name) => format!("Actuellement : {name}."),
                None => "Aucun centre choisi pour le moment.".to_owned(),
            }}
            {move || {
                let name = current.get()?;
                let line = match mine.get()?.1 {
                    DeviceStanding::Signs { .. } => format!(" Cet appareil peut signer pour {name} : ce que vous publiez est « vérifié »."),
                    DeviceStanding::Waiting { .. } => " Cet appareil attend d'être ajouté par un appareil du centre ; d'ici là, ce que vous écrivez reste « non vérifié ».".to_owned(),
                    _ => format!(" Cet appareil ne peut pas signer pour {name} : ce que vous écrivez pour lui reste « non vérifié » pour tout le monde."),
                };
                Some(line)
            }}
        </p>
        <div id="mon-centre-message" tabindex="-1">
            {move || message.get().map(|m| match m {
                Ok(text) => view! {
                    <div class="success-box" role="status">
                        <p>{text}</p>
                        {move || note.get().map(|n| view! { <p>{n}</p> })}
                        {move || back.get().map(|path| view! { <p><A href=to(&path)>"Continuer"</A></p> })}
                    </div>
                }.into_any(),
                Err(text) => view! { <p class="error" role="alert">{text}</p> }.into_any(),
            })}
        </div>
        {move || {
            let (id, standing) = mine.get()?;
            let name = current.get()?;
            Some(match standing {
                DeviceStanding::Signs { key } => view! { <Devices id name key/> }.into_any(),
                // Unless the centre's panel, open in the list, shows it.
                DeviceStanding::Waiting { .. } if opened.get().as_deref() == Some(id.as_str()) => return None,
                DeviceStanding::Waiting { key } => view! {
                    <section aria-labelledby="appareil-en-attente">
                        <h2 id="appareil-en-attente">"Ajouter cet appareil au centre"</h2>
                        <DeviceCode key centre=name/>
                    </section>
                }.into_any(),
                _ => return None,
            })
        }}
        {move || groups.get().into_iter().map(|(territory, centres)| view! {
            <section>
                <h2>{territory}</h2>
                <ul class="choice-list">
                    {centres.into_iter().map(|(id, centre_name)| {
                        let (pressed, open, shown) = (id.clone(), id.clone(), id.clone());
                        let (id2, name2) = (id.clone(), centre_name.clone());
                        view! {
                            <li>
                                <button
                                    type="button"
                                    aria-pressed=move || (state.my_centre.get().as_deref() == Some(pressed.as_str())).to_string()
                                    aria-expanded=move || (opened.get().as_deref() == Some(open.as_str())).then_some("true")
                                    on:click=move |_| pick(id2.clone(), name2.clone())
                                >{centre_name.clone()}</button>
                            </li>
                            // A line of its own, under the centre's button.
                            {move || (opened.get().as_deref() == Some(shown.as_str())).then(|| view! {
                                <li class="centre-choice">
                                    <CentreChoice id=id.clone() name=centre_name.clone() standing=panel keys_changed=epoch chosen/>
                                </li>
                            })}
                        }
                    }).collect_view()}
                </ul>
            </section>
        }).collect_view()}
        <AddCentre chosen/>
    }
}
