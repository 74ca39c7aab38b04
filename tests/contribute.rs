//! What contributing needs natively: form checks by the file rules, new ids, exported subsets
//! that stand alone, comparisons, single records read back.
#![cfg(not(target_arch = "wasm32"))]

use prototheque::exchange::{
    check_prototype, check_rating, compare, export, new_id, read_document, read_prototype_record,
    record_json, slug, subset, with_edit, Document, Limits,
};
use prototheque::model::{Rating, Step};
use std::collections::BTreeSet;

mod common;
use common::seed;

#[test]
fn forms_are_checked_by_the_rules_of_the_file_format() {
    let c = seed();
    let mut p = c.prototype("echo-accueil").unwrap().clone();
    assert!(check_prototype(&p).is_empty());
    p.title = "  ".into();
    p.livret.steps.push(Step {
        title: "Étape".into(),
        description: String::new(),
        ..Step::default()
    });
    p.livret.resources[0].url = "javascript:alert(1)".into();
    let problems: Vec<String> = check_prototype(&p)
        .list
        .iter()
        .map(|p| p.to_string())
        .collect();
    let n = p.livret.steps.len() - 1;
    assert!(
        problems.contains(&"titre : le titre est vide".to_owned()),
        "{problems:?}"
    );
    assert!(
        problems.contains(&format!(
            "livret.deroule[{n}].description : la description est vide"
        )),
        "{problems:?}"
    );
    assert!(problems.iter().any(|m| m.starts_with(
        "livret.ressources[0].url : « javascript:alert(1) » n'est pas un lien accepté"
    )));

    let mut r = Rating {
        prototype: "echo-accueil".into(),
        centre: "arbrisseau".into(),
        note: 0,
        criteria: Default::default(),
        comment: String::new(),
        participants: 3,
        date: "2026-13-01".into(),
    };
    let problems: Vec<String> = check_rating(&r)
        .list
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(
        problems,
        [
            "note : doit être un nombre entier entre 1 et 5",
            "date : doit être une date au format AAAA-MM-JJ (ex. 2026-03-14)"
        ]
    );
    r.note = 4;
    r.date = "2026-03-01".into();
    assert!(check_rating(&r).is_empty());
}

#[test]
fn new_ids_are_slugs_unique_in_the_catalogue() {
    assert_eq!(
        slug("Café des Parents : l'École !", 60),
        "cafe-des-parents-l-ecole"
    );
    assert_eq!(slug("???", 60), "sans-titre");
    assert_eq!(slug("Très long titre de prototype", 10), "tres-long");
    let c = seed();
    let id = new_id("echo", "Diagnostic", |id| c.prototypes.contains_key(id));
    assert_eq!(id, "echo-diagnostic");
    let taken = ["echo-diagnostic", "echo-diagnostic-2"];
    assert_eq!(
        new_id("echo", "Diagnostic", |id| taken.contains(&id)),
        "echo-diagnostic-3"
    );
    assert!(prototheque::exchange::is_valid_id(&id));
}

#[test]
fn an_exported_selection_stands_on_its_own() {
    let c = seed();
    let ids: BTreeSet<String> = ["chemin-rouge-pouvoir-d-agir".to_owned()].into();
    let part = subset(&c, &ids);
    assert_eq!(part.prototypes.len(), 1);
    assert_eq!(part.ratings.len(), 3);
    // The author centre and the three reporting centres.
    assert_eq!(part.centres.len(), 4);
    let bytes = export(&Document {
        catalogue: part.clone(),
        ..Document::default()
    });
    assert_eq!(
        read_document(&bytes, &Limits::default()).unwrap().catalogue,
        part
    );
}

#[test]
fn comparing_an_adaptation_lists_what_changed() {
    let c = seed();
    let original = c.prototype("belencontre-pouvoir-d-agir").unwrap();
    let mut adaptation = original.clone();
    adaptation.title = "Balade photo adaptée".into();
    adaptation.livret.duration = "1 séance de 3 h".into();
    let changes = compare(original, &adaptation);
    let fields: Vec<&str> = changes.iter().map(|c| c.field).collect();
    assert_eq!(fields, ["Titre", "Durée"]);
    assert_eq!(changes[1].adaptation, "1 séance de 3 h");
    assert!(compare(original, original).is_empty());
}

#[test]
fn a_stored_record_reads_back_through_the_door() {
    let c = seed();
    let record = &c.prototypes["echo-accueil"];
    let (id, back) = read_prototype_record(&record_json("echo-accueil", record)).unwrap();
    assert_eq!((id.as_str(), &back), ("echo-accueil", record));
    let edited = with_edit(
        Some(record),
        "echo",
        "2026-11-01T10:00:00Z",
        record.current().cloned(),
    );
    let (_, back) = read_prototype_record(&record_json("echo-accueil", &edited)).unwrap();
    assert_eq!(back, edited);
    assert!(read_prototype_record("{\"id\":\"x\"}").is_err());
}
