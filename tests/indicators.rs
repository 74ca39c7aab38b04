//! Every indicator on fixed data, with the expected numbers worked out by hand.
#![cfg(not(target_arch = "wasm32"))]

use prototheque::exchange::{read_document, Limits};
use prototheque::indicators::{by_centre, compute, compute_with, csv, label_counts};
use prototheque::label::Status;
use prototheque::model::{Catalogue, Facts};
use prototheque::search::{Index, Query};
use serde_json::{json, Value};

mod common;
use common::vouched_for_all;

fn v(author: &str, extra: Value) -> Value {
    let mut base =
        json!({ "revision": 1, "modifie_par": author, "modifie_le": "2026-04-01T10:00:00Z" });
    base.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    base
}

fn proto(id: &str, centre: &str, theme: &str, created: &str, parent: Option<&str>) -> Value {
    let mut p = json!({ "id": id, "titre": id, "resume": "r", "theme": theme, "centre": centre, "type_usage": "atelier", "cree_le": created });
    if let Some(parent) = parent {
        p["adapte_de"] = json!({ "prototype": parent, "revision": 1 });
    }
    v(centre, p)
}

fn report(prototype: &str, centre: &str, note: u8, participants: u32, date: &str) -> Value {
    v(
        centre,
        json!({ "prototype": prototype, "centre": centre, "note": note, "participants": participants, "date": date }),
    )
}

/// Alpha (a), Bêta (b), Gamma (c); p1 to p4 live, p5 deleted; four reports, one withdrawn.
fn small_catalogue() -> Catalogue {
    let doc = json!({
        "format": "prototheque-catalogue", "version": "1.0",
        "centres": [v("a", json!({"id": "a", "nom": "Alpha"})), v("b", json!({"id": "b", "nom": "Bêta"})), v("c", json!({"id": "c", "nom": "Gamma"}))],
        "prototypes": [
            proto("p1", "a", "accueil", "2026-01-10", None),
            proto("p2", "a", "parentalite", "2026-02-05", None),
            proto("p3", "b", "accueil", "2026-02-20", Some("p1")),
            proto("p4", "b", "communication", "2026-03-01", Some("p3")),
            v("a", json!({ "id": "p5", "supprime": true })),
        ],
        "evaluations": [
            report("p1", "b", 4, 10, "2026-02-15"),
            report("p1", "c", 5, 6, "2026-03-02"),
            report("p3", "a", 2, 0, "2026-03-10"),
            v("c", json!({ "id": "p2:c", "supprime": true, "participants": 100 })),
        ],
    });
    vouched_for_all(
        read_document(doc.to_string().as_bytes(), &Limits::default())
            .unwrap()
            .catalogue,
    )
}

#[test]
fn indicators_of_a_small_catalogue() {
    let catalogue = small_catalogue();
    let i = compute(&catalogue);
    // p5 is deleted: 4 prototypes. Gamma published nothing: 2 of 3 centres.
    assert_eq!(
        (i.prototypes, i.centres, i.centres_with_prototype),
        (4, 3, 2)
    );
    // 10 + 6 + 0; the deleted report's 100 do not count.
    assert_eq!((i.residents, i.reports), (16, 3));
    assert_eq!(i.per_theme, [2, 1, 0, 0, 1, 0, 0]);
    let rows: Vec<(&str, [usize; 7])> = i
        .matrix
        .iter()
        .map(|r| (r.name.as_str(), r.per_theme))
        .collect();
    assert_eq!(
        rows,
        [
            ("Alpha", [1, 1, 0, 0, 0, 0, 0]),
            ("Bêta", [1, 0, 0, 0, 1, 0, 0]),
            ("Gamma", [0; 7])
        ]
    );
    // 5 + 5 + 7 empty cells.
    assert_eq!(i.gaps(), 17);
    // p3 adapts Alpha's p1; p4 adapts Bêta's own p3, which is not between centres.
    assert_eq!(i.adaptations, [("Alpha".to_owned(), "Bêta".to_owned(), 1)]);
    assert_eq!(i.scores, [0, 1, 0, 1, 1]);
    let activity: Vec<(&str, usize, usize)> = i
        .activity
        .iter()
        .map(|(m, p, r)| (m.as_str(), *p, *r))
        .collect();
    assert_eq!(
        activity,
        [("2026-01", 1, 0), ("2026-02", 2, 1), ("2026-03", 1, 2)]
    );
    // Default livrets are incomplete: nobody labelled or candidate.
    assert_eq!((i.labelled, i.candidates), (0, 0));
    // What each centre gave: deleted records do not count, Gamma wrote one report.
    let given: Vec<(&str, (usize, usize))> = by_centre(&catalogue).into_iter().collect();
    assert_eq!(given, [("a", (2, 1)), ("b", (2, 1)), ("c", (0, 1))]);
}

#[test]
fn indicators_of_the_seed_match_its_content() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/public/catalogue.json"
    ))
    .unwrap();
    let raw: Value = serde_json::from_slice(&bytes).unwrap();
    let residents: u64 = raw["evaluations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["participants"].as_u64().unwrap_or(0))
        .sum();
    // As a browser holds it: signed by the centres, vouched for by the network's list.
    let catalogue = common::seed();
    assert_eq!(catalogue, {
        let mut read = read_document(&bytes, &Limits::default()).unwrap().catalogue;
        read.vouched = catalogue.vouched.clone();
        read
    });
    let i = compute(&catalogue);
    assert_eq!(
        (i.prototypes, i.centres_with_prototype, i.residents),
        (48, 8, residents)
    );
    assert_eq!(i.gaps(), 8);
    // The dashboard takes the label's counts from the search index: they agree, and with the
    // statuses the catalogue's facets count.
    let index = Index::build(&catalogue);
    let counts = index.label_counts();
    assert_eq!(counts, label_counts(&catalogue));
    let statuses = index.search(&Query::default()).facets.statuses;
    let n = |s: Status| statuses.iter().find(|(x, _)| *x == s).unwrap().1;
    assert_eq!(counts, (n(Status::Labelled), n(Status::Candidate)));
    assert_eq!(counts, (i.labelled, i.candidates));
    assert!(counts.0 >= 3 && counts.1 >= 1, "{counts:?}");
    assert_eq!(compute_with(&catalogue, counts), i);
    assert_eq!(i.per_theme.iter().sum::<usize>(), 48);
    assert!(i.adaptations.len() >= 8);
}

#[test]
fn csv_is_ready_for_french_spreadsheets() {
    let out = csv(
        &["Thème".into(), "Prototypes".into()],
        &[
            vec!["Pouvoir d'agir; « quartier »".into(), "7".into()],
            vec!["Dit \"oui\"".into(), "1".into()],
        ],
    );
    assert_eq!(out, "\u{feff}Thème;Prototypes\r\n\"Pouvoir d'agir; « quartier »\";7\r\n\"Dit \"\"oui\"\"\";1\r\n");
}

/// `catalogue` with prototype `id` deleted, as a later version would delete it: its reports stay.
fn deleted(mut catalogue: Catalogue, id: &str) -> Catalogue {
    catalogue.prototypes.get_mut(id).unwrap().heads[0].body = None;
    catalogue
}

#[test]
fn reports_on_a_deleted_prototype_count_nowhere() {
    // p1 deleted: the reports of b and c on it stay in the catalogue, live.
    let catalogue = deleted(small_catalogue(), "p1");
    assert_eq!(catalogue.live_ratings().count(), 3);
    let i = compute(&catalogue);
    // Only a's report on p3 counts (0 residents, a 2).
    assert_eq!((i.residents, i.reports), (0, 1));
    assert_eq!(i.scores, [0, 1, 0, 0, 0]);
    let activity: Vec<(&str, usize, usize)> = i
        .activity
        .iter()
        .map(|(m, p, r)| (m.as_str(), *p, *r))
        .collect();
    assert_eq!(activity, [("2026-02", 2, 0), ("2026-03", 1, 1)]);
    // p3 adapted p1, which is gone: no adaptation between centres is left.
    assert!(i.adaptations.is_empty());
    let given: Vec<(&str, (usize, usize))> = by_centre(&catalogue).into_iter().collect();
    assert_eq!(given, [("a", (1, 1)), ("b", (2, 0))]);
    // The label's facts do not hold them either.
    let facts = Facts::of(&catalogue);
    assert!(facts.reports("p1").is_empty());
    assert_eq!((facts.residents("p1"), facts.average("p1")), (0, None));
    assert_eq!(facts.reports("p3").len(), 1);
}

#[test]
fn residents_near_u32_max_are_summed_without_wrapping() {
    // The door allows 100,000 residents a report; a local edit or an older version might not
    // have: three reports of about u32::MAX each.
    let mut catalogue = small_catalogue();
    let near = [u32::MAX, u32::MAX, u32::MAX - 1];
    let reports = catalogue
        .ratings
        .values_mut()
        .filter_map(|r| r.heads[0].body.as_mut());
    for (report, residents) in reports.zip(near) {
        report.participants = residents;
    }
    let expected: u64 = near.iter().copied().map(u64::from).sum();
    assert_eq!(compute(&catalogue).residents, expected);
    let facts = Facts::of(&catalogue);
    assert_eq!(facts.residents("p1"), 2 * u64::from(u32::MAX));
}

#[test]
fn csv_neutralises_every_formula_start() {
    // OWASP's formula starts, in a header and in a cell, alone and where the cell needs quotes.
    let dangerous = ['=', '+', '-', '@', '\t', '\r'];
    assert_eq!(dangerous, prototheque::indicators::FORMULA_STARTS);
    for c in dangerous {
        let cell = format!("{c}HYPERLINK(\"http://exemple.fr\")");
        let out = csv(
            &[format!("{c}1+1")],
            &[vec![cell.clone()], vec![format!("{c}A1;B1")]],
        );
        let lines: Vec<&str> = out.trim_start_matches('\u{feff}').split("\r\n").collect();
        let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        let header = if c == '\r' {
            quoted(&format!("'{c}1+1"))
        } else {
            format!("'{c}1+1")
        };
        assert_eq!(lines[0], header, "{c:?}");
        assert_eq!(lines[1], quoted(&format!("'{cell}")), "{c:?}");
        assert_eq!(lines[2], quoted(&format!("'{c}A1;B1")), "{c:?}");
        assert_eq!(lines[3], "");
    }
    // Elsewhere than first, or after a space, they are plain text; so are `'` and an empty cell.
    let harmless = ["a=b", "Centre n° 4 - Lille", " =1", "'déjà", "", "—", "48"];
    let row: Vec<String> = harmless.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        csv(&[], &[row]),
        "\u{feff}\r\na=b;Centre n° 4 - Lille; =1;'déjà;;—;48\r\n"
    );
}

#[test]
fn only_what_vouched_centres_signed_counts() {
    let signed = small_catalogue();
    // Unsigned, as files written before signatures are: nothing counts.
    let mut unsigned = signed.clone();
    for record in unsigned.prototypes.values_mut() {
        record.heads.iter_mut().for_each(|v| v.signature = None);
    }
    for record in unsigned.ratings.values_mut() {
        record.heads.iter_mut().for_each(|v| v.signature = None);
    }
    let i = compute(&unsigned);
    assert_eq!((i.prototypes, i.reports, i.residents), (0, 0, 0));
    assert_eq!(
        i.centres, 3,
        "the centres themselves are still signed and vouched"
    );
    // Signed, but by centres this browser does not vouch for (keys first met in a file): the
    // work shows, yet nothing counts, so that invented centres cannot award the label.
    let mut unvouched = signed.clone();
    unvouched.vouched.clear();
    let i = compute(&unvouched);
    assert_eq!((i.prototypes, i.centres, i.reports), (0, 0, 0));
    assert!(Facts::of(&unvouched).reports("p1").is_empty());
    // Only Gamma (c) unvouched: its report on p1 no longer counts, Bêta's still does.
    let mut one_less = signed;
    one_less.vouched.remove("c");
    let facts = Facts::of(&one_less);
    assert_eq!(facts.reports("p1").len(), 1);
    assert_eq!(facts.reports("p1")[0].centre, "b");
}

/// The activity of `prototypes` (id, created) and `reports` (prototype, date), by month.
fn activity_of(
    prototypes: &[(&str, &str)],
    reports: &[(&str, &str)],
) -> Vec<(String, usize, usize)> {
    let doc = json!({
        "format": "prototheque-catalogue", "version": "1.0",
        "centres": [v("a", json!({"id": "a", "nom": "Alpha"}))],
        "prototypes": prototypes.iter().map(|(id, day)| proto(id, "a", "accueil", day, None)).collect::<Vec<_>>(),
        "evaluations": reports.iter().map(|(p, day)| report(p, "a", 4, 3, day)).collect::<Vec<_>>(),
    });
    let catalogue = vouched_for_all(
        read_document(doc.to_string().as_bytes(), &Limits::default())
            .unwrap()
            .catalogue,
    );
    compute(&catalogue).activity
}

#[test]
fn months_without_activity_show_as_zero() {
    let activity = activity_of(&[("p1", "2025-11-03")], &[("p1", "2026-02-10")]);
    let months: Vec<(&str, usize, usize)> = activity
        .iter()
        .map(|(m, p, r)| (m.as_str(), *p, *r))
        .collect();
    assert_eq!(
        months,
        [
            ("2025-11", 1, 0),
            ("2025-12", 0, 0),
            ("2026-01", 0, 0),
            ("2026-02", 0, 1)
        ]
    );
    // A date far in the past fills no century of zeros: the last months only, and that month.
    let activity = activity_of(&[("p1", "1900-01-01"), ("p2", "2026-03-01")], &[]);
    let filled = prototheque::indicators::FILLED_MONTHS as usize;
    assert_eq!(activity.len(), filled + 1);
    assert_eq!(activity[0], ("1900-01".to_owned(), 1, 0));
    assert_eq!(activity[1].0, "2016-04");
    assert_eq!(activity[filled], ("2026-03".to_owned(), 1, 0));
    assert_eq!(activity.iter().map(|(_, p, _)| p).sum::<usize>(), 2);
}
