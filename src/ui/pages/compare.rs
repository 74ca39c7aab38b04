//! "Comparer avec l'original": what an adaptation changed from the prototype it adapts, field by
//! field (`exchange::compare`).

use crate::address::Route;
use crate::exchange::compare;
use crate::ui::router::{use_id, A};
use crate::ui::state::AppState;
use crate::ui::widgets::{href, plural};
use leptos::prelude::*;

/// "Comparer avec l'original": what an adaptation changed, field by field.
#[component]
pub fn ComparePage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = StoredValue::new(use_id());
    let data = move || {
        let id = id.get_value();
        state
            .with_catalogue(|c| {
                let adaptation = c.prototype(&id)?;
                let origin = adaptation.forked_from.as_ref()?;
                let original = c.prototype(&origin.prototype)?;
                Some((
                    id.clone(),
                    adaptation.title.clone(),
                    origin.prototype.clone(),
                    original.title.clone(),
                    compare(original, adaptation),
                ))
            })
            .flatten()
    };
    move || match data() {
        None => view! {
            <h1>"Comparer avec l'original"</h1>
            <p>"Ce prototype n'est pas une adaptation d'un prototype présent dans ce catalogue."</p>
        }
        .into_any(),
        Some((id, title, original_id, original_title, changes)) => {
            let crumb = title.clone();
            view! {
            <p class="breadcrumb"><A href=href(&Route::Prototype(id.clone()))>{crumb}</A>" › Comparer"</p>
            <h1>"Ce que l'adaptation a changé"</h1>
            <p>"Original : "<A href=href(&Route::Prototype(original_id.clone()))>{original_title}</A>". Adaptation : "<A href=href(&Route::Prototype(id.clone()))>{title}</A>"."</p>
            {if changes.is_empty() {
                view! { <p>"L'adaptation est encore identique à l'original."</p> }.into_any()
            } else {
                view! {
                    <table class="compare">
                        <caption>{plural(changes.len(), "champ modifié", "champs modifiés")}</caption>
                        <thead><tr><th scope="col">"Champ"</th><th scope="col">"Original"</th><th scope="col">"Adaptation"</th></tr></thead>
                        <tbody>
                            {changes.into_iter().map(|c| view! {
                                <tr><th scope="row">{c.field}</th><td>{c.original}</td><td>{c.adaptation}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        }.into_any()
        }
    }
}
