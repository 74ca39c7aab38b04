//! Signs the shipped seed catalogue and writes the network's list, with keys made for the
//! occasion and then destroyed: the demo's eight centres and its network are illustrative, and
//! nobody holds their private keys afterwards (none is ever written anywhere).
//!
//! `cargo run --example sign_seed` rewrites `public/catalogue.json` (each centre lists its
//! key; every version signed by its author), `public/reseau.json` (the eight centres and their
//! keys, signed by the network's key, its `sequence` one more than the list it replaces) and
//! `src/exchange/network_key.txt` (the network's public key, which the app carries). Run it only
//! when the seed's content changes; a real network does the same with keys it keeps (README).

use prototheque::exchange::signing::{sign_in, to_sign};
use prototheque::exchange::{b64, export, read_document, read_network, Limits};
use prototheque::native_crypto::{public_of, sign};
use std::io::Read;
use std::path::Path;

fn fresh_secret() -> [u8; 32] {
    let mut secret = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut secret))
        .expect("the system's random source can be read");
    secret
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seed_path = root.join("public/catalogue.json");
    let list_path = root.join("public/reseau.json");
    let bytes = std::fs::read(&seed_path).expect("public/catalogue.json is readable");
    let mut doc = read_document(&bytes, &Limits::default()).expect("the seed is valid");

    let ids: Vec<String> = doc.catalogue.centres.keys().cloned().collect();
    let mut listed = Vec::new();
    for id in &ids {
        let secret = fresh_secret();
        let public = public_of(&secret);
        let key = b64::encode(&public);
        let record = doc.catalogue.centres.get_mut(id).expect("listed above");
        for version in &mut record.heads {
            if let Some(body) = &mut version.body {
                body.keys = vec![key.clone()];
                body.revoked.clear();
            }
            version.signature = None;
        }
        let name = record
            .winner()
            .body
            .as_ref()
            .map_or_else(|| id.clone(), |c| c.name.clone());
        let what = to_sign(&doc.catalogue, id, &[]);
        for item in &what {
            let signature = sign(&secret, &item.message);
            sign_in(&mut doc.catalogue, item, &public, &signature);
        }
        eprintln!("{id} : {} versions signées", what.len());
        listed.push(serde_json::json!({ "id": id, "nom": name, "cles": [key] }));
    }
    let unsigned = doc
        .catalogue
        .prototypes
        .values()
        .flat_map(|r| &r.heads)
        .filter(|v| v.signature.is_none())
        .count()
        + doc
            .catalogue
            .ratings
            .values()
            .flat_map(|r| &r.heads)
            .filter(|v| v.signature.is_none())
            .count();
    assert_eq!(unsigned, 0, "every version of the seed is its owner's");
    std::fs::write(&seed_path, export(&doc)).expect("public/catalogue.json is writable");

    // The network's list, signed by a network key made for it.
    let sequence = std::fs::read(&list_path)
        .ok()
        .and_then(|b| read_network(&b).ok())
        .map_or(1, |l| l.sequence + 1);
    let network_secret = fresh_secret();
    let network_public = public_of(&network_secret);
    let mut list = serde_json::json!({
        "format": "prototheque-reseau",
        "version": "1.0",
        "nom": "Centres sociaux connectés — Métropole Européenne de Lille (démonstration)",
        "publie_le": doc.exported_at.clone().unwrap_or_else(|| "2026-12-01T00:00:00Z".into()),
        "sequence": sequence,
        "illustratif": true,
        "centres": listed,
        "signature": { "cle": b64::encode(&network_public), "valeur": b64::encode(&[0; 64]) },
    });
    let message = read_network(list.to_string().as_bytes())
        .expect("the list just built is valid")
        .message;
    list["signature"]["valeur"] = b64::encode(&sign(&network_secret, &message)).into();
    let mut text = serde_json::to_string_pretty(&list).expect("a JSON value serialises");
    text.push('\n');
    std::fs::write(&list_path, text).expect("public/reseau.json is writable");
    std::fs::write(
        root.join("src/exchange/network_key.txt"),
        format!("{}\n", b64::encode(&network_public)),
    )
    .expect("src/exchange/network_key.txt is writable");
    eprintln!(
        "Liste du réseau n° {sequence} signée ; clé du réseau {}",
        b64::encode(&network_public)
    );
}
