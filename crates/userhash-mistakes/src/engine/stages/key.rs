//! Key: how the secret becomes the HMAC key. The reference uses the secret's UTF-8 bytes,
//! never decoded, never trimmed.

use super::super::{Apply, Deviation};
use super::dev;
use crate::{lenient_base64_decode, node_hex_decode, Mistake};

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
];
