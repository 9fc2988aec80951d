//! MAC: the function of key and message. The reference is HMAC-SHA-256 (RFC 2104).

use sha2::{Digest, Sha224, Sha256, Sha512};
use userhash::hmac::hmac_sha256;

use super::super::{Apply, Deviation};
use super::dev;
use crate::{hmac_with, Mistake};

/// The reference MAC.
pub(crate) fn reference(key: &[u8], message: &[u8]) -> Vec<u8> {
    hmac_sha256(key, message).to_vec()
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
        Mistake::KeyMessageSwapped,
        "default",
        Apply::Mac(|k, m| hmac_sha256(m, k).to_vec()),
    ),
];
