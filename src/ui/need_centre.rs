//! What a writing action (create, adapt, rate, edit) shows when no centre is chosen yet: a link
//! to "Mon centre" that comes back here afterwards. Shared by the editor and the prototype page.

use crate::address::Route;
use crate::ui::router::A;
use crate::ui::widgets::href;
use leptos::prelude::*;

/// The link to choose a centre, coming back to `here`.
pub fn choose_centre_href(here: &str) -> String {
    format!(
        "{}?retour={}",
        href(&Route::MyCentre),
        String::from(js_sys::encode_uri_component(here))
    )
}

/// What a writing action shows when no centre is chosen yet.
#[component]
pub fn NeedCentre(#[prop(into)] here: String, #[prop(into)] action: String) -> impl IntoView {
    view! {
        <p class="need-centre">
            {format!("Pour {action}, indiquez d'abord pour quel centre vous agissez. ")}
            <A href=choose_centre_href(&here)>"Choisir mon centre"</A>
        </p>
    }
}
