//! Reading a file a slice at a time (`exchange::Reading`, what `read_document` does) must give
//! exactly what reading it whole gives, for valid, hostile and mangled files alike.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use prototheque::exchange::{
    export, read_document, read_document_plain, Document, Limits, Problems, Reading,
};
use std::path::Path;

/// Reads `bytes` in steps of `budget` bytes, checking that progress only goes forward.
fn in_slices(bytes: &[u8], budget: usize) -> Result<Document, Problems> {
    let mut reading = Reading::new(bytes, Limits::default());
    let mut last = 0.0;
    let mut steps = 0usize;
    while let Some(done) = reading.step(budget) {
        assert!(
            (last..=1.0).contains(&done),
            "progress went from {last} to {done}"
        );
        last = done;
        steps += 1;
        assert!(steps <= bytes.len() + 10, "reading does not advance");
    }
    reading.finish()
}

fn agree(bytes: &[u8]) {
    let plain = read_document_plain(bytes, &Limits::default());
    assert_eq!(read_document(bytes, &Limits::default()), plain);
    for budget in [1, 97, 4096] {
        assert_eq!(in_slices(bytes, budget), plain, "budget {budget}");
    }
}

fn files(dir: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn shipped_example_and_hostile_files_read_the_same_in_slices() {
    let mut all = files("tests/fixtures/hostile");
    assert!(all.len() > 40);
    all.extend(
        files("public")
            .into_iter()
            .filter(|p| p.ends_with("catalogue.json")),
    );
    all.extend(files("docs"));
    for file in all {
        let bytes = std::fs::read(&file).unwrap();
        eprintln!("{}", file.display());
        agree(&bytes);
    }
}

#[test]
fn a_synthetic_catalogue_reads_the_same_in_slices_and_reports_progress() {
    let bytes = export(&prototheque::synth::document(300, 40, 7));
    agree(&bytes);
    let mut reading = Reading::new(&bytes, Limits::default());
    let mut seen = Vec::new();
    while let Some(done) = reading.step(bytes.len() / 50) {
        seen.push(done);
    }
    assert!(
        seen.len() >= 20,
        "a large file is read in many steps: {}",
        seen.len()
    );
    assert!(
        seen.iter().any(|&d| d > 0.3 && d < 0.7),
        "progress in between: {seen:?}"
    );
    assert!(reading.finish().is_ok());
}

fn seed_bytes() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("public/catalogue.json")).unwrap()
}

/// A mangling of a file: bytes replaced by JSON's structural characters, ranges cut or doubled.
#[derive(Clone, Debug)]
enum Mangle {
    Put(usize, u8),
    Cut(usize, usize),
    Double(usize, usize),
}

fn mangle() -> impl Strategy<Value = Mangle> {
    let byte = prop::sample::select(b"{}[]\",:\\ 0a\xC3\xFF".to_vec());
    prop_oneof![
        (any::<usize>(), byte).prop_map(|(at, b)| Mangle::Put(at, b)),
        (any::<usize>(), 0usize..200).prop_map(|(at, n)| Mangle::Cut(at, n)),
        (any::<usize>(), 0usize..200).prop_map(|(at, n)| Mangle::Double(at, n)),
    ]
}

fn apply(mut bytes: Vec<u8>, m: &Mangle) -> Vec<u8> {
    let len = bytes.len().max(1);
    match *m {
        Mangle::Put(at, b) => {
            let at = at % len;
            if at < bytes.len() {
                bytes[at] = b;
            }
        }
        Mangle::Cut(at, n) => {
            let at = at % len;
            let end = (at + n).min(bytes.len());
            bytes.drain(at.min(end)..end);
        }
        Mangle::Double(at, n) => {
            let at = at % len;
            let end = (at + n).min(bytes.len());
            let copy = bytes[at.min(end)..end].to_vec();
            bytes.splice(end..end, copy);
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn mangled_files_read_the_same_in_slices(mangles in prop::collection::vec(mangle(), 1..4)) {
        let bytes = mangles.iter().fold(seed_bytes(), apply);
        let plain = read_document_plain(&bytes, &Limits::default());
        prop_assert_eq!(read_document(&bytes, &Limits::default()), plain.clone());
        prop_assert_eq!(in_slices(&bytes, 333), plain);
    }
}

/// The door's character count and control-character check work on bytes: compare them with
/// `char`'s own rules on every character class that matters.
#[test]
fn text_length_and_control_characters_follow_unicode() {
    let entry = |title: &str| {
        let mut doc: serde_json::Value = serde_json::from_slice(&seed_bytes()).unwrap();
        doc["prototypes"][0]["titre"] = title.into();
        serde_json::to_vec(&doc).unwrap()
    };
    let refused = |title: &str| read_document(&entry(title), &Limits::default()).is_err();
    for c in ['\u{0}', '\u{1f}', '\u{7f}', '\u{80}', '\u{85}', '\u{9f}'] {
        assert!(
            refused(&format!("Titre {c} caché")),
            "{:?} is a control character",
            c
        );
    }
    for c in ['é', '\u{a0}', '\u{a9}', '€', '🙂', '\t'] {
        assert!(
            !refused(&format!("Titre {c} visible")),
            "{:?} is allowed",
            c
        );
    }
    // 200 characters is the most for a title, counted in characters, not bytes.
    assert!(!refused(&"é".repeat(200)));
    assert!(refused(&"é".repeat(201)));
    assert!(!refused(&"🙂".repeat(200)));
}
