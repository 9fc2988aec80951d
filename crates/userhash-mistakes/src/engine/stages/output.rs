//! Output: how the tag becomes the string sent. The reference writes 64 lowercase hex digits.

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;

use super::super::{Apply, Deviation};
use super::dev;
use crate::{hex, Mistake};

/// Each byte as two lowercase hex digits, `separator` between bytes.
fn hex_joined(tag: &[u8], separator: &str) -> String {
    tag.iter()
        .map(|byte| format!("{byte:02x}"))
        .collect::<Vec<_>>()
        .join(separator)
}

/// Python's `repr(bytes)`: `b'...'`, printable ASCII as itself, `\\ \t \n \r` and the quote
/// escaped, other bytes as `\xNN`; double quotes when the bytes hold a `'` and no `"`.
fn python_bytes_repr(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::from("b");
    out.push(char::from(quote));
    for &byte in bytes {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            byte if byte == quote => {
                out.push('\\');
                out.push(char::from(byte));
            }
            0x20..=0x7e => out.push(char::from(byte)),
            byte => out.push_str(&format!("\\x{byte:02x}")),
        }
    }
    out.push(char::from(quote));
    out
}

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
        Apply::Output(|tag| hex_joined(tag, "-").to_uppercase()),
    ),
    dev(
        Mistake::DecoratedHex,
        "colon",
        Apply::Output(|tag| hex_joined(tag, ":")),
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
    dev(
        Mistake::TruncatedHash,
        "63-digits",
        // PHP `substr($hash, 0, 63)`, meant to drop a newline.
        Apply::Output(|tag| hex(tag).chars().take(63).collect()),
    ),
    dev(
        Mistake::Base64Output,
        "of-hex",
        // PHP `base64_encode(hash_hmac(...))`: hash_hmac already returns hex.
        Apply::Output(|tag| STANDARD.encode(hex(tag))),
    ),
    dev(
        Mistake::DecoratedHex,
        "sha256=",
        // As GitHub's webhook signature header writes it.
        Apply::Output(|tag| format!("sha256={}", hex(tag))),
    ),
    dev(
        Mistake::DecoratedHex,
        "space",
        // Python's `digest.hex(" ")`.
        Apply::Output(|tag| hex_joined(tag, " ")),
    ),
    dev(
        Mistake::DecoratedHex,
        "openssl-3",
        // The whole line of `openssl dgst -sha256 -hmac`, OpenSSL 3.
        Apply::Output(|tag| format!("SHA2-256(stdin)= {}\n", hex(tag))),
    ),
    dev(
        Mistake::DecoratedHex,
        "openssl-3-hmac",
        Apply::Output(|tag| format!("HMAC-SHA2-256(stdin)= {}\n", hex(tag))),
    ),
    dev(
        Mistake::DecoratedHex,
        "openssl-1.1",
        Apply::Output(|tag| format!("(stdin)= {}\n", hex(tag))),
    ),
    dev(
        Mistake::EmptyHash,
        "default",
        Apply::Output(|_| String::new()),
    ),
    dev(
        Mistake::SignedByteHex,
        "java",
        // Integer.toHexString(b) without `& 0xff`: a byte above 0x7f is a negative int.
        Apply::Output(|tag| {
            tag.iter()
                .map(|&byte| {
                    if byte < 0x80 {
                        format!("{byte:x}")
                    } else {
                        format!("ffffff{byte:02x}")
                    }
                })
                .collect()
        }),
    ),
    dev(
        Mistake::SignedByteHex,
        "kotlin",
        // `b.toString(16)` of a signed byte: "-80".
        Apply::Output(|tag| {
            tag.iter()
                .map(|&byte| {
                    if byte < 0x80 {
                        format!("{byte:x}")
                    } else {
                        format!("-{:x}", 0x100 - u16::from(byte))
                    }
                })
                .collect()
        }),
    ),
    dev(
        Mistake::NibblesSwapped,
        "default",
        Apply::Output(|tag| {
            tag.iter()
                .map(|byte| format!("{:x}{:x}", byte & 0xf, byte >> 4))
                .collect()
        }),
    ),
    dev(
        Mistake::HexEncodedTwice,
        "default",
        Apply::Output(|tag| hex(hex(tag).as_bytes())),
    ),
    dev(
        Mistake::RawDigestOutput,
        "latin1",
        // The raw bytes sent as a string, each byte one character.
        Apply::Output(|tag| tag.iter().copied().map(char::from).collect()),
    ),
    dev(
        Mistake::BytesReprOutput,
        "digest",
        Apply::Output(python_bytes_repr),
    ),
    dev(
        Mistake::BytesReprOutput,
        "hexdigest",
        Apply::Output(|tag| format!("b'{}'", hex(tag))),
    ),
    dev(
        Mistake::ByteOrderReversed,
        "default",
        Apply::Output(|tag| {
            let reversed: Vec<u8> = tag.iter().rev().copied().collect();
            hex(&reversed)
        }),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_as_python_prints_them() {
        assert_eq!(
            python_bytes_repr(b"a'\\\n\x00\xff"),
            "b\"a'\\\\\\n\\x00\\xff\""
        );
        assert_eq!(python_bytes_repr(b"'\""), "b'\\'\"'");
    }
}
