//! A small mutation fuzzer for the one door (`exchange::read_document`), usable where
//! `cargo fuzz` (nightly + sanitizers) is not: it mutates a seed corpus (the documented example,
//! the hostile fixtures and sequence cases, a slice of the shipped seed) for the given number of
//! seconds and stops at the first panic, saving the input under `target/fuzz-crashes/`.
//!
//! Every other execution fuzzes a **sequence**: two or three mutated files imported in turn
//! (the door, then `exchange::merge_checked`, as `store::import` does), at the default limits or
//! small ones, then the closure laws: the stored catalogue reloads equal, its export is accepted
//! and gives it back, and so after the owner's edit of a record. A broken law is a *closure
//! violation* (its files are saved too); the count is printed and must be 0.
//!
//!     cargo run --release --example fuzz_door -- 60

use prototheque::exchange::{
    check_merged, export_within, merge_checked, read_document, record_bytes, stored_document,
    with_edit, Document, Limits,
};
use prototheque::model::{Catalogue, Record};
use std::collections::BTreeMap;
use std::panic;
use std::path::Path;
use std::time::{Duration, Instant};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b",",
    b":",
    b"null",
    b"true",
    b"-1",
    b"0",
    b"1e999",
    b"1.5",
    b"\"javascript:alert(1)\"",
    b"\"supprime\": true",
    b"\"conflits\": [{}]",
    b"\\u0000",
    b"\xff",
    b"\"versions_remplacees\": [\"x\"]",
    b"\"id\": \"a:b\"",
    b"\"revision\": 9007199254740993",
];

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, corpus: &[Vec<u8>]) {
    for _ in 0..=rng.below(4) {
        let len = input.len();
        match rng.below(6) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(len + 1);
                input.insert(i, rng.next() as u8);
            }
            2 if len > 0 => {
                let a = rng.below(len);
                let b = (a + rng.below(64)).min(len);
                input.drain(a..b);
            }
            3 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                let i = rng.below(len + 1);
                input.splice(i..i, t.iter().copied());
            }
            4 if len > 0 => {
                let a = rng.below(len);
                let b = (a + rng.below(256)).min(len);
                let chunk = input[a..b].to_vec();
                let i = rng.below(len + 1);
                input.splice(i..i, chunk);
            }
            _ => {
                let other = &corpus[rng.below(corpus.len())];
                let cut = rng.below(input.len() + 1);
                let from = rng.below(other.len() + 1);
                input.truncate(cut);
                input.extend_from_slice(&other[from..]);
            }
        }
    }
}

fn main() {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut corpus: Vec<Vec<u8>> =
        vec![std::fs::read(root.join("docs/exemple-catalogue.json")).unwrap()];
    let seed = std::fs::read(root.join("public/catalogue.json")).unwrap();
    corpus.push(seed[..seed.len().min(20_000)].to_vec());
    let mut files = Vec::new();
    for entry in std::fs::read_dir(root.join("tests/fixtures/hostile")).unwrap() {
        files.push(entry.unwrap().path());
    }
    for case in std::fs::read_dir(root.join("tests/fixtures/sequences")).unwrap() {
        for entry in std::fs::read_dir(case.unwrap().path()).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    for path in files {
        if path.extension().is_some_and(|e| e == "json") {
            let bytes = std::fs::read(&path).unwrap();
            if bytes.len() < 50_000 {
                corpus.push(bytes);
            }
        }
    }
    panic::set_hook(Box::new(|_| {}));
    let small = Limits {
        max_bytes: 6_000,
        max_centres: 3,
        max_prototypes: 3,
        max_ratings: 4,
    };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (start, budget) = (Instant::now(), Duration::from_secs(seconds));
    let (mut runs, mut accepted) = (0u64, 0u64);
    let (mut sequences, mut imported, mut violations) = (0u64, 0u64, 0u64);
    let crashes = root.join("target/fuzz-crashes");
    while start.elapsed() < budget {
        runs += 1;
        if runs % 2 == 0 {
            // A sequence of two or three files, imported in turn.
            let limits = if rng.below(2) == 0 {
                small
            } else {
                Limits::default()
            };
            let inputs: Vec<Vec<u8>> = (0..2 + rng.below(2))
                .map(|_| {
                    let mut input = corpus[rng.below(corpus.len())].clone();
                    if rng.below(4) > 0 {
                        mutate(&mut rng, &mut input, &corpus);
                    }
                    input
                })
                .collect();
            sequences += 1;
            let pick = rng.below(1000);
            match panic::catch_unwind(|| sequence(&inputs, &limits, pick)) {
                Ok((files, Ok(()))) => imported += files,
                Ok((_, Err(law))) => {
                    violations += 1;
                    std::fs::create_dir_all(&crashes).unwrap();
                    for (k, input) in inputs.iter().enumerate() {
                        std::fs::write(crashes.join(format!("violation-{runs}-{k}.json")), input)
                            .unwrap();
                    }
                    eprintln!(
                        "CLOSURE VIOLATION after {runs} executions ({law}); files saved to {}",
                        crashes.display()
                    );
                }
                Err(_) => {
                    std::fs::create_dir_all(&crashes).unwrap();
                    for (k, input) in inputs.iter().enumerate() {
                        std::fs::write(crashes.join(format!("crash-{runs}-{k}.json")), input)
                            .unwrap();
                    }
                    eprintln!(
                        "PANIC in a sequence after {runs} executions; files saved to {}",
                        crashes.display()
                    );
                    std::process::exit(1);
                }
            }
            continue;
        }
        let mut input = corpus[rng.below(corpus.len())].clone();
        mutate(&mut rng, &mut input, &corpus);
        match panic::catch_unwind(|| read_document(&input, &Limits::default()).is_ok()) {
            Ok(ok) => accepted += u64::from(ok),
            Err(_) => {
                std::fs::create_dir_all(&crashes).unwrap();
                let file = crashes.join(format!("crash-{runs}.json"));
                std::fs::write(&file, &input).unwrap();
                eprintln!(
                    "PANIC after {runs} executions; input saved to {}",
                    file.display()
                );
                std::process::exit(1);
            }
        }
    }
    let single = runs - sequences;
    println!(
        "fuzz_door: {runs} executions in {:.1} s ({:.0}/s): {single} files, {accepted} accepted, \
         {} refused; {sequences} sequences, {imported} files imported in them, {violations} \
         closure violations; 0 panics",
        start.elapsed().as_secs_f64(),
        runs as f64 / start.elapsed().as_secs_f64(),
        single - accepted
    );
    if violations > 0 {
        std::process::exit(2);
    }
}

/// Imports `inputs` in turn into an empty store; after each accepted one, checks the laws, and
/// after the last, the owner's edit of the `pick`-th record. Gives the files imported and the
/// first law broken.
fn sequence(inputs: &[Vec<u8>], limits: &Limits, pick: usize) -> (u64, Result<(), String>) {
    let mut stored = Catalogue::default();
    let mut files = 0;
    for input in inputs {
        let Ok(doc) = read_document(input, limits) else {
            continue;
        };
        let Ok(merged) = merge_checked(
            stored.clone(),
            record_bytes(&stored),
            &doc.catalogue,
            limits,
        ) else {
            continue;
        };
        files += 1;
        stored = merged;
        if let Err(law) = closed(&stored, limits) {
            return (files, Err(law));
        }
    }
    let mut edited = stored.clone();
    let changed = edit(&mut edited, pick);
    if check_merged(&edited, &changed, record_bytes(&edited), limits).is_ok() {
        if let Err(law) = closed(&edited, limits) {
            return (files, Err(format!("after the owner's edit: {law}")));
        }
    }
    (files, Ok(()))
}

/// Laws (a) and (b): the stored catalogue reloads equal; its export is accepted and gives it back.
fn closed(stored: &Catalogue, limits: &Limits) -> Result<(), String> {
    let assembled = stored_document(stored);
    match read_document(assembled.as_bytes(), limits) {
        Ok(back) if back.catalogue == *stored => {}
        Ok(_) => return Err("(a) the reload differs".into()),
        Err(p) => return Err(format!("(a) the reload is refused: {p}")),
    }
    let doc = Document {
        exported_by: Some("x".repeat(120)),
        feed: None,
        exported_at: Some("2026-12-31T23:59:59Z".into()),
        catalogue: stored.clone(),
        ..Document::default()
    };
    let file = export_within(&doc, limits);
    match read_document(&file, limits) {
        Ok(back) => match merge_checked(Catalogue::default(), 0, &back.catalogue, limits) {
            Ok(again) if again == *stored => Ok(()),
            Ok(_) => Err("(b) the export gives another catalogue".into()),
            Err(p) => Err(format!("(b) the export is refused by import: {p}")),
        },
        Err(p) => Err(format!("(b) the export is refused by the door: {p}")),
    }
}

/// The owner's edit (content kept, a new version) of the `pick`-th record; gives it as a
/// catalogue of one.
fn edit(stored: &mut Catalogue, pick: usize) -> Catalogue {
    fn one<T: serde::Serialize + Clone>(
        records: &mut BTreeMap<String, Record<T>>,
        into: &mut BTreeMap<String, Record<T>>,
        k: usize,
    ) {
        let (id, record) = records.iter().nth(k).expect("k is in range");
        let edited = with_edit(
            Some(record),
            "nous",
            "2027-01-01T00:00:00Z",
            record.current().cloned(),
        );
        into.insert(id.clone(), edited.clone());
        let id = id.clone();
        records.insert(id, edited);
    }
    let mut changed = Catalogue::default();
    let total = stored.centres.len() + stored.prototypes.len() + stored.ratings.len();
    if total == 0 {
        return changed;
    }
    let mut k = pick % total;
    if k < stored.centres.len() {
        one(&mut stored.centres, &mut changed.centres, k);
        return changed;
    }
    k -= stored.centres.len();
    if k < stored.prototypes.len() {
        one(&mut stored.prototypes, &mut changed.prototypes, k);
        return changed;
    }
    k -= stored.prototypes.len();
    one(&mut stored.ratings, &mut changed.ratings, k);
    changed
}
