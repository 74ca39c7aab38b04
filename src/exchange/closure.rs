//! What import writes, the app reads back, forever. The rules a stored catalogue must meet are
//! **the rules of a file**: the store keeps each record in its file form and reloads them as one
//! document through the door with [`Limits::default`], and an export of the stored catalogue must
//! open again. So import checks the **merged result** against them ([`merge_checked`]) before
//! anything is written: a file that would break them is refused, in French, naming the limit and
//! the records concerned.
//!
//! The rules are stated here once, and read by the door too:
//! - the list sizes and the size in bytes of [`Limits`] (the stored document, as the store
//!   assembles it, keeps [`EXPORT_HEADROOM`] under `max_bytes`, for the export's header);
//! - a record holds at most [`MAX_CONFLICTS`] concurrent versions besides its winner and lists
//!   at most [`MAX_SUPERSEDED`] replaced versions, and never replaces all of its present versions;
//! - revisions are at most [`MAX_REVISION`], half the exact-integer limit of JSON numbers, and an
//!   edit at that revision keeps it (it still replaces every head: `merge::with_edit`);
//! - references resolve (a prototype's centre, a report's prototype and centre), a report's
//!   versions are all about the (prototype, centre) its id names, and no adaptation cycle.
//!
//! Laws (`tests/closure.rs`, `examples/fuzz_door.rs`): for any sequence of files that import
//! accepts, the stored catalogue reads back through the door equal to the merged one, its export
//! is accepted and gives the same catalogue, and so after the owner's next edit of any record.

use super::door::Limits;
use super::merge::{is_replaced, merge_records, version_id};
use super::wire::{assemble_document, record_json};
use super::Problems;
use crate::model::{adaptation_cycles_from, Catalogue, Rating, Record};
use serde::Serialize;
use std::collections::BTreeMap;

/// Highest revision a file or a stored record may carry: 2^52, with room under 2^53 (beyond which
/// JSON numbers are no longer exact in most readers).
pub const MAX_REVISION: u64 = 1 << 52;
/// Most concurrent versions a record keeps besides its winner (`conflits`).
pub const MAX_CONFLICTS: usize = 100;
/// Most replaced version ids a record lists (`versions_remplacees`).
pub const MAX_SUPERSEDED: usize = 10_000;
/// Bytes the stored catalogue keeps free under [`Limits::max_bytes`], for what an export adds
/// around its records (`exporte_par`, `exporte_le`: under 200 bytes).
pub const EXPORT_HEADROOM: usize = 1024;

/// Size in bytes of the document the store assembles from records whose compact forms
/// (`record_json`) add up to `record_bytes`, `counts` of them in each list.
pub fn document_bytes(counts: [usize; 3], record_bytes: usize) -> usize {
    let empty = assemble_document([], [], []).len();
    let commas: usize = counts.iter().map(|n| n.saturating_sub(1)).sum();
    empty + record_bytes + commas
}

/// The compact forms of `catalogue`'s records, added up (what [`document_bytes`] takes).
pub fn record_bytes(catalogue: &Catalogue) -> usize {
    fn sum<T: Serialize>(records: &BTreeMap<String, Record<T>>) -> usize {
        records.iter().map(|(id, r)| record_json(id, r).len()).sum()
    }
    sum(&catalogue.centres) + sum(&catalogue.prototypes) + sum(&catalogue.ratings)
}

/// Merges `incoming` (a file read by the door) into `stored`, whose records' compact forms add up
/// to `stored_bytes` ([`record_bytes`]), and checks the result against the rules of a stored
/// catalogue (see the module documentation): the law model of `store::import`, which merges and
/// checks the same way ([`check_merged`]) before it writes.
pub fn merge_checked(
    mut stored: Catalogue,
    stored_bytes: usize,
    incoming: &Catalogue,
    limits: &Limits,
) -> Result<Catalogue, Problems> {
    let mut bytes = stored_bytes as i128;
    bytes += merge_into(&mut stored.centres, &incoming.centres);
    bytes += merge_into(&mut stored.prototypes, &incoming.prototypes);
    bytes += merge_into(&mut stored.ratings, &incoming.ratings);
    check_merged(&stored, incoming, bytes.max(0) as usize, limits)?;
    Ok(stored)
}

/// [`merge_checked`] for a file that went through `exchange::admit`: the records it replaces
/// (see [`Admitted::replaces`](super::Admitted::replaces)) are taken out of `stored` first.
pub fn merge_admitted(
    stored: Catalogue,
    stored_bytes: usize,
    admitted: &super::Admitted,
    limits: &Limits,
) -> Result<Catalogue, Problems> {
    let base = admitted.base(&stored);
    let removed = record_bytes(&stored).saturating_sub(record_bytes(&base));
    drop(stored);
    merge_checked(
        base,
        stored_bytes.saturating_sub(removed),
        admitted.catalogue(),
        limits,
    )
}

/// [`merge_admitted`] in place, for a catalogue that many files are merged into in turn (a hub
/// merging thousands of feeds): the work is proportional to the file, not to `stored`, and
/// `stored_bytes` ([`record_bytes`] of `stored`) is kept up to date. Gives how many records
/// changed. When the result would break the rules, `stored` and `stored_bytes` are left as they
/// were and the problems come back. The result is [`merge_admitted`]'s (`tests/relais.rs`).
pub fn merge_admitted_into(
    stored: &mut Catalogue,
    stored_bytes: &mut usize,
    admitted: &super::Admitted,
    limits: &Limits,
) -> Result<usize, Problems> {
    use super::EntityKind;
    let incoming = admitted.catalogue();
    // What the file touches, as it was, to compare and to undo.
    let before = Catalogue {
        centres: taken(&stored.centres, incoming.centres.keys()),
        prototypes: taken(&stored.prototypes, incoming.prototypes.keys()),
        ratings: taken(&stored.ratings, incoming.ratings.keys()),
        ..Catalogue::default()
    };
    let mut replaced = Catalogue::default();
    let mut bytes = *stored_bytes as i128;
    for (kind, id) in admitted.replaced() {
        fn out<T: Serialize>(
            from: &mut BTreeMap<String, Record<T>>,
            into: &mut BTreeMap<String, Record<T>>,
            id: String,
        ) -> i128 {
            from.remove(&id).map_or(0, |record| {
                let len = record_json(&id, &record).len() as i128;
                into.insert(id, record);
                len
            })
        }
        bytes -= match kind {
            EntityKind::Centre => out(&mut stored.centres, &mut replaced.centres, id),
            EntityKind::Prototype => out(&mut stored.prototypes, &mut replaced.prototypes, id),
            EntityKind::Rating => out(&mut stored.ratings, &mut replaced.ratings, id),
        };
    }
    bytes += merge_into(&mut stored.centres, &incoming.centres);
    bytes += merge_into(&mut stored.prototypes, &incoming.prototypes);
    bytes += merge_into(&mut stored.ratings, &incoming.ratings);
    let bytes = bytes.max(0) as usize;
    if let Err(problems) = check_merged(stored, incoming, bytes, limits) {
        fn undo<T>(
            into: &mut BTreeMap<String, Record<T>>,
            incoming: &BTreeMap<String, Record<T>>,
            before: BTreeMap<String, Record<T>>,
            replaced: BTreeMap<String, Record<T>>,
        ) {
            for id in incoming.keys() {
                into.remove(id);
            }
            into.extend(before);
            into.extend(replaced);
        }
        undo(
            &mut stored.centres,
            &incoming.centres,
            before.centres,
            replaced.centres,
        );
        undo(
            &mut stored.prototypes,
            &incoming.prototypes,
            before.prototypes,
            replaced.prototypes,
        );
        undo(
            &mut stored.ratings,
            &incoming.ratings,
            before.ratings,
            replaced.ratings,
        );
        return Err(problems);
    }
    *stored_bytes = bytes;
    fn changed<T: PartialEq>(
        now: &BTreeMap<String, Record<T>>,
        incoming: &BTreeMap<String, Record<T>>,
        before: &BTreeMap<String, Record<T>>,
    ) -> usize {
        incoming
            .keys()
            .filter(|id| before.get(*id) != now.get(*id))
            .count()
    }
    Ok(changed(&stored.centres, &incoming.centres, &before.centres)
        + changed(&stored.prototypes, &incoming.prototypes, &before.prototypes)
        + changed(&stored.ratings, &incoming.ratings, &before.ratings))
}

/// The records of `from` named by `ids`, cloned.
fn taken<'a, T: Clone + 'a>(
    from: &BTreeMap<String, Record<T>>,
    ids: impl Iterator<Item = &'a String>,
) -> BTreeMap<String, Record<T>> {
    ids.filter_map(|id| from.get(id).map(|r| (id.clone(), r.clone())))
        .collect()
}

/// Merges `incoming`'s records into `into`; gives how many bytes the records' compact forms grew
/// by.
fn merge_into<T: Serialize + Clone + PartialEq>(
    into: &mut BTreeMap<String, Record<T>>,
    incoming: &BTreeMap<String, Record<T>>,
) -> i128 {
    let mut grown = 0i128;
    for (id, record) in incoming {
        let merged = match into.get(id) {
            Some(existing) if existing == record => continue,
            Some(existing) => {
                grown -= record_json(id, existing).len() as i128;
                merge_records(existing, record)
            }
            None => record.clone(),
        };
        grown += record_json(id, &merged).len() as i128;
        into.insert(id.clone(), merged);
    }
    grown
}

/// Checks `merged` — a stored catalogue that met the rules, with `incoming` merged into it, its
/// records' compact forms adding up to `record_bytes` — against the rules of a stored catalogue.
/// Only what `incoming` can have changed is looked at: its records, the counts, the size, and the
/// adaptation cycles its prototypes reach. Every problem is listed, in French.
pub fn check_merged(
    merged: &Catalogue,
    incoming: &Catalogue,
    record_bytes: usize,
    limits: &Limits,
) -> Result<(), Problems> {
    let mut problems = Problems::default();
    for id in incoming.centres.keys() {
        check_record(id, &merged.centres[id], "le centre", &mut problems);
    }
    for id in incoming.prototypes.keys() {
        let record = &merged.prototypes[id];
        check_record(id, record, "le prototype", &mut problems);
        for centre in record
            .heads
            .iter()
            .filter_map(|v| v.body.as_ref())
            .map(|b| &b.centre)
        {
            if !merged.centres.contains_key(centre) {
                problems.push(
                    String::new(),
                    format!(
                        "le prototype « {id} » nomme le centre « {centre} », absent du catalogue"
                    ),
                );
            }
        }
    }
    for id in incoming.ratings.keys() {
        let record = &merged.ratings[id];
        check_record(id, record, "le rapport d'expérience", &mut problems);
        for body in record.heads.iter().filter_map(|v| v.body.as_ref()) {
            let expected = Rating::id_for(&body.prototype, &body.centre);
            if expected != *id {
                problems.push(
                    String::new(),
                    format!(
                        "le rapport d'expérience « {id} » aurait une version sur « {expected} » \
                         (chaque version d'un rapport porte sur le prototype et le centre de son \
                         identifiant)"
                    ),
                );
            }
            if !merged.prototypes.contains_key(&body.prototype) {
                problems.push(
                    String::new(),
                    format!(
                        "le rapport d'expérience « {id} » nomme le prototype « {} », absent du \
                         catalogue",
                        body.prototype
                    ),
                );
            }
            if !merged.centres.contains_key(&body.centre) {
                problems.push(
                    String::new(),
                    format!(
                        "le rapport d'expérience « {id} » nomme le centre « {} », absent du \
                         catalogue",
                        body.centre
                    ),
                );
            }
        }
    }

    let counts = [
        merged.centres.len(),
        merged.prototypes.len(),
        merged.ratings.len(),
    ];
    let most = [
        limits.max_centres,
        limits.max_prototypes,
        limits.max_ratings,
    ];
    let nouns = ["centres", "prototypes", "rapports d'expérience"];
    for ((count, most), noun) in counts.into_iter().zip(most).zip(nouns) {
        if count > most {
            problems.push(
                String::new(),
                format!(
                    "le catalogue compterait {count} {noun} : au plus {most}, ce qu'un fichier \
                     peut contenir"
                ),
            );
        }
    }
    let size = document_bytes(counts, record_bytes);
    let room = limits.max_bytes.saturating_sub(EXPORT_HEADROOM);
    if size > room {
        problems.push(
            String::new(),
            format!(
                "le catalogue ferait {} octets : au plus {room} octets, pour que son export \
                 s'ouvre encore (un fichier fait au plus {} Mo)",
                size,
                limits.max_bytes / (1024 * 1024)
            ),
        );
    }

    for cycle in adaptation_cycles_from(merged, incoming.prototypes.keys().map(String::as_str)) {
        let names: Vec<String> = cycle.iter().map(|id| format!("« {id} »")).collect();
        let mut path = cycle.clone();
        path.push(cycle[0].clone());
        problems.push(
            String::new(),
            if cycle.len() == 1 {
                format!("le prototype {} serait adapté de lui-même", names[0])
            } else {
                format!(
                    "les prototypes {} seraient adaptés les uns des autres en boucle ({})",
                    names.join(", "),
                    path.join(" → ")
                )
            },
        );
    }

    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The rules of one record: concurrent and replaced versions within limits, revisions within
/// [`MAX_REVISION`], and not every present version declared replaced.
/// The rules one record of a stored catalogue must meet (conflicts, replaced versions, revision,
/// a version left that is not replaced), whatever the rest of the catalogue: what a local edit
/// is checked against before it is written (`store::save`).
pub fn check_stored_record<T: Serialize>(
    id: &str,
    record: &Record<T>,
    noun: &str,
) -> Result<(), Problems> {
    let mut problems = Problems::default();
    check_record(id, record, noun, &mut problems);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn check_record<T: Serialize>(id: &str, record: &Record<T>, noun: &str, problems: &mut Problems) {
    let conflicts = record.heads.len().saturating_sub(1);
    if conflicts > MAX_CONFLICTS {
        problems.push(
            String::new(),
            format!(
                "{noun} « {id} » aurait {conflicts} versions en conflit : au plus \
                 {MAX_CONFLICTS} par enregistrement"
            ),
        );
    }
    if record.superseded.len() > MAX_SUPERSEDED {
        problems.push(
            String::new(),
            format!(
                "{noun} « {id} » aurait {} versions remplacées : au plus {MAX_SUPERSEDED} par \
                 enregistrement",
                record.superseded.len()
            ),
        );
    }
    if let Some(v) = record.heads.iter().find(|v| v.revision > MAX_REVISION) {
        problems.push(
            String::new(),
            format!(
                "{noun} « {id} » aurait la révision {} : au plus {MAX_REVISION}",
                v.revision
            ),
        );
    }
    if !record.superseded.is_empty()
        && record
            .heads
            .iter()
            .any(|v| is_replaced(&version_id(v), v, &record.heads, &record.superseded))
    {
        problems.push(
            String::new(),
            format!(
                "{noun} « {id} » n'aurait plus que des versions déclarées remplacées (les \
                 fichiers importés se remplacent l'un l'autre)"
            ),
        );
    }
}
