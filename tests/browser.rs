//! Browser tests: run by wasm-bindgen-test in headless Chromium (see scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use prototheque::exchange::{
    admit, read_document, Admitted, Limits, NetworkKeys, Outcome, Verdicts,
};
use prototheque::store;
use prototheque::ui::{App, AppState, Shell};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh element to mount into, so tests do not see each other's DOM.
fn container() -> web_sys::HtmlElement {
    let el: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&el).unwrap();
    el
}

/// Lets Leptos' effects and the browser's microtasks run.
async fn tick() {
    gloo::timers::future::TimeoutFuture::new(20).await;
}

fn texts(root: &web_sys::HtmlElement, selector: &str) -> Vec<String> {
    let nodes = root.query_selector_all(selector).unwrap();
    (0..nodes.length())
        .map(|i| nodes.item(i).unwrap().text_content().unwrap_or_default())
        .collect()
}

#[wasm_bindgen_test]
async fn app_mounts_with_french_header_and_skip_link() {
    let root = container();
    let handle = leptos::mount::mount_to(root.clone(), App);
    tick().await;
    assert_eq!(texts(&root, ".skip-link"), ["Aller au contenu"]);
    assert_eq!(texts(&root, ".brand a"), ["Prototèque"]);
    assert_eq!(
        texts(&root, "nav a"),
        [
            "Catalogue",
            "Centres",
            "Indicateurs",
            "Label",
            "Importer",
            "Abonnements",
            "À propos"
        ]
    );
    assert!(root.query_selector("main#contenu").unwrap().is_some());
    drop(handle);
}

const SMALL_CATALOGUE: &str = r#"{
  "format": "prototheque-catalogue", "version": "1.0",
  "centres": [{ "id": "echo", "revision": 1, "modifie_par": "echo", "modifie_le": "2026-01-01T00:00:00Z", "nom": "Centre social l'Echo" }],
  "prototypes": [
    { "id": "a", "revision": 1, "modifie_par": "echo", "modifie_le": "2026-01-01T00:00:00Z", "titre": "Café des parents connectés",
      "resume": "Un temps d'échange sur les écrans.", "theme": "parentalite", "centre": "echo", "type_usage": "atelier", "cree_le": "2026-01-01" },
    { "id": "b", "revision": 1, "modifie_par": "echo", "modifie_le": "2026-01-01T00:00:00Z", "titre": "Permanence CAF en ligne",
      "resume": "Accompagner les démarches sur caf.fr.", "theme": "e-administration", "centre": "echo", "type_usage": "service-en-ligne", "cree_le": "2026-01-01" }
  ]
}"#;

#[wasm_bindgen_test]
async fn theme_filter_narrows_the_cards_on_click() {
    let catalogue = read_document(SMALL_CATALOGUE.as_bytes(), &Limits::default())
        .unwrap()
        .catalogue;
    // The router reads the page's address: start from the catalogue page.
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/"))
        .unwrap();
    let root = container();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(AppState::preloaded(catalogue.clone()));
        view! { <Shell/> }
    });
    tick().await;
    assert_eq!(
        texts(&root, "li.card h2"),
        ["Café des parents connectés", "Permanence CAF en ligne"]
    );

    let buttons = root.query_selector_all("button.chip").unwrap();
    let parenting = (0..buttons.length())
        .map(|i| {
            buttons
                .item(i)
                .unwrap()
                .unchecked_into::<web_sys::HtmlElement>()
        })
        .find(|b| {
            b.text_content()
                .unwrap_or_default()
                .starts_with("Parentalité")
        })
        .expect("a Parentalité button");
    assert_eq!(parenting.text_content().as_deref(), Some("Parentalité (1)"));
    parenting.click();
    tick().await;
    assert_eq!(texts(&root, "li.card h2"), ["Café des parents connectés"]);
    let parenting = root
        .query_selector("button.chip[aria-pressed=true]")
        .unwrap()
        .unwrap();
    assert!(parenting.text_content().unwrap().starts_with("Parentalité"));
    assert_eq!(texts(&root, ".result-count"), ["1 prototype affiché"]);
    assert_eq!(
        web_sys::window().unwrap().location().search().unwrap(),
        "?theme=parentalite"
    );
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_setting_round_trips_through_indexeddb() {
    let name = format!("prototheque-test-{}", js_sys::Math::random());
    let db = store::open(&name).await.expect("open");
    assert_eq!(store::get_setting(&db, "mon-centre").await.unwrap(), None);
    store::put_setting(&db, "mon-centre", "lazare-garreau")
        .await
        .expect("put");
    db.close();
    // Reopen: the value must come back from storage, not from memory.
    let db = store::open(&name).await.expect("reopen");
    assert_eq!(
        store::get_setting(&db, "mon-centre")
            .await
            .unwrap()
            .as_deref(),
        Some("lazare-garreau")
    );
    db.close();
}

// ---- store: every entity, atomic imports, undo, migrations, other tabs ----

fn doc(json: &str) -> prototheque::model::Catalogue {
    read_document(json.as_bytes(), &Limits::default())
        .unwrap()
        .catalogue
}

async fn fresh_db() -> indexed_db_futures::database::Database {
    fresh_named_db().await.1
}

async fn fresh_named_db() -> (String, indexed_db_futures::database::Database) {
    let name = format!("prototheque-test-{}", js_sys::Math::random());
    let db = store::open(&name).await.expect("open");
    (name, db)
}

/// `catalogue` through the ownership and key rules against an empty catalogue, as the import page
/// does before the store re-applies them (its test data is unsigned: no signature to check).
fn admitted(catalogue: prototheque::model::Catalogue) -> Admitted {
    admit(
        &Default::default(),
        catalogue,
        &Verdicts::default(),
        &NetworkKeys::default(),
    )
}

/// Imports the small catalogue into `db`, as "a.json".
async fn import_small(db: &indexed_db_futures::database::Database) {
    store::import(
        db,
        admitted(doc(SMALL_CATALOGUE)),
        &NetworkKeys::default(),
        "a.json",
        "2026-05-01T00:00:00Z",
        &|_| {},
    )
    .await
    .unwrap();
}

/// Imports the small catalogue ("a.json"), then the full one over it ("b.json"); returns the
/// catalogue in between, which undoing the second import gives back.
async fn small_then_full(
    db: &indexed_db_futures::database::Database,
) -> prototheque::model::Catalogue {
    import_small(db).await;
    let before = store::load(db).await.unwrap().catalogue;
    store::import(
        db,
        admitted(doc(FULL_CATALOGUE)),
        &NetworkKeys::default(),
        "b.json",
        "2026-05-02T00:00:00Z",
        &|_| {},
    )
    .await
    .unwrap();
    before
}

#[wasm_bindgen::prelude::wasm_bindgen(inline_js = r#"
const req = (r) => new Promise((ok, ko) => { r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });
// Rewrites the undo entry the way versions before fingerprints stored it: one object, each
// touched record with the whole row it wrote in `after`.
export async function make_undo_legacy(name) {
  const db = await req(indexedDB.open(name));
  const tx = db.transaction(["undo", "centres", "prototypes", "ratings"], "readwrite");
  const undo = tx.objectStore("undo");
  const snapshot = JSON.parse(await req(undo.get("dernier-import")));
  for (const t of snapshot.touched) {
    t.after = await req(tx.objectStore(t.store).get(t.id));
    delete t.written;
  }
  await req(undo.put(snapshot, "dernier-import"));
  await new Promise((ok) => (tx.oncomplete = ok));
  db.close();
  return snapshot.touched.length;
}
// Rewrites every record row the way versions before bytes stored it: the record's text as a
// string. Returns how many rows held bytes.
export async function make_rows_text(name) {
  const db = await req(indexedDB.open(name));
  const stores = ["centres", "prototypes", "ratings"];
  const tx = db.transaction(stores, "readwrite");
  let bytes = 0;
  for (const s of stores) {
    const store = tx.objectStore(s);
    const keys = await req(store.getAllKeys());
    for (const key of keys) {
      const row = await req(store.get(key));
      if (row.json instanceof Uint8Array) bytes += 1;
      row.json = new TextDecoder().decode(row.json);
      await req(store.put(row, key));
    }
  }
  await new Promise((ok) => (tx.oncomplete = ok));
  db.close();
  return bytes;
}
// Writes a centre and one of its prototypes by hand, as rows of their compact JSON.
export async function write_rows(name) {
  const db = await req(indexedDB.open(name));
  const tx = db.transaction(["centres", "prototypes"], "readwrite");
  const text = (record) => ({ json: new TextEncoder().encode(JSON.stringify(record)) });
  const envelope = { revision: 1, modifie_par: "echo", modifie_le: "2026-01-01T00:00:00Z" };
  tx.objectStore("centres").put(text({ id: "echo", ...envelope, nom: "Centre social l'Echo" }), "echo");
  tx.objectStore("prototypes").put(text({ id: "a", ...envelope, titre: "Café des parents", resume: "Résumé.",
    theme: "parentalite", centre: "echo", type_usage: "atelier", cree_le: "2026-01-01" }), "a");
  await new Promise((ok) => (tx.oncomplete = ok));
  db.close();
}
// Writes rows that cannot be read back, by hand: a value that is not a row, a centre without
// its name (as a newer version might write it), a prototype of that centre, two records in one
// row, and a record under another key.
export async function write_bad_rows(name) {
  const db = await req(indexedDB.open(name));
  const tx = db.transaction(["centres", "prototypes", "ratings"], "readwrite");
  const text = (record) => ({ json: new TextEncoder().encode(JSON.stringify(record)) });
  const envelope = { revision: 1, modifie_par: "echo", modifie_le: "2026-01-01T00:00:00Z" };
  const prototype = (id, centre) => ({ id, ...envelope, titre: "Prototype " + id, resume: "Résumé.",
    theme: "parentalite", centre, type_usage: "atelier", cree_le: "2026-01-01" });
  tx.objectStore("ratings").put(42, "x");
  tx.objectStore("centres").put(text({ id: "fantome", ...envelope, nom_v2: { fr: "Fantôme" } }), "fantome");
  tx.objectStore("prototypes").put({ ...text(prototype("orphelin", "fantome")), centre: "fantome" }, "orphelin");
  const two = JSON.stringify(prototype("zz-double", "echo")) + "," + JSON.stringify(prototype("zz-autre", "echo"));
  tx.objectStore("prototypes").put({ json: new TextEncoder().encode(two) }, "zz-double");
  tx.objectStore("prototypes").put(text(prototype("autre-id", "echo")), "cle");
  await new Promise((ok) => (tx.oncomplete = ok));
  db.close();
}
// How many rows the catalogue's stores hold.
export async function count_rows(name) {
  const db = await req(indexedDB.open(name));
  const tx = db.transaction(["centres", "prototypes", "ratings"]);
  let n = 0;
  for (const s of ["centres", "prototypes", "ratings"]) n += await req(tx.objectStore(s).count());
  db.close();
  return n;
}
// Replaces one prototype's text by bytes that are not UTF-8.
export async function damage_row(name, key) {
  const db = await req(indexedDB.open(name));
  const tx = db.transaction(["prototypes"], "readwrite");
  const store = tx.objectStore("prototypes");
  const row = await req(store.get(key));
  row.json = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
  await req(store.put(row, key));
  await new Promise((ok) => (tx.oncomplete = ok));
  db.close();
}
"#)]
extern "C" {
    async fn make_undo_legacy(name: &str) -> wasm_bindgen::JsValue;
    async fn make_rows_text(name: &str) -> wasm_bindgen::JsValue;
    async fn damage_row(name: &str, key: &str);
    async fn write_bad_rows(name: &str);
    async fn write_rows(name: &str);
    async fn count_rows(name: &str) -> wasm_bindgen::JsValue;
}

#[wasm_bindgen_test]
async fn an_undo_kept_by_an_earlier_version_still_works() {
    let (name, db) = fresh_named_db().await;
    let before = small_then_full(&db).await;
    let touched = make_undo_legacy(&name).await.as_f64().unwrap();
    assert!(touched > 3.0);
    assert_eq!(
        store::undo_last_import(&db).await.expect("undo").catalogue,
        before
    );
    db.close();
}

#[wasm_bindgen_test]
async fn rows_kept_as_text_by_an_earlier_version_are_still_read() {
    let (name, db) = fresh_named_db().await;
    let before = small_then_full(&db).await;
    let after = store::load(&db).await.unwrap().catalogue;
    let rows = after.centres.len() + after.prototypes.len() + after.ratings.len();
    // This version writes bytes; the rewrite turns every one of them into text.
    assert_eq!(make_rows_text(&name).await.as_f64(), Some(rows as f64));
    assert_eq!(store::load(&db).await.unwrap().catalogue, after);
    // The undo recognises what the import wrote, whichever form it is now kept in.
    assert_eq!(
        store::undo_last_import(&db).await.expect("undo").catalogue,
        before
    );
    assert_eq!(store::load(&db).await.unwrap().catalogue, before);
    db.close();
}

/// A row that cannot be read back no longer stops the load (it is set aside, see below); a
/// local edit over it is refused, since it cannot be merged with, and says so.
#[wasm_bindgen_test]
async fn a_row_that_cannot_be_read_back_is_set_aside_and_an_edit_over_it_asks_for_a_reload() {
    let (name, db) = fresh_named_db().await;
    store::import(
        &db,
        admitted(doc(FULL_CATALOGUE)),
        &NetworkKeys::default(),
        "a.json",
        "2026-05-01T00:00:00Z",
        &|_| {},
    )
    .await
    .unwrap();
    let full = doc(FULL_CATALOGUE);
    damage_row(&name, "radio").await;
    let loaded = store::load(&db).await.expect("the rest loads");
    // The report on the prototype set aside is set aside in turn.
    assert_eq!(
        loaded.aside.rows().collect::<Vec<_>>(),
        [("prototypes", "radio"), ("ratings", "radio:arbrisseau")]
    );
    assert!(!loaded.catalogue.prototypes.contains_key("radio"));
    assert_eq!(loaded.catalogue.prototypes.len(), 2);
    let edited = full.prototypes["radio"].clone();
    let message = store::save(&db, vec![store::Change::Prototype("radio".into(), edited)])
        .await
        .expect_err("damaged row")
        .message;
    assert!(message.contains("n'ont pas pu être relues"), "{message}");
    assert!(message.contains("Rechargez la page"), "{message}");
    db.close();
}

/// Issue 19: start-up never fails as a whole. Rows written by hand into IndexedDB — not a row at
/// all, text that is not UTF-8, a record a newer version might write, two records in one row, a
/// record under another key, and a prototype whose centre is one of those — are set aside, kept
/// as they are, and offered as a file; the rest loads, and imports, undo and export keep working.
#[wasm_bindgen_test]
async fn bad_rows_written_by_hand_are_set_aside_and_the_rest_of_the_catalogue_loads() {
    let (name, db) = fresh_named_db().await;
    import_small(&db).await;
    damage_row(&name, "b").await;
    write_bad_rows(&name).await;
    assert_eq!(count_rows(&name).await.as_f64(), Some(8.0));

    let loaded = store::load(&db).await.expect("the rest loads");
    let mut rest = doc(SMALL_CATALOGUE);
    rest.prototypes.remove("b");
    assert_eq!(loaded.catalogue, rest);
    let set_aside = [
        ("centres", "fantome"),
        ("prototypes", "b"),
        ("prototypes", "cle"),
        ("prototypes", "orphelin"),
        ("prototypes", "zz-double"),
        ("ratings", "x"),
    ];
    assert_eq!(loaded.aside.len(), 6);
    assert_eq!(loaded.aside.rows().collect::<Vec<_>>(), set_aside);

    // The file holds every row as stored, with why it was set aside.
    let file: serde_json::Value =
        serde_json::from_slice(&loaded.aside.file("2026-06-01T00:00:00Z")).unwrap();
    assert_eq!(file["format"], "prototheque-elements-illisibles");
    let elements = file["elements"].as_array().unwrap();
    let found: Vec<(&str, &str)> = elements
        .iter()
        .map(|e| (e["magasin"].as_str().unwrap(), e["cle"].as_str().unwrap()))
        .collect();
    assert_eq!(found, set_aside);
    let element = |key: &str| elements.iter().find(|e| e["cle"] == key).unwrap();
    assert_eq!(element("x")["ligne"], 42);
    assert_eq!(
        element("b")["ligne"]["json"],
        serde_json::json!([0x7b, 0xff, 0xfe, 0x7d])
    );
    assert_eq!(element("b")["ligne"]["theme"], "e-administration");
    let why = |key: &str| element(key)["problemes"].to_string();
    assert!(
        why("orphelin").contains("centre « fantome »"),
        "{}",
        why("orphelin")
    );
    assert!(why("cle").contains("« autre-id »"), "{}", why("cle"));
    assert!(why("fantome").contains("nom"), "{}", why("fantome"));

    // An import works, leaves the rows set aside alone, and can be undone.
    let report = store::import(
        &db,
        admitted(doc(FULL_CATALOGUE)),
        &NetworkKeys::default(),
        "b.json",
        "2026-05-02T00:00:00Z",
        &|_| {},
    )
    .await
    .expect("import");
    assert_eq!(report.held_aside, 0);
    assert_eq!(report.aside, loaded.aside);
    let after = store::load(&db).await.unwrap();
    assert_eq!(after.catalogue, report.catalogue);
    assert_eq!(
        after.catalogue.prototypes.len(),
        loaded.catalogue.prototypes.len() + 3
    );
    assert_eq!(store::undo_last_import(&db).await.expect("undo"), loaded);
    assert_eq!(store::load(&db).await.unwrap(), loaded);

    // A file bringing a valid version of a row set aside: that record is not written over it.
    let report = store::import(
        &db,
        admitted(doc(SMALL_CATALOGUE)),
        &NetworkKeys::default(),
        "a.json",
        "2026-05-03T00:00:00Z",
        &|_| {},
    )
    .await
    .expect("import");
    assert_eq!(report.held_aside, 1);
    assert_eq!(report.catalogue, loaded.catalogue);
    assert_eq!(store::load(&db).await.unwrap(), loaded);
    assert_eq!(store::undo_last_import(&db).await.expect("undo"), loaded);

    // Local edits are saved, and export writes the rest, which reads back.
    let (id, record) = loaded.catalogue.prototypes.iter().next().unwrap();
    let mut body = record.current().unwrap().clone();
    body.title = "Titre changé".into();
    let edited =
        prototheque::exchange::with_edit(Some(record), "echo", "2026-06-01T00:00:00Z", Some(body));
    store::save(&db, vec![store::Change::Prototype(id.clone(), edited)])
        .await
        .expect("save");
    let now = store::load(&db).await.unwrap();
    assert_eq!(now.aside, loaded.aside);
    assert_eq!(
        now.catalogue.prototypes[id].current().unwrap().title,
        "Titre changé"
    );
    let exported = prototheque::exchange::export(&prototheque::exchange::Document {
        catalogue: now.catalogue.clone(),
        ..Default::default()
    });
    assert_eq!(
        read_document(&exported, &Limits::default())
            .unwrap()
            .catalogue,
        now.catalogue
    );

    // Nothing was deleted: every row written by hand is still there, as it was.
    assert_eq!(count_rows(&name).await.as_f64(), Some(8.0));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&now.aside.file("2026-06-01T00:00:00Z"))
            .unwrap()["elements"],
        file["elements"]
    );
    db.close();
}

/// The notice says how many rows were set aside, and offers them.
#[wasm_bindgen_test]
async fn the_rows_set_aside_are_told_on_the_page_with_their_download() {
    let (name, db) = fresh_named_db().await;
    import_small(&db).await;
    write_bad_rows(&name).await;
    let loaded = store::load(&db).await.unwrap();
    db.close();
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/"))
        .unwrap();
    let root = container();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        let state = AppState::preloaded(loaded.catalogue.clone());
        state.set_aside.set(loaded.aside.count());
        provide_context(state);
        view! { <Shell/> }
    });
    tick().await;
    assert_eq!(
        texts(&root, ".set-aside p"),
        [
            "5 éléments enregistrés dans ce navigateur sont illisibles : ils ont été mis de côté, \
          sans être effacés. Le reste du catalogue est disponible."
        ]
    );
    assert_eq!(
        texts(&root, ".set-aside button"),
        ["Télécharger les éléments mis de côté"]
    );
    assert_eq!(texts(&root, "li.card h2").len(), 2);
    drop(handle);
}

const FULL_CATALOGUE: &str = r#"{
  "format": "prototheque-catalogue", "version": "1.0",
  "centres": [
    { "id": "echo", "revision": 1, "modifie_par": "echo", "modifie_le": "2026-01-01T00:00:00Z", "nom": "Centre social l'Echo", "territoire": "Versant Nord-Est" },
    { "id": "arbrisseau", "revision": 1, "modifie_par": "arbrisseau", "modifie_le": "2026-01-01T00:00:00Z", "nom": "Centre social l'Arbrisseau" }
  ],
  "prototypes": [
    { "id": "radio", "revision": 2, "modifie_par": "echo", "modifie_le": "2026-02-01T00:00:00Z", "titre": "Web radio",
      "resume": "Une émission par mois.", "theme": "communication", "centre": "echo", "type_usage": "atelier", "cree_le": "2026-01-01",
      "livret": { "deroule": [{ "titre": "Choisir", "description": "Vote des sujets.", "duree": "30 min" }], "annexe_future": 1 },
      "conflits": [{ "revision": 2, "modifie_par": "arbrisseau", "modifie_le": "2026-01-15T00:00:00Z", "titre": "Radio (variante)",
        "resume": "Variante.", "theme": "communication", "centre": "echo", "type_usage": "atelier", "cree_le": "2026-01-01" }],
      "versions_remplacees": ["1-echo-0000000000000000"] },
    { "id": "radio-jeunes", "revision": 1, "modifie_par": "arbrisseau", "modifie_le": "2026-03-01T00:00:00Z", "titre": "Radio des jeunes",
      "resume": "Adaptée aux 12-17 ans.", "theme": "communication", "centre": "arbrisseau", "type_usage": "atelier", "cree_le": "2026-03-01",
      "adapte_de": { "prototype": "radio", "revision": 2 } },
    { "id": "ancien", "revision": 3, "modifie_par": "echo", "modifie_le": "2026-03-01T00:00:00Z", "supprime": true }
  ],
  "evaluations": [
    { "prototype": "radio", "centre": "arbrisseau", "revision": 1, "modifie_par": "arbrisseau", "modifie_le": "2026-04-01T00:00:00Z",
      "note": 4, "criteres": { "cout": 5 }, "commentaire": "Très bien.", "participants": 9, "date": "2026-03-30" }
  ]
}"#;

#[wasm_bindgen_test]
async fn every_entity_type_round_trips_through_the_store() {
    let db = fresh_db().await;
    let catalogue = doc(FULL_CATALOGUE);
    store::import(
        &db,
        admitted(catalogue.clone()),
        &NetworkKeys::default(),
        "test.json",
        "2026-05-01T00:00:00Z",
        &|_| {},
    )
    .await
    .expect("import");
    let loaded = store::load(&db).await.expect("load").catalogue;
    assert_eq!(loaded, catalogue);
    assert!(loaded.prototypes["radio"].in_conflict());
    assert!(loaded.prototypes["ancien"].current().is_none());
    let log = store::import_log(&db).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].added, log[0].source.as_str()), (6, "test.json"));
    db.close();
}

#[wasm_bindgen_test]
async fn an_import_that_fails_half_way_leaves_the_store_exactly_as_before() {
    let db = fresh_db().await;
    let first = doc(SMALL_CATALOGUE);
    store::import(
        &db,
        admitted(first.clone()),
        &NetworkKeys::default(),
        "a.json",
        "2026-05-01T00:00:00Z",
        &|_| {},
    )
    .await
    .unwrap();
    let before = store::load(&db).await.unwrap().catalogue;
    let log_before = store::import_log(&db).await.unwrap();

    let err = store::import_failing_after(&db, admitted(doc(FULL_CATALOGUE)), 3)
        .await
        .unwrap_err();
    assert!(err.message.contains("rien n'a été enregistré"));
    assert_eq!(store::load(&db).await.unwrap().catalogue, before);
    assert_eq!(store::import_log(&db).await.unwrap(), log_before);
    db.close();
}

/// A catalogue large enough to need many slices is written whole, progress climbs to 1, the
/// page gets turns in between (timers fire during the import), and undo still works.
#[wasm_bindgen_test]
async fn a_large_import_is_written_in_slices_with_progress_and_can_be_undone() {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    let db = fresh_db().await;
    import_small(&db).await;
    let before = store::load(&db).await.unwrap().catalogue;
    let big = prototheque::synth::catalogue(3_000, 200, 9);
    let seen = RefCell::new(Vec::new());
    // A timer that ticks while the import runs: it only fires if the page gets turns.
    let ticks = Rc::new(Cell::new(0u32));
    let ticking = ticks.clone();
    let timer = gloo::timers::callback::Interval::new(5, move || ticking.set(ticking.get() + 1));
    let report = store::import(
        &db,
        admitted(big.clone()),
        &NetworkKeys::default(),
        "grand.json",
        "2026-05-03T00:00:00Z",
        &|p| seen.borrow_mut().push(p),
    )
    .await
    .expect("import");
    drop(timer);
    let seen = seen.into_inner();
    assert!(seen.len() > 2, "progress heard {} times", seen.len());
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert_eq!(seen.last(), Some(&1.0));
    assert!(
        ticks.get() > 0,
        "the page never got a turn during the import"
    );
    let mut expected = before.clone();
    expected = prototheque::exchange::merge_catalogues(&expected, &big);
    assert_eq!(report.catalogue, expected);
    assert_eq!(store::load(&db).await.unwrap().catalogue, expected);
    assert_eq!(
        store::undo_last_import(&db).await.expect("undo").catalogue,
        before
    );

    // The same file twice: the second import finds everything unchanged, writes nothing, and
    // still gives the page its turns.
    store::import(
        &db,
        admitted(big.clone()),
        &NetworkKeys::default(),
        "grand.json",
        "2026-05-04T00:00:00Z",
        &|_| {},
    )
    .await
    .unwrap();
    let ticks = Rc::new(Cell::new(0u32));
    let ticking = ticks.clone();
    let timer = gloo::timers::callback::Interval::new(5, move || ticking.set(ticking.get() + 1));
    let again = store::import(
        &db,
        admitted(big.clone()),
        &NetworkKeys::default(),
        "grand.json",
        "2026-05-05T00:00:00Z",
        &|_| {},
    )
    .await
    .unwrap();
    drop(timer);
    let records = big.centres.len() + big.prototypes.len() + big.ratings.len();
    assert_eq!(again.preview.count(Outcome::Unchanged), records);
    assert_eq!(again.catalogue, expected);
    assert!(
        ticks.get() > 0,
        "the page never got a turn during the second import"
    );
    db.close();
}

#[wasm_bindgen_test]
async fn undo_restores_the_exact_previous_state_and_only_once() {
    let db = fresh_db().await;
    let before = small_then_full(&db).await;
    assert_ne!(store::load(&db).await.unwrap().catalogue, before);
    assert!(store::can_undo(&db).await.unwrap());

    let restored = store::undo_last_import(&db).await.expect("undo").catalogue;
    assert_eq!(restored, before);
    assert_eq!(store::load(&db).await.unwrap().catalogue, before);
    assert!(!store::can_undo(&db).await.unwrap());
    let err = store::undo_last_import(&db).await.unwrap_err();
    assert_eq!(err.message, "Il n'y a pas d'import à annuler.");
    assert!(store::import_log(&db).await.unwrap()[1].undone);
    db.close();
}

#[wasm_bindgen_test]
async fn undo_is_refused_when_a_record_changed_since_the_import() {
    let db = fresh_db().await;
    small_then_full(&db).await;
    // A later change to a record the last import wrote (here, by the shipped catalogue path,
    // which keeps no undo of its own).
    let mut newer = doc(FULL_CATALOGUE);
    let edited = prototheque::exchange::with_edit(
        newer.centres.get("echo"),
        "echo",
        "2026-06-01T00:00:00Z",
        newer.centre("echo").cloned(),
    );
    newer.centres.insert("echo".into(), edited);
    store::import_seed(
        &db,
        admitted(newer.clone()),
        &NetworkKeys::default(),
        "2026-06-01T00:00:00Z",
    )
    .await
    .unwrap();
    let now = store::load(&db).await.unwrap().catalogue;
    let err = store::undo_last_import(&db).await.unwrap_err();
    assert!(
        err.message.contains("ne peut plus être annulé"),
        "{}",
        err.message
    );
    assert_eq!(store::load(&db).await.unwrap().catalogue, now);
    db.close();
}

#[wasm_bindgen_test]
async fn a_database_of_schema_version_1_is_migrated_without_losing_records() {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;
    let name = format!("prototheque-test-v1-{}", js_sys::Math::random());
    // What version 1 of the app created: a settings store only.
    let v1 = Database::open(name.as_str())
        .with_version(1u32)
        .with_on_upgrade_needed(|_, db| {
            db.create_object_store("settings").build()?;
            Ok(())
        })
        .await
        .unwrap();
    let tx = v1
        .transaction("settings")
        .with_mode(TransactionMode::Readwrite)
        .build()
        .unwrap();
    for (k, v) in [
        ("mon-centre", "echo"),
        ("catalogue-fourni", "2026-01-01T00:00:00Z/42"),
    ] {
        tx.object_store("settings")
            .unwrap()
            .put(v.to_owned())
            .with_key(k.to_owned())
            .primitive()
            .unwrap()
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    v1.close();

    let db = store::open(&name).await.expect("upgrade");
    assert_eq!(
        store::get_setting(&db, "mon-centre")
            .await
            .unwrap()
            .as_deref(),
        Some("echo")
    );
    assert_eq!(
        store::get_setting(&db, "catalogue-fourni")
            .await
            .unwrap()
            .as_deref(),
        Some("2026-01-01T00:00:00Z/42")
    );
    assert_eq!(
        store::load(&db).await.unwrap().catalogue,
        prototheque::model::Catalogue::default()
    );
    import_small(&db).await;
    assert_eq!(
        store::load(&db)
            .await
            .unwrap()
            .catalogue
            .live_prototypes()
            .count(),
        2
    );
    db.close();
}

/// A local edit names the records it wrote, so other tabs read just those; an import says
/// "everything"; a message not understood counts as "everything".
#[wasm_bindgen_test]
async fn other_tabs_hear_which_records_an_edit_wrote() {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    let heard_here = Rc::new(RefCell::new(Vec::new()));
    let listener = {
        let heard = heard_here.clone();
        store::on_change(move |h| heard.borrow_mut().push(h)).expect("BroadcastChannel")
    };
    let other = web_sys::BroadcastChannel::new("prototheque-modifications").unwrap();
    let said = Rc::new(RefCell::new(Vec::<String>::new()));
    let on_message = {
        let said = said.clone();
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            said.borrow_mut()
                .push(e.data().as_string().unwrap_or_default())
        })
    };
    other.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let wait = |n: usize, what: Rc<RefCell<Vec<String>>>| async move {
        for _ in 0..50 {
            if what.borrow().len() >= n {
                break;
            }
            tick().await;
        }
    };

    let db = fresh_db().await;
    import_small(&db).await;
    wait(1, said.clone()).await;
    assert_eq!(said.borrow().as_slice(), ["modifie"]);

    let catalogue = store::load(&db).await.unwrap().catalogue;
    let (id, record) = catalogue.prototypes.iter().next().unwrap();
    let mut body = record.current().unwrap().clone();
    body.title = "Titre changé dans un autre onglet".into();
    let edited = prototheque::exchange::with_edit(
        Some(record),
        &body.centre.clone(),
        "2026-06-01T00:00:00Z",
        Some(body),
    );
    let saved = store::save(&db, vec![store::Change::Prototype(id.clone(), edited)])
        .await
        .unwrap();
    wait(2, said.clone()).await;
    let message = said.borrow()[1].clone();
    assert_eq!(
        message,
        format!("enregistrements:[[\"prototypes\",\"{id}\"]]")
    );
    let records = vec![("prototypes".to_owned(), id.clone())];
    let read = store::read_announced(&db, &records)
        .await
        .unwrap()
        .expect("still stored");
    match (&read[..], &saved[..]) {
        ([store::Change::Prototype(a, ra)], [store::Change::Prototype(b, rb)]) => {
            assert_eq!((a, ra), (b, rb))
        }
        other => panic!("unexpected {other:?}"),
    }
    let gone = vec![("prototypes".to_owned(), "absent".to_owned())];
    assert!(store::read_announced(&db, &gone).await.unwrap().is_none());

    // What this page hears from another tab.
    other.post_message(&message.into()).unwrap();
    other.post_message(&"reglages".into()).unwrap();
    other
        .post_message(&"un message d'une version future".into())
        .unwrap();
    for _ in 0..50 {
        if heard_here.borrow().len() >= 3 {
            break;
        }
        tick().await;
    }
    assert_eq!(
        heard_here.borrow().as_slice(),
        [
            store::Heard::Records(records),
            store::Heard::Settings,
            store::Heard::Everything
        ]
    );
    other.close();
    drop(listener);
    db.close();
}

#[wasm_bindgen_test]
async fn other_tabs_are_told_of_changes_and_a_page_does_not_hear_its_own() {
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    // This page's listener.
    let heard_here = Rc::new(Cell::new(0));
    let listener = {
        let heard = heard_here.clone();
        store::on_change(move |_| heard.set(heard.get() + 1)).expect("BroadcastChannel")
    };
    // "Another tab": another channel object of the same name.
    let other = web_sys::BroadcastChannel::new("prototheque-modifications").unwrap();
    let heard_there = Rc::new(Cell::new(0));
    let on_message = {
        let heard = heard_there.clone();
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| heard.set(heard.get() + 1))
    };
    other.set_onmessage(Some(on_message.as_ref().unchecked_ref()));

    let db = fresh_db().await;
    import_small(&db).await;
    for _ in 0..50 {
        if heard_there.get() > 0 {
            break;
        }
        tick().await;
    }
    assert_eq!(heard_there.get(), 1, "the other tab was not told");
    assert_eq!(
        heard_here.get(),
        0,
        "a page must not reload for its own change"
    );

    other.post_message(&"modifie".into()).unwrap();
    for _ in 0..50 {
        if heard_here.get() > 0 {
            break;
        }
        tick().await;
    }
    assert_eq!(heard_here.get(), 1, "this page did not hear the other tab");
    other.close();
    drop(listener);
    db.close();
}

// ---- the prototype editor: drawn from its field table, drafts kept ----

/// The editor's page at `path`, acting for the centre `echo` of the small catalogue.
fn mount_editor(path: &str) -> (web_sys::HtmlElement, impl Sized) {
    let catalogue = read_document(SMALL_CATALOGUE.as_bytes(), &Limits::default())
        .unwrap()
        .catalogue;
    // The app is served from the root, as the `<base>` Trunk writes says: without one, the
    // base path would be read from this deep address, if this test runs first.
    if document().query_selector("base").unwrap().is_none() {
        let base = document().create_element("base").unwrap();
        base.set_attribute("href", "/").unwrap();
        document().head().unwrap().append_child(&base).unwrap();
    }
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path))
        .unwrap();
    let root = container();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        let state = AppState::preloaded(catalogue.clone());
        state.my_centre.set(Some("echo".into()));
        provide_context(state);
        view! { <Shell/> }.into_any()
    });
    (root, handle)
}

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn control(root: &web_sys::HtmlElement, id: &str) -> web_sys::HtmlElement {
    root.query_selector(&format!("#{id}"))
        .unwrap()
        .unwrap_or_else(|| panic!("no #{id}"))
        .unchecked_into()
}

fn value_of(root: &web_sys::HtmlElement, id: &str) -> String {
    let el = control(root, id);
    match el.dyn_ref::<web_sys::HtmlInputElement>() {
        Some(input) => input.value(),
        None => match el.dyn_ref::<web_sys::HtmlSelectElement>() {
            Some(select) => select.value(),
            None => el.unchecked_into::<web_sys::HtmlTextAreaElement>().value(),
        },
    }
}

/// Types `text` into the text field `id`, as the person would.
fn type_into(root: &web_sys::HtmlElement, id: &str, text: &str) {
    let el = control(root, id);
    match el.dyn_ref::<web_sys::HtmlInputElement>() {
        Some(input) => input.set_value(text),
        None => el
            .unchecked_ref::<web_sys::HtmlTextAreaElement>()
            .set_value(text),
    }
    el.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

/// Labels and ids of the form's controls, in order: what people (and the e2e suite) find them by.
fn labelled_controls(root: &web_sys::HtmlElement) -> Vec<(String, String)> {
    let labels = root.query_selector_all("form.editor label").unwrap();
    (0..labels.length())
        .map(|i| {
            let label: web_sys::Element = labels.item(i).unwrap().unchecked_into();
            let id = label.get_attribute("for").unwrap_or_default();
            assert!(
                root.query_selector(&format!("#{id}")).unwrap().is_some(),
                "the label of #{id} names no control"
            );
            (label.text_content().unwrap_or_default(), id)
        })
        .collect()
}

#[wasm_bindgen_test]
async fn the_editor_shows_every_field_and_flags_the_first_in_error() {
    local_storage()
        .remove_item("prototheque-brouillon:nouveau")
        .unwrap();
    let (root, handle) = mount_editor("/prototypes/nouveau");
    tick().await;
    let steps = (1..=3).flat_map(|n| {
        [
            (
                format!("Étape {n} : titre"),
                format!("etape-{}-titre", n - 1),
            ),
            (
                format!("Étape {n} : durée"),
                format!("etape-{}-duree", n - 1),
            ),
            (
                format!("Étape {n} : ce qui se passe"),
                format!("etape-{}-description", n - 1),
            ),
        ]
    });
    let own = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(l, i)| ((*l).to_owned(), (*i).to_owned()))
            .collect::<Vec<_>>()
    };
    let mut expected = own(&[
        ("Titre (obligatoire)", "titre"),
        ("Résumé (obligatoire)", "resume"),
        ("Thème", "theme"),
        ("Type d'usage numérique", "type"),
        ("Public visé", "public"),
        ("Scénario d'usage choisi par les habitants", "scenario"),
        ("Outils utilisés", "outils"),
        ("Mots-clés", "etiquettes"),
        ("Licence", "licence"),
        ("Objectifs", "objectifs"),
        ("Pour qui, avec quels prérequis", "livret-public"),
        ("Durée", "duree"),
        ("Taille du groupe", "taille-groupe"),
        ("Matériel", "materiel"),
        ("Coût", "cout"),
        ("Préparation", "preparation"),
    ]);
    expected.extend(steps);
    expected.extend(own(&[
        ("Conseils d'animation", "conseils"),
        ("Pièges à éviter", "pieges"),
        ("Comment évaluer (indicateurs)", "evaluation"),
    ]));
    assert_eq!(labelled_controls(&root), expected);
    assert_eq!(
        texts(&root, "form.editor legend"),
        [
            "Présentation",
            "Livret pédagogique",
            "Déroulé (étapes numérotées)",
            "Animer et évaluer",
            "Ressources (liens http, https ou mailto)"
        ]
    );
    assert_eq!(value_of(&root, "theme"), "accueil");
    assert_eq!(value_of(&root, "licence"), "CC BY-SA 4.0");
    assert_eq!(
        texts(&root, "#duree-aide"),
        ["Par exemple : 3 séances de 2 h."]
    );

    // A resource added gets its two fields.
    let add = root.query_selector_all("form.editor button").unwrap();
    let add: web_sys::HtmlElement = (0..add.length())
        .map(|i| {
            add.item(i)
                .unwrap()
                .unchecked_into::<web_sys::HtmlElement>()
        })
        .find(|b| b.text_content().as_deref() == Some("Ajouter une ressource"))
        .unwrap();
    add.click();
    tick().await;
    assert!(labelled_controls(&root).ends_with(&own(&[
        ("Ressource 1 : titre", "ressource-0-titre"),
        ("Ressource 1 : adresse", "ressource-0-url"),
    ])));

    // Saving an empty form: the title is flagged next to it and gets focus; a resource's
    // address, next to it.
    type_into(&root, "ressource-0-url", "javascript:alert(1)");
    root.query_selector("form.editor button[type=submit]")
        .unwrap()
        .unwrap()
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    tick().await;
    assert_eq!(texts(&root, "#titre-erreurs"), ["le titre est vide"]);
    assert_eq!(
        control(&root, "titre")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        document().active_element().map(|e| e.id()).as_deref(),
        Some("titre")
    );
    assert_eq!(texts(&root, "#ressource-0-url-erreurs").len(), 1);
    assert!(!texts(&root, "#ressource-0-url-erreurs")[0].is_empty());
    // Typing a title clears its message.
    type_into(&root, "titre", "Atelier selfies");
    tick().await;
    assert_eq!(texts(&root, "#titre-erreurs"), [""]);
    drop(handle);
    local_storage()
        .remove_item("prototheque-brouillon:nouveau")
        .unwrap();
}

#[wasm_bindgen_test]
async fn the_editor_opens_on_the_prototype_and_keeps_a_draft_across_a_reload() {
    let key = "prototheque-brouillon:a";
    local_storage().remove_item(key).unwrap();
    let (root, handle) = mount_editor("/prototypes/a/modifier");
    tick().await;
    assert_eq!(value_of(&root, "titre"), "Café des parents connectés");
    assert_eq!(
        value_of(&root, "resume"),
        "Un temps d'échange sur les écrans."
    );
    assert_eq!(value_of(&root, "theme"), "parentalite");
    assert_eq!(value_of(&root, "type"), "atelier");
    assert!(texts(&root, ".notice").is_empty());
    type_into(&root, "duree", "2 séances");
    type_into(&root, "outils", "Tablettes\nVidéoprojecteur");
    tick().await;
    drop(handle);

    // "Reload": the draft comes back, and says so.
    let (root, handle) = mount_editor("/prototypes/a/modifier");
    tick().await;
    assert_eq!(
        texts(&root, ".notice"),
        ["Un brouillon non enregistré a été retrouvé et rétabli. Repartir de la version enregistrée"]
    );
    assert_eq!(value_of(&root, "duree"), "2 séances");
    assert_eq!(value_of(&root, "outils"), "Tablettes\nVidéoprojecteur");
    assert_eq!(value_of(&root, "titre"), "Café des parents connectés");
    drop(handle);

    // A draft kept by the version before the field table is read too.
    let earlier = r#"{"title":"Café des parents (brouillon)","summary":"Un temps d'échange sur les écrans.",
        "theme":"parentalite","kind":"atelier","public":"","scenario":"","tools":"","tags":"",
        "licence":"CC BY-SA 4.0","objectives":"","livret_public":"","duration":"1 h","group_size":"",
        "materials":"","cost":"","preparation":"","tips":"","pitfalls":"","evaluation":"",
        "steps":[{"key":0,"title":"Accueil","duration":"","description":"Un café."}],
        "resources":[{"key":1,"title":"CAF","url":"https://caf.fr"}]}"#;
    local_storage().set_item(key, earlier).unwrap();
    let (root, handle) = mount_editor("/prototypes/a/modifier");
    tick().await;
    assert_eq!(texts(&root, ".notice").len(), 1);
    assert_eq!(value_of(&root, "titre"), "Café des parents (brouillon)");
    assert_eq!(value_of(&root, "duree"), "1 h");
    assert_eq!(value_of(&root, "etape-0-titre"), "Accueil");
    assert_eq!(value_of(&root, "etape-0-description"), "Un café.");
    assert_eq!(value_of(&root, "ressource-0-url"), "https://caf.fr");
    drop(handle);
    local_storage().remove_item(key).unwrap();
}

// ---- signatures: WebCrypto's Ed25519, device keys in IndexedDB ----

mod vectors;

use prototheque::webcrypto::{self, Check};

#[wasm_bindgen_test]
async fn every_signature_vector_gets_its_verdict_from_webcrypto() {
    assert!(
        webcrypto::supported().await,
        "headless Chromium has Ed25519"
    );
    let file = vectors::vectors();
    let checks: Vec<Check> = file
        .vectors
        .iter()
        .map(|v| Check {
            public: &v.public.0,
            message: &v.message.0,
            signature: &v.signature.0,
        })
        .collect();
    let verdicts = webcrypto::verify_all(&checks).await.expect("verify_all");
    let wrong: Vec<&str> = file
        .vectors
        .iter()
        .zip(&verdicts)
        .filter(|(v, &verdict)| verdict != v.valid)
        .map(|(v, _)| v.name.as_str())
        .collect();
    assert!(wrong.is_empty(), "wrong verdicts: {wrong:?}");
    assert_eq!(verdicts.len(), file.vectors.len());
}

#[wasm_bindgen_test]
async fn a_device_key_signs_from_indexeddb_and_never_leaves_it() {
    let (name, db) = fresh_named_db().await;
    assert!(store::device_key(&db, "echo").await.unwrap().is_none());
    let key = webcrypto::generate().await.expect("generate");
    assert!(!key.private.extractable());
    store::keep_device_key(&db, "echo", &key)
        .await
        .expect("keep");
    db.close();

    // Read back through a new handle: the key comes from storage, not from memory.
    let db = store::open(&name).await.expect("reopen");
    let kept = store::device_key(&db, "echo")
        .await
        .unwrap()
        .expect("the kept key");
    assert_eq!(kept.public, key.public);
    assert!(!kept.private.extractable());
    assert_eq!(kept.private.type_(), "private");
    let message = "version 2 de « Café des parents connectés »".as_bytes();
    let signature = webcrypto::sign(&kept.private, message).await.expect("sign");
    let other = b"version 3";
    let verdicts = webcrypto::verify_all(&[
        Check {
            public: &kept.public,
            message,
            signature: &signature,
        },
        Check {
            public: &kept.public,
            message: other,
            signature: &signature,
        },
    ])
    .await
    .unwrap();
    assert_eq!(verdicts, [true, false]);
    // Ed25519 signs deterministically: the key kept is the key made.
    assert_eq!(
        webcrypto::sign(&key.private, message).await.unwrap(),
        signature
    );

    // Not even its holder can read the private key out of the browser.
    let subtle = web_sys::window().unwrap().crypto().unwrap().subtle();
    let exported = subtle.export_key("pkcs8", &kept.private).unwrap();
    assert!(wasm_bindgen_futures::JsFuture::from(exported)
        .await
        .is_err());

    assert!(store::device_key(&db, "lazare").await.unwrap().is_none());
    store::forget_device_key(&db, "echo").await.expect("forget");
    assert!(store::device_key(&db, "echo").await.unwrap().is_none());
    db.close();
}

#[wasm_bindgen_test]
async fn a_database_of_schema_version_2_gains_the_device_keys_and_keeps_its_records() {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;
    let name = format!("prototheque-test-v2-{}", js_sys::Math::random());
    // What version 2 created, after version 1's settings.
    let v2 = Database::open(name.as_str())
        .with_version(2u32)
        .with_on_upgrade_needed(|_, db| {
            for store in ["settings", "centres", "undo"] {
                db.create_object_store(store).build()?;
            }
            let prototypes = db.create_object_store("prototypes").build()?;
            for (index, field) in [
                ("par_theme", "theme"),
                ("par_centre", "centre"),
                ("par_parent", "parent"),
            ] {
                prototypes.create_index(index, field.into()).build()?;
            }
            db.create_object_store("ratings")
                .build()?
                .create_index("par_prototype", "prototype".into())
                .build()?;
            db.create_object_store("imports")
                .with_auto_increment(true)
                .build()?;
            Ok(())
        })
        .await
        .unwrap();
    let tx = v2
        .transaction("settings")
        .with_mode(TransactionMode::Readwrite)
        .build()
        .unwrap();
    tx.object_store("settings")
        .unwrap()
        .put("echo".to_owned())
        .with_key("mon-centre".to_owned())
        .primitive()
        .unwrap()
        .await
        .unwrap();
    tx.commit().await.unwrap();
    v2.close();

    let db = store::open(&name).await.expect("upgrade");
    assert_eq!(
        store::get_setting(&db, "mon-centre")
            .await
            .unwrap()
            .as_deref(),
        Some("echo")
    );
    import_small(&db).await;
    assert_eq!(
        store::load(&db).await.unwrap().catalogue.prototypes.len(),
        2
    );
    let key = webcrypto::generate().await.unwrap();
    store::keep_device_key(&db, "echo", &key).await.unwrap();
    assert_eq!(
        store::device_key(&db, "echo")
            .await
            .unwrap()
            .unwrap()
            .public,
        key.public
    );
    db.close();
}

/// Prints how many signatures a second `verify_all` checks: 20,000 versions by 50 centres' keys,
/// messages of the size of a prototype's version. A figure, not an assertion on time.
#[wasm_bindgen_test]
async fn verify_all_checks_twenty_thousand_signatures() {
    const CHECKS: usize = 20_000;
    let mut keys = Vec::new();
    for _ in 0..50 {
        keys.push(webcrypto::generate().await.unwrap());
    }
    let messages: Vec<Vec<u8>> = (0..CHECKS)
        .map(|i| format!("{i:0>800}").into_bytes())
        .collect();
    let started = js_sys::Date::now();
    let mut signatures = Vec::with_capacity(CHECKS);
    for (i, message) in messages.iter().enumerate() {
        signatures.push(
            webcrypto::sign(&keys[i % 50].private, message)
                .await
                .unwrap(),
        );
    }
    let signing = js_sys::Date::now() - started;
    // Every hundredth check is over the wrong message.
    let checks: Vec<Check> = (0..CHECKS)
        .map(|i| Check {
            public: &keys[i % 50].public,
            message: &messages[if i % 100 == 7 { i - 1 } else { i }],
            signature: &signatures[i],
        })
        .collect();
    let started = js_sys::Date::now();
    let verdicts = webcrypto::verify_all(&checks).await.unwrap();
    let verifying = js_sys::Date::now() - started;
    assert_eq!(verdicts.len(), CHECKS);
    for (i, verdict) in verdicts.iter().enumerate() {
        assert_eq!(*verdict, i % 100 != 7, "check {i}");
    }
    console_log!(
        "BENCH verify_all: {CHECKS} checks (50 keys, 800-byte messages) in {verifying:.0} ms, \
         {:.0} checks/s; signing them one by one: {:.0} signatures/s",
        CHECKS as f64 / verifying * 1000.0,
        CHECKS as f64 / signing * 1000.0
    );
}

// ---- feeds: the subscriptions and the refreshes « Nouveautés » lists ----

#[wasm_bindgen_test]
async fn subscriptions_and_refreshes_round_trip_through_indexeddb() {
    use prototheque::subscription::{NewsSource, Refresh, Status, Subscription};
    let (name, db) = fresh_named_db().await;
    assert!(!store::has_subscriptions(&db).await.unwrap());
    let mut echo = Subscription::new(
        "https://echo.example/prototheque-flux-echo.json",
        "2026-05-01T10:00:00Z",
    );
    let network = Subscription::of_network(
        "https://reseau.example/flux/lazare.json",
        "lazare-garreau",
        "Centre social Lazare-Garreau",
        &["a".repeat(43)],
        "2026-05-01T10:05:00Z",
    );
    store::put_subscriptions(&db, &[echo.clone(), network.clone()])
        .await
        .unwrap();
    // A refresh's outcome written over the first one.
    echo.failed(Status::Unreachable, "2026-05-01T11:00:00Z", 1_000);
    store::put_subscriptions(&db, &[echo.clone()])
        .await
        .unwrap();
    let key = store::add_refresh(
        &db,
        &Refresh {
            at: "2026-05-01T11:00:00Z".into(),
            sources: vec![NewsSource {
                name: "Centre social l'Echo".into(),
                url: echo.url.clone(),
                lines: vec!["Nouveau prototype : Café des parents — Centre social l'Echo".into()],
            }],
            log_len: 1,
            undone: false,
        },
    )
    .await
    .unwrap();
    db.close();

    // Read back from storage, not from memory.
    let db = store::open(&name).await.expect("reopen");
    assert!(store::has_subscriptions(&db).await.unwrap());
    let kept = store::subscriptions(&db).await.unwrap();
    assert_eq!(
        kept,
        [echo.clone(), network.clone()],
        "in the order subscribed"
    );
    assert_eq!(kept[0].failures, 1);
    assert_eq!(kept[0].next_try, 1_000 + 15 * 60);
    assert_eq!(kept[1].network_keys, ["a".repeat(43)]);
    store::mark_refresh_undone(&db, key).await.unwrap();
    let refreshes = store::refreshes(&db).await.unwrap();
    assert_eq!(refreshes.len(), 1);
    assert_eq!(refreshes[0].0, key);
    assert!(refreshes[0].1.undone);
    assert_eq!(refreshes[0].1.sources[0].lines.len(), 1);
    store::remove_subscription(&db, &echo.url).await.unwrap();
    assert_eq!(store::subscriptions(&db).await.unwrap(), [network]);
    db.close();
}

#[wasm_bindgen_test]
async fn a_database_of_schema_version_3_gains_the_subscriptions_and_keeps_its_data() {
    use indexed_db_futures::database::Database;
    use indexed_db_futures::prelude::*;
    use indexed_db_futures::transaction::TransactionMode;
    use prototheque::subscription::Subscription;
    let name = format!("prototheque-test-v3-{}", js_sys::Math::random());
    // What version 3 created: version 2's stores and the device keys.
    let v3 = Database::open(name.as_str())
        .with_version(3u32)
        .with_on_upgrade_needed(|_, db| {
            for store in ["settings", "centres", "undo", "device_keys"] {
                db.create_object_store(store).build()?;
            }
            let prototypes = db.create_object_store("prototypes").build()?;
            for (index, field) in [
                ("par_theme", "theme"),
                ("par_centre", "centre"),
                ("par_parent", "parent"),
            ] {
                prototypes.create_index(index, field.into()).build()?;
            }
            db.create_object_store("ratings")
                .build()?
                .create_index("par_prototype", "prototype".into())
                .build()?;
            db.create_object_store("imports")
                .with_auto_increment(true)
                .build()?;
            Ok(())
        })
        .await
        .unwrap();
    let tx = v3
        .transaction("settings")
        .with_mode(TransactionMode::Readwrite)
        .build()
        .unwrap();
    tx.object_store("settings")
        .unwrap()
        .put("echo".to_owned())
        .with_key("mon-centre".to_owned())
        .primitive()
        .unwrap()
        .await
        .unwrap();
    tx.commit().await.unwrap();
    v3.close();
    // Records written by version 3, in its row format.
    write_rows(&name).await;

    let db = store::open(&name).await.expect("upgrade");
    assert_eq!(
        store::get_setting(&db, "mon-centre")
            .await
            .unwrap()
            .as_deref(),
        Some("echo")
    );
    let kept = store::load(&db).await.unwrap().catalogue;
    assert_eq!(
        kept.prototype("a").map(|p| p.title.as_str()),
        Some("Café des parents"),
        "the records written before are read"
    );
    assert!(!store::has_subscriptions(&db).await.unwrap());
    let subscription = Subscription::new("https://echo.example/flux.json", "2026-05-01T10:00:00Z");
    store::put_subscriptions(&db, &[subscription.clone()])
        .await
        .unwrap();
    assert_eq!(store::subscriptions(&db).await.unwrap(), [subscription]);
    assert_eq!(store::refreshes(&db).await.unwrap(), []);
    assert_eq!(store::load(&db).await.unwrap().catalogue, kept);
    db.close();
}
