use super::lineage::on_adaptation_cycles;
use super::{Catalogue, Counted, Prototype, Rating};
use std::collections::BTreeMap;

/// Facts about each prototype that need the whole catalogue — its experience reports and the
/// adaptations made from it — gathered in one pass so that pages, the label and search do not
/// each rescan the catalogue per prototype. Only the reports that count are gathered ([`Counted`]); reports on a deleted prototype are left out, and so
/// are the links of adaptation cycles (see `model::lineage`): the adaptations form a forest.
pub struct Facts<'c> {
    counted: Counted<'c>,
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
        let counted = Counted::of(catalogue);
        let mut reports: BTreeMap<&str, Vec<&Rating>> = BTreeMap::new();
        for (_, rating) in counted.ratings() {
            if !wanted(&rating.prototype) {
                continue;
            }
            reports
                .entry(rating.prototype.as_str())
                .or_default()
                .push(rating);
        }
        // Once per prototype reported on, rather than once per report.
        reports.retain(|id, _| catalogue.prototype(id).is_some());
        let looped = on_adaptation_cycles(catalogue);
        let mut adaptations: BTreeMap<&str, Vec<(&str, &Prototype)>> = BTreeMap::new();
        for (id, prototype) in catalogue.live_prototypes() {
            if looped.contains(id) {
                continue;
            }
            if let Some(origin) = &prototype.forked_from {
                adaptations
                    .entry(origin.prototype.as_str())
                    .or_default()
                    .push((id, prototype));
            }
        }
        Facts {
            counted,
            reports,
            adaptations,
        }
    }

    /// What counts toward the label and the indicators (see [`Counted`]).
    pub fn counted(&self) -> &Counted<'c> {
        &self.counted
    }

    /// Live experience reports on prototype `id` that count (none if it is deleted).
    pub fn reports(&self, id: &str) -> &[&'c Rating] {
        self.reports.get(id).map_or(&[], Vec::as_slice)
    }

    /// Live prototypes adapted directly from `id`, by id (none on an adaptation cycle), whether
    /// they count or not (a lineage shows them all).
    pub fn adaptations(&self, id: &str) -> &[(&'c str, &'c Prototype)] {
        self.adaptations.get(id).map_or(&[], Vec::as_slice)
    }

    /// Average overall score of the reports on `id`.
    pub fn average(&self, id: &str) -> Option<f64> {
        let reports = self.reports(id);
        (!reports.is_empty())
            .then(|| reports.iter().map(|r| f64::from(r.note)).sum::<f64>() / reports.len() as f64)
    }

    /// Residents who took part, over all reports on `id`: summed in `u64`, which no number of
    /// reports a browser can hold overflows.
    pub fn residents(&self, id: &str) -> u64 {
        self.reports(id)
            .iter()
            .map(|r| u64::from(r.participants))
            .sum()
    }
}
