//! Shared by the native test files.

use prototheque::exchange::{read_document, Limits};
use prototheque::model::Catalogue;

/// The shipped seed catalogue, read through the door, as a browser holds it.
#[allow(dead_code)]
pub fn seed() -> Catalogue {
    let mut seed = seed_as_read();
    seed.vouched = network().centres.keys().cloned().collect();
    seed
}

/// The shipped network's list, read through the door, its signature checked by the network's
/// key the app carries.
#[allow(dead_code)]
pub fn network() -> prototheque::exchange::NetworkList {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/public/reseau.json")).unwrap();
    let list = prototheque::exchange::read_network(&bytes).unwrap();
    assert!(
        list.signed_by_network(),
        "signed by the key the app carries"
    );
    let key = prototheque::exchange::b64::decode(&list.signature.key).unwrap();
    let signature = prototheque::exchange::b64::decode(&list.signature.value).unwrap();
    assert!(prototheque::native_crypto::verify(
        &key,
        &list.message,
        &signature
    ));
    list
}

/// The shipped seed catalogue, read through the door.
#[allow(dead_code)]
pub fn seed_as_read() -> Catalogue {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/public/catalogue.json"
    ))
    .unwrap();
    read_document(&bytes, &Limits::default()).unwrap().catalogue
}

/// A stand-in key for centre `id`: 32 bytes, base64url, different for every centre.
pub fn stand_in_key(id: &str) -> Vec<u8> {
    let mut key = [0u8; 32];
    for (i, b) in id.bytes().enumerate() {
        key[i % 32] ^= b;
        key[(i * 7 + 3) % 32] = key[(i * 7 + 3) % 32].wrapping_add(b);
    }
    key[31] = id.len() as u8;
    key.to_vec()
}

/// `catalogue` as if every centre had signed its own work with its key and this browser held
/// every centre's key for true (vouched): what counting by the label and the indicators needs.
/// The signatures are stand-ins: counting reads which key signed what, never the cryptography
/// (checked when a file comes in, see tests/trust.rs).
#[allow(dead_code)]
pub fn vouched_for_all(mut catalogue: Catalogue) -> Catalogue {
    use prototheque::exchange::b64;
    use prototheque::exchange::signing::{sign_in, to_sign};
    let ids: Vec<String> = catalogue.centres.keys().cloned().collect();
    for id in &ids {
        let key = stand_in_key(id);
        for version in &mut catalogue.centres.get_mut(id).unwrap().heads {
            if let Some(body) = &mut version.body {
                body.keys = vec![b64::encode(&key)];
            }
        }
        for what in to_sign(&catalogue, id, &[]) {
            sign_in(&mut catalogue, &what, &key, &[0; 64]);
        }
        catalogue.vouched.insert(id.clone());
    }
    catalogue
}
