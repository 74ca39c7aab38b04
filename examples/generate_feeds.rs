//! Writes signed synthetic centre feeds into a folder, for the hub's tests and benchmarks and the
//! browser's feed benchmarks:
//!
//!     cargo run --release --example generate_feeds -- <dossier> <centres> <prototypes par centre> [graine]
//!         [--sequence N] [--relais <fichier>] [--cles <fichier>]
//!
//! Each centre `centre-NNNN` of `synth::catalogue` gets a key derived from its id and the seed
//! (`synth::feeds::secret_of`: the same files on every run; test keys, derivable by anyone),
//! lists it in its record, signs its versions, and publishes its feed as
//! `prototheque-flux-centre-NNNN.json` (header signed, `sequence` N, default 1780000000).
//! `--relais <fichier>` also writes one hub file (`nature` « relais », publisher
//! `relais-synthese`) holding the whole merged catalogue (2,000 centres × 10 prototypes gives
//! the 20,000-prototype hub file). `--cles <fichier>` writes every publisher's public key as a
//! JSON object `{ "centre-0000": "<clé>", …, "relais-synthese": "<clé>" }`, for pinning.

use prototheque::exchange::feed::FeedKind;
use prototheque::synth::feeds::{
    centre_feed_file, feed_file, file_name, key_of, secret_of, signed_catalogue,
};
use std::path::PathBuf;
use std::process::ExitCode;

/// The synthetic hub's id.
const HUB: &str = "relais-synthese";

fn usage() -> ExitCode {
    eprintln!(
        "Utilisation : generate_feeds <dossier> <centres> <prototypes par centre> [graine] \
         [--sequence N] [--relais <fichier>] [--cles <fichier>]"
    );
    ExitCode::from(1)
}

fn main() -> ExitCode {
    let mut positional = Vec::new();
    let mut sequence: u64 = 1_780_000_000;
    let mut hub: Option<PathBuf> = None;
    let mut keys: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sequence" => match args.next().and_then(|a| a.parse().ok()) {
                Some(n) => sequence = n,
                None => return usage(),
            },
            "--relais" => match args.next() {
                Some(path) => hub = Some(path.into()),
                None => return usage(),
            },
            "--cles" => match args.next() {
                Some(path) => keys = Some(path.into()),
                None => return usage(),
            },
            _ if arg.starts_with("--") => return usage(),
            _ => positional.push(arg),
        }
    }
    let (Some(dir), Some(Ok(centres)), Some(Ok(per_centre))) = (
        positional.first().map(PathBuf::from),
        positional.get(1).map(|a| a.parse::<usize>()),
        positional.get(2).map(|a| a.parse::<usize>()),
    ) else {
        return usage();
    };
    let seed = match positional.get(3).map(|a| a.parse::<u64>()) {
        None => 42,
        Some(Ok(seed)) => seed,
        Some(Err(_)) => return usage(),
    };
    if centres == 0 || positional.len() > 4 {
        return usage();
    }

    let catalogue = signed_catalogue(centres, per_centre, seed);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("Impossible de créer le dossier {} : {e}", dir.display());
        return ExitCode::from(3);
    }
    let mut bytes = 0usize;
    for centre in catalogue.centres.keys() {
        let file = centre_feed_file(&catalogue, centre, sequence, seed);
        bytes += file.len();
        let path = dir.join(file_name(centre));
        if let Err(e) = std::fs::write(&path, file) {
            eprintln!("Impossible d'écrire {} : {e}", path.display());
            return ExitCode::from(3);
        }
    }
    eprintln!(
        "{} flux de centre écrits dans {} ({} prototypes, {} octets)",
        catalogue.centres.len(),
        dir.display(),
        catalogue.prototypes.len(),
        bytes
    );
    if let Some(keys) = &keys {
        let mut list: serde_json::Map<String, serde_json::Value> = catalogue
            .centres
            .keys()
            .map(|id| (id.clone(), key_of(id, seed).into()))
            .collect();
        list.insert(HUB.into(), key_of(HUB, seed).into());
        let text = serde_json::to_string_pretty(&list).expect("a JSON map serialises") + "\n";
        if let Err(e) = std::fs::write(keys, text) {
            eprintln!("Impossible d'écrire {} : {e}", keys.display());
            return ExitCode::from(3);
        }
    }
    if let Some(hub) = &hub {
        let prototypes = catalogue.prototypes.len();
        let file = feed_file(
            catalogue,
            HUB,
            "Relais de démonstration (synthèse)",
            FeedKind::Hub,
            sequence,
            &secret_of(HUB, seed),
        );
        if let Err(e) = std::fs::write(hub, &file) {
            eprintln!("Impossible d'écrire {} : {e}", hub.display());
            return ExitCode::from(3);
        }
        eprintln!(
            "Fichier du relais écrit : {} ({prototypes} prototypes, {} octets)",
            hub.display(),
            file.len()
        );
    }
    ExitCode::SUCCESS
}
