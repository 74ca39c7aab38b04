//! What a public key and a signature must be before any curve arithmetic, so that every verifier
//! of Prototèque gives the same verdict: WebCrypto in any browser (`webcrypto`) and the native
//! twin (`native_crypto`) both apply these rules first, then RFC 8032's cofactorless equation.
//!
//! Engines disagree on the edges that RFC 8032 leaves loose: Chromium 156 (BoringSSL) accepts
//! signatures under a small-order key, which hold for any message without any private key, and
//! the WebCrypto specification now asks browsers to refuse them. Replicas that judged one
//! version differently would never converge, so the rules are written here, once:
//! - a key is 32 bytes, the canonical encoding (y < p) of a point not of small order;
//! - a signature is 64 bytes: R likewise, then S < L (RFC 8032 §5.1.7: no second spelling).
//!
//! A key that is not on the curve at all is left to the engine, which refuses it.

/// Length of a raw Ed25519 public key.
pub const PUBLIC_KEY_LEN: usize = 32;
/// Length of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;

/// The y coordinate (sign bit of x aside) of each of the eight points of small order: the
/// identity (1), the point of order 2 (p − 1), the two of order 4 (0) and the four of order 8.
/// `tests/fixtures/signature_vectors.py` derives them; `tests/signature_vectors.rs` holds the
/// two equal.
pub const SMALL_ORDER_Y: [[u8; 32]; 5] = [
    [0; 32],
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
];

/// L, the order of the base point, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// `public` as a key, if it can be one: 32 bytes, a canonical point not of small order.
pub fn admissible_key(public: &[u8]) -> Option<&[u8; PUBLIC_KEY_LEN]> {
    let public: &[u8; PUBLIC_KEY_LEN] = public.try_into().ok()?;
    admissible_point(public).then_some(public)
}

/// `signature` as a signature, if it can be one: 64 bytes, R a canonical point not of small
/// order, S below L.
pub fn admissible_signature(signature: &[u8]) -> Option<&[u8; SIGNATURE_LEN]> {
    let signature: &[u8; SIGNATURE_LEN] = signature.try_into().ok()?;
    let (r, s) = signature.split_at(32);
    (admissible_point(r.try_into().ok()?) && below_l(s)).then_some(signature)
}

fn admissible_point(point: &[u8; 32]) -> bool {
    let mut y = *point;
    y[31] &= 0x7f;
    canonical(&y) && !SMALL_ORDER_Y.contains(&y)
}

/// Whether `y` (sign bit cleared) is below p = 2^255 − 19: the only values above are p … p + 18,
/// written 0xed … 0xff, then thirty 0xff, then 0x7f.
fn canonical(y: &[u8; 32]) -> bool {
    !(y[0] >= 0xed && y[1..31].iter().all(|&b| b == 0xff) && y[31] == 0x7f)
}

/// Whether the little-endian `s` is below L.
fn below_l(s: &[u8]) -> bool {
    for (byte, l) in s.iter().rev().zip(L.iter().rev()) {
        if byte != l {
            return byte < l;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(mut n: u128, high: u8) -> [u8; 32] {
        let mut out = [0; 32];
        for byte in out.iter_mut().take(16) {
            *byte = n as u8;
            n >>= 8;
        }
        out[31] = high;
        out
    }

    #[test]
    fn s_is_compared_with_l_byte_by_byte_from_the_top() {
        // L = 2^252 + 27742317777372353535851937790883648493.
        let low = 27742317777372353535851937790883648493u128;
        assert_eq!(L, le(low, 0x10));
        assert!(below_l(&le(low - 1, 0x10)), "L − 1");
        assert!(!below_l(&le(low, 0x10)), "L");
        assert!(!below_l(&le(low + 1, 0x10)), "L + 1");
        assert!(below_l(&le(u128::MAX, 0x0f)), "below 2^252");
        assert!(below_l(&[0; 32]));
    }

    #[test]
    fn only_p_to_p_plus_18_are_not_canonical() {
        let mut y = [0xff; 32];
        y[31] = 0x7f;
        for low in 0..=0xff_u8 {
            y[0] = low;
            assert_eq!(canonical(&y), low < 0xed, "{low:#x}");
        }
        y[0] = 0xed;
        y[17] = 0xfe;
        assert!(canonical(&y));
    }

    #[test]
    fn every_spelling_of_a_small_order_point_is_refused() {
        for y in SMALL_ORDER_Y {
            for sign in [0, 0x80] {
                let mut point = y;
                point[31] |= sign;
                assert_eq!(admissible_key(&point), None);
                let mut signature = [0; 64];
                signature[..32].copy_from_slice(&point);
                assert_eq!(admissible_signature(&signature), None);
            }
        }
    }

    #[test]
    fn lengths_other_than_32_and_64_are_refused() {
        let key = [7; 33];
        assert!(admissible_key(&key[..32]).is_some());
        assert_eq!(admissible_key(&key), None);
        assert_eq!(admissible_key(&key[..31]), None);
        assert_eq!(admissible_key(&[]), None);
        let signature = [7; 65];
        assert!(admissible_signature(&signature[..64]).is_some());
        assert_eq!(admissible_signature(&signature), None);
        assert_eq!(admissible_signature(&signature[..63]), None);
    }
}
