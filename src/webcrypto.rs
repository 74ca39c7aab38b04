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
use std::collections::{HashMap, VecDeque};
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, CryptoKeyPair, SubtleCrypto};

const ALGORITHM: &str = "Ed25519";

/// Promises sent to WebCrypto and not yet answered, at most: enough to keep its threads busy,
/// few enough that 20,000 checks do not hold 20,000 copies of their messages at once.
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
/// the browser could not judge at all. Each distinct key is imported once, and at most
/// [`IN_FLIGHT`] promises wait at a time.
pub async fn verify_all(checks: &[Check<'_>]) -> Result<Vec<bool>, CryptoError> {
    let subtle = subtle()?;
    let keys = import_keys(&subtle, checks).await?;
    let mut verdicts = vec![false; checks.len()];
    let mut flight = InFlight::default();
    for (i, check) in checks.iter().enumerate() {
        let Some(signature) = admissible_signature(check.signature) else {
            continue;
        };
        let Some(Some(key)) = admissible_key(check.public).and_then(|public| keys.get(public))
        else {
            continue;
        };
        if let Some((j, answered)) = flight.make_room().await {
            verdicts[j] = verdict(answered)?;
        }
        let promise = subtle.verify_with_str_and_u8_array_and_u8_array(
            ALGORITHM,
            key,
            signature,
            check.message,
        );
        flight.send(i, promise.map_err(failure)?);
    }
    while let Some((j, answered)) = flight.next().await {
        verdicts[j] = verdict(answered)?;
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

/// Each distinct admissible key of `checks`, imported, or `None` where WebCrypto refused it.
async fn import_keys(
    subtle: &SubtleCrypto,
    checks: &[Check<'_>],
) -> Result<HashMap<[u8; PUBLIC_KEY_LEN], Option<CryptoKey>>, CryptoError> {
    let mut keys = HashMap::new();
    let mut flight = InFlight::default();
    for public in checks
        .iter()
        .filter_map(|check| admissible_key(check.public))
    {
        if keys.insert(*public, None).is_some() {
            continue;
        }
        if let Some((key, answered)) = flight.make_room().await {
            keys.insert(key, imported(answered)?);
        }
        flight.send(*public, import(subtle, public).map_err(failure)?);
    }
    while let Some((key, answered)) = flight.next().await {
        keys.insert(key, imported(answered)?);
    }
    Ok(keys)
}

/// An imported key, or `None` for a key WebCrypto refuses; a browser without Ed25519 is an error.
fn imported(answered: Result<JsValue, JsValue>) -> Result<Option<CryptoKey>, CryptoError> {
    match answered {
        Ok(key) => Ok(Some(key.unchecked_into())),
        Err(e) if exception_name(&e).as_deref() == Some("NotSupportedError") => Err(failure(e)),
        Err(_) => Ok(None),
    }
}

fn verdict(answered: Result<JsValue, JsValue>) -> Result<bool, CryptoError> {
    answered.map(|v| v.as_bool() == Some(true)).map_err(failure)
}

/// Promises sent and not yet answered, oldest first, each with what it is about.
struct InFlight<T> {
    waiting: VecDeque<(T, JsFuture)>,
}

impl<T> Default for InFlight<T> {
    fn default() -> Self {
        InFlight {
            waiting: VecDeque::with_capacity(IN_FLIGHT),
        }
    }
}

impl<T> InFlight<T> {
    /// When [`IN_FLIGHT`] promises wait, waits for the oldest and gives its answer.
    async fn make_room(&mut self) -> Option<(T, Result<JsValue, JsValue>)> {
        if self.waiting.len() < IN_FLIGHT {
            return None;
        }
        self.next().await
    }

    fn send(&mut self, about: T, promise: Promise) {
        self.waiting.push_back((about, JsFuture::from(promise)));
    }

    /// The oldest promise's answer, or `None` when none is waiting.
    async fn next(&mut self) -> Option<(T, Result<JsValue, JsValue>)> {
        let (about, future) = self.waiting.pop_front()?;
        Some((about, future.await))
    }
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
