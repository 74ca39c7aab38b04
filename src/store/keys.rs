//! This browser's device keys, one per centre: `{ centre, public, private, cree_le }`, kept
//! under the centre's id. `public` is the raw key in base64url; `private` is the `CryptoKey`
//! itself, which IndexedDB keeps as a structured clone: still not extractable, so its bytes
//! never reach the page, not even from storage.

use super::error::{warn, Result, StoreError};
use super::schema::DEVICE_KEYS;
use super::tx::{answer, Tx};
use crate::exchange::b64;
use crate::webcrypto::DeviceKey;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::CryptoKey;

/// The device key this browser keeps for `centre`, if any.
pub async fn device_key(db: &Database, centre: &str) -> Result<Option<DeviceKey>> {
    let tx = Tx::reading(db, DEVICE_KEYS)?;
    let stored: Option<JsValue> =
        answer(tx.store(DEVICE_KEYS)?.get(centre.to_owned()).primitive()).await?;
    stored
        .map(|entry| {
            read_entry(&entry).ok_or_else(|| {
                warn("clé de signature", &entry);
                StoreError::unreadable_device_key(centre)
            })
        })
        .transpose()
}

/// Keeps `key` as this browser's key for `centre`, in place of any other.
pub async fn keep_device_key(db: &Database, centre: &str, key: &DeviceKey) -> Result<()> {
    let entry = Object::new();
    let public = b64::encode(&key.public);
    for (field, value) in [
        ("centre", JsValue::from(centre)),
        ("public", JsValue::from(&public)),
        ("private", key.private.clone().into()),
        ("cree_le", JsValue::from(now_utc())),
    ] {
        Reflect::set(&entry, &field.into(), &value).map_err(|e| {
            warn("clé de signature", &e);
            StoreError::refused()
        })?;
    }
    let tx = Tx::writing(db, DEVICE_KEYS)?;
    answer(
        tx.store(DEVICE_KEYS)?
            .put(JsValue::from(entry))
            .with_key(centre.to_owned())
            .primitive(),
    )
    .await?;
    tx.commit(centre.len() + public.len() + 256).await
}

/// Forgets this browser's key for `centre`: what it signed stays signed, and it can sign no more.
pub async fn forget_device_key(db: &Database, centre: &str) -> Result<()> {
    let tx = Tx::writing(db, DEVICE_KEYS)?;
    answer(tx.store(DEVICE_KEYS)?.delete(centre.to_owned()).primitive()).await?;
    tx.commit(0).await
}

/// A stored entry as a [`DeviceKey`], if it is one: a 32-byte public key in base64url and a
/// private `CryptoKey`.
fn read_entry(entry: &JsValue) -> Option<DeviceKey> {
    let field = |name: &str| Reflect::get(entry, &name.into()).ok();
    let public = b64::decode(&field("public")?.as_string()?)?;
    let private: CryptoKey = field("private")?.dyn_into().ok()?;
    (private.type_() == "private").then_some(())?;
    Some(DeviceKey {
        public: public.try_into().ok()?,
        private,
    })
}

/// Now, as the UTC instant format of the exchange files.
fn now_utc() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    format!("{}Z", &iso[..19.min(iso.len())])
}
