//! Reading a file through the door: its size limits, the slice-by-slice [`Reading`] (the outline
//! scan, then the entries), and the plain way — the whole file as one JSON value — which gives
//! serde_json's precise messages for a broken file and which the sliced reading must agree with.

use super::entries::{Entries, Items};
use crate::exchange::json::{self, Map, Value};
use crate::exchange::scan::{Field, Scanner, LISTS};
use crate::exchange::{Document, Problems};

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

/// A problem with the file as a whole.
pub(super) fn fail<T>(message: String) -> Result<T, Problems> {
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
    let root: Value = match json::parse_document(text.as_bytes()) {
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
                let Ok(value) = json::parse(&text[span]) else {
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

pub(super) fn not_a_catalogue(why: &str) -> String {
    format!(
        "Ce fichier n'est pas un catalogue Prototèque ({why}). Choisissez un fichier .json \
         exporté depuis Prototèque."
    )
}

/// A JSON syntax error, in French, with its line and column.
pub(super) fn json_error_message(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    if let Some(message) = json::bound_message(e) {
        return message;
    }
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
