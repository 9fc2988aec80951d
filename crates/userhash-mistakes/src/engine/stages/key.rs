//! Key: how the secret becomes the HMAC key. The reference uses the secret's UTF-8 bytes,
//! never decoded, never trimmed.

use base64::alphabet::STANDARD;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::super::{Apply, Deviation};
use super::dev;
use crate::{hex, lenient_base64_decode, node_hex_decode, Mistake};

/// Python's `bytes.fromhex(secret)` when it succeeds (whitespace allowed between pairs),
/// else the secret's UTF-8 bytes: "it looks like a hex key".
fn hex_when_valid(secret: &str) -> Vec<u8> {
    let mut key = Vec::new();
    let mut digits = secret.chars();
    while let Some(c) = digits.next() {
        if c.is_ascii_whitespace() {
            continue;
        }
        let pair = (c.to_digit(16), digits.next().and_then(|d| d.to_digit(16)));
        match pair {
            (Some(high), Some(low)) => key.extend(u8::try_from(high * 16 + low).ok()),
            _ => return secret.as_bytes().to_vec(),
        }
    }
    key
}

/// Python's `base64.b64decode(secret, validate=True)` when it succeeds, else the secret's
/// UTF-8 bytes. Python takes the standard alphabet with at most two `=` at the end, needs
/// enough padding to finish a partial group (none after a whole one), and ignores spare bits.
fn base64_when_valid(secret: &str) -> Vec<u8> {
    const LENIENT_BITS: GeneralPurpose = GeneralPurpose::new(
        &STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireNone),
    );
    let data = secret.trim_end_matches('=');
    let pads = secret.len() - data.len();
    let partial = data.len() % 4;
    let alphabet = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
    let valid = pads <= 2
        && data.bytes().all(alphabet)
        && (partial == 0 || (partial >= 2 && partial + pads >= 4));
    valid
        .then(|| LENIENT_BITS.decode(data).ok())
        .flatten()
        .unwrap_or_else(|| secret.as_bytes().to_vec())
}

/// Each character as one byte, `?` for those outside Latin-1 (Java's `getBytes()` on an
/// ISO-8859-1 platform).
fn latin1(secret: &str) -> Vec<u8> {
    secret
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

pub(crate) const DEVIATIONS: &[Deviation] = &[
    dev(
        Mistake::SecretHexDecoded,
        "node",
        Apply::Key(node_hex_decode),
    ),
    dev(
        Mistake::SecretBase64Decoded,
        "lenient",
        Apply::Key(lenient_base64_decode),
    ),
    dev(
        Mistake::TrailingNewlineInSecret,
        "lf",
        Apply::Key(|s| format!("{s}\n").into_bytes()),
    ),
    dev(
        Mistake::TrailingNewlineInSecret,
        "crlf",
        Apply::Key(|s| format!("{s}\r\n").into_bytes()),
    ),
    dev(
        Mistake::SecretTrimmed,
        "default",
        Apply::Key(|s| s.trim().as_bytes().to_vec()),
    ),
    dev(
        Mistake::SecretNulTerminated,
        "default",
        Apply::Key(|s| s.split('\0').next().unwrap_or_default().as_bytes().to_vec()),
    ),
    dev(Mistake::EmptyKey, "default", Apply::Key(|_| Vec::new())),
    dev(
        Mistake::SecretHexDecoded,
        "when-valid",
        Apply::Key(hex_when_valid),
    ),
    dev(
        Mistake::SecretBase64Decoded,
        "when-valid",
        Apply::Key(base64_when_valid),
    ),
    dev(
        Mistake::SecretTrimmed,
        "newline",
        // Ruby's chomp-like `rstrip("\n")`, meant for the file's newline.
        Apply::Key(|s| s.trim_end_matches('\n').as_bytes().to_vec()),
    ),
    dev(Mistake::SecretNotUtf8, "latin1", Apply::Key(latin1)),
    dev(
        Mistake::SecretNotUtf8,
        "cp1252",
        Apply::Key(super::encoding::cp1252),
    ),
    dev(
        Mistake::SecretNotUtf8,
        "ascii",
        // .NET's Encoding.ASCII: one '?' per UTF-16 code unit outside ASCII.
        Apply::Key(|s| {
            s.encode_utf16()
                .map(|unit| u8::try_from(unit).ok().filter(u8::is_ascii).unwrap_or(b'?'))
                .collect()
        }),
    ),
    dev(
        Mistake::SecretNotUtf8,
        "utf16le",
        // .NET's Encoding.Unicode.
        Apply::Key(|s| s.encode_utf16().flat_map(u16::to_le_bytes).collect()),
    ),
    dev(
        Mistake::SecretNotUtf8,
        "charcodeat",
        Apply::Key(|s| s.encode_utf16().map(|unit| unit.to_le_bytes()[0]).collect()),
    ),
    dev(
        Mistake::SecretQuoted,
        "default",
        Apply::Key(|s| format!("\"{s}\"").into_bytes()),
    ),
    dev(
        Mistake::SecretTruncated,
        "8-bytes",
        // sizeof(key) of a `char *` on a 64-bit machine.
        Apply::Key(|s| s.as_bytes().iter().take(8).copied().collect()),
    ),
    dev(
        Mistake::SecretWithNulTerminator,
        "default",
        // Only shows once the key fills the block: zero padding hides a NUL at its end.
        Apply::Key(|s| format!("{s}\0").into_bytes()),
    ),
    dev(
        Mistake::SecretPrehashed,
        "raw",
        Apply::Key(|s| Sha256::digest(s.as_bytes()).to_vec()),
    ),
    dev(
        Mistake::SecretPrehashed,
        "hex",
        Apply::Key(|s| hex(&Sha256::digest(s.as_bytes())).into_bytes()),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoders_fall_back_to_the_text() {
        assert_eq!(hex_when_valid("de ad BE\nef"), [0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(hex_when_valid("abc"), b"abc");
        assert_eq!(hex_when_valid("a bc"), b"a bc");
        assert_eq!(base64_when_valid("c2VjcmV0"), b"secret");
        assert_eq!(base64_when_valid("c2VjcmV0=="), b"secret");
        assert_eq!(base64_when_valid("YR=="), [0x61]);
        assert_eq!(base64_when_valid("YR="), b"YR=");
        assert_eq!(base64_when_valid("secret"), b"secret");
        assert_eq!(
            base64_when_valid("secrets="),
            [0xb1, 0xe7, 0x2b, 0x7a, 0xdb]
        );
        assert_eq!(base64_when_valid("a-b"), b"a-b");
        assert_eq!(latin1("é€"), [0xe9, b'?']);
    }
}
