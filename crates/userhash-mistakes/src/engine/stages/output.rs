//! Output: how the tag becomes the string sent. The reference writes 64 lowercase hex digits.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;

use super::super::{Apply, Deviation};
use super::dev;
use crate::{hex, Mistake};

pub(crate) const DEVIATIONS: &[Deviation] = &[
    dev(
        Mistake::UppercaseHex,
        "default",
        Apply::Output(|tag| hex(tag).to_ascii_uppercase()),
    ),
    dev(
        Mistake::Base64Output,
        "std",
        Apply::Output(|tag| STANDARD.encode(tag)),
    ),
    dev(
        Mistake::Base64Output,
        "std-nopad",
        Apply::Output(|tag| STANDARD_NO_PAD.encode(tag)),
    ),
    dev(
        Mistake::Base64Output,
        "url",
        Apply::Output(|tag| URL_SAFE.encode(tag)),
    ),
    dev(
        Mistake::Base64Output,
        "url-nopad",
        Apply::Output(|tag| URL_SAFE_NO_PAD.encode(tag)),
    ),
    dev(
        Mistake::Base64Output,
        "std-newline",
        Apply::Output(|tag| STANDARD.encode(tag) + "\n"),
    ),
    dev(
        Mistake::DroppedLeadingZeros,
        "whole",
        Apply::Output(|tag| {
            let digits = hex(tag);
            match digits.trim_start_matches('0') {
                "" => "0".to_owned(),
                rest => rest.to_owned(),
            }
        }),
    ),
    dev(
        Mistake::DroppedLeadingZeros,
        "per-byte",
        Apply::Output(|tag| tag.iter().map(|byte| format!("{byte:x}")).collect()),
    ),
    dev(
        Mistake::TruncatedHash,
        "128-bit",
        Apply::Output(|tag| hex(tag).chars().take(32).collect()),
    ),
    dev(
        Mistake::TruncatedHash,
        "160-bit",
        Apply::Output(|tag| hex(tag).chars().take(40).collect()),
    ),
    dev(
        Mistake::DecoratedHex,
        "dash-upper",
        // C#'s BitConverter.ToString.
        Apply::Output(|tag| {
            tag.iter()
                .map(|byte| format!("{byte:02X}"))
                .collect::<Vec<_>>()
                .join("-")
        }),
    ),
    dev(
        Mistake::DecoratedHex,
        "colon",
        Apply::Output(|tag| {
            tag.iter()
                .map(|byte| format!("{byte:02x}"))
                .collect::<Vec<_>>()
                .join(":")
        }),
    ),
    dev(
        Mistake::DecoratedHex,
        "0x",
        Apply::Output(|tag| format!("0x{}", hex(tag))),
    ),
    dev(
        Mistake::TrailingNewlineInOutput,
        "default",
        Apply::Output(|tag| format!("{}\n", hex(tag))),
    ),
];
