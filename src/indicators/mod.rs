//! The programme's indicators ("une batterie d'indicateurs"), computed from the catalogue:
//! progress against the targets and the breakdowns of the dashboard. Derived, never stored.
//! Only live data counts: a report on a deleted prototype counts nowhere, an adaptation on a
//! forged cycle (see `model::lineage`) is no adaptation. Totals are `usize` counts of records
//! or `u64` sums, which no catalogue a browser can hold overflows.

use crate::label::{self, Status};
use crate::model::{on_adaptation_cycles, Catalogue, Counted, Facts, Prototype, Rating, Theme};
use std::collections::BTreeMap;

/// The programme's targets.
pub const TARGET_PROTOTYPES: usize = 48;
pub const TARGET_TIERS_LIEUX: usize = 8;
pub const TARGET_RESIDENTS: u64 = 480;

/// One row of the theme × centre matrix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CentreRow {
    pub centre: String,
    pub name: String,
    /// Prototypes per theme, in [`Theme::ALL`] order.
    pub per_theme: [usize; 7],
}

/// Everything the dashboard shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Indicators {
    pub prototypes: usize,
    pub centres: usize,
    /// Centres with at least one live prototype (the programme's tiers-lieux at work).
    pub centres_with_prototype: usize,
    /// Residents who took part, summed over every live experience report on a live prototype
    /// (at most 100,000 a report, so `u64` cannot wrap).
    pub residents: u64,
    pub reports: usize,
    pub labelled: usize,
    pub candidates: usize,
    /// By centre name.
    pub matrix: Vec<CentreRow>,
    /// In [`Theme::ALL`] order.
    pub per_theme: [usize; 7],
    /// (original's centre name, adapting centre name, adaptations), most first.
    pub adaptations: Vec<(String, String, usize)>,
    /// Reports per overall score, 1 to 5.
    pub scores: [usize; 5],
    /// (month `YYYY-MM`, prototypes created, reports on sessions of that month), oldest first,
    /// months without activity between the first and the last included as zeros.
    pub activity: Vec<(String, usize, usize)>,
}

impl Indicators {
    /// Theme × centre cells with no prototype: where practices are missing.
    pub fn gaps(&self) -> usize {
        self.matrix
            .iter()
            .map(|r| r.per_theme.iter().filter(|n| **n == 0).count())
            .sum()
    }
}

pub fn compute(catalogue: &Catalogue) -> Indicators {
    compute_with(catalogue, label_counts(catalogue))
}

/// How many live prototypes are (labelled, candidates).
pub fn label_counts(catalogue: &Catalogue) -> (usize, usize) {
    let facts = Facts::of(catalogue);
    let mut counts = (0, 0);
    for (id, p) in catalogue.live_prototypes() {
        match label::assess_with(p, id, &facts).status {
            Status::Labelled => counts.0 += 1,
            Status::Candidate => counts.1 += 1,
            Status::InProgress => {}
        }
    }
    counts
}

/// [`compute`], with the label's (labelled, candidates) counts already known: the search index
/// holds every prototype's status, and assessing 20,000 prototypes again takes a phone a while.
pub fn compute_with(catalogue: &Catalogue, (labelled, candidates): (usize, usize)) -> Indicators {
    let name = |id: &str| {
        catalogue
            .centre(id)
            .map_or_else(|| id.to_owned(), |c| c.name.clone())
    };
    let theme_index = |t: Theme| {
        Theme::ALL
            .iter()
            .position(|x| *x == t)
            .expect("every theme is in ALL")
    };
    let counted = Counted::of(catalogue);
    let mut i = Indicators::default();
    // A row per centre that counts: a centre only met in a file adds no row of gaps.
    let mut matrix: BTreeMap<&str, [usize; 7]> = catalogue
        .live_centres()
        .filter(|(id, _)| counted.centre(id))
        .map(|(id, _)| (id, [0; 7]))
        .collect();
    // By centre ids while counting; by names (looked up once per pair) at the end.
    let mut adapted: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut activity: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let looped = on_adaptation_cycles(catalogue);
    for (id, p) in counted_prototypes(&counted, catalogue) {
        i.prototypes += 1;
        i.per_theme[theme_index(p.theme)] += 1;
        matrix.entry(p.centre.as_str()).or_insert([0; 7])[theme_index(p.theme)] += 1;
        if let Some(origin) = p
            .forked_from
            .as_ref()
            .filter(|_| !looped.contains(id))
            .and_then(|f| catalogue.prototype(&f.prototype))
        {
            if origin.centre != p.centre {
                *adapted.entry((&origin.centre, &p.centre)).or_default() += 1;
            }
        }
        if let Some(month) = p.created.get(..7) {
            activity.entry(month).or_default().0 += 1;
        }
    }
    for r in counted_reports(&counted, catalogue) {
        i.reports += 1;
        i.residents += u64::from(r.participants);
        if (1..=5).contains(&r.note) {
            i.scores[usize::from(r.note) - 1] += 1;
        }
        if let Some(month) = r.date.get(..7) {
            activity.entry(month).or_default().1 += 1;
        }
    }
    (i.labelled, i.candidates) = (labelled, candidates);
    i.centres = catalogue
        .live_centres()
        .filter(|(id, _)| counted.centre(id))
        .count();
    i.centres_with_prototype = matrix
        .values()
        .filter(|row| row.iter().any(|n| *n > 0))
        .count();
    i.matrix = matrix
        .into_iter()
        .map(|(centre, per_theme)| CentreRow {
            name: name(centre),
            centre: centre.to_owned(),
            per_theme,
        })
        .collect();
    i.matrix.sort_by(|a, b| a.name.cmp(&b.name));
    let mut adaptations: BTreeMap<(String, String), usize> = BTreeMap::new();
    for ((from, to), n) in adapted {
        *adaptations.entry((name(from), name(to))).or_default() += n;
    }
    let mut adaptations: Vec<_> = adaptations
        .into_iter()
        .map(|((from, to), n)| (from, to, n))
        .collect();
    adaptations.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (&a.0, &a.1).cmp(&(&b.0, &b.1))));
    i.adaptations = adaptations;
    i.activity = with_empty_months(activity);
    i
}

/// Months a chart of activity shows without a gap: past this span, only the latest months are
/// filled in (a file may date a report in year 1; the months with activity are all kept).
pub const FILLED_MONTHS: u32 = 120;

/// The activity by month, oldest first, with the months between that saw nothing as zeros, so
/// that a quiet season shows as one. Months that are not `YYYY-MM` are kept as they are.
fn with_empty_months(activity: BTreeMap<&str, (usize, usize)>) -> Vec<(String, usize, usize)> {
    // Months since year 0 (`YYYY-MM`, 01 to 12).
    let index = |month: &str| -> Option<u32> {
        let (year, m) = (month.get(..4)?, month.get(5..7)?);
        if month.len() != 7 || month.as_bytes()[4] != b'-' {
            return None;
        }
        let (year, m) = (year.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
        (1..=12).contains(&m).then_some(year * 12 + m - 1)
    };
    let last = activity.keys().rev().find_map(|m| index(m));
    let first = activity.keys().find_map(|m| index(m));
    let (Some(first), Some(last)) = (first, last) else {
        return activity
            .into_iter()
            .map(|(m, (p, r))| (m.to_owned(), p, r))
            .collect();
    };
    let from = first.max(last.saturating_sub(FILLED_MONTHS - 1));
    let mut out: Vec<(String, usize, usize)> = activity
        .iter()
        .filter(|(m, _)| index(m).is_none_or(|i| i < from))
        .map(|(m, &(p, r))| ((*m).to_owned(), p, r))
        .collect();
    for i in from..=last {
        let month = format!("{:04}-{:02}", i / 12, i % 12 + 1);
        let (p, r) = activity.get(month.as_str()).copied().unwrap_or_default();
        out.push((month, p, r));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// What each centre gave the network: (live prototypes published, live experience reports
/// written on live prototypes), by centre id, counted in one pass (a national catalogue has
/// 2,000 centres).
/// Centres that gave nothing are absent.
pub fn by_centre(catalogue: &Catalogue) -> BTreeMap<&str, (usize, usize)> {
    let counted = Counted::of(catalogue);
    let mut given: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (_, p) in counted_prototypes(&counted, catalogue) {
        given.entry(p.centre.as_str()).or_default().0 += 1;
    }
    for r in counted_reports(&counted, catalogue) {
        given.entry(r.centre.as_str()).or_default().1 += 1;
    }
    given
}

/// The reports indicators count: live ones on live prototypes, by vouched centres, signed.
fn counted_reports<'a, 'c: 'a>(
    counted: &'a Counted<'c>,
    catalogue: &'c Catalogue,
) -> impl Iterator<Item = &'c Rating> + 'a {
    counted
        .ratings()
        .map(|(_, r)| r)
        .filter(|r| catalogue.prototype(&r.prototype).is_some())
}

/// The prototypes indicators count: live ones whose current version is their vouched author's.
fn counted_prototypes<'a, 'c: 'a>(
    counted: &'a Counted<'c>,
    catalogue: &'c Catalogue,
) -> impl Iterator<Item = (&'c str, &'c Prototype)> + 'a {
    catalogue
        .live_prototypes()
        .filter(|(id, _)| counted.prototype(id))
}

/// First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A table as CSV for spreadsheets used in France: `;` separators, CRLF line ends, a UTF-8 byte
/// order mark so that accents show in Excel, fields quoted when needed. A cell starting with one
/// of [`FORMULA_STARTS`] (a centre's name or a title comes from any file) gets a `'` in front, so
/// that it is read as text and never run as a formula.
pub fn csv(headers: &[String], rows: &[Vec<String>]) -> String {
    fn field(s: &str) -> String {
        let s = if s.starts_with(FORMULA_STARTS) {
            format!("'{s}")
        } else {
            s.to_owned()
        };
        if s.contains([';', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    }
    let line = |cells: &[String]| cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(";");
    let mut out = String::from("\u{feff}");
    out.push_str(&line(headers));
    out.push_str("\r\n");
    for row in rows {
        out.push_str(&line(row));
        out.push_str("\r\n");
    }
    out
}
