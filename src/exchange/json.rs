//! The JSON tree the door checks: like `serde_json::Value`, but text without escapes is borrowed
//! from the file instead of copied, an object is a plain list of its fields, and a number that is
//! not an integer keeps its text (so that unknown fields are written back exactly). A national
//! catalogue holds millions of strings and objects; not allocating each one is most of what makes
//! reading it fast. Parsing (and its error messages) is still serde_json's.
//!
//! **Bounded memory.** The tree of a value costs about 32 bytes per value, which can be 16 times
//! the text (`[0,0,0,…]`). So the door parses a file by *units* — each entry of the three lists,
//! and each other top-level field — and a unit may hold at most [`MAX_VALUES`] values, nested at
//! most [`MAX_DEPTH`] deep: far above what a valid record holds (a prototype with 100 conflicting
//! versions, every list full, has about 200,000), and what keeps reading a file within a small
//! multiple of its size, since entries are read one at a time. A unit past a bound stops the
//! parse at once, with its line and column, before anything larger is built.

use crate::model::Unknown;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

/// Most values (scalars, lists and objects, each counting one) in one unit of a file.
pub(super) const MAX_VALUES: usize = 1_000_000;
/// Deepest nesting of lists and objects in one unit of a file.
pub(super) const MAX_DEPTH: usize = 32;

/// Top-level lists whose entries are units of their own.
const LISTS: [&str; 3] = super::scan::LISTS;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Value<'a> {
    Null,
    Bool(bool),
    /// An integer (within `i64` or `u64`).
    Number(serde_json::Number),
    /// Any other number, as written (`1.5`, `1e3`, `123456789012345678901234`).
    Float(Cow<'a, str>),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    Object(Map<'a>),
}

/// An object's fields in file order. A repeated key counts once, with its last value (as
/// `serde_json::Value` does).
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Map<'a>(Vec<(Cow<'a, str>, Value<'a>)>);

impl<'a> Map<'a> {
    pub fn new() -> Self {
        Map(Vec::new())
    }

    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.find(key).map(|(_, v)| v)
    }

    /// The value of `key` (the last one, the one that counts) and its place among the fields.
    pub fn find(&self, key: &str) -> Option<(usize, &Value<'a>)> {
        let mut fields = self.0.iter().enumerate().rev();
        fields
            .find(|(_, (k, _))| k == key)
            .map(|(i, (_, v))| (i, v))
    }

    /// The key of field `i` (in file order, repeats included).
    pub fn key_at(&self, i: usize) -> &str {
        &self.0[i].0
    }

    pub fn insert(&mut self, key: impl Into<Cow<'a, str>>, value: Value<'a>) {
        self.0.push((key.into(), value));
    }

    /// Takes the value of `key` out (the last one, the one that counts).
    pub fn remove(&mut self, key: &str) -> Option<Value<'a>> {
        let mut last = None;
        self.0.retain_mut(|(k, v)| {
            if k == key {
                last = Some(std::mem::replace(v, Value::Null));
                false
            } else {
                true
            }
        });
        last
    }

    /// Every field in file order, repeats included: collect into a map to keep the last.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &Value<'a>)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

impl<'a> Value<'a> {
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        match self {
            Value::Object(map) => map.get(key),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_) | Value::Float(_))
    }

    /// The same value to keep (unknown fields), numbers as written; an object keeps the last
    /// value of a repeated key.
    pub fn to_unknown(&self) -> Unknown {
        match self {
            Value::Null => Unknown::Null,
            Value::Bool(b) => Unknown::Bool(*b),
            Value::Number(n) => Unknown::Number(n.to_string().into()),
            Value::Float(text) => Unknown::Number(text.as_ref().into()),
            Value::String(s) => Unknown::String(s.to_string()),
            Value::Array(items) => Unknown::Array(items.iter().map(Value::to_unknown).collect()),
            Value::Object(map) => Unknown::Object(
                map.fields()
                    .map(|(k, v)| (k.to_owned(), v.to_unknown()))
                    .collect(),
            ),
        }
    }

    /// Gives each [`Value::Float`] its text: `numbers` are the number literals of the text this
    /// value was parsed from, in order (the tree holds its values in file order).
    fn fill_floats(&mut self, numbers: &mut impl Iterator<Item = &'a str>) {
        match self {
            Value::Number(_) => {
                numbers.next();
            }
            Value::Float(text) => {
                if let Some(literal) = numbers.next() {
                    *text = Cow::Borrowed(literal);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| v.fill_floats(numbers)),
            Value::Object(map) => map.0.iter_mut().for_each(|(_, v)| v.fill_floats(numbers)),
            Value::Null | Value::Bool(_) | Value::String(_) => {}
        }
    }
}

/// Parses one unit (an entry, a top-level field's value, a stored record) into its tree, within
/// the bounds of the module doc.
pub(super) fn parse(text: &[u8]) -> Result<Value<'_>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(text);
    let unit = Unit::new(true);
    let mut value = Seed(&unit).deserialize(&mut de)?;
    de.end()?;
    if unit.floats.get() {
        value.fill_floats(&mut number_literals(text));
    }
    Ok(value)
}

/// Parses a whole file: each entry of the three lists and each other top-level value is a unit
/// of its own, as when they are parsed one by one. The file is checked first without building
/// anything, so that a broken or oversized file costs no memory.
pub(super) fn parse_document(text: &[u8]) -> Result<Value<'_>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(text);
    Root { build: false }.deserialize(&mut de)?;
    de.end()?;
    let mut de = serde_json::Deserializer::from_slice(text);
    let mut value = Root { build: true }.deserialize(&mut de)?;
    de.end()?;
    value.fill_floats(&mut number_literals(text));
    Ok(value)
}

/// The French message for a parse stopped by a bound of the module doc, if `e` is one.
pub(super) fn bound_message(e: &serde_json::Error) -> Option<String> {
    let text = e.to_string();
    let place = format!("ligne {}, colonne {}", e.line(), e.column());
    if text.starts_with(TOO_DEEP) {
        Some(format!(
            "Le fichier contient des données imbriquées trop profondément ({place} ; au plus \
             {MAX_DEPTH} niveaux de listes et d'objets dans un enregistrement)."
        ))
    } else if text.starts_with(TOO_MANY) {
        Some(format!(
            "Le fichier contient un enregistrement trop volumineux ({place} ; au plus \
             1 000 000 valeurs dans un enregistrement)."
        ))
    } else {
        None
    }
}

const TOO_DEEP: &str = "prototheque: too deep";
const TOO_MANY: &str = "prototheque: too many values";

/// The number literals of a JSON text, in order (strings, keys included, are skipped).
fn number_literals(text: &[u8]) -> impl Iterator<Item = &str> {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < text.len() {
            match text[i] {
                b'"' => {
                    i += 1;
                    while i < text.len() && text[i] != b'"' {
                        i += if text[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
                b'-' | b'0'..=b'9' => {
                    let start = i;
                    while i < text.len()
                        && matches!(text[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                    {
                        i += 1;
                    }
                    // ASCII only, as the parse that came first checked.
                    return std::str::from_utf8(&text[start..i]).ok();
                }
                _ => i += 1,
            }
        }
        None
    })
}

/// What one unit has used of its bounds.
struct Unit {
    values: Cell<usize>,
    depth: Cell<usize>,
    /// A [`Value::Float`] was read: its text is to be filled in.
    floats: Cell<bool>,
    /// `false`: only check (what is read is not kept).
    build: bool,
}

impl Unit {
    fn new(build: bool) -> Self {
        Unit {
            values: Cell::new(0),
            depth: Cell::new(0),
            floats: Cell::new(false),
            build,
        }
    }

    fn count<E: de::Error>(&self) -> Result<(), E> {
        let n = self.values.get() + 1;
        self.values.set(n);
        if n > MAX_VALUES {
            return Err(E::custom(TOO_MANY));
        }
        Ok(())
    }

    fn enter<E: de::Error>(&self) -> Result<(), E> {
        self.count()?;
        let d = self.depth.get() + 1;
        self.depth.set(d);
        if d > MAX_DEPTH {
            return Err(E::custom(TOO_DEEP));
        }
        Ok(())
    }

    fn leave(&self) {
        self.depth.set(self.depth.get() - 1);
    }
}

/// Reads a value of a unit.
struct Seed<'u>(&'u Unit);

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value<'de>, D::Error> {
        d.deserialize_any(ValueVisitor(self.0))
    }
}

struct ValueVisitor<'u>(&'u Unit);

impl<'de> Visitor<'de> for ValueVisitor<'_> {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value<'de>, E> {
        self.0.count()?;
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value<'de>, E> {
        self.0.count()?;
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value<'de>, E> {
        self.0.count()?;
        Ok(Value::Number(n.into()))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Value<'de>, E> {
        self.0.count()?;
        self.0.floats.set(true);
        // Its text, as written, is put in once the unit is parsed (`fill_floats`).
        Ok(Value::Float(Cow::Borrowed("")))
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Value<'de>, E> {
        self.0.count()?;
        Ok(Value::String(Cow::Borrowed(s)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value<'de>, E> {
        self.0.count()?;
        if !self.0.build {
            return Ok(Value::Null);
        }
        Ok(Value::String(Cow::Owned(s.to_owned())))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Value<'de>, E> {
        self.0.count()?;
        Ok(Value::String(Cow::Owned(s)))
    }

    fn visit_none<E: de::Error>(self) -> Result<Value<'de>, E> {
        self.0.count()?;
        Ok(Value::Null)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value<'de>, E> {
        self.0.count()?;
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'de>, A::Error> {
        let unit = self.0;
        unit.enter()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Seed(unit))? {
            if unit.build {
                items.push(item);
            }
        }
        unit.leave();
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'de>, A::Error> {
        let unit = self.0;
        unit.enter()?;
        let mut fields = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value = map.next_value_seed(Seed(unit))?;
            if unit.build {
                fields.push((key, value));
            }
        }
        unit.leave();
        Ok(Value::Object(Map(fields)))
    }
}

/// A whole file's root, or one of its lists (`list`): the root's values are units, and so are
/// the entries of its lists.
struct Root {
    build: bool,
}

/// One of the root's lists, whose entries are units.
struct List {
    build: bool,
}

impl<'de> DeserializeSeed<'de> for Root {
    type Value = Value<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value<'de>, D::Error> {
        // Anything but an object is one unit (and not a catalogue, as the door then says).
        d.deserialize_any(RootVisitor {
            build: self.build,
            list: false,
        })
    }
}

impl<'de> DeserializeSeed<'de> for List {
    type Value = Value<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value<'de>, D::Error> {
        d.deserialize_any(RootVisitor {
            build: self.build,
            list: true,
        })
    }
}

/// At the root (`list: false`) an object's values are units; in a list (`list: true`) its
/// entries are. Any other value is a unit of its own.
struct RootVisitor {
    build: bool,
    list: bool,
}

impl RootVisitor {
    fn unit(&self) -> Unit {
        Unit::new(self.build)
    }
}

impl<'de> Visitor<'de> for RootVisitor {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'de>, A::Error> {
        if self.list {
            return ValueVisitor(&self.unit()).visit_map(map);
        }
        let mut fields = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value = if LISTS.contains(&key.as_ref()) {
                map.next_value_seed(List { build: self.build })?
            } else {
                map.next_value_seed(Seed(&self.unit()))?
            };
            if self.build {
                fields.push((key, value));
            }
        }
        Ok(Value::Object(Map(fields)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'de>, A::Error> {
        if !self.list {
            return ValueVisitor(&self.unit()).visit_seq(seq);
        }
        let mut items = Vec::new();
        loop {
            let unit = self.unit();
            let Some(item) = seq.next_element_seed(Seed(&unit))? else {
                break;
            };
            if self.build {
                items.push(item);
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value<'de>, E> {
        ValueVisitor(&self.unit()).visit_bool(b)
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value<'de>, E> {
        ValueVisitor(&self.unit()).visit_i64(n)
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value<'de>, E> {
        ValueVisitor(&self.unit()).visit_u64(n)
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value<'de>, E> {
        ValueVisitor(&self.unit()).visit_f64(n)
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Value<'de>, E> {
        ValueVisitor(&self.unit()).visit_borrowed_str(s)
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value<'de>, E> {
        ValueVisitor(&self.unit()).visit_str(s)
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Value<'de>, E> {
        ValueVisitor(&self.unit()).visit_string(s)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value<'de>, E> {
        ValueVisitor(&self.unit()).visit_unit()
    }
}

/// Reads an object key, borrowing it when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(s))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(s))
    }
}
