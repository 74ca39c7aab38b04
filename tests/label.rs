//! The label's criteria on hand-made data, one criterion at a time.
#![cfg(not(target_arch = "wasm32"))]

use prototheque::exchange::{read_document, Limits};

mod common;
use prototheque::label::{assess, Status, CRITERIA};
use prototheque::model::Catalogue;
use serde_json::{json, Value};

fn envelope(author: &str) -> Value {
    json!({ "revision": 1, "modifie_par": author, "modifie_le": "2026-03-01T10:00:00Z" })
}

fn merge(mut a: Value, b: Value) -> Value {
    a.as_object_mut()
        .unwrap()
        .extend(b.as_object().unwrap().clone());
    a
}

fn complete_livret() -> Value {
    json!({
        "objectifs": ["Savoir se connecter"], "public": "Adultes", "duree": "2 h", "taille_groupe": "8",
        "materiel": ["Tablettes"], "cout": "Gratuit", "preparation": ["Réserver la salle"],
        "deroule": [
            { "titre": "Accueil", "description": "Tour de table." },
            { "titre": "Pratique", "description": "Exercices en binômes." },
            { "titre": "Bilan", "description": "Chacun dit ce qu'il retient." }
        ],
        "evaluation": ["Nombre de participants autonomes"]
    })
}

/// A catalogue with prototype `p` by centre `a`, and the given reports `(centre, note, residents)`
/// and adaptations (centres that forked `p`).
fn world(livret: Value, licence: &str, reports: &[(&str, u8, u32)], forks: &[&str]) -> Catalogue {
    let centres: Vec<Value> = ["a", "b", "c", "d"]
        .iter()
        .map(|id| {
            merge(
                envelope(id),
                json!({ "id": id, "nom": format!("Centre {id}") }),
            )
        })
        .collect();
    let proto = |id: &str, centre: &str, extra: Value| {
        merge(
            merge(
                envelope(centre),
                json!({
                    "id": id, "titre": "Atelier", "resume": "Résumé.", "theme": "accueil", "centre": centre,
                    "type_usage": "atelier", "cree_le": "2026-01-01", "licence": licence, "livret": livret.clone()
                }),
            ),
            extra,
        )
    };
    let mut prototypes = vec![proto("p", "a", json!({}))];
    for centre in forks {
        prototypes.push(proto(
            &format!("p-{centre}"),
            centre,
            json!({ "adapte_de": { "prototype": "p", "revision": 1 } }),
        ));
    }
    let evaluations: Vec<Value> = reports
        .iter()
        .map(|(centre, note, residents)| merge(envelope(centre), json!({
            "prototype": "p", "centre": centre, "note": note, "participants": residents, "date": "2026-02-01"
        })))
        .collect();
    let doc = json!({ "format": "prototheque-catalogue", "version": "1.0", "centres": centres, "prototypes": prototypes, "evaluations": evaluations });
    common::vouched_for_all(
        read_document(doc.to_string().as_bytes(), &Limits::default())
            .unwrap()
            .catalogue,
    )
}

fn met(c: &Catalogue) -> Vec<&'static str> {
    let a = assess(c, "p").unwrap();
    a.checklist()
        .filter(|(_, m)| *m)
        .map(|(c, _)| c.key)
        .collect()
}

#[test]
fn all_criteria_met_gives_the_label() {
    let c = world(
        complete_livret(),
        "CC BY-SA 4.0",
        &[("b", 4, 10), ("c", 3, 0)],
        &["d"],
    );
    assert_eq!(met(&c).len(), CRITERIA.len());
    assert_eq!(assess(&c, "p").unwrap().status, Status::Labelled);
}

#[test]
fn average_of_exactly_three_and_a_half_from_two_other_centres_is_enough() {
    let c = world(
        complete_livret(),
        "CC BY 4.0",
        &[("b", 4, 5), ("c", 3, 5)],
        &[],
    );
    assert!(met(&c).contains(&"bien-note-ailleurs"));
    let c = world(
        complete_livret(),
        "CC BY 4.0",
        &[("b", 4, 5), ("c", 2, 5)],
        &[],
    );
    assert!(!met(&c).contains(&"bien-note-ailleurs"));
}

#[test]
fn the_authors_own_report_and_a_single_other_centre_do_not_count() {
    let c = world(
        complete_livret(),
        "CC BY-SA 4.0",
        &[("a", 5, 5), ("b", 5, 5)],
        &[],
    );
    assert!(!met(&c).contains(&"bien-note-ailleurs"));
    assert!(met(&c).contains(&"teste-avec-habitants"));
}

#[test]
fn reports_without_residents_do_not_count_as_tested() {
    let c = world(complete_livret(), "CC BY-SA 4.0", &[("b", 5, 0)], &[]);
    assert!(!met(&c).contains(&"teste-avec-habitants"));
}

#[test]
fn non_commercial_or_no_derivatives_licences_are_not_free() {
    for licence in ["CC BY-NC-SA 4.0", "CC BY-ND 4.0", "Tous droits réservés"] {
        let c = world(complete_livret(), licence, &[], &[]);
        assert!(!met(&c).contains(&"licence-libre"), "{licence}");
        assert_eq!(assess(&c, "p").unwrap().status, Status::InProgress);
    }
    let c = world(complete_livret(), "CC0 1.0", &[], &[]);
    assert_eq!(assess(&c, "p").unwrap().status, Status::Candidate);
}

#[test]
fn a_livret_with_two_steps_is_incomplete() {
    let mut livret = complete_livret();
    livret["deroule"].as_array_mut().unwrap().pop();
    let c = world(livret, "CC BY-SA 4.0", &[], &[]);
    assert!(!met(&c).contains(&"livret-complet"));
}

#[test]
fn only_adaptations_by_other_centres_count_as_reproduced() {
    let c = world(complete_livret(), "CC BY-SA 4.0", &[], &["a"]);
    assert!(!met(&c).contains(&"reproduit-ailleurs"));
    let c = world(complete_livret(), "CC BY-SA 4.0", &[], &["b"]);
    assert!(met(&c).contains(&"reproduit-ailleurs"));
}
