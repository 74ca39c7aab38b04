//! "Imprimer le livret complet": every livret of the catalogue (or of the current search) as one
//! printable book with a table of contents.

use crate::address::Route;
use crate::ui::livret::LivretView;
use crate::ui::router::A;
use crate::ui::search_url::{href_with, use_url_query};
use crate::ui::state::AppState;
use crate::ui::widgets::{count, href};
use leptos::prelude::*;

/// The most livrets one book gathers: a national search can give 20,000, which no browser lays
/// out (or prints) in reasonable time.
const BOOK_MAX: usize = 50;

/// Scrolls to a chapter and moves focus there. (A bare "#id" link would resolve against the
/// page's `<base>` and leave the book.)
fn jump_to(id: String) -> impl Fn(web_sys::MouseEvent) {
    move |ev| {
        ev.prevent_default();
        let target = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id));
        if let Some(el) =
            target.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            el.scroll_into_view();
            let _ = el.focus();
        }
    }
}

#[component]
pub fn BookPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let query = use_url_query();
    // How many livrets the search gives, and the first BOOK_MAX of them.
    let found = Memo::new(move |_| {
        let q = query.get();
        state
            .index
            .with(|index| index.as_ref().map(|index| index.search(&q).hits))
    });
    let total = move || found.with(|hits| hits.as_ref().map_or(0, Vec::len));
    let chapters = move || {
        state.index.with(|index| {
            let index = index.as_ref()?;
            let hits = found.get()?;
            state.catalogue.with(|c| {
                let c = c.as_ref()?.as_ref().ok()?;
                Some(
                    hits.iter()
                        .take(BOOK_MAX)
                        .filter_map(|&i| {
                            let e = index.entry(i);
                            c.prototype(&e.id)
                                .map(|p| (e.id.clone(), e.centre_name.clone(), p.clone()))
                        })
                        .collect::<Vec<_>>(),
                )
            })
        })
    };
    let print = |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <div class="book">
            <h1>"Livrets pédagogiques — Centres sociaux connectés"</h1>
            <p class="no-print">
                {move || if query.with(|q| q.is_unfiltered()) { "Tous les livrets du catalogue.".to_owned() } else { "Les livrets de votre recherche.".to_owned() }}
                " "<A href=move || href_with(&Route::Catalogue, &query.get())>"Revenir à la liste"</A>
            </p>
            {move || (total() > BOOK_MAX).then(|| view! {
                <p class="notice no-print" role="status">
                    {format!(
                        "Cette recherche donne {} livrets : trop pour un seul document. Seuls les {BOOK_MAX} premiers sont réunis ici ; choisissez un thème, un centre ou des mots pour réunir ceux qu'il vous faut.",
                        count(total()),
                    )}
                </p>
            })}
            <div class="actions no-print"><button type="button" on:click=print>"Imprimer le livret complet"</button></div>
            {move || chapters().map(|chapters| view! {
                <nav class="toc" aria-labelledby="sommaire">
                    <h2 id="sommaire">"Sommaire"</h2>
                    <ol>
                        {chapters.iter().map(|(id, centre, p)| view! {
                            <li><a href=format!("#livret-{id}") on:click=jump_to(format!("livret-{id}"))>{p.title.clone()}</a>{format!(" — {centre}")}</li>
                        }).collect_view()}
                    </ol>
                </nav>
                {chapters.into_iter().map(|(id, centre, p)| view! {
                    <article class="chapter" id=format!("livret-{id}") tabindex="-1">
                        <h2 class="chapter-title"><A href=href(&Route::Prototype(id.clone()))>{p.title.clone()}</A></h2>
                        <p class="meta">{format!("{} · {} · {} · licence {}", p.theme.label(), centre, p.kind.label(), p.licence)}</p>
                        <p class="lead">{p.summary.clone()}</p>
                        <LivretView livret=p.livret.clone()/>
                    </article>
                }).collect_view()}
            })}
        </div>
    }
}
