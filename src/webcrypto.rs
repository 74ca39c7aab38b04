//! Ed25519 through the browser's WebCrypto (wasm only): a device's key pair, signing, and the
//! checking of many signatures at once. The private key is a non-extractable `CryptoKey`: its
//! bytes never reach the page, and no signing code ships in the wasm. Knows nothing of `store`
//! or `ui`; only pages that sign or verify reach it, so it lives in their chunks.
//!
//! Every verdict follows `crate::ed25519_rules` first (what WebCrypto engines disagree on), then
//! the engine's RFC 8032 equation; `native_crypto` is the native twin, and the vectors of
//! `tests/fixtures/signature_vectors.json` hold the two equal.

use crate::ed25519_rules::{admissible_key, admissible_signature, PUBLIC_KEY_LEN, SIGNATURE_LEN};
use js_sys::{Array, Promise, Uint8Array};
use std::collections::HashMap;
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, CryptoKeyPair, SubtleCrypto};

const ALGORITHM: &str = "Ed25519";

/// Checks sent to WebCrypto at once, at most: enough to keep its threads busy, few enough that
/// 20,000 checks do not hold 20,000 copies of their messages at once.
const IN_FLIGHT: usize = 64;

/// This browser's key pair for one centre: the raw public key, and the private key, which
/// cannot be exported.
#[derive(Clone, Debug)]
pub struct DeviceKey {
    pub public: [u8; PUBLIC_KEY_LEN],
    pub private: CryptoKey,
}

/// One signature to check: `signature` over `message` by the raw key `public`.
#[derive(Clone, Copy, Debug)]
pub struct Check<'a> {
    pub public: &'a [u8],
    pub message: &'a [u8],
    pub signature: &'a [u8],
}

/// Why the browser cannot sign or verify, with the message shown to people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CryptoError {
    /// No `crypto.subtle`: the page is not in a secure context (https or localhost).
    NotSecure,
    /// WebCrypto without Ed25519.
    Unsupported,
    /// The browser refused or failed an operation it supports.
    Failed,
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CryptoError::NotSecure => {
                "Ce navigateur ne permet pas de signer les publications sur cette page : elle \
                 n'est pas ouverte de façon sécurisée. Ouvrez Prototèque par son adresse en \
                 https://."
            }
            CryptoError::Unsupported => {
                "Ce navigateur ne sait pas signer les publications (Ed25519). Mettez-le à jour : \
                 Chrome ou Edge 137, Firefox 129, Safari 17 ou plus récents."
            }
            CryptoError::Failed => {
                "Le navigateur n'a pas pu signer ou vérifier les publications. Réessayez ; si le \
                 problème continue, rechargez la page."
            }
        })
    }
}

impl std::error::Error for CryptoError {}

/// Makes a new key pair for this browser, its private key not extractable.
pub async fn generate() -> Result<DeviceKey, CryptoError> {
    let subtle = subtle()?;
    let usages = Array::of2(&"sign".into(), &"verify".into());
    let pair: CryptoKeyPair = answer(subtle.generate_key_with_str(ALGORITHM, false, &usages))
        .await?
        .unchecked_into();
    // A key pair's public key is always extractable.
    let raw = answer(subtle.export_key("raw", &pair.get_public_key())).await?;
    let public = Uint8Array::new(&raw).to_vec().try_into().map_err(|_| {
        warn(&"clé publique exportée de taille inattendue".into());
        CryptoError::Failed
    })?;
    Ok(DeviceKey {
        public,
        private: pair.get_private_key(),
    })
}

/// Signs `message` with `private` (RFC 8032, deterministic).
pub async fn sign(private: &CryptoKey, message: &[u8]) -> Result<[u8; SIGNATURE_LEN], CryptoError> {
    let subtle = subtle()?;
    let signature = answer(subtle.sign_with_str_and_u8_array(ALGORITHM, private, message)).await?;
    Uint8Array::new(&signature)
        .to_vec()
        .try_into()
        .map_err(|_| {
            warn(&"signature de taille inattendue".into());
            CryptoError::Failed
        })
}

/// The verdict on each check, in order. A key or signature outside `ed25519_rules` (a wrong
/// length among them), or a key WebCrypto refuses to import, is a `false` verdict; an error means
/// the browser could not judge at all. Each distinct key is imported once; checks go to
/// WebCrypto by batches of [`IN_FLIGHT`], each answered before the next is sent.
pub async fn verify_all(checks: &[Check<'_>]) -> Result<Vec<bool>, CryptoError> {
    let subtle = subtle()?;
    let mut keys = HashMap::new();
    let mut verdicts = Vec::with_capacity(checks.len());
    for batch in checks.chunks(IN_FLIGHT) {
        let promises = Array::new();
        let mut sent = Vec::with_capacity(batch.len());
        for check in batch {
            let admissible =
                admissible_key(check.public).zip(admissible_signature(check.signature));
            let key = match admissible {
                Some((public, signature)) => key_for(&subtle, &mut keys, public)
                    .await?
                    .map(|key| (key, signature)),
                None => None,
            };
            sent.push(key.is_some());
            if let Some((key, signature)) = key {
                let promise = subtle
                    .verify_with_str_and_u8_array_and_u8_array(
                        ALGORITHM,
                        &key,
                        signature,
                        check.message,
                    )
                    .map_err(failure)?;
                promises.push(&promise);
            }
        }
        let answers = answer(Ok(Promise::all(&promises))).await?;
        let mut answers = answers.unchecked_into::<Array>().into_iter();
        verdicts.extend(
            sent.into_iter()
                .map(|sent| sent && answers.next().and_then(|v| v.as_bool()) == Some(true)),
        );
    }
    Ok(verdicts)
}

/// Whether this browser can sign and verify.
pub async fn supported() -> bool {
    check_support().await.is_ok()
}

/// Why this browser cannot sign and verify, if it cannot: for the message to show.
pub async fn check_support() -> Result<(), CryptoError> {
    // RFC 8032 TEST 1's public key: importing it asks for Ed25519 and nothing else.
    const KEY: [u8; 32] = [
        0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07,
        0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07,
        0x51, 0x1a,
    ];
    answer(import(&subtle()?, &KEY)).await.map(drop)
}

/// `crypto.subtle`, which only secure contexts have.
fn subtle() -> Result<SubtleCrypto, CryptoError> {
    let crypto = web_sys::window()
        .and_then(|window| window.crypto().ok())
        .ok_or(CryptoError::NotSecure)?;
    let subtle = crypto.subtle();
    if JsValue::from(&subtle).is_undefined() {
        return Err(CryptoError::NotSecure);
    }
    Ok(subtle)
}

fn import(subtle: &SubtleCrypto, public: &[u8; PUBLIC_KEY_LEN]) -> Result<Promise, JsValue> {
    subtle.import_key_with_str(
        "raw",
        &Uint8Array::from(&public[..]),
        ALGORITHM,
        true,
        &Array::of1(&"verify".into()),
    )
}

/// `public` imported, from `keys` when it was already; `None` for a key WebCrypto refuses. A
/// browser without Ed25519 is an error.
async fn key_for(
    subtle: &SubtleCrypto,
    keys: &mut HashMap<[u8; PUBLIC_KEY_LEN], Option<CryptoKey>>,
    public: &[u8; PUBLIC_KEY_LEN],
) -> Result<Option<CryptoKey>, CryptoError> {
    if let Some(known) = keys.get(public) {
        return Ok(known.clone());
    }
    let imported = match JsFuture::from(import(subtle, public).map_err(failure)?).await {
        Ok(key) => Some(key.unchecked_into::<CryptoKey>()),
        Err(e) if exception_name(&e).as_deref() == Some("NotSupportedError") => {
            return Err(failure(e))
        }
        Err(_) => None,
    };
    keys.insert(*public, imported.clone());
    Ok(imported)
}

/// Waits for a WebCrypto promise; its failure is a [`CryptoError`].
async fn answer(promise: Result<Promise, JsValue>) -> Result<JsValue, CryptoError> {
    JsFuture::from(promise.map_err(failure)?)
        .await
        .map_err(failure)
}

/// What a WebCrypto failure means for people; its detail goes to the console, for whoever helps
/// them. A browser without Ed25519 says `NotSupportedError` (by the exception's name, never by
/// formatting it: release builds format no `Debug`).
fn failure(e: JsValue) -> CryptoError {
    warn(&e);
    match exception_name(&e).as_deref() {
        Some("NotSupportedError") => CryptoError::Unsupported,
        _ => CryptoError::Failed,
    }
}

fn exception_name(e: &JsValue) -> Option<String> {
    e.dyn_ref::<web_sys::DomException>().map(|e| e.name())
}

fn warn(detail: &JsValue) {
    web_sys::console::warn_2(&"Prototèque, signatures :".into(), detail);
}
