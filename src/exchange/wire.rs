//! Serialisation of the exchange format. Keys in French; records sorted by id; every map sorted;
//! so the same catalogue always gives the same bytes.

use super::{Document, Limits, FORMAT_MAJOR, FORMAT_MINOR, FORMAT_NAME};
use crate::model::{Catalogue, Extra, Record, Signature, Version};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One version as it stands in a file: envelope, then content, then unknown fields.
#[derive(Serialize)]
pub(super) struct WireVersion<'a, T: Serialize> {
    revision: u64,
    modifie_par: &'a str,
    modifie_le: &'a str,
    #[serde(skip_serializing_if = "is_false")]
    supprime: bool,
    #[serde(flatten)]
    body: Option<&'a T>,
    #[serde(flatten)]
    extra: &'a Extra,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl<'a, T: Serialize> WireVersion<'a, T> {
    pub(super) fn of(version: &'a Version<T>) -> Self {
        WireVersion {
            revision: version.revision,
            modifie_par: &version.author,
            modifie_le: &version.at,
            supprime: version.body.is_none(),
            body: version.body.as_ref(),
            extra: &version.extra,
        }
    }
}

/// One version with its signature, if any: what a file carries. The signature is not part of
/// [`WireVersion`], which is what a version's id and its signed bytes are made from.
#[derive(Serialize)]
pub(super) struct WireSigned<'a, T: Serialize> {
    #[serde(flatten)]
    version: WireVersion<'a, T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature: Option<&'a Signature>,
}

impl<'a, T: Serialize> WireSigned<'a, T> {
    fn of(version: &'a Version<T>) -> Self {
        WireSigned {
            version: WireVersion::of(version),
            signature: version.signature.as_ref(),
        }
    }
}

/// A record as it stands in a file: the winning version's fields at top level, the losing
/// concurrent versions under `conflits`, known-replaced version ids under `versions_remplacees`.
#[derive(Serialize)]
struct WireRecord<'a, T: Serialize> {
    id: &'a str,
    #[serde(flatten)]
    winner: WireSigned<'a, T>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    conflits: Vec<WireSigned<'a, T>>,
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    versions_remplacees: &'a BTreeSet<String>,
}

struct Records<'a, T>(&'a BTreeMap<String, Record<T>>);

impl<T: Serialize> Serialize for Records<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|(id, record)| WireRecord {
            id,
            winner: WireSigned::of(record.winner()),
            conflits: record.conflicts().iter().map(WireSigned::of).collect(),
            versions_remplacees: &record.superseded,
        }))
    }
}

struct WireDocument<'a>(&'a Document);

impl Serialize for WireDocument<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let doc = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("format", FORMAT_NAME)?;
        map.serialize_entry("version", &format!("{FORMAT_MAJOR}.{FORMAT_MINOR}"))?;
        if let Some(by) = &doc.exported_by {
            map.serialize_entry("exporte_par", by)?;
        }
        if let Some(at) = &doc.exported_at {
            map.serialize_entry("exporte_le", at)?;
        }
        if let Some(feed) = &doc.feed {
            map.serialize_entry("flux", &feed.to_json())?;
        }
        let c: &Catalogue = &doc.catalogue;
        map.serialize_entry("centres", &Records(&c.centres))?;
        map.serialize_entry("prototypes", &Records(&c.prototypes))?;
        map.serialize_entry("evaluations", &Records(&c.ratings))?;
        for (key, value) in &doc.extra {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Exports a document as pretty-printed UTF-8 JSON bytes (2-space indent, final newline), or
/// compact (one line, final newline) when the pretty form would be larger than a file may be
/// ([`Limits::default`]'s `max_bytes`): what Prototèque writes, it reads.
/// Deterministic: the same document always gives byte-identical output.
pub fn export(doc: &Document) -> Vec<u8> {
    export_within(doc, &Limits::default())
}

/// [`export`], compact when the pretty form would be larger than `limits.max_bytes`.
pub fn export_within(doc: &Document, limits: &Limits) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"  ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    WireDocument(doc)
        .serialize(&mut ser)
        .expect("serialising in-memory data to a Vec cannot fail");
    out.push(b'\n');
    if out.len() > limits.max_bytes {
        out.clear();
        serde_json::to_writer(&mut out, &WireDocument(doc))
            .expect("serialising in-memory data to a Vec cannot fail");
        out.push(b'\n');
    }
    out
}

/// One record as compact JSON, exactly as it stands in a file's list: what the store keeps per
/// record, so that reading storage back goes through the same door as a file.
pub fn record_json<T: Serialize>(id: &str, record: &Record<T>) -> String {
    serde_json::to_string(&WireRecord {
        id,
        winner: WireSigned::of(record.winner()),
        conflits: record.conflicts().iter().map(WireSigned::of).collect(),
        versions_remplacees: &record.superseded,
    })
    .expect("serialising in-memory data to a String cannot fail")
}

/// Puts records written by [`record_json`] back into a document that [`super::read_document`]
/// reads.
pub fn assemble_document<'a>(
    centres: impl IntoIterator<Item = &'a str>,
    prototypes: impl IntoIterator<Item = &'a str>,
    ratings: impl IntoIterator<Item = &'a str>,
) -> String {
    let mut doc = Assembly::new(0);
    doc.next_list();
    centres.into_iter().for_each(|item| doc.push(item));
    doc.next_list();
    prototypes.into_iter().for_each(|item| doc.push(item));
    doc.next_list();
    ratings.into_iter().for_each(|item| doc.push(item));
    doc.finish()
}

/// The document the store reads back for `catalogue`: each record in its stored form
/// ([`record_json`]), put together by [`assemble_document`]. What the closure laws reload.
pub fn stored_document(catalogue: &Catalogue) -> String {
    fn rows<T: Serialize>(records: &BTreeMap<String, Record<T>>) -> Vec<String> {
        records.iter().map(|(id, r)| record_json(id, r)).collect()
    }
    let (c, p, r) = (
        rows(&catalogue.centres),
        rows(&catalogue.prototypes),
        rows(&catalogue.ratings),
    );
    assemble_document(
        c.iter().map(String::as_str),
        p.iter().map(String::as_str),
        r.iter().map(String::as_str),
    )
}

/// [`assemble_document`] a record at a time, for callers that pause in between: the lists come
/// in the file's order (centres, prototypes, reports), each begun by [`Assembly::next_list`].
pub struct Assembly {
    out: String,
    lists: usize,
    empty: bool,
}

impl Assembly {
    /// `bytes`: the records' total length, so that the document is allocated once.
    pub fn new(bytes: usize) -> Self {
        let mut out = String::with_capacity(bytes + 128);
        out.push_str(&format!(
            "{{\"format\":\"{FORMAT_NAME}\",\"version\":\"{FORMAT_MAJOR}.{FORMAT_MINOR}\""
        ));
        Assembly {
            out,
            lists: 0,
            empty: true,
        }
    }

    /// Closes the current list, if any, and begins the next one.
    pub fn next_list(&mut self) {
        const LISTS: [&str; 3] = ["centres", "prototypes", "evaluations"];
        if self.lists > 0 {
            self.out.push(']');
        }
        let key = LISTS[self.lists];
        self.out.push_str(&format!(",\"{key}\":["));
        self.lists += 1;
        self.empty = true;
    }

    /// Adds a record to the current list.
    pub fn push(&mut self, record: &str) {
        if !self.empty {
            self.out.push(',');
        }
        self.out.push_str(record);
        self.empty = false;
    }

    /// The document, once the three lists have been begun.
    pub fn finish(mut self) -> String {
        debug_assert_eq!(
            self.lists, 3,
            "every list is begun before the document is finished"
        );
        self.out.push_str("]}");
        self.out
    }
}
