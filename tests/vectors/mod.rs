//! The Ed25519 vectors of `tests/fixtures/signature_vectors.json`, read the same way by the
//! native test (`tests/signature_vectors.rs`) and the browser test (`tests/browser.rs`).
// Each of the two reads only some fields.
#![allow(dead_code)]

use serde::Deserialize;

/// The vectors file, compiled in (the browser has no file system).
const JSON: &str = include_str!("../fixtures/signature_vectors.json");

#[derive(Deserialize)]
pub struct Vectors {
    /// The y of the small-order points, as the generator found them.
    pub small_order_y: Vec<Hex>,
    pub vectors: Vec<Vector>,
}

#[derive(Deserialize)]
pub struct Vector {
    pub name: String,
    /// The RFC 8032 private key, for the vectors that have one.
    #[serde(default)]
    pub seed: Option<Hex>,
    pub public: Hex,
    pub message: Hex,
    pub signature: Hex,
    /// The verdict every verifier must give.
    pub valid: bool,
}

/// Bytes written in hex.
#[derive(Deserialize)]
#[serde(try_from = "String")]
pub struct Hex(pub Vec<u8>);

impl TryFrom<String> for Hex {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        if !text.len().is_multiple_of(2) {
            return Err(format!("odd length: {text}"));
        }
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()
            .map(Hex)
    }
}

pub fn vectors() -> Vectors {
    serde_json::from_str(JSON).expect("tests/fixtures/signature_vectors.json")
}
