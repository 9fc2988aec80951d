//! The bytes a JSON string must escape (control characters, `"` and `\\`), found sixteen at a
//! time: what writing a request and reading a reply both look for in every string.
//!
//! Checked a byte at a time (or by a fold the compiler vectorises only for long strings),
//! finding them was two thirds of writing a request (perf, writing generated requests). The
//! workspace forbids the `unsafe` that SIMD intrinsics need, so the bytes go through `wide`'s
//! safe 16-byte vectors (the last 1 to 15 as the string's last sixteen), and only strings
//! shorter than sixteen bytes through a `u64` word: an explored case's strings (a secret,
//! identifiers, a token, a reply's hash or token) are a few hundred bytes, and a word at a
//! time cost about 490 instructions a case more (callgrind, explore against the C port: 417
//! for the blocks, 74 more for the tails).

use wide::u8x16;

/// The position of the first byte at or after `from` that JSON requires escaped.
#[inline]
pub(super) fn first(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(Ok(sixteen)) = bytes.get(at..at + 16).map(<[u8; 16]>::try_from) {
        let flagged = block_to_escape(u8x16::from(sixteen));
        if flagged != 0 {
            return Some(at + flagged.trailing_zeros() as usize);
        }
        at += 16;
    }
    // The 1 to 15 bytes left, as the string's last sixteen with those before `at` shifted out,
    // when it has sixteen; a word at a time when it is shorter.
    let rest = bytes.len().saturating_sub(at);
    if let (1.., Some(&sixteen)) = (rest, bytes.last_chunk::<16>()) {
        let flagged = block_to_escape(u8x16::from(sixteen)) >> (16 - rest);
        return (flagged != 0).then(|| at + flagged.trailing_zeros() as usize);
    }
    while at < bytes.len() {
        let word = match bytes.get(at..at + 8).map(<[u8; 8]>::try_from) {
            Some(Ok(eight)) => u64::from_le_bytes(eight),
            _ => last_word(bytes, at),
        };
        let flagged = to_escape(word);
        if flagged != 0 {
            // The lowest flagged byte is exact (see `to_escape`).
            return Some(at + (flagged.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    None
}

/// A bit for each byte of `block` that JSON requires escaped, the first byte's lowest.
fn block_to_escape(block: u8x16) -> u32 {
    // A control character is one that `min` leaves below the space.
    let control = block.min(u8x16::splat(0x1f)).cmp_eq(block);
    let quote = block.cmp_eq(u8x16::splat(b'"'));
    let backslash = block.cmp_eq(u8x16::splat(b'\\'));
    // Sixteen lanes: the mask's high bits are clear.
    (control | quote | backslash).move_mask() as u32
}

/// The 1 to 7 bytes of `bytes` from `at` on, as a little-endian word padded with a plain byte.
/// Shifted out of the eight bytes that end the string when it has eight: copying them into a
/// padded array was a `memcpy` call per string written (perf: a sixth of writing a request).
fn last_word(bytes: &[u8], at: usize) -> u64 {
    const PLAIN: u64 = 0x4141_4141_4141_4141; // "AAAAAAAA"
    let rest = bytes.len() - at;
    match bytes.len().checked_sub(8).map(|start| &bytes[start..]) {
        Some(eight) => {
            let word = u64::from_le_bytes(eight.try_into().unwrap_or([b'A'; 8]));
            let before = 8 * (8 - rest) as u32; // the bits of bytes before `at`
            (word >> before) | (PLAIN << (64 - before))
        }
        None => bytes[at..]
            .iter()
            .rev()
            .fold(PLAIN, |word, &byte| (word << 8) | u64::from(byte)),
    }
}

/// The high bit of each byte of `word` that JSON requires escaped (a control character, `"`
/// or `\\`), as in "Bit Twiddling Hacks" (`haszero`, `hasless`). A borrow can flag a plain
/// byte above a flagged one, never below: the lowest flag is always right.
fn to_escape(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    control
        | zero_byte(word ^ (ONES * u64::from(b'"')))
        | zero_byte(word ^ (ONES * u64::from(b'\\')))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value at every offset of strings of every length up to 40 (those shorter
    /// than a block, read a word at a time, and up to two blocks and a tail), among plain bytes
    /// and after another escape: the first found is the first there is.
    #[test]
    fn the_first_byte_to_escape_is_found_wherever_it_is() {
        let must_escape = |byte: u8| byte < 0x20 || byte == b'"' || byte == b'\\';
        for len in 0..40 {
            for at in 0..len {
                for byte in 0..=255u8 {
                    for before in [None, Some(b'\n')] {
                        let mut bytes = vec![b'a'; len];
                        bytes[at] = byte;
                        if let (Some(earlier), Some(slot)) = (before, at.checked_sub(1)) {
                            bytes[slot] = earlier;
                        }
                        for from in 0..=len {
                            let expected = (from..len).find(|&i| must_escape(bytes[i]));
                            assert_eq!(first(&bytes, from), expected, "{bytes:?} from {from}");
                        }
                    }
                }
            }
        }
    }
}
