//! The Ed25519 vectors (`tests/fixtures/signature_vectors.json`) through the native twin: every
//! verdict as the file says, and RFC 8032's signatures made again from their seeds. The browser
//! test `every_signature_vector_gets_its_verdict_from_webcrypto` runs the same file through
//! WebCrypto.
#![cfg(not(target_arch = "wasm32"))]

mod vectors;

use prototheque::ed25519_rules::{admissible_key, SMALL_ORDER_Y};
use prototheque::native_crypto::{public_of, sign, verify};
use vectors::vectors;

#[test]
fn every_vector_gets_its_verdict() {
    let file = vectors();
    assert!(file.vectors.len() >= 20);
    let wrong: Vec<&str> = file
        .vectors
        .iter()
        .filter(|v| verify(&v.public.0, &v.message.0, &v.signature.0) != v.valid)
        .map(|v| v.name.as_str())
        .collect();
    assert!(wrong.is_empty(), "wrong verdicts: {wrong:?}");
}

#[test]
fn the_rfc_signatures_are_made_again_from_their_seeds() {
    let file = vectors();
    let rfc: Vec<_> = file.vectors.iter().filter(|v| v.seed.is_some()).collect();
    assert_eq!(rfc.len(), 5, "TEST 1, 2, 3, 1024 and SHA(abc)");
    for v in rfc {
        let seed: [u8; 32] = v.seed.as_ref().unwrap().0.as_slice().try_into().unwrap();
        assert_eq!(public_of(&seed).as_slice(), v.public.0, "{}", v.name);
        assert_eq!(
            sign(&seed, &v.message.0).as_slice(),
            v.signature.0,
            "{}",
            v.name
        );
        assert!(v.valid, "{}", v.name);
    }
}

#[test]
fn a_signature_made_here_verifies_and_no_other_message_does() {
    let seed = [42; 32];
    let public = public_of(&seed);
    let signature = sign(&seed, b"version 3 de la fiche");
    assert!(verify(&public, b"version 3 de la fiche", &signature));
    assert!(!verify(&public, b"version 4 de la fiche", &signature));
    assert!(!verify(
        &public_of(&[43; 32]),
        b"version 3 de la fiche",
        &signature
    ));
}

#[test]
fn the_small_order_table_is_the_generators_and_each_point_is_weak() {
    let file = vectors();
    let derived: Vec<&[u8]> = file.small_order_y.iter().map(|y| y.0.as_slice()).collect();
    let table: Vec<&[u8]> = SMALL_ORDER_Y.iter().map(|y| y.as_slice()).collect();
    assert_eq!(table, derived);
    for y in SMALL_ORDER_Y {
        let key = ed25519_dalek::VerifyingKey::from_bytes(&y).expect("a point of the curve");
        assert!(key.is_weak(), "{y:02x?}");
        assert_eq!(admissible_key(&y), None);
    }
}
