//! Leptos components and pages. No business rule lives here: data comes from `exchange` (the
//! seed file goes through the same door as any import), derived values from `label` and
//! `search`, storage from `store`.

mod home;
mod import;
mod state;

pub use home::CatalogueView;
pub use state::AppState;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

/// Mounts the app on `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::start();
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
                    <A href="/importer">"Importer"</A>
                    <A href="/a-propos">"À propos"</A>
                </nav>
            </header>
            <main id="contenu" tabindex="-1">
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=home::HomePage/>
                    <Route path=path!("/importer") view=import::ImportPage/>
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
    let state = expect_context::<AppState>();
    let persistence = move || {
        match state.persistence.get() {
        None => "Le navigateur n'a pas encore répondu à la demande de stockage durable.",
        Some(true) => "Stockage durable accordé : le navigateur ne supprimera pas ces données pour faire de la place.",
        Some(false) => {
            "Stockage durable non accordé : le navigateur pourrait effacer ces données s'il manque de \
             place. Exportez régulièrement votre catalogue pour en garder une copie."
        }
    }
    };
    view! {
        <h1>"À propos de Prototèque"</h1>
        <p>
            "Prototèque rassemble les prototypes numériques imaginés avec les habitants des centres "
            "sociaux du programme « Centres sociaux connectés » : chaque prototype a son livret "
            "pédagogique pour qu'un autre centre puisse le reproduire et l'adapter."
        </p>
        <h2>"Où sont vos données ?"</h2>
        <p>
            "Toutes les données sont gardées dans ce navigateur, sur cet appareil. Exportez "
            "régulièrement votre catalogue pour en garder une copie et le partager avec les autres centres."
        </p>
        <p class="persistence">{persistence}</p>
        <p>
            "Le catalogue fourni au départ est un exemple, écrit pour présenter la démarche : il a "
            "vocation à être remplacé par les prototypes des centres."
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
