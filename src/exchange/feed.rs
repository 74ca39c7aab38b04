//! Catalogue feeds: a catalogue file that a centre (or a regional hub) puts on any static host
//! under a stable name, and that other browsers fetch again and again over plain HTTP.
//!
//! A feed is an ordinary catalogue file with one more top-level field, `flux`: who publishes it
//! (`editeur`, a centre id or a hub's id, with `nature` « centre » or « relais »), a `sequence`
//! that grows with every publication, the date, and the publisher's signature over those fields
//! (`prototheque-flux-1` LF, then the `flux` object without its `signature` as canonical JSON,
//! as a version's). Each version inside keeps its own author's signature, so whoever hosts or
//! mirrors the file needs no trust: the header only says *who published this, and how recent it
//! is*, which gives the two checks a subscriber makes before anything else ([`judge`]): the key
//! is the one pinned at subscription (or a key the publisher's own signed record lists), and the
//! sequence is higher than the last one seen (rollback protection). The content then goes
//! through the same door, admission and merge as a file.

use super::json::{self, Value};
use super::signing::canonical_bytes;
use crate::model::{Catalogue, Signature};
use serde::Serialize;
use std::collections::BTreeSet;

/// The first line of a feed header's signed message.
pub const FEED_CONTEXT: &str = "prototheque-flux-1";

/// Who publishes a feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum FeedKind {
    /// A centre's own feed: its records, its reports and what it adapted from.
    #[serde(rename = "centre")]
    Centre,
    /// A hub (« relais ») merging many centres' feeds for a region or the country.
    #[serde(rename = "relais")]
    Hub,
}

impl FeedKind {
    pub fn key(self) -> &'static str {
        match self {
            FeedKind::Centre => "centre",
            FeedKind::Hub => "relais",
        }
    }

    pub fn of_key(key: &str) -> Option<Self> {
        match key {
            "centre" => Some(FeedKind::Centre),
            "relais" => Some(FeedKind::Hub),
            _ => None,
        }
    }
}

/// A feed's `flux` field, as read by the door or about to be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedHeader {
    /// `editeur`: the publishing centre's id, or the hub's id.
    pub publisher: String,
    /// `nom`: the publisher's name, for people.
    pub name: String,
    /// `nature`.
    pub kind: FeedKind,
    /// Grows with every publication (see [`next_sequence`]).
    pub sequence: u64,
    /// `publie_le`, `YYYY-MM-DDTHH:MM:SSZ`.
    pub published: String,
    /// `None` only while being written, before signing.
    pub signature: Option<Signature>,
    /// The signed bytes. Filled by the door from the header as written in the file (unknown
    /// fields included); for a header being written, [`FeedHeader::message`] computes them.
    pub message: Vec<u8>,
}

#[derive(Serialize)]
struct WireHeader<'a> {
    editeur: &'a str,
    nom: &'a str,
    nature: FeedKind,
    sequence: u64,
    publie_le: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature: Option<&'a Signature>,
}

impl FeedHeader {
    /// An unsigned header; sign [`FeedHeader::message`] and put the result in `signature`.
    pub fn new(
        publisher: &str,
        name: &str,
        kind: FeedKind,
        sequence: u64,
        published: &str,
    ) -> Self {
        let mut header = FeedHeader {
            publisher: publisher.to_owned(),
            name: name.to_owned(),
            kind,
            sequence,
            published: published.to_owned(),
            signature: None,
            message: Vec::new(),
        };
        header.message = signed_message(&header.wire(false));
        header
    }

    fn wire(&self, with_signature: bool) -> WireHeader<'_> {
        WireHeader {
            editeur: &self.publisher,
            nom: &self.name,
            nature: self.kind,
            sequence: self.sequence,
            publie_le: &self.published,
            signature: self.signature.as_ref().filter(|_| with_signature),
        }
    }

    /// The bytes the publisher signs.
    pub fn message(&self) -> &[u8] {
        &self.message
    }

    /// The key the header says signed it.
    pub fn key(&self) -> Option<&str> {
        self.signature.as_ref().map(|s| s.key.as_str())
    }

    /// The raw key and signature bytes, for the verifier (WebCrypto in the browser,
    /// `native_crypto` in tools); `None` when unsigned or not base64url.
    pub fn signature_bytes(&self) -> Option<(Vec<u8>, Vec<u8>)> {
        let signature = self.signature.as_ref()?;
        Some((
            super::b64::decode(&signature.key)?,
            super::b64::decode(&signature.value)?,
        ))
    }

    /// Puts the publisher's signature over [`FeedHeader::message`] in (raw bytes).
    pub fn attach(&mut self, key: &[u8], signature: &[u8]) {
        self.signature = Some(Signature {
            key: super::b64::encode(key),
            value: super::b64::encode(signature),
        });
    }

    /// The header as it stands in the file.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.wire(true)).expect("a header serialises")
    }
}

/// [`FEED_CONTEXT`], a line feed, and the canonical JSON of `header`.
fn signed_message(header: &impl Serialize) -> Vec<u8> {
    let written = serde_json::to_vec(header).expect("a header serialises");
    let tree = json::parse(&written).expect("what serde_json wrote parses back");
    message_of(&tree)
}

/// The signed message of a `flux` object as read (its `signature` left out).
pub(super) fn message_of(flux: &Value) -> Vec<u8> {
    let body = match flux {
        Value::Object(map) => {
            let mut map = map.clone();
            map.remove("signature");
            canonical_bytes(&Value::Object(map))
        }
        other => canonical_bytes(other),
    };
    [FEED_CONTEXT.as_bytes(), b"\n", &body].concat()
}

/// The sequence of the next publication: one more than the last one this device published, and
/// at least the current time in seconds since 1970, so that two devices of one centre (or a
/// browser whose storage was cleared) still publish increasing numbers while their clocks are
/// roughly right.
pub fn next_sequence(last_published: Option<u64>, now_unix_seconds: u64) -> u64 {
    last_published
        .map_or(0, |last| last.saturating_add(1))
        .max(now_unix_seconds)
        .min(super::MAX_REVISION)
}

/// What a subscription remembers of the feed it last applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pinned {
    pub publisher: String,
    /// The key that signed it (pinned at the first fetch, or given by the network's directory).
    pub key: String,
    /// The highest sequence seen; `0` before the first fetch.
    pub sequence: u64,
}

/// What a subscriber does with a feed whose header signature is valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Judgement {
    /// Newer than what was seen: its content goes through the door's admission and the merge.
    /// `new_key` is set when the key differs from the pinned one but the publisher's own signed
    /// centre record lists it (a device added or replaced): the pin follows.
    Fresh { new_key: Option<String> },
    /// The same sequence as last time: nothing to do.
    Unchanged,
    /// Older than what was seen (a stale mirror, or a replay): nothing is applied.
    Older { seen: u64, got: u64 },
    /// The address now serves another publisher's feed.
    OtherPublisher { expected: String, got: String },
    /// Signed by a key that is neither the pinned one nor one its centre lists: refused.
    OtherKey { pinned: String, got: String },
}

/// Judges a feed's header against what the subscription pinned. The header's signature must
/// already be checked (with WebCrypto in the browser). `listed_keys` are the keys the stored
/// catalogue's verified record of the publishing centre lists (`Keyring`), or the network's list
/// gives it; for a hub, none.
pub fn judge(header: &FeedHeader, pin: Option<&Pinned>, listed_keys: &[String]) -> Judgement {
    let Some(key) = header.key() else {
        return Judgement::OtherKey {
            pinned: pin.map(|p| p.key.clone()).unwrap_or_default(),
            got: String::new(),
        };
    };
    let Some(pin) = pin else {
        return Judgement::Fresh { new_key: None };
    };
    if pin.publisher != header.publisher {
        return Judgement::OtherPublisher {
            expected: pin.publisher.clone(),
            got: header.publisher.clone(),
        };
    }
    let new_key = if pin.key.is_empty() || pin.key == key {
        None
    } else if header.kind == FeedKind::Centre && listed_keys.iter().any(|k| k == key) {
        Some(key.to_owned())
    } else {
        return Judgement::OtherKey {
            pinned: pin.key.clone(),
            got: key.to_owned(),
        };
    };
    if header.sequence < pin.sequence {
        Judgement::Older {
            seen: pin.sequence,
            got: header.sequence,
        }
    } else if header.sequence == pin.sequence && new_key.is_none() {
        Judgement::Unchanged
    } else {
        Judgement::Fresh { new_key }
    }
}

/// What a centre's feed holds: its centre record, its prototypes and the prototypes they adapt
/// from, its reports and the prototypes they are about, and the centres of all those prototypes,
/// so that every reference resolves inside the file.
pub fn centre_feed(catalogue: &Catalogue, centre: &str) -> Catalogue {
    let mut out = Catalogue::default();
    let mut prototypes = BTreeSet::new();
    for (id, record) in &catalogue.prototypes {
        let bodies = || record.heads.iter().filter_map(|v| v.body.as_ref());
        if record.heads.iter().any(|v| v.author == centre) || bodies().any(|p| p.centre == centre) {
            prototypes.insert(id.clone());
            prototypes.extend(
                bodies().filter_map(|p| p.forked_from.as_ref().map(|f| f.prototype.clone())),
            );
        }
    }
    for (id, record) in &catalogue.ratings {
        if record
            .heads
            .iter()
            .filter_map(|v| v.body.as_ref())
            .any(|r| r.centre == centre)
        {
            prototypes.extend(
                record
                    .heads
                    .iter()
                    .filter_map(|v| v.body.as_ref())
                    .map(|r| r.prototype.clone()),
            );
            out.ratings.insert(id.clone(), record.clone());
        }
    }
    let mut centres = BTreeSet::from([centre.to_owned()]);
    for id in prototypes {
        if let Some(record) = catalogue.prototypes.get(&id) {
            centres.extend(
                record
                    .heads
                    .iter()
                    .filter_map(|v| v.body.as_ref())
                    .map(|p| p.centre.clone()),
            );
            out.prototypes.insert(id, record.clone());
        }
    }
    // A report's versions in conflict may name other centres.
    for record in out.ratings.values() {
        centres.extend(
            record
                .heads
                .iter()
                .filter_map(|v| v.body.as_ref())
                .map(|r| r.centre.clone()),
        );
    }
    for id in centres {
        if let Some(record) = catalogue.centres.get(&id) {
            out.centres.insert(id, record.clone());
        }
    }
    out
}

/// Longest feed address accepted.
pub const MAX_FEED_URL: usize = 2_000;

/// Checks a feed's address as a person typed it (or a directory gives it, once resolved):
/// `https://`, or `http://` for this machine only (`localhost`, `127.0.0.1`, `[::1]`: tests and
/// a hub on the same computer), since a page served over HTTPS may not read plain HTTP. The
/// address comes back trimmed; the error is the French message to show.
pub fn feed_address(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Indiquez l'adresse du flux (elle commence par https://).".into());
    }
    if text.len() > MAX_FEED_URL
        || text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'))
    {
        return Err(
            "Cette adresse n'est pas valide : vérifiez qu'elle a été copiée en entier, \
                    sans espace."
                .into(),
        );
    }
    let lower = text.to_ascii_lowercase();
    let (scheme, rest) = match lower.split_once("://") {
        Some((scheme, rest)) => (scheme, rest),
        None => {
            return Err(
                "L'adresse du flux doit commencer par https:// (par exemple \
                        https://mon-centre.fr/prototheque-flux-mon-centre.json)."
                    .into(),
            )
        }
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.rsplit_once('@') {
        Some(_) => {
            return Err(
                "L'adresse du flux ne doit pas contenir d'identifiant ni de mot de passe.".into(),
            )
        }
        None => authority,
    };
    let hostname = if host.starts_with('[') {
        host.split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or("").to_owned()
    };
    if hostname.is_empty() {
        return Err("Il manque le nom du site dans l'adresse du flux.".into());
    }
    let loopback = matches!(hostname.as_str(), "localhost" | "127.0.0.1" | "[::1]");
    match scheme {
        "https" => Ok(text.to_owned()),
        "http" if loopback => Ok(text.to_owned()),
        "http" => Err(
            "Cette adresse commence par http:// : Prototèque ne lit que les flux \
                       en https:// (le site doit avoir un certificat). Essayez la même adresse \
                       avec https://."
                .into(),
        ),
        _ => Err("L'adresse du flux doit commencer par https://.".into()),
    }
}

/// Whether a directory's `flux` entry is acceptable: an address [`feed_address`] accepts, or a
/// path relative to the directory's own address (`flux/echo.json`: no scheme, not `//host`).
pub fn feed_reference_ok(text: &str) -> bool {
    if text.contains("://") {
        return feed_address(text).is_ok_and(|t| t == text);
    }
    !text.is_empty()
        && text.len() <= MAX_FEED_URL
        && !text.starts_with("//")
        && !text.starts_with('/')
        && !text
            .split(['/', '?', '#'])
            .next()
            .unwrap_or("")
            .contains(':')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '~'))
        && !text.split('/').any(|part| part == "..")
}
