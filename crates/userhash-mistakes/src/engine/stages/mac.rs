//! MAC: the function of key and message. The reference is HMAC-SHA-256 (RFC 2104).

use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
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
    }
}
