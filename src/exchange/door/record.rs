//! The record envelope every entity shares: a record's id, its winning version, the concurrent
//! ones (`conflits`) and the ids of the versions it replaced (`versions_remplacees`); a version's
//! revision, author, date and tombstone flag around the entity's body, which its [`Kind`] reads.

use super::fields::{Cx, Fields, Path, Reader};
use super::values::{boolean, id, public_key, revision, signature_value, timestamp};
use crate::exchange::json::Value;
use crate::exchange::merge::{is_replaced, normalise, version_id};
use crate::model::{Record, Signature, Version};
use serde::Serialize;
use std::collections::BTreeSet;

use crate::exchange::{MAX_CONFLICTS, MAX_SUPERSEDED};

const ID: &str = "id";
const CONFLICTS: &str = "conflits";
const SUPERSEDED: &str = "versions_remplacees";

/// How to read one kind of entity inside its envelope.
pub(super) struct Kind<T> {
    /// Reads the body's fields from the version's object.
    pub body: fn(&mut Cx, &mut Fields) -> Option<T>,
    /// How the record id is checked.
    pub id: Reader<String>,
    /// Evaluations may omit their id: it is derived from (prototype, centre).
    pub derive_id: Option<fn(&T) -> String>,
}

/// Reads a version from its object (at `at`), once the record's own keys are taken: the
/// envelope, then the body unless it is a tombstone, whose leftover content fields are then kept
/// as unknown fields rather than dropped — within the bound on a version's unknown fields (a
/// bound per version, not per record, so that merging versions from two files never crosses it).
fn version<T>(cx: &mut Cx, mut obj: Fields, kind: &Kind<T>, at: Path) -> Option<Version<T>> {
    let unknown_since = cx.unknown_bytes;
    let revision = obj.required(cx, "revision", revision);
    let author = obj.required(cx, "modifie_par", id);
    let date = obj.required(cx, "modifie_le", timestamp);
    let deleted = obj.or_default(cx, "supprime", boolean);
    let signature = obj.or_empty(cx, "signature", |cx, value, path| {
        signature(cx, value, path).map(Some)
    });
    let body = if deleted {
        None
    } else {
        Some((kind.body)(cx, &mut obj)?)
    };
    let extra = obj.unknown(cx);
    if !cx.unknown_within_bounds(unknown_since, at, "de cette version") {
        return None;
    }
    Some(Version {
        revision: revision?,
        author: author?,
        at: date?,
        body,
        extra,
        signature: signature?,
    })
}

/// A version's signature: `{"cle": <public key>, "valeur": <signature>}`, nothing else (a key
/// it does not know would be lost, and it is not covered by what the key signed).
fn signature(cx: &mut Cx, value: &Value, path: Path) -> Option<Signature> {
    let mut obj = Fields::of(cx, value, path)?;
    let key = obj.required(cx, "cle", public_key);
    let signed = obj.required(cx, "valeur", signature_value);
    if obj.has_untaken() {
        cx.report(
            path,
            "une signature n'a que deux champs : « cle » et « valeur »",
        );
        return None;
    }
    Some(Signature {
        key: key?,
        value: signed?,
    })
}

/// A version id, as [`version_id`] writes them.
fn vid(cx: &mut Cx, value: &Value, path: Path) -> Option<String> {
    match value {
        Value::String(s)
            if !s.is_empty() && s.len() <= 200 && s.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Some(s.to_string())
        }
        _ => {
            cx.report(path, "doit être un identifiant de version");
            None
        }
    }
}

/// Reads one record: its id and its versions, normalised (see `merge::normalise`).
pub(super) fn record<T: Serialize>(
    cx: &mut Cx,
    value: &Value,
    at: Path,
    kind: &Kind<T>,
) -> Option<(String, Record<T>)> {
    let mut obj = Fields::of(cx, value, at)?;
    let given_id = match (obj.has(ID), kind.derive_id) {
        (false, Some(_)) => None,
        _ => Some(obj.required(cx, ID, kind.id)),
    };
    let conflicts_value = obj.take(CONFLICTS);
    let superseded_value = obj.take(SUPERSEDED);
    let winner = version(cx, obj, kind, at);

    let conflicts_path = Path::Key(&at, CONFLICTS);
    let mut conflicts = Vec::new();
    match conflicts_value {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) if items.len() <= MAX_CONFLICTS => {
            for (i, item) in items.iter().enumerate() {
                let path = Path::Index(&conflicts_path, i);
                if let Some(mut obj) = Fields::of(cx, item, path) {
                    // A version inside `conflits` has no record keys of its own: a stray id or
                    // empty list goes, but versions nested in it would be lost, so they are refused.
                    let nested = obj.take(CONFLICTS);
                    if matches!(nested, Some(Value::Array(items)) if !items.is_empty())
                        || matches!(nested, Some(v) if !matches!(v, Value::Array(_) | Value::Null))
                    {
                        cx.report(
                            Path::Key(&path, CONFLICTS),
                            "une version en conflit ne peut pas contenir d'autres versions en \
                             conflit : placez-les toutes dans la liste « conflits » de \
                             l'enregistrement",
                        );
                        conflicts.push(None);
                    }
                    obj.drop_keys(&[ID, SUPERSEDED]);
                    conflicts.push(version(cx, obj, kind, path));
                }
            }
        }
        Some(_) => cx.report(
            conflicts_path,
            format!("doit être une liste d'au plus {MAX_CONFLICTS} versions"),
        ),
    }

    let superseded_path = Path::Key(&at, SUPERSEDED);
    let superseded: Option<BTreeSet<String>> = match superseded_value {
        None | Some(Value::Null) => Some(BTreeSet::new()),
        Some(Value::Array(items)) if items.len() <= MAX_SUPERSEDED => items
            .iter()
            .enumerate()
            .map(|(i, v)| vid(cx, v, Path::Index(&superseded_path, i)))
            .collect::<Vec<_>>()
            .into_iter()
            .collect(),
        Some(_) => {
            cx.report(
                superseded_path,
                format!("doit être une liste d'au plus {MAX_SUPERSEDED} identifiants"),
            );
            None
        }
    };

    let winner = winner?;
    let record_id = match given_id {
        Some(given) => given?,
        None => match (&winner.body, kind.derive_id) {
            (Some(body), Some(derive)) => derive(body),
            _ => {
                cx.report(
                    Path::Key(&at, ID),
                    "l'identifiant est obligatoire pour une suppression",
                );
                return None;
            }
        },
    };
    if let (Some(body), Some(derive)) = (&winner.body, kind.derive_id) {
        let expected = derive(body);
        if expected != record_id {
            cx.report(
                Path::Key(&at, ID),
                format!("l'identifiant doit être « {expected} » (prototype:centre)"),
            );
            return None;
        }
    }
    let conflicts: Option<Vec<Version<T>>> = conflicts.into_iter().collect();
    let mut record = Record {
        heads: Vec::new(),
        superseded: superseded?,
    };
    let mut versions = conflicts?;
    versions.insert(0, winner);
    if !record.superseded.is_empty()
        && versions
            .iter()
            .any(|v| is_replaced(&version_id(v), v, &versions, &record.superseded))
    {
        cx.report(
            superseded_path,
            "une version est à la fois présente et déclarée remplacée",
        );
        return None;
    }
    normalise(versions, &mut record);
    Some((record_id, record))
}
