//! The hub benchmark's baseline (`scripts/bench-relais.sh`): reads every `.json` file of a
//! folder through the door, one after the other, and merges nothing, verifies nothing.
//!
//!     cargo run --release --example read_feeds -- <dossier>

use prototheque::exchange::{read_document, Limits};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("Utilisation : read_feeds <dossier>");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("the folder can be read")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let (mut files, mut prototypes, mut bytes) = (0usize, 0usize, 0usize);
    for path in &paths {
        let text = std::fs::read(path).expect("the file can be read");
        let document = read_document(&text, &Limits::default()).expect("a valid feed");
        files += 1;
        bytes += text.len();
        prototypes += document.catalogue.prototypes.len();
    }
    eprintln!(
        "{files} fichiers lus par la porte ({bytes} octets, {prototypes} prototypes en tout)"
    );
}
