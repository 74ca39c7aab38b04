//! The merge that import performs. A record is a state-based CRDT: the set of head versions plus
//! a grow-only set of replaced version ids. Merging two records unions both and keeps the heads
//! nobody replaced, so merge is commutative, associative and idempotent, and a version is only
//! ever dropped when a version that knew it (listed it as replaced) is present.

use super::wire::WireVersion;
use crate::model::{Catalogue, Record, Version};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Stable id of a version: `<revision>-<author>-<hash of its exact content>`. Two centres that
/// hold the same version compute the same id; two different contents never share one in practice
/// (64-bit FNV-1a over the canonical JSON of the version).
pub fn version_id<T: Serialize>(version: &Version<T>) -> String {
    let bytes = serde_json::to_vec(&WireVersion::of(version))
        .expect("serialising in-memory data to a Vec cannot fail");
    format!(
        "{}-{}-{:016x}",
        version.revision,
        version.author,
        fnv1a(&bytes)
    )
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Total order on versions, best first: signed before unsigned (an unsigned version never
/// replaces a signed one), then higher revision, later date, author id, version id, and the
/// signature's own text, so that every centre picks the same winner and the same copy.
fn better<T>(a: &(String, Version<T>), b: &(String, Version<T>)) -> Ordering {
    fn key<T>(v: &(String, Version<T>)) -> impl Ord + '_ {
        let signature = v.1.signature.as_ref().map(|s| (&s.key, &s.value));
        (
            signature.is_some(),
            v.1.revision,
            &v.1.at,
            &v.1.author,
            &v.0,
            signature,
        )
    }
    key(b).cmp(&key(a))
}

/// Puts `versions` in head order, without duplicates (of two copies of one version, a signed one
/// is kept) and without replaced versions. A signed version is dropped as replaced only when a
/// signed version of the same author with a higher revision is there too: a file cannot make a
/// centre's signed work disappear by listing its id; and beside a signed version, unsigned ones
/// are dropped. If a (hostile) set of files replaced every
/// version, all are kept: data is never dropped to zero.
pub(super) fn normalise<T: Serialize>(versions: Vec<Version<T>>, record: &mut Record<T>) {
    // One version is its own head order, and is kept even if replaced (never zero): no need to
    // hash it. This is the common case, and hashing serialises the whole version.
    if versions.len() <= 1 {
        record.heads = versions;
        return;
    }
    let mut keyed: Vec<(String, Version<T>)> =
        versions.into_iter().map(|v| (version_id(&v), v)).collect();
    keyed.sort_by(better);
    // Copies of one version need not be next to each other (signed ones come first).
    let mut seen = std::collections::BTreeSet::new();
    keyed.retain(|(id, _)| seen.insert(id.clone()));
    let replaced: Vec<bool> = keyed
        .iter()
        .map(|(id, v)| is_replaced(id, v, keyed.iter().map(|(_, w)| w), &record.superseded))
        .collect();
    if replaced.contains(&false) {
        let mut replaced = replaced.into_iter();
        keyed.retain(|_| !replaced.next().unwrap_or(false));
    }
    // Beside a signed version, an unsigned one is never shown: it could not replace it, and
    // keeping it would make the outcome depend on which came first.
    if keyed.iter().any(|(_, v)| v.signature.is_some()) {
        keyed.retain(|(_, v)| v.signature.is_some());
    }
    record.heads = keyed.into_iter().map(|(_, v)| v).collect();
}

/// Whether `version` (whose id is `id`), among `versions`, counts as replaced: its id is listed
/// in `superseded` and, if it is signed, its author signed a higher revision among `versions`
/// (listing an id, which anyone can compute, does not replace signed work on its own).
pub(super) fn is_replaced<'a, T: 'a>(
    id: &str,
    version: &Version<T>,
    versions: impl IntoIterator<Item = &'a Version<T>>,
    superseded: &std::collections::BTreeSet<String>,
) -> bool {
    superseded.contains(id)
        && (version.signature.is_none()
            || versions.into_iter().any(|w| {
                w.signature.is_some() && w.author == version.author && w.revision > version.revision
            }))
}

/// Merges two records of the same entity.
pub fn merge_records<T: Serialize + Clone>(a: &Record<T>, b: &Record<T>) -> Record<T> {
    let mut merged = Record {
        heads: Vec::new(),
        superseded: a.superseded.union(&b.superseded).cloned().collect(),
    };
    let versions = a.heads.iter().chain(&b.heads).cloned().collect();
    normalise(versions, &mut merged);
    merged
}

fn merge_maps<T: Serialize + Clone>(
    into: &mut BTreeMap<String, Record<T>>,
    from: &BTreeMap<String, Record<T>>,
) {
    for (id, incoming) in from {
        match into.get_mut(id) {
            Some(existing) => *existing = merge_records(existing, incoming),
            None => {
                into.insert(id.clone(), incoming.clone());
            }
        }
    }
}

/// Merges `incoming` into a copy of `base`: what an import does.
pub fn merge_catalogues(base: &Catalogue, incoming: &Catalogue) -> Catalogue {
    let mut merged = base.clone();
    merge_maps(&mut merged.centres, &incoming.centres);
    merge_maps(&mut merged.prototypes, &incoming.prototypes);
    merge_maps(&mut merged.ratings, &incoming.ratings);
    merged
}

/// A local edit (or deletion, with `body == None`) of a record by centre `author` at time `at`:
/// the new version replaces every current head, so it also resolves a conflict.
pub fn with_edit<T: Serialize + Clone>(
    record: Option<&Record<T>>,
    author: &str,
    at: &str,
    body: Option<T>,
) -> Record<T> {
    // Unknown fields written by a newer app survive an edit made with this one.
    let version = |revision, extra| Version {
        revision,
        author: author.to_owned(),
        at: at.to_owned(),
        body,
        extra,
        // The caller signs it, where this browser holds a key of `author`.
        signature: None,
    };
    match record {
        None => Record::new(version(1, Default::default())),
        Some(record) => {
            let mut superseded = record.superseded.clone();
            superseded.extend(record.heads.iter().map(version_id));
            let extra = record.winner().extra.clone();
            // At the highest revision, an edit keeps it: it still replaces every head (they are
            // listed as replaced), and a file could not carry a higher one.
            let revision = record.next_revision().min(super::MAX_REVISION);
            Record {
                heads: vec![version(revision, extra)],
                superseded,
            }
        }
    }
}
