//! Leptos components and pages. No business rule lives here: data comes from `exchange`
//! (the seed file goes through the same door as any import), derived values from `label` and
//! `search`, storage from `store`.

mod home;

pub use home::CatalogueView;

use crate::exchange::{read_document, Limits};
use crate::model::Catalogue;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

/// Mounts the app on `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// Where the shipped catalogue lives, relative to the page's `<base>`.
const SEED_URL: &str = "catalogue.json";

/// The catalogue as loaded at start-up, or the French message saying why it could not be.
pub type Loaded = Result<Catalogue, String>;

async fn load_seed() -> Loaded {
    let response = gloo::net::http::Request::get(SEED_URL)
        .send()
        .await
        .map_err(|_| "Le catalogue n'a pas pu être chargé (réseau indisponible ?).".to_owned())?;
    if !response.ok() {
        return Err(format!(
            "Le catalogue n'a pas pu être chargé (erreur {}).",
            response.status()
        ));
    }
    let bytes = response
        .binary()
        .await
        .map_err(|_| "Le catalogue n'a pas pu être lu.".to_owned())?;
    read_document(&bytes, &Limits::default())
        .map(|doc| doc.catalogue)
        .map_err(|problems| format!("Le catalogue fourni est invalide : {}", problems.summary()))
}

/// App-wide state, provided through context.
#[derive(Clone, Copy)]
pub struct AppState {
    pub catalogue: LocalResource<Loaded>,
}

#[component]
pub fn App() -> impl IntoView {
    let state = AppState {
        catalogue: LocalResource::new(load_seed),
    };
    provide_context(state);
    view! {
        <Router>
            <a class="skip-link" href="#contenu">"Aller au contenu"</a>
            <header class="site-header">
                <div class="brand">
                    <A href="/">"Prototèque"</A>
                    <span class="tagline">"Centres sociaux connectés"</span>
                </div>
                <nav aria-label="Navigation principale">
                    <A href="/">"Catalogue"</A>
                    <A href="/a-propos">"À propos"</A>
                </nav>
            </header>
            <main id="contenu" tabindex="-1">
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=home::HomePage/>
                    <Route path=path!("/a-propos") view=AboutPage/>
                </Routes>
            </main>
            <footer class="site-footer">
                <p>"Vos données restent dans ce navigateur. Programme « Centres sociaux connectés » — Métropole Européenne de Lille."</p>
            </footer>
        </Router>
    }
}

#[component]
fn AboutPage() -> impl IntoView {
    view! {
        <h1>"À propos de Prototèque"</h1>
        <p>
            "Prototèque rassemble les prototypes numériques imaginés avec les habitants des centres "
            "sociaux du programme « Centres sociaux connectés » : chaque prototype a son livret "
            "pédagogique pour qu'un autre centre puisse le reproduire et l'adapter."
        </p>
        <p>
            "Toutes les données sont gardées dans ce navigateur. Exportez régulièrement votre "
            "catalogue pour en garder une copie et le partager avec les autres centres."
        </p>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <h1>"Page introuvable"</h1>
        <p>"Cette adresse ne correspond à aucune page de Prototèque. "<A href="/">"Revenir au catalogue"</A></p>
    }
}
