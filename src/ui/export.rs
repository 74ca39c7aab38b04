//! Export: a catalogue file download with a meaningful French name; on phones, the Web Share API
//! where the browser can share files.

use super::chunk::{ChunkUnavailable, FILE_UNAVAILABLE};
use super::state::{now_utc, AppState};
use crate::exchange::{export, subset, Document};
use crate::model::Catalogue;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::JsCast;

/// What to export.
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    All,
    Prototypes(BTreeSet<String>),
}

/// "prototheque-lazare-garreau-2026-11-29.json"
pub fn file_name(who: &str, day: &str) -> String {
    format!("prototheque-{who}-{day}.json")
}

fn document(catalogue: Catalogue, selection: &Selection, by: Option<String>) -> Document {
    let catalogue = match selection {
        Selection::All => catalogue,
        Selection::Prototypes(ids) => subset(&catalogue, ids),
    };
    Document {
        exported_at: Some(now_utc()),
        exported_by: by,
        feed: None,
        catalogue,
        extra: Default::default(),
    }
}

/// Offers `bytes` as a file download named `name`.
pub fn download(bytes: &[u8], name: &str, mime: &str) -> Result<(), String> {
    let fail = |_| "Le fichier n'a pas pu être préparé.".to_owned();
    let array = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&array, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("pas de document")?;
    let a: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(fail)?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// True where the browser can share files (phones, mostly).
fn can_share_files() -> bool {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return false;
    };
    js_sys::Reflect::has(&navigator, &"canShare".into()).unwrap_or(false)
}

async fn share(bytes: &[u8], name: &str) -> Result<(), String> {
    let fail = |_| "Le partage n'a pas abouti.".to_owned();
    let array = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::FilePropertyBag::new();
    options.set_type("application/json");
    let file = web_sys::File::new_with_u8_array_sequence_and_options(&array, name, &options)
        .map_err(fail)?;
    let data = web_sys::ShareData::new();
    data.set_files(&js_sys::Array::of1(&file));
    data.set_title(name);
    let navigator = web_sys::window().ok_or("pas de fenêtre")?.navigator();
    if !navigator.can_share_with_data(&data) {
        return Err(
            "Ce navigateur ne sait pas partager de fichier : utilisez « Télécharger ».".into(),
        );
    }
    wasm_bindgen_futures::JsFuture::from(navigator.share_with_data(&data))
        .await
        .map_err(fail)?;
    Ok(())
}

/// Reads the catalogue, writes the file and offers it; says what was written.
async fn write_and_offer(
    state: AppState,
    selection: Selection,
    subject: Option<String>,
    sharing: bool,
) -> Result<String, String> {
    let catalogue = state.snapshot().await?;
    let by = state.my_centre.get_untracked();
    let who = subject
        .or_else(|| by.clone())
        .unwrap_or_else(|| "catalogue".into());
    let doc = document(catalogue, &selection, by);
    let n = doc.catalogue.live_prototypes().count();
    let name = file_name(&who, &now_utc()[..10]);
    let bytes = export(&doc);
    if sharing {
        share(&bytes, &name).await?
    } else {
        download(&bytes, &name, "application/json")?
    }
    Ok(format!(
        "Fichier « {name} » prêt : {n} prototype{}.",
        if n > 1 { "s" } else { "" }
    ))
}

type Writing = Pin<Box<dyn Future<Output = Result<String, String>>>>;

/// With the `split` feature (release builds), the file writer is a wasm chunk of its own,
/// downloaded on the first export rather than with the catalogue (see `pages!` in `ui/mod.rs`):
/// the split point makes this function `async`, and a failed download its `Err`.
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(export_file, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn writer(
    state: AppState,
    selection: Selection,
    subject: Option<String>,
    sharing: bool,
) -> Result<Writing, ChunkUnavailable> {
    Ok(Box::pin(write_and_offer(
        state, selection, subject, sharing,
    )))
}

/// Download (and, where possible, share) buttons for a selection.
#[component]
pub fn ExportButtons(
    #[prop(into)] selection: Signal<Selection>,
    #[prop(into)] label: Signal<String>,
    /// Names the file: a prototype id, or `None` for "my centre" (or "catalogue").
    #[prop(optional)]
    subject: Option<String>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let status = RwSignal::new(None::<Result<String, String>>);
    let subject = StoredValue::new(subject);
    let run = move |sharing: bool| {
        let selection = selection.get_untracked();
        let subject = subject.get_value();
        spawn_local(async move {
            let writer = writer(state, selection, subject, sharing);
            #[cfg(feature = "split")]
            let writer = writer.await;
            let result = match writer {
                Ok(writing) => writing.await,
                Err(ChunkUnavailable) => Err(FILE_UNAVAILABLE.into()),
            };
            status.set(Some(result));
        });
    };
    view! {
        <div class="export">
            <button type="button" on:click=move |_| run(false)>{move || label.get()}</button>
            {can_share_files().then(|| view! { <button type="button" on:click=move |_| run(true)>"Partager…"</button> })}
            <span role="status" class="export-status">
                {move || status.get().map(|s| match s {
                    Ok(text) => view! { <span>{text}</span> }.into_any(),
                    Err(text) => view! { <span class="error">{text}</span> }.into_any(),
                })}
            </span>
        </div>
    }
}
