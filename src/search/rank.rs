//! Answering a query over the [`Index`]: every word matched (the last one also as a prefix),
//! BM25-style relevance, facets counted over the results filtered by the *other* facets, and
//! the sort orders. Building and refreshing the index is `search/mod.rs`'s job.

use super::*;

impl Index {
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
