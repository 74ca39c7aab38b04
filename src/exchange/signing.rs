//! What an author signs: the exact bytes of one version of one record, stated in
//! `docs/format.md` so that another implementation can check a signature.
//!
//! The signed message is
//! `prototheque-signature-1` LF `<list>` LF `<record id>` LF `<the version's canonical JSON>`,
//! where `<list>` is the file's list the record belongs to (`centres`, `prototypes` or
//! `evaluations`). Naming the list and the record binds the signature to them: a centre's signed
//! deletion of one prototype cannot be replayed as the deletion of another.
//!
//! The canonical JSON is the version as Prototèque writes it in a file (every field the format
//! knows with its default filled in, unknown fields as they were read; without `id`, `conflits`,
//! `versions_remplacees` and `signature`), compact, with the keys of every object sorted by
//! their UTF-8 bytes. Sorting makes the bytes the same whichever fields a reader knows: a field a
//! newer Prototèque adds is, to an older one, an unknown field kept as it was, and both sort it
//! to the same place.

use super::json::{self, Value};
use super::preview::EntityKind;
use super::wire::WireVersion;
use crate::model::{prototype_owner, rating_owner, Catalogue, Record, Signature, Version};
use serde::Serialize;
use std::collections::BTreeMap;

/// The first line of every signed message: what it is and which rules made it.
pub const CONTEXT: &str = "prototheque-signature-1";

/// The file's list a record of `kind` belongs to.
pub fn list_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Centre => "centres",
        EntityKind::Prototype => "prototypes",
        EntityKind::Rating => "evaluations",
    }
}

/// The bytes the author of `version` signs (see the module documentation).
pub fn message<T: Serialize>(kind: EntityKind, id: &str, version: &Version<T>) -> Vec<u8> {
    let written = serde_json::to_vec(&WireVersion::of(version))
        .expect("serialising in-memory data to a Vec cannot fail");
    let tree = json::parse(&written).expect("what serde_json wrote parses back");
    let mut out = Vec::with_capacity(written.len() + CONTEXT.len() + id.len() + 16);
    for line in [CONTEXT, list_name(kind), id] {
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    canonical(&tree, &mut out);
    out
}

/// `value` as compact JSON with sorted keys (see [`canonical`]).
pub(super) fn canonical_bytes(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    canonical(value, &mut out);
    out
}

/// `value` as compact JSON with sorted keys. Strings are escaped as serde_json escapes them
/// (`"` and `\` and control characters only; everything else as UTF-8); numbers as written.
fn canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Value::Float(text) => out.extend_from_slice(text.as_bytes()),
        Value::String(text) => string(text, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut fields: Vec<(&str, &Value)> = map.fields().collect();
            fields.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (key, item)) in fields.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                string(key, out);
                out.push(b':');
                canonical(item, out);
            }
            out.push(b'}');
        }
    }
}

fn string(text: &str, out: &mut Vec<u8>) {
    serde_json::to_writer(&mut *out, text).expect("writing to a Vec cannot fail");
}

/// `version` with `signature` over [`message`] made with `key` (both as raw bytes).
pub fn attach<T>(version: &mut Version<T>, key: &[u8], signature: &[u8]) {
    version.signature = Some(Signature {
        key: super::b64::encode(key),
        value: super::b64::encode(signature),
    });
}

/// A version of `catalogue` to sign: which record, which of its versions, and the bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToSign {
    pub kind: EntityKind,
    pub id: String,
    pub head: usize,
    pub message: Vec<u8>,
}

/// The versions `centre` wrote of its own records and did not sign: what a centre's first key
/// signs (its own work, written before keys existed), and what a device re-signs when another
/// device's key is revoked (`resign`: the versions signed with one of those keys).
pub fn to_sign(catalogue: &Catalogue, centre: &str, resign: &[String]) -> Vec<ToSign> {
    fn of<T: Serialize>(
        kind: EntityKind,
        records: &BTreeMap<String, Record<T>>,
        wanted: impl Fn(&str, &Record<T>) -> bool,
        centre: &str,
        resign: &[String],
        out: &mut Vec<ToSign>,
    ) {
        for (id, record) in records {
            if !wanted(id, record) {
                continue;
            }
            for (head, version) in record.heads.iter().enumerate() {
                let unsigned = version
                    .signature
                    .as_ref()
                    .is_none_or(|s| resign.contains(&s.key));
                if version.author == centre && unsigned {
                    out.push(ToSign {
                        kind,
                        id: id.clone(),
                        head,
                        message: message(kind, id, version),
                    });
                }
            }
        }
    }
    let mut out = Vec::new();
    of(
        EntityKind::Centre,
        &catalogue.centres,
        |id, _| id == centre,
        centre,
        resign,
        &mut out,
    );
    of(
        EntityKind::Prototype,
        &catalogue.prototypes,
        |_, r| prototype_owner(r) == centre,
        centre,
        resign,
        &mut out,
    );
    of(
        EntityKind::Rating,
        &catalogue.ratings,
        |id, _| rating_owner(id) == centre,
        centre,
        resign,
        &mut out,
    );
    out
}

/// Puts a signature (raw key and signature bytes) on the version [`ToSign`] named.
pub fn sign_in(catalogue: &mut Catalogue, what: &ToSign, key: &[u8], signature: &[u8]) {
    fn on<T>(records: &mut BTreeMap<String, Record<T>>, what: &ToSign, key: &[u8], sig: &[u8]) {
        if let Some(version) = records
            .get_mut(&what.id)
            .and_then(|r| r.heads.get_mut(what.head))
        {
            attach(version, key, sig);
        }
    }
    match what.kind {
        EntityKind::Centre => on(&mut catalogue.centres, what, key, signature),
        EntityKind::Prototype => on(&mut catalogue.prototypes, what, key, signature),
        EntityKind::Rating => on(&mut catalogue.ratings, what, key, signature),
    }
}

/// A short code a person can read over the phone to check a key: its first 60 bits in
/// Crockford's base 32 (no I, L, O, U: nothing to mistake), three groups of four
/// (`K7M2-QX9A-3BTD`). Ed25519 public keys are uniformly spread, so matching a given code takes
/// about 2^60 key generations. `None` if `key` is not a base64url key.
pub fn fingerprint(key: &str) -> Option<String> {
    const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bytes = super::b64::decode(key)?;
    let first: [u8; 8] = bytes.get(..8)?.try_into().ok()?;
    let bits = u64::from_be_bytes(first);
    let mut code = String::with_capacity(14);
    for i in 0..12 {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        code.push(CROCKFORD[(bits >> (59 - 5 * i) & 31) as usize] as char);
    }
    Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Centre, Unknown};

    fn centre_version() -> Version<Centre> {
        Version {
            revision: 2,
            author: "echo".into(),
            at: "2026-05-01T10:00:00Z".into(),
            body: Some(Centre {
                name: "L'Écho \"centre\"".into(),
                territory: "Versant Nord-Est".into(),
                commune: "Roubaix".into(),
                tiers_lieu: String::new(),
                keys: vec!["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into()],
                revoked: Vec::new(),
            }),
            extra: [("zz".to_string(), Unknown::Number("1.50".into()))].into(),
            signature: None,
        }
    }

    #[test]
    fn the_message_is_stated_exactly() {
        let message = message(EntityKind::Centre, "echo", &centre_version());
        assert_eq!(
            String::from_utf8(message).unwrap(),
            "prototheque-signature-1\ncentres\necho\n{\"cles\":[\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"],\
             \"commune\":\"Roubaix\",\"modifie_le\":\"2026-05-01T10:00:00Z\",\"modifie_par\":\"echo\",\
             \"nom\":\"L'Écho \\\"centre\\\"\",\"revision\":2,\"territoire\":\"Versant Nord-Est\",\
             \"tiers_lieu\":\"\",\"zz\":1.50}"
        );
    }

    #[test]
    fn the_signature_is_not_part_of_what_is_signed() {
        let mut signed = centre_version();
        attach(&mut signed, &[7; 32], &[9; 64]);
        assert_eq!(
            message(EntityKind::Centre, "echo", &signed),
            message(EntityKind::Centre, "echo", &centre_version())
        );
        assert_ne!(
            message(EntityKind::Centre, "echo", &signed),
            message(EntityKind::Centre, "echo-2", &signed),
            "the record id is signed"
        );
    }

    #[test]
    fn fingerprints_are_three_groups_of_four() {
        let key = super::super::b64::encode(&[0xff; 32]);
        assert_eq!(fingerprint(&key).unwrap(), "ZZZZ-ZZZZ-ZZZZ");
        let key = super::super::b64::encode(&[0; 32]);
        assert_eq!(fingerprint(&key).unwrap(), "0000-0000-0000");
        assert_eq!(fingerprint("pas une clé"), None);
    }
}
