//! How a record is kept: a [`Row`] holds its file form as compact JSON
//! (`exchange::record_json`), plus the few fields the indexes look up. IndexedDB gets the text as
//! UTF-8 bytes (a `Uint8Array`, [`Row::stored`]): writing 20,000 prototypes takes about a tenth
//! less time than as strings (`scripts/bench-store.sh`); rows written as strings by earlier
//! versions, and the rows kept in undo snapshots, are still read.

use crate::exchange::record_json;
use crate::model::{Centre, Prototype, Rating, Record};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One stored record: its file form, plus what the indexes look up. Written to IndexedDB as
/// [`Row::stored`]; `Serialize` gives the form kept in undo snapshots (JSON text).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Row {
    #[serde(deserialize_with = "text_or_utf8")]
    pub(super) json: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    theme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    centre: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    prototype: Option<String>,
}

/// A row as IndexedDB keeps it: the same fields, the record's text as bytes.
#[derive(Serialize)]
pub(super) struct StoredRow<'a> {
    json: Utf8<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    theme: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    centre: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prototype: Option<&'a str>,
}

/// Text serialised as its UTF-8 bytes (a `Uint8Array` in IndexedDB).
struct Utf8<'a>(&'a str);

impl Serialize for Utf8<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0.as_bytes())
    }
}

/// A row's text, stored as UTF-8 bytes, or as a string by versions before bytes (and in undo
/// snapshots).
fn text_or_utf8<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    struct Text;
    impl serde::de::Visitor<'_> for Text {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("the text of a record, as a string or UTF-8 bytes")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> std::result::Result<String, E> {
            Ok(v)
        }
        fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> std::result::Result<String, E> {
            self.visit_byte_buf(v.to_vec())
        }
        fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> std::result::Result<String, E> {
            String::from_utf8(v)
                .map_err(|e| E::invalid_value(serde::de::Unexpected::Bytes(e.as_bytes()), &self))
        }
    }
    d.deserialize_any(Text)
}

impl Row {
    /// The row of record `id`: its file form, and the indexed fields `fields` takes from its
    /// current body (none when it is deleted).
    pub(super) fn of<T: Serialize>(id: &str, record: &Record<T>, fields: Fields<T>) -> Row {
        let mut row = Row {
            json: record_json(id, record),
            ..Row::default()
        };
        if let Some(body) = record.current() {
            fields(body, &mut row);
        }
        row
    }

    pub(super) fn stored(&self) -> StoredRow<'_> {
        StoredRow {
            json: Utf8(&self.json),
            theme: self.theme.as_deref(),
            centre: self.centre.as_deref(),
            parent: self.parent.as_deref(),
            prototype: self.prototype.as_deref(),
        }
    }

    /// A 64-bit hash of every field, to recognise this exact row later. Eight bytes a step
    /// (FxHash's mix): rows of a national import add up to tens of megabytes.
    pub(super) fn fingerprint(&self) -> String {
        fn mix(hash: u64, word: u64) -> u64 {
            (hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
        }
        let mut hash = 0u64;
        let fields = [&self.theme, &self.centre, &self.parent, &self.prototype];
        let parts =
            std::iter::once(Some(self.json.as_str())).chain(fields.iter().map(|f| f.as_deref()));
        for part in parts {
            // Each field's length (or absence) goes in too, so bytes cannot move between fields.
            let Some(part) = part else {
                hash = mix(hash, u64::MAX);
                continue;
            };
            hash = mix(hash, part.len() as u64);
            let mut chunks = part.as_bytes().chunks_exact(8);
            for chunk in &mut chunks {
                hash = mix(hash, u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
            }
            let mut last = [0u8; 8];
            last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
            hash = mix(hash, u64::from_le_bytes(last));
        }
        format!("{hash:016x}")
    }
}

/// Sets a row's indexed fields from its record's body.
pub(super) type Fields<T> = fn(&T, &mut Row);

pub(super) fn centre_fields(_: &Centre, _: &mut Row) {}

pub(super) fn prototype_fields(p: &Prototype, row: &mut Row) {
    row.theme = Some(p.theme.slug().to_owned());
    row.centre = Some(p.centre.clone());
    row.parent = p.forked_from.as_ref().map(|f| f.prototype.clone());
}

pub(super) fn rating_fields(r: &Rating, row: &mut Row) {
    row.prototype = Some(r.prototype.clone());
    row.centre = Some(r.centre.clone());
}
