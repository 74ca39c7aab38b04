//! The network's list of centres (`public/reseau.json`): which centres the programme names and
//! their keys, signed by the network's key ([`NETWORK_KEY`]), which the app carries. For the
//! centres it names, the list, not the first file met, says which keys are theirs; and what they
//! sign counts toward the label and the indicators (see `model::Counted`).

use super::fields::{Cx, Fields, Path};
use super::reading::json_error_message;
use super::values::{id, key_list, public_key, revision, signature_value, timestamp, title};
use crate::exchange::json::{self, Value};
use crate::exchange::signing::canonical_bytes;
use crate::exchange::{NetworkKeys, Problems};
use crate::model::Signature;
use std::collections::BTreeMap;

/// Value of the list's `format` field.
pub const NETWORK_FORMAT: &str = "prototheque-reseau";
/// The first line of the list's signed message (see [`NetworkList::message`]).
pub const NETWORK_CONTEXT: &str = "prototheque-reseau-1";
/// The network's public key (base64url), which the app carries: the one key that may sign the
/// list. `examples/sign_seed.rs` writes it; a real network puts its own here (see the README).
pub const NETWORK_KEY: &str = include_str!("../network_key.txt");
/// At most this many centres in a list: a country's.
const MAX_CENTRES: usize = 10_000;

/// The network's list, as read (its signature is checked by the caller, on [`Self::message`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkList {
    pub name: String,
    pub published: String,
    /// Grows with each list the network publishes: an older list never replaces a newer one.
    pub sequence: u64,
    /// The keys are illustrative (the demo's seed): nobody holds their private halves.
    pub illustrative: bool,
    /// Centre id → (name, keys).
    pub centres: BTreeMap<String, (String, Vec<String>)>,
    /// The network's directory of feeds: centre id → the address of its feed (`flux`), absolute
    /// or relative to the list's own address (see `exchange::feed::feed_reference_ok`).
    pub feeds: BTreeMap<String, String>,
    pub signature: Signature,
    /// The signed bytes: [`NETWORK_CONTEXT`], a line feed, then the list without its `signature`
    /// as canonical JSON (as a version's, see `exchange::signing`).
    pub message: Vec<u8>,
}

impl NetworkList {
    /// The keys for [`crate::exchange::admit`].
    pub fn keys(&self) -> NetworkKeys {
        NetworkKeys {
            centres: self
                .centres
                .iter()
                .map(|(id, (_, keys))| (id.clone(), keys.clone()))
                .collect(),
        }
    }

    /// Whether the list says it is signed by the network's key (the bytes are the caller's to
    /// check).
    pub fn signed_by_network(&self) -> bool {
        self.signature.key == NETWORK_KEY.trim()
    }
}

/// Reads the network's list; every problem, in French, with its place.
pub fn read_network(bytes: &[u8]) -> Result<NetworkList, Problems> {
    let mut problems = Problems::default();
    if bytes.len() > 16 * 1024 * 1024 {
        problems.push(
            String::new(),
            "La liste du réseau est trop volumineuse (au plus 16 Mo).".into(),
        );
        return Err(problems);
    }
    let mut value = match json::parse(bytes) {
        Ok(value) => value,
        Err(e) => {
            problems.push(String::new(), json_error_message(&e));
            return Err(problems);
        }
    };
    let list = read(&mut Cx::new(&mut problems), &value);
    // What is signed: everything but the signature.
    if let Value::Object(map) = &mut value {
        map.remove("signature");
    }
    match list {
        Some(mut list) if problems.is_empty() => {
            list.message = [NETWORK_CONTEXT.as_bytes(), b"\n", &canonical_bytes(&value)].concat();
            Ok(list)
        }
        _ => Err(problems),
    }
}

fn read(cx: &mut Cx, value: &Value) -> Option<NetworkList> {
    let mut obj = Fields::of(cx, value, Path::Root)?;
    let format = obj.take("format").and_then(Value::as_str);
    if format != Some(NETWORK_FORMAT) {
        cx.report(
            Path::Root,
            "ce fichier n'est pas une liste de réseau Prototèque (format « prototheque-reseau »)",
        );
        return None;
    }
    obj.drop_keys(&["version"]);
    let name = obj.required(cx, "nom", title);
    let published = obj.required(cx, "publie_le", timestamp);
    let sequence = obj.required(cx, "sequence", revision);
    let illustrative = obj.take("illustratif").and_then(|v| match v {
        Value::Bool(b) => Some(*b),
        _ => None,
    });
    let signature = obj.take("signature").and_then(|v| {
        let path = Path::Key(&Path::Root, "signature");
        let mut sig = Fields::of(cx, v, path)?;
        let key = sig.required(cx, "cle", public_key);
        let value = sig.required(cx, "valeur", signature_value);
        Some(Signature {
            key: key?,
            value: value?,
        })
    });
    if signature.is_none() {
        cx.report(
            Path::Root,
            "la liste du réseau doit être signée (champ « signature »)",
        );
    }
    let centres_path = Path::Key(&Path::Root, "centres");
    let mut centres = BTreeMap::new();
    let mut feeds = BTreeMap::new();
    match obj.take("centres") {
        Some(Value::Array(items)) if items.len() <= MAX_CENTRES => {
            for (i, item) in items.iter().enumerate() {
                let path = Path::Index(&centres_path, i);
                let Some(mut entry) = Fields::of(cx, item, path) else {
                    continue;
                };
                let centre = entry.required(cx, "id", id);
                let name = entry.required(cx, "nom", title);
                let keys = entry.required(cx, "cles", key_list);
                let feed = entry.optional(cx, "flux", |cx, v, p| match v.as_str() {
                    Some(text) if crate::exchange::feed::feed_reference_ok(text) => {
                        Some(text.to_owned())
                    }
                    _ => {
                        cx.report(
                            p,
                            "doit être l'adresse du flux du centre (https://…, ou un chemin \
                             relatif à la liste)",
                        );
                        None
                    }
                });
                if let (Some(centre), Some(feed)) = (&centre, feed) {
                    feeds.insert(centre.clone(), feed);
                }
                if let (Some(centre), Some(name), Some(keys)) = (centre, name, keys) {
                    if centres.insert(centre.clone(), (name, keys)).is_some() {
                        cx.report(
                            path,
                            format!("le centre « {centre} » est déjà dans la liste"),
                        );
                    }
                }
            }
        }
        _ => cx.report(
            centres_path,
            format!("doit être une liste d'au plus {MAX_CENTRES} centres"),
        ),
    }
    Some(NetworkList {
        name: name?,
        published: published?,
        sequence: sequence?,
        illustrative: illustrative.unwrap_or(false),
        centres,
        feeds,
        signature: signature?,
        message: Vec::new(),
    })
}
