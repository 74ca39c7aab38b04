//! « Abonnements »: subscribe to a feed by its address or from the network's directory, refresh
//! every feed now, and each feed's state in French (what to do when it fails).

use crate::address::Route;
use crate::exchange::feed::feed_address;
use crate::store;
use crate::subscription::{resolve_feed, Subscription};
use crate::ui::feeds::{self, date_time, now_seconds, offline_message, Which};
use crate::ui::offline::Connectivity;
use crate::ui::router::A;
use crate::ui::signatures;
use crate::ui::state::{now_utc, AppState};
use crate::ui::widgets::href;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A centre of the network's directory, with the address of its feed (resolved).
#[derive(Clone, Debug, PartialEq)]
struct Listed {
    id: String,
    name: String,
    url: String,
    keys: Vec<String>,
}

/// The network's directory as kept, its addresses resolved against the list's own address;
/// those `feed_address` refuses are left out.
async fn directory(state: AppState) -> Vec<Listed> {
    let Some(list) = state
        .with_db(|db| async move { signatures::stored_network(&db).await })
        .await
        .flatten()
    else {
        return Vec::new();
    };
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default();
    let list_url = resolve_feed(signatures::NETWORK_URL, &base);
    list.feeds
        .iter()
        .filter_map(|(id, reference)| {
            let url = feed_address(&resolve_feed(reference, &list_url)).ok()?;
            let (name, keys) = list.centres.get(id)?.clone();
            Some(Listed {
                id: id.clone(),
                name,
                url,
                keys,
            })
        })
        .collect()
}

#[component]
pub fn SubscriptionsPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let activity = feeds::activity();
    let offline = use_context::<Connectivity>().map(|c| c.offline);
    let list = RwSignal::new(None::<Vec<Subscription>>);
    let listed = RwSignal::new(Vec::<Listed>::new());
    let address = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<String>);

    let load = move || {
        spawn_local(async move {
            let read = state
                .with_db(|db| async move { store::subscriptions(&db).await })
                .await;
            match read {
                Some(Ok(subscriptions)) => list.set(Some(subscriptions)),
                Some(Err(e)) => note.set(Some(e.message)),
                None => {}
            }
        })
    };
    // Read once storage is open (the catalogue loaded), and again at the end of every refresh.
    {
        let activity = activity.clone();
        Effect::new(move |_| {
            activity.with(|a| a.finished);
            if state.catalogue.with(Option::is_some) {
                load();
            }
        });
    }
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || state.catalogue.with(Option::is_none) {
            return done.unwrap_or(false);
        }
        spawn_local(async move { listed.set(directory(state).await) });
        true
    });
    feeds::start(state);

    let subscribe = move |subscription: Subscription| {
        let url = subscription.url.clone();
        spawn_local(async move {
            let saved = state
                .with_db(|db| async move { store::put_subscriptions(&db, &[subscription]).await })
                .await;
            match saved {
                Some(Ok(())) => {
                    load();
                    feeds::refresh(state, Which::One(url), true);
                }
                Some(Err(e)) => note.set(Some(e.message)),
                None => note.set(Some(
                    "Le stockage n'est pas encore prêt ; réessayez dans un instant.".into(),
                )),
            }
        });
    };
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        note.set(None);
        match feed_address(&address.get_untracked()) {
            Err(message) => error.set(Some(message)),
            Ok(url) => {
                error.set(None);
                let known = list
                    .with_untracked(|l| l.as_ref().is_some_and(|l| l.iter().any(|s| s.url == url)));
                if known {
                    note.set(Some("Vous êtes déjà abonné à ce flux.".into()));
                    return;
                }
                address.set(String::new());
                subscribe(Subscription::new(&url, &now_utc()));
            }
        }
    };
    let unsubscribe = move |url: String| {
        spawn_local(async move {
            let removed = state
                .with_db(|db| async move { store::remove_subscription(&db, &url).await })
                .await;
            if let Some(Err(e)) = removed {
                note.set(Some(e.message));
            }
            load();
        })
    };

    // The centres of the directory not subscribed to yet (by address or by publisher).
    let not_yet = move || {
        let subscribed = list.get().unwrap_or_default();
        listed
            .get()
            .into_iter()
            .filter(|c| {
                !subscribed
                    .iter()
                    .any(|s| s.url == c.url || s.publisher.as_deref() == Some(c.id.as_str()))
            })
            .collect::<Vec<_>>()
    };

    let status_text = {
        let activity = activity.clone();
        move || {
            if activity.with(|a| a.running) {
                return Some("Actualisation en cours…".to_owned());
            }
            if offline.is_some_and(|o| o.get()) {
                return Some(list.with(|l| offline_message(l.as_deref().unwrap_or(&[]))));
            }
            activity.with(|a| a.said.clone())
        }
    };

    view! {
        <h1>"Abonnements"</h1>
        <p class="intro">
            "Abonnez-vous au flux d'un centre (ou d'un relais régional) : ses prototypes, ses "
            "adaptations et ses rapports d'expérience arrivent ici tout seuls, vérifiés comme un "
            "fichier importé. Ce qui a changé est listé dans "
            <A href=href(&Route::News)>"Nouveautés"</A>"."
        </p>
        <form class="abonnement" novalidate=true on:submit=on_submit>
            <label for="adresse-flux">"Adresse du flux"</label>
            <input id="adresse-flux" type="url" inputmode="url" autocomplete="url"
                placeholder="https://mon-centre.fr/prototheque-flux-mon-centre.json"
                aria-describedby="adresse-flux-erreur"
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                prop:value=move || address.get()
                on:input=move |ev| address.set(event_target_value(&ev))/>
            <p id="adresse-flux-erreur" class="error">{move || error.get()}</p>
            <button type="submit" class="primary">"S'abonner"</button>
        </form>
        {move || note.get().map(|n| view! { <p class="note" role="status">{n}</p> })}

        {move || {
            let centres = not_yet();
            (!centres.is_empty()).then(|| view! {
                <section class="centres-reseau" aria-labelledby="centres-reseau-titre">
                    <h2 id="centres-reseau-titre">"Centres du réseau"</h2>
                    <ul>
                        {centres.into_iter().map(|c| {
                            let name = c.name.clone();
                            let subscription = Subscription::of_network(&c.url, &c.id, &c.name, &c.keys, &now_utc());
                            view! {
                                <li>
                                    <span class="nom-centre">{c.name.clone()}</span>" "
                                    <button type="button" on:click=move |_| subscribe(subscription.clone())>
                                        "S'abonner"<span class="visually-hidden">{format!(" au flux de {name}")}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })
        }}

        <section class="mes-abonnements" aria-labelledby="mes-abonnements-titre">
            <h2 id="mes-abonnements-titre">"Mes abonnements"</h2>
            <div class="actions">
                <button type="button" on:click=move |_| feeds::refresh(state, Which::All, true)>"Actualiser"</button>
            </div>
            <p role="status" id="etat-actualisation">{status_text}</p>
            {move || match list.get() {
                None => view! { <p>"Chargement des abonnements…"</p> }.into_any(),
                Some(l) if l.is_empty() => view! { <p>"Aucun abonnement pour le moment."</p> }.into_any(),
                Some(l) => {
                    let now = now_seconds();
                    view! {
                        <ul class="abonnements">
                            {l.into_iter().map(|s| {
                                let url = s.url.clone();
                                let warning = s.status.as_ref().is_some_and(|st| st.is_warning());
                                let alert = warning && !s.warned;
                                let message = s.status.as_ref().map_or_else(
                                    || "Pas encore actualisé.".to_owned(),
                                    |st| st.message(s.next_try.saturating_sub(now)),
                                );
                                let last = s.last_attempt.as_deref().map_or_else(|| "jamais".to_owned(), date_time);
                                view! {
                                    <li data-flux=s.url.clone()>
                                        <p class="nom-flux">{s.title().to_owned()}</p>
                                        {s.name.is_some().then(|| view! { <p class="adresse-flux">{s.url.clone()}</p> })}
                                        <p class=if warning { "etat-flux avertissement" } else { "etat-flux" }
                                            role=alert.then_some("alert")>{message}</p>
                                        <p class="date-flux">{format!("Dernière actualisation : {last}")}</p>
                                        <button type="button" on:click=move |_| unsubscribe(url.clone())>
                                            "Se désabonner"<span class="visually-hidden">{format!(" de {}", s.title())}</span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}
