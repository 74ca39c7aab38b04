//! Benchmark, not a test: persisting catalogues in IndexedDB through `store::import` (one
//! transaction) next to a raw JavaScript bulk `put` of the same records, in the same headless
//! Chromium run. Prints figures; asserts nothing about time. Run by `scripts/bench-store.sh`.
#![cfg(target_arch = "wasm32")]

use prototheque::exchange::{admit, export, read_document, Limits, NetworkKeys, Verdicts};
use prototheque::store;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export async function js_bulk_put(name, text) {
  const doc = JSON.parse(text);
  const stores = ["centres", "prototypes", "ratings"];
  const records = [
    ...doc.centres.map((r) => ["centres", r, r.id]),
    ...doc.prototypes.map((r) => ["prototypes", r, r.id]),
    ...doc.evaluations.map((r) => ["ratings", r, r.id]),
  ];
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => { for (const s of stores) req.result.createObjectStore(s); };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const start = performance.now();
  await new Promise((resolve, reject) => {
    const tx = db.transaction(stores, "readwrite");
    for (const [store, record, key] of records) tx.objectStore(store).put(record, key);
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  const ms = performance.now() - start;
  db.close();
  return ms;
}
export function now() { return performance.now(); }
"#)]
extern "C" {
    async fn js_bulk_put(name: &str, text: &str) -> JsValue;
    fn now() -> f64;
}

async fn measure(label: &str, bytes: Vec<u8>) {
    let catalogue = read_document(&bytes, &Limits::default())
        .expect("valid")
        .catalogue;
    let text = String::from_utf8(bytes).unwrap();
    let records = catalogue.centres.len() + catalogue.prototypes.len() + catalogue.ratings.len();
    let name = format!("bench-rust-{}", js_sys::Math::random());
    let db = store::open(&name).await.unwrap();
    // Through the rules first, as the import page does (the synthetic file is unsigned).
    let owned = admit(
        &Default::default(),
        catalogue.clone(),
        &Verdicts::default(),
        &NetworkKeys::default(),
    );
    let start = now();
    store::import(
        &db,
        owned,
        &NetworkKeys::default(),
        "bench",
        "2026-06-01T00:00:00Z",
        &|_| {},
    )
    .await
    .unwrap();
    let rust_ms = now() - start;
    db.close();
    let js_ms = js_bulk_put(&format!("bench-js-{}", js_sys::Math::random()), &text)
        .await
        .as_f64()
        .unwrap();
    let line = format!(
        "BENCH persist {label}: {records} records — store::import {rust_ms:.0} ms, raw JS bulk put {js_ms:.0} ms, ratio {:.2}×",
        rust_ms / js_ms
    );
    web_sys::console::log_1(&line.into());
}

#[wasm_bindgen_test]
async fn persist_figures() {
    let seed = include_bytes!("../public/catalogue.json").to_vec();
    measure("seed (48 prototypes)", seed).await;
    let big = export(&prototheque::synth::document(20_000, 2_000, 42));
    measure("20 000 prototypes", big).await;
}
