//! Bytes from the browser (a file picked, a feed fetched) copied into the app a few megabytes at
//! a time, giving the page a turn in between: a national file at once froze a phone-class page
//! for 200 ms.

use crate::slicing;

/// Bytes copied into the app per turn of the page.
const COPY_CHUNK: u32 = 4 << 20;

/// The bytes `promise` gives (an `ArrayBuffer`, from `File.arrayBuffer()` or
/// `Response.arrayBuffer()`); `None` if it fails.
pub async fn copied(promise: js_sys::Promise) -> Option<Vec<u8>> {
    let buffer = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let array = js_sys::Uint8Array::new(&buffer);
    let len = array.length();
    let mut bytes = Vec::with_capacity(len as usize);
    let mut at = 0;
    while at < len {
        let end = len.min(at + COPY_CHUNK);
        bytes.resize(end as usize, 0);
        array
            .subarray(at, end)
            .copy_to(&mut bytes[at as usize..end as usize]);
        at = end;
        if at < len {
            slicing::page_turn().await;
        }
    }
    Some(bytes)
}
