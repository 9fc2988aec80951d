//! Differential property tests for the HMAC fast path and the user-hash rules.
//!
//! The fast path (`userhash::hmac`, built on `sha2::compress256`) is checked against three
//! independent HMAC-SHA-256 implementations: the RustCrypto `hmac` crate, `ring`, and a textbook
//! RFC 2104 HMAC written below over the `sha2::Sha256` Digest API. `cargo xtask proptest` runs
//! this file (`--test properties`) with `PROPTEST_CASES` raised; plain `cargo test` uses the
//! proptest default of 256 cases per property.

use hmac::{Hmac, Mac};
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use userhash::hmac::{hmac_sha256, PreKeyed, TAG_LEN};
use userhash::{user_hash, verify, Identity, Signer, UserId, USER_HASH_LEN};

const BLOCK: usize = 64;

/// RustCrypto `hmac` crate.
fn rustcrypto(key: &[u8], message: &[u8]) -> [u8; TAG_LEN] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// `ring`.
fn ring_tag(key: &[u8], message: &[u8]) -> [u8; TAG_LEN] {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    let tag = ring::hmac::sign(&key, message);
    tag.as_ref().try_into().expect("a SHA-256 tag is 32 bytes")
}

/// RFC 2104 as written: H((K' ^ opad) || H((K' ^ ipad) || m)), with K' = H(K) for long keys,
/// zero-padded to the block. Uses the streaming Digest API, never `compress256`.
fn textbook(key: &[u8], message: &[u8]) -> [u8; TAG_LEN] {
    let mut padded = [0u8; BLOCK];
    if key.len() > BLOCK {
        padded[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        padded[..key.len()].copy_from_slice(key);
    }
    let ipad: Vec<u8> = padded.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = padded.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new()
        .chain_update(&ipad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(&opad)
        .chain_update(inner)
        .finalize()
        .into()
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..=max)
}

/// Keys clustered around the block size as well as uniformly spread over 0..=200.
fn key_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        bytes(200),
        (60usize..=68).prop_flat_map(|len| prop::collection::vec(any::<u8>(), len)),
    ]
}

/// Messages spread over 0..=300 bytes plus the one/two-block padding boundary (55/56 bytes) and
/// block multiples.
fn message_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        bytes(300),
        prop::sample::select(vec![
            0usize, 1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 128, 183, 184
        ])
        .prop_flat_map(|len| prop::collection::vec(any::<u8>(), len)),
    ]
}

/// Non-empty UTF-8 secrets (the profile rejects the empty one).
fn secret() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{1,80}",
        any::<String>().prop_filter("non-empty", |s| !s.is_empty()),
    ]
}

fn identifier() -> impl Strategy<Value = String> {
    prop_oneof!["[a-zA-Z0-9@._+-]{1,60}", any::<String>()]
}

proptest! {
    #[test]
    fn hmac_agrees_with_rustcrypto_and_ring(key in key_bytes(), message in message_bytes()) {
        let ours = hmac_sha256(&key, &message);
        prop_assert_eq!(ours, rustcrypto(&key, &message));
        prop_assert_eq!(ours, ring_tag(&key, &message));
        prop_assert_eq!(PreKeyed::new(&key).tag(&message), ours);
    }

    #[test]
    fn prekeyed_reuse_is_stateless(key in key_bytes(), first in message_bytes(), second in message_bytes()) {
        let keyed = PreKeyed::new(&key);
        let copy = keyed.clone();
        prop_assert_eq!(keyed.tag(&first), rustcrypto(&key, &first));
        prop_assert_eq!(keyed.tag(&second), rustcrypto(&key, &second));
        prop_assert_eq!(copy.tag(&first), keyed.tag(&first));
    }

    #[test]
    fn hmac_agrees_with_textbook(
        short in bytes(63),
        exact in prop::collection::vec(any::<u8>(), BLOCK),
        long in prop::collection::vec(any::<u8>(), BLOCK + 1..=200),
        message in message_bytes(),
    ) {
        prop_assert_eq!(exact.len(), BLOCK);
        for key in [&short, &exact, &long] {
            prop_assert_eq!(hmac_sha256(key, &message), textbook(key, &message));
        }
    }

    #[test]
    fn sign_message_is_hex_of_rustcrypto(secret in secret(), message in message_bytes()) {
        let signer = Signer::new(&secret).expect("non-empty secret");
        let hash = signer.sign_message(&message);
        let expected = hex::encode(rustcrypto(secret.as_bytes(), &message));
        prop_assert_eq!(&*hash, expected.as_str());
        prop_assert_eq!(String::from(hash).len(), USER_HASH_LEN);
    }

    #[test]
    fn user_id_wins_when_present(
        secret in secret(),
        id in identifier(),
        number in any::<i64>(),
        email in prop::option::of(identifier()),
    ) {
        let email = email.as_deref();
        let signer = Signer::new(&secret).expect("non-empty secret");
        let by_text = user_hash(&secret, Some(UserId::Text(&id)), email).expect("valid");
        if id.is_empty() {
            // An empty user_id counts as absent: the email (if any) decides.
            let by_email = user_hash(&secret, None, email).expect("valid");
            prop_assert_eq!(by_text, by_email);
        } else {
            prop_assert_eq!(by_text, Some(signer.sign_message(id.as_bytes())));
        }
        let by_number = user_hash(&secret, Some(UserId::Integer(number.into())), email).expect("valid");
        prop_assert_eq!(by_number, Some(signer.sign_message(number.to_string().as_bytes())));
    }

    #[test]
    fn signer_equals_one_shot(
        secret in secret(),
        id in prop::option::of(identifier()),
        email in prop::option::of(identifier()),
    ) {
        let user_id = id.as_deref().map(UserId::Text);
        let email = email.as_deref();
        let signer = Signer::new(&secret).expect("non-empty secret");
        let identity = Identity::select(user_id, email);
        let one_shot = user_hash(&secret, user_id, email).expect("valid");
        prop_assert_eq!(signer.user_hash(&identity), one_shot);
        if let Some(hash) = one_shot {
            prop_assert!(verify(&secret, user_id, email, &hash).expect("valid"));
        }
    }

    #[test]
    fn verify_accepts_exactly_what_sign_produces(
        secret in secret(),
        id in "[a-z0-9-]{1,40}",
        position in 0..USER_HASH_LEN,
        bit in 0u8..7,
    ) {
        let signer = Signer::new(&secret).expect("non-empty secret");
        let identity = Identity::select(Some(UserId::Text(&id)), None);
        let hash = signer.user_hash(&identity).expect("identified");
        prop_assert!(signer.verify(&identity, &hash));

        // Flip one bit of one character: some flips keep it hex ('a' -> 'b', '0' -> '1'),
        // others do not ('a' -> 'e' is hex, '0' -> 'p' is not). Bit 7 would make invalid UTF-8,
        // which a &str cannot hold, so bits 0..7 cover every flip a caller can send.
        let mut tampered = hash.as_bytes().to_vec();
        tampered[position] ^= 1 << bit;
        let tampered = String::from_utf8(tampered).expect("ASCII stays ASCII");
        prop_assert_ne!(tampered.as_str(), &*hash);
        prop_assert!(!signer.verify(&identity, &tampered));

        // Uppercase is rejected whenever it differs from the lowercase original.
        let upper = hash.to_uppercase();
        if upper != *hash {
            prop_assert!(!signer.verify(&identity, &upper));
        }
        // Wrong lengths are rejected.
        prop_assert!(!signer.verify(&identity, &hash[..USER_HASH_LEN - 1]));
        let longer = format!("{}0", &*hash);
        prop_assert!(!signer.verify(&identity, &longer));
    }

    #[test]
    fn verify_rejects_arbitrary_strings(secret in secret(), id in "[a-z0-9-]{1,40}", observed in any::<String>()) {
        let signer = Signer::new(&secret).expect("non-empty secret");
        let identity = Identity::select(Some(UserId::Text(&id)), None);
        let expected = signer.user_hash(&identity).expect("identified");
        prop_assert_eq!(signer.verify(&identity, &observed), observed == *expected);
    }
}

/// Every single-bit flip of every character of one hash, exhaustively (64 × 7 cases).
#[test]
fn verify_rejects_every_single_bit_flip() {
    let signer = Signer::new("secret").expect("non-empty secret");
    let identity = Identity::select(Some(UserId::Text("87")), None);
    let hash = signer.user_hash(&identity).expect("identified");
    let (mut still_hex, mut not_hex) = (0, 0);
    for position in 0..USER_HASH_LEN {
        for bit in 0..7 {
            let mut tampered = hash.as_bytes().to_vec();
            tampered[position] ^= 1 << bit;
            if matches!(tampered[position], b'0'..=b'9' | b'a'..=b'f') {
                still_hex += 1;
            } else {
                not_hex += 1;
            }
            let tampered = String::from_utf8(tampered).expect("ASCII stays ASCII");
            assert!(!signer.verify(&identity, &tampered), "accepted {tampered}");
        }
    }
    assert!(still_hex > 0 && not_hex > 0);
}

fn unhex(text: &str) -> Vec<u8> {
    hex::decode(text.replace(char::is_whitespace, "")).expect("valid hex in the RFC text")
}

/// RFC 4231, section 4: the seven HMAC-SHA-256 test cases (case 5 truncated to 128 bits).
#[test]
fn rfc4231_hmac_sha256() {
    let long_key = vec![0xaa; 131];
    let cases: [(&str, Vec<u8>, Vec<u8>, &str); 7] = [
        (
            "1",
            vec![0x0b; 20],
            b"Hi There".to_vec(),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        ),
        (
            "2",
            b"Jefe".to_vec(),
            b"what do ya want for nothing?".to_vec(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            "3",
            vec![0xaa; 20],
            vec![0xdd; 50],
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        ),
        (
            "4",
            unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
            vec![0xcd; 50],
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        ),
        (
            "5 (truncated to 128 bits)",
            vec![0x0c; 20],
            b"Test With Truncation".to_vec(),
            "a3b6167473100ee06e0c796c2955552b",
        ),
        (
            "6",
            long_key.clone(),
            b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
        (
            "7",
            long_key,
            b"This is a test using a larger than block-size key and a larger than block-size \
              data. The key needs to be hashed before being used by the HMAC algorithm."
                .to_vec(),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ];
    for (name, key, data, expected) in cases {
        let expected = unhex(expected);
        let tag = hmac_sha256(&key, &data);
        assert_eq!(tag[..expected.len()], expected[..], "RFC 4231 case {name}");
        assert_eq!(
            PreKeyed::new(&key).tag(&data),
            tag,
            "case {name}, pre-keyed"
        );
        assert_eq!(textbook(&key, &data), tag, "case {name}, textbook");
    }
}
