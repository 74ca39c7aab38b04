//! What local contributions need besides the merge: ids for new records, the part of a catalogue
//! an export of a selection must carry, and what an adaptation changed from its original.

use crate::model::{fold, Catalogue, Prototype};
use std::collections::BTreeSet;

/// A lowercase ASCII slug of `text` ("Café des Parents !" → "cafe-des-parents"), at most `max`
/// bytes, never empty.
pub fn slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in fold(text).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.trim_end_matches('-').chars().take(max).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("sans-titre");
    }
    out
}

/// A new record id `<centre>-<slug of title>`, made unique against `taken` with a numeric suffix.
pub fn new_id(centre: &str, title: &str, taken: impl Fn(&str) -> bool) -> String {
    let base = format!("{centre}-{}", slug(title, 60));
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .expect("an unused suffix exists")
}

/// The part of `catalogue` that a file with the prototypes `ids` must carry to stand on its own:
/// those prototypes (with their conflicts and history), their reports, and every centre they or
/// their reports cite.
pub fn subset(catalogue: &Catalogue, ids: &BTreeSet<String>) -> Catalogue {
    let mut out = Catalogue::default();
    let mut centres = BTreeSet::new();
    for id in ids {
        if let Some(record) = catalogue.prototypes.get(id) {
            centres.extend(
                record
                    .heads
                    .iter()
                    .filter_map(|v| v.body.as_ref())
                    .map(|p| p.centre.clone()),
            );
            out.prototypes.insert(id.clone(), record.clone());
        }
    }
    for (rid, record) in &catalogue.ratings {
        let about: Vec<_> = record
            .heads
            .iter()
            .filter_map(|v| v.body.as_ref())
            .collect();
        if about.iter().any(|r| ids.contains(&r.prototype)) {
            centres.extend(about.iter().map(|r| r.centre.clone()));
            out.ratings.insert(rid.clone(), record.clone());
        }
    }
    for id in centres {
        if let Some(record) = catalogue.centres.get(&id) {
            out.centres.insert(id, record.clone());
        }
    }
    out
}

/// One field an adaptation changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub field: &'static str,
    pub original: String,
    pub adaptation: String,
}

fn lines(items: &[String]) -> String {
    items.join("\n")
}

/// Field by field, what `adaptation` changed from `original` (in the words of the livret).
pub fn compare(original: &Prototype, adaptation: &Prototype) -> Vec<FieldChange> {
    let (a, b) = (original, adaptation);
    let steps = |p: &Prototype| {
        p.livret
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let duration = if s.duration.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", s.duration)
                };
                format!("{}. {}{duration} — {}", i + 1, s.title, s.description)
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let resources = |p: &Prototype| {
        p.livret
            .resources
            .iter()
            .map(|r| format!("{} — {}", r.title, r.url))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let fields: Vec<(&'static str, String, String)> = vec![
        ("Titre", a.title.clone(), b.title.clone()),
        ("Résumé", a.summary.clone(), b.summary.clone()),
        ("Thème", a.theme.label().into(), b.theme.label().into()),
        ("Type d'usage", a.kind.label().into(), b.kind.label().into()),
        ("Public", a.public.clone(), b.public.clone()),
        ("Scénario d'usage", a.scenario.clone(), b.scenario.clone()),
        ("Outils", lines(&a.tools), lines(&b.tools)),
        ("Mots-clés", lines(&a.tags), lines(&b.tags)),
        ("Licence", a.licence.clone(), b.licence.clone()),
        (
            "Objectifs",
            lines(&a.livret.objectives),
            lines(&b.livret.objectives),
        ),
        (
            "Public du livret",
            a.livret.public.clone(),
            b.livret.public.clone(),
        ),
        (
            "Durée",
            a.livret.duration.clone(),
            b.livret.duration.clone(),
        ),
        (
            "Taille du groupe",
            a.livret.group_size.clone(),
            b.livret.group_size.clone(),
        ),
        (
            "Matériel",
            lines(&a.livret.materials),
            lines(&b.livret.materials),
        ),
        ("Coût", a.livret.cost.clone(), b.livret.cost.clone()),
        (
            "Préparation",
            lines(&a.livret.preparation),
            lines(&b.livret.preparation),
        ),
        ("Déroulé", steps(a), steps(b)),
        (
            "Conseils d'animation",
            lines(&a.livret.facilitation_tips),
            lines(&b.livret.facilitation_tips),
        ),
        (
            "Pièges à éviter",
            lines(&a.livret.pitfalls),
            lines(&b.livret.pitfalls),
        ),
        (
            "Évaluation",
            lines(&a.livret.evaluation),
            lines(&b.livret.evaluation),
        ),
        ("Ressources", resources(a), resources(b)),
    ];
    fields
        .into_iter()
        .filter(|(_, x, y)| x != y)
        .map(|(field, original, adaptation)| FieldChange {
            field,
            original,
            adaptation,
        })
        .collect()
}
