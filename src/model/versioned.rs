use super::{Extra, Signature};
use std::collections::BTreeSet;

/// One version of an entity: who wrote it, when, at which Lamport revision, and its content.
/// `body == None` is a tombstone (the entity was deleted at that revision).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version<T> {
    /// Lamport-style counter: an edit gets `1 + max(revision of the versions it replaces)`.
    pub revision: u64,
    /// Id of the centre that made this version.
    pub author: String,
    /// When, as `YYYY-MM-DDTHH:MM:SSZ` (UTC, so that text order is time order).
    pub at: String,
    pub body: Option<T>,
    /// Unknown top-level fields of the entity, kept through round trips.
    pub extra: Extra,
    /// The author's signature over this version (see `exchange::signing`), if it has one. Not
    /// part of what the version *is*: its id and its signed bytes leave it out.
    pub signature: Option<Signature>,
}

/// Everything one catalogue knows about one entity (a centre, a prototype, a report).
///
/// `heads` are the versions nobody has replaced yet, best first: one in the usual case, several
/// when two centres edited concurrently (a conflict; the losers stay reachable). `superseded`
/// holds the ids (see `exchange::version_id`) of every version known to be replaced: a grow-only
/// set, which is what makes merging order-independent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record<T> {
    pub heads: Vec<Version<T>>,
    pub superseded: BTreeSet<String>,
}

impl<T> Record<T> {
    /// A record holding a single, first version.
    pub fn new(version: Version<T>) -> Self {
        Record {
            heads: vec![version],
            superseded: BTreeSet::new(),
        }
    }

    /// The winning version.
    pub fn winner(&self) -> &Version<T> {
        &self.heads[0]
    }

    /// The winning content, unless the winner is a deletion.
    pub fn current(&self) -> Option<&T> {
        self.winner().body.as_ref()
    }

    /// Concurrent versions that lost against the winner, still reachable.
    pub fn conflicts(&self) -> &[Version<T>] {
        &self.heads[1..]
    }

    pub fn in_conflict(&self) -> bool {
        self.heads.len() > 1
    }

    /// The revision a new local edit of this record must carry.
    pub fn next_revision(&self) -> u64 {
        self.heads.iter().map(|v| v.revision).max().unwrap_or(0) + 1
    }
}
