//! Signs the shipped seed catalogue and writes the network's list, with keys made for the
//! occasion and then destroyed: the demo's eight centres and its network are illustrative, and
//! nobody holds their private keys afterwards (none is ever written anywhere).
//!
//! `cargo run --example sign_seed` rewrites `public/catalogue.json` (each centre lists its
//! key; every version signed by its author), each centre's feed
//! `public/flux/prototheque-flux-<id>.json` (`exchange::feed::centre_feed` of the signed seed,
//! its `flux` header signed by that centre's key), `public/reseau.json` (the eight centres, their
//! keys and their feeds' addresses relative to the list, signed by the network's key, its
//! `sequence` one more than the list it replaces) and `src/exchange/network_key.txt` (the
//! network's public key, which the app carries). Run it only when the seed's content changes; a
//! real network does the same with keys it keeps (README).

use prototheque::exchange::feed::{centre_feed, next_sequence, FeedHeader, FeedKind};
use prototheque::exchange::signing::{sign_in, to_sign};
use prototheque::exchange::{b64, export, read_document, read_network, Document, Limits};
use prototheque::native_crypto::{public_of, sign, sign_feed};
use prototheque::relay::clock;
use std::io::Read;
use std::path::Path;

/// Where the centres' feeds go, under `public/` (and so beside `reseau.json` once built).
const FEEDS_DIR: &str = "flux";

/// A centre's feed's stable file name (the contract of issue #21).
fn feed_name(centre: &str) -> String {
    format!("prototheque-flux-{centre}.json")
}

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

    // Every signature goes: the keys that made them are gone, and each author signs its own
    // versions again below with its new key.
    let catalogue = &mut doc.catalogue;
    for version in catalogue.centres.values_mut().flat_map(|r| &mut r.heads) {
        version.signature = None;
    }
    for version in catalogue.prototypes.values_mut().flat_map(|r| &mut r.heads) {
        version.signature = None;
    }
    for version in catalogue.ratings.values_mut().flat_map(|r| &mut r.heads) {
        version.signature = None;
    }

    let ids: Vec<String> = doc.catalogue.centres.keys().cloned().collect();
    let mut listed = Vec::new();
    // Each centre's secret, held until its feed is signed below, then wiped.
    let mut secrets = Vec::new();
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
        listed.push(serde_json::json!({
            "id": id,
            "nom": name,
            "cles": [key],
            "flux": format!("{FEEDS_DIR}/{}", feed_name(id)),
        }));
        secrets.push((id.clone(), name, secret));
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

    // Each centre's feed: what `centre_feed` takes of the signed seed, under a header its key
    // signs. A feed of a centre no longer in the seed would be a stale file: none is kept.
    let feeds_dir = root.join("public").join(FEEDS_DIR);
    std::fs::create_dir_all(&feeds_dir).expect("public/flux can be created");
    for entry in std::fs::read_dir(&feeds_dir).expect("public/flux is readable") {
        let path = entry.expect("public/flux is readable").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("prototheque-flux-") && name.ends_with(".json") {
            std::fs::remove_file(&path).expect("an old feed can be removed");
        }
    }
    let now = clock::now();
    let published = clock::utc(now);
    for (id, name, secret) in &mut secrets {
        let mut header = FeedHeader::new(
            id,
            name,
            FeedKind::Centre,
            next_sequence(None, now),
            &published,
        );
        sign_feed(secret, &mut header);
        let feed = export(&Document {
            exported_at: Some(published.clone()),
            exported_by: Some(id.clone()),
            catalogue: centre_feed(&doc.catalogue, id),
            feed: Some(header),
            extra: Default::default(),
        });
        let path = feeds_dir.join(feed_name(id));
        std::fs::write(&path, &feed).expect("a feed file is writable");
        eprintln!("{id} : flux {} ({} octets)", path.display(), feed.len());
        // Nobody may sign as a demo centre afterwards.
        *secret = [0; 32];
    }

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
