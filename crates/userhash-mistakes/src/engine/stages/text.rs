//! Text: what is done to the identifier's text before it is encoded. The reference does
//! nothing: no trimming, no case folding, no normalisation, no escaping.

use unicode_normalization::UnicodeNormalization;

use super::super::{Apply, Deviation};
use super::dev;
use crate::{html_escape, Mistake};

/// Each non-ASCII character as `?`: per code point, or per UTF-16 code unit (Java, C#).
fn ascii_replaced(text: &str, per_utf16_unit: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if per_utf16_unit {
            out.extend(std::iter::repeat_n('?', c.len_utf16()));
        } else {
            out.push('?');
        }
    }
    out
}

/// Percent-encoding of the UTF-8 bytes, keeping ASCII letters, digits and `keep`; a space
/// becomes `+` when `plus` (forms).
fn url_encoded(text: &str, keep: &[u8], plus: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || keep.contains(&byte) {
            out.push(char::from(byte));
        } else if plus && byte == b' ' {
            out.push('+');
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

pub(crate) const DEVIATIONS: &[Deviation] = &[
    dev(
        Mistake::LowercasedInput,
        "default",
        Apply::Text(str::to_lowercase),
    ),
    dev(
        Mistake::UnicodeNormalized,
        "nfc",
        Apply::Text(|t| t.nfc().collect()),
    ),
    dev(
        Mistake::UnicodeNormalized,
        "nfd",
        Apply::Text(|t| t.nfd().collect()),
    ),
    dev(
        Mistake::UnicodeNormalized,
        "nfkc",
        Apply::Text(|t| t.nfkc().collect()),
    ),
    dev(
        Mistake::UnicodeNormalized,
        "nfkd",
        Apply::Text(|t| t.nfkd().collect()),
    ),
    dev(
        Mistake::AsciiReplaced,
        "code-point",
        Apply::Text(|t| ascii_replaced(t, false)),
    ),
    dev(
        Mistake::AsciiReplaced,
        "utf16-unit",
        Apply::Text(|t| ascii_replaced(t, true)),
    ),
    dev(
        Mistake::HtmlEscapedInput,
        "python",
        Apply::Text(|t| html_escape(t, Some("&#x27;"))),
    ),
    dev(
        Mistake::HtmlEscapedInput,
        "php",
        Apply::Text(|t| html_escape(t, Some("&#039;"))),
    ),
    dev(
        Mistake::HtmlEscapedInput,
        "rails",
        Apply::Text(|t| html_escape(t, Some("&#39;"))),
    ),
    dev(
        Mistake::HtmlEscapedInput,
        "minimal",
        Apply::Text(|t| html_escape(t, None)),
    ),
    dev(
        Mistake::NulTerminatedInput,
        "default",
        Apply::Text(|t| t.split('\0').next().unwrap_or_default().to_owned()),
    ),
    dev(
        Mistake::UrlEncodedInput,
        "percent",
        // JavaScript's encodeURIComponent.
        Apply::Text(|t| url_encoded(t, b"-_.!~*'()", false)),
    ),
    dev(
        Mistake::UrlEncodedInput,
        "form",
        // Python's urllib.parse.quote_plus, PHP's urlencode.
        Apply::Text(|t| url_encoded(t, b"-_.~", true)),
    ),
];
