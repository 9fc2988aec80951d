//! MAC: the function of key and message. The reference is HMAC-SHA-256 (RFC 2104).

use sha2::{Digest, Sha224, Sha256, Sha384, Sha512, Sha512_256};
use sha3::Sha3_256;
use userhash::hmac::hmac_sha256;

use super::super::{Apply, Deviation};
use super::dev;
use crate::{hmac_with, Mistake};

/// The reference MAC.
pub(crate) fn reference(key: &[u8], message: &[u8]) -> Vec<u8> {
    hmac_sha256(key, message).to_vec()
}

/// The SHA-256 block.
const BLOCK: usize = 64;

/// HMAC-SHA-256 over a key already fitted to the block, with the given inner and outer pads.
fn padded_hmac(key: &[u8], message: &[u8], inner: u8, outer: u8) -> Vec<u8> {
    let mut block = [0u8; BLOCK];
    let used = key.len().min(BLOCK);
    block[..used].copy_from_slice(&key[..used]);
    let pad = |byte: u8| block.iter().map(|k| k ^ byte).collect::<Vec<u8>>();
    let inner_hash = Sha256::new()
        .chain_update(pad(inner))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(outer))
        .chain_update(inner_hash)
        .finalize()
        .to_vec()
}

/// A key longer than the block truncated to it instead of hashed.
fn long_key_truncated(key: &[u8], message: &[u8]) -> Vec<u8> {
    padded_hmac(key, message, 0x36, 0x5c)
}

/// A long key hashed only when its *characters* exceed the block; else truncated.
fn long_key_by_chars(key: &[u8], message: &[u8]) -> Vec<u8> {
    if String::from_utf8_lossy(key).chars().count() > BLOCK {
        padded_hmac(&Sha256::digest(key), message, 0x36, 0x5c)
    } else {
        padded_hmac(key, message, 0x36, 0x5c)
    }
}

/// The inner and outer pads swapped.
fn pads_swapped(key: &[u8], message: &[u8]) -> Vec<u8> {
    if key.len() > BLOCK {
        padded_hmac(&Sha256::digest(key), message, 0x5c, 0x36)
    } else {
        padded_hmac(key, message, 0x5c, 0x36)
    }
}

/// A hand-written HMAC-SHA-256 with the key fitted by `fit` (RFC 2104: hashed when longer
/// than the 64-byte block, then zero-padded to it) and XORed with the pads over its length.
fn hand_hmac(key: &[u8], message: &[u8], fit: fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let key = fit(key);
    let pad = |byte: u8| key.iter().map(|k| k ^ byte).collect::<Vec<u8>>();
    let inner_hash = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner_hash)
        .finalize()
        .to_vec()
}

/// A key hashed when it is longer than `block` (or as long, when `at_block`), then
/// zero-padded to `block`.
fn fitted(key: &[u8], block: usize, at_block: bool) -> Vec<u8> {
    let mut key = if key.len() > block || (at_block && key.len() == block) {
        Sha256::digest(key).to_vec()
    } else {
        key.to_vec()
    };
    if key.len() < block {
        key.resize(block, 0);
    }
    key
}

/// Plain `digest(secret + message)`.
fn concatenated<D: Digest>(key: &[u8], message: &[u8]) -> Vec<u8> {
    D::new()
        .chain_update(key)
        .chain_update(message)
        .finalize()
        .to_vec()
}

pub(crate) const DEVIATIONS: &[Deviation] = &[
    dev(
        Mistake::PlainSha256Concat,
        "secret-message",
        Apply::Mac(|k, m| {
            Sha256::new()
                .chain_update(k)
                .chain_update(m)
                .finalize()
                .to_vec()
        }),
    ),
    dev(
        Mistake::PlainSha256Concat,
        "message-secret",
        Apply::Mac(|k, m| {
            Sha256::new()
                .chain_update(m)
                .chain_update(k)
                .finalize()
                .to_vec()
        }),
    ),
    dev(
        Mistake::PlainSha256Concat,
        "message-only",
        Apply::Mac(|_, m| Sha256::digest(m).to_vec()),
    ),
    dev(
        Mistake::WrongDigest,
        "sha1",
        Apply::Mac(hmac_with::<sha1::Sha1>),
    ),
    dev(
        Mistake::WrongDigest,
        "md5",
        Apply::Mac(hmac_with::<md5::Md5>),
    ),
    dev(
        Mistake::WrongDigest,
        "sha512",
        Apply::Mac(hmac_with::<Sha512>),
    ),
    dev(
        Mistake::WrongDigest,
        "sha224",
        Apply::Mac(hmac_with::<Sha224>),
    ),
    dev(
        Mistake::WrongDigest,
        "sha384",
        Apply::Mac(hmac_with::<Sha384>),
    ),
    dev(
        Mistake::KeyMessageSwapped,
        "default",
        Apply::Mac(|k, m| hmac_sha256(m, k).to_vec()),
    ),
    dev(
        Mistake::HandWrittenHmac,
        "long-key-truncated",
        Apply::Mac(long_key_truncated),
    ),
    dev(
        Mistake::HandWrittenHmac,
        "long-key-by-chars",
        Apply::Mac(long_key_by_chars),
    ),
    dev(
        Mistake::HandWrittenHmac,
        "pads-swapped",
        Apply::Mac(pads_swapped),
    ),
    dev(
        Mistake::PlainSha256Concat,
        "separator",
        Apply::Mac(|k, m| {
            Sha256::new()
                .chain_update(k)
                .chain_update(b":")
                .chain_update(m)
                .finalize()
                .to_vec()
        }),
    ),
    // intercom-rails before December 2012.
    dev(
        Mistake::PlainSha256Concat,
        "sha1",
        Apply::Mac(concatenated::<sha1::Sha1>),
    ),
    dev(
        Mistake::PlainSha256Concat,
        "md5",
        Apply::Mac(concatenated::<md5::Md5>),
    ),
    dev(
        Mistake::WrongDigest,
        "sha3-256",
        Apply::Mac(hmac_with::<Sha3_256>),
    ),
    dev(
        Mistake::WrongDigest,
        "sha512-256",
        Apply::Mac(hmac_with::<Sha512_256>),
    ),
    dev(
        Mistake::WrongDigest,
        "sha512-truncated",
        // HMAC-SHA-512 "for strength", cut to 64 hex digits to fit the field.
        Apply::Mac(|k, m| {
            let mut tag = hmac_with::<Sha512>(k, m);
            tag.truncate(32);
            tag
        }),
    ),
    dev(
        Mistake::HandWrittenHmac,
        "long-key-whole",
        // Zero-padded to the block, but a longer key used whole, never hashed.
        Apply::Mac(|k, m| {
            hand_hmac(k, m, |key| {
                let mut key = key.to_vec();
                if key.len() < BLOCK {
                    key.resize(BLOCK, 0);
                }
                key
            })
        }),
    ),
    dev(
        Mistake::HandWrittenHmac,
        "hashes-at-64",
        Apply::Mac(|k, m| hand_hmac(k, m, |key| fitted(key, BLOCK, true))),
    ),
    dev(
        Mistake::HandWrittenHmac,
        "block-128",
        // Copied from an HMAC-SHA-512: a 128-byte block.
        Apply::Mac(|k, m| hand_hmac(k, m, |key| fitted(key, 128, false))),
    ),
    dev(
        Mistake::HandWrittenHmac,
        "block-32",
        // The digest size taken for the block size.
        Apply::Mac(|k, m| hand_hmac(k, m, |key| fitted(key, 32, false))),
    ),
    dev(
        Mistake::HandWrittenHmac,
        "unpadded",
        // The pads XORed over the key's own bytes, never zero-padded to the block.
        Apply::Mac(|k, m| {
            hand_hmac(k, m, |key| {
                if key.len() > BLOCK {
                    Sha256::digest(key).to_vec()
                } else {
                    key.to_vec()
                }
            })
        }),
    ),
    dev(
        Mistake::MessagePrehashed,
        "hex",
        Apply::Mac(|k, m| hmac_sha256(k, crate::hex(&Sha256::digest(m)).as_bytes()).to_vec()),
    ),
    dev(
        Mistake::HmacSumMisused,
        "default",
        // Go's mac.Sum(msg) appends the MAC of nothing to msg.
        Apply::Mac(|k, m| [m, &hmac_sha256(k, b"")[..]].concat()),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_correct_padded_hmac_is_the_reference() {
        for key in [&b"k"[..], &[7u8; 64][..]] {
            assert_eq!(padded_hmac(key, b"87", 0x36, 0x5c), reference(key, b"87"));
        }
        // Only long keys tell truncation from hashing.
        assert_eq!(
            long_key_truncated(b"short", b"m"),
            reference(b"short", b"m")
        );
        assert_ne!(
            long_key_truncated(&[1; 65], b"m"),
            reference(&[1; 65], b"m")
        );
        // Fitted to the right block, the hand-written HMAC is the reference.
        for key in [&b"k"[..], &[7u8; 64][..], &[1; 65][..]] {
            assert_eq!(
                hand_hmac(key, b"87", |key| fitted(key, BLOCK, false)),
                reference(key, b"87")
            );
        }
        assert_ne!(
            hand_hmac(&[7u8; 64], b"87", |key| fitted(key, BLOCK, true)),
            reference(&[7u8; 64], b"87")
        );
    }
}
