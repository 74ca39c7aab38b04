//! Signed synthetic feeds (native only: signing uses `native_crypto`): each synthetic centre gets
//! a key derived from its id and the seed, lists it in its record, and signs its own versions,
//! so that its feed passes every check a subscriber makes. The keys are test keys, derivable by
//! anyone: never use them for a real centre.

use crate::exchange::feed::{centre_feed, FeedHeader, FeedKind};
use crate::exchange::signing::{sign_in, to_sign};
use crate::exchange::{b64, export, Document};
use crate::model::Catalogue;
use crate::native_crypto::{public_of, sign, sign_feed};

/// The date every synthetic feed says it was published.
pub const PUBLISHED: &str = "2026-06-01T10:00:00Z";

/// The private key of synthetic publisher `id` under `seed` (FNV-1a, stretched to 32 bytes):
/// the same files on every run.
pub fn secret_of(id: &str, seed: u64) -> [u8; 32] {
    let mut secret = [0u8; 32];
    for (block, chunk) in secret.chunks_mut(8).enumerate() {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let (seed, block) = (seed.to_le_bytes(), (block as u64).to_le_bytes());
        let bytes = b"prototheque-synth-feed\n"
            .iter()
            .chain(&seed)
            .chain(&block)
            .chain(id.as_bytes());
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        chunk.copy_from_slice(&hash.to_le_bytes());
    }
    secret
}

/// The public key (base64url) of synthetic publisher `id` under `seed`.
pub fn key_of(id: &str, seed: u64) -> String {
    b64::encode(&public_of(&secret_of(id, seed)))
}

/// [`super::catalogue`] with `per_centre` prototypes for each of `centres` centres, every centre
/// listing its key and every version signed by its author.
pub fn signed_catalogue(centres: usize, per_centre: usize, seed: u64) -> Catalogue {
    let mut catalogue = super::catalogue(centres * per_centre, centres, seed);
    let ids: Vec<String> = catalogue.centres.keys().cloned().collect();
    for id in &ids {
        let key = key_of(id, seed);
        for version in &mut catalogue.centres.get_mut(id).expect("listed above").heads {
            if let Some(body) = &mut version.body {
                body.keys = vec![key.clone()];
            }
        }
    }
    for id in &ids {
        let secret = secret_of(id, seed);
        let public = public_of(&secret);
        for item in to_sign(&catalogue, id, &[]) {
            let signature = sign(&secret, &item.message);
            sign_in(&mut catalogue, &item, &public, &signature);
        }
    }
    catalogue
}

/// A feed file: `catalogue` under a `flux` header signed by `secret`.
pub fn feed_file(
    catalogue: Catalogue,
    publisher: &str,
    name: &str,
    kind: FeedKind,
    sequence: u64,
    secret: &[u8; 32],
) -> Vec<u8> {
    let mut header = FeedHeader::new(publisher, name, kind, sequence, PUBLISHED);
    sign_feed(secret, &mut header);
    export(&Document {
        exported_at: Some(PUBLISHED.into()),
        exported_by: (kind == FeedKind::Centre).then(|| publisher.to_owned()),
        catalogue,
        feed: Some(header),
        extra: Default::default(),
    })
}

/// Centre `centre`'s feed file, taken from a [`signed_catalogue`] made with the same `seed`.
pub fn centre_feed_file(catalogue: &Catalogue, centre: &str, sequence: u64, seed: u64) -> Vec<u8> {
    let name = catalogue
        .centres
        .get(centre)
        .and_then(|r| r.winner().body.as_ref())
        .map_or_else(|| centre.to_owned(), |c| c.name.clone());
    feed_file(
        centre_feed(catalogue, centre),
        centre,
        &name,
        FeedKind::Centre,
        sequence,
        &secret_of(centre, seed),
    )
}

/// The stable file name of a feed (`prototheque-flux-<publisher>.json`).
pub fn file_name(publisher: &str) -> String {
    format!("prototheque-flux-{publisher}.json")
}
