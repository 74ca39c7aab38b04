//! What an import would do, computed before anything is written.

use super::merge::{merge_records, version_id};
use crate::model::{Catalogue, Record};
use serde::Serialize;

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

    /// How to count records of this kind: (one, several).
    pub fn nouns(self) -> (&'static str, &'static str) {
        match self {
            EntityKind::Centre => ("centre", "centres"),
            EntityKind::Prototype => ("prototype", "prototypes"),
            EntityKind::Rating => ("rapport d'expérience", "rapports d'expérience"),
        }
    }
}

/// What importing one record of the file would do to the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// New to this catalogue.
    Added,
    /// A newer version replaces the current one, or the record learns of more replaced versions.
    Updated,
    /// The catalogue already holds exactly this: the record stays as it is.
    Unchanged,
    /// The file's version is older than (replaced by) what the catalogue holds: the record stays
    /// as it is.
    IgnoredOlder,
    /// The file's version and the catalogue's were edited concurrently: both are kept, one wins,
    /// the other stays reachable as a conflict.
    Conflict,
}

impl Outcome {
    /// True when importing the record changes the catalogue (it is new, newer, or concurrent).
    pub fn changes_catalogue(self) -> bool {
        !matches!(self, Outcome::Unchanged | Outcome::IgnoredOlder)
    }

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
        !self.items.iter().any(|i| i.outcome.changes_catalogue())
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
    // Exact: « Inchangé » and « Ignoré » only when the record stays as it is. Same heads but more
    // replaced versions listed is a change (an update of what the record knows).
    if before == after && merged.superseded == current.superseded {
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

/// Lists, record by record, what merging `incoming` into `current` would do. Pure: nothing is
/// written. (Files that fail validation never get here: their problems are listed by the door.)
pub fn preview(current: &Catalogue, incoming: &Catalogue) -> Preview {
    Preview {
        items: preview_keys(incoming)
            .into_iter()
            .map(|(kind, id)| preview_item(current, incoming, kind, id))
            .collect(),
    }
}

/// The records of `incoming` in preview order, for callers that take them a few at a time with
/// [`preview_item`] (a national file, previewed without blocking the page).
pub fn preview_keys(incoming: &Catalogue) -> Vec<(EntityKind, String)> {
    let mut keys = Vec::new();
    keys.extend(
        incoming
            .centres
            .keys()
            .map(|id| (EntityKind::Centre, id.clone())),
    );
    keys.extend(
        incoming
            .prototypes
            .keys()
            .map(|id| (EntityKind::Prototype, id.clone())),
    );
    keys.extend(
        incoming
            .ratings
            .keys()
            .map(|id| (EntityKind::Rating, id.clone())),
    );
    keys
}

/// What importing record `id` (of `kind`, present in `incoming`) would do to `current`.
pub fn preview_item(
    current: &Catalogue,
    incoming: &Catalogue,
    kind: EntityKind,
    id: String,
) -> PreviewItem {
    let outcome = match kind {
        EntityKind::Centre => outcome(current.centres.get(&id), &incoming.centres[&id]),
        EntityKind::Prototype => outcome(current.prototypes.get(&id), &incoming.prototypes[&id]),
        EntityKind::Rating => outcome(current.ratings.get(&id), &incoming.ratings[&id]),
    };
    PreviewItem { kind, id, outcome }
}

/// A record of a preview as a person reads it: a centre's name, a prototype's title, a report's
/// prototype; and the name of the centre it comes from (none for a centre).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Described {
    pub title: String,
    pub centre: Option<String>,
}

/// Names record `id` of `kind` for a person, from the file's version in `incoming` first, else
/// from `current` (a deletion has no content of its own); a record neither names gets its id, so
/// that something is always said.
pub fn describe(
    current: &Catalogue,
    incoming: &Catalogue,
    kind: EntityKind,
    id: &str,
) -> Described {
    let centre_name = |centre: &str| {
        incoming
            .centre(centre)
            .or_else(|| current.centre(centre))
            .map_or_else(|| centre.to_owned(), |c| c.name.clone())
    };
    let prototype = |id: &str| incoming.prototype(id).or_else(|| current.prototype(id));
    match kind {
        EntityKind::Centre => Described {
            title: incoming
                .centre(id)
                .or_else(|| current.centre(id))
                .map_or_else(|| id.to_owned(), |c| c.name.clone()),
            centre: None,
        },
        EntityKind::Prototype => match prototype(id) {
            Some(p) => Described {
                title: p.title.clone(),
                centre: Some(centre_name(&p.centre)),
            },
            None => Described {
                title: id.to_owned(),
                centre: None,
            },
        },
        EntityKind::Rating => {
            let rating = incoming
                .ratings
                .get(id)
                .and_then(crate::model::Record::current)
                .or_else(|| {
                    current
                        .ratings
                        .get(id)
                        .and_then(crate::model::Record::current)
                });
            match rating {
                Some(r) => Described {
                    title: prototype(&r.prototype)
                        .map_or_else(|| r.prototype.clone(), |p| p.title.clone()),
                    centre: Some(centre_name(&r.centre)),
                },
                None => Described {
                    title: id.to_owned(),
                    centre: None,
                },
            }
        }
    }
}
