//! Leptos components and pages. No business rule lives here: data comes from `exchange` (the
//! seed file goes through the same door as any import), derived values from `label`, `search`
//! and `model::Facts`, storage from `store`.
//!
//! The pages are in `pages/`, one module each; what several of them use is beside it, here:
//! the router, the app's state, components (`widgets`, `livret`, `export`), the search in the
//! address (`search_url`). A page module uses these, never another page's module.

mod aside;
mod bytes;
mod chunk;
mod export;
mod feeds;
mod livret;
mod need_centre;
mod offline;
mod pages;
mod router;
mod search_url;
mod signatures;
mod state;
mod text_field;
mod trust;
mod widgets;

pub use pages::catalogue::CataloguePage;
pub use state::AppState;

use crate::address::Route;
use leptos::prelude::*;
use router::{Fetching, A};
use widgets::href;

/// Every page but the catalogue is downloaded the first time it is shown: with the `split`
/// feature (release builds, `scripts/build.sh`) each page is a split point that `wasm-split` cuts
/// into its own wasm chunk after the build (see `scripts/split.py`); the router awaits `fetch`
/// before drawing the page (`chunk_page`). A chunk that cannot be fetched (no network before the
/// service worker has everything) gives [`PageUnavailable`] instead of stopping the app. Without
/// the feature (tests, `cargo check`) there is nothing to fetch and `chunk_page` draws the page
/// itself, so test binaries carry no split placeholders. One table, `pages!` below, for both.
#[cfg(feature = "split")]
macro_rules! pages {
    ($($route:pat => $split:ident in $chunk:ident => $page:path),* $(,)?) => {
        $(
            mod $chunk {
                use super::*;

                #[leptos::wasm_split::wasm_split(
                    $split,
                    wasm_split_path = ::leptos::wasm_split,
                    fallible,
                    preload(preload)
                )]
                pub(super) fn page() -> Result<AnyView, leptos::wasm_split::SplitLoaderError> {
                    Ok($page().into_any())
                }
            }
        )*

        /// The page of a route whose code is a chunk, once `fetch` is done (if it failed, the
        /// page says so).
        fn chunk_page(route: &Route) -> Option<AnyView> {
            let page = match route {
                $($route => router::now($chunk::page()),)*
                _ => return None,
            };
            Some(match page {
                Some(Ok(page)) => page,
                _ => view! { <PageUnavailable/> }.into_any(),
            })
        }

        /// Fetches a route's code if it is a chunk, while the header says a page is loading.
        fn fetch(route: &Route) -> Option<Fetching> {
            let preload: std::pin::Pin<Box<dyn std::future::Future<Output = _>>> = match route {
                $($route => Box::pin($chunk::preload()),)*
                _ => return None,
            };
            Some(Box::pin(PageLoading::during(preload)))
        }
    };
}

#[cfg(not(feature = "split"))]
macro_rules! pages {
    ($($route:pat => $split:ident in $chunk:ident => $page:path),* $(,)?) => {
        fn chunk_page(route: &Route) -> Option<AnyView> {
            match route {
                $($route => Some($page().into_any()),)*
                _ => None,
            }
        }

        fn fetch(_: &Route) -> Option<Fetching> {
            None
        }
    };
}

pages! {
    Route::NewPrototype => NewPrototype in new_prototype_chunk => pages::editor::NewPrototypePage,
    Route::Prototype(_) => Prototype in prototype_chunk => pages::prototype::PrototypePage,
    Route::EditPrototype(_) => EditPrototype in edit_prototype_chunk => pages::editor::EditPrototypePage,
    Route::Compare(_) => Compare in compare_chunk => pages::compare::ComparePage,
    Route::Book => Book in book_chunk => pages::book::BookPage,
    Route::Centres => Centres in centres_chunk => pages::centres::CentresPage,
    Route::Centre(_) => Centre in centre_chunk => pages::centres::CentrePage,
    Route::Import | Route::Subscriptions | Route::News | Route::Publish => Import in import_chunk => import_or_feeds,
    Route::Label => Label in label_chunk => pages::about::LabelPage,
    Route::Dashboard => Dashboard in dashboard_chunk => pages::dashboard::DashboardPage,
    Route::About | Route::Trust => About in about_chunk => about_or_trust,
    Route::MyCentre => MyCentre in my_centre_chunk => pages::mycentre::MyCentrePage,
}

/// « À propos » and « Confiance » are one chunk: both are read now and then, and a split point of
/// its own costs the first download a loader entry for every set of pages it shares code with
/// (« Confiance » alone: 21 more chunks, +0.4 KB gzip).
fn about_or_trust() -> AnyView {
    let trust = router::use_router().with_here(|h| h.is_some_and(|h| h.route == Route::Trust));
    if trust {
        view! { <pages::trust::TrustPage/> }.into_any()
    } else {
        view! { <pages::about::AboutPage/> }.into_any()
    }
}

/// The page a route shows.
fn page(route: &Route) -> AnyView {
    match route {
        Route::Catalogue => view! { <CataloguePage/> }.into_any(),
        _ => chunk_page(route).unwrap_or_else(|| view! { <NotFound/> }.into_any()),
    }
}

/// Once the catalogue is drawn: fetches the prototype page's code (the page most visits go to
/// next) while the person reads the list, so that the first prototype opened shows without
/// waiting for it (other pages are fetched when first shown); then starts the refreshes of the
/// feeds subscribed to ([`start_feeds`]).
fn after_first_paint(state: AppState) {
    let started = std::cell::Cell::new(false);
    Effect::new(move |_| {
        if started.get() || state.index.with(Option::is_none) {
            return;
        }
        started.set(true);
        leptos::task::spawn_local(async move {
            // Let the first list be painted before the chunk is compiled.
            gloo::timers::future::TimeoutFuture::new(300).await;
            // Straight from the split point: nobody waits for it, so the header says nothing.
            #[cfg(feature = "split")]
            let _ = prototype_chunk::preload().await;
            start_feeds(state).await;
        });
    });
}

thread_local! {
    /// Set just before the import chunk's entry is called to start the feeds' refreshes
    /// (see [`start_feeds`]) rather than to draw a page.
    static FEEDS_START: std::cell::Cell<Option<AppState>> = const { std::cell::Cell::new(None) };
}

/// The import page and the feeds' pages (« Abonnements », « Nouveautés », « Publier mon
/// catalogue ») are one chunk: they share the import machinery (the door in slices, the
/// signatures, the merge), and a split point of their own would cost the first download a loader
/// entry for every set of pages they share code with (3.7 KB gzip for two). The same entry
/// starts the feeds' refreshes at start-up ([`start_feeds`]), then draws nothing.
fn import_or_feeds() -> AnyView {
    if let Some(state) = FEEDS_START.with(std::cell::Cell::take) {
        feeds::start(state);
    }
    // The start-up's call runs outside any reactive owner (a task), the router's inside one:
    // whichever comes first once the chunk is here starts the refreshes, only the router draws.
    if Owner::current().is_none() {
        return ().into_any();
    }
    let route = router::use_router().with_here(|h| h.map(|h| h.route.clone()));
    match route {
        Some(Route::Subscriptions | Route::News | Route::Publish) => pages::feeds::feeds_page(),
        _ => view! { <pages::import::ImportPage/> }.into_any(),
    }
}

/// Starts the refreshes of the feeds subscribed to, if a setting says there are any: their code
/// is in the import chunk, fetched only then, so a browser that subscribes to nothing never
/// downloads it at start-up.
async fn start_feeds(state: AppState) {
    let subscribed = state
        .with_db(|db| async move { crate::store::has_subscriptions(&db).await })
        .await;
    if !matches!(subscribed, Some(Ok(true))) {
        return;
    }
    FEEDS_START.with(|s| s.set(Some(state)));
    // Without the chunk (offline before the service worker has it), the next start tries again.
    // Once fetched, its entry answers at once, as for the router (`chunk_page`).
    #[cfg(feature = "split")]
    if import_chunk::preload().await.is_ok() {
        let _ = router::now(import_chunk::page());
    }
    #[cfg(not(feature = "split"))]
    let _ = import_or_feeds();
}

/// Mounts the app on `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// The whole app, loading its state from this browser's storage.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::start();
    provide_context(state);
    provide_context(offline::Connectivity::start());
    after_first_paint(state);
    view! { <Shell/> }
}

/// Header, routes and footer, around an [`AppState`] already in context.
#[component]
pub fn Shell() -> impl IntoView {
    // Here rather than in the status itself, so that the routes see it too.
    provide_context(PageLoading(RwSignal::new(0)));
    let route = router::Router::start(fetch).route();
    view! {
        <a class="skip-link" href="#contenu" on:click=skip_to_content>"Aller au contenu"</a>
        <header class="site-header">
            <div class="brand">
                <A href=href(&Route::Catalogue)>"Prototèque"</A>
                <span class="tagline">"Centres sociaux connectés"</span>
            </div>
            <MyCentreLink/>
            <nav aria-label="Navigation principale">
                <A href=href(&Route::Catalogue)>"Catalogue"</A>
                <A href=href(&Route::Centres)>"Centres"</A>
                <A href=href(&Route::Dashboard)>"Indicateurs"</A>
                <A href=href(&Route::Import)>"Importer"</A>
                <A href=href(&Route::Subscriptions)>"Abonnements"</A>
                <A href=href(&Route::About)>"À propos"</A>
            </nav>
        </header>
        <PageLoadingStatus/>
        {use_context::<offline::Connectivity>().map(|_| view! { <offline::StatusBar/> })}
        <ForgetNotices/>
        <aside::SetAsideNotice/>
        <main id="contenu" tabindex="-1">
            // A page's setup reads signals: they are its own, not the outlet's.
            {move || route.get().map(|route| untrack(|| page(&route)))}
        </main>
        <footer class="site-footer">
            <p>"Vos données restent dans ce navigateur. Programme « Centres sociaux connectés » — Métropole Européenne de Lille. "<A href=href(&Route::Trust)>"Confiance et signatures"</A></p>
        </footer>
    }
}

/// Moves keyboard focus to the main content (the browser would otherwise add `#contenu` to the
/// address and leave focus where it was).
fn skip_to_content(ev: web_sys::MouseEvent) {
    ev.prevent_default();
    let main = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("contenu"))
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
    if let Some(main) = main {
        let _ = main.focus();
        main.scroll_into_view();
    }
}

/// Drops an action's outcome message once the person leaves the page it was about.
#[component]
fn ForgetNotices() -> impl IntoView {
    if let Some(state) = use_context::<AppState>() {
        let router = router::use_router();
        Effect::new(move |_| {
            let Some(here) = router.with_here(|h| h.map(|h| h.path.clone())) else {
                return;
            };
            if state
                .notice
                .with_untracked(|n| n.as_ref().is_some_and(|n| n.path != here))
            {
                state.notice.set(None);
            }
        });
    }
}

/// Which centre the person acts as, in the header.
#[component]
fn MyCentreLink() -> impl IntoView {
    let Some(state) = use_context::<AppState>() else {
        return ().into_any();
    };
    let name = move || {
        let id = state.my_centre.get()?;
        state
            .with_catalogue(|c| c.centre(&id).map(|c| c.name.clone()))
            .flatten()
    };
    view! {
        <p class="my-centre">
            {move || match name() {
                Some(n) => view! { "Mon centre : "<A href=href(&Route::MyCentre)>{n}</A> }.into_any(),
                None => view! { <A href=href(&Route::MyCentre)>"Choisir mon centre"</A> }.into_any(),
            }}
        </p>
    }
    .into_any()
}

/// How many pages' code is being downloaded for the router (split builds): while there is
/// one, the header says so, since the current page stays until the next one can be drawn.
#[derive(Clone, Copy)]
struct PageLoading(RwSignal<u32>);

impl PageLoading {
    /// Counts one page's download while `fetch` runs, until it ends or the router drops it
    /// (another link followed meanwhile); a failure is reported when the page is shown. One
    /// function for every route, not one copy per route.
    #[cfg(feature = "split")]
    async fn during(
        fetch: std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<(), leptos::wasm_split::SplitLoaderError>>>,
        >,
    ) {
        struct Counted(Option<RwSignal<u32>>);
        impl Drop for Counted {
            fn drop(&mut self) {
                if let Some(count) = self.0 {
                    count.try_update(|n| *n = n.saturating_sub(1));
                }
            }
        }
        let _counted = Counted(use_context::<PageLoading>().map(|PageLoading(count)| {
            count.update(|n| *n += 1);
            count
        }));
        let _ = fetch.await;
    }
}

/// "Chargement de la page…" in the header while a page's code is on its way (shown after a
/// moment, by CSS, so that quick loads do not flash).
#[component]
fn PageLoadingStatus() -> impl IntoView {
    let PageLoading(count) = expect_context();
    view! {
        <p class="page-loading" role="status">
            <span hidden=move || count.get() == 0>"Chargement de la page…"</span>
        </p>
    }
}

/// A page whose code could not be downloaded: says so, and offers to try again.
#[cfg(feature = "split")]
#[component]
fn PageUnavailable() -> impl IntoView {
    let reload = |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    };
    view! {
        <h1>"Page indisponible"</h1>
        <p role="alert">
            "Cette page n'a pas pu être téléchargée. Vérifiez la connexion à Internet, puis "
            <button type="button" on:click=reload>"réessayez"</button>"."
        </p>
        <p><A href=href(&Route::Catalogue)>"Revenir au catalogue"</A>" (il reste disponible sans connexion)."</p>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <h1>"Page introuvable"</h1>
        <p>"Cette adresse ne correspond à aucune page de Prototèque. "<A href=href(&Route::Catalogue)>"Revenir au catalogue"</A></p>
    }
}
