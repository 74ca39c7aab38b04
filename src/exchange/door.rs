//! The one door for untrusted input. Any byte string — a file from another centre, a record read
//! back from storage written by an older version — goes through [`read_document`] and comes out
//! either as a valid [`Document`] or as every problem found, in French, with its JSON path.
//! Defaults and normalisation are applied here and nowhere else.

use super::json::{Map, Value};
use super::merge::{normalise, version_id};
use super::scan::{Field, Scanner, LISTS};
use super::{Document, Problems, FORMAT_MAJOR, FORMAT_NAME};
use crate::model::{
    Catalogue, Centre, Criteria, Extra, ForkOrigin, Livret, Prototype, Rating, Record, Resource,
    Step, Theme, UsageKind, Version, DEFAULT_LICENCE,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Size limits a file must respect. The defaults fit a national catalogue (20,000 prototypes from
/// 2,000 centres) with room to spare, and stop a hostile file from exhausting a phone's memory.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_centres: usize,
    pub max_prototypes: usize,
    pub max_ratings: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 128 * 1024 * 1024,
            max_centres: 10_000,
            max_prototypes: 100_000,
            max_ratings: 500_000,
        }
    }
}

/// Longest title (prototype, step, resource), in characters.
const MAX_TITLE: usize = 200;
/// Longest short text (duration, cost, names…), in characters.
const MAX_SHORT: usize = 500;
/// Longest long text (summary, scenario, descriptions, comments), in characters.
const MAX_LONG: usize = 10_000;
/// Longest id, in bytes.
const MAX_ID: usize = 120;
const MAX_URL: usize = 2_000;
/// Most items in one list (tools, tags, steps, objectives…).
const MAX_ITEMS: usize = 100;
/// Most concurrent versions kept in one record.
const MAX_CONFLICTS: usize = 100;
const MAX_SUPERSEDED: usize = 10_000;
/// Residents in one report: well above any real session.
const MAX_PARTICIPANTS: u64 = 100_000;
/// Revisions stay exact in JavaScript numbers.
const MAX_REVISION: u64 = (1 << 53) - 1;

/// Reads a catalogue file. See the module documentation.
pub fn read_document(bytes: &[u8], limits: &Limits) -> Result<Document, Problems> {
    let mut reading = Reading::new(bytes, *limits);
    while reading.step(usize::MAX).is_some() {}
    reading.finish()
}

/// A file being read through the door a slice at a time, so that a large file never blocks the
/// page for long: call [`Reading::step`] until it returns `None`, yielding to the browser between
/// calls, then [`Reading::finish`]. The outcome is exactly [`read_document`]'s.
pub struct Reading<'a> {
    text: &'a [u8],
    limits: Limits,
    stage: Stage<'a>,
}

enum Stage<'a> {
    Outline(Scanner),
    Entries(Box<Entries<'a>>),
    Done(Result<Document, Problems>),
}

/// Share of the work the outline scan counts for in the progress fraction.
const OUTLINE_SHARE: f64 = 0.1;

impl<'a> Reading<'a> {
    pub fn new(bytes: &'a [u8], limits: Limits) -> Self {
        let stage = if bytes.is_empty() {
            Stage::Done(fail("Le fichier est vide.".into()))
        } else if bytes.len() > limits.max_bytes {
            Stage::Done(fail(format!(
                "Le fichier est trop volumineux ({} Mo ; au plus {} Mo).",
                bytes.len().div_ceil(1024 * 1024),
                limits.max_bytes / (1024 * 1024)
            )))
        } else {
            Stage::Outline(Scanner::default())
        };
        Reading {
            text: bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes),
            limits,
            stage,
        }
    }

    /// Does about `budget` bytes' worth of reading. Returns the fraction done so far (0 to 1),
    /// or `None` once the outcome is known.
    pub fn step(&mut self, budget: usize) -> Option<f64> {
        let text = self.text;
        match &mut self.stage {
            Stage::Done(_) => return None,
            Stage::Outline(scanner) => match scanner.step(text, budget) {
                Ok(false) => {
                    return Some(OUTLINE_SHARE * scanner.position() as f64 / text.len() as f64)
                }
                Ok(true) => {
                    let fields = std::mem::take(&mut scanner.fields);
                    self.stage = outlined(text, fields, self.limits);
                }
                // Not walkable: the plain reader says precisely what is wrong.
                Err(()) => self.stage = Stage::Done(read_whole(text, self.limits)),
            },
            Stage::Entries(entries) => match entries.step(text, budget) {
                Ok(false) => {
                    let done = entries.done_bytes as f64 / entries.total_bytes.max(1) as f64;
                    return Some(OUTLINE_SHARE + (1.0 - OUTLINE_SHARE) * done);
                }
                Ok(true) => {
                    let Stage::Entries(entries) =
                        std::mem::replace(&mut self.stage, Stage::Done(fail(String::new())))
                    else {
                        unreachable!()
                    };
                    self.stage = Stage::Done(entries.finish());
                }
                Err(()) => self.stage = Stage::Done(read_whole(text, self.limits)),
            },
        }
        Some(match self.stage {
            Stage::Done(_) => 1.0,
            Stage::Outline(_) => OUTLINE_SHARE,
            Stage::Entries(_) => OUTLINE_SHARE,
        })
    }

    /// The outcome; reads whatever is left in one go if called early.
    pub fn finish(mut self) -> Result<Document, Problems> {
        while self.step(usize::MAX).is_some() {}
        match self.stage {
            Stage::Done(outcome) => outcome,
            _ => unreachable!("step ran to the end"),
        }
    }
}

/// The whole file read as one JSON value, without the outline scanner: what [`read_document`]
/// must always agree with (tests hold it to that).
#[doc(hidden)]
pub fn read_document_plain(bytes: &[u8], limits: &Limits) -> Result<Document, Problems> {
    match Reading::new(bytes, *limits).stage {
        Stage::Done(outcome) => outcome,
        _ => read_whole(
            bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes),
            *limits,
        ),
    }
}

fn fail<T>(message: String) -> Result<T, Problems> {
    let mut p = Problems::default();
    p.push(String::new(), message);
    Err(p)
}

/// The plain way: the whole file as one JSON value. Gives serde_json's precise messages for a
/// broken file, and reads what the outline scanner leaves aside (very deep nesting).
fn read_whole(text: &[u8], limits: Limits) -> Result<Document, Problems> {
    let text = match std::str::from_utf8(text) {
        Ok(text) => text,
        Err(e) => {
            return fail(format!(
                "Le fichier n'est pas un texte UTF-8 (octet invalide à la position {}). \
                 Enregistrez-le en UTF-8 ou exportez-le de nouveau depuis Prototèque.",
                e.valid_up_to()
            ))
        }
    };
    // From bytes, as everywhere in the app: one instantiation of the JSON reader (SliceRead)
    // rather than two, 8 KB less code to download.
    let root: Value = match serde_json::from_slice(text.as_bytes()) {
        Ok(value) => value,
        Err(e) => return fail(json_error_message(&e)),
    };
    let Value::Object(mut root) = root else {
        return fail(not_a_catalogue("le fichier ne contient pas un objet JSON"));
    };
    let lists = LISTS.map(|key| match root.remove(key) {
        Some(Value::Array(items)) => Items::Values(items),
        Some(other) => {
            root.insert(key.to_owned(), other);
            Items::Absent
        }
        None => Items::Absent,
    });
    let mut entries = Entries::new(&root, lists, limits)?;
    while let Ok(false) = entries.step(text.as_bytes(), usize::MAX) {}
    entries.finish()
}

/// Reads the top-level fields the scanner found; the lists are read afterwards, entry by entry.
fn outlined(text: &[u8], fields: Vec<(String, Field)>, limits: Limits) -> Stage<'_> {
    let mut root = Map::new();
    let mut lists = [Items::Absent, Items::Absent, Items::Absent];
    for (key, field) in fields {
        // A repeated key counts once, its last value, as with a whole-file parse.
        let slot = LISTS.iter().position(|k| *k == key);
        match field {
            Field::List(spans) => {
                root.remove(&key);
                lists[slot.expect("only lists are scanned as lists")] = Items::Spans(spans);
            }
            Field::Value(span) => {
                let Ok(value) = serde_json::from_slice::<Value>(&text[span]) else {
                    return Stage::Done(read_whole(text, limits));
                };
                if let Some(slot) = slot {
                    lists[slot] = Items::Absent;
                }
                root.insert(key, value);
            }
        }
    }
    match Entries::new(&root, lists, limits) {
        Ok(entries) => Stage::Entries(Box::new(entries)),
        Err(problems) => Stage::Done(Err(problems)),
    }
}

/// Entries of one list: spans of the file still to parse, or values already parsed.
enum Items<'a> {
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

/// The entries of the three lists, read in order (centres, prototypes, reports), each checked
/// against the ids read before it.
struct Entries<'a> {
    problems: Problems,
    exported_at: Option<String>,
    exported_by: Option<String>,
    extra: crate::model::Extra,
    lists: [Items<'a>; 3],
    /// What is wrong with a list as a whole (not a list, too long), reported at its turn.
    list_problems: [Option<String>; 3],
    list: usize,
    next: usize,
    /// Ids named by the centres and prototypes lists, even on entries with problems of their
    /// own, so that one bad entry does not cascade into phantom "absent" errors.
    named: [BTreeSet<String>; 2],
    first_seen: BTreeMap<String, usize>,
    catalogue: Catalogue,
    done_bytes: usize,
    total_bytes: usize,
}

impl<'a> Entries<'a> {
    /// Checks the header fields (format, version, export details).
    fn new(root: &Map, lists: [Items<'a>; 3], limits: Limits) -> Result<Entries<'a>, Problems> {
        match root.get("format") {
            Some(Value::String(name)) if name == FORMAT_NAME => {}
            _ => {
                return fail(not_a_catalogue(
                    "le champ « format » est absent ou différent",
                ))
            }
        }
        match root.get("version") {
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
        let mut cx = Cx {
            problems: &mut problems,
        };
        let top = Path::Root;
        let exported_at = opt_field(&mut cx, root, top, "exporte_le", timestamp);
        let exported_by = opt_field(&mut cx, root, top, "exporte_par", id);
        let known = [
            "format",
            "version",
            "exporte_le",
            "exporte_par",
            "centres",
            "prototypes",
            "evaluations",
        ];
        let extra = unknown_fields(root, &known);
        // Problems of a list as a whole are reported when its turn comes, as entries are.
        let maxima = [
            limits.max_centres,
            limits.max_prototypes,
            limits.max_ratings,
        ];
        let mut lists = lists;
        let list_problems = std::array::from_fn(|i| {
            let key = LISTS[i];
            if !matches!(root.get(key), None | Some(Value::Null)) {
                Some("doit être une liste".to_owned())
            } else if lists[i].len() > maxima[i] {
                let found = lists[i].len();
                lists[i] = Items::Absent;
                Some(format!(
                    "le fichier contient trop d'éléments ({found} ; au plus {})",
                    maxima[i]
                ))
            } else {
                None
            }
        });
        let total_bytes = lists.iter().map(Items::bytes).sum();
        Ok(Entries {
            problems,
            exported_at,
            exported_by,
            extra,
            lists,
            list_problems,
            list: 0,
            next: 0,
            named: Default::default(),
            first_seen: BTreeMap::new(),
            catalogue: Catalogue::default(),
            done_bytes: 0,
            total_bytes,
        })
    }

    /// Reads entries worth about `budget` bytes. `Ok(true)`: all read. `Err(())`: an entry is not
    /// valid JSON (the caller reads the whole file the plain way, for the precise message).
    fn step(&mut self, text: &[u8], budget: usize) -> Result<bool, ()> {
        let stop = self.done_bytes.saturating_add(budget);
        while self.done_bytes < stop {
            if self.list == LISTS.len() {
                return Ok(true);
            }
            if let Some(message) = self.list_problems[self.list].take() {
                let path = Path::Key(&Path::Root, LISTS[self.list]);
                self.problems.push(path.to_string(), message);
            }
            if self.next >= self.lists[self.list].len() {
                self.list += 1;
                self.next = 0;
                self.first_seen.clear();
                continue;
            }
            let i = self.next;
            let parsed;
            let value = match &self.lists[self.list] {
                Items::Spans(spans) => {
                    self.done_bytes += spans[i].len();
                    parsed =
                        serde_json::from_slice::<Value>(&text[spans[i].clone()]).map_err(|_| ())?;
                    &parsed
                }
                Items::Values(values) => {
                    self.done_bytes += 1;
                    &values[i]
                }
                Items::Absent => unreachable!("an absent list has no entries"),
            };
            self.next += 1;
            let key = LISTS[self.list];
            let list_path = Path::Key(&Path::Root, key);
            let at = Path::Index(&list_path, i);
            if self.list < 2 {
                if let Some(id) = value.get("id").and_then(Value::as_str) {
                    self.named[self.list].insert(id.to_owned());
                }
            }
            let mut cx = Cx {
                problems: &mut self.problems,
            };
            let c = &mut self.catalogue;
            let [centres, prototypes] = &self.named;
            let seen = &mut self.first_seen;
            match self.list {
                0 => entry(
                    &mut cx,
                    value,
                    at,
                    i,
                    key,
                    centre_kind(),
                    &mut c.centres,
                    seen,
                    |_, _, _| {},
                ),
                1 => entry(
                    &mut cx,
                    value,
                    at,
                    i,
                    key,
                    prototype_kind(),
                    &mut c.prototypes,
                    seen,
                    |cx, at, r| check_prototype_refs(cx, at, r, centres),
                ),
                _ => entry(
                    &mut cx,
                    value,
                    at,
                    i,
                    key,
                    rating_kind(),
                    &mut c.ratings,
                    seen,
                    |cx, at, r| check_rating_refs(cx, at, r, centres, prototypes),
                ),
            }
        }
        Ok(self.list == LISTS.len())
    }

    fn finish(self) -> Result<Document, Problems> {
        if self.problems.is_empty() {
            Ok(Document {
                exported_at: self.exported_at,
                exported_by: self.exported_by,
                catalogue: self.catalogue,
                extra: self.extra,
            })
        } else {
            Err(self.problems)
        }
    }
}

/// Reads entry `i` of list `key` into `into`, unless its id was already used in that list.
#[allow(clippy::too_many_arguments)]
fn entry<T: Serialize>(
    cx: &mut Cx,
    value: &Value,
    at: Path,
    i: usize,
    key: &str,
    kind: Kind<T>,
    into: &mut BTreeMap<String, Record<T>>,
    first_seen: &mut BTreeMap<String, usize>,
    check: impl Fn(&mut Cx, Path, &Record<T>),
) {
    if let Some((id, record)) = record(cx, value, at, &kind) {
        check(cx, at, &record);
        if let Some(first) = first_seen.get(&id) {
            cx.report(
                at,
                format!("l'identifiant « {id} » est déjà utilisé par {key}[{first}]"),
            );
        } else {
            first_seen.insert(id.clone(), i);
            into.insert(id, record);
        }
    }
}

fn not_a_catalogue(why: &str) -> String {
    format!(
        "Ce fichier n'est pas un catalogue Prototèque ({why}). Choisissez un fichier .json \
         exporté depuis Prototèque."
    )
}

fn json_error_message(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let place = format!("ligne {}, colonne {}", e.line(), e.column());
    match e.classify() {
        Category::Eof => format!(
            "Le fichier est incomplet : il s'arrête au milieu des données ({place}). \
             Il a peut-être été mal copié ou téléchargé."
        ),
        _ if e.to_string().contains("recursion limit") => {
            format!("Le fichier contient des données imbriquées trop profondément ({place}).")
        }
        _ if e.to_string().contains("number out of range") => {
            format!("Le fichier contient un nombre trop grand ({place}).")
        }
        _ => format!("Le fichier n'est pas un JSON valide ({place})."),
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

/// Where a value stands in the file, built without allocating until a problem is reported.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(Path::Root, key) => f.write_str(key),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

struct Cx<'p> {
    problems: &'p mut Problems,
}

impl Cx<'_> {
    fn report(&mut self, path: Path<'_>, message: impl Into<String>) {
        self.problems.push(path.to_string(), message.into());
    }
}

/// What a field is called in messages ("le titre est vide").
fn field_name(key: &str) -> &'static str {
    match key {
        "id" => "l'identifiant",
        "titre" => "le titre",
        "resume" => "le résumé",
        "nom" => "le nom",
        "territoire" => "le territoire",
        "commune" => "la commune",
        "tiers_lieu" => "le tiers-lieu",
        "public" => "le public",
        "scenario" => "le scénario d'usage",
        "licence" => "la licence",
        "description" => "la description",
        "duree" => "la durée",
        "taille_groupe" => "la taille du groupe",
        "cout" => "le coût",
        "url" => "l'adresse",
        "commentaire" => "le commentaire",
        "centre" => "le centre",
        "prototype" => "le prototype",
        "modifie_par" => "l'auteur de la modification",
        "modifie_le" => "la date de modification",
        "cree_le" => "la date de création",
        "date" => "la date",
        _ => "ce champ",
    }
}

fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

type Reader<T> = fn(&mut Cx, &Value, Path) -> Option<T>;

/// Reads a required field; reports it when absent.
fn field<T>(cx: &mut Cx, obj: &Map, at: Path, key: &str, read: Reader<T>) -> Option<T> {
    let path = Path::Key(&at, key);
    match obj.get(key) {
        Some(value) => read(cx, value, path),
        None => {
            cx.report(path, format!("{} est obligatoire", field_name(key)));
            None
        }
    }
}

/// Reads an optional field (`null` counts as absent).
fn opt_field<T>(cx: &mut Cx, obj: &Map, at: Path, key: &str, read: Reader<T>) -> Option<T> {
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(value) => read(cx, value, Path::Key(&at, key)),
    }
}

fn key_of<'a>(path: Path<'a>) -> &'a str {
    match path {
        Path::Key(_, key) => key,
        _ => "",
    }
}

fn text_within(cx: &mut Cx, value: &Value, path: Path, min: usize, max: usize) -> Option<String> {
    let Value::String(s) = value else {
        cx.report(path, "doit être un texte");
        return None;
    };
    let trimmed = s.trim();
    // One pass over the bytes: characters counted (every byte that does not continue a UTF-8
    // sequence starts one) and control characters found (C0 and DEL in ASCII, C1 as C2 80–9F).
    let bytes = trimmed.as_bytes();
    let mut chars = 0;
    let mut control = false;
    for (i, &b) in bytes.iter().enumerate() {
        chars += usize::from(b & 0xC0 != 0x80);
        control |= (b < 0x20 && !matches!(b, b'\n' | b'\t' | b'\r'))
            || b == 0x7F
            || (b == 0xC2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)));
    }
    if chars < min {
        cx.report(path, format!("{} est vide", field_name(key_of(path))));
        return None;
    }
    if chars > max {
        cx.report(
            path,
            format!("le texte est trop long ({chars} caractères ; au plus {max})"),
        );
        return None;
    }
    if control {
        cx.report(
            path,
            "le texte contient des caractères de contrôle invisibles",
        );
        return None;
    }
    Some(trimmed.to_owned())
}

fn title(cx: &mut Cx, v: &Value, p: Path) -> Option<String> {
    text_within(cx, v, p, 1, MAX_TITLE)
}
fn short(cx: &mut Cx, v: &Value, p: Path) -> Option<String> {
    text_within(cx, v, p, 1, MAX_SHORT)
}
fn short_or_empty(cx: &mut Cx, v: &Value, p: Path) -> Option<String> {
    text_within(cx, v, p, 0, MAX_SHORT)
}
fn long(cx: &mut Cx, v: &Value, p: Path) -> Option<String> {
    text_within(cx, v, p, 1, MAX_LONG)
}
fn long_or_empty(cx: &mut Cx, v: &Value, p: Path) -> Option<String> {
    text_within(cx, v, p, 0, MAX_LONG)
}

fn list<T>(cx: &mut Cx, value: &Value, path: Path, read: Reader<T>) -> Option<Vec<T>> {
    let Value::Array(items) = value else {
        cx.report(path, "doit être une liste");
        return None;
    };
    if items.len() > MAX_ITEMS {
        cx.report(
            path,
            format!(
                "la liste est trop longue ({} éléments ; au plus {MAX_ITEMS})",
                items.len()
            ),
        );
        return None;
    }
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match read(cx, item, Path::Index(&path, i)) {
            Some(x) => out.push(x),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn short_list(cx: &mut Cx, v: &Value, p: Path) -> Option<Vec<String>> {
    list(cx, v, p, short)
}
fn long_list(cx: &mut Cx, v: &Value, p: Path) -> Option<Vec<String>> {
    list(cx, v, p, long)
}

/// An optional list: absent means empty.
fn opt_list<T>(
    cx: &mut Cx,
    obj: &Map,
    at: Path,
    key: &str,
    read: Reader<Vec<T>>,
) -> Option<Vec<T>> {
    match obj.get(key) {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(value) => read(cx, value, Path::Key(&at, key)),
    }
}

fn integer(cx: &mut Cx, value: &Value, path: Path, min: u64, max: u64) -> Option<u64> {
    match value.as_u64() {
        Some(n) if (min..=max).contains(&n) => Some(n),
        _ if value.is_number() => {
            cx.report(
                path,
                format!("doit être un nombre entier entre {min} et {max}"),
            );
            None
        }
        _ => {
            cx.report(path, "doit être un nombre");
            None
        }
    }
}

fn revision(cx: &mut Cx, v: &Value, p: Path) -> Option<u64> {
    integer(cx, v, p, 1, MAX_REVISION)
}
fn score(cx: &mut Cx, v: &Value, p: Path) -> Option<u8> {
    integer(cx, v, p, 1, 5).map(|n| n as u8)
}
fn participants(cx: &mut Cx, v: &Value, p: Path) -> Option<u32> {
    integer(cx, v, p, 0, MAX_PARTICIPANTS).map(|n| n as u32)
}

/// Ids are lowercase ASCII letters, digits and dashes, so they are safe in URLs and file names.
fn id(cx: &mut Cx, value: &Value, path: Path) -> Option<String> {
    let Value::String(s) = value else {
        cx.report(path, "l'identifiant doit être un texte");
        return None;
    };
    let valid = !s.is_empty()
        && s.len() <= MAX_ID
        && !s.starts_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Some(s.to_string())
    } else {
        cx.report(
            path,
            format!(
                "« {} » n'est pas un identifiant valide (lettres minuscules sans accent, chiffres \
                 et tirets, {MAX_ID} caractères au plus)",
                clip(s)
            ),
        );
        None
    }
}

fn digits(s: &str, range: std::ops::Range<usize>) -> Option<u32> {
    let part = s.get(range)?;
    part.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| part.parse().ok())?
}

fn valid_day(s: &str) -> bool {
    let (Some(y), Some(m), Some(d)) = (digits(s, 0..4), digits(s, 5..7), digits(s, 8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    s.as_bytes()[4] == b'-'
        && s.as_bytes()[7] == b'-'
        && (1..=12).contains(&m)
        && d >= 1
        && d <= days[(m - 1) as usize]
        && y >= 1900
}

/// A day, `YYYY-MM-DD`.
fn day(cx: &mut Cx, value: &Value, path: Path) -> Option<String> {
    match value {
        Value::String(s) if s.len() == 10 && valid_day(s) => Some(s.to_string()),
        _ => {
            cx.report(
                path,
                "doit être une date au format AAAA-MM-JJ (ex. 2026-03-14)",
            );
            None
        }
    }
}

/// A UTC instant, `YYYY-MM-DDTHH:MM:SSZ`; fractions of a second are accepted and dropped, so
/// that text order is time order.
fn timestamp(cx: &mut Cx, value: &Value, path: Path) -> Option<String> {
    if let Value::String(s) = value {
        let b = s.as_bytes();
        let fraction_ok = match s.get(19..) {
            Some("Z") => true,
            Some(rest) => {
                rest.len() >= 3
                    && rest.starts_with('.')
                    && rest.ends_with('Z')
                    && rest[1..rest.len() - 1].bytes().all(|c| c.is_ascii_digit())
            }
            None => false,
        };
        let time_ok = matches!((digits(s, 11..13), digits(s, 14..16), digits(s, 17..19)),
            (Some(h), Some(m), Some(sec)) if h < 24 && m < 60 && sec < 60);
        if s.len() >= 20
            && s.len() <= 40
            && valid_day(s)
            && b[10] == b'T'
            && b[13] == b':'
            && b[16] == b':'
            && time_ok
            && fraction_ok
        {
            return Some(format!("{}Z", &s[..19]));
        }
    }
    cx.report(
        path,
        "doit être une date et heure UTC au format AAAA-MM-JJTHH:MM:SSZ",
    );
    None
}

fn boolean(cx: &mut Cx, value: &Value, path: Path) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        _ => {
            cx.report(path, "doit valoir true ou false");
            None
        }
    }
}

/// Only web and mail links: no `javascript:`, `data:` or `file:` in a livret.
fn url(cx: &mut Cx, value: &Value, path: Path) -> Option<String> {
    let Value::String(s) = value else {
        cx.report(path, "l'adresse doit être un texte");
        return None;
    };
    let s = s.trim();
    let lower = s.to_ascii_lowercase();
    let web = ["http://", "https://"]
        .iter()
        .find(|p| lower.starts_with(*p));
    let ok = s.len() <= MAX_URL
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
        && match web {
            Some(prefix) => {
                let host = s[prefix.len()..]
                    .split(['/', '?', '#'])
                    .next()
                    .unwrap_or("");
                !host.is_empty()
            }
            None => {
                lower.starts_with("mailto:") && s.len() > "mailto:".len() + 2 && s.contains('@')
            }
        };
    if ok {
        Some(s.to_owned())
    } else {
        cx.report(
            path,
            format!(
                "« {} » n'est pas un lien accepté : seuls les liens http://, https:// et mailto: \
                 sont autorisés",
                clip(s)
            ),
        );
        None
    }
}

fn object<'v, 'a>(cx: &mut Cx, value: &'v Value<'a>, path: Path) -> Option<&'v Map<'a>> {
    match value {
        Value::Object(map) => Some(map),
        _ => {
            cx.report(path, "doit être un objet JSON ({ … })");
            None
        }
    }
}

fn unknown_fields(obj: &Map, known: &[&str]) -> Extra {
    // Collected into a map: a repeated key keeps its last value.
    obj.fields()
        .filter(|(k, _)| !known.contains(k))
        .map(|(k, v)| (k.to_owned(), v.to_owned_json()))
        .collect()
}

/// How to read one kind of entity: its body keys, and the function that reads a body.
struct Kind<T> {
    keys: &'static [&'static str],
    body: fn(&mut Cx, &Map, Path) -> Option<T>,
    /// How the record id is checked.
    id: Reader<String>,
    /// Evaluations may omit their id: it is derived from (prototype, centre).
    derive_id: Option<fn(&T) -> String>,
}

const ENVELOPE: [&str; 4] = ["revision", "modifie_par", "modifie_le", "supprime"];
const RECORD_ONLY: [&str; 3] = ["id", "conflits", "versions_remplacees"];

fn version<T>(cx: &mut Cx, obj: &Map, at: Path, kind: &Kind<T>) -> Option<Version<T>> {
    let revision = field(cx, obj, at, "revision", revision);
    let author = field(cx, obj, at, "modifie_par", id);
    let date = field(cx, obj, at, "modifie_le", timestamp);
    let deleted = opt_field(cx, obj, at, "supprime", boolean).unwrap_or(false);
    let (body, body_ok) = if deleted {
        (None, true)
    } else {
        let body = (kind.body)(cx, obj, at);
        let ok = body.is_some();
        (body, ok)
    };
    // On a tombstone, leftover content fields are kept as unknown fields rather than dropped.
    let known: Vec<&str> = if deleted {
        ENVELOPE.iter().chain(&RECORD_ONLY).copied().collect()
    } else {
        ENVELOPE
            .iter()
            .chain(&RECORD_ONLY)
            .chain(kind.keys)
            .copied()
            .collect()
    };
    let extra = unknown_fields(obj, &known);
    match (revision, author, date, body_ok) {
        (Some(revision), Some(author), Some(at), true) => Some(Version {
            revision,
            author,
            at,
            body,
            extra,
        }),
        _ => None,
    }
}

fn vid(cx: &mut Cx, value: &Value, path: Path) -> Option<String> {
    match value {
        Value::String(s)
            if !s.is_empty() && s.len() <= 200 && s.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Some(s.to_string())
        }
        _ => {
            cx.report(path, "doit être un identifiant de version");
            None
        }
    }
}

fn record<T: Serialize>(
    cx: &mut Cx,
    value: &Value,
    at: Path,
    kind: &Kind<T>,
) -> Option<(String, Record<T>)> {
    let obj = object(cx, value, at)?;
    let given_id = match (obj.get("id"), kind.derive_id) {
        (None, Some(_)) => None,
        _ => Some(field(cx, obj, at, "id", kind.id)),
    };
    let winner = version(cx, obj, at, kind);

    let conflicts_path = Path::Key(&at, "conflits");
    let mut conflicts = Vec::new();
    match obj.get("conflits") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) if items.len() <= MAX_CONFLICTS => {
            for (i, item) in items.iter().enumerate() {
                let path = Path::Index(&conflicts_path, i);
                if let Some(obj) = object(cx, item, path) {
                    conflicts.push(version(cx, obj, path, kind));
                }
            }
        }
        Some(_) => cx.report(
            conflicts_path,
            format!("doit être une liste d'au plus {MAX_CONFLICTS} versions"),
        ),
    }

    let superseded_path = Path::Key(&at, "versions_remplacees");
    let superseded: Option<BTreeSet<String>> = match obj.get("versions_remplacees") {
        None | Some(Value::Null) => Some(BTreeSet::new()),
        Some(Value::Array(items)) if items.len() <= MAX_SUPERSEDED => items
            .iter()
            .enumerate()
            .map(|(i, v)| vid(cx, v, Path::Index(&superseded_path, i)))
            .collect::<Vec<_>>()
            .into_iter()
            .collect(),
        Some(_) => {
            cx.report(
                superseded_path,
                format!("doit être une liste d'au plus {MAX_SUPERSEDED} identifiants"),
            );
            None
        }
    };

    let winner = winner?;
    let record_id = match given_id {
        Some(given) => given?,
        None => match (&winner.body, kind.derive_id) {
            (Some(body), Some(derive)) => derive(body),
            _ => {
                cx.report(
                    Path::Key(&at, "id"),
                    "l'identifiant est obligatoire pour une suppression",
                );
                return None;
            }
        },
    };
    if let (Some(body), Some(derive)) = (&winner.body, kind.derive_id) {
        let expected = derive(body);
        if expected != record_id {
            cx.report(
                Path::Key(&at, "id"),
                format!("l'identifiant doit être « {expected} » (prototype:centre)"),
            );
            return None;
        }
    }
    let conflicts: Option<Vec<Version<T>>> = conflicts.into_iter().collect();
    let mut record = Record {
        heads: Vec::new(),
        superseded: superseded?,
    };
    let mut versions = conflicts?;
    versions.insert(0, winner);
    if !record.superseded.is_empty()
        && versions
            .iter()
            .any(|v| record.superseded.contains(&version_id(v)))
    {
        cx.report(
            superseded_path,
            "une version est à la fois présente et déclarée remplacée",
        );
        return None;
    }
    normalise(versions, &mut record);
    Some((record_id, record))
}

fn centre(cx: &mut Cx, obj: &Map, at: Path) -> Option<Centre> {
    let name = field(cx, obj, at, "nom", title);
    let territory = opt_field(cx, obj, at, "territoire", short_or_empty).unwrap_or_default();
    let commune = opt_field(cx, obj, at, "commune", short_or_empty).unwrap_or_default();
    let tiers_lieu = opt_field(cx, obj, at, "tiers_lieu", short_or_empty).unwrap_or_default();
    Some(Centre {
        name: name?,
        territory,
        commune,
        tiers_lieu,
    })
}

const CENTRE_KEYS: &[&str] = &["nom", "territoire", "commune", "tiers_lieu"];

fn centre_kind() -> Kind<Centre> {
    Kind {
        keys: CENTRE_KEYS,
        body: centre,
        id,
        derive_id: None,
    }
}

fn theme(cx: &mut Cx, value: &Value, path: Path) -> Option<Theme> {
    let found = value.as_str().and_then(Theme::from_slug);
    if found.is_none() {
        let all: Vec<&str> = Theme::ALL.iter().map(|t| t.slug()).collect();
        cx.report(
            path,
            format!("thème inconnu ; thèmes possibles : {}", all.join(", ")),
        );
    }
    found
}

fn usage_kind(cx: &mut Cx, value: &Value, path: Path) -> Option<UsageKind> {
    let found = value.as_str().and_then(UsageKind::from_slug);
    if found.is_none() {
        let all: Vec<&str> = UsageKind::ALL.iter().map(|k| k.slug()).collect();
        cx.report(
            path,
            format!(
                "type d'usage inconnu ; types possibles : {}",
                all.join(", ")
            ),
        );
    }
    found
}

fn fork_origin(cx: &mut Cx, value: &Value, path: Path) -> Option<ForkOrigin> {
    let obj = object(cx, value, path)?;
    let prototype = field(cx, obj, path, "prototype", id);
    let revision = field(cx, obj, path, "revision", revision);
    let extra = unknown_fields(obj, &["prototype", "revision"]);
    Some(ForkOrigin {
        prototype: prototype?,
        revision: revision?,
        extra,
    })
}

fn step(cx: &mut Cx, value: &Value, path: Path) -> Option<Step> {
    let obj = object(cx, value, path)?;
    let title = field(cx, obj, path, "titre", title);
    let description = field(cx, obj, path, "description", long);
    let duration = opt_field(cx, obj, path, "duree", short_or_empty).unwrap_or_default();
    let extra = unknown_fields(obj, &["titre", "description", "duree"]);
    Some(Step {
        title: title?,
        description: description?,
        duration,
        extra,
    })
}

fn resource(cx: &mut Cx, value: &Value, path: Path) -> Option<Resource> {
    let obj = object(cx, value, path)?;
    let title = field(cx, obj, path, "titre", title);
    let url = field(cx, obj, path, "url", url);
    let extra = unknown_fields(obj, &["titre", "url"]);
    Some(Resource {
        title: title?,
        url: url?,
        extra,
    })
}

fn steps(cx: &mut Cx, v: &Value, p: Path) -> Option<Vec<Step>> {
    list(cx, v, p, step)
}
fn resources(cx: &mut Cx, v: &Value, p: Path) -> Option<Vec<Resource>> {
    list(cx, v, p, resource)
}

const LIVRET_KEYS: [&str; 12] = [
    "objectifs",
    "public",
    "duree",
    "taille_groupe",
    "materiel",
    "cout",
    "preparation",
    "deroule",
    "conseils_animation",
    "pieges",
    "evaluation",
    "ressources",
];

/// A livret may be incomplete (a draft being written): completeness is a label criterion, not a
/// validity rule. Every part is optional; what is present must be well-formed.
fn livret(cx: &mut Cx, value: &Value, path: Path) -> Option<Livret> {
    let obj = object(cx, value, path)?;
    let objectives = opt_list(cx, obj, path, "objectifs", long_list);
    let public = opt_field(cx, obj, path, "public", long_or_empty).unwrap_or_default();
    let duration = opt_field(cx, obj, path, "duree", short_or_empty).unwrap_or_default();
    let group_size = opt_field(cx, obj, path, "taille_groupe", short_or_empty).unwrap_or_default();
    let materials = opt_list(cx, obj, path, "materiel", long_list);
    let cost = opt_field(cx, obj, path, "cout", short_or_empty).unwrap_or_default();
    let preparation = opt_list(cx, obj, path, "preparation", long_list);
    let steps = opt_list(cx, obj, path, "deroule", steps);
    let tips = opt_list(cx, obj, path, "conseils_animation", long_list);
    let pitfalls = opt_list(cx, obj, path, "pieges", long_list);
    let evaluation = opt_list(cx, obj, path, "evaluation", long_list);
    let resources = opt_list(cx, obj, path, "ressources", resources);
    let extra = unknown_fields(obj, &LIVRET_KEYS);
    Some(Livret {
        objectives: objectives?,
        public,
        duration,
        group_size,
        materials: materials?,
        cost,
        preparation: preparation?,
        steps: steps?,
        facilitation_tips: tips?,
        pitfalls: pitfalls?,
        evaluation: evaluation?,
        resources: resources?,
        extra,
    })
}

const PROTOTYPE_KEYS: &[&str] = &[
    "titre",
    "resume",
    "theme",
    "centre",
    "type_usage",
    "public",
    "scenario",
    "outils",
    "licence",
    "etiquettes",
    "cree_le",
    "adapte_de",
    "livret",
];

fn prototype(cx: &mut Cx, obj: &Map, at: Path) -> Option<Prototype> {
    let title = field(cx, obj, at, "titre", title);
    let summary = field(cx, obj, at, "resume", long);
    let theme = field(cx, obj, at, "theme", theme);
    let centre = field(cx, obj, at, "centre", id);
    let kind = field(cx, obj, at, "type_usage", usage_kind);
    let public = opt_field(cx, obj, at, "public", long_or_empty).unwrap_or_default();
    let scenario = opt_field(cx, obj, at, "scenario", long_or_empty).unwrap_or_default();
    let tools = opt_list(cx, obj, at, "outils", short_list);
    let licence =
        opt_field(cx, obj, at, "licence", short).unwrap_or_else(|| DEFAULT_LICENCE.to_owned());
    let tags = opt_list(cx, obj, at, "etiquettes", short_list);
    let created = field(cx, obj, at, "cree_le", day);
    let forked_from = match obj.get("adapte_de") {
        None | Some(Value::Null) => Some(None),
        Some(v) => fork_origin(cx, v, Path::Key(&at, "adapte_de")).map(Some),
    };
    let livret = match obj.get("livret") {
        None | Some(Value::Null) => Some(Livret::default()),
        Some(v) => livret(cx, v, Path::Key(&at, "livret")),
    };
    Some(Prototype {
        title: title?,
        summary: summary?,
        theme: theme?,
        centre: centre?,
        kind: kind?,
        public,
        scenario,
        tools: tools?,
        licence,
        tags: tags?,
        created: created?,
        forked_from: forked_from?,
        livret: livret?,
    })
}

fn prototype_kind() -> Kind<Prototype> {
    Kind {
        keys: PROTOTYPE_KEYS,
        body: prototype,
        id,
        derive_id: None,
    }
}

fn criteria(cx: &mut Cx, value: &Value, path: Path) -> Option<Criteria> {
    let obj = object(cx, value, path)?;
    let keys = [
        "reproductibilite",
        "publics_eloignes",
        "cout",
        "pouvoir_d_agir",
    ];
    let mut ok = true;
    let mut get = |cx: &mut Cx, key| {
        let before = cx.problems.len();
        let v = opt_field(cx, obj, path, key, score);
        ok &= cx.problems.len() == before;
        v
    };
    let criteria = Criteria {
        reproducibility: get(cx, keys[0]),
        digitally_excluded: get(cx, keys[1]),
        cost: get(cx, keys[2]),
        empowerment: get(cx, keys[3]),
        extra: unknown_fields(obj, &keys),
    };
    ok.then_some(criteria)
}

const RATING_KEYS: &[&str] = &[
    "prototype",
    "centre",
    "note",
    "criteres",
    "commentaire",
    "participants",
    "date",
];

fn rating(cx: &mut Cx, obj: &Map, at: Path) -> Option<Rating> {
    let prototype = field(cx, obj, at, "prototype", id);
    let centre = field(cx, obj, at, "centre", id);
    let note = field(cx, obj, at, "note", score);
    let criteria = match obj.get("criteres") {
        None | Some(Value::Null) => Some(Criteria::default()),
        Some(v) => criteria(cx, v, Path::Key(&at, "criteres")),
    };
    let comment = opt_field(cx, obj, at, "commentaire", long_or_empty).unwrap_or_default();
    let participants = opt_field(cx, obj, at, "participants", participants).unwrap_or(0);
    let date = field(cx, obj, at, "date", day);
    Some(Rating {
        prototype: prototype?,
        centre: centre?,
        note: note?,
        criteria: criteria?,
        comment,
        participants,
        date: date?,
    })
}

fn rating_kind() -> Kind<Rating> {
    Kind {
        keys: RATING_KEYS,
        body: rating,
        id: rating_id,
        derive_id: Some(|r: &Rating| Rating::id_for(&r.prototype, &r.centre)),
    }
}

/// A report's id is `<prototype id>:<centre id>`.
fn rating_id(cx: &mut Cx, value: &Value, path: Path) -> Option<String> {
    let parts = value.as_str().and_then(|s| s.split_once(':'));
    match parts {
        Some((p, c))
            if [p, c].iter().all(|part| {
                let mut scratch = Problems::default();
                id(
                    &mut Cx {
                        problems: &mut scratch,
                    },
                    &Value::String((*part).into()),
                    path,
                )
                .is_some()
            }) =>
        {
            Some(format!("{p}:{c}"))
        }
        _ => {
            cx.report(
                path,
                "l'identifiant d'un rapport d'expérience doit être « <prototype>:<centre> »",
            );
            None
        }
    }
}

/// Every reference inside the file must resolve inside the file: a prototype's author centre, a
/// report's prototype and centre. (`adapte_de` may name a prototype the file does not carry: the
/// credit is kept even when the original is elsewhere.)
fn check_prototype_refs(
    cx: &mut Cx,
    at: Path,
    record: &Record<Prototype>,
    centres: &BTreeSet<String>,
) {
    for body in record.heads.iter().filter_map(|v| v.body.as_ref()) {
        if !centres.contains(&body.centre) {
            cx.report(
                Path::Key(&at, "centre"),
                format!("le centre « {} » est absent du fichier", body.centre),
            );
        }
    }
}

fn check_rating_refs(
    cx: &mut Cx,
    at: Path,
    record: &Record<Rating>,
    centres: &BTreeSet<String>,
    prototypes: &BTreeSet<String>,
) {
    for body in record.heads.iter().filter_map(|v| v.body.as_ref()) {
        if !prototypes.contains(&body.prototype) {
            cx.report(
                Path::Key(&at, "prototype"),
                format!("le prototype « {} » est absent du fichier", body.prototype),
            );
        }
        if !centres.contains(&body.centre) {
            cx.report(
                Path::Key(&at, "centre"),
                format!("le centre « {} » est absent du fichier", body.centre),
            );
        }
    }
}

/// Reads one record as stored (the compact JSON `record_json` writes), through the same rules as
/// a file's entries; references are not checked (they are, whole-catalogue, on load).
fn read_one<T: Serialize>(json: &str, kind: Kind<T>) -> Result<(String, Record<T>), Problems> {
    let mut problems = Problems::default();
    let value: Value = match serde_json::from_slice(json.as_bytes()) {
        Ok(value) => value,
        Err(e) => {
            problems.push(String::new(), json_error_message(&e));
            return Err(problems);
        }
    };
    let read = record(
        &mut Cx {
            problems: &mut problems,
        },
        &value,
        Path::Root,
        &kind,
    );
    match read {
        Some(found) if problems.is_empty() => Ok(found),
        _ => Err(problems),
    }
}

pub fn read_centre_record(json: &str) -> Result<(String, Record<Centre>), Problems> {
    read_one(json, centre_kind())
}

pub fn read_prototype_record(json: &str) -> Result<(String, Record<Prototype>), Problems> {
    read_one(json, prototype_kind())
}

pub fn read_rating_record(json: &str) -> Result<(String, Record<Rating>), Problems> {
    read_one(json, rating_kind())
}

/// Checks content typed in a form by the very rules applied to files (one source of truth).
/// Paths are relative to the content: `titre`, `livret.deroule[2].description`.
fn check<T: Serialize>(content: &T, body: fn(&mut Cx, &Map, Path) -> Option<T>) -> Problems {
    let mut problems = Problems::default();
    let json = serde_json::to_vec(content).expect("in-memory data serialises");
    let value: Value = serde_json::from_slice(&json).expect("what was just written reads back");
    if let Value::Object(obj) = value {
        body(
            &mut Cx {
                problems: &mut problems,
            },
            &obj,
            Path::Root,
        );
    }
    problems
}

pub fn check_prototype(p: &Prototype) -> Problems {
    check(p, prototype)
}

pub fn check_centre(c: &Centre) -> Problems {
    check(c, centre)
}

pub fn check_rating(r: &Rating) -> Problems {
    check(r, rating)
}

/// True when `id` is a valid record id (lowercase ASCII letters, digits, dashes).
pub fn is_valid_id(candidate: &str) -> bool {
    let mut problems = Problems::default();
    id(
        &mut Cx {
            problems: &mut problems,
        },
        &Value::String(candidate.into()),
        Path::Root,
    )
    .is_some()
}
