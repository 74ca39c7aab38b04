//! Browser tests: run by wasm-bindgen-test in headless Chromium (see scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use prototheque::exchange::{read_document, Limits};
use prototheque::model::Theme;
use prototheque::store;
use prototheque::ui::{App, CatalogueView};
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
    assert_eq!(texts(&root, "nav a"), ["Catalogue", "À propos"]);
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
    let root = container();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        let theme = RwSignal::new(None::<Theme>);
        view! { <CatalogueView catalogue=catalogue.clone() theme/> }
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
        .find(|b| b.text_content().as_deref() == Some("Parentalité"))
        .expect("a Parentalité button");
    parenting.click();
    tick().await;
    assert_eq!(texts(&root, "li.card h2"), ["Café des parents connectés"]);
    assert_eq!(
        parenting.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    assert_eq!(texts(&root, ".result-count"), ["1 prototype affiché"]);
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
