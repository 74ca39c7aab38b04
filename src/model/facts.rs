use super::{Catalogue, Prototype, Rating};
use std::collections::{BTreeMap, BTreeSet};

/// Facts about each prototype that need the whole catalogue — its experience reports and the
/// adaptations made from it — gathered in one pass so that pages, the label and search do not
/// each rescan the catalogue per prototype.
pub struct Facts<'c> {
    reports: BTreeMap<&'c str, Vec<&'c Rating>>,
    adaptations: BTreeMap<&'c str, Vec<(&'c str, &'c Prototype)>>,
}

impl<'c> Facts<'c> {
    pub fn of(catalogue: &'c Catalogue) -> Self {
        Facts::about(catalogue, |_| true)
    }

    /// [`Facts::of`] with only the reports on the prototypes `wanted` accepts (and every
    /// adaptation, for lineages): what a page about a few prototypes needs, without gathering
    /// the reports on 20,000 others.
    pub fn about(catalogue: &'c Catalogue, wanted: impl Fn(&str) -> bool) -> Self {
        let mut reports: BTreeMap<&str, Vec<&Rating>> = BTreeMap::new();
        for (_, rating) in catalogue.live_ratings() {
            if !wanted(&rating.prototype) {
                continue;
            }
            reports
                .entry(rating.prototype.as_str())
                .or_default()
                .push(rating);
        }
        let mut adaptations: BTreeMap<&str, Vec<(&str, &Prototype)>> = BTreeMap::new();
        for (id, prototype) in catalogue.live_prototypes() {
            if let Some(origin) = &prototype.forked_from {
                adaptations
                    .entry(origin.prototype.as_str())
                    .or_default()
                    .push((id, prototype));
            }
        }
        Facts {
            reports,
            adaptations,
        }
    }

    /// Live experience reports on prototype `id`.
    pub fn reports(&self, id: &str) -> &[&'c Rating] {
        self.reports.get(id).map_or(&[], Vec::as_slice)
    }

    /// Live prototypes adapted directly from `id`, by id.
    pub fn adaptations(&self, id: &str) -> &[(&'c str, &'c Prototype)] {
        self.adaptations.get(id).map_or(&[], Vec::as_slice)
    }

    /// Average overall score of the reports on `id`.
    pub fn average(&self, id: &str) -> Option<f64> {
        let reports = self.reports(id);
        (!reports.is_empty())
            .then(|| reports.iter().map(|r| f64::from(r.note)).sum::<f64>() / reports.len() as f64)
    }

    /// Residents who took part, over all reports on `id`.
    pub fn residents(&self, id: &str) -> u32 {
        self.reports(id).iter().map(|r| r.participants).sum()
    }
}

/// The chain of prototypes `id` was adapted from, nearest first (parent, grandparent… up to the
/// original). Stops at an origin the catalogue does not hold, and at any cycle a file could forge.
pub fn ancestry(catalogue: &Catalogue, id: &str) -> Vec<String> {
    let mut chain = Vec::new();
    let mut seen = BTreeSet::from([id.to_owned()]);
    let mut current = catalogue.prototype(id).and_then(|p| p.forked_from.as_ref());
    while let Some(origin) = current {
        if !seen.insert(origin.prototype.clone()) {
            break;
        }
        chain.push(origin.prototype.clone());
        current = catalogue
            .prototype(&origin.prototype)
            .and_then(|p| p.forked_from.as_ref());
    }
    chain
}

/// One node of a lineage tree: a prototype and the adaptations made from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineageNode {
    pub id: String,
    pub children: Vec<LineageNode>,
}

impl LineageNode {
    pub fn size(&self) -> usize {
        1 + self.children.iter().map(LineageNode::size).sum::<usize>()
    }
}

/// The whole family of `id`: the tree rooted at its original (the furthest ancestor the
/// catalogue holds), every adaptation below it.
pub fn lineage(catalogue: &Catalogue, facts: &Facts, id: &str) -> LineageNode {
    let root = ancestry(catalogue, id)
        .into_iter()
        .rev()
        .find(|a| catalogue.prototype(a).is_some())
        .unwrap_or_else(|| id.to_owned());
    fn grow(facts: &Facts, id: &str, seen: &mut BTreeSet<String>) -> LineageNode {
        seen.insert(id.to_owned());
        let children = facts
            .adaptations(id)
            .iter()
            .filter(|(child, _)| !seen.contains(*child))
            .map(|(child, _)| *child)
            .collect::<Vec<_>>()
            .into_iter()
            .map(|child| grow(facts, child, seen))
            .collect();
        LineageNode {
            id: id.to_owned(),
            children,
        }
    }
    grow(facts, &root, &mut BTreeSet::new())
}
