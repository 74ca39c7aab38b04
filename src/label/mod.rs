//! The shared label "Centres sociaux connectés": its public criteria, computed from the data.
//! The criteria live in one place, [`CRITERIA`], in the words shown to people; the checks below
//! follow the same order.

use crate::model::{Catalogue, Facts, Prototype};

/// Fewest steps a livret needs to be called complete.
pub const MIN_STEPS: usize = 3;
/// Lowest average score from other centres.
pub const MIN_AVERAGE: f64 = 3.5;
/// Fewest other centres whose reports count toward the average.
pub const MIN_OTHER_CENTRES: usize = 2;

/// One public criterion of the label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Criterion {
    pub key: &'static str,
    pub title: &'static str,
    pub explanation: &'static str,
}

/// The label's criteria, as published. A prototype is labelled when it meets all of them.
pub const CRITERIA: [Criterion; 5] = [
    Criterion {
        key: "livret-complet",
        title: "Livret complet",
        explanation: "Le livret indique les objectifs, le public, la durée, la taille du groupe, le \
                      matériel, le coût, la préparation, au moins 3 étapes de déroulé et la manière \
                      d'évaluer.",
    },
    Criterion {
        key: "licence-libre",
        title: "Licence libre",
        explanation: "Le prototype est partagé sous une licence Creative Commons qui permet de le \
                      reproduire et de l'adapter (CC BY, CC BY-SA ou CC0).",
    },
    Criterion {
        key: "teste-avec-habitants",
        title: "Testé avec des habitants",
        explanation: "Au moins un rapport d'expérience compte des habitants participants.",
    },
    Criterion {
        key: "bien-note-ailleurs",
        title: "Apprécié par d'autres centres",
        explanation: "Au moins 2 centres autres que l'auteur l'ont testé, avec une note moyenne \
                      d'au moins 3,5 sur 5.",
    },
    Criterion {
        key: "reproduit-ailleurs",
        title: "Reproduit ailleurs",
        explanation: "Au moins un autre centre l'a adapté pour ses habitants.",
    },
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Meets every criterion.
    Labelled,
    /// Complete and free, so on its way: tests and adaptations elsewhere are still missing.
    Candidate,
    /// The livret or the licence still needs work.
    InProgress,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Labelled => "Labellisé",
            Status::Candidate => "Candidat au label",
            Status::InProgress => "En préparation",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Status::Labelled => "labellise",
            Status::Candidate => "candidat",
            Status::InProgress => "en-preparation",
        }
    }
}

/// A prototype's label checklist: for each of [`CRITERIA`], in order, whether it is met.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    pub met: [bool; CRITERIA.len()],
    pub status: Status,
}

impl Assessment {
    pub fn checklist(&self) -> impl Iterator<Item = (&'static Criterion, bool)> + '_ {
        CRITERIA.iter().zip(self.met)
    }
}

pub fn livret_complete(p: &Prototype) -> bool {
    let l = &p.livret;
    !l.objectives.is_empty()
        && !l.public.is_empty()
        && !l.duration.is_empty()
        && !l.group_size.is_empty()
        && !l.materials.is_empty()
        && !l.cost.is_empty()
        && !l.preparation.is_empty()
        && l.steps.len() >= MIN_STEPS
        && !l.evaluation.is_empty()
}

pub fn free_licence(p: &Prototype) -> bool {
    let licence = p.licence.to_ascii_uppercase().replace(['-', '_'], " ");
    let words: Vec<&str> = licence.split_whitespace().collect();
    matches!(
        words.as_slice(),
        ["CC", "BY", ..] | ["CC0", ..] | ["CC", "0", ..]
    ) && !words.contains(&"NC")
        && !words.contains(&"ND")
}

/// Computes the checklist and status of prototype `id`. `None` if it is unknown or deleted.
pub fn assess(catalogue: &Catalogue, id: &str) -> Option<Assessment> {
    Some(assess_with(
        catalogue.prototype(id)?,
        id,
        &Facts::of(catalogue),
    ))
}

/// The checklist of `prototype` (whose id is `id`) given the catalogue's [`Facts`].
pub fn assess_with(prototype: &Prototype, id: &str, facts: &Facts) -> Assessment {
    let reports = facts.reports(id);
    let tested = reports.iter().any(|r| r.participants > 0);
    let others: Vec<_> = reports
        .iter()
        .filter(|r| r.centre != prototype.centre)
        .collect();
    let appreciated = others.len() >= MIN_OTHER_CENTRES
        && others.iter().map(|r| f64::from(r.note)).sum::<f64>() / others.len() as f64
            >= MIN_AVERAGE;
    let reproduced = facts.adaptations(id).iter().any(|(adaptation, p)| {
        p.centre != prototype.centre && facts.counted().prototype(adaptation)
    });
    let met = [
        livret_complete(prototype),
        free_licence(prototype),
        tested,
        appreciated,
        reproduced,
    ];
    // A prototype whose current version is not its vouched author's own is never labelled: an
    // unsigned copy, or one signed by a key first met in a file, cannot carry the label.
    let status = if met.iter().all(|m| *m) && facts.counted().prototype(id) {
        Status::Labelled
    } else if met[0] && met[1] {
        Status::Candidate
    } else {
        Status::InProgress
    };
    Assessment { met, status }
}
