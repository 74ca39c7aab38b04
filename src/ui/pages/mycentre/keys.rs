//! What « Mon centre » does with keys: where this browser stands with a centre, this device's
//! key, and the centre versions that add or withdraw a key, signed, with the centre's own
//! versions signed again. What is signed is `exchange::signing`'s, who may sign what
//! `exchange::admit`'s; this file only strings the steps together.

use crate::exchange::signing::{to_sign, ToSign};
use crate::exchange::{b64, check_centre, with_edit, EntityKind};
use crate::model::{Catalogue, Centre, Keyring, Record};
use crate::store::{self, Change};
use crate::ui::signatures::{sign_in_catalogue, stored_network};
use crate::ui::state::{now_utc, AppState};
use crate::webcrypto;
use std::collections::{BTreeMap, BTreeSet};

/// What the network's list, as last checked, says of the centres.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Network {
    /// The demo's list: nobody holds the keys it gives.
    pub illustrative: bool,
    pub named: BTreeSet<String>,
}

/// The network's list as this browser last checked it (none: nothing is named).
pub async fn network(state: AppState) -> Network {
    state
        .with_db(|db| async move { stored_network(&db).await })
        .await
        .flatten()
        .map(|list| Network {
            illustrative: list.illustrative,
            named: list.centres.into_keys().collect(),
        })
        .unwrap_or_default()
}

/// Where this browser stands with a centre.
#[derive(Clone, Debug, PartialEq)]
pub enum DeviceStanding {
    /// It keeps one of the centre's keys (`key`): what it writes for the centre is signed.
    Signs { key: String },
    /// A centre of the demo's network: nobody holds its keys.
    Illustrative,
    /// The centre has keys; this browser keeps one (`key`) that the centre does not list yet:
    /// a device waiting to be added by another of the centre's devices.
    Waiting { key: String },
    /// The centre has keys and this browser none of them; `revoked`: it kept one, which the
    /// centre withdrew.
    OthersKeys { revoked: bool },
    /// The centre has no key (written before signatures): this browser may make its first.
    /// `kept`: a key this browser already keeps for it (an earlier attempt that did not finish).
    NoKey { kept: Option<String> },
}

/// Where this browser stands with centre `id`, keeping `kept` for it.
pub fn standing(
    catalogue: &Catalogue,
    network: &Network,
    id: &str,
    kept: Option<&str>,
) -> DeviceStanding {
    let keyring = Keyring::of(catalogue);
    let named = network.named.contains(id);
    match kept {
        Some(key) if keyring.holds(id, key) => DeviceStanding::Signs {
            key: key.to_owned(),
        },
        _ if named && network.illustrative => DeviceStanding::Illustrative,
        _ if !keyring.knows(id) && !named => DeviceStanding::NoKey {
            kept: kept.map(str::to_owned),
        },
        Some(key) if !keyring.revoked(id, key) => DeviceStanding::Waiting {
            key: key.to_owned(),
        },
        kept => DeviceStanding::OthersKeys {
            revoked: kept.is_some(),
        },
    }
}

/// Whether this browser can sign at all (WebCrypto's Ed25519).
pub async fn supported() -> bool {
    webcrypto::supported().await
}

/// Makes this browser's key for centre `id`, keeps it (it cannot be read back out of the
/// browser), and gives its public half (base64url): the device code.
pub async fn new_device_key(state: AppState, id: &str) -> Result<String, String> {
    let key = webcrypto::generate().await.map_err(|e| e.to_string())?;
    let id = id.to_owned();
    state
        .with_db(|db| async move {
            store::keep_device_key(&db, &id, &key)
                .await
                .map(|()| b64::encode(&key.public))
                .map_err(|e| e.message)
        })
        .await
        .unwrap_or_else(|| Err(NOT_READY.into()))
}

const NOT_READY: &str = "Le stockage n'est pas encore prêt ; réessayez dans un instant.";

/// The key a device code names, or why it is not one, in French. A device code is what
/// « Ajouter cet appareil » shows: a public key in base64url, 43 characters (white space in
/// what was pasted, such as a line break from an e-mail, is left out).
pub fn device_code(text: &str) -> Result<String, &'static str> {
    let code: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if code.is_empty() {
        return Err("Collez le code affiché par le nouvel appareil.");
    }
    let is_key =
        code.len() == b64::encoded_len(32) && b64::decode(&code).is_some_and(|k| k.len() == 32);
    if is_key {
        Ok(code)
    } else {
        Err("Ce n'est pas un code d'appareil : il fait 43 caractères (lettres, chiffres, « - » et « _ »). Copiez-le de nouveau depuis l'autre appareil.")
    }
}

/// A new version of centre `id` whose content `edit` changes (its keys), signed with this
/// browser's key `key`, which the new version must list; saved and shown. Others learn of it
/// from the next export.
pub async fn publish(
    state: AppState,
    id: &str,
    key: &str,
    edit: impl FnOnce(&mut Centre),
) -> Result<(), String> {
    let record = state
        .with_catalogue(|c| c.centres.get(id).cloned())
        .flatten()
        .ok_or("Ce centre n'est plus dans le catalogue de ce navigateur.")?;
    let mut centre = record
        .current()
        .cloned()
        .ok_or("Ce centre a été supprimé.")?;
    edit(&mut centre);
    let problems = check_centre(&centre);
    if !problems.is_empty() {
        let list: Vec<String> = problems.list.iter().map(ToString::to_string).collect();
        return Err(list.join(" ; "));
    }
    let edited = with_edit(Some(&record), id, &now_utc(), Some(centre));
    publish_record(state, id, key, edited).await
}

/// Saves `record`, centre `id`'s record with a new version listing this browser's key `key`,
/// signed with it; fails if the version saved is not the centre's own, signed with `key`.
pub async fn publish_record(
    state: AppState,
    id: &str,
    key: &str,
    record: Record<Centre>,
) -> Result<(), String> {
    state
        .save_signed(Some(id), vec![Change::Centre(id.to_owned(), record)])
        .await?;
    let signed = state
        .with_catalogue(|c| Keyring::of(c).holds(id, key))
        .unwrap_or(false);
    if signed {
        Ok(())
    } else {
        Err("La nouvelle version du centre n'a pas pu être signée par cet appareil.".into())
    }
}

/// What signing a centre's versions again did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resigned {
    /// Versions this device signed.
    pub signed: usize,
    /// Versions still unsigned, or still signed by a key in `resign`, once saved.
    pub left: usize,
}

/// Signs with this browser's key for `centre` the centre's own versions that are unsigned or
/// signed by a key of `resign` (`exchange::signing::to_sign`), and saves them: a signed copy of
/// a version is kept over an unsigned copy of it.
pub async fn sign_own(
    state: AppState,
    centre: &str,
    resign: &[String],
) -> Result<Resigned, String> {
    let Some((what, mut part)) = state.with_catalogue(|c| {
        let what = to_sign(c, centre, resign);
        let part = records_of(c, &what);
        (what, part)
    }) else {
        return Err(NOT_READY.into());
    };
    if what.is_empty() {
        return Ok(Resigned { signed: 0, left: 0 });
    }
    let owned = centre.to_owned();
    let (signed, part) = state
        .with_db(|db| async move {
            let signed = sign_in_catalogue(&db, &owned, &mut part, &what).await?;
            Ok::<_, String>((signed, part))
        })
        .await
        .unwrap_or_else(|| Err(NOT_READY.into()))?;
    let changes = part
        .centres
        .into_iter()
        .map(|(id, r)| Change::Centre(id, r))
        .chain(
            part.prototypes
                .into_iter()
                .map(|(id, r)| Change::Prototype(id, r)),
        )
        .chain(
            part.ratings
                .into_iter()
                .map(|(id, r)| Change::Rating(id, r)),
        )
        .collect();
    // Already signed: `save` must not sign them again.
    state.save_signed(None, changes).await?;
    let left = state
        .with_catalogue(|c| to_sign(c, centre, resign).len())
        .unwrap_or(0);
    Ok(Resigned { signed, left })
}

/// The records `what` names, copied out of `catalogue` (signing works on a copy of just them).
fn records_of(catalogue: &Catalogue, what: &[ToSign]) -> Catalogue {
    fn copy<T: Clone>(
        from: &BTreeMap<String, Record<T>>,
        to: &mut BTreeMap<String, Record<T>>,
        id: &str,
    ) {
        if let Some(record) = from.get(id) {
            to.entry(id.to_owned()).or_insert_with(|| record.clone());
        }
    }
    let mut part = Catalogue::default();
    for item in what {
        match item.kind {
            EntityKind::Centre => copy(&catalogue.centres, &mut part.centres, &item.id),
            EntityKind::Prototype => copy(&catalogue.prototypes, &mut part.prototypes, &item.id),
            EntityKind::Rating => copy(&catalogue.ratings, &mut part.ratings, &item.id),
        }
    }
    part
}

/// Copies `text` to the clipboard; `false` where the browser does not let the page. Through
/// `Reflect` (already in the first download) rather than new bindings, each of which adds to it.
pub async fn copy_to_clipboard(text: &str) -> bool {
    use js_sys::Reflect;
    use wasm_bindgen::JsCast;
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return false;
    };
    let clipboard = Reflect::get(&navigator, &"clipboard".into()).unwrap_or_default();
    let write = Reflect::get(&clipboard, &"writeText".into()).unwrap_or_default();
    if !clipboard.is_object() || !write.is_function() {
        return false;
    }
    let args = js_sys::Array::of1(&text.into());
    let write: &js_sys::Function = write.unchecked_ref();
    match Reflect::apply(write, &clipboard, &args) {
        Ok(promise) => {
            let promise: js_sys::Promise = promise.unchecked_into();
            wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
        }
        Err(_) => false,
    }
}
