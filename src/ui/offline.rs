//! Working without network: registers the service worker (public/sw.js), offers a new version
//! when one is waiting, and shows when the network is gone.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorker, ServiceWorkerRegistration};

/// Network and update status, provided through context.
#[derive(Clone, Copy)]
pub struct Connectivity {
    pub offline: RwSignal<bool>,
    pub update_ready: RwSignal<bool>,
    waiting: StoredValue<Option<ServiceWorker>, LocalStorage>,
}

impl Connectivity {
    pub fn start() -> Self {
        let window = web_sys::window().expect("a browser window");
        let c = Connectivity {
            offline: RwSignal::new(!window.navigator().on_line()),
            update_ready: RwSignal::new(false),
            waiting: StoredValue::new_local(None),
        };
        for (event, offline) in [("online", false), ("offline", true)] {
            let on = Closure::<dyn FnMut()>::new(move || c.offline.set(offline));
            let _ = window.add_event_listener_with_callback(event, on.as_ref().unchecked_ref());
            on.forget(); // lives as long as the page
        }
        leptos::task::spawn_local(c.register());
        c
    }

    async fn register(self) {
        let container = web_sys::window().unwrap().navigator().service_worker();
        // Relative to the page's <base>: the worker's scope is the app's folder, also under a sub-path.
        let Ok(registration) = JsFuture::from(container.register("sw.js")).await else {
            return;
        };
        let registration: ServiceWorkerRegistration = registration.unchecked_into();
        let has_controller = move || {
            web_sys::window()
                .unwrap()
                .navigator()
                .service_worker()
                .controller()
                .is_some()
        };
        if let Some(waiting) = registration.waiting() {
            if has_controller() {
                self.offer(waiting);
            }
        }
        let reg = registration.clone();
        let on_update = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = reg.installing() else {
                return;
            };
            let worker = installing.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                if worker.state() == web_sys::ServiceWorkerState::Installed && has_controller() {
                    self.offer(worker.clone());
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        registration.set_onupdatefound(Some(on_update.as_ref().unchecked_ref()));
        on_update.forget();
        // When the new version has taken over, load it.
        let on_change = Closure::<dyn FnMut()>::new(move || {
            if self.update_ready.get_untracked() {
                let _ = web_sys::window().unwrap().location().reload();
            }
        });
        container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
        on_change.forget();
    }

    fn offer(self, worker: ServiceWorker) {
        self.waiting.set_value(Some(worker));
        self.update_ready.set(true);
    }

    /// Asks the waiting version to take over; the page reloads into it. Data stays in IndexedDB.
    pub fn apply_update(self) {
        self.waiting.with_value(|w| {
            if let Some(w) = w {
                let _ = w.post_message(&"prendre-la-main".into());
            }
        });
    }
}

/// The strip under the header: offline indicator and update offer.
#[component]
pub fn StatusBar() -> impl IntoView {
    let c = expect_context::<Connectivity>();
    view! {
        <div class="status-bar" role="status" aria-live="polite">
            {move || c.offline.get().then(|| view! {
                <p class="offline">
                    <strong>"Hors ligne"</strong>
                    " — Prototèque fonctionne sans réseau : vos données et vos modifications restent dans ce navigateur."
                </p>
            })}
            {move || c.update_ready.get().then(|| view! {
                <p class="update">
                    "Une nouvelle version est disponible. "
                    <button type="button" class="primary" on:click=move |_| c.apply_update()>"Recharger"</button>
                    " (vos données sont conservées)"
                </p>
            })}
        </div>
    }
}
