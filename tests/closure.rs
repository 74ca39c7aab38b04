//! Closure: for any sequence of files that import accepts, (a) the stored catalogue loads back
//! equal to the merged one, (b) its export is accepted by import and gives the same catalogue,
//! (c) the owner's next edit of any record keeps (a) and (b); and the preview is exact (what it
//! calls « Inchangé » or « Ignoré » is left as it was). Import is modelled by
//! `exchange::merge_checked`, which `store::import` follows (merge, `check_merged`, then write);
//! storage by `record_json` per record, reassembled and read back through the door.
//! Sequences of files in turn, as data, are in `tests/fixtures/sequences/`.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use prototheque::exchange::signing::{sign_in, to_sign};
use prototheque::exchange::{
    admit, b64, merge_admitted, signature_checks, Admitted, NetworkKeys, Verdicts,
};
use prototheque::exchange::{
    check_merged, check_stored_record, document_bytes, export_within, merge_catalogues,
    merge_records, preview, read_document, record_bytes, record_json, stored_document, version_id,
    with_edit, Document, EntityKind, Limits, Outcome, MAX_CONFLICTS, MAX_REVISION, MAX_SUPERSEDED,
};
use prototheque::model::{
    Catalogue, Centre, ForkOrigin, Livret, Prototype, Rating, Record, Theme, UsageKind, Version,
};
use prototheque::native_crypto::{public_of, sign, verify};
use std::collections::BTreeMap;
use std::path::Path;

const CENTRES: [&str; 6] = [
    "echo",
    "arbrisseau",
    "phalempins",
    "lazare",
    "moulins",
    "fives",
];
const IDS: [&str; 6] = [
    "radio",
    "pronote",
    "repair-cafe",
    "fablab",
    "jardin",
    "cafe-num",
];
/// The centre whose browser stores the catalogue the files are imported into.
const OWNER: &str = "nous";

fn centre(id: &str, n: u32) -> Centre {
    Centre {
        name: format!("Centre {id} n° {n}"),
        territory: "Lille Sud".into(),
        commune: "Lille".into(),
        tiers_lieu: String::new(),
        keys: Vec::new(),
        revoked: Vec::new(),
    }
}

fn prototype(author: &str, n: u32, origin: Option<usize>) -> Prototype {
    Prototype {
        title: format!("Prototype n° {n}"),
        summary: "x".repeat(1 + n as usize % 300),
        theme: Theme::ALL[n as usize % 7],
        centre: author.to_owned(),
        kind: UsageKind::Workshop,
        public: String::new(),
        scenario: String::new(),
        tools: vec![],
        licence: "CC BY-SA 4.0".into(),
        tags: vec![],
        created: "2026-01-01".into(),
        forked_from: origin.map(|o| ForkOrigin {
            prototype: IDS[o].to_owned(),
            revision: 1,
            extra: Default::default(),
        }),
        livret: Livret::default(),
    }
}

/// What the centres do before sending their files.
#[derive(Clone, Debug)]
enum Op {
    /// Replica `replica` writes prototype `id` (adapted from `origin`, maybe itself).
    Edit {
        replica: usize,
        id: usize,
        n: u32,
        origin: Option<usize>,
    },
    Delete {
        replica: usize,
        id: usize,
    },
    Rate {
        replica: usize,
        id: usize,
        note: u8,
    },
    /// Replica `replica` records centre `c` (concurrent records of one centre are conflicts).
    AddCentre {
        replica: usize,
        c: usize,
        n: u32,
    },
    Sync {
        from: usize,
        to: usize,
    },
    /// A file at the revision limit: prototype `id`'s current version taken to `MAX_REVISION`.
    AtRevisionLimit {
        replica: usize,
        id: usize,
    },
    /// Replica `from` sends its catalogue: it is imported into the owner's store.
    Send {
        from: usize,
    },
    /// The owner edits (or deletes) a record of the store.
    OwnerEdit {
        pick: usize,
        delete: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0..3usize, 0..6usize, 0..1000u32, prop::option::weighted(0.4, 0..6usize))
            .prop_map(|(replica, id, n, origin)| Op::Edit { replica, id, n, origin }),
        1 => (0..3usize, 0..6usize).prop_map(|(replica, id)| Op::Delete { replica, id }),
        2 => (0..3usize, 0..6usize, 1..=5u8).prop_map(|(replica, id, note)| Op::Rate { replica, id, note }),
        2 => (0..3usize, 0..6usize, 0..100u32).prop_map(|(replica, c, n)| Op::AddCentre { replica, c, n }),
        2 => (0..3usize, 0..3usize).prop_map(|(from, to)| Op::Sync { from, to }),
        1 => (0..3usize, 0..6usize).prop_map(|(replica, id)| Op::AtRevisionLimit { replica, id }),
        4 => (0..3usize).prop_map(|from| Op::Send { from }),
        2 => (0..1000usize, prop::bool::weighted(0.2)).prop_map(|(pick, delete)| Op::OwnerEdit { pick, delete }),
    ]
}

/// Limits small enough for generated sequences to reach each of them.
fn limits() -> impl Strategy<Value = Limits> {
    (2_500..40_000usize, 2..8usize, 1..7usize, 1..12usize).prop_map(
        |(max_bytes, max_centres, max_prototypes, max_ratings)| Limits {
            max_bytes,
            max_centres,
            max_prototypes,
            max_ratings,
        },
    )
}

fn doc(catalogue: &Catalogue) -> Document {
    Document {
        exported_by: Some("x".repeat(120)),
        feed: None,
        exported_at: Some("2026-12-31T23:59:59Z".into()),
        catalogue: catalogue.clone(),
        ..Document::default()
    }
}

/// The stored catalogue as the store keeps it (one compact record each), read back as the store
/// does.
fn reload(stored: &Catalogue, limits: &Limits) -> Result<Catalogue, String> {
    let assembled = stored_document(stored);
    let counts = [
        stored.centres.len(),
        stored.prototypes.len(),
        stored.ratings.len(),
    ];
    assert_eq!(
        document_bytes(counts, record_bytes(stored)),
        assembled.len(),
        "the size the import check counts is the size the store reads back"
    );
    read_document(assembled.as_bytes(), limits)
        .map(|d| d.catalogue)
        .map_err(|p| p.to_string())
}

/// A file's catalogue once its signatures are checked (`native_crypto`, WebCrypto's twin) and the
/// ownership and key rules applied against `stored`: what the import page previews.
fn admitted(stored: &Catalogue, incoming: Catalogue) -> Admitted {
    let checks = signature_checks(&incoming);
    let verdicts: Vec<bool> = checks
        .iter()
        .map(|c| verify(&c.key, &c.message, &c.signature))
        .collect();
    admit(
        stored,
        incoming,
        &Verdicts::of(&checks, &verdicts),
        &NetworkKeys::default(),
    )
}

/// What an import of `bytes` does to the owner's store: the door, the signatures and the rules,
/// then the merged check.
fn import(stored: &Catalogue, bytes: &[u8], limits: &Limits) -> Result<Catalogue, String> {
    let incoming = read_document(bytes, limits).map_err(|p| p.to_string())?;
    merge_admitted(
        stored.clone(),
        record_bytes(stored),
        &admitted(stored, incoming.catalogue),
        limits,
    )
    .map_err(|p| p.to_string())
}

/// Replica `replica`'s device key (replicas 0 and 1 sign; 2 is an older build that does not).
fn replica_key(replica: usize) -> Option<([u8; 32], [u8; 32])> {
    (replica < 2).then(|| {
        let secret = [replica as u8 + 1; 32];
        (secret, public_of(&secret))
    })
}

/// Signs what replica `replica` wrote of its own records and left unsigned.
fn sign_own(c: &mut Catalogue, replica: usize) {
    if let Some((secret, public)) = replica_key(replica) {
        for what in to_sign(c, CENTRES[replica], &[]) {
            let signature = sign(&secret, &what.message);
            sign_in(c, &what, &public, &signature);
        }
    }
}

/// Laws (a) and (b) for a stored catalogue.
fn closed(stored: &Catalogue, limits: &Limits) -> Result<(), String> {
    let back = reload(stored, limits).map_err(|e| format!("(a) reload refused:\n{e}"))?;
    if back != *stored {
        return Err("(a) reload differs".into());
    }
    let bytes = export_within(&doc(stored), limits);
    let fresh = import(&Catalogue::default(), &bytes, limits)
        .map_err(|e| format!("(b) export refused by import into an empty catalogue:\n{e}"))?;
    if fresh != *stored {
        let diff: Vec<String> = stored
            .prototypes
            .iter()
            .filter(|(id, r)| fresh.prototypes.get(*id) != Some(r))
            .map(|(id, r)| {
                format!(
                    "{}\n  vs {:?}",
                    record_json(id, r),
                    fresh.prototypes.get(id).map(|f| record_json(id, f))
                )
            })
            .chain(
                stored
                    .centres
                    .iter()
                    .filter(|(id, r)| fresh.centres.get(*id) != Some(r))
                    .map(|(id, r)| {
                        format!(
                            "{}\n  vs {:?}",
                            record_json(id, r),
                            fresh.centres.get(id).map(|f| record_json(id, f))
                        )
                    }),
            )
            .chain(
                stored
                    .ratings
                    .iter()
                    .filter(|(id, r)| fresh.ratings.get(*id) != Some(r))
                    .map(|(id, r)| {
                        format!(
                            "{}\n  vs {:?}",
                            record_json(id, r),
                            fresh.ratings.get(id).map(|f| record_json(id, f))
                        )
                    }),
            )
            .collect();
        return Err(format!(
            "(b) export imported into an empty catalogue differs: {diff:#?}"
        ));
    }
    let again = import(stored, &bytes, limits)
        .map_err(|e| format!("(b) export refused by import into itself:\n{e}"))?;
    if again != *stored {
        return Err("(b) export imported into itself changes it".into());
    }
    Ok(())
}

/// The owner's edit of the `pick`-th record of the store (all lists, in order), checked by the
/// same rules as an import (an edit that would take the catalogue past its size is refused, and
/// the store stays as it was). Gives whether it was made.
fn owner_edit(
    stored: &mut Catalogue,
    pick: usize,
    delete: bool,
    at: &str,
    limits: &Limits,
) -> bool {
    let mut edited = stored.clone();
    let changed = edit_one(&mut edited, pick, delete, at);
    let made = check_merged(&edited, &changed, record_bytes(&edited), limits).is_ok();
    if made {
        *stored = edited;
    }
    made
}

/// Edits the `pick`-th record of `stored`; gives the edited record, as a catalogue of one.
fn edit_one(stored: &mut Catalogue, pick: usize, delete: bool, at: &str) -> Catalogue {
    let mut changed = Catalogue::default();
    let total = stored.centres.len() + stored.prototypes.len() + stored.ratings.len();
    if total == 0 {
        return changed;
    }
    let mut k = pick % total;
    fn edit<T: serde::Serialize + Clone>(
        records: &mut BTreeMap<String, Record<T>>,
        k: usize,
        delete: bool,
        at: &str,
        change: impl Fn(&mut T),
    ) -> (String, Record<T>) {
        let (id, record) = records.iter().nth(k).expect("k is in range");
        let body = (!delete)
            .then(|| record.current().cloned())
            .flatten()
            .map(|mut b| {
                change(&mut b);
                b
            });
        // As `store::save` does: the edit merged with what is stored (so an unsigned edit of
        // a signed record is not kept beside it; the pages only offer edits that would be).
        let edited = merge_records(record, &with_edit(Some(record), OWNER, at, body));
        let id = id.clone();
        records.insert(id.clone(), edited.clone());
        (id, edited)
    }
    if k < stored.centres.len() {
        let (id, r) = edit(&mut stored.centres, k, delete, at, |c| {
            c.commune = "Roubaix".into()
        });
        changed.centres.insert(id, r);
        return changed;
    }
    k -= stored.centres.len();
    if k < stored.prototypes.len() {
        let (id, r) = edit(&mut stored.prototypes, k, delete, at, |p| {
            p.title = "Titre revu".into()
        });
        changed.prototypes.insert(id, r);
        return changed;
    }
    k -= stored.prototypes.len();
    let (id, r) = edit(&mut stored.ratings, k, delete, at, |r| {
        r.comment = "Revu.".into()
    });
    changed.ratings.insert(id, r);
    changed
}

/// A record as the store keeps it, to compare records of any kind.
fn json<T: serde::Serialize>(record: Option<&Record<T>>) -> Option<String> {
    record.map(|r| record_json("x", r))
}

fn world(replica: usize) -> Catalogue {
    let mut c = Catalogue::default();
    let id = CENTRES[replica];
    let mut body = centre(id, 0);
    body.keys = replica_key(replica)
        .map(|(_, public)| b64::encode(&public))
        .into_iter()
        .collect();
    c.centres.insert(
        id.into(),
        with_edit(None, id, "2026-01-01T00:00:00Z", Some(body)),
    );
    sign_own(&mut c, replica);
    c
}

/// Plays the operations; checks the laws after every import and every owner's edit. Gives the
/// number of files accepted.
fn play(ops: &[Op], limits: &Limits) -> Result<usize, String> {
    let mut replicas = [world(0), world(1), world(2)];
    let mut stored = Catalogue::default();
    let mut accepted = 0;
    for (tick, op) in ops.iter().enumerate() {
        let at = format!(
            "2026-02-01T{:02}:{:02}:{:02}Z",
            tick / 3600,
            (tick / 60) % 60,
            tick % 60
        );
        match *op {
            Op::Edit {
                replica,
                id,
                n,
                origin,
            } => {
                let c = &mut replicas[replica];
                let author = CENTRES[replica];
                let body = prototype(author, n, origin);
                let record = with_edit(c.prototypes.get(IDS[id]), author, &at, Some(body));
                c.prototypes.insert(IDS[id].into(), record);
                sign_own(c, replica);
            }
            Op::Delete { replica, id } => {
                let c = &mut replicas[replica];
                if let Some(existing) = c.prototypes.get(IDS[id]) {
                    let record = with_edit(Some(existing), CENTRES[replica], &at, None);
                    c.prototypes.insert(IDS[id].into(), record);
                    sign_own(c, replica);
                }
            }
            Op::Rate { replica, id, note } => {
                let c = &mut replicas[replica];
                if c.prototypes.contains_key(IDS[id]) {
                    let rid = Rating::id_for(IDS[id], CENTRES[replica]);
                    let rating = Rating {
                        prototype: IDS[id].into(),
                        centre: CENTRES[replica].into(),
                        note,
                        criteria: Default::default(),
                        comment: String::new(),
                        participants: u32::from(note) * 2,
                        date: "2026-02-01".into(),
                    };
                    let record =
                        with_edit(c.ratings.get(&rid), CENTRES[replica], &at, Some(rating));
                    c.ratings.insert(rid, record);
                    sign_own(c, replica);
                }
            }
            Op::AddCentre { replica, c, n } => {
                let cat = &mut replicas[replica];
                let mut body = centre(CENTRES[c], n);
                if c == replica {
                    // A centre's own record keeps the keys it publishes (« Mon centre » does).
                    body.keys = replica_key(replica)
                        .map(|(_, public)| b64::encode(&public))
                        .into_iter()
                        .collect();
                }
                let record = with_edit(
                    cat.centres.get(CENTRES[c]),
                    CENTRES[replica],
                    &at,
                    Some(body),
                );
                cat.centres.insert(CENTRES[c].into(), record);
                sign_own(cat, replica);
            }
            Op::Sync { from, to } => {
                if from != to {
                    replicas[to] = merge_catalogues(&replicas[to], &replicas[from]);
                }
            }
            Op::AtRevisionLimit { replica, id } => {
                let c = &mut replicas[replica];
                if let Some(record) = c.prototypes.get(IDS[id]) {
                    let mut next = with_edit(
                        Some(record),
                        CENTRES[replica],
                        &at,
                        record.current().cloned(),
                    );
                    next.heads[0].revision = MAX_REVISION;
                    c.prototypes.insert(IDS[id].into(), next);
                    sign_own(c, replica);
                }
            }
            Op::Send { from } => {
                let file = export_within(&doc(&replicas[from]), limits);
                let before = stored.clone();
                let Ok(incoming) = read_document(&file, limits) else {
                    continue;
                };
                let admitted = admitted(&before, incoming.catalogue);
                let mut told = preview(&before, admitted.catalogue());
                for item in &mut told.items {
                    if admitted.replaces(item.kind, &item.id) {
                        item.outcome = Outcome::Updated;
                    }
                }
                // Refused: nothing is written, the store stays as it was.
                if let Ok(merged) = import(&stored, &file, limits) {
                    {
                        accepted += 1;
                        for item in &told.items {
                            let (was, is) = match item.kind {
                                EntityKind::Centre => (
                                    json(before.centres.get(&item.id)),
                                    json(merged.centres.get(&item.id)),
                                ),
                                EntityKind::Prototype => (
                                    json(before.prototypes.get(&item.id)),
                                    json(merged.prototypes.get(&item.id)),
                                ),
                                EntityKind::Rating => (
                                    json(before.ratings.get(&item.id)),
                                    json(merged.ratings.get(&item.id)),
                                ),
                            };
                            let exact = match item.outcome {
                                Outcome::Unchanged | Outcome::IgnoredOlder => was == is,
                                Outcome::Added => was.is_none(),
                                Outcome::Updated | Outcome::Conflict => was.is_some() && was != is,
                            };
                            if !exact {
                                return Err(format!(
                                    "preview said {:?} for {} « {} »: before {was:?}, after {is:?}",
                                    item.outcome,
                                    item.kind.label(),
                                    item.id
                                ));
                            }
                        }
                        stored = merged;
                        closed(&stored, limits).map_err(|e| format!("after import {tick}: {e}"))?;
                    }
                }
            }
            Op::OwnerEdit { pick, delete } => {
                owner_edit(&mut stored, pick, delete, &at, limits);
                closed(&stored, limits).map_err(|e| format!("after owner's edit {tick}: {e}"))?;
            }
        }
    }
    Ok(accepted)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Laws (a), (b), (c) and the exact preview, over sequences of files at small limits.
    #[test]
    fn what_import_accepts_the_app_reads_back(
        ops in prop::collection::vec(op(), 1..40),
        limits in limits(),
    ) {
        if let Err(e) = play(&ops, &limits) {
            prop_assert!(false, "{}", e);
        }
    }

    /// The same laws at the default limits (the files fit easily; merges, cycles, revisions and
    /// conflicts are what is tested).
    #[test]
    fn at_the_default_limits_too(ops in prop::collection::vec(op(), 1..40)) {
        if let Err(e) = play(&ops, &Limits::default()) {
            prop_assert!(false, "{}", e);
        }
    }
}

/// The generated sequences do reach imports accepted and refused.
#[test]
fn the_generator_accepts_files() {
    let ops = [
        Op::Edit {
            replica: 0,
            id: 0,
            n: 1,
            origin: None,
        },
        Op::Send { from: 0 },
        Op::OwnerEdit {
            pick: 1,
            delete: false,
        },
    ];
    assert_eq!(play(&ops, &Limits::default()), Ok(1));
}

// ---- At the limits of one record, which the generator cannot reach. ----

fn version(revision: u64, author: &str, n: u32) -> Version<Centre> {
    Version {
        revision,
        author: author.into(),
        at: "2026-01-01T00:00:00Z".into(),
        body: Some(centre("echo", n)),
        extra: Default::default(),
        signature: None,
    }
}

fn single(record: Record<Centre>) -> Catalogue {
    let mut c = Catalogue::default();
    c.centres.insert("echo".into(), record);
    c
}

fn file(c: &Catalogue) -> Vec<u8> {
    export_within(&doc(c), &Limits::default())
}

#[test]
fn conflicts_across_two_files_beyond_the_limit_are_refused() {
    let limits = Limits::default();
    let half = |from: u32| {
        single(Record {
            heads: (from..from + MAX_CONFLICTS as u32 / 2 + 5)
                .map(|n| version(1, "echo", n))
                .collect(),
            superseded: Default::default(),
        })
    };
    let stored = import(&Catalogue::default(), &file(&half(0)), &limits).expect("first file");
    closed(&stored, &limits).unwrap();
    let err = import(&stored, &file(&half(1000)), &limits).unwrap_err();
    assert!(
        err.contains("le centre « echo » aurait 109 versions en conflit : au plus 100"),
        "{err}"
    );
}

#[test]
fn replaced_versions_across_two_files_beyond_the_limit_are_refused() {
    let limits = Limits::default();
    let half = |from: usize, n: u32| {
        single(Record {
            heads: vec![version(2, "echo", n)],
            superseded: (from..from + MAX_SUPERSEDED / 2 + 10)
                .map(|k| format!("1-echo-{k:016x}"))
                .collect(),
        })
    };
    let stored = import(&Catalogue::default(), &file(&half(0, 1)), &limits).expect("first file");
    let err = import(&stored, &file(&half(100_000, 2)), &limits).unwrap_err();
    assert!(
        err.contains("versions remplacées : au plus 10000 par enregistrement"),
        "{err}"
    );
}

/// An owner who edits a record that already lists as many replaced versions as a record may
/// would write one more: `store::save` holds the edited record to the stored rules first, so
/// the edit is refused (nothing written) instead of leaving a record the next load refuses.
#[test]
fn an_edit_past_the_replaced_versions_limit_is_refused_before_it_is_written() {
    let full = Record {
        heads: vec![version(2, "echo", 1)],
        superseded: (0..MAX_SUPERSEDED)
            .map(|k| format!("1-echo-{k:016x}"))
            .collect(),
    };
    check_stored_record("echo", &full, "le centre").expect("at the limit: readable");
    let edited = with_edit(
        Some(&full),
        "echo",
        "2026-03-01T00:00:00Z",
        Some(centre("echo", 2)),
    );
    let err = check_stored_record("echo", &edited, "le centre").unwrap_err();
    assert!(
        err.to_string()
            .contains("le centre « echo » aurait 10001 versions remplacées : au plus 10000"),
        "{err}"
    );
    // And what the check lets through, the door reads back.
    let limits = Limits::default();
    let stored = import(&Catalogue::default(), &file(&single(full)), &limits).unwrap();
    closed(&stored, &limits).unwrap();
}

#[test]
fn an_edit_at_the_revision_limit_keeps_the_catalogue_readable() {
    let limits = Limits::default();
    let at_limit = single(Record::new(version(MAX_REVISION, "echo", 1)));
    let mut stored = import(&Catalogue::default(), &file(&at_limit), &limits).unwrap();
    assert!(owner_edit(
        &mut stored,
        0,
        false,
        "2026-03-01T00:00:00Z",
        &limits
    ));
    assert_eq!(stored.centres["echo"].winner().revision, MAX_REVISION);
    assert_eq!(stored.centres["echo"].winner().author, OWNER);
    closed(&stored, &limits).unwrap();
    let above = single(Record::new(version(MAX_REVISION + 1, "echo", 1)));
    let err = import(&Catalogue::default(), &file(&above), &limits).unwrap_err();
    assert!(err.contains("revision"), "{err}");
}

#[test]
fn two_files_that_replace_each_other_entirely_are_refused() {
    let limits = Limits::default();
    let (v1, v2) = (version(1, "echo", 1), version(1, "echo", 2));
    let replaces = |head: &Version<Centre>, other: &Version<Centre>| {
        single(Record {
            heads: vec![head.clone()],
            superseded: [version_id(other)].into(),
        })
    };
    let stored = import(&Catalogue::default(), &file(&replaces(&v1, &v2)), &limits).unwrap();
    let err = import(&stored, &file(&replaces(&v2, &v1)), &limits).unwrap_err();
    assert!(
        err.contains("n'aurait plus que des versions déclarées remplacées"),
        "{err}"
    );
}

#[test]
fn a_stored_catalogue_larger_than_a_file_is_refused() {
    let limits = Limits {
        max_bytes: 4_000,
        ..Limits::default()
    };
    let one = |id: &str| {
        let mut c = Catalogue::default();
        let mut body = centre(id, 0);
        body.territory = "t".repeat(400);
        c.centres.insert(
            id.into(),
            with_edit(None, id, "2026-01-01T00:00:00Z", Some(body)),
        );
        c
    };
    let mut stored = Catalogue::default();
    let mut refused = None;
    for id in CENTRES {
        match import(&stored, &file(&one(id)), &limits) {
            Ok(merged) => {
                stored = merged;
                closed(&stored, &limits).unwrap();
            }
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    let err = refused.expect("the sixth file does not fit");
    assert!(err.contains("le catalogue ferait"), "{err}");
    assert!(err.contains("pour que son export s'ouvre encore"), "{err}");
}

// ---- Sequences as data: tests/fixtures/sequences/<case>/1.json, 2.json…, expected. ----

/// Each case imports its files in turn into an empty catalogue, at the default limits or those
/// its `limits` file sets (`max_centres=3`, one a line); the `expected` file has one line per
/// file, `ACCEPTE` or a part of the refusal, and the laws hold after each accepted file.
#[test]
fn sequence_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sequences");
    let mut cases = 0;
    for case in std::fs::read_dir(&dir).unwrap() {
        let case = case.unwrap().path();
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected = std::fs::read_to_string(case.join("expected")).unwrap();
        let mut limits = Limits::default();
        for line in std::fs::read_to_string(case.join("limits"))
            .unwrap_or_default()
            .lines()
        {
            let (key, value) = line.split_once('=').expect("limits: key=value");
            let value: usize = value.trim().parse().expect("limits: a number");
            match key.trim() {
                "max_bytes" => limits.max_bytes = value,
                "max_centres" => limits.max_centres = value,
                "max_prototypes" => limits.max_prototypes = value,
                "max_ratings" => limits.max_ratings = value,
                other => panic!("{name}: unknown limit {other}"),
            }
        }
        let mut stored = Catalogue::default();
        for (k, line) in expected.lines().enumerate() {
            let bytes = std::fs::read(case.join(format!("{}.json", k + 1))).unwrap();
            match import(&stored, &bytes, &limits) {
                Ok(merged) => {
                    assert_eq!(line.trim(), "ACCEPTE", "{name}: file {} accepted", k + 1);
                    stored = merged;
                    closed(&stored, &limits).unwrap_or_else(|e| panic!("{name}: {e}"));
                }
                Err(e) => assert!(
                    e.contains(line.trim()),
                    "{name}: file {}: expected « {} », got:\n{e}",
                    k + 1,
                    line.trim()
                ),
            }
        }
        cases += 1;
    }
    assert!(cases >= 4, "only {cases} sequence cases");
}
