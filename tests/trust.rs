//! Signatures and the rules of who may write what (`exchange::admit`), with real Ed25519
//! signatures (`native_crypto`, which `tests/signature_vectors.rs` holds to WebCrypto's
//! verdicts). Import is modelled as the app does it: the door, every signature checked, the
//! rules, then `merge_checked`.
//!
//! Each forgery the issue « Centres sign what they publish » lists has a case here, and a file
//! in `tests/fixtures/forged/` written from it (`FORGED_FIXTURES=write cargo test --test trust`
//! rewrites them; the test checks they are up to date). Whatever the forgery, centre A's signed
//! records, the label's statuses and the indicators stay as they were.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use prototheque::exchange::signing::{message, sign_in, to_sign};
use prototheque::exchange::{
    admit, b64, export, merge_admitted, merge_catalogues, read_document, record_bytes, record_json,
    signature_checks, version_id, with_edit, Admission, Document, EntityKind, Limits, NetworkKeys,
    Verdicts,
};
use prototheque::indicators::compute;
use prototheque::label::assess;
use prototheque::model::{
    Catalogue, Centre, Counted, Keyring, Livret, Prototype, Rating, Record, Step, Theme, UsageKind,
    Version,
};
use prototheque::native_crypto::{public_of, sign, verify};
use std::path::Path;

/// A device's key, made from a fixed secret so that every run signs the same bytes.
#[derive(Clone, Copy)]
struct Key {
    secret: [u8; 32],
    public: [u8; 32],
}

fn key(n: u8) -> Key {
    let secret = [n; 32];
    Key {
        secret,
        public: public_of(&secret),
    }
}

fn text(k: &Key) -> String {
    b64::encode(&k.public)
}

const AT: &str = "2026-03-01T10:00:00Z";

fn centre_body(name: &str, keys: &[&Key]) -> Centre {
    Centre {
        name: name.into(),
        territory: "Lille Sud".into(),
        commune: "Lille".into(),
        tiers_lieu: String::new(),
        keys: keys.iter().map(|k| text(k)).collect(),
        revoked: Vec::new(),
    }
}

fn prototype_body(centre: &str, title: &str) -> Prototype {
    Prototype {
        title: title.into(),
        summary: "Un atelier pour les habitants.".into(),
        theme: Theme::ALL[0],
        centre: centre.into(),
        kind: UsageKind::Workshop,
        public: "Tous".into(),
        scenario: String::new(),
        tools: vec![],
        licence: "CC BY-SA 4.0".into(),
        tags: vec![],
        created: "2026-01-10".into(),
        forked_from: None,
        livret: Livret {
            objectives: vec!["Accueillir".into()],
            public: "Tous".into(),
            duration: "2 h".into(),
            group_size: "10".into(),
            materials: vec!["Ordinateurs".into()],
            cost: "0 €".into(),
            preparation: vec!["Réserver la salle".into()],
            steps: (1..=3)
                .map(|i| Step {
                    title: format!("Étape {i}"),
                    description: "Faire.".into(),
                    ..Step::default()
                })
                .collect(),
            evaluation: vec!["Compter".into()],
            ..Livret::default()
        },
    }
}

fn rating_body(prototype: &str, centre: &str, note: u8) -> Rating {
    Rating {
        prototype: prototype.into(),
        centre: centre.into(),
        note,
        criteria: Default::default(),
        comment: "Testé.".into(),
        participants: 12,
        date: "2026-02-01".into(),
    }
}

/// Signs every unsigned version `centre` wrote of its own records with `key`.
fn signed_by(mut c: Catalogue, centre: &str, key: &Key) -> Catalogue {
    for what in to_sign(&c, centre, &[]) {
        let signature = sign(&key.secret, &what.message);
        sign_in(&mut c, &what, &key.public, &signature);
    }
    c
}

/// Signs `version` of record `id` (a list `kind`) with `key`, whoever it says wrote it.
fn force_sign<T: serde::Serialize>(kind: EntityKind, id: &str, v: &mut Version<T>, key: &Key) {
    let signature = sign(&key.secret, &message(kind, id, v));
    prototheque::exchange::signing::attach(v, &key.public, &signature);
}

/// Centre `a` (key 1) with two prototypes, `b` (key 2) and `c` (key 3) each with a report on
/// `a-atelier`, `a` adapted by... nobody; everyone signed and vouched for: A's browser.
fn world() -> Catalogue {
    let mut c = Catalogue::default();
    for (id, k) in [("a", key(1)), ("b", key(2)), ("c", key(3))] {
        c.centres.insert(
            id.into(),
            with_edit(
                None,
                id,
                AT,
                Some(centre_body(&format!("Centre {id}"), &[&k])),
            ),
        );
    }
    for id in ["a-atelier", "a-radio"] {
        c.prototypes.insert(
            id.into(),
            with_edit(None, "a", AT, Some(prototype_body("a", id))),
        );
    }
    c.prototypes.insert(
        "b-adapte".into(),
        with_edit(
            None,
            "b",
            AT,
            Some({
                let mut p = prototype_body("b", "Adapté");
                p.forked_from = Some(prototheque::model::ForkOrigin {
                    prototype: "a-atelier".into(),
                    revision: 1,
                    extra: Default::default(),
                });
                p
            }),
        ),
    );
    for (centre, note) in [("b", 5), ("c", 4)] {
        let id = Rating::id_for("a-atelier", centre);
        c.ratings.insert(
            id,
            with_edit(
                None,
                centre,
                AT,
                Some(rating_body("a-atelier", centre, note)),
            ),
        );
    }
    let mut c = signed_by(c, "a", &key(1));
    c = signed_by(c, "b", &key(2));
    c = signed_by(c, "c", &key(3));
    c.vouched = ["a", "b", "c"].map(String::from).into();
    c
}

/// What importing `file` into `stored` does, as the app does it.
fn import(stored: &Catalogue, file: &Catalogue) -> (Catalogue, Admission) {
    import_with(stored, file, &NetworkKeys::default())
}

/// `file` with the records it cites that it lacks, taken from `world()` (A's catalogue as any
/// export of it carries them): a file stands on its own, as the door requires, so an attacker
/// sends the genuine records beside the forged ones.
fn standalone(file: &Catalogue) -> Catalogue {
    let genuine = world();
    let mut f = file.clone();
    for r in file.ratings.values() {
        for v in r.heads.iter().filter_map(|v| v.body.as_ref()) {
            if !f.prototypes.contains_key(&v.prototype) {
                if let Some(p) = genuine.prototypes.get(&v.prototype) {
                    f.prototypes.insert(v.prototype.clone(), p.clone());
                }
            }
            if !f.centres.contains_key(&v.centre) {
                if let Some(c) = genuine.centres.get(&v.centre) {
                    f.centres.insert(v.centre.clone(), c.clone());
                }
            }
        }
    }
    let cited: Vec<String> = f
        .prototypes
        .values()
        .flat_map(|r| {
            r.heads
                .iter()
                .filter_map(|v| v.body.as_ref().map(|p| p.centre.clone()))
        })
        .collect();
    for centre in cited {
        if !f.centres.contains_key(&centre) {
            if let Some(c) = genuine.centres.get(&centre) {
                f.centres.insert(centre, c.clone());
            }
        }
    }
    f
}

/// [`import`] in a browser that holds the network's list `network`.
fn import_with(
    stored: &Catalogue,
    file: &Catalogue,
    network: &NetworkKeys,
) -> (Catalogue, Admission) {
    let bytes = export(&Document {
        catalogue: standalone(file),
        ..Document::default()
    });
    import_bytes_with(stored, &bytes, network).expect("the file is well formed")
}

/// The network's list naming a, b and c with their keys.
fn network() -> NetworkKeys {
    NetworkKeys {
        centres: [("a", 1), ("b", 2), ("c", 3)]
            .map(|(id, k)| (id.to_owned(), vec![text(&key(k))]))
            .into(),
    }
}

fn import_bytes(stored: &Catalogue, bytes: &[u8]) -> Result<(Catalogue, Admission), String> {
    import_bytes_with(stored, bytes, &NetworkKeys::default())
}

fn import_bytes_with(
    stored: &Catalogue,
    bytes: &[u8],
    network: &NetworkKeys,
) -> Result<(Catalogue, Admission), String> {
    let doc = read_document(bytes, &Limits::default()).map_err(|p| p.to_string())?;
    let checks = signature_checks(&doc.catalogue);
    let verdicts: Vec<bool> = checks
        .iter()
        .map(|c| verify(&c.key, &c.message, &c.signature))
        .collect();
    let admitted = admit(
        stored,
        doc.catalogue,
        &Verdicts::of(&checks, &verdicts),
        network,
    );
    let admission = admitted.admission.clone();
    let mut merged = merge_admitted(
        stored.clone(),
        record_bytes(stored),
        &admitted,
        &Limits::default(),
    )
    .map_err(|p| p.to_string())?;
    merged.vouched = stored.vouched.clone();
    Ok((merged, admission))
}

/// A's records (its centre, its prototypes, the reports on them) as stored, and the label's
/// statuses and the indicators: what no file signed by others may change.
fn what_a_holds(c: &Catalogue) -> (Vec<String>, Vec<String>, String) {
    let mut records = vec![record_json("a", &c.centres["a"])];
    for (id, r) in &c.prototypes {
        if id.starts_with("a-") {
            records.push(record_json(id, r));
        }
    }
    let counted = Counted::of(c);
    let reports: Vec<String> = c
        .ratings
        .iter()
        .filter(|(id, _)| id.starts_with("a-") && counted.rating(id))
        .map(|(id, r)| record_json(id, r))
        .collect();
    let statuses: Vec<String> = c
        .live_prototypes()
        .map(|(id, _)| format!("{id}: {:?}", assess(c, id).map(|a| a.status)))
        .collect();
    let i = compute(c);
    let summary = format!(
        "{statuses:?} prototypes {} centres {} reports {} residents {} labelled {}",
        i.prototypes, i.centres, i.reports, i.residents, i.labelled
    );
    (records, reports, summary)
}

#[test]
fn the_world_is_what_the_cases_start_from() {
    let w = world();
    let keyring = Keyring::of(&w);
    assert!(keyring.holds("a", &text(&key(1))));
    assert!(keyring.verified("a", w.prototypes["a-atelier"].winner()));
    assert_eq!(
        assess(&w, "a-atelier").unwrap().status,
        prototheque::label::Status::Labelled,
        "complete, free, tested, rated by b and c, adapted by b"
    );
    // Importing A's own export changes nothing, and every version is verified.
    let (again, admission) = import(&w, &w);
    assert_eq!(what_a_holds(&again), what_a_holds(&w));
    assert_eq!(admission.refused, vec![]);
    assert_eq!(admission.verified, 3 + 3 + 2);
}

/// A forgery: its name, the file (built from A's catalogue as an attacker sees it, in a file
/// everyone has), and what the import must say about it.
struct Forgery {
    name: &'static str,
    file: Catalogue,
    /// Some refusal's reason contains this, or `None` when it must be kept « non vérifié » /
    /// left out instead.
    refused_with: Option<&'static str>,
}

fn forgeries() -> Vec<Forgery> {
    let w = world();
    let attacker = key(66);
    let mut out = Vec::new();

    // A file that claims to be A, unsigned, with a higher revision and a date in 9999.
    let mut f = w.clone();
    let r = f.prototypes.get_mut("a-atelier").unwrap();
    let mut edited = with_edit(
        Some(r),
        "a",
        "9999-12-31T23:59:59Z",
        r.current().cloned().map(|mut p| {
            p.title = "Titre piraté".into();
            p
        }),
    );
    edited.heads[0].revision = 1000;
    *r = edited;
    out.push(Forgery {
        name: "unsigned-higher-revision-far-future",
        file: f,
        refused_with: None,
    });

    // The same, signed by the attacker's key in A's name.
    let mut f = w.clone();
    let r = f.prototypes.get_mut("a-atelier").unwrap();
    let mut edited = with_edit(Some(r), "a", "9999-12-31T23:59:59Z", r.current().cloned());
    force_sign(
        EntityKind::Prototype,
        "a-atelier",
        &mut edited.heads[0],
        &attacker,
    );
    *r = edited;
    out.push(Forgery {
        name: "signed-as-a-with-another-key",
        file: f,
        refused_with: Some("n'est pas une clé du centre « a »"),
    });

    // Tombstones for every prototype, from a centre that exists nowhere (self-signed).
    let mut f = Catalogue::default();
    f.centres.insert(
        "x".into(),
        with_edit(None, "x", AT, Some(centre_body("X", &[&attacker]))),
    );
    for (id, r) in &w.prototypes {
        let mut tomb = with_edit(Some(r), "x", AT, None);
        force_sign(EntityKind::Prototype, id, &mut tomb.heads[0], &attacker);
        f.prototypes.insert(id.clone(), tomb);
    }
    f = signed_by(f, "x", &attacker);
    out.push(Forgery {
        name: "tombstones-from-an-invented-centre",
        file: f,
        refused_with: Some("seul le centre « a »"),
    });

    // A's prototype given to another centre, signed by it.
    let mut f = Catalogue::default();
    f.centres.insert(
        "x".into(),
        with_edit(None, "x", AT, Some(centre_body("X", &[&attacker]))),
    );
    let r = &w.prototypes["a-atelier"];
    let mut moved = with_edit(
        Some(r),
        "x",
        AT,
        r.current().cloned().map(|mut p| {
            p.centre = "x".into();
            p
        }),
    );
    force_sign(
        EntityKind::Prototype,
        "a-atelier",
        &mut moved.heads[0],
        &attacker,
    );
    f.prototypes.insert("a-atelier".into(), moved);
    f = signed_by(f, "x", &attacker);
    out.push(Forgery {
        name: "re-attribution",
        file: f,
        refused_with: Some("appartient au centre « a »"),
    });

    // `versions_remplacees` listing A's current version ids, with an unsigned version.
    let mut f = w.clone();
    for (id, r) in f
        .prototypes
        .iter_mut()
        .filter(|(id, _)| id.starts_with("a-"))
    {
        let current = version_id(r.winner());
        let mut v = r.winner().clone();
        v.signature = None;
        v.revision = 1;
        v.at = "2026-01-01T00:00:00Z".into();
        v.body.as_mut().unwrap().summary = format!("Remplacé ({id})");
        *r = Record {
            heads: vec![v],
            superseded: [current].into(),
        };
    }
    out.push(Forgery {
        name: "forged-replaced-version-ids",
        file: f,
        refused_with: None,
    });

    // Reports awarding the label, from invented centres (self-signed) and from real ones
    // (signed by the attacker in their name).
    let mut f = Catalogue::default();
    for i in 0..7 {
        let id = format!("invente-{i}");
        let k = key(100 + i);
        f.centres.insert(
            id.clone(),
            with_edit(None, &id, AT, Some(centre_body(&id, &[&k]))),
        );
        f.ratings.insert(
            Rating::id_for("a-radio", &id),
            with_edit(None, &id, AT, Some(rating_body("a-radio", &id, 5))),
        );
        f = signed_by(f, &id, &k);
    }
    out.push(Forgery {
        name: "reports-from-invented-centres",
        file: f,
        refused_with: None,
    });

    let mut f = Catalogue::default();
    for centre in ["b", "c"] {
        let id = Rating::id_for("a-radio", centre);
        let mut r = with_edit(None, centre, AT, Some(rating_body("a-radio", centre, 5)));
        force_sign(EntityKind::Rating, &id, &mut r.heads[0], &attacker);
        f.ratings.insert(id, r);
    }
    out.push(Forgery {
        name: "reports-from-real-centres-signed-by-another-key",
        file: f,
        refused_with: Some("n'est pas une clé du centre"),
    });

    // A's version re-signed by another centre (b, with its real key).
    let mut f = w.clone();
    let r = f.prototypes.get_mut("a-radio").unwrap();
    let mut edited = with_edit(
        Some(r),
        "a",
        AT,
        r.current().cloned().map(|mut p| {
            p.title = "Re-signé".into();
            p
        }),
    );
    force_sign(
        EntityKind::Prototype,
        "a-radio",
        &mut edited.heads[0],
        &key(2),
    );
    *r = edited;
    out.push(Forgery {
        name: "re-signed-by-another-centre",
        file: f,
        refused_with: Some("n'est pas une clé du centre « a »"),
    });

    // A's signature over different bytes: the content changed after signing.
    let mut f = w.clone();
    let r = f.prototypes.get_mut("a-radio").unwrap();
    let mut edited = with_edit(Some(r), "a", AT, r.current().cloned());
    force_sign(
        EntityKind::Prototype,
        "a-radio",
        &mut edited.heads[0],
        &key(1),
    );
    edited.heads[0].body.as_mut().unwrap().title = "Modifié après signature".into();
    *r = edited;
    out.push(Forgery {
        name: "signature-over-different-bytes",
        file: f,
        refused_with: Some("modifiée après avoir été signée"),
    });

    // A signature moved to another record (A's deletion of a-radio replayed on a-atelier).
    let mut f = Catalogue::default();
    let mut tomb = with_edit(Some(&w.prototypes["a-radio"]), "a", AT, None);
    force_sign(
        EntityKind::Prototype,
        "a-radio",
        &mut tomb.heads[0],
        &key(1),
    );
    f.prototypes.insert("a-atelier".into(), tomb);
    out.push(Forgery {
        name: "signature-moved-to-another-record",
        file: f,
        refused_with: Some("modifiée après avoir été signée"),
    });

    // A's centre with its key swapped, signed by the new key.
    let mut f = Catalogue::default();
    let mut swapped = with_edit(
        Some(&w.centres["a"]),
        "a",
        AT,
        Some(centre_body("Centre a", &[&attacker])),
    );
    force_sign(EntityKind::Centre, "a", &mut swapped.heads[0], &attacker);
    f.centres.insert("a".into(), swapped);
    out.push(Forgery {
        name: "key-change-not-signed-by-a-known-key",
        file: f,
        refused_with: Some("la clé de ce centre a changé"),
    });

    out
}

#[test]
fn no_forgery_changes_what_a_holds() {
    let w = world();
    let before = what_a_holds(&w);
    for forgery in forgeries() {
        let (after, admission) = import(&w, &forgery.file);
        assert_eq!(
            what_a_holds(&after),
            before,
            "{}: {admission:?}",
            forgery.name
        );
        match forgery.refused_with {
            Some(reason) => assert!(
                admission.refused.iter().any(|r| r.reason.contains(reason)),
                "{}: refused with « {reason} » expected, got {admission:?}",
                forgery.name
            ),
            None => assert!(
                admission.refused.is_empty() || forgery.name.starts_with("reports"),
                "{}: {admission:?}",
                forgery.name
            ),
        }
    }
}

#[test]
fn forgeries_change_nothing_in_a_fresh_browser_that_trusts_a_either() {
    // A browser that received A's catalogue from the network (vouched), then the forgery.
    let w = world();
    for forgery in forgeries() {
        let (forged_first, _) = import(&w, &forgery.file);
        let (then_a, _) = import(&forged_first, &w);
        assert_eq!(what_a_holds(&then_a), what_a_holds(&w), "{}", forgery.name);
    }
}

#[test]
fn invented_centres_are_pinned_but_do_not_count() {
    let w = world();
    let f = forgeries()
        .into_iter()
        .find(|f| f.name == "reports-from-invented-centres")
        .unwrap()
        .file;
    let (after, admission) = import(&w, &f);
    assert_eq!(
        admission.pinned.len(),
        7,
        "first met: their keys are pinned"
    );
    let keyring = Keyring::of(&after);
    let report = &after.ratings["a-radio:invente-0"];
    assert!(
        keyring.verified("invente-0", report.winner()),
        "signed by the key it published"
    );
    assert!(
        !Counted::of(&after).rating("a-radio:invente-0"),
        "but not vouched for"
    );
    assert_ne!(
        assess(&after, "a-radio").unwrap().status,
        prototheque::label::Status::Labelled
    );
    // A person checks one fingerprint: that centre's report counts, the label still needs two.
    let mut checked = after.clone();
    checked.vouched.insert("invente-0".into());
    assert!(Counted::of(&checked).rating("a-radio:invente-0"));
}

#[test]
fn unsigned_files_still_import_but_never_replace_signed_work() {
    let w = world();
    // A file of an older build: everything unsigned. B's new prototype is kept « non vérifié ».
    let mut old = Catalogue::default();
    old.prototypes.insert(
        "b-nouveau".into(),
        with_edit(None, "b", AT, Some(prototype_body("b", "Nouveau"))),
    );
    let (after, admission) = import(&w, &old);
    assert_eq!(admission.unverified, 1);
    assert!(after.prototype("b-nouveau").is_some());
    assert!(!Counted::of(&after).prototype("b-nouveau"));
    // An unsigned copy of a signed version is the same version: left out, the signed one stays.
    let mut copy = w.clone();
    for r in copy.prototypes.values_mut() {
        r.heads.iter_mut().for_each(|v| v.signature = None);
    }
    let (after, admission) = import(&w, &copy);
    assert_eq!(admission.ignored, 3);
    assert_eq!(after, {
        let mut x = w.clone();
        x.vouched = w.vouched.clone();
        x
    });
}

#[test]
fn an_unsigned_catalogue_is_signed_by_its_centres_first_key() {
    // Migration: the versions A wrote before keys existed are signed by A's first key, and the
    // signed copies replace the unsigned ones (same version ids).
    let mut unsigned = world();
    for r in unsigned.prototypes.values_mut() {
        r.heads.iter_mut().for_each(|v| v.signature = None);
    }
    let ids_before: Vec<String> = unsigned
        .prototypes
        .values()
        .map(|r| version_id(r.winner()))
        .collect();
    let signed = signed_by(unsigned.clone(), "a", &key(1));
    let ids_after: Vec<String> = signed
        .prototypes
        .values()
        .map(|r| version_id(r.winner()))
        .collect();
    assert_eq!(
        ids_before, ids_after,
        "a signature does not change a version's id"
    );
    let merged = merge_catalogues(&unsigned, &signed);
    assert!(Keyring::of(&merged).verified("a", merged.prototypes["a-atelier"].winner()));
    assert!(
        !Keyring::of(&merged).verified("b", merged.prototypes["b-adapte"].winner()),
        "b's own is b's to sign"
    );
}

#[test]
fn a_second_device_signs_as_a_and_a_revoked_one_no_longer_does() {
    let w = world();
    let (k1, k2) = (key(1), key(2 + 40));
    // A adds device 2 (signed by device 1) and device 2 edits.
    let added = {
        let r = &w.centres["a"];
        let mut c = with_edit(Some(r), "a", AT, Some(centre_body("Centre a", &[&k1, &k2])));
        force_sign(EntityKind::Centre, "a", &mut c.heads[0], &k1);
        c
    };
    let mut file = Catalogue::default();
    file.centres.insert("a".into(), added.clone());
    let r = &w.prototypes["a-radio"];
    let mut edit = with_edit(
        Some(r),
        "a",
        AT,
        r.current().cloned().map(|mut p| {
            p.title = "Par l'appareil 2".into();
            p
        }),
    );
    force_sign(EntityKind::Prototype, "a-radio", &mut edit.heads[0], &k2);
    file.prototypes.insert("a-radio".into(), edit.clone());
    let (after, admission) = import(&w, &file);
    assert_eq!(admission.refused, vec![]);
    assert_eq!(admission.keys_added.len(), 1);
    assert_eq!(
        after.prototype("a-radio").unwrap().title,
        "Par l'appareil 2"
    );
    assert!(Counted::of(&after).prototype("a-radio"));

    // Device 2 is lost: device 1 revokes it. A later version signed by device 2 is refused.
    let revoked = {
        let mut body = centre_body("Centre a", &[&k1]);
        body.revoked = vec![text(&k2)];
        let mut c = with_edit(Some(&after.centres["a"]), "a", AT, Some(body));
        force_sign(EntityKind::Centre, "a", &mut c.heads[0], &k1);
        c
    };
    let mut file = Catalogue::default();
    file.centres.insert("a".into(), revoked);
    let (after_revoke, admission) = import(&after, &file);
    assert_eq!(admission.keys_revoked.len(), 1);
    let mut late = with_edit(
        Some(&after_revoke.prototypes["a-radio"]),
        "a",
        AT,
        after_revoke.prototype("a-radio").cloned().map(|mut p| {
            p.title = "Appareil volé".into();
            p
        }),
    );
    force_sign(EntityKind::Prototype, "a-radio", &mut late.heads[0], &k2);
    let mut file = Catalogue::default();
    file.prototypes.insert("a-radio".into(), late);
    let (after_late, admission) = import(&after_revoke, &file);
    assert!(
        admission
            .refused
            .iter()
            .any(|r| r.reason.contains("retirée")),
        "{admission:?}"
    );
    assert_ne!(
        after_late.prototype("a-radio").unwrap().title,
        "Appareil volé"
    );
    // And device 2's earlier version no longer counts until device 1 re-signs it.
    assert!(!Counted::of(&after_revoke).prototype("a-radio"));
    let resigned = {
        let mut c = after_revoke.clone();
        for what in to_sign(&c, "a", &[text(&k2)]) {
            let s = sign(&k1.secret, &what.message);
            sign_in(&mut c, &what, &k1.public, &s);
        }
        c
    };
    assert!(Counted::of(&resigned).prototype("a-radio"));
}

// ---- The hostile fixtures, as files. ----

#[test]
fn forged_fixtures_are_written_from_the_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/forged");
    let write = std::env::var("FORGED_FIXTURES").as_deref() == Ok("write");
    if write {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let w = world();
    let base = export(&Document {
        catalogue: w.clone(),
        ..Document::default()
    });
    let before = what_a_holds(&w);
    for forgery in forgeries() {
        let bytes = export(&Document {
            catalogue: standalone(&forgery.file),
            ..Document::default()
        });
        let path = dir.join(format!("{}.json", forgery.name));
        if write {
            std::fs::write(&path, &bytes).unwrap();
        }
        let on_disk = std::fs::read(&path).unwrap_or_else(|_| {
            panic!(
                "{} is missing: FORGED_FIXTURES=write cargo test --test trust",
                path.display()
            )
        });
        assert_eq!(on_disk, bytes, "{} is out of date", path.display());
        // Read as a file from disk, into A's catalogue read from its own export.
        let (stored, _) = import_bytes(&Catalogue::default(), &base).unwrap();
        let mut stored = stored;
        stored.vouched = w.vouched.clone();
        let (after, _) = import_bytes(&stored, &on_disk).unwrap();
        assert_eq!(what_a_holds(&after), before, "{}", forgery.name);
    }
}

// ---- Laws, with signed and unsigned versions mixed. ----

/// Versions of one record from a small pool: authors a and b, revisions 1 to 4, signed or not
/// (stand-in signatures: the merge looks at which are signed, not at the cryptography).
fn pooled_version() -> impl Strategy<Value = Version<Centre>> {
    (0..2usize, 1..5u64, 0..3u32, any::<bool>()).prop_map(|(author, revision, n, signed)| {
        let author = ["a", "b"][author];
        let mut v = Version {
            revision,
            author: author.into(),
            at: format!("2026-01-0{}T00:00:00Z", 1 + n),
            body: Some(centre_body(&format!("{author} {n}"), &[])),
            extra: Default::default(),
            signature: None,
        };
        if signed {
            prototheque::exchange::signing::attach(&mut v, &[author.as_bytes()[0]; 32], &[7; 64]);
        }
        v
    })
}

fn pooled_record() -> impl Strategy<Value = Record<Centre>> {
    (
        prop::collection::vec(pooled_version(), 1..4),
        prop::collection::vec(pooled_version(), 0..3),
    )
        .prop_map(|(versions, replaced)| {
            let superseded = replaced.iter().map(version_id).collect();
            let mut record = Record {
                heads: Vec::new(),
                superseded,
            };
            // Through the merge, so the record is in head order as any stored one.
            for v in versions {
                record = prototheque::exchange::merge_records(
                    &record,
                    &Record {
                        heads: vec![v],
                        superseded: Default::default(),
                    },
                );
            }
            record
        })
        .prop_filter("a record has a version", |r| !r.heads.is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn merge_is_commutative_associative_idempotent_with_signatures(
        x in pooled_record(), y in pooled_record(), z in pooled_record()
    ) {
        use prototheque::exchange::merge_records as m;
        prop_assert_eq!(m(&x, &y), m(&y, &x));
        prop_assert_eq!(m(&m(&x, &y), &z), m(&x, &m(&y, &z)));
        prop_assert_eq!(m(&x, &x), x.clone());
        // A signed version is never dropped for its id alone: only a signed version of the same
        // author with a higher revision replaces it.
        let merged = m(&x, &y);
        for v in x.heads.iter().chain(&y.heads).filter(|v| v.signature.is_some()) {
            let kept = merged.heads.iter().any(|h| version_id(h) == version_id(v));
            let outranked = merged.heads.iter().any(|h| h.signature.is_some() && h.author == v.author && h.revision > v.revision)
                || x.heads.iter().chain(&y.heads).any(|h| h.signature.is_some() && h.author == v.author && h.revision > v.revision);
            prop_assert!(kept || outranked);
        }
        // The winner is signed whenever a signed version is there.
        if merged.heads.iter().any(|h| h.signature.is_some()) {
            prop_assert!(merged.winner().signature.is_some());
        }
    }
}

/// What an attacker without A's key may put in a file about A's records.
#[derive(Clone, Debug)]
enum Hostile {
    UnsignedEdit {
        pick: usize,
        revision: u64,
        far: bool,
    },
    SignedByOther {
        pick: usize,
        key: u8,
    },
    Tombstone {
        pick: usize,
        signed: bool,
    },
    Move {
        pick: usize,
    },
    ReplaceIds {
        pick: usize,
    },
    InventedReport {
        n: u8,
        on: usize,
    },
    ForgedReport {
        on: usize,
        by: usize,
    },
    KeySwap,
    ReplayOld {
        pick: usize,
    },
}

fn hostile() -> impl Strategy<Value = Hostile> {
    prop_oneof![
        (0..2usize, 1..100u64, any::<bool>()).prop_map(|(pick, revision, far)| {
            Hostile::UnsignedEdit {
                pick,
                revision,
                far,
            }
        }),
        (0..2usize, 50..60u8).prop_map(|(pick, key)| Hostile::SignedByOther { pick, key }),
        (0..2usize, any::<bool>()).prop_map(|(pick, signed)| Hostile::Tombstone { pick, signed }),
        (0..2usize).prop_map(|pick| Hostile::Move { pick }),
        (0..2usize).prop_map(|pick| Hostile::ReplaceIds { pick }),
        (0..20u8, 0..2usize).prop_map(|(n, on)| Hostile::InventedReport { n, on }),
        (0..2usize, 0..2usize).prop_map(|(on, by)| Hostile::ForgedReport { on, by }),
        Just(Hostile::KeySwap),
        (0..2usize).prop_map(|pick| Hostile::ReplayOld { pick }),
    ]
}

const A_PROTOTYPES: [&str; 2] = ["a-atelier", "a-radio"];

/// A file carrying one hostile change, made from what the attacker holds (`seen`: A's world,
/// possibly with earlier forgeries merged, as a re-exporting centre would hold it).
fn hostile_file(h: &Hostile, seen: &Catalogue, old: &Catalogue) -> Catalogue {
    let attacker = key(66);
    let mut f = Catalogue::default();
    let with_x = |f: &mut Catalogue| {
        f.centres.insert(
            "x".into(),
            with_edit(None, "x", AT, Some(centre_body("X", &[&attacker]))),
        );
        let signed = signed_by(std::mem::take(f), "x", &attacker);
        *f = signed;
    };
    match h {
        Hostile::UnsignedEdit {
            pick,
            revision,
            far,
        } => {
            let id = A_PROTOTYPES[*pick];
            let r = &seen.prototypes[id];
            let at = if *far { "9999-01-01T00:00:00Z" } else { AT };
            let mut e = with_edit(
                Some(r),
                "a",
                at,
                r.current().cloned().map(|mut p| {
                    p.title = "Forgé".into();
                    p
                }),
            );
            e.heads[0].revision = *revision;
            f.prototypes.insert(id.into(), e);
        }
        Hostile::SignedByOther { pick, key: k } => {
            let id = A_PROTOTYPES[*pick];
            let r = &seen.prototypes[id];
            let mut e = with_edit(
                Some(r),
                "a",
                AT,
                r.current().cloned().map(|mut p| {
                    p.summary = "Forgé".into();
                    p
                }),
            );
            force_sign(EntityKind::Prototype, id, &mut e.heads[0], &key(*k));
            f.prototypes.insert(id.into(), e);
        }
        Hostile::Tombstone { pick, signed } => {
            let id = A_PROTOTYPES[*pick];
            let mut e = with_edit(Some(&seen.prototypes[id]), "x", AT, None);
            if *signed {
                force_sign(EntityKind::Prototype, id, &mut e.heads[0], &attacker);
            }
            f.prototypes.insert(id.into(), e);
            with_x(&mut f);
        }
        Hostile::Move { pick } => {
            let id = A_PROTOTYPES[*pick];
            let r = &seen.prototypes[id];
            let mut e = with_edit(
                Some(r),
                "x",
                AT,
                r.current().cloned().map(|mut p| {
                    p.centre = "x".into();
                    p
                }),
            );
            force_sign(EntityKind::Prototype, id, &mut e.heads[0], &attacker);
            f.prototypes.insert(id.into(), e);
            with_x(&mut f);
        }
        Hostile::ReplaceIds { pick } => {
            let id = A_PROTOTYPES[*pick];
            let r = &seen.prototypes[id];
            let mut v = r.winner().clone();
            v.signature = None;
            v.body.as_mut().unwrap().tags = vec!["forgé".into()];
            let superseded = r.heads.iter().map(version_id).collect();
            f.prototypes.insert(
                id.into(),
                Record {
                    heads: vec![v],
                    superseded,
                },
            );
        }
        Hostile::InventedReport { n, on } => {
            let centre = format!("invente-{n}");
            let k = key(120 + n);
            f.centres.insert(
                centre.clone(),
                with_edit(None, &centre, AT, Some(centre_body(&centre, &[&k]))),
            );
            let about = A_PROTOTYPES[*on];
            f.ratings.insert(
                Rating::id_for(about, &centre),
                with_edit(None, &centre, AT, Some(rating_body(about, &centre, 5))),
            );
            f = signed_by(f, &centre, &k);
        }
        Hostile::ForgedReport { on, by } => {
            let centre = ["b", "c"][*by];
            let about = A_PROTOTYPES[*on];
            let id = Rating::id_for(about, centre);
            let mut r = with_edit(
                seen.ratings.get(&id),
                centre,
                AT,
                Some(rating_body(about, centre, 1)),
            );
            force_sign(EntityKind::Rating, &id, &mut r.heads[0], &attacker);
            f.ratings.insert(id, r);
        }
        Hostile::KeySwap => {
            let mut c = with_edit(
                Some(&seen.centres["a"]),
                "a",
                AT,
                Some(centre_body("Centre a", &[&attacker])),
            );
            force_sign(EntityKind::Centre, "a", &mut c.heads[0], &attacker);
            f.centres.insert("a".into(), c);
        }
        Hostile::ReplayOld { pick } => {
            // A's own, older, signed version: genuinely A's, but already replaced.
            let id = A_PROTOTYPES[*pick];
            f.prototypes.insert(id.into(), old.prototypes[id].clone());
        }
    }
    f
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// No sequence of files signed by keys other than A's changes A's verified records or the
    /// reports that count on A's prototypes.
    #[test]
    fn no_sequence_of_files_without_as_key_changes_as_records(
        attacks in prop::collection::vec(hostile(), 1..8)
    ) {
        // A's world after one more edit of each prototype by A, so that an older signed
        // version of A exists to be replayed.
        let old = world();
        let mut w = old.clone();
        for id in A_PROTOTYPES {
            let r = &w.prototypes[id];
            let e = with_edit(Some(r), "a", "2026-04-01T00:00:00Z", r.current().cloned().map(|mut p| { p.public = "Familles".into(); p }));
            w.prototypes.insert(id.into(), e);
        }
        w = signed_by(w, "a", &key(1));
        let before = what_a_holds(&w);
        let mut stored = w.clone();
        for h in &attacks {
            let file = hostile_file(h, &stored, &old);
            let (after, _) = import(&stored, &file);
            stored = after;
            prop_assert_eq!(&what_a_holds(&stored), &before, "after {:?}", h);
        }
        // And a browser holding the network's list that met the forgeries before A's own file
        // ends the same once A's file arrives.
        let mut fresh = Catalogue { vouched: w.vouched.clone(), ..Catalogue::default() };
        for h in &attacks {
            let (after, _) = import_with(&fresh, &hostile_file(h, &w, &old), &network());
            fresh = after;
        }
        let (fresh, _) = import_with(&fresh, &w, &network());
        // There, A's records hold exactly A's versions; only their list of replaced ids may have
        // grown with ids a forged unsigned version listed before A's signed one arrived (ids of
        // nothing A signed: listing one replaces no signed version).
        let heads = |c: &Catalogue| -> Vec<String> {
            let mut out = vec![record_json("a", &Record { heads: c.centres["a"].heads.clone(), superseded: Default::default() })];
            for id in A_PROTOTYPES {
                out.push(record_json(id, &Record { heads: c.prototypes[id].heads.clone(), superseded: Default::default() }));
            }
            out
        };
        prop_assert_eq!(heads(&fresh), heads(&w));
        prop_assert_eq!(what_a_holds(&fresh).1, before.1);
        prop_assert_eq!(what_a_holds(&fresh).2, before.2);
    }
}

// ---- The seed, as the issue tried it: forged files against the shipped catalogue. ----

#[path = "common/mod.rs"]
mod common;

/// What the label and the indicators say of a catalogue.
fn standing_of(c: &Catalogue) -> String {
    let statuses: Vec<String> = c
        .live_prototypes()
        .map(|(id, _)| format!("{id}: {:?}", assess(c, id).map(|a| a.status)))
        .collect();
    format!("{statuses:?} {:?}", compute(c))
}

#[test]
fn forged_files_change_nothing_of_the_seed() {
    let seed = common::seed();
    let network = NetworkKeys {
        centres: common::network()
            .centres
            .into_iter()
            .map(|(id, (_, keys))| (id, keys))
            .collect(),
    };
    let before = standing_of(&seed);
    let attacker = key(77);
    let mut files = Vec::new();
    // Tombstones for all 48 prototypes from a centre that exists nowhere, self-signed.
    let mut f = Catalogue::default();
    f.centres.insert(
        "nulle-part".into(),
        with_edit(
            None,
            "nulle-part",
            AT,
            Some(centre_body("Nulle part", &[&attacker])),
        ),
    );
    for (id, r) in &seed.prototypes {
        let mut tomb = with_edit(Some(r), "nulle-part", AT, None);
        force_sign(EntityKind::Prototype, id, &mut tomb.heads[0], &attacker);
        f.prototypes.insert(id.clone(), tomb);
    }
    files.push(signed_by(f, "nulle-part", &attacker));
    // Every prototype « replaced » by an unsigned version dated in 9999 in its author's name.
    let mut f = seed.clone();
    for r in f.prototypes.values_mut() {
        let author = r.winner().author.clone();
        let mut e = with_edit(Some(r), &author, "9999-12-31T23:59:59Z", None);
        e.heads[0].revision = 1_000;
        *r = e;
    }
    files.push(f);
    // Seven invented centres report 5/5 with residents on every prototype.
    let mut f = seed.clone();
    for i in 0..7u8 {
        let id = format!("invente-{i}");
        let k = key(150 + i);
        f.centres.insert(
            id.clone(),
            with_edit(None, &id, AT, Some(centre_body(&id, &[&k]))),
        );
        for p in seed.prototypes.keys() {
            f.ratings.insert(
                Rating::id_for(p, &id),
                with_edit(None, &id, AT, Some(rating_body(p, &id, 5))),
            );
        }
        f = signed_by(f, &id, &k);
    }
    files.push(f);
    // Reports in the real centres' names, signed by the attacker.
    let mut f = seed.clone();
    for centre in seed.centres.keys() {
        for p in seed.prototypes.keys().take(10) {
            let id = Rating::id_for(p, centre);
            let mut r = with_edit(
                f.ratings.get(&id),
                centre,
                AT,
                Some(rating_body(p, centre, 5)),
            );
            force_sign(EntityKind::Rating, &id, &mut r.heads[0], &attacker);
            f.ratings.insert(id, r);
        }
    }
    files.push(f);
    for (n, file) in files.iter().enumerate() {
        let (after, _) = import_with(&seed, file, &network);
        assert_eq!(standing_of(&after), before, "forged file {n}");
        assert_eq!(after.live_prototypes().count(), 48, "forged file {n}");
    }
}
