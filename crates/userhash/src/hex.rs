//! Lowercase hex for tags, written into a fixed buffer so the hot path never allocates.

use crate::hmac::TAG_LEN;
use subtle::ConstantTimeEq;

/// Length of a user hash: 32 bytes as hex.
///
/// ```
/// assert_eq!(userhash::USER_HASH_LEN, 64);
/// ```
pub const USER_HASH_LEN: usize = 2 * TAG_LEN;

/// One hex digit for a nibble (0..=15), without a table or a branch: LLVM turns it into a
/// compare, a mask and two adds on 16 lanes at a time.
#[inline(always)]
fn digit(nibble: u8) -> u8 {
    // 'a' - '0' - 10 = 39 more for the letters.
    nibble + b'0' + u8::from(nibble > 9) * 39
}

fn word(bytes: &[u8]) -> u64 {
    u64::from_ne_bytes(bytes.try_into().expect("chunks_exact(8) yields 8 bytes"))
}

/// A user hash: 64 lowercase hex characters, stored inline (`Copy`, no heap).
///
/// It dereferences to `&str`, and converts to `String` only when asked.
///
/// ```
/// let signer = userhash::Signer::new("secret")?;
/// let hash = signer.sign_message(b"87");
/// assert_eq!(&*hash, "003a9666f8c43026072598aef3adfd2251f799697d2eba54f8d4ac3b0e30ea56");
/// assert_eq!(hash.len(), 64);
/// # Ok::<(), userhash::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserHash([u8; USER_HASH_LEN]);

impl UserHash {
    /// Encodes a tag as lowercase hex.
    ///
    /// ```
    /// let hash = userhash::UserHash::from_tag(&[0x0a; 32]);
    /// assert_eq!(&*hash, "0a".repeat(32));
    /// ```
    #[inline]
    pub fn from_tag(tag: &[u8; TAG_LEN]) -> Self {
        // Digits for all high nibbles, then all low ones, then interleaved: each loop is a few
        // 16-lane vector instructions, and the result is written as four 16-byte stores that
        // `Signer::verify`'s 16-byte loads can forward from (a table writes it two bytes at a
        // time, and reading that back as vectors stalls on store forwarding).
        let mut high = [0u8; TAG_LEN];
        let mut low = [0u8; TAG_LEN];
        for ((high, low), byte) in high.iter_mut().zip(&mut low).zip(tag) {
            *high = digit(byte >> 4);
            *low = digit(byte & 0xf);
        }
        let mut out = [0u8; USER_HASH_LEN];
        for ((pair, high), low) in out.chunks_exact_mut(2).zip(high).zip(low) {
            pair[0] = high;
            pair[1] = low;
        }
        UserHash(out)
    }

    /// The hash as a string slice.
    ///
    /// ```
    /// let hash = userhash::UserHash::from_tag(&[0xff; 32]);
    /// assert!(hash.as_str().starts_with("ffff"));
    /// ```
    pub fn as_str(&self) -> &str {
        // Only `from_tag` builds a UserHash, and it writes ASCII hex digits alone.
        core::str::from_utf8(&self.0).expect("a UserHash holds ASCII hex digits")
    }

    /// Whether `observed` is exactly this hash, in time independent of the contents (a wrong
    /// length is rejected at once: lengths are public).
    ///
    /// The 64 bytes are compared as eight words folded into one difference, and only that word
    /// goes through `subtle`'s optimisation barrier. `subtle`'s slice comparison puts every byte
    /// through a non-inlined volatile read, which costs more than a whole SHA-256 compression.
    pub(crate) fn ct_eq_str(&self, observed: &str) -> bool {
        let Ok(observed) = <&[u8; USER_HASH_LEN]>::try_from(observed.as_bytes()) else {
            return false;
        };
        let diff = self
            .0
            .chunks_exact(8)
            .zip(observed.chunks_exact(8))
            .fold(0u64, |diff, (ours, theirs)| {
                diff | (word(ours) ^ word(theirs))
            });
        diff.ct_eq(&0).into()
    }

    /// The hash as ASCII bytes.
    ///
    /// ```
    /// let hash = userhash::UserHash::from_tag(&[0; 32]);
    /// assert_eq!(hash.as_bytes(), &[b'0'; 64]);
    /// ```
    pub fn as_bytes(&self) -> &[u8; USER_HASH_LEN] {
        &self.0
    }
}

impl core::ops::Deref for UserHash {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for UserHash {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl core::fmt::Display for UserHash {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::fmt::Debug for UserHash {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "UserHash({})", self.as_str())
    }
}

impl From<UserHash> for String {
    fn from(hash: UserHash) -> String {
        hash.as_str().to_owned()
    }
}

impl PartialEq<str> for UserHash {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for UserHash {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Whether `text` has the shape of a user hash: exactly 64 lowercase hex digits.
///
/// ```
/// assert!(userhash::is_user_hash_shaped(&"0f".repeat(32)));
/// assert!(!userhash::is_user_hash_shaped(&"0F".repeat(32)));
/// ```
pub fn is_user_hash_shaped(text: &str) -> bool {
    let Ok(bytes) = <&[u8; USER_HASH_LEN]>::try_from(text.as_bytes()) else {
        return false;
    };
    // No early exit: a fixed-length fold over all 64 bytes compiles to a few vector compares,
    // several times faster than `all` (which stops at the first bad byte, one byte at a time).
    bytes.iter().fold(true, |ok, &b| {
        ok & (b.is_ascii_digit() | (b'a'..=b'f').contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_tag_encodes_every_byte_value() {
        for start in (0..=255u8).step_by(TAG_LEN) {
            let tag: [u8; TAG_LEN] = core::array::from_fn(|i| start + i as u8);
            let expected: String = tag.iter().map(|byte| format!("{byte:02x}")).collect();
            assert_eq!(UserHash::from_tag(&tag).as_str(), expected);
        }
    }
}
