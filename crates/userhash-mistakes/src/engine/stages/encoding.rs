//! Encoding: how the text becomes the message bytes. The reference encodes it as UTF-8.

use super::super::{Apply, Deviation};
use super::dev;
use crate::Mistake;

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
];
