//! A catalogue's header (format, version, export details), then the entries of its three lists
//! read one by one, a slice at a time, each checked against the ids of the lists before it.

use super::entities::{
    check_adaptation_cycles, check_prototype_refs, check_rating_refs, CENTRE, PROTOTYPE, RATING,
};
use super::feed::feed_header;
use super::fields::{Cx, Fields, Path};
use super::reading::{fail, not_a_catalogue, Limits};
use super::record::{record, Kind};
use super::values::{clip, id, timestamp};
use crate::exchange::feed::{FeedHeader, FeedKind};
use crate::exchange::json::{self, Map, Value};
use crate::exchange::scan::LISTS;
use crate::exchange::{Document, Problems, FORMAT_MAJOR, FORMAT_NAME};
use crate::model::{Catalogue, Extra, Record};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The lists of a catalogue, in reading order.
#[derive(Clone, Copy)]
enum List {
    Centres,
    Prototypes,
    Ratings,
}

impl List {
    const ALL: [List; 3] = [List::Centres, List::Prototypes, List::Ratings];

    /// The list's key in the file.
    fn key(self) -> &'static str {
        LISTS[self as usize]
    }

    /// The list read after this one.
    fn next(self) -> Option<List> {
        List::ALL.get(self as usize + 1).copied()
    }

    fn most(self, limits: &Limits) -> usize {
        match self {
            List::Centres => limits.max_centres,
            List::Prototypes => limits.max_prototypes,
            List::Ratings => limits.max_ratings,
        }
    }
}

/// Entries of one list: spans of the file still to parse, or values already parsed.
pub(super) enum Items<'a> {
    Absent,
    Spans(Vec<std::ops::Range<usize>>),
    Values(Vec<Value<'a>>),
}

impl Items<'_> {
    fn len(&self) -> usize {
        match self {
            Items::Absent => 0,
            Items::Spans(spans) => spans.len(),
            Items::Values(values) => values.len(),
        }
    }

    fn bytes(&self) -> usize {
        match self {
            Items::Spans(spans) => spans.iter().map(|s| s.len()).sum(),
            _ => self.len(),
        }
    }
}

/// The entries of the three lists (in [`LISTS`] order), read in order, each checked against the
/// ids read before it.
pub(super) struct Entries<'a> {
    problems: Problems,
    exported_at: Option<String>,
    exported_by: Option<String>,
    feed: Option<FeedHeader>,
    extra: Extra,
    lists: [Items<'a>; 3],
    /// What is wrong with a list as a whole (not a list, too long), reported at its turn.
    list_problems: [Option<String>; 3],
    /// The list being read; `None` once all are.
    list: Option<List>,
    next: usize,
    /// Ids named by the centres and prototypes lists, even on entries with problems of their
    /// own, so that one bad entry does not cascade into phantom "absent" errors.
    centre_ids: BTreeSet<String>,
    prototype_ids: BTreeSet<String>,
    /// Where each id of the list being read was first used.
    first_seen: BTreeMap<String, usize>,
    catalogue: Catalogue,
    pub done_bytes: usize,
    pub total_bytes: usize,
}

impl<'a> Entries<'a> {
    /// Checks the header fields (format, version, export details).
    pub fn new(root: &Map, lists: [Items<'a>; 3], limits: Limits) -> Result<Entries<'a>, Problems> {
        let mut top = Fields::new(root, Path::Root);
        match top.take("format") {
            Some(Value::String(name)) if name == FORMAT_NAME => {}
            _ => {
                return fail(not_a_catalogue(
                    "le champ « format » est absent ou différent",
                ))
            }
        }
        match top.take("version") {
            Some(Value::String(v)) => match parse_version(v) {
                Some((major, _)) if major == FORMAT_MAJOR => {}
                Some((major, minor)) => {
                    return fail(format!(
                        "Ce fichier utilise la version {major}.{minor} du format, que cette \
                         version de Prototèque ne sait pas lire (elle lit la version \
                         {FORMAT_MAJOR}.x). Mettez Prototèque à jour, ou demandez un export dans \
                         la version {FORMAT_MAJOR}."
                    ))
                }
                None => {
                    return fail(format!(
                        "version : « {} » n'est pas un numéro de version (ex. « 1.0 »).",
                        clip(v)
                    ))
                }
            },
            _ => return fail("version : le numéro de version du format est absent.".into()),
        }
        let mut problems = Problems::default();
        let mut cx = Cx::new(&mut problems);
        let exported_at = top.optional(&mut cx, "exporte_le", timestamp);
        let exported_by = top.optional(&mut cx, "exporte_par", id);
        let feed = top.optional(&mut cx, "flux", feed_header);
        // Problems of a list as a whole are reported when its turn comes, as entries are.
        let mut lists = lists;
        let list_problems = List::ALL.map(|list| {
            let items = &mut lists[list as usize];
            if !matches!(top.take(list.key()), None | Some(Value::Null)) {
                Some("doit être une liste".to_owned())
            } else if items.len() > list.most(&limits) {
                let found = items.len();
                *items = Items::Absent;
                Some(format!(
                    "le fichier contient trop d'éléments ({found} ; au plus {})",
                    list.most(&limits)
                ))
            } else {
                None
            }
        });
        let extra = top.unknown(&mut cx);
        cx.unknown_within_bounds(0, Path::Root, "du fichier");
        let total_bytes = lists.iter().map(Items::bytes).sum();
        Ok(Entries {
            problems,
            exported_at,
            exported_by,
            feed,
            extra,
            lists,
            list_problems,
            list: Some(List::Centres),
            next: 0,
            centre_ids: BTreeSet::new(),
            prototype_ids: BTreeSet::new(),
            first_seen: BTreeMap::new(),
            catalogue: Catalogue::default(),
            done_bytes: 0,
            total_bytes,
        })
    }

    /// Reads entries worth about `budget` bytes. `Ok(true)`: all read. `Err(())`: an entry is not
    /// valid JSON (the caller reads the whole file the plain way, for the precise message).
    pub fn step(&mut self, text: &[u8], budget: usize) -> Result<bool, ()> {
        let stop = self.done_bytes.saturating_add(budget);
        while self.done_bytes < stop {
            let Some(list) = self.list else {
                return Ok(true);
            };
            let list_path = Path::Key(&Path::Root, list.key());
            if let Some(message) = self.list_problems[list as usize].take() {
                self.problems.push(list_path.to_string(), message);
            }
            let items = &self.lists[list as usize];
            if self.next >= items.len() {
                if let List::Prototypes = list {
                    check_adaptation_cycles(&mut self.problems, &self.catalogue, &self.first_seen);
                }
                self.list = list.next();
                self.next = 0;
                self.first_seen.clear();
                continue;
            }
            let i = self.next;
            let parsed;
            let value = match items {
                Items::Spans(spans) => {
                    self.done_bytes += spans[i].len();
                    parsed = json::parse(&text[spans[i].clone()]).map_err(|_| ())?;
                    &parsed
                }
                Items::Values(values) => {
                    self.done_bytes += 1;
                    &values[i]
                }
                Items::Absent => unreachable!("an absent list has no entries"),
            };
            self.next += 1;
            let at = Path::Index(&list_path, i);
            let named = value.get("id").and_then(Value::as_str);
            let mut cx = Cx::new(&mut self.problems);
            let c = &mut self.catalogue;
            let seen = &mut self.first_seen;
            match list {
                List::Centres => {
                    self.centre_ids.extend(named.map(str::to_owned));
                    let refs = |_: &mut Cx, _: &str, _: &Record<_>| {};
                    entry(&mut cx, value, at, &CENTRE, &mut c.centres, seen, refs)
                }
                List::Prototypes => {
                    self.prototype_ids.extend(named.map(str::to_owned));
                    let refs = |cx: &mut Cx, _: &str, r: &Record<_>| {
                        check_prototype_refs(cx, at, r, &self.centre_ids)
                    };
                    entry(
                        &mut cx,
                        value,
                        at,
                        &PROTOTYPE,
                        &mut c.prototypes,
                        seen,
                        refs,
                    )
                }
                List::Ratings => {
                    let refs = |cx: &mut Cx, id: &str, r: &Record<_>| {
                        check_rating_refs(cx, at, id, r, &self.centre_ids, &self.prototype_ids)
                    };
                    entry(&mut cx, value, at, &RATING, &mut c.ratings, seen, refs)
                }
            }
        }
        Ok(self.list.is_none())
    }

    pub fn finish(mut self) -> Result<Document, Problems> {
        if let Some(feed) = &self.feed {
            if feed.kind == FeedKind::Centre && !self.centre_ids.contains(&feed.publisher) {
                self.problems.push(
                    "flux.editeur".to_owned(),
                    format!(
                        "le flux est celui du centre « {} », absent du fichier",
                        feed.publisher
                    ),
                );
            }
        }
        if self.problems.is_empty() {
            Ok(Document {
                exported_at: self.exported_at,
                exported_by: self.exported_by,
                feed: self.feed,
                catalogue: self.catalogue,
                extra: self.extra,
            })
        } else {
            Err(self.problems)
        }
    }
}

/// Reads the entry at `at` (`list[i]`) into `into` and checks its references, unless its id was
/// already used in that list.
fn entry<T: Serialize>(
    cx: &mut Cx,
    value: &Value,
    at: Path,
    kind: &Kind<T>,
    into: &mut BTreeMap<String, Record<T>>,
    first_seen: &mut BTreeMap<String, usize>,
    check_refs: impl Fn(&mut Cx, &str, &Record<T>),
) {
    let Path::Index(list, i) = at else {
        unreachable!("an entry stands in a list")
    };
    if let Some((id, record)) = record(cx, value, at, kind) {
        check_refs(cx, &id, &record);
        if let Some(first) = first_seen.get(&id) {
            cx.report(
                at,
                format!(
                    "l'identifiant « {id} » est déjà utilisé par {}",
                    Path::Index(list, *first)
                ),
            );
        } else {
            first_seen.insert(id.clone(), i);
            into.insert(id, record);
        }
    }
}

fn parse_version(v: &str) -> Option<(u64, u64)> {
    let (major, minor) = v.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(major) && digits(minor)) {
        return None;
    }
    Some((major.parse().ok()?, minor.parse().ok()?))
}
