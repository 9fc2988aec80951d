//! Encoding: how the text becomes the message bytes. The reference encodes it as UTF-8.

use super::super::{Apply, Deviation};
use super::dev;
use crate::Mistake;

/// Windows-1252 (what "Latin-1" means on Windows and in many libraries): Latin-1 with
/// typographic characters at 0x80 to 0x9F instead of C1 controls; the rest become `?`.
pub(crate) fn cp1252(text: &str) -> Vec<u8> {
    const HIGH: [(char, u8); 27] = [
        ('€', 0x80),
        ('‚', 0x82),
        ('ƒ', 0x83),
        ('„', 0x84),
        ('…', 0x85),
        ('†', 0x86),
        ('‡', 0x87),
        ('ˆ', 0x88),
        ('‰', 0x89),
        ('Š', 0x8a),
        ('‹', 0x8b),
        ('Œ', 0x8c),
        ('Ž', 0x8e),
        ('\u{2018}', 0x91),
        ('\u{2019}', 0x92),
        ('\u{201c}', 0x93),
        ('\u{201d}', 0x94),
        ('•', 0x95),
        ('–', 0x96),
        ('—', 0x97),
        ('˜', 0x98),
        ('™', 0x99),
        ('š', 0x9a),
        ('›', 0x9b),
        ('œ', 0x9c),
        ('ž', 0x9e),
        ('Ÿ', 0x9f),
    ];
    text.chars()
        .map(|c| match u8::try_from(u32::from(c)) {
            Ok(byte) if !(0x80..0xa0).contains(&byte) => byte,
            _ => HIGH
                .iter()
                .find(|(high, _)| *high == c)
                .map_or(b'?', |(_, byte)| *byte),
        })
        .collect()
}

/// CESU-8: UTF-8 of each UTF-16 code unit, so a character outside the BMP is two 3-byte
/// surrogates; Java's modified UTF-8 (`writeUTF`) also writes NUL as `C0 80`.
fn cesu8(text: &str, modified: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 4);
    for unit in text.encode_utf16() {
        let code = u32::from(unit);
        match code {
            0 if modified => out.extend([0xc0, 0x80]),
            0..=0x7f => out.push(code as u8),
            0x80..=0x7ff => out.extend([0xc0 | (code >> 6) as u8, 0x80 | (code & 0x3f) as u8]),
            _ => out.extend([
                0xe0 | (code >> 12) as u8,
                0x80 | ((code >> 6) & 0x3f) as u8,
                0x80 | (code & 0x3f) as u8,
            ]),
        }
    }
    out
}

pub(crate) const DEVIATIONS: &[Deviation] = &[
    dev(
        Mistake::Latin1Encoded,
        "default",
        Apply::Encoding(|t| {
            t.chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                .collect()
        }),
    ),
    dev(
        Mistake::Utf16Encoded,
        "le",
        Apply::Encoding(|t| t.encode_utf16().flat_map(u16::to_le_bytes).collect()),
    ),
    dev(
        Mistake::Utf16Encoded,
        "be",
        Apply::Encoding(|t| t.encode_utf16().flat_map(u16::to_be_bytes).collect()),
    ),
    dev(
        Mistake::Latin1Encoded,
        "charcodeat",
        // JavaScript's `s.charCodeAt(i) & 0xff`: the low byte of each UTF-16 code unit.
        Apply::Encoding(|t| t.encode_utf16().map(|unit| unit.to_le_bytes()[0]).collect()),
    ),
    dev(
        Mistake::Latin1Encoded,
        "cp1252",
        // Java's getBytes() on Windows, .NET's Encoding.Default before .NET Core.
        Apply::Encoding(cp1252),
    ),
    dev(
        Mistake::Utf16Encoded,
        "be-bom",
        // Java's getBytes("UTF-16").
        Apply::Encoding(|t| {
            [0xfe, 0xff]
                .into_iter()
                .chain(t.encode_utf16().flat_map(u16::to_be_bytes))
                .collect()
        }),
    ),
    dev(
        Mistake::Cesu8Encoded,
        "cesu-8",
        Apply::Encoding(|t| cesu8(t, false)),
    ),
    dev(
        Mistake::Cesu8Encoded,
        "java-modified",
        Apply::Encoding(|t| cesu8(t, true)),
    ),
    dev(
        Mistake::DoubleUtf8Encoded,
        "default",
        // Each UTF-8 byte taken for a Latin-1 character and encoded again.
        Apply::Encoding(|t| t.bytes().map(char::from).collect::<String>().into_bytes()),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp1252_is_latin1_with_typography() {
        assert_eq!(cp1252("é€\u{2019}\u{81}Ł"), [0xe9, 0x80, 0x92, b'?', b'?']);
    }

    #[test]
    fn cesu8_encodes_surrogates_apart() {
        assert_eq!(cesu8("a\u{0}é", false), b"a\0\xc3\xa9");
        assert_eq!(cesu8("\u{0}", true), [0xc0, 0x80]);
        assert_eq!(cesu8("😀", false), [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]);
    }
}
