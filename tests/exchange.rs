//! The exchange format: hostile files, round trips, deterministic export, and the laws of merge.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use prototheque::exchange::{
    assemble_document, export, merge_catalogues, preview, read_document, record_json, version_id,
    with_edit, Document, Limits, Outcome,
};
use prototheque::model::{
    Catalogue, Centre, Livret, Prototype, Rating, Record, Theme, UsageKind, Version,
};
use std::path::Path;

fn read(bytes: &[u8]) -> Result<Document, String> {
    read_document(bytes, &Limits::default()).map_err(|p| p.to_string())
}

/// Every file in tests/fixtures/hostile is read without panicking, and gives either the problem
/// its `.expected` file names or, for `ACCEPTE`, a valid document that survives a round trip.
#[test]
fn hostile_fixtures_give_clear_errors_or_safe_acceptance() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        count += 1;
        let bytes = std::fs::read(&path).unwrap();
        let expected = std::fs::read_to_string(path.with_extension("expected")).unwrap();
        let expected = expected.trim();
        let name = path.file_name().unwrap().to_string_lossy();
        match read(&bytes) {
            Ok(doc) => {
                assert_eq!(
                    expected, "ACCEPTE",
                    "{name}: accepted, expected « {expected} »"
                );
                let again = read(&export(&doc)).unwrap();
                assert_eq!(again, doc, "{name}: round trip");
            }
            Err(problems) => assert!(
                problems.contains(expected),
                "{name}: expected « {expected} », got:\n{problems}"
            ),
        }
    }
    assert!(count >= 30, "only {count} hostile fixtures");
}

#[test]
fn unknown_fields_survive_a_round_trip() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/hostile/unknown-fields-are-kept.json"
    ))
    .unwrap();
    let doc = read(&bytes).unwrap();
    let out = String::from_utf8(export(&doc)).unwrap();
    assert!(out.contains("\"extension_future\""));
    assert!(out.contains("\"couleur\": \"vert\""));
    assert!(out.contains("\"annexe\": \"texte\""));
}

#[test]
fn oversized_files_and_counts_are_refused() {
    let limits = Limits {
        max_bytes: 100,
        ..Limits::default()
    };
    let err = read_document(&[b' '; 200], &limits).unwrap_err();
    assert!(err.to_string().contains("trop volumineux"));
    let limits = Limits {
        max_prototypes: 0,
        ..Limits::default()
    };
    let seed = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/public/catalogue.json"
    ))
    .unwrap();
    let err = read_document(&seed, &limits).unwrap_err();
    assert!(err
        .to_string()
        .contains("prototypes : le fichier contient trop d'éléments (48 ; au plus 0)"));
}

#[test]
fn every_problem_is_listed_not_just_the_first() {
    let file =
        r#"{"format":"prototheque-catalogue","version":"1.0","centres":[{"id":"A","revision":0}]}"#;
    let problems = read(file.as_bytes()).unwrap_err();
    for expected in [
        "centres[0].id",
        "centres[0].revision",
        "centres[0].modifie_par",
        "centres[0].modifie_le",
        "centres[0].nom",
    ] {
        assert!(
            problems.contains(&format!("{expected} : ")),
            "{expected} missing in:\n{problems}"
        );
    }
}

// ---- A small world of centres editing prototypes, to state the laws of merge. ----

const CENTRES: [&str; 3] = ["echo", "arbrisseau", "phalempins"];
const IDS: [&str; 3] = ["radio", "pronote", "repair-cafe"];

fn centre_record(id: &str) -> Record<Centre> {
    with_edit(
        None,
        id,
        "2026-01-01T00:00:00Z",
        Some(Centre {
            name: format!("Centre {id}"),
            territory: "Lille Sud".into(),
            commune: "Lille".into(),
            tiers_lieu: String::new(),
            keys: Vec::new(),
            revoked: Vec::new(),
        }),
    )
}

fn prototype(author: &str, n: u32) -> Prototype {
    Prototype {
        title: format!("Prototype n° {n}"),
        summary: format!("Version écrite par {author}."),
        theme: Theme::ALL[n as usize % 7],
        centre: author.to_owned(),
        kind: UsageKind::Workshop,
        public: String::new(),
        scenario: String::new(),
        tools: vec![],
        licence: "CC BY-SA 4.0".into(),
        tags: vec![],
        created: "2026-01-01".into(),
        forked_from: None,
        livret: Livret::default(),
    }
}

fn empty_world() -> Catalogue {
    let mut c = Catalogue::default();
    for id in CENTRES {
        c.centres.insert(id.to_owned(), centre_record(id));
    }
    c
}

#[derive(Clone, Debug)]
enum Op {
    Edit { replica: usize, id: usize, n: u32 },
    Delete { replica: usize, id: usize },
    Rate { replica: usize, id: usize, note: u8 },
    Sync { from: usize, to: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..3usize, 0..3usize, 0..1000u32).prop_map(|(replica, id, n)| Op::Edit { replica, id, n }),
        1 => (0..3usize, 0..3usize).prop_map(|(replica, id)| Op::Delete { replica, id }),
        1 => (0..3usize, 0..3usize, 1..=5u8).prop_map(|(replica, id, note)| Op::Rate { replica, id, note }),
        3 => (0..3usize, 0..3usize).prop_map(|(from, to)| Op::Sync { from, to }),
    ]
}

/// Plays the operations on three replicas (one per centre) with a logical clock for dates.
fn play(ops: &[Op]) -> [Catalogue; 3] {
    let mut replicas = [empty_world(), empty_world(), empty_world()];
    for (tick, op) in ops.iter().enumerate() {
        let at = format!("2026-02-01T00:{:02}:{:02}Z", (tick / 60) % 60, tick % 60);
        match *op {
            Op::Edit { replica, id, n } => {
                let c = &mut replicas[replica];
                let author = CENTRES[replica];
                let record = with_edit(
                    c.prototypes.get(IDS[id]),
                    author,
                    &at,
                    Some(prototype(author, n)),
                );
                c.prototypes.insert(IDS[id].to_owned(), record);
            }
            Op::Delete { replica, id } => {
                let c = &mut replicas[replica];
                if let Some(existing) = c.prototypes.get(IDS[id]) {
                    let record = with_edit(Some(existing), CENTRES[replica], &at, None);
                    c.prototypes.insert(IDS[id].to_owned(), record);
                }
            }
            Op::Rate { replica, id, note } => {
                let c = &mut replicas[replica];
                if c.prototypes.contains_key(IDS[id]) {
                    let rid = Rating::id_for(IDS[id], CENTRES[replica]);
                    let rating = Rating {
                        prototype: IDS[id].to_owned(),
                        centre: CENTRES[replica].to_owned(),
                        note,
                        criteria: Default::default(),
                        comment: String::new(),
                        participants: u32::from(note) * 2,
                        date: "2026-02-01".into(),
                    };
                    let record =
                        with_edit(c.ratings.get(&rid), CENTRES[replica], &at, Some(rating));
                    c.ratings.insert(rid, record);
                }
            }
            Op::Sync { from, to } => {
                let merged = merge_catalogues(&replicas[to], &replicas[from]);
                replicas[to] = merged;
            }
        }
    }
    replicas
}

fn doc(catalogue: &Catalogue) -> Document {
    Document {
        catalogue: catalogue.clone(),
        ..Document::default()
    }
}

/// True when every version of every record of `input` is in `merged`, as a head or as a version
/// that a present version knowingly replaced.
fn nothing_lost(input: &Catalogue, merged: &Catalogue) -> bool {
    fn check<T: serde::Serialize>(
        a: &std::collections::BTreeMap<String, Record<T>>,
        m: &std::collections::BTreeMap<String, Record<T>>,
    ) -> bool {
        a.iter().all(|(id, record)| {
            let Some(merged) = m.get(id) else {
                return false;
            };
            let heads: Vec<String> = merged.heads.iter().map(version_id).collect();
            record
                .heads
                .iter()
                .map(version_id)
                .all(|v| heads.contains(&v) || merged.superseded.contains(&v))
        })
    }
    check(&input.centres, &merged.centres)
        && check(&input.prototypes, &merged.prototypes)
        && check(&input.ratings, &merged.ratings)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn merge_is_commutative_associative_and_idempotent(ops in prop::collection::vec(op(), 0..40)) {
        let [a, b, c] = play(&ops);
        prop_assert_eq!(merge_catalogues(&a, &b), merge_catalogues(&b, &a));
        prop_assert_eq!(
            merge_catalogues(&merge_catalogues(&a, &b), &c),
            merge_catalogues(&a, &merge_catalogues(&b, &c))
        );
        prop_assert_eq!(merge_catalogues(&a, &a), a.clone());
    }

    #[test]
    fn merge_loses_nothing_that_was_not_superseded(ops in prop::collection::vec(op(), 0..40)) {
        let [a, b, _] = play(&ops);
        let merged = merge_catalogues(&a, &b);
        prop_assert!(nothing_lost(&a, &merged));
        prop_assert!(nothing_lost(&b, &merged));
    }

    #[test]
    fn import_of_export_is_identity(ops in prop::collection::vec(op(), 0..40)) {
        for replica in play(&ops) {
            let bytes = export(&doc(&replica));
            let back = read_document(&bytes, &Limits::default());
            prop_assert!(back.is_ok(), "{}", back.unwrap_err());
            let back = back.unwrap();
            prop_assert_eq!(&back.catalogue, &replica);
            // Deterministic: the same data gives the same bytes.
            prop_assert_eq!(export(&back), bytes);
        }
    }

    /// The door never panics, whatever the bytes.
    #[test]
    fn door_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_document(&bytes, &Limits::default());
    }
}

#[test]
fn concurrent_edits_are_kept_as_a_conflict_and_an_edit_resolves_it() {
    let base = play(&[
        Op::Edit {
            replica: 0,
            id: 0,
            n: 1,
        },
        Op::Sync { from: 0, to: 1 },
    ]);
    let [a, b, _] = play(&[
        Op::Edit {
            replica: 0,
            id: 0,
            n: 1,
        },
        Op::Sync { from: 0, to: 1 },
        Op::Edit {
            replica: 0,
            id: 0,
            n: 2,
        },
        Op::Edit {
            replica: 1,
            id: 0,
            n: 3,
        },
    ]);
    let merged = merge_catalogues(&a, &b);
    let record = &merged.prototypes["radio"];
    assert!(record.in_conflict());
    assert_eq!(record.heads.len(), 2);
    assert_eq!(
        preview(&a, &b)
            .items
            .iter()
            .find(|i| i.id == "radio")
            .unwrap()
            .outcome,
        Outcome::Conflict
    );
    assert_eq!(
        preview(&b, &base[1])
            .items
            .iter()
            .find(|i| i.id == "radio")
            .unwrap()
            .outcome,
        Outcome::IgnoredOlder
    );

    // The owner picks: a new edit replaces both heads.
    let resolved = with_edit(
        Some(record),
        "echo",
        "2026-03-01T00:00:00Z",
        Some(prototype("echo", 4)),
    );
    assert!(!resolved.in_conflict());
    assert_eq!(resolved.winner().revision, 3);
    let mut fixed = merged.clone();
    fixed.prototypes.insert("radio".into(), resolved);
    // Importing either old side again changes nothing.
    assert_eq!(merge_catalogues(&fixed, &a), fixed);
    assert_eq!(merge_catalogues(&fixed, &b), fixed);
}

#[test]
fn preview_lists_added_updated_unchanged_and_older() {
    let [old, _, _] = play(&[Op::Edit {
        replica: 0,
        id: 0,
        n: 1,
    }]);
    let [new, _, _] = play(&[
        Op::Edit {
            replica: 0,
            id: 0,
            n: 1,
        },
        Op::Edit {
            replica: 0,
            id: 0,
            n: 2,
        },
        Op::Edit {
            replica: 0,
            id: 1,
            n: 5,
        },
    ]);
    let p = preview(&old, &new);
    let outcome = |id: &str| p.items.iter().find(|i| i.id == id).unwrap().outcome;
    assert_eq!(outcome("radio"), Outcome::Updated);
    assert_eq!(outcome("pronote"), Outcome::Added);
    assert_eq!(outcome("echo"), Outcome::Unchanged);
    assert!(preview(&new, &new).is_noop());
    assert_eq!(
        preview(&new, &old)
            .items
            .iter()
            .find(|i| i.id == "radio")
            .unwrap()
            .outcome,
        Outcome::IgnoredOlder
    );
}

#[test]
fn importing_the_same_file_twice_changes_nothing() {
    let [a, b, _] = play(&[
        Op::Edit {
            replica: 0,
            id: 0,
            n: 1,
        },
        Op::Edit {
            replica: 1,
            id: 1,
            n: 2,
        },
        Op::Rate {
            replica: 1,
            id: 1,
            note: 4,
        },
    ]);
    let once = merge_catalogues(&a, &b);
    assert_eq!(merge_catalogues(&once, &b), once);
}

#[test]
fn the_documented_example_is_a_valid_catalogue() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/exemple-catalogue.json"
    ))
    .unwrap();
    let doc = read(&bytes).unwrap();
    assert_eq!(doc.catalogue.live_prototypes().count(), 2);
    let fork = doc.catalogue.prototype("arbrisseau-web-radio").unwrap();
    assert_eq!(
        fork.forked_from.as_ref().unwrap().prototype,
        "echo-web-radio"
    );
}

#[test]
fn records_kept_one_by_one_read_back_identically() {
    let [a, b, _] = play(&[
        Op::Edit {
            replica: 0,
            id: 0,
            n: 1,
        },
        Op::Edit {
            replica: 1,
            id: 0,
            n: 2,
        },
        Op::Rate {
            replica: 1,
            id: 0,
            note: 3,
        },
        Op::Sync { from: 1, to: 0 },
    ]);
    let merged = merge_catalogues(&a, &b);
    fn json<T: serde::Serialize>(m: &std::collections::BTreeMap<String, Record<T>>) -> Vec<String> {
        m.iter().map(|(id, r)| record_json(id, r)).collect()
    }
    let (c, p, r) = (
        json(&merged.centres),
        json(&merged.prototypes),
        json(&merged.ratings),
    );
    let doc = assemble_document(
        c.iter().map(String::as_str),
        p.iter().map(String::as_str),
        r.iter().map(String::as_str),
    );
    assert_eq!(read(doc.as_bytes()).unwrap().catalogue, merged);
}

#[test]
fn one_bad_entry_does_not_cascade_into_phantom_reference_errors() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/hostile/javascript-link.json"
    ))
    .unwrap();
    let problems = read_document(&bytes, &Limits::default()).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems}");
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/hostile/one-bad-entry-no-phantom-errors.json"
    ))
    .unwrap();
    let problems = read_document(&bytes, &Limits::default()).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems}");
}

#[test]
fn synthetic_catalogues_are_valid_and_deterministic() {
    let doc = prototheque::synth::document(300, 40, 7);
    let bytes = export(&doc);
    let back = read(&bytes).unwrap();
    assert_eq!(back.catalogue.live_prototypes().count(), 300);
    assert_eq!(back.catalogue.live_centres().count(), 40);
    assert!(back
        .catalogue
        .live_prototypes()
        .any(|(_, p)| p.forked_from.is_some()));
    assert!(back.catalogue.live_ratings().count() > 100);
    assert_eq!(export(&prototheque::synth::document(300, 40, 7)), bytes);
    assert_ne!(export(&prototheque::synth::document(300, 40, 8)), bytes);
}

/// What the door reads into a field is never also kept as an unknown field (it would then be
/// written twice on export, and an edit of the field undone by its stale copy): a catalogue
/// where every field the format knows is filled — record envelope, conflicts, replaced versions,
/// every part of a livret, adaptation credit, every criterion — comes back with no unknown field
/// anywhere, and exports to the same bytes.
#[test]
fn every_field_the_door_reads_is_left_out_of_extra() {
    use prototheque::exchange::merge_records;
    use prototheque::model::{Criteria, ForkOrigin, Resource, Step};
    let full = |n: u32| Prototype {
        public: "Habitants du quartier".into(),
        scenario: "Un atelier par mois.".into(),
        tools: vec!["Audacity".into()],
        licence: "CC0 1.0".into(),
        tags: vec!["radio".into(), "parole".into()],
        forked_from: Some(ForkOrigin {
            prototype: "echo-radio".into(),
            revision: 2,
            extra: Default::default(),
        }),
        livret: Livret {
            objectives: vec!["Prendre la parole".into()],
            public: "Adultes".into(),
            duration: "2 h".into(),
            group_size: "8".into(),
            materials: vec!["Micros".into()],
            cost: "50 €".into(),
            preparation: vec!["Réserver la salle".into()],
            steps: vec![Step {
                title: "Accueil".into(),
                description: "Un tour de table.".into(),
                duration: "15 min".into(),
                extra: Default::default(),
            }],
            facilitation_tips: vec!["Laisser le silence".into()],
            pitfalls: vec!["Trop de technique".into()],
            evaluation: vec!["Nombre d'émissions".into()],
            resources: vec![Resource {
                title: "Guide".into(),
                url: "https://www.clemi.fr/".into(),
                extra: Default::default(),
            }],
            extra: Default::default(),
        },
        ..prototype("echo", n)
    };
    let mut catalogue = empty_world();
    catalogue.centres.get_mut("echo").unwrap().heads[0]
        .body
        .as_mut()
        .unwrap()
        .tiers_lieu = "La Fabrique".into();
    let first = with_edit(None, "echo", "2026-01-01T00:00:00Z", Some(full(1)));
    let ours = with_edit(Some(&first), "echo", "2026-01-02T00:00:00Z", Some(full(2)));
    let theirs = with_edit(
        Some(&first),
        "arbrisseau",
        "2026-01-03T00:00:00Z",
        Some(full(3)),
    );
    let conflict = merge_records(&ours, &theirs);
    assert!(conflict.in_conflict() && !conflict.superseded.is_empty());
    catalogue.prototypes.insert("radio".into(), conflict);
    let gone = with_edit(None, "echo", "2026-01-01T00:00:00Z", Some(full(4)));
    let gone = with_edit::<Prototype>(Some(&gone), "echo", "2026-01-04T00:00:00Z", None);
    catalogue.prototypes.insert("pronote".into(), gone);
    let rating = Rating {
        prototype: "radio".into(),
        centre: "arbrisseau".into(),
        note: 4,
        criteria: Criteria {
            reproducibility: Some(5),
            digitally_excluded: Some(4),
            cost: Some(3),
            empowerment: Some(2),
            extra: Default::default(),
        },
        comment: "Très suivi.".into(),
        participants: 12,
        date: "2026-02-01".into(),
    };
    let id = Rating::id_for(&rating.prototype, &rating.centre);
    let rating = with_edit(None, "arbrisseau", "2026-02-02T00:00:00Z", Some(rating));
    catalogue.ratings.insert(id, rating);
    let original = Document {
        exported_at: Some("2026-03-01T00:00:00Z".into()),
        exported_by: Some("echo".into()),
        feed: None,
        catalogue,
        extra: Default::default(),
    };

    let bytes = export(&original);
    let read_back = read_document(&bytes, &Limits::default()).unwrap();
    assert!(read_back.extra.is_empty(), "{:?}", read_back.extra);
    fn versions<T>(records: &std::collections::BTreeMap<String, Record<T>>) -> Vec<&Version<T>> {
        records.values().flat_map(|r| &r.heads).collect()
    }
    let c = &read_back.catalogue;
    for v in versions(&c.centres) {
        assert!(v.extra.is_empty(), "centre: {:?}", v.extra);
    }
    for v in versions(&c.prototypes) {
        assert!(v.extra.is_empty(), "prototype: {:?}", v.extra);
        let Some(p) = &v.body else { continue };
        assert!(p.forked_from.as_ref().unwrap().extra.is_empty());
        assert!(p.livret.extra.is_empty(), "livret: {:?}", p.livret.extra);
        assert!(p.livret.steps.iter().all(|s| s.extra.is_empty()));
        assert!(p.livret.resources.iter().all(|r| r.extra.is_empty()));
    }
    for v in versions(&c.ratings) {
        assert!(v.extra.is_empty(), "rating: {:?}", v.extra);
        assert!(v.body.as_ref().unwrap().criteria.extra.is_empty());
    }
    assert_eq!(read_back, original);
    assert_eq!(export(&read_back), bytes);
}
