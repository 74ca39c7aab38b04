//! Shared by the native test files.

use prototheque::exchange::{read_document, Limits};
use prototheque::model::Catalogue;

/// The shipped seed catalogue, read through the door.
pub fn seed() -> Catalogue {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/public/catalogue.json"
    ))
    .unwrap();
    read_document(&bytes, &Limits::default()).unwrap().catalogue
}
