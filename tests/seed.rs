//! The shipped seed catalogue (public/catalogue.json): valid, complete, canonical.
#![cfg(not(target_arch = "wasm32"))]

use prototheque::exchange::{export, read_document, Limits};

mod common;
use prototheque::label::{self, Status};
use prototheque::model::Theme;
use std::collections::{BTreeMap, BTreeSet};

const SEED_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/public/catalogue.json");

fn seed_bytes() -> Vec<u8> {
    std::fs::read(SEED_PATH).expect("public/catalogue.json")
}

#[test]
fn seed_passes_the_validator() {
    if let Err(problems) = read_document(&seed_bytes(), &Limits::default()) {
        panic!("the seed is invalid:\n{problems}");
    }
}

/// The file is kept in the exporter's canonical form, so an export of the untouched seed is
/// byte-identical to it. `PROTOTHEQUE_BLESS=1 cargo test --test seed` rewrites it after a
/// deliberate change.
#[test]
fn seed_is_in_canonical_export_form() {
    let bytes = seed_bytes();
    let doc = read_document(&bytes, &Limits::default()).expect("valid seed");
    let canonical = export(&doc);
    if std::env::var_os("PROTOTHEQUE_BLESS").is_some() {
        std::fs::write(SEED_PATH, &canonical).unwrap();
        return;
    }
    assert!(
        canonical == bytes,
        "public/catalogue.json is not canonical: run PROTOTHEQUE_BLESS=1 cargo test --test seed"
    );
}

#[test]
fn seed_has_the_programme_shape() {
    let catalogue = common::seed();
    let centres: BTreeMap<_, _> = catalogue.live_centres().collect();
    assert_eq!(centres.len(), 8);
    let territories: BTreeSet<_> = centres.values().map(|c| c.territory.as_str()).collect();
    assert_eq!(
        territories,
        BTreeSet::from(["Lille Sud", "Versant Nord-Est"])
    );

    let prototypes: Vec<_> = catalogue.live_prototypes().collect();
    assert_eq!(prototypes.len(), 48);
    for centre in centres.keys() {
        let n = prototypes
            .iter()
            .filter(|(_, p)| p.centre == *centre)
            .count();
        assert_eq!(n, 6, "centre {centre} has {n} prototypes");
    }
    for theme in Theme::ALL {
        let n = prototypes.iter().filter(|(_, p)| p.theme == theme).count();
        assert!(n >= 6, "theme {} appears {n} times", theme.label());
    }
    for (id, p) in &prototypes {
        assert!(label::livret_complete(p), "{id}: livret incomplete");
        assert!(label::free_licence(p), "{id}: licence {}", p.licence);
    }
    // Each livret is its own text, not a variant of another.
    let summaries: BTreeSet<_> = prototypes.iter().map(|(_, p)| p.summary.as_str()).collect();
    assert_eq!(summaries.len(), 48);
    let first_steps: BTreeSet<_> = prototypes
        .iter()
        .map(|(_, p)| p.livret.steps[0].description.as_str())
        .collect();
    assert_eq!(first_steps.len(), 48);
}

#[test]
fn seed_shows_lineage_reports_and_the_label() {
    let catalogue = common::seed();
    let forks: Vec<_> = catalogue
        .live_prototypes()
        .filter_map(|(_, p)| p.forked_from.as_ref())
        .collect();
    assert!(forks.len() >= 8);
    for fork in &forks {
        assert!(
            catalogue.prototype(&fork.prototype).is_some(),
            "fork of unknown {}",
            fork.prototype
        );
    }
    assert!(catalogue.live_ratings().count() >= 40);
    let statuses: Vec<_> = catalogue
        .live_prototypes()
        .map(|(id, _)| label::assess(&catalogue, id).unwrap().status)
        .collect();
    let labelled = statuses.iter().filter(|s| **s == Status::Labelled).count();
    assert!(labelled >= 3, "only {labelled} labelled prototypes");
    assert!(statuses.contains(&Status::Candidate));
}

#[test]
fn seed_has_a_three_generation_lineage() {
    use prototheque::model::{ancestry, family, Facts};
    let catalogue = common::seed();
    assert_eq!(
        ancestry(&catalogue, "faubourg-de-bethune-pouvoir-d-agir"),
        ["chemin-rouge-pouvoir-d-agir", "belencontre-pouvoir-d-agir"]
    );
    let facts = Facts::of(&catalogue);
    let tree = family(&catalogue, &facts, "phalempins-pouvoir-d-agir");
    assert_eq!(tree[0].id, "belencontre-pouvoir-d-agir");
    assert_eq!(tree.len(), 4);
}

#[test]
fn the_facts_about_one_prototype_are_those_of_the_whole_catalogue() {
    use prototheque::model::{family, Facts};
    let catalogue = common::seed();
    let all = Facts::of(&catalogue);
    for (id, p) in catalogue.live_prototypes() {
        let about = Facts::about(&catalogue, |p| p == id);
        // Its own reports, every adaptation: the same lineage and label as from all the facts.
        assert_eq!(about.reports(id).len(), all.reports(id).len(), "{id}");
        assert_eq!(about.average(id), all.average(id), "{id}");
        assert_eq!(family(&catalogue, &about, id), family(&catalogue, &all, id));
        assert_eq!(
            label::assess_with(p, id, &about),
            label::assess_with(p, id, &all)
        );
        // And nothing gathered about the others.
        let others = catalogue
            .live_prototypes()
            .filter(|(other, _)| *other != id && !all.reports(other).is_empty());
        for (other, _) in others {
            assert!(about.reports(other).is_empty(), "{id}: {other}");
        }
    }
    let reported = catalogue
        .live_prototypes()
        .filter(|(id, _)| !all.reports(id).is_empty());
    assert!(reported.count() >= 10);
}

/// An import preview names records as people know them: a report by its prototype's title and
/// the centre that wrote it, whether or not this browser already holds them.
#[test]
fn preview_lines_name_titles_and_centres() {
    use prototheque::exchange::{describe, Described, EntityKind};
    use prototheque::model::Catalogue;
    let seed = common::seed();
    let empty = Catalogue::default();
    let report = Described {
        title: "Diagnostic numérique « premier pas » à l'accueil du centre".to_owned(),
        centre: Some("Centre social l'Arbrisseau".to_owned()),
    };
    let id = "echo-accueil:arbrisseau";
    assert_eq!(describe(&empty, &seed, EntityKind::Rating, id), report);
    assert_eq!(describe(&seed, &empty, EntityKind::Rating, id), report);
    let prototype = describe(&empty, &seed, EntityKind::Prototype, "echo-accueil");
    assert_eq!(prototype.title, report.title);
    assert_eq!(prototype.centre.as_deref(), Some("Centre social l'Echo"));
    let centre = describe(&empty, &seed, EntityKind::Centre, "arbrisseau");
    assert_eq!(centre.title, "Centre social l'Arbrisseau");
    assert_eq!(centre.centre, None);
    // Nothing to name it by: its id.
    assert_eq!(
        describe(&empty, &empty, EntityKind::Prototype, "inconnu").title,
        "inconnu"
    );
}
