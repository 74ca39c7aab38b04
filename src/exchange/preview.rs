//! What an import would do, computed before anything is written.

use super::merge::{merge_records, version_id};
use crate::model::{Catalogue, Record};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntityKind {
    Centre,
    Prototype,
    Rating,
}

impl EntityKind {
    pub fn label(self) -> &'static str {
        match self {
            EntityKind::Centre => "Centre",
            EntityKind::Prototype => "Prototype",
            EntityKind::Rating => "Rapport d'expérience",
        }
    }
}

/// What importing one record of the file would do to the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// New to this catalogue.
    Added,
    /// A newer version replaces the current one.
    Updated,
    /// The catalogue already holds exactly this.
    Unchanged,
    /// The file's version is older than (replaced by) what the catalogue holds.
    IgnoredOlder,
    /// The file's version and the catalogue's were edited concurrently: both are kept, one wins,
    /// the other stays reachable as a conflict.
    Conflict,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Added => "Ajouté",
            Outcome::Updated => "Mis à jour",
            Outcome::Unchanged => "Inchangé",
            Outcome::IgnoredOlder => "Ignoré (version plus ancienne)",
            Outcome::Conflict => "Conflit (les deux versions sont gardées)",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewItem {
    pub kind: EntityKind,
    pub id: String,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Preview {
    pub items: Vec<PreviewItem>,
}

impl Preview {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.items.iter().filter(|i| i.outcome == outcome).count()
    }

    /// True when importing would change nothing.
    pub fn is_noop(&self) -> bool {
        self.items
            .iter()
            .all(|i| matches!(i.outcome, Outcome::Unchanged | Outcome::IgnoredOlder))
    }
}

/// What importing `incoming` would do to `current` (the catalogue's record with the same id).
pub fn outcome<T: Serialize + Clone + PartialEq>(
    current: Option<&Record<T>>,
    incoming: &Record<T>,
) -> Outcome {
    let Some(current) = current else {
        return Outcome::Added;
    };
    // The same record again (a file imported twice): nothing to hash or merge.
    if current == incoming {
        return Outcome::Unchanged;
    }
    let merged = merge_records(current, incoming);
    let heads_of = |r: &Record<T>| r.heads.iter().map(version_id).collect::<Vec<_>>();
    let (before, after) = (heads_of(current), heads_of(&merged));
    if before == after {
        if heads_of(incoming).iter().all(|id| before.contains(id)) {
            Outcome::Unchanged
        } else {
            Outcome::IgnoredOlder
        }
    } else if after.len() > 1 && after.iter().any(|id| !before.contains(id)) {
        Outcome::Conflict
    } else {
        Outcome::Updated
    }
}

fn items<'a, T: Serialize + Clone + PartialEq>(
    kind: EntityKind,
    current: &'a BTreeMap<String, Record<T>>,
    incoming: &'a BTreeMap<String, Record<T>>,
) -> impl Iterator<Item = PreviewItem> + 'a {
    incoming.iter().map(move |(id, record)| PreviewItem {
        kind,
        id: id.clone(),
        outcome: outcome(current.get(id), record),
    })
}

/// Lists, record by record, what merging `incoming` into `current` would do. Pure: nothing is
/// written. (Files that fail validation never get here: their problems are listed by the door.)
pub fn preview(current: &Catalogue, incoming: &Catalogue) -> Preview {
    Preview {
        items: preview_items(current, incoming).collect(),
    }
}

/// The items of [`preview`] one at a time, so that a caller can pause between them.
pub fn preview_items<'a>(
    current: &'a Catalogue,
    incoming: &'a Catalogue,
) -> impl Iterator<Item = PreviewItem> + 'a {
    items(EntityKind::Centre, &current.centres, &incoming.centres)
        .chain(items(
            EntityKind::Prototype,
            &current.prototypes,
            &incoming.prototypes,
        ))
        .chain(items(
            EntityKind::Rating,
            &current.ratings,
            &incoming.ratings,
        ))
}
