//! HMAC-SHA-256 (RFC 2104) built directly on the SHA-256 compression function.
//!
//! Keying an HMAC costs two compressions (the inner and outer pad blocks). A server signs many
//! messages with one secret, so [`PreKeyed`] does that work once and keeps the two chaining
//! states; each message then costs one compression per 64-byte block of the padded inner
//! message plus one for the outer hash, i.e. two in total for messages of up to 55 bytes, with
//! no allocation. Long messages take the same block loop, so there is no separate slow path.

use sha2::digest::generic_array::GenericArray;
use sha2::{Digest, Sha256};

const BLOCK_LEN: usize = 64;
/// Length of an HMAC-SHA-256 tag in bytes.
///
/// ```
/// assert_eq!(userhash::hmac::hmac_sha256(b"k", b"m").len(), userhash::hmac::TAG_LEN);
/// ```
pub const TAG_LEN: usize = 32;
/// The last block of a message must leave room for the 0x80 marker and the 64-bit length.
const MAX_TAIL_IN_LAST_BLOCK: usize = BLOCK_LEN - 9;

/// SHA-256 initial hash value (FIPS 180-4, 5.3.3).
const SHA256_IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// The outer hash's only block after the pad: 32 bytes of inner hash (zero here, filled in per
/// message), the 0x80 marker, zeros, and the length of pad plus inner hash in bits.
const OUTER_BLOCK_PADDING: [u8; BLOCK_LEN] = {
    let mut block = [0u8; BLOCK_LEN];
    block[TAG_LEN] = 0x80;
    let bits = (((BLOCK_LEN + TAG_LEN) * 8) as u64).to_be_bytes();
    let mut i = 0;
    while i < bits.len() {
        block[BLOCK_LEN - 8 + i] = bits[i];
        i += 1;
    }
    block
};

fn compress(state: &mut [u32; 8], block: &[u8; BLOCK_LEN]) {
    sha2::compress256(
        state,
        core::slice::from_ref(GenericArray::from_slice(block)),
    );
}

/// An HMAC-SHA-256 key whose inner and outer pad states are computed once.
///
/// Any byte string is a valid HMAC key, the empty one included; the user-hash profile's stricter
/// rules (a non-empty UTF-8 secret) live in [`crate::Signer`].
///
/// ```
/// use userhash::hmac::PreKeyed;
/// // RFC 4231, test case 2.
/// let key = PreKeyed::new(b"Jefe");
/// let tag = key.tag(b"what do ya want for nothing?");
/// assert_eq!(tag[..4], [0x5b, 0xdc, 0xc1, 0x46]);
/// ```
#[derive(Clone)]
pub struct PreKeyed {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl core::fmt::Debug for PreKeyed {
    // The pad states are as good as the key: never print them.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("PreKeyed { .. }")
    }
}

impl PreKeyed {
    /// Derives the pad states from `key` (hashed first when longer than the 64-byte block).
    ///
    /// ```
    /// use userhash::hmac::{hmac_sha256, PreKeyed};
    /// let long_key = [0xaa; 131];
    /// assert_eq!(PreKeyed::new(&long_key).tag(b"m"), hmac_sha256(&long_key, b"m"));
    /// ```
    pub fn new(key: &[u8]) -> Self {
        let mut key_block = [0u8; BLOCK_LEN];
        if key.len() > BLOCK_LEN {
            key_block[..TAG_LEN].copy_from_slice(&Sha256::digest(key));
        } else {
            key_block[..key.len()].copy_from_slice(key);
        }
        let mut inner_pad = [0u8; BLOCK_LEN];
        let mut outer_pad = [0u8; BLOCK_LEN];
        for ((inner, outer), byte) in inner_pad.iter_mut().zip(&mut outer_pad).zip(&key_block) {
            *inner = byte ^ 0x36;
            *outer = byte ^ 0x5c;
        }
        let mut inner = SHA256_IV;
        compress(&mut inner, &inner_pad);
        let mut outer = SHA256_IV;
        compress(&mut outer, &outer_pad);
        PreKeyed { inner, outer }
    }

    /// The HMAC-SHA-256 tag of `message` under this key; the key can be reused for any number
    /// of messages.
    ///
    /// ```
    /// let key = userhash::hmac::PreKeyed::new(b"secret");
    /// assert_eq!(key.tag(b"87")[..2], [0x00, 0x3a]);
    /// assert_ne!(key.tag(b"87"), key.tag(b"88"));
    /// ```
    #[inline]
    pub fn tag(&self, message: &[u8]) -> [u8; TAG_LEN] {
        let mut state = self.inner;
        let mut blocks = message.chunks_exact(BLOCK_LEN);
        for block in &mut blocks {
            compress(
                &mut state,
                block.try_into().expect("chunks_exact yields whole blocks"),
            );
        }
        let tail = blocks.remainder();
        // The inner hash has already absorbed the 64-byte pad block.
        let inner_bits = ((BLOCK_LEN + message.len()) as u64).wrapping_mul(8);
        let mut last = [0u8; BLOCK_LEN];
        last[..tail.len()].copy_from_slice(tail);
        last[tail.len()] = 0x80;
        if tail.len() > MAX_TAIL_IN_LAST_BLOCK {
            compress(&mut state, &last);
            last = [0u8; BLOCK_LEN];
        }
        last[56..].copy_from_slice(&inner_bits.to_be_bytes());
        compress(&mut state, &last);

        // The outer message is always the 32-byte inner hash: only those bytes change.
        let mut outer_block = OUTER_BLOCK_PADDING;
        for (chunk, word) in outer_block.chunks_exact_mut(4).zip(state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        let mut state = self.outer;
        compress(&mut state, &outer_block);

        let mut tag = [0u8; TAG_LEN];
        for (chunk, word) in tag.chunks_exact_mut(4).zip(state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        tag
    }
}

/// One-shot HMAC-SHA-256 of `message` under `key`.
///
/// ```
/// // RFC 4231, test case 1.
/// let tag = userhash::hmac::hmac_sha256(&[0x0b; 20], b"Hi There");
/// assert_eq!(tag[..4], [0xb0, 0x34, 0x4c, 0x61]);
/// ```
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; TAG_LEN] {
    PreKeyed::new(key).tag(message)
}
