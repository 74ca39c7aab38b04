//! Catalogue feeds (`exchange::feed`): the `flux` header through the door and back, its
//! signature, what a subscriber decides from it, and what a centre's feed holds.

mod common;

use prototheque::exchange::feed::{
    centre_feed, judge, next_sequence, FeedHeader, FeedKind, Judgement, Pinned,
};
use prototheque::exchange::{b64, export, read_document, Document, Limits};
use prototheque::native_crypto::{public_of, sign_feed, verify_feed};

const SECRET: [u8; 32] = [7; 32];
const OTHER: [u8; 32] = [9; 32];

fn key_of(secret: &[u8; 32]) -> String {
    b64::encode(&public_of(secret))
}

fn feed_file(centre: &str, sequence: u64, secret: &[u8; 32]) -> Vec<u8> {
    let seed = common::seed_as_read();
    let mut header = FeedHeader::new(
        centre,
        "Centre social l'Echo",
        FeedKind::Centre,
        sequence,
        "2026-12-02T10:00:00Z",
    );
    sign_feed(secret, &mut header);
    export(&Document {
        exported_at: Some("2026-12-02T10:00:00Z".into()),
        exported_by: Some(centre.into()),
        feed: Some(header),
        catalogue: centre_feed(&seed, centre),
        extra: Default::default(),
    })
}

#[test]
fn a_feed_reads_back_with_its_header_and_its_signature_verifies() {
    let bytes = feed_file("echo", 41, &SECRET);
    let doc = read_document(&bytes, &Limits::default()).expect("a feed is a catalogue file");
    let header = doc.feed.as_ref().expect("the header is read");
    assert_eq!(header.publisher, "echo");
    assert_eq!(header.kind, FeedKind::Centre);
    assert_eq!(header.sequence, 41);
    assert_eq!(header.key(), Some(key_of(&SECRET).as_str()));
    assert!(
        verify_feed(header),
        "the message the door computes is the signed one"
    );
    assert!(
        !doc.extra.contains_key("flux"),
        "a field the door reads is not kept as unknown"
    );
    // Closure: exporting what was read gives the same file.
    assert_eq!(export(&doc), bytes);
}

/// Each edit of a signed header, made in the file's text.
#[test]
fn a_header_changed_after_signing_does_not_verify() {
    let bytes = String::from_utf8(feed_file("echo", 41, &SECRET)).unwrap();
    let edits = [
        ("\"sequence\": 41", "\"sequence\": 4100"),
        (
            "\"nom\": \"Centre social l'Echo\"",
            "\"nom\": \"Autre nom\"",
        ),
        (
            "\"publie_le\": \"2026-12-02T10:00:00Z\"",
            "\"publie_le\": \"2027-01-01T00:00:00Z\"",
        ),
        ("\"nature\": \"centre\"", "\"nature\": \"relais\""),
        // A field added to the header is covered by the signature too.
        ("\"sequence\": 41", "\"sequence\": 41, \"miroir\": true"),
    ];
    for (from, to) in edits {
        assert!(bytes.contains(from), "{from} is in the file");
        let forged = bytes.replacen(from, to, 1);
        let doc = read_document(forged.as_bytes(), &Limits::default()).unwrap();
        assert!(!verify_feed(doc.feed.as_ref().unwrap()), "{to} is detected");
    }
    // Signed by another key than the one it names.
    let other = key_of(&OTHER);
    let forged = bytes.replacen(&key_of(&SECRET), &other, 1);
    let doc = read_document(forged.as_bytes(), &Limits::default()).unwrap();
    assert!(!verify_feed(doc.feed.as_ref().unwrap()));
}

#[test]
fn a_malformed_header_is_refused_with_its_path() {
    let bytes = String::from_utf8(feed_file("echo", 41, &SECRET)).unwrap();
    let cases = [
        (
            "\"nature\": \"centre\"",
            "\"nature\": \"miroir\"",
            "flux.nature",
        ),
        ("\"sequence\": 41", "\"sequence\": -1", "flux.sequence"),
        (
            "\"editeur\": \"echo\"",
            "\"editeur\": \"Echo !\"",
            "flux.editeur",
        ),
        // A centre's feed whose centre is not in the file.
        (
            "\"editeur\": \"echo\"",
            "\"editeur\": \"centre-absent\"",
            "flux.editeur",
        ),
    ];
    for (from, to, path) in cases {
        let forged = bytes.replacen(from, to, 1);
        let problems = read_document(forged.as_bytes(), &Limits::default()).unwrap_err();
        assert!(
            problems.list.iter().any(|p| p.path == path),
            "{to}: {problems:?}"
        );
    }
    let unsigned = bytes.replacen("\"signature\": {", "\"signature_retiree\": {", 1);
    let problems = read_document(unsigned.as_bytes(), &Limits::default()).unwrap_err();
    assert!(
        problems.list.iter().any(|p| p.path == "flux.signature"),
        "{problems:?}"
    );
}

fn header(publisher: &str, kind: FeedKind, sequence: u64, secret: &[u8; 32]) -> FeedHeader {
    let mut header = FeedHeader::new(publisher, "X", kind, sequence, "2026-12-02T10:00:00Z");
    sign_feed(secret, &mut header);
    header
}

fn pin(publisher: &str, secret: &[u8; 32], sequence: u64) -> Pinned {
    Pinned {
        publisher: publisher.into(),
        key: key_of(secret),
        sequence,
    }
}

#[test]
fn the_subscriber_judges_freshness_and_the_pinned_key() {
    let echo = |seq, secret| header("echo", FeedKind::Centre, seq, secret);
    let fresh = Judgement::Fresh { new_key: None };
    // First fetch: pinned then.
    assert_eq!(judge(&echo(5, &SECRET), None, &[]), fresh);
    let pinned = pin("echo", &SECRET, 5);
    assert_eq!(judge(&echo(6, &SECRET), Some(&pinned), &[]), fresh);
    assert_eq!(
        judge(&echo(5, &SECRET), Some(&pinned), &[]),
        Judgement::Unchanged
    );
    assert_eq!(
        judge(&echo(4, &SECRET), Some(&pinned), &[]),
        Judgement::Older { seen: 5, got: 4 }
    );
    // Another key: refused, even with a higher sequence…
    assert_eq!(
        judge(&echo(6, &OTHER), Some(&pinned), &[]),
        Judgement::OtherKey {
            pinned: key_of(&SECRET),
            got: key_of(&OTHER)
        }
    );
    // …unless the centre's own signed record lists it: the pin follows.
    assert_eq!(
        judge(&echo(6, &OTHER), Some(&pinned), &[key_of(&OTHER)]),
        Judgement::Fresh {
            new_key: Some(key_of(&OTHER))
        }
    );
    // A hub's key never changes that way.
    let hub_pin = pin("relais-hdf", &SECRET, 5);
    assert!(matches!(
        judge(
            &header("relais-hdf", FeedKind::Hub, 6, &OTHER),
            Some(&hub_pin),
            &[key_of(&OTHER)]
        ),
        Judgement::OtherKey { .. }
    ));
    // The address now serves another centre's feed.
    assert_eq!(
        judge(
            &header("phalempins", FeedKind::Centre, 9, &SECRET),
            Some(&pinned),
            &[]
        ),
        Judgement::OtherPublisher {
            expected: "echo".into(),
            got: "phalempins".into()
        }
    );
    // An older sequence under a rotated key is still a rollback.
    assert_eq!(
        judge(&echo(3, &OTHER), Some(&pinned), &[key_of(&OTHER)]),
        Judgement::Older { seen: 5, got: 3 }
    );
}

#[test]
fn sequences_grow_on_one_device_and_across_devices() {
    assert_eq!(next_sequence(None, 1_700_000_000), 1_700_000_000);
    assert_eq!(
        next_sequence(Some(1_700_000_000), 1_700_000_000),
        1_700_000_001
    );
    // A clock set back does not make the sequence go back.
    assert_eq!(
        next_sequence(Some(1_800_000_000), 1_700_000_000),
        1_800_000_001
    );
    // A second device, or a browser whose storage was cleared, publishes later: higher.
    assert!(next_sequence(None, 1_700_000_100) > next_sequence(Some(1_700_000_000), 1_700_000_000));
}

#[test]
fn a_centre_feed_holds_its_work_and_what_it_refers_to() {
    let seed = common::seed_as_read();
    for centre in seed.centres.keys() {
        let feed = centre_feed(&seed, centre);
        assert!(feed.centres.contains_key(centre));
        for (id, record) in &seed.prototypes {
            if record
                .winner()
                .body
                .as_ref()
                .is_some_and(|p| &p.centre == centre)
            {
                assert!(feed.prototypes.contains_key(id), "{centre}: {id}");
            }
        }
        for (id, record) in &seed.ratings {
            if record
                .winner()
                .body
                .as_ref()
                .is_some_and(|r| &r.centre == centre)
            {
                assert!(feed.ratings.contains_key(id), "{centre}: {id}");
            }
        }
        // Nothing else's reports.
        assert!(feed.ratings.values().all(|r| r
            .heads
            .iter()
            .filter_map(|v| v.body.as_ref())
            .any(|b| &b.centre == centre)));
        // Every reference resolves: the door reads it back as it is.
        let bytes = export(&Document {
            catalogue: feed.clone(),
            ..Default::default()
        });
        let back = read_document(&bytes, &Limits::default()).expect("a feed reads back");
        assert_eq!(back.catalogue, feed, "{centre}");
    }
}

#[test]
fn feed_addresses_are_https_or_this_machine() {
    use prototheque::exchange::feed::{feed_address, feed_reference_ok};
    for ok in [
        "https://centre-echo.fr/prototheque-flux-echo.json",
        "  https://exemple.github.io/flux.json  ",
        "http://127.0.0.1:4181/flux.json",
        "http://localhost:8080/flux.json",
        "http://[::1]:8080/flux.json",
    ] {
        assert!(feed_address(ok).is_ok(), "{ok}");
    }
    for bad in [
        "",
        "http://centre-echo.fr/flux.json",
        "ftp://centre-echo.fr/flux.json",
        "javascript:alert(1)",
        "centre-echo.fr/flux.json",
        "https://user:pass@centre-echo.fr/flux.json",
        "https:///flux.json",
        "https://centre echo.fr/flux.json",
        "http://127.0.0.1.evil.fr/flux.json",
    ] {
        let message = feed_address(bad).unwrap_err();
        assert!(!message.is_empty(), "{bad}");
    }
    assert!(feed_reference_ok("flux/echo.json"));
    assert!(feed_reference_ok("https://centre-echo.fr/flux.json"));
    for bad in [
        "../flux.json",
        "/flux.json",
        "//evil.fr/flux.json",
        "javascript:x",
        "http://evil.fr/f.json",
    ] {
        assert!(!feed_reference_ok(bad), "{bad}");
    }
}

/// The network's directory of feeds as shipped (`examples/sign_seed.rs` writes it): every centre
/// of `public/reseau.json` names its feed, relative to the list, and that file under `public/`
/// is a centre feed a browser subscribing from the directory accepts as it stands: read by the
/// door, its header signed by the key the list gives the centre, its versions all verified and
/// admitted, and its content what `centre_feed` takes of the shipped seed.
#[test]
fn the_shipped_directory_lists_a_valid_feed_for_every_centre() {
    use prototheque::exchange::{admit, signature_checks, Verdicts};
    use prototheque::native_crypto::verify;
    use std::path::Path;

    let public = Path::new(env!("CARGO_MANIFEST_DIR")).join("public");
    let network = common::network();
    let seed = common::seed_as_read();
    assert_eq!(network.centres.len(), 8);
    assert_eq!(
        network.feeds.keys().collect::<Vec<_>>(),
        network.centres.keys().collect::<Vec<_>>(),
        "every centre of the list, and only they, has a feed"
    );
    let mut shipped = std::collections::BTreeSet::new();
    for (centre, (name, keys)) in &network.centres {
        let reference = &network.feeds[centre];
        assert_eq!(
            reference,
            &format!("flux/prototheque-flux-{centre}.json"),
            "{centre}: the stable name, relative to the list's own address"
        );
        let path = public.join(reference);
        let bytes = std::fs::read(&path).unwrap_or_else(|_| {
            panic!(
                "{} is missing: cargo run --example sign_seed",
                path.display()
            )
        });
        shipped.insert(path.file_name().unwrap().to_owned());
        let doc = read_document(&bytes, &Limits::default())
            .unwrap_or_else(|problems| panic!("{centre}: the door refuses its feed:\n{problems}"));
        let header = doc.feed.as_ref().expect("a feed has its « flux » header");
        assert_eq!(header.publisher, *centre);
        assert_eq!(header.kind, FeedKind::Centre);
        assert_eq!(&header.name, name);
        assert!(
            verify_feed(header),
            "{centre}: the header's signature holds"
        );
        let key = header.key().expect("signed").to_owned();
        assert!(
            keys.contains(&key),
            "{centre}: signed by a key the network's list gives it"
        );
        // Subscribing from the directory pins the list's key: the first fetch is fresh.
        let pin = Pinned {
            publisher: centre.clone(),
            key: keys[0].clone(),
            sequence: 0,
        };
        assert_eq!(
            judge(header, Some(&pin), keys),
            Judgement::Fresh { new_key: None },
            "{centre}"
        );
        assert_eq!(
            doc.catalogue,
            centre_feed(&seed, centre),
            "{centre}: its feed is what centre_feed takes of the shipped seed"
        );
        // Every version's signature holds, and admission lets all of it in.
        let checks = signature_checks(&doc.catalogue);
        let verdicts: Vec<bool> = checks
            .iter()
            .map(|c| verify(&c.key, &c.message, &c.signature))
            .collect();
        assert!(
            verdicts.iter().all(|v| *v),
            "{centre}: a version's signature fails"
        );
        let admitted = admit(
            &Default::default(),
            doc.catalogue.clone(),
            &Verdicts::of(&checks, &verdicts),
            &network.keys(),
        );
        let admission = &admitted.admission;
        assert!(
            admission.refused.is_empty(),
            "{centre}: {:?}",
            admission.refused
        );
        assert_eq!(admission.unverified, 0, "{centre}");
        assert_eq!(admitted.catalogue(), &doc.catalogue, "{centre}");
    }
    // No stale feed beside them (a centre no longer listed).
    let on_disk: std::collections::BTreeSet<_> = std::fs::read_dir(public.join("flux"))
        .expect("public/flux")
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(on_disk, shipped);
}
