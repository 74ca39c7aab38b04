//! The stored rows set aside at start-up (see `store::Aside`): a notice on every page saying how
//! many, that they were kept, and a button that downloads them as a file.

use super::chunk::{ChunkUnavailable, FILE_UNAVAILABLE};
use super::export::download;
use super::state::{now_utc, today, AppState};
use super::widgets::count;
use crate::store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;
use std::pin::Pin;

/// "3 éléments enregistrés dans ce navigateur sont illisibles : ils ont été mis de côté, sans
/// être effacés."
fn told(n: u32) -> String {
    if n == 1 {
        "1 élément enregistré dans ce navigateur est illisible : il a été mis de côté, sans être \
         effacé."
            .to_owned()
    } else {
        format!(
            "{} éléments enregistrés dans ce navigateur sont illisibles : ils ont été mis de \
             côté, sans être effacés.",
            count(n as usize)
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

/// Reads the rows set aside as they are stored now (one read transaction, like an export), writes
/// them into a file and offers it.
async fn write_and_offer(state: AppState) -> Result<(), String> {
    let loaded = state
        .with_db(|db| async move { store::load(&db).await })
        .await
        .ok_or("Le stockage n'est pas encore prêt ; réessayez dans un instant.")?
        .map_err(|e| e.message)?;
    state.set_aside.set(loaded.aside.count());
    let bytes = loaded.aside.file(&now_utc());
    download(&bytes, &file_name(&today()), "application/json")
}

type Writing = Pin<Box<dyn Future<Output = Result<(), String>>>>;

/// With the `split` feature (release builds) the file writer is a wasm chunk of its own, like
/// the export's (`ui/export.rs`): only a browser with rows set aside needs it.
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(set_aside_file, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn writer(state: AppState) -> Result<Writing, ChunkUnavailable> {
    Ok(Box::pin(write_and_offer(state)))
}

/// Says that stored rows were set aside, when there are, and offers them as a file.
#[component]
pub fn SetAsideNotice() -> impl IntoView {
    let Some(state) = use_context::<AppState>() else {
        return ().into_any();
    };
    let failed = RwSignal::new(None::<String>);
    let offer = move |_| {
        spawn_local(async move {
            let writer = writer(state);
            #[cfg(feature = "split")]
            let writer = writer.await;
            let written = match writer {
                Ok(writing) => writing.await,
                Err(ChunkUnavailable) => Err(FILE_UNAVAILABLE.into()),
            };
            failed.set(written.err());
        })
    };
    let n = move || state.set_aside.get();
    view! {
        {move || (n() > 0).then(|| view! {
            <div class="notice set-aside" role="status">
                <p>{told(n())}" Le reste du catalogue est disponible."</p>
                <button type="button" on:click=offer>"Télécharger les éléments mis de côté"</button>
                " "<span class="error" role="alert">{move || failed.get()}</span>
            </div>
        })}
    }
    .into_any()
}
