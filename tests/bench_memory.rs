//! Benchmark, not a test: how much memory reading a ~100 MB catalogue file through the door takes
//! in wasm, as a multiple of the file's size (issue 19.7: target ≤ 4×). A counting allocator
//! gives the peak of live heap bytes while reading (the file's own bytes included, as in the app,
//! which holds them while it reads); the wasm memory's size is printed beside it. Prints figures;
//! asserts nothing. Run by `scripts/bench-memory.sh`.
#![cfg(target_arch = "wasm32")]

use prototheque::exchange::{export, read_document, Limits};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(live, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            if new_size >= layout.size() {
                let live =
                    LIVE.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
                PEAK.fetch_max(live, Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn log(line: String) {
    web_sys::console::log_1(&line.into());
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

fn wasm_memory() -> usize {
    core::arch::wasm32::memory_size::<0>() * 65_536
}

/// Reads `bytes` (already the only large thing alive) and prints the peak as a multiple of its size.
fn measure(what: &str, mut bytes: Vec<u8>) {
    // Exactly the file, as the app holds it (a buffer grown while writing has spare room).
    bytes.shrink_to_fit();
    let size = bytes.len();
    PEAK.store(LIVE.load(Relaxed), Relaxed);
    let before = LIVE.load(Relaxed);
    let start = js_sys::Date::now();
    let outcome = read_document(&bytes, &Limits::default());
    let ms = js_sys::Date::now() - start;
    let peak = PEAK.load(Relaxed);
    let kept = LIVE.load(Relaxed);
    let said = match &outcome {
        Ok(doc) => format!("accepté ({} prototypes)", doc.catalogue.prototypes.len()),
        Err(problems) => format!(
            "refusé ({})",
            problems.to_string().chars().take(120).collect::<String>()
        ),
    };
    drop(outcome);
    log(format!(
        "BENCH mémoire, {what} : fichier {:.1} Mo ; {said} ; tas vivant avant {:.1} Mo, pic pendant la lecture {:.1} Mo = {:.2}× le fichier (cible ≤ 4×), résultat gardé {:.1} Mo ; mémoire wasm {:.1} Mo (génération du fichier comprise) ; lecture {ms:.0} ms",
        mb(size),
        mb(before),
        mb(peak),
        peak as f64 / size as f64,
        mb(kept),
        mb(wasm_memory()),
    ));
}

#[wasm_bindgen_test]
fn reading_a_100_mb_catalogue() {
    // 25,000 prototypes from 2,500 centres: about 103 MB exported.
    let bytes = export(&prototheque::synth::document(25_000, 2_500, 42));
    measure("catalogue de 25 000 prototypes", bytes);
}

#[wasm_bindgen_test]
fn reading_a_100_mb_unknown_field() {
    // The hostile file: one prototype whose unknown field is a very wide array.
    let doc = prototheque::synth::document(1, 1, 42);
    let text = String::from_utf8(export(&doc)).unwrap();
    let cut = text.find("\"resume\"").expect("a prototype");
    let mut wide = String::with_capacity(100_000_010);
    wide.push_str(&text[..cut]);
    wide.push_str("\"large\": [0");
    while wide.len() < 100_000_000 {
        wide.push_str(",0");
    }
    wide.push_str("],\n");
    wide.push_str(&text[cut..]);
    drop(text);
    measure(
        "un champ inconnu d'une liste de 50 millions de nombres",
        wide.into_bytes(),
    );
}
