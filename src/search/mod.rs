//! Search: an accent- and case-insensitive inverted index over the catalogue, with prefix
//! matching for the word being typed, BM25-style relevance (title weighted above the rest),
//! facets counted on the result set, sorting, and the query ⇄ URL parameters mapping.
//! Derived data: rebuilt from the catalogue, never stored.

mod fold;
mod query;

pub use fold::{fold, tokens};
pub use query::{Query, Sort, PAGE_SIZE};

use crate::label::{self, Status};
use crate::model::{Catalogue, Facts, Theme, UsageKind};
use std::collections::{BTreeMap, HashMap};

/// What a result list shows of a prototype, and what facets and sorting look at.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub theme: Theme,
    pub kind: UsageKind,
    pub centre: String,
    pub centre_name: String,
    pub territory: String,
    pub status: Status,
    pub reports: usize,
    pub average: Option<f64>,
    pub adaptations: usize,
    /// Creation day, `YYYY-MM-DD`.
    pub created: String,
    /// Last change, `YYYY-MM-DDTHH:MM:SSZ`.
    pub updated: String,
    pub in_conflict: bool,
    /// Folded title, for stable alphabetical order.
    sort_title: String,
}

/// Field weights: a word in the title counts three times one in the body.
const TITLE: f32 = 3.0;
const TAGS: f32 = 2.0;
const BODY: f32 = 1.0;
/// A word matched only as a prefix (still being typed) counts a little less than a whole word.
const PREFIX_FACTOR: f32 = 0.8;
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// The index over one catalogue's live prototypes.
pub struct Index {
    entries: Vec<Entry>,
    /// Facet values by number, so that counting them allocates nothing per result.
    centres: Vec<(String, String)>,
    centre_of: Vec<u32>,
    territories: Vec<String>,
    territory_of: Vec<u32>,
    /// term → (entry, weighted term frequency)
    postings: BTreeMap<String, Vec<(u32, f32)>>,
    lengths: Vec<f32>,
    average_length: f32,
}

/// One search's outcome: matching entries in display order, and facet counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Results {
    pub hits: Vec<usize>,
    pub facets: Facets,
}

/// How many results each facet value would give, the other facets staying as they are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facets {
    pub themes: Vec<(Theme, usize)>,
    /// (centre id, centre name, count), by name.
    pub centres: Vec<(String, String, usize)>,
    pub territories: Vec<(String, usize)>,
    pub kinds: Vec<(UsageKind, usize)>,
    pub statuses: Vec<(Status, usize)>,
    /// (rated, unrated)
    pub rated: (usize, usize),
}

fn add_text(terms: &mut HashMap<String, f32>, text: &str, weight: f32, length: &mut f32) {
    for token in tokens(text) {
        *terms.entry(token).or_default() += weight;
        *length += weight;
    }
}

impl Index {
    pub fn build(catalogue: &Catalogue) -> Index {
        let facts = Facts::of(catalogue);
        let mut entries = Vec::new();
        let mut postings: BTreeMap<String, Vec<(u32, f32)>> = BTreeMap::new();
        let mut lengths = Vec::new();
        for (id, p) in catalogue.live_prototypes() {
            let centre = catalogue.centre(&p.centre);
            let n = entries.len() as u32;
            let mut terms = HashMap::new();
            let mut length = 0.0;
            add_text(&mut terms, &p.title, TITLE, &mut length);
            for tag in &p.tags {
                add_text(&mut terms, tag, TAGS, &mut length);
            }
            let body = [
                p.summary.as_str(),
                p.public.as_str(),
                p.scenario.as_str(),
                p.theme.label(),
                p.kind.label(),
            ];
            for text in body.into_iter().chain(p.tools.iter().map(String::as_str)) {
                add_text(&mut terms, text, BODY, &mut length);
            }
            if let Some(centre) = centre {
                add_text(&mut terms, &centre.name, BODY, &mut length);
                add_text(&mut terms, &centre.commune, BODY, &mut length);
            }
            for text in p
                .livret
                .objectives
                .iter()
                .chain(p.livret.steps.iter().map(|s| &s.title))
            {
                add_text(&mut terms, text, BODY, &mut length);
            }
            for (term, weight) in terms {
                postings.entry(term).or_default().push((n, weight));
            }
            lengths.push(length);
            entries.push(Entry {
                id: id.to_owned(),
                title: p.title.clone(),
                summary: p.summary.clone(),
                theme: p.theme,
                kind: p.kind,
                centre: p.centre.clone(),
                centre_name: centre.map_or_else(|| p.centre.clone(), |c| c.name.clone()),
                territory: centre.map(|c| c.territory.clone()).unwrap_or_default(),
                status: label::assess_with(p, id, &facts).status,
                reports: facts.reports(id).len(),
                average: facts.average(id),
                adaptations: facts.adaptations(id).len(),
                created: p.created.clone(),
                updated: catalogue.prototypes[id].winner().at.clone(),
                in_conflict: catalogue.prototypes[id].in_conflict(),
                sort_title: fold(&p.title),
            });
        }
        let average_length = if lengths.is_empty() {
            1.0
        } else {
            lengths.iter().sum::<f32>() / lengths.len() as f32
        };
        let numbered = |key: fn(&Entry) -> (String, String)| {
            let mut values: Vec<(String, String)> = entries.iter().map(key).collect();
            values.sort();
            values.dedup();
            let of = entries
                .iter()
                .map(|e| values.binary_search(&key(e)).expect("value listed") as u32)
                .collect::<Vec<u32>>();
            (values, of)
        };
        // Centres sort by name, then id.
        let (centres, centre_of) = numbered(|e| (e.centre_name.clone(), e.centre.clone()));
        let (territories, territory_of) = numbered(|e| (e.territory.clone(), String::new()));
        Index {
            entries,
            centres: centres.into_iter().map(|(name, id)| (id, name)).collect(),
            centre_of,
            territories: territories.into_iter().map(|(t, _)| t).collect(),
            territory_of,
            postings,
            lengths,
            average_length: average_length.max(1.0),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entry(&self, i: usize) -> &Entry {
        &self.entries[i]
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    fn bm25(&self, doc: u32, weight: f32, idf: f32) -> f32 {
        let norm = 1.0 - B + B * self.lengths[doc as usize] / self.average_length;
        idf * weight * (K1 + 1.0) / (weight + K1 * norm)
    }

    fn idf(&self, df: usize) -> f32 {
        let n = self.entries.len() as f32;
        (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln()
    }

    /// Relevance of every entry for the text of the query (`None`: no text, all match).
    /// Every word must match; the last one may be a prefix (the word being typed).
    fn text_scores(&self, text: &str) -> Option<Vec<Option<f32>>> {
        let words = tokens(text);
        if words.is_empty() {
            return None;
        }
        let mut scores: Vec<(u16, f32)> = vec![(0, 0.0); self.entries.len()];
        // This word's best score per entry (exact or prefix), and which entries it touched:
        // plain vectors, reused, rather than a map per word.
        let mut best: Vec<f32> = vec![0.0; self.entries.len()];
        let mut touched: Vec<u32> = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let last = i + 1 == words.len();
            let mut credit = |postings: &Vec<(u32, f32)>, factor: f32| {
                let idf = self.idf(postings.len());
                for &(doc, weight) in postings {
                    // Only entries that matched every earlier word can still match.
                    if scores[doc as usize].0 as usize != i {
                        continue;
                    }
                    let s = self.bm25(doc, weight, idf) * factor;
                    let slot = &mut best[doc as usize];
                    if *slot == 0.0 {
                        touched.push(doc);
                    }
                    *slot = slot.max(s);
                }
            };
            if let Some(postings) = self.postings.get(word) {
                credit(postings, 1.0);
            }
            if last {
                let range = self.postings.range::<str, _>((
                    std::ops::Bound::Excluded(word.as_str()),
                    std::ops::Bound::Unbounded,
                ));
                for (_, postings) in range.take_while(|(t, _)| t.starts_with(word.as_str())) {
                    credit(postings, PREFIX_FACTOR);
                }
            }
            for doc in touched.drain(..) {
                let slot = &mut scores[doc as usize];
                slot.0 += 1;
                slot.1 += std::mem::take(&mut best[doc as usize]);
            }
        }
        let wanted = words.len() as u16;
        Some(
            scores
                .into_iter()
                .map(|(n, s)| (n == wanted).then_some(s))
                .collect(),
        )
    }

    /// Runs a query: text, facet filters, sort.
    pub fn search(&self, query: &Query) -> Results {
        let scores = self.text_scores(&query.text);
        let text_match = |i: usize| scores.as_ref().is_none_or(|s| s[i].is_some());
        // For each facet, which entries pass every *other* filter: that is what its counts show.
        let passes = |e: &Entry| -> [bool; 6] {
            [
                query.theme.is_none_or(|t| e.theme == t),
                query.centre.as_deref().is_none_or(|c| e.centre == c),
                query.territory.as_deref().is_none_or(|t| e.territory == t),
                query.kind.is_none_or(|k| e.kind == k),
                query.status.is_none_or(|s| e.status == s),
                query.rated.is_none_or(|r| (e.reports > 0) == r),
            ]
        };
        // Counted into plain arrays indexed by value number: nothing is allocated per result.
        const STATUSES: [Status; 3] = [Status::Labelled, Status::Candidate, Status::InProgress];
        let mut themes = [0usize; 7];
        let mut kinds = [0usize; 6];
        let mut statuses = [0usize; 3];
        let mut centres = vec![0usize; self.centres.len()];
        let mut territories = vec![0usize; self.territories.len()];
        let mut rated = (0, 0);
        let mut hits = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            if !text_match(i) {
                continue;
            }
            let p = passes(e);
            let all_but = |f: usize| p.iter().enumerate().all(|(j, ok)| j == f || *ok);
            if all_but(0) {
                themes[Theme::ALL.iter().position(|t| *t == e.theme).unwrap_or(0)] += 1;
            }
            if all_but(1) {
                centres[self.centre_of[i] as usize] += 1;
            }
            if all_but(2) {
                territories[self.territory_of[i] as usize] += 1;
            }
            if all_but(3) {
                kinds[UsageKind::ALL
                    .iter()
                    .position(|k| *k == e.kind)
                    .unwrap_or(0)] += 1;
            }
            if all_but(4) {
                statuses[STATUSES.iter().position(|s| *s == e.status).unwrap_or(0)] += 1;
            }
            if all_but(5) {
                if e.reports > 0 {
                    rated.0 += 1
                } else {
                    rated.1 += 1
                }
            }
            if p.iter().all(|ok| *ok) {
                hits.push(i);
            }
        }
        self.sort(&mut hits, query.sort, scores.as_deref());
        Results {
            hits,
            facets: Facets {
                themes: Theme::ALL.into_iter().zip(themes).collect(),
                centres: self
                    .centres
                    .iter()
                    .zip(centres)
                    .filter(|(_, n)| *n > 0)
                    .map(|((id, name), n)| (id.clone(), name.clone(), n))
                    .collect(),
                territories: self
                    .territories
                    .iter()
                    .zip(territories)
                    .filter(|(t, n)| *n > 0 && !t.is_empty())
                    .map(|(t, n)| (t.clone(), n))
                    .collect(),
                kinds: UsageKind::ALL.into_iter().zip(kinds).collect(),
                statuses: STATUSES.into_iter().zip(statuses).collect(),
                rated,
            },
        }
    }

    fn sort(&self, hits: &mut [usize], sort: Sort, scores: Option<&[Option<f32>]>) {
        let e = |i: usize| &self.entries[i];
        let by_title =
            |a: usize, b: usize| (&e(a).sort_title, &e(a).id).cmp(&(&e(b).sort_title, &e(b).id));
        match (sort, scores) {
            (Sort::Relevance, Some(scores)) => hits.sort_by(|&a, &b| {
                let (sa, sb) = (scores[a].unwrap_or(0.0), scores[b].unwrap_or(0.0));
                sb.total_cmp(&sa).then_with(|| by_title(a, b))
            }),
            (Sort::Relevance, None) => hits.sort_by(|&a, &b| by_title(a, b)),
            (Sort::Recent, _) => {
                hits.sort_by(|&a, &b| e(b).updated.cmp(&e(a).updated).then_with(|| by_title(a, b)))
            }
            (Sort::BestRated, _) => hits.sort_by(|&a, &b| {
                let key = |i: usize| (e(i).average.unwrap_or(-1.0), e(i).reports);
                let (ka, kb) = (key(a), key(b));
                kb.0.total_cmp(&ka.0)
                    .then(kb.1.cmp(&ka.1))
                    .then_with(|| by_title(a, b))
            }),
            (Sort::MostAdapted, _) => hits.sort_by(|&a, &b| {
                e(b).adaptations
                    .cmp(&e(a).adaptations)
                    .then_with(|| by_title(a, b))
            }),
        }
    }
}
