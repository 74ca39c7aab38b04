//! Benchmarks, not tests: figures for #8 measured in one headless Chromium run, each next to a
//! JavaScript baseline in the same page. Prints; asserts nothing about time.
//! Run by `scripts/bench.sh`.
#![cfg(target_arch = "wasm32")]

use prototheque::exchange::NetworkKeys;
use prototheque::exchange::{export, read_document, with_edit, Limits};
use prototheque::search::{Changed, Index, Query};
use prototheque::store;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MINISEARCH: &str = include_str!("e2e/node_modules/minisearch/dist/umd/index.js");

#[wasm_bindgen(inline_js = r#"
export function now() { return performance.now(); }
export function json_parse_ms(text) {
  const start = performance.now();
  const doc = JSON.parse(text);
  const ms = performance.now() - start;
  return doc.prototypes.length > 0 ? ms : -1;
}
// The same fields our index reads, from the same file.
export function minisearch_build(text) {
  const doc = JSON.parse(text);
  const centres = new Map(doc.centres.map((c) => [c.id, c]));
  const docs = doc.prototypes.filter((p) => !p.supprime).map((p) => ({
    id: p.id, titre: p.titre, etiquettes: (p.etiquettes || []).join(" "),
    corps: [p.resume, p.public, p.scenario, p.theme, p.type_usage, ...(p.outils || []),
      centres.get(p.centre)?.nom, centres.get(p.centre)?.commune,
      ...((p.livret && p.livret.objectifs) || []), ...((p.livret && p.livret.deroule) || []).map((s) => s.titre)].join(" "),
  }));
  const start = performance.now();
  const ms = new globalThis.MiniSearch({ fields: ["titre", "etiquettes", "corps"], searchOptions: { boost: { titre: 3, etiquettes: 2 }, prefix: true, combineWith: "AND" } });
  ms.addAll(docs);
  const built = performance.now() - start;
  globalThis.__mini = ms;
  return built;
}
export function minisearch_query_ms(q) {
  const start = performance.now();
  const hits = globalThis.__mini.search(q);
  const ms = performance.now() - start;
  return hits.length >= 0 ? ms : -1;
}
"#)]
extern "C" {
    fn now() -> f64;
    fn json_parse_ms(text: &str) -> f64;
    fn minisearch_build(text: &str) -> f64;
    fn minisearch_query_ms(q: &str) -> f64;
}

fn log(line: String) {
    web_sys::console::log_1(&line.into());
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// What someone types, keystroke by keystroke.
fn keystrokes() -> Vec<String> {
    let phrases = [
        "demarches caf",
        "pronote parents",
        "radio quartier",
        "tablettes aines",
        "reparation telephones",
        "atelier emploi",
    ];
    phrases
        .iter()
        .flat_map(|p| (2..=p.chars().count()).map(move |n| p.chars().take(n).collect::<String>()))
        .filter(|s| !s.ends_with(' '))
        .collect()
}

#[wasm_bindgen_test]
async fn figures_at_20000_prototypes() {
    js_sys::eval(MINISEARCH).expect("MiniSearch loads");
    let bytes = export(&prototheque::synth::document(20_000, 2_000, 42));
    let text = String::from_utf8(bytes.clone()).unwrap();
    log(format!(
        "BENCH fichier : {:.1} Mo, 20 000 prototypes, 2 000 centres",
        bytes.len() as f64 / 1e6
    ));

    // Parse + validate vs JSON.parse of the same text.
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    let mut catalogue = None;
    for _ in 0..3 {
        let start = now();
        let doc = read_document(&bytes, &Limits::default()).expect("valid");
        ours.push(now() - start);
        catalogue = Some(doc.catalogue);
        theirs.push(json_parse_ms(&text));
    }
    let catalogue = catalogue.unwrap();
    let (o, t) = (median(ours), median(theirs));
    log(format!("BENCH lecture + validation : {o:.0} ms ; JSON.parse : {t:.0} ms ; rapport {:.2}× (cible ≤ 3×)", o / t));

    // Index build.
    let start = now();
    let index = Index::build(&catalogue);
    let built = now() - start;
    let mini_built = minisearch_build(&text);
    log(format!("BENCH construction de l'index : {built:.0} ms ; MiniSearch : {mini_built:.0} ms ; rapport {:.2}×", built / mini_built));

    // Per keystroke.
    let strokes = keystrokes();
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for q in &strokes {
        let start = now();
        let r = index.search(&Query {
            text: q.clone(),
            ..Query::default()
        });
        ours.push(now() - start);
        assert!(r.hits.len() <= index.len());
        theirs.push(minisearch_query_ms(q));
    }
    let (o, t) = (median(ours.clone()), median(theirs.clone()));
    let max = ours.iter().cloned().fold(0.0, f64::max);
    log(format!(
        "BENCH recherche par frappe ({} frappes) : médiane {o:.2} ms (max {max:.1} ms, facettes comprises) ; MiniSearch : médiane {t:.2} ms ; rapport {:.2}× (cible ≤ 0,5×)",
        strokes.len(),
        o / t
    ));

    // One edit: the index refreshed in place vs built again.
    let mut index = index;
    let mut edited = catalogue.clone();
    let id = edited.live_prototypes().nth(777).unwrap().0.to_owned();
    let mut body = edited.prototype(&id).unwrap().clone();
    body.title = "Radio du quartier, nouvelle formule".into();
    let author = body.centre.clone();
    let record = with_edit(
        edited.prototypes.get(&id),
        &author,
        "2030-01-01T00:00:00Z",
        Some(body),
    );
    edited.prototypes.insert(id.clone(), record);
    let start = now();
    index.refresh(&edited, &[Changed::Prototype(id)]);
    let refreshed = now() - start;
    log(format!(
        "BENCH mise à jour de l'index après une modification : {refreshed:.1} ms ; reconstruction : {built:.0} ms ; rapport {:.3}×",
        refreshed / built
    ));

    // Startup path with 20,000 stored: read the stored catalogue back and index it.
    let name = format!("bench-demarrage-{}", js_sys::Math::random());
    let db = store::open(&name).await.unwrap();
    store::import_seed(
        &db,
        admitted(catalogue.clone()),
        &NetworkKeys::default(),
        "2026-06-01T00:00:00Z",
    )
    .await
    .unwrap();
    let start = now();
    let loaded = store::load(&db).await.unwrap().catalogue;
    let loaded_ms = now() - start;
    let start = now();
    let _ = Index::build(&loaded);
    let index_ms = now() - start;
    db.close();
    let seed = include_bytes!("../public/catalogue.json");
    let seed_catalogue = read_document(seed, &Limits::default()).unwrap().catalogue;
    let name = format!("bench-demarrage-graine-{}", js_sys::Math::random());
    let db = store::open(&name).await.unwrap();
    store::import_seed(
        &db,
        admitted(seed_catalogue.clone()),
        &NetworkKeys::default(),
        "2026-06-01T00:00:00Z",
    )
    .await
    .unwrap();
    let start = now();
    let small = store::load(&db).await.unwrap().catalogue;
    let _ = Index::build(&small);
    let seed_ms = now() - start;
    db.close();
    log(format!(
        "BENCH démarrage (lecture IndexedDB + index) : 20 000 prototypes {:.0} ms ({loaded_ms:.0} + {index_ms:.0}) ; 48 prototypes {seed_ms:.0} ms",
        loaded_ms + index_ms
    ));
}

/// `catalogue` through the ownership and key rules, as the app does before the store (no
/// signature to check in benchmark data, or checked already for the seed).
fn admitted(catalogue: prototheque::model::Catalogue) -> prototheque::exchange::Admitted {
    prototheque::exchange::admit(
        &Default::default(),
        catalogue,
        &prototheque::exchange::Verdicts::default(),
        &NetworkKeys::default(),
    )
}
