//! Search: an accent- and case-insensitive inverted index over the catalogue, with prefix
//! matching for the word being typed, BM25-style relevance (title weighted above the rest),
//! facets counted on the result set, sorting, and the query ⇄ URL parameters mapping.
//! Derived data: rebuilt from the catalogue, never stored.

mod fold;
mod query;

pub use fold::{fold, tokens};
pub use query::{Query, Sort, PAGE_SIZE};

use crate::label::{self, Status};
use crate::model::{
    adaptation_cycles_from, cycles_reached, Catalogue, Facts, Rating, Record, Theme, UsageKind,
};
use fold::for_each_token;
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
    /// The prototype this one is adapted from.
    parent: Option<String>,
}

/// Field weights: a word in the title counts three times one in the body.
const TITLE: f32 = 3.0;
const TAGS: f32 = 2.0;
const BODY: f32 = 1.0;
/// A word matched only as a prefix (still being typed) counts a little less than a whole word.
const PREFIX_FACTOR: f32 = 0.8;
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// The index over one catalogue's live prototypes. Built once, then kept up to date by
/// [`Index::refresh`] as prototypes, reports and centres change: an edit re-indexes the few
/// prototypes it affects, not the catalogue.
#[derive(Default)]
pub struct Index {
    /// Entries by slot; a removed prototype leaves a free slot that the next one reuses.
    entries: Vec<Option<Entry>>,
    free: Vec<u32>,
    slot_of: HashMap<String, u32>,
    /// Facet values by number, so that counting them allocates nothing per result. Numbers are
    /// given in order of first appearance and never reused; output is sorted when shown.
    centres: Vec<(String, String)>,
    centre_number: HashMap<(String, String), u32>,
    /// Centre numbers by name, then id: the order facets are shown in, kept as values arrive
    /// so that no search sorts them.
    centre_order: Vec<u32>,
    centre_of: Vec<u32>,
    territories: Vec<String>,
    territory_number: HashMap<String, u32>,
    territory_order: Vec<u32>,
    territory_of: Vec<u32>,
    /// Posting lists by term number: (slot, weighted term frequency).
    postings: Vec<Vec<(u32, f32)>>,
    /// term → its number: hashed, since indexing looks up every word of every prototype.
    term_number: HashMap<String, u32>,
    /// The same, in term order: what a prefix (the word being typed) ranges over.
    vocabulary: BTreeMap<String, u32>,
    /// Term numbers whose list emptied, for the next new terms.
    free_terms: Vec<u32>,
    lengths: Vec<f32>,
    /// Sum of the live entries' lengths. Lengths are sums of whole weights, so this is exact and
    /// the same whatever order entries came and went in.
    total_length: f64,
    live: usize,
    /// Each slot's place in alphabetical order (folded title, then id), the tie-break of every
    /// sort: computed once after a change, so sorting compares numbers, not strings.
    title_rank: std::sync::OnceLock<Vec<u32>>,
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

impl Facets {
    /// The centres whose name contains every word of `text` (accents and case aside), in name
    /// order: at most `limit` of them, and how many there are in all. For a centre filter that
    /// is typed into rather than picked from thousands of options.
    pub fn centres_named(
        &self,
        text: &str,
        limit: usize,
    ) -> (Vec<&(String, String, usize)>, usize) {
        // Not `tokens`: in a name, one-letter words and short ones ("n° 4", "du") count.
        let folded = fold(text);
        let words: Vec<&str> = folded
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            return (Vec::new(), 0);
        }
        let mut total = 0;
        let mut shown = Vec::new();
        for centre in &self.centres {
            let name = fold(&centre.1);
            if words.iter().all(|w| name.contains(w)) {
                total += 1;
                if shown.len() < limit {
                    shown.push(centre);
                }
            }
        }
        (shown, total)
    }
}

/// A change to the catalogue, for [`Index::refresh`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Changed {
    /// A centre's record (its name and place are indexed with its prototypes).
    Centre(String),
    /// A prototype's record (added, edited, deleted).
    Prototype(String),
    /// A report on this prototype (added, changed, withdrawn).
    ReportOn(String),
}

impl Changed {
    /// The change a report record (`id`, even a withdrawn one) makes: to the prototype it is on.
    pub fn report(id: &str, record: &Record<Rating>) -> Changed {
        let prototype = record
            .heads
            .iter()
            .find_map(|v| v.body.as_ref().map(|r| r.prototype.clone()))
            // A withdrawn report has no body; its id is `prototype:centre`.
            .unwrap_or_else(|| id.split(':').next().unwrap_or(id).to_owned());
        Changed::ReportOn(prototype)
    }
}

fn add_text(terms: &mut HashMap<String, f32>, text: &str, weight: f32, length: &mut f32) {
    for_each_token(text, |token| {
        match terms.get_mut(token) {
            Some(w) => *w += weight,
            None => {
                terms.insert(token.to_owned(), weight);
            }
        }
        *length += weight;
    });
}

impl Index {
    pub fn build(catalogue: &Catalogue) -> Index {
        let facts = Facts::of(catalogue);
        let mut index = Index::default();
        for (id, _) in catalogue.live_prototypes() {
            index.insert(catalogue, &facts, id);
        }
        index
    }

    /// Brings the index up to date after `changes` were applied to `catalogue`.
    pub fn refresh(&mut self, catalogue: &Catalogue, changes: &[Changed]) {
        let affected = self.affected(catalogue, changes);
        self.remove(&affected);
        let facts = Facts::of(catalogue);
        for id in &affected {
            self.insert(catalogue, &facts, id);
        }
    }

    /// The prototypes whose entries `changes` may alter: a changed prototype, the prototype it
    /// is adapted from (before and after: counts and label status depend on adaptations), the
    /// prototype a report is on, every prototype of a changed centre, and every prototype of an
    /// adaptation cycle a changed prototype leads to, before or after (a cycle's links do not
    /// count, so closing or breaking one changes all its prototypes). Sorted, without repeats.
    pub fn affected(&self, catalogue: &Catalogue, changes: &[Changed]) -> Vec<String> {
        let mut ids = std::collections::BTreeSet::new();
        let mut centres = std::collections::BTreeSet::new();
        let prototypes = || {
            changes.iter().filter_map(|change| match change {
                Changed::Prototype(id) => Some(id.as_str()),
                _ => None,
            })
        };
        // Before, the entries' parents; after, the catalogue's. Both walks are linear.
        let before = cycles_reached(
            |id| self.entry_of(id).and_then(|e| e.parent.as_deref()),
            prototypes(),
        );
        ids.extend(before.into_iter().flatten().map(str::to_owned));
        ids.extend(
            adaptation_cycles_from(catalogue, prototypes())
                .into_iter()
                .flatten(),
        );
        for change in changes {
            match change {
                Changed::Prototype(id) => {
                    if let Some(parent) = self.entry_of(id).and_then(|e| e.parent.clone()) {
                        ids.insert(parent);
                    }
                    if let Some(origin) =
                        catalogue.prototype(id).and_then(|p| p.forked_from.as_ref())
                    {
                        ids.insert(origin.prototype.clone());
                    }
                    ids.insert(id.clone());
                }
                Changed::ReportOn(id) => {
                    ids.insert(id.clone());
                }
                Changed::Centre(centre) => {
                    centres.insert(centre.as_str());
                }
            }
        }
        // One pass for all changed centres, however many an import touched.
        if !centres.is_empty() {
            ids.extend(
                self.entries
                    .iter()
                    .flatten()
                    .filter(|e| centres.contains(e.centre.as_str()))
                    .map(|e| e.id.clone()),
            );
            ids.extend(
                catalogue
                    .live_prototypes()
                    .filter(|(_, p)| centres.contains(p.centre.as_str()))
                    .map(|(id, _)| id.to_owned()),
            );
        }
        ids.into_iter().collect()
    }

    /// Removes the entries of `ids` (those present), in one pass over the postings.
    pub fn remove(&mut self, ids: &[String]) {
        let mut gone = vec![false; self.entries.len()];
        let mut any = false;
        for id in ids {
            if let Some(slot) = self.slot_of.remove(id) {
                let s = slot as usize;
                gone[s] = true;
                any = true;
                self.entries[s] = None;
                self.total_length -= f64::from(self.lengths[s]);
                self.lengths[s] = 0.0;
                self.live -= 1;
                self.free.push(slot);
            }
        }
        if any {
            self.title_rank = Default::default();
            let mut emptied = vec![false; self.postings.len()];
            let mut any_emptied = false;
            for (n, list) in self.postings.iter_mut().enumerate() {
                // Free numbers have empty lists already.
                if list.is_empty() {
                    continue;
                }
                list.retain(|&(doc, _)| !gone[doc as usize]);
                if list.is_empty() {
                    emptied[n] = true;
                    any_emptied = true;
                    self.free_terms.push(n as u32);
                }
            }
            if any_emptied {
                self.term_number.retain(|_, n| !emptied[*n as usize]);
                self.vocabulary.retain(|_, n| !emptied[*n as usize]);
            }
        }
    }

    /// Indexes prototype `id` as `catalogue` holds it (nothing if absent or deleted). Its entry
    /// must not be in the index already (see [`Index::remove`]).
    pub fn insert(&mut self, catalogue: &Catalogue, facts: &Facts, id: &str) {
        let Some(p) = catalogue.prototype(id) else {
            return;
        };
        debug_assert!(!self.slot_of.contains_key(id), "{id} is indexed already");
        let centre = catalogue.centre(&p.centre);
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
        let record = &catalogue.prototypes[id];
        let entry = Entry {
            id: id.to_owned(),
            title: p.title.clone(),
            summary: p.summary.clone(),
            theme: p.theme,
            kind: p.kind,
            centre: p.centre.clone(),
            centre_name: centre.map_or_else(|| p.centre.clone(), |c| c.name.clone()),
            territory: centre.map(|c| c.territory.clone()).unwrap_or_default(),
            status: label::assess_with(p, id, facts).status,
            reports: facts.reports(id).len(),
            average: facts.average(id),
            adaptations: facts.adaptations(id).len(),
            created: p.created.clone(),
            updated: record.winner().at.clone(),
            in_conflict: record.in_conflict(),
            sort_title: fold(&p.title),
            parent: p.forked_from.as_ref().map(|f| f.prototype.clone()),
        };
        let centre_key = (entry.centre_name.clone(), entry.centre.clone());
        let next = self.centres.len() as u32;
        let centre_number = *self.centre_number.entry(centre_key).or_insert_with(|| next);
        if centre_number == next {
            self.centres
                .push((entry.centre.clone(), entry.centre_name.clone()));
            let key = |n: u32| {
                let (id, name) = &self.centres[n as usize];
                (name, id)
            };
            let at = self
                .centre_order
                .partition_point(|&m| key(m) < key(centre_number));
            self.centre_order.insert(at, centre_number);
        }
        let next = self.territories.len() as u32;
        let territory_number = *self
            .territory_number
            .entry(entry.territory.clone())
            .or_insert_with(|| next);
        if territory_number == next {
            self.territories.push(entry.territory.clone());
            let at = self.territory_order.partition_point(|&m| {
                self.territories[m as usize] < self.territories[territory_number as usize]
            });
            self.territory_order.insert(at, territory_number);
        }
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.entries.push(None);
                self.centre_of.push(0);
                self.territory_of.push(0);
                self.lengths.push(0.0);
                (self.entries.len() - 1) as u32
            }
        };
        let s = slot as usize;
        for (term, weight) in terms {
            let n = match self.term_number.get(&term) {
                Some(&n) => n,
                None => {
                    let n = self.free_terms.pop().unwrap_or_else(|| {
                        self.postings.push(Vec::new());
                        (self.postings.len() - 1) as u32
                    });
                    self.vocabulary.insert(term.clone(), n);
                    self.term_number.insert(term, n);
                    n
                }
            };
            self.postings[n as usize].push((slot, weight));
        }
        self.centre_of[s] = centre_number;
        self.territory_of[s] = territory_number;
        self.lengths[s] = length;
        self.total_length += f64::from(length);
        self.live += 1;
        self.slot_of.insert(id.to_owned(), slot);
        self.entries[s] = Some(entry);
        self.title_rank = Default::default();
    }

    fn entry_of(&self, id: &str) -> Option<&Entry> {
        self.entries[*self.slot_of.get(id)? as usize].as_ref()
    }

    fn average_length(&self) -> f32 {
        if self.live == 0 {
            1.0
        } else {
            ((self.total_length / self.live as f64) as f32).max(1.0)
        }
    }

    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// The entry a search hit points at.
    pub fn entry(&self, i: usize) -> &Entry {
        self.entries[i]
            .as_ref()
            .expect("hits point at live entries")
    }

    /// Every live entry, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().flatten()
    }

    /// How many live prototypes are (labelled, candidates): each entry holds its status.
    pub fn label_counts(&self) -> (usize, usize) {
        self.entries().fold((0, 0), |(l, c), e| match e.status {
            Status::Labelled => (l + 1, c),
            Status::Candidate => (l, c + 1),
            Status::InProgress => (l, c),
        })
    }

    fn bm25(&self, doc: u32, weight: f32, idf: f32, average_length: f32) -> f32 {
        let norm = 1.0 - B + B * self.lengths[doc as usize] / average_length;
        idf * weight * (K1 + 1.0) / (weight + K1 * norm)
    }

    fn idf(&self, df: usize) -> f32 {
        let n = self.live as f32;
        (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln()
    }

    /// Relevance of every entry for the text of the query (`None`: no text, all match).
    /// Every word must match; the last one may be a prefix (the word being typed).
    fn text_scores(&self, text: &str) -> Option<Vec<Option<f32>>> {
        let words = tokens(text);
        if words.is_empty() {
            return None;
        }
        let average_length = self.average_length();
        // (words matched, score) per entry; a `u32` count, since a long address can hold more
        // than 65,535 words (and `(u32, f32)` takes no more room than `(u16, f32)`).
        let mut scores: Vec<(u32, f32)> = vec![(0, 0.0); self.entries.len()];
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
                    let s = self.bm25(doc, weight, idf, average_length) * factor;
                    let slot = &mut best[doc as usize];
                    if *slot == 0.0 {
                        touched.push(doc);
                    }
                    *slot = slot.max(s);
                }
            };
            if let Some(&n) = self.term_number.get(word) {
                credit(&self.postings[n as usize], 1.0);
            }
            if last {
                let range = self.vocabulary.range::<str, _>((
                    std::ops::Bound::Excluded(word.as_str()),
                    std::ops::Bound::Unbounded,
                ));
                for (_, &n) in range.take_while(|(t, _)| t.starts_with(word.as_str())) {
                    credit(&self.postings[n as usize], PREFIX_FACTOR);
                }
            }
            for doc in touched.drain(..) {
                let slot = &mut scores[doc as usize];
                slot.0 += 1;
                slot.1 += std::mem::take(&mut best[doc as usize]);
            }
        }
        let wanted = words.len() as u32;
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
            let Some(e) = e else { continue };
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
                // By name, then id.
                centres: self
                    .centre_order
                    .iter()
                    .map(|&n| (&self.centres[n as usize], centres[n as usize]))
                    .filter(|(_, count)| *count > 0)
                    .map(|((id, name), count)| (id.clone(), name.clone(), count))
                    .collect(),
                territories: self
                    .territory_order
                    .iter()
                    .map(|&n| (&self.territories[n as usize], territories[n as usize]))
                    .filter(|(t, count)| *count > 0 && !t.is_empty())
                    .map(|(t, count)| (t.clone(), count))
                    .collect(),
                kinds: UsageKind::ALL.into_iter().zip(kinds).collect(),
                statuses: STATUSES.into_iter().zip(statuses).collect(),
                rated,
            },
        }
    }

    /// Every entry's place in title order, worked out once after a change. Call it ahead of the
    /// first search (it sorts every title) so that this search does less.
    pub fn title_rank(&self) -> &[u32] {
        self.title_rank.get_or_init(|| {
            let e = |i: usize| self.entry(i);
            let mut slots: Vec<usize> = self
                .entries
                .iter()
                .enumerate()
                .filter_map(|(slot, e)| e.as_ref().map(|_| slot))
                .collect();
            slots.sort_by(|&a, &b| (&e(a).sort_title, &e(a).id).cmp(&(&e(b).sort_title, &e(b).id)));
            let mut rank = vec![u32::MAX; self.entries.len()];
            for (place, slot) in slots.into_iter().enumerate() {
                rank[slot] = place as u32;
            }
            rank
        })
    }

    fn sort(&self, hits: &mut [usize], sort: Sort, scores: Option<&[Option<f32>]>) {
        let e = |i: usize| self.entry(i);
        let rank = self.title_rank();
        let by_title = |a: usize, b: usize| rank[a].cmp(&rank[b]);
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
