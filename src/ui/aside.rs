//! The stored rows set aside at start-up (see `store::Aside`): a notice on every page saying how
//! many, that they were kept, and a button that downloads them as a file.

use super::export::download;
use super::state::{now_utc, today, AppState};
use super::widgets::count;
use leptos::prelude::*;

/// "3 éléments enregistrés dans ce navigateur sont illisibles : ils ont été mis de côté, sans
/// être effacés."
fn told(n: usize) -> String {
    if n == 1 {
        "1 élément enregistré dans ce navigateur est illisible : il a été mis de côté, sans être \
         effacé."
            .to_owned()
    } else {
        format!(
            "{} éléments enregistrés dans ce navigateur sont illisibles : ils ont été mis de \
             côté, sans être effacés.",
            count(n)
        )
    }
}

/// What an import's message adds when records of the file were left unwritten because their id
/// is held by a row set aside (empty when none was).
pub fn held_aside(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => " 1 élément du fichier n'a pas été enregistré : il remplacerait un élément illisible \
              mis de côté dans ce navigateur."
            .to_owned(),
        n => format!(
            " {} éléments du fichier n'ont pas été enregistrés : ils remplaceraient des éléments \
             illisibles mis de côté dans ce navigateur.",
            count(n)
        ),
    }
}

/// "prototheque-elements-illisibles-2026-11-29.json"
fn file_name(day: &str) -> String {
    format!("prototheque-elements-illisibles-{day}.json")
}

/// Says that stored rows were set aside, when there are, and offers them as a file.
#[component]
pub fn SetAsideNotice() -> impl IntoView {
    let Some(state) = use_context::<AppState>() else {
        return ().into_any();
    };
    let n = Memo::new(move |_| state.aside.with(|a| a.len()));
    let failed = RwSignal::new(None::<String>);
    let offer = move |_| {
        let bytes = state.aside.with_untracked(|a| a.file(&now_utc()));
        failed.set(download(&bytes, &file_name(&today()), "application/json").err());
    };
    view! {
        {move || (n.get() > 0).then(|| view! {
            <div class="notice set-aside" role="status">
                <p>{told(n.get())}" Le reste du catalogue est disponible."</p>
                <button type="button" on:click=offer>"Télécharger les éléments mis de côté"</button>
                {move || failed.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            </div>
        })}
    }
    .into_any()
}
