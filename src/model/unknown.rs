//! A value the exchange door does not know, kept so that it is written back as it was read.

use serde::ser::{Error as _, Serialize, SerializeMap, Serializer};
use std::collections::BTreeMap;

/// A JSON value kept for a round trip. Like `serde_json::Value`, but a number keeps the text it
/// was written with, so that `12345678901234567890123` or `0.1000000000000000000001` comes back
/// exactly (a `serde_json::Value` would round both to the nearest `f64`). Objects are sorted by
/// key, a repeated key keeping its last value, as `serde_json::Value` does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unknown {
    Null,
    Bool(bool),
    /// The number's text, a valid JSON number (the door checked it).
    Number(Box<str>),
    String(String),
    Array(Vec<Unknown>),
    Object(BTreeMap<String, Unknown>),
}

impl Serialize for Unknown {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Unknown::Null => s.serialize_unit(),
            Unknown::Bool(b) => s.serialize_bool(*b),
            Unknown::Number(text) => {
                // Written as its text, verbatim (borrowed: no copy).
                let raw: &serde_json::value::RawValue =
                    serde_json::from_str(text).map_err(S::Error::custom)?;
                raw.serialize(s)
            }
            Unknown::String(text) => s.serialize_str(text),
            Unknown::Array(items) => s.collect_seq(items),
            Unknown::Object(fields) => {
                let mut map = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl From<serde_json::Value> for Unknown {
    /// For values built in code (tests, examples).
    fn from(value: serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Unknown::Null,
            serde_json::Value::Bool(b) => Unknown::Bool(b),
            serde_json::Value::Number(n) => Unknown::Number(n.to_string().into()),
            serde_json::Value::String(s) => Unknown::String(s),
            serde_json::Value::Array(items) => {
                Unknown::Array(items.into_iter().map(Unknown::from).collect())
            }
            serde_json::Value::Object(fields) => Unknown::Object(
                fields
                    .into_iter()
                    .map(|(k, v)| (k, Unknown::from(v)))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_back_as_they_were_written() {
        let value = Unknown::Array(vec![
            Unknown::Number("12345678901234567890123".into()),
            Unknown::Number("0.1000000000000000000001".into()),
            Unknown::Number("-1e400".into()),
        ]);
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            "[12345678901234567890123,0.1000000000000000000001,-1e400]"
        );
        assert!(serde_json::to_string_pretty(&value)
            .unwrap()
            .contains("\n  -1e400\n"));
    }
}
