//! Stored rows that cannot be read back (an older bug, a newer version's rows, a damaged disk)
//! are **set aside**: the rest of the catalogue loads without them, and they stay in IndexedDB
//! exactly as they are — never deleted, never written over (an import leaves their ids alone;
//! `save` merges with a stored row or refuses, never overwrites it). [`Aside`] says which rows
//! they are and why, and writes them, raw, into a file people can download and pass on.
//!
//! Which rows: `load` finds them (see `load::set_aside`), from the door's problems,
//! whose JSON paths (`prototypes[3].titre`) name the entries of the document it assembled.
//!
//! A row set aside is kept as it was read (the browser's value, or the row); it becomes JSON only
//! when the file is written, which the app does in a chunk of its own.

use super::error::reason;
use super::row::Row;
use crate::exchange::Problem;
use crate::model::Catalogue;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};

/// The catalogue read back from storage, and the rows set aside to read it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Loaded {
    pub catalogue: Catalogue,
    pub aside: Aside,
}

/// The stored rows set aside, in order of store and key (once read).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Aside {
    rows: Vec<Unreadable>,
}

/// One row set aside: where it is, what stops it being read, and the row as stored.
#[derive(Clone, Debug)]
struct Unreadable {
    store: &'static str,
    key: String,
    problems: Vec<Problem>,
    row: Stored,
}

/// A row set aside, as it was read.
#[derive(Clone, Debug)]
enum Stored {
    /// Not even in the form of a row: the value IndexedDB gave.
    Raw(JsValue),
    Row(Row),
}

/// The same rows set aside, for the same reasons. (Two reads of one stored value give two
/// JavaScript objects, which are never equal: the rows are compared by where they are.)
impl PartialEq for Unreadable {
    fn eq(&self, other: &Self) -> bool {
        (self.store, &self.key, &self.problems) == (other.store, &other.key, &other.problems)
    }
}

/// The document assembled from the rows lists them under these keys, in this order (the file
/// format's lists).
const LISTS: [&str; 3] = ["centres", "prototypes", "evaluations"];

impl Aside {
    /// How many rows are set aside.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// [`Aside::len`], as the app counts in its signals.
    pub fn count(&self) -> u32 {
        u32::try_from(self.rows.len()).unwrap_or(u32::MAX)
    }

    /// The rows set aside, as (store, key), in order.
    pub fn rows(&self) -> impl Iterator<Item = (&str, &str)> {
        self.rows.iter().map(|u| (u.store, u.key.as_str()))
    }

    /// True when row `key` of `store` is set aside (once [`Aside::sort`] put them in order).
    pub(super) fn holds(&self, store: &str, key: &str) -> bool {
        self.rows
            .binary_search_by(|u| (u.store, u.key.as_str()).cmp(&(store, key)))
            .is_ok()
    }

    /// Sets aside a row that is not even in the form of a row (read as the raw value stored).
    pub(super) fn put_raw(&mut self, store: &'static str, key: &str, value: &JsValue) {
        self.put(
            store,
            key,
            vec![reason::not_a_row()],
            Stored::Raw(value.clone()),
        );
    }

    /// Sets aside a row that the door refuses, for `problems`.
    pub(super) fn put_row(
        &mut self,
        store: &'static str,
        key: &str,
        row: &Row,
        problems: Vec<Problem>,
    ) {
        self.put(store, key, problems, Stored::Row(row.clone()));
    }

    fn put(&mut self, store: &'static str, key: &str, problems: Vec<Problem>, row: Stored) {
        let key = key.to_owned();
        self.rows.push(Unreadable {
            store,
            key,
            problems,
            row,
        });
    }

    /// Puts the rows in order of store and key, once all are set aside.
    pub(super) fn sort(&mut self) {
        self.rows
            .sort_by(|a, b| (a.store, &a.key).cmp(&(b.store, &b.key)));
    }

    /// The file offered to people: every row set aside, as stored, with what stops it being
    /// read; `at` is when it is written (the UTC instant format of the exchange files).
    pub fn file(&self, at: &str) -> Vec<u8> {
        #[derive(Serialize)]
        struct File<'a> {
            format: &'static str,
            exporte_le: &'a str,
            explication: &'static str,
            elements: Vec<Element<'a>>,
        }
        #[derive(Serialize)]
        struct Element<'a> {
            magasin: &'a str,
            cle: &'a str,
            problemes: Vec<String>,
            ligne: Value,
        }
        let file = File {
            format: "prototheque-elements-illisibles",
            exporte_le: at,
            explication: reason::FILE_NOTE,
            elements: self
                .rows
                .iter()
                .map(|u| Element {
                    magasin: u.store,
                    cle: &u.key,
                    problemes: u.problems.iter().map(|p| p.to_string()).collect(),
                    ligne: match &u.row {
                        Stored::Raw(value) => raw(value, 0),
                        Stored::Row(row) => serde_json::to_value(row).expect("a row serialises"),
                    },
                })
                .collect(),
        };
        serde_json::to_vec(&file).expect("in-memory data serialises")
    }
}

/// Which entry of the assembled document `problem` is about — (list, index) — and the problem
/// with its path relative to the record (`titre`). `None` for a problem with the document as a
/// whole or with a list as a whole.
pub(super) fn entry_of(problem: &Problem) -> Option<(usize, usize, Problem)> {
    let (list, rest) = LISTS
        .iter()
        .enumerate()
        .find_map(|(i, key)| Some((i, problem.path.strip_prefix(key)?.strip_prefix('[')?)))?;
    let (index, rest) = rest.split_once(']')?;
    let index = index.parse().ok()?;
    let path = rest.strip_prefix('.').unwrap_or(rest).to_owned();
    let message = problem.message.clone();
    Some((list, index, Problem { path, message }))
}

/// How deep a raw value is copied: a value stored by hand can be nested without end (or even
/// hold itself).
const RAW_DEPTH: usize = 32;

/// A value as IndexedDB gave it, as JSON: text kept as UTF-8 bytes becomes that text (or the
/// bytes, when they are not UTF-8).
fn raw(value: &JsValue, depth: usize) -> Value {
    if let Some(text) = value.as_string() {
        return Value::String(text);
    }
    if let Some(b) = value.as_bool() {
        return Value::Bool(b);
    }
    if let Some(n) = value.as_f64() {
        // Whole numbers as JSON writes them (42, not 42.0).
        if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
            return Value::from(n as i64);
        }
        return serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number);
    }
    if !value.is_object() || depth >= RAW_DEPTH {
        return Value::Null;
    }
    let bytes = if let Some(buffer) = value.dyn_ref::<js_sys::ArrayBuffer>() {
        Some(js_sys::Uint8Array::new(buffer).to_vec())
    } else {
        value.dyn_ref::<js_sys::Uint8Array>().map(|a| a.to_vec())
    };
    if let Some(bytes) = bytes {
        return match String::from_utf8(bytes) {
            Ok(text) => Value::String(text),
            Err(e) => Value::Array(e.into_bytes().into_iter().map(Value::from).collect()),
        };
    }
    if js_sys::Array::is_array(value) {
        let array: &js_sys::Array = value.unchecked_ref();
        return Value::Array(array.iter().map(|v| raw(&v, depth + 1)).collect());
    }
    let entries = js_sys::Object::entries(value.unchecked_ref());
    Value::Object(
        entries
            .iter()
            .filter_map(|entry| {
                let entry: js_sys::Array = entry.dyn_into().ok()?;
                Some((entry.get(0).as_string()?, raw(&entry.get(1), depth + 1)))
            })
            .collect(),
    )
}
