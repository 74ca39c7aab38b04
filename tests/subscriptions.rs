//! Subscriptions to feeds (`subscription`): the pin a subscription keeps and follows, the
//! back-off of a host that does not answer, what survives storage, the lines of « Nouveautés »,
//! and several feeds' admitted content written as one import (`exchange::combine`).

mod common;

use prototheque::exchange::feed::{judge, FeedHeader, FeedKind, Judgement};
use prototheque::exchange::{
    admit, b64, combine, merge_catalogues, EntityKind, NetworkKeys, Outcome, PreviewItem, Verdicts,
};
use prototheque::model::Catalogue;
use prototheque::native_crypto::{public_of, sign_feed};
use prototheque::subscription::{news_line, Status, Subscription};

const SECRET: [u8; 32] = [7; 32];
const OTHER: [u8; 32] = [9; 32];

fn key_of(secret: &[u8; 32]) -> String {
    b64::encode(&public_of(secret))
}

fn header(publisher: &str, sequence: u64, secret: &[u8; 32]) -> FeedHeader {
    let mut header = FeedHeader::new(
        publisher,
        "Centre social l'Echo",
        FeedKind::Centre,
        sequence,
        "2026-12-02T10:00:00Z",
    );
    sign_feed(secret, &mut header);
    header
}

#[test]
fn a_subscription_by_address_pins_the_first_feed_then_judges_the_next_against_it() {
    let catalogue = Catalogue::default();
    let mut s = Subscription::new("https://echo.example/flux.json", "2026-12-01T09:00:00Z");
    assert_eq!(s.pin(), None);
    assert_eq!(s.title(), "https://echo.example/flux.json");
    let first = header("echo", 10, &SECRET);
    assert_eq!(
        judge(&first, s.pin().as_ref(), &s.listed_keys(&catalogue)),
        Judgement::Fresh { new_key: None }
    );
    s.succeeded(
        Status::Updated { changes: 2 },
        &first,
        "2026-12-02T10:05:00Z",
    );
    assert_eq!(s.title(), "Centre social l'Echo");
    let pin = s.pin().expect("pinned on first use");
    assert_eq!(
        (pin.publisher.as_str(), pin.key.clone(), pin.sequence),
        ("echo", key_of(&SECRET), 10)
    );
    let judged =
        |h: &FeedHeader, s: &Subscription| judge(h, s.pin().as_ref(), &s.listed_keys(&catalogue));
    assert_eq!(judged(&first, &s), Judgement::Unchanged);
    assert_eq!(
        judged(&header("echo", 9, &SECRET), &s),
        Judgement::Older { seen: 10, got: 9 }
    );
    assert!(matches!(
        judged(&header("echo", 11, &OTHER), &s),
        Judgement::OtherKey { .. }
    ));
    assert!(matches!(
        judged(&header("autre", 11, &SECRET), &s),
        Judgement::OtherPublisher { .. }
    ));
    // A failure leaves the pin as it was.
    s.failed(Status::OtherKey, "2026-12-02T13:00:00Z", 0);
    assert_eq!(s.pin(), Some(pin));
    assert!(!s.warned, "the first key warning is an alert");
    s.failed(Status::OtherKey, "2026-12-02T16:00:00Z", 0);
    assert!(s.warned, "the same warning again is not");
    assert_eq!(s.last_success.as_deref(), Some("2026-12-02T10:05:00Z"));
}

#[test]
fn a_subscription_from_the_network_pins_its_keys_and_follows_a_key_it_lists() {
    let listed = [key_of(&SECRET), key_of(&OTHER)];
    let s = Subscription::of_network(
        "https://reseau.example/flux/echo.json",
        "echo",
        "Centre social l'Echo",
        &listed,
        "2026-12-01T09:00:00Z",
    );
    let catalogue = Catalogue::default();
    assert_eq!(s.pin().unwrap().key, key_of(&SECRET));
    // The network's second key for the centre: followed.
    assert_eq!(
        judge(
            &header("echo", 1, &OTHER),
            s.pin().as_ref(),
            &s.listed_keys(&catalogue)
        ),
        Judgement::Fresh {
            new_key: Some(key_of(&OTHER))
        }
    );
    // A key the network does not give it: refused from the very first feed.
    assert!(matches!(
        judge(
            &header("echo", 1, &[3; 32]),
            s.pin().as_ref(),
            &s.listed_keys(&catalogue)
        ),
        Judgement::OtherKey { .. }
    ));
}

#[test]
fn only_a_host_that_does_not_answer_is_left_alone_for_a_while() {
    let mut s = Subscription::new("https://echo.example/flux.json", "2026-12-01T09:00:00Z");
    let now = 1_000_000;
    assert!(s.due(now));
    s.failed(Status::Unreachable, "t", now);
    assert!(!s.due(now + 14 * 60));
    assert!(s.due(now + 15 * 60));
    s.failed(Status::Unreachable, "t", now);
    assert_eq!(s.next_try, now + 30 * 60);
    for _ in 0..20 {
        s.failed(Status::Unreachable, "t", now);
    }
    assert_eq!(s.next_try, now + 24 * 60 * 60, "at most a day");
    // A host that answers, even with a refusal, is tried at every refresh.
    s.failed(Status::CrossOrigin, "t", now);
    assert!(s.due(now));
    assert_eq!(s.failures, 0);
    s.failed(Status::Unreachable, "t", now);
    s.succeeded(Status::UpToDate, &header("echo", 1, &SECRET), "t");
    assert!(s.due(now));
}

#[test]
fn every_status_survives_storage_and_older_entries_read_with_defaults() {
    let statuses = [
        Status::Updated { changes: 3 },
        Status::UpToDate,
        Status::CrossOrigin,
        Status::Unreachable,
        Status::NotFound,
        Status::NotAFeed {
            problem: "format : est obligatoire".into(),
        },
        Status::TooBig,
        Status::BadSignature,
        Status::OtherKey,
        Status::Older { seen: 5, got: 4 },
        Status::OtherPublisher {
            got: "autre".into(),
        },
        Status::Failed {
            message: "Le stockage est plein.".into(),
        },
    ];
    for status in statuses {
        let mut s = Subscription::new("https://echo.example/flux.json", "2026-12-01T09:00:00Z");
        s.failed(status, "2026-12-02T10:00:00Z", 7);
        let text = serde_json::to_string(&s).unwrap();
        assert_eq!(
            serde_json::from_str::<Subscription>(&text).unwrap(),
            s,
            "{text}"
        );
    }
    // What an earlier version wrote, and a field a newer one adds.
    let old: Subscription = serde_json::from_str(
        r#"{"url":"https://echo.example/flux.json","subscribed_at":"2026-12-01T09:00:00Z","plus_tard":1}"#,
    )
    .unwrap();
    assert_eq!(old.sequence, 0);
    assert_eq!(old.status, None);
}

#[test]
fn every_message_starts_with_the_words_the_page_promises() {
    let cases = [
        (Status::Updated { changes: 2 }, "Mis à jour : 2 nouveautés."),
        (Status::Updated { changes: 1 }, "Mis à jour : 1 nouveauté."),
        (Status::UpToDate, "À jour"),
        (
            Status::CrossOrigin,
            "Le site qui héberge ce flux n'en autorise pas la lecture",
        ),
        (
            Status::Unreachable,
            "Le site qui héberge ce flux ne répond pas",
        ),
        (Status::NotFound, "Aucun flux à cette adresse"),
        (
            Status::NotAFeed {
                problem: "x".into(),
            },
            "Ce fichier n'est pas un flux Prototèque",
        ),
        (Status::TooBig, "Ce flux est trop volumineux"),
        (
            Status::BadSignature,
            "La signature de ce flux n'est pas valide",
        ),
        (
            Status::OtherKey,
            "Attention : ce flux est signé par une autre clé que celle enregistrée lors de \
             l'abonnement",
        ),
        (
            Status::Older { seen: 8, got: 5 },
            "Ce flux est plus ancien que celui déjà reçu (numéro 5, déjà reçu 8)",
        ),
        (
            Status::OtherPublisher { got: "x".into() },
            "Cette adresse publie maintenant le flux d'un autre éditeur",
        ),
    ];
    for (status, start) in cases {
        let message = status.message(15 * 60);
        assert!(message.starts_with(start), "{message}");
        assert_eq!(status.is_failure(), !start.contains("jour"), "{message}");
    }
    let unreachable = Status::Unreachable.message(30 * 60);
    assert!(
        unreachable.contains("Nouvel essai dans 30 minutes"),
        "{unreachable}"
    );
    let cors = Status::CrossOrigin.message(0);
    for fix in [
        "GitHub Pages",
        "Header set Access-Control-Allow-Origin \"*\"",
        ".htaccess",
        "add_header Access-Control-Allow-Origin *;",
        "Nextcloud",
    ] {
        assert!(cors.contains(fix), "{fix}");
    }
}

fn item(kind: EntityKind, id: &str, outcome: Outcome) -> PreviewItem {
    PreviewItem {
        kind,
        id: id.into(),
        outcome,
    }
}

#[test]
fn news_lines_name_titles_centres_and_origins() {
    let seed = common::seed_as_read();
    let (id, prototype) = seed
        .prototypes
        .iter()
        .find_map(|(id, r)| Some((id, r.current()?)).filter(|(_, p)| p.forked_from.is_none()))
        .unwrap();
    let centre = seed.centre(&prototype.centre).unwrap().name.clone();
    assert_eq!(
        news_line(&item(EntityKind::Prototype, id, Outcome::Added), &seed).unwrap(),
        format!("Nouveau prototype : {} — {centre}", prototype.title)
    );
    assert_eq!(
        news_line(&item(EntityKind::Prototype, id, Outcome::Updated), &seed).unwrap(),
        format!("Prototype mis à jour : {} — {centre}", prototype.title)
    );
    assert!(
        news_line(&item(EntityKind::Prototype, id, Outcome::Conflict), &seed)
            .unwrap()
            .contains("les deux versions sont gardées")
    );
    assert_eq!(
        news_line(&item(EntityKind::Prototype, id, Outcome::Unchanged), &seed),
        None
    );
    assert_eq!(
        news_line(
            &item(EntityKind::Prototype, id, Outcome::IgnoredOlder),
            &seed
        ),
        None
    );
    if let Some((id, adapted)) = seed
        .prototypes
        .iter()
        .find_map(|(id, r)| Some((id, r.current()?)).filter(|(_, p)| p.forked_from.is_some()))
    {
        let origin = adapted.forked_from.as_ref().unwrap();
        let line = news_line(&item(EntityKind::Prototype, id, Outcome::Added), &seed).unwrap();
        let origin_title = &seed.prototype(&origin.prototype).unwrap().title;
        assert!(
            line.starts_with(&format!(
                "Nouvelle adaptation : {} (adapté de {origin_title}) — ",
                adapted.title
            )),
            "{line}"
        );
    }
    let (rating_id, rating) = seed
        .ratings
        .iter()
        .find_map(|(id, r)| Some((id, r.current()?)))
        .unwrap();
    let line = news_line(&item(EntityKind::Rating, rating_id, Outcome::Added), &seed).unwrap();
    assert_eq!(
        line,
        format!(
            "Nouveau rapport d'expérience sur {} — {}",
            seed.prototype(&rating.prototype).unwrap().title,
            seed.centre(&rating.centre).unwrap().name
        )
    );
    let (centre_id, centre) = seed.centres.iter().next().unwrap();
    assert_eq!(
        news_line(
            &item(EntityKind::Centre, centre_id, Outcome::Updated),
            &seed
        )
        .unwrap(),
        format!("Centre mis à jour : {}", centre.current().unwrap().name)
    );
}

/// Two feeds' content admitted one by one, then as one import: the same as merging them.
#[test]
fn several_feeds_are_admitted_then_written_as_one() {
    let seed = common::seed_as_read();
    let mut ids = seed.centres.keys();
    let (a, b) = (ids.next().unwrap().clone(), ids.next().unwrap().clone());
    let feed_a = prototheque::exchange::feed::centre_feed(&seed, &a);
    let feed_b = prototheque::exchange::feed::centre_feed(&seed, &b);
    let stored = Catalogue::default();
    let network = NetworkKeys::default();
    let admitted = |c: &Catalogue| admit(&stored, c.clone(), &Verdicts::default(), &network);
    let one = combine(
        &stored,
        vec![admitted(&feed_a), admitted(&feed_b)],
        &network,
    );
    let both = admitted(&merge_catalogues(&feed_a, &feed_b));
    assert_eq!(one.catalogue(), both.catalogue());
    assert_eq!(one.admission.verified, both.admission.verified);
    assert_eq!(combine(&stored, Vec::new(), &network).catalogue(), &stored);
}
