//! The router: which page the address shows, links that change the address without reloading
//! the app, back and forward. Hand-made rather than leptos_router, whose generality (nested
//! routes, typed matching, forms, server rendering) weighed about a fifth of the first download;
//! this does what the app needs and no more. Which page a path names is `crate::address`.
//!
//! A page whose code is still to be downloaded (split builds) is shown once it is here: until
//! then the previous page and address stay, as with a link followed on a slow server.

use super::widgets::{app_path, base_path};
use crate::address::{link_is_current, query_pairs, Route};
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::{JsCast, JsValue};

/// What is awaited before a page can be drawn: its code, in split builds.
pub type Fetching = Pin<Box<dyn Future<Output = ()>>>;

/// What must be awaited before a route's page can be drawn, if anything.
pub type Fetch = fn(&Route) -> Option<Fetching>;

/// The address shown: its page, its app path, its query pairs (decoded).
#[derive(Clone, PartialEq)]
pub struct Here {
    pub route: Route,
    pub path: String,
    pub query: Vec<(String, String)>,
}

/// How a navigation treats the browser's history.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    /// A link followed: a new history entry, at the top of the new page.
    Push,
    /// The same page with another query (a search typed): the entry is replaced, the scroll kept.
    Replace,
    /// The address bar already says where to go: the app starts.
    Arrived,
    /// Back or forward: the address bar says where to go.
    History,
}

/// The router's state, in context (`Copy`).
#[derive(Clone, Copy)]
pub struct Router {
    /// `None` until the first page can be drawn.
    here: RwSignal<Option<Here>>,
    /// Numbers navigations, so that a page downloaded after another link was followed is not shown.
    latest: StoredValue<u32>,
    fetch: Fetch,
    /// Counts the pages a person went to (a link, back or forward), for what follows a move: the
    /// new page's title and focus (`ui::Shell`).
    moves: RwSignal<u32>,
    /// The app's owner, for the contexts a fetch reads (navigations start in event listeners).
    owner: StoredValue<Owner>,
}

impl Router {
    /// Starts routing the current address, follows the app's links and the browser's back and
    /// forward from now on, and provides the router in context.
    pub fn start(fetch: Fetch) -> Router {
        let router = Router {
            here: RwSignal::new(None),
            latest: StoredValue::new(0),
            fetch,
            moves: RwSignal::new(0),
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
        };
        provide_context(router);
        // Once the first view is built: the click listener then comes after Leptos' own (both
        // are on the window), so that a page's handlers see the click before the address changes
        // and can keep the browser from following it.
        Effect::new(move |_| {
            let clicks = window_event_listener(leptos::ev::click, move |ev| router.follow(&ev));
            let history = window_event_listener(leptos::ev::popstate, move |_| {
                router.navigate(&current_href(), Step::History)
            });
            on_cleanup(move || {
                clicks.remove();
                history.remove();
            });
        });
        router.arrive();
        router
    }

    /// Goes to `href` (a path under the base path, with its query), as a link would.
    pub fn go(self, href: &str) {
        self.navigate(href, Step::Push);
    }

    /// Shows `href` instead of the current address, in place, keeping the scroll (a search
    /// refined on the same page).
    pub fn replace(self, href: &str) {
        self.navigate(href, Step::Replace);
    }

    /// The address shown (tracked).
    pub fn with_here<T>(self, read: impl FnOnce(Option<&Here>) -> T) -> T {
        self.here.with(|h| read(h.as_ref()))
    }

    /// How many times a person went to another page (tracked): not at the start, nor for a
    /// search refined in place.
    pub fn moves(self) -> u32 {
        self.moves.get()
    }

    /// The route shown, for the outlet: changes only when another page is to be drawn (not when
    /// the query does).
    pub fn route(self) -> Memo<Option<Route>> {
        let here = self.here;
        Memo::new(move |_| here.with(|h| h.as_ref().map(|h| h.route.clone())))
    }

    fn arrive(self) {
        self.navigate(&current_href(), Step::Arrived);
    }

    fn navigate(self, href: &str, step: Step) {
        let without_hash = href.split('#').next().unwrap_or_default();
        let (path, search) = without_hash.split_once('?').unwrap_or((without_hash, ""));
        let path = app_path(path.to_owned());
        let here = Here {
            route: Route::of(&path),
            path,
            query: query_pairs(search),
        };
        // Started at once: nothing to wait for if the page's code is already here.
        let pending = self.owner.with_value(|owner| {
            owner.with(|| {
                (self.fetch)(&here.route)
                    .and_then(|mut fetch| now(fetch.as_mut()).is_none().then_some(fetch))
            })
        });
        let ticket = self.latest.get_value().wrapping_add(1);
        self.latest.set_value(ticket);
        let href = without_hash.to_owned();
        let show = move || {
            if self.latest.get_value() != ticket {
                return;
            }
            let history = window().history();
            match (step, history) {
                (Step::Push, Ok(history)) if href != current_href() => {
                    let _ = history.push_state_with_url(&JsValue::NULL, "", Some(&href));
                }
                (Step::Replace, Ok(history)) => {
                    let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&href));
                }
                _ => {}
            }
            let moved = step == Step::Push
                || (step == Step::History
                    && self.here.with_untracked(|h| h.as_ref() != Some(&here)));
            self.here.set(Some(here));
            if moved {
                self.moves.update(|n| *n = n.wrapping_add(1));
            }
            if step == Step::Push {
                window().scroll_to_with_x_and_y(0.0, 0.0);
            }
        };
        match pending {
            Some(fetch) => leptos::task::spawn_local(async move {
                fetch.await;
                show();
            }),
            None => show(),
        }
    }

    /// A click on a link to one of the app's pages: shown here rather than by a reload. Links
    /// elsewhere, to a file (`download`), to a new tab (`target`, a modifier key, another
    /// button) or to an anchor of this page are left to the browser.
    fn follow(self, ev: &web_sys::MouseEvent) {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.meta_key()
            || ev.alt_key()
            || ev.ctrl_key()
            || ev.shift_key()
        {
            return;
        }
        let Some(link) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("a[href]").ok().flatten())
            .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        else {
            return;
        };
        let external = link
            .get_attribute("rel")
            .is_some_and(|rel| rel.split_ascii_whitespace().any(|r| r == "external"));
        if !link.target().is_empty() || link.has_attribute("download") || external {
            return;
        }
        let Ok(url) = web_sys::Url::new(&link.href()) else {
            return;
        };
        let path = url.pathname();
        let base = base_path();
        let ours = url.origin() == window().location().origin().unwrap_or_default()
            && (path == base || path.starts_with(&format!("{base}/")));
        let href = format!("{path}{}", url.search());
        if !ours || (!url.hash().is_empty() && href == current_href()) {
            return;
        }
        ev.prevent_default();
        self.go(&href);
    }
}

/// The browser's current path and query.
fn current_href() -> String {
    let location = window().location();
    format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    )
}

fn path_of(href: &str) -> String {
    href.split(['?', '#']).next().unwrap_or_default().to_owned()
}

/// A future's value if it has one already, without waiting (a page's code already fetched).
pub fn now<T>(future: impl Future<Output = T>) -> Option<T> {
    let future = std::pin::pin!(future);
    match future.poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
        std::task::Poll::Ready(value) => Some(value),
        std::task::Poll::Pending => None,
    }
}

/// The router in context.
pub fn use_router() -> Router {
    expect_context()
}

/// The id in the page's address (`/prototypes/:id`, `/centres/:id`). A page is drawn anew for
/// another id, so this does not change while it is shown.
pub fn use_id() -> String {
    use_router()
        .here
        .with_untracked(|h| h.as_ref().and_then(|h| h.route.id().map(str::to_owned)))
        .unwrap_or_default()
}

/// The query pairs of the page's address. Once another page is on its way, they keep the values
/// they had here, so that the page being left does not redo its work for someone else's query.
pub fn use_query() -> Memo<Vec<(String, String)>> {
    let here = use_router().here;
    let route = here.with_untracked(|h| h.as_ref().map(|h| h.route.clone()));
    Memo::new(move |previous: Option<&Vec<(String, String)>>| {
        here.with(|h| match h {
            Some(h) if Some(&h.route) == route.as_ref() => h.query.clone(),
            _ => previous.cloned().unwrap_or_default(),
        })
    })
}

/// A link to one of the app's pages (`href` under the base path, as `widgets::href` gives):
/// marked `aria-current="page"` while that page, or one under it, is shown.
#[component]
pub fn A(#[prop(into)] href: Signal<String>, children: Children) -> impl IntoView {
    let router = use_context::<Router>();
    let current = move || {
        let router = router?;
        let link = href.with(|h| app_path(path_of(h)));
        router
            .with_here(|h| h.is_some_and(|h| link_is_current(&link, &h.path)))
            .then_some("page")
    };
    view! { <a href=move || href.get() aria-current=current>{children()}</a> }
}
