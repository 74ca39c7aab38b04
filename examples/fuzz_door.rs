//! A small mutation fuzzer for the one door (`exchange::read_document`), usable where
//! `cargo fuzz` (nightly + sanitizers) is not: it mutates a seed corpus (the documented example,
//! the hostile fixtures, a slice of the shipped seed) for the given number of seconds and stops at
//! the first panic, saving the input under `target/fuzz-crashes/`.
//!
//!     cargo run --release --example fuzz_door -- 60

use prototheque::exchange::{read_document, Limits};
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
    for entry in std::fs::read_dir(root.join("tests/fixtures/hostile")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let bytes = std::fs::read(&path).unwrap();
            if bytes.len() < 50_000 {
                corpus.push(bytes);
            }
        }
    }
    panic::set_hook(Box::new(|_| {}));
    let limits = Limits::default();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (start, budget) = (Instant::now(), Duration::from_secs(seconds));
    let (mut runs, mut accepted) = (0u64, 0u64);
    while start.elapsed() < budget {
        let mut input = corpus[rng.below(corpus.len())].clone();
        mutate(&mut rng, &mut input, &corpus);
        runs += 1;
        match panic::catch_unwind(|| read_document(&input, &limits).is_ok()) {
            Ok(ok) => accepted += u64::from(ok),
            Err(_) => {
                let dir = root.join("target/fuzz-crashes");
                std::fs::create_dir_all(&dir).unwrap();
                let file = dir.join(format!("crash-{runs}.json"));
                std::fs::write(&file, &input).unwrap();
                eprintln!(
                    "PANIC after {runs} executions; input saved to {}",
                    file.display()
                );
                std::process::exit(1);
            }
        }
    }
    println!(
        "fuzz_door: {runs} executions in {:.1} s ({:.0}/s), {accepted} accepted, {} refused, 0 panics",
        start.elapsed().as_secs_f64(),
        runs as f64 / start.elapsed().as_secs_f64(),
        runs - accepted
    );
}
