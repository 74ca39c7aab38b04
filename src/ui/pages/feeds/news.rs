//! « Nouveautés »: what each applied refresh of the feeds changed, newest first, by the feed it
//! came from; the last one can be undone like an import (`store::undo_last_import`) while no
//! other import came after it.

use crate::address::Route;
use crate::store;
use crate::subscription::Refresh;
use crate::ui::feeds::{self, date_time};
use crate::ui::router::A;
use crate::ui::state::AppState;
use crate::ui::widgets::href;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The refreshes kept, and whether the newest is still the last import (so undoable).
#[derive(Clone, Debug, Default, PartialEq)]
struct Listed {
    refreshes: Vec<(u32, Refresh)>,
    undoable: bool,
}

async fn listed(state: AppState) -> Result<Listed, String> {
    state
        .with_db(|db| async move {
            let refreshes = store::refreshes(&db).await?;
            let undoable = match refreshes.first() {
                Some((_, newest)) if !newest.undone && newest.log_len > 0 => {
                    store::import_log(&db).await?.len() == newest.log_len
                        && store::can_undo(&db).await?
                }
                _ => false,
            };
            Ok(Listed {
                refreshes,
                undoable,
            })
        })
        .await
        .unwrap_or_else(|| Ok(Listed::default()))
        .map_err(|e: store::StoreError| e.message)
}

#[component]
pub fn NewsPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let activity = feeds::activity();
    let shown = RwSignal::new(None::<Result<Listed, String>>);
    let message = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);
    let load = move || spawn_local(async move { shown.set(Some(listed(state).await)) });
    // Read once storage is open (the catalogue loaded), and again at the end of every refresh.
    Effect::new(move |_| {
        activity.with(|a| a.finished);
        if state.catalogue.with(Option::is_some) {
            load();
        }
    });

    let undo = move |key: u32| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let undone = state
                .with_db(|db| async move {
                    let loaded = store::undo_last_import(&db).await?;
                    store::mark_refresh_undone(&db, key).await?;
                    Ok::<_, store::StoreError>(loaded)
                })
                .await;
            match undone {
                Some(Ok(loaded)) => {
                    state.set_catalogue(Ok(loaded)).await;
                    message.set(Some(Ok(
                        "L'actualisation a été annulée : le catalogue est revenu à son état \
                         précédent."
                            .into(),
                    )));
                }
                Some(Err(e)) => message.set(Some(Err(e.message))),
                None => message.set(Some(Err(
                    "Le stockage n'est pas encore prêt ; réessayez dans un instant.".into(),
                ))),
            }
            busy.set(false);
            load();
        });
    };

    view! {
        <h1>"Nouveautés"</h1>
        <p class="intro">
            "Ce que les flux auxquels vous êtes abonné ont apporté, la plus récente actualisation "
            "d'abord. Gérez vos flux sur la page "<A href=href(&Route::Subscriptions)>"Abonnements"</A>"."
        </p>
        <div aria-live="polite">
            {move || message.get().map(|m| match m {
                Ok(text) => view! { <p class="success-box" role="status">{text}</p> }.into_any(),
                Err(text) => view! { <p class="error" role="alert">{text}</p> }.into_any(),
            })}
        </div>
        {move || match shown.get() {
            None => view! { <p>"Chargement…"</p> }.into_any(),
            Some(Err(text)) => view! { <p class="error" role="alert">{text}</p> }.into_any(),
            Some(Ok(l)) if l.refreshes.is_empty() => view! {
                <p>"Aucune nouveauté pour le moment : les actualisations qui changent le catalogue apparaîtront ici."</p>
            }.into_any(),
            Some(Ok(l)) => {
                let undoable = l.undoable;
                l.refreshes.into_iter().enumerate().map(|(n, (key, refresh))| {
                    let heading = format!("Actualisation du {}", date_time(&refresh.at));
                    view! {
                        <article class="nouveaute">
                            <h2>{heading}</h2>
                            {refresh.undone.then(|| view! { <p class="annulee">"Actualisation annulée."</p> })}
                            {refresh.sources.into_iter().map(|source| view! {
                                <p class="source-flux">{format!("Depuis le flux de {}", source.name)}</p>
                                <ul>
                                    {source.lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                                </ul>
                            }).collect_view()}
                            {(n == 0 && undoable && !refresh.undone).then(|| view! {
                                <button type="button" disabled=move || busy.get() on:click=move |_| undo(key)>
                                    "Annuler cette actualisation"
                                </button>
                            })}
                        </article>
                    }
                }).collect_view().into_any()
            }
        }}
    }
}
