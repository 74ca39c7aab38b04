//! Walks over `adapte_de`, the link from an adaptation to the prototype it was adapted from.
//!
//! Every walk here is a loop, linear in the prototypes it meets: a chain of 100,000 generations
//! neither overflows the stack nor takes long. A file can forge a cycle (`a` adapted from `b`,
//! `b` from `a`; or `a` from itself): the door is to refuse them ([`adaptation_cycles`]), but
//! records stored by older versions may hold one, so no walk relies on their absence.
//! **A prototype on a cycle counts as having no origin** in everything derived — ancestry,
//! lineage, adaptation counts, the label's "reproduced elsewhere", the indicators: no link of a
//! cycle can be trusted more than another, and trusting them would let two prototypes each
//! claim the other was reproduced elsewhere.

use super::{Catalogue, Facts};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

/// The prototype live prototype `id` says it was adapted from, whatever the links beyond.
fn origin<'c>(catalogue: &'c Catalogue, id: &str) -> Option<&'c str> {
    let origin = catalogue.prototype(id)?.forked_from.as_ref()?;
    Some(origin.prototype.as_str())
}

/// The cycles met by following `origin` from each of `starts`, each once, in the order walked
/// (each id adapted from the next, the last from the first). Linear in the ids met, however many
/// starts share a path: an id is walked once.
pub(crate) fn cycles_reached<'a>(
    origin: impl Fn(&str) -> Option<&'a str>,
    starts: impl IntoIterator<Item = &'a str>,
) -> Vec<Vec<&'a str>> {
    // Which walk first met each id, and where on that walk.
    let mut met: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut path: Vec<&str> = Vec::new();
    let mut cycles = Vec::new();
    for (walk, start) in starts.into_iter().enumerate() {
        path.clear();
        let mut at = Some(start);
        while let Some(id) = at {
            match met.entry(id) {
                // Met on this walk: the path from there is a cycle. Met on an earlier walk: what
                // lies beyond is known already.
                Entry::Occupied(seen) => {
                    let (on_walk, place) = *seen.get();
                    if on_walk == walk {
                        cycles.push(path[place..].to_vec());
                    }
                    break;
                }
                Entry::Vacant(new) => {
                    new.insert((walk, path.len()));
                    path.push(id);
                    at = origin(id);
                }
            }
        }
    }
    cycles
}

/// The adaptation cycles among `catalogue`'s live prototypes (a self-adaptation is a cycle of
/// one): what the door refuses. See [`adaptation_cycles_from`] for the order.
pub fn adaptation_cycles(catalogue: &Catalogue) -> Vec<Vec<String>> {
    adaptation_cycles_from(catalogue, catalogue.live_prototypes().map(|(id, _)| id))
}

/// The adaptation cycles reached by following `adapte_de` from `starts` (their current
/// versions, as every walk reads them): for the merge check, the cycles that the prototypes a
/// file brings close with those already kept. Linear in the prototypes walked. Each cycle is
/// given once, as its ids from the smallest, each adapted from the next and the last from the
/// first; cycles in order.
pub fn adaptation_cycles_from<'a>(
    catalogue: &'a Catalogue,
    starts: impl IntoIterator<Item = &'a str>,
) -> Vec<Vec<String>> {
    let mut cycles: Vec<Vec<String>> = cycles_reached(|id| origin(catalogue, id), starts)
        .into_iter()
        .map(|mut cycle| {
            let smallest = (0..cycle.len()).min_by_key(|&k| cycle[k]).unwrap_or(0);
            cycle.rotate_left(smallest);
            cycle.into_iter().map(str::to_owned).collect()
        })
        .collect();
    cycles.sort();
    cycles
}

/// The live prototypes on an adaptation cycle: those whose `adapte_de` every derived count
/// ignores.
pub(crate) fn on_adaptation_cycles(catalogue: &Catalogue) -> HashSet<&str> {
    // Only a prototype with an origin can be on a cycle; walks go through the others' origins.
    let adapted = catalogue
        .live_prototypes()
        .filter(|(_, p)| p.forked_from.is_some())
        .map(|(id, _)| id);
    cycles_reached(|id| origin(catalogue, id), adapted)
        .into_iter()
        .flatten()
        .collect()
}

/// The chain of prototypes `id` was adapted from, nearest first (parent, grandparent… up to the
/// original). Stops at an origin the catalogue does not hold (it is the last one), and at a
/// cycle: the first prototype of the cycle met is the last one (its own origin does not count;
/// nothing if `id` is on the cycle).
pub fn ancestry(catalogue: &Catalogue, id: &str) -> Vec<String> {
    let mut walked = vec![id];
    let mut place = HashMap::from([(id, 0)]);
    let mut at = origin(catalogue, id);
    while let Some(next) = at {
        if let Some(&first) = place.get(next) {
            // `walked[first..]` is a cycle.
            walked.truncate(first + 1);
            break;
        }
        place.insert(next, walked.len());
        walked.push(next);
        at = origin(catalogue, next);
    }
    walked[1..].iter().map(|&a| a.to_owned()).collect()
}

/// One prototype of a lineage, as the tree of its family lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineageMember {
    pub id: String,
    /// Generations from the original: 0 for the original, 1 for its adaptations…
    pub depth: usize,
}

/// The whole family of `id`, flat: its original (the furthest ancestor the catalogue holds)
/// first, then depth first each adaptation followed by its own, in id order. A list rather than
/// nested nodes, so that nothing building, comparing, dropping or drawing it need recurse.
pub fn family(catalogue: &Catalogue, facts: &Facts, id: &str) -> Vec<LineageMember> {
    let root = ancestry(catalogue, id)
        .into_iter()
        .rev()
        .find(|a| catalogue.prototype(a).is_some())
        .unwrap_or_else(|| id.to_owned());
    let mut members = Vec::new();
    // The facts leave out the links of cycles, so each prototype is met once.
    let mut stack = vec![(root.as_str(), 0)];
    while let Some((id, depth)) = stack.pop() {
        members.push(LineageMember {
            id: id.to_owned(),
            depth,
        });
        let adaptations = facts.adaptations(id).iter().rev();
        stack.extend(adaptations.map(|(child, _)| (*child, depth + 1)));
    }
    members
}

/// One node of a lineage tree: a prototype and the adaptations made from it. Kept for the
/// prototype page's tree until it draws [`family`]: deriving `Clone`, `PartialEq` and `Debug`
/// recurse, so compare, clone and print only shallow trees (dropping one and `size` do not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineageNode {
    pub id: String,
    pub children: Vec<LineageNode>,
}

impl LineageNode {
    pub fn size(&self) -> usize {
        let mut size = 0;
        let mut below = vec![self];
        while let Some(node) = below.pop() {
            size += 1;
            below.extend(&node.children);
        }
        size
    }
}

impl Drop for LineageNode {
    // The derived drop would recurse once per generation.
    fn drop(&mut self) {
        let mut below = std::mem::take(&mut self.children);
        while let Some(mut node) = below.pop() {
            below.append(&mut node.children);
        }
    }
}

/// [`family`] as a tree rooted at the original.
pub fn lineage(catalogue: &Catalogue, facts: &Facts, id: &str) -> LineageNode {
    // The nodes from the root down to the member last added; a member at depth d closes every
    // open node at depth d or more.
    let mut open: Vec<LineageNode> = Vec::new();
    let close = |open: &mut Vec<LineageNode>| {
        let done = open.pop().expect("a node is open");
        open.last_mut()
            .expect("the original stays open")
            .children
            .push(done);
    };
    for member in family(catalogue, facts, id) {
        while open.len() > member.depth.max(1) {
            close(&mut open);
        }
        open.push(LineageNode {
            id: member.id,
            children: Vec::new(),
        });
    }
    while open.len() > 1 {
        close(&mut open);
    }
    open.pop().expect("a family has its original")
}
