//! Ed25519 outside the browser, for tests and tools: the twin of `webcrypto`, giving the same
//! verdict on every key, message and signature (`tests/signature_vectors.rs` and the browser
//! test run the same vectors through both).
//!
//! Backed by ed25519-dalek: the same checks as `webcrypto` (`crate::ed25519_rules`), then
//! `verify_strict`, which refuses small-order keys and R on its own too. Past those checks its
//! equation is the cofactorless one that BoringSSL and the WebCrypto specification use, with R
//! compared as bytes. Keys come from 32-byte seeds (RFC 8032's private key), so no randomness.

use crate::ed25519_rules::{admissible_key, admissible_signature, PUBLIC_KEY_LEN, SIGNATURE_LEN};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

/// Whether `signature` is `public`'s signature over `message`, by Prototèque's rules.
pub fn verify(public: &[u8], message: &[u8], signature: &[u8]) -> bool {
    let (Some(public), Some(signature)) = (admissible_key(public), admissible_signature(signature))
    else {
        return false;
    };
    VerifyingKey::from_bytes(public).is_ok_and(|key| {
        key.verify_strict(message, &Signature::from_bytes(signature))
            .is_ok()
    })
}

/// The raw public key of the private key `seed`.
pub fn public_of(seed: &[u8; 32]) -> [u8; PUBLIC_KEY_LEN] {
    SigningKey::from_bytes(seed).verifying_key().to_bytes()
}

/// The signature of `message` by the private key `seed` (deterministic, as RFC 8032 signs).
pub fn sign(seed: &[u8; 32], message: &[u8]) -> [u8; SIGNATURE_LEN] {
    SigningKey::from_bytes(seed).sign(message).to_bytes()
}

/// Whether a feed header is signed by the key it names (see `exchange::feed`).
pub fn verify_feed(header: &crate::exchange::feed::FeedHeader) -> bool {
    header
        .signature_bytes()
        .is_some_and(|(key, signature)| verify(&key, header.message(), &signature))
}

/// Signs a feed header with the private key `seed`.
pub fn sign_feed(seed: &[u8; 32], header: &mut crate::exchange::feed::FeedHeader) {
    let signature = sign(seed, header.message());
    header.attach(&public_of(seed), &signature);
}
