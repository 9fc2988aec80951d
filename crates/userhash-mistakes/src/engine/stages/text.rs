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

/// Python's `json.dumps(text)[1:-1]` (ASCII-only output): the JSON escapes without the quotes.
fn json_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c.is_ascii() && !c.is_ascii_control()) || c == '\u{7f}' => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out
}

/// The UTF-8 bytes form-decoded (`unquote_plus`): `+` is a space, `%XX` a byte; the bytes
/// read back as UTF-8 with replacement characters.
fn form_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex_pair = bytes
            .get(i + 1..i + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .filter(|pair| pair.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[i], hex_pair) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `re.sub(r"<[^>]*>", "", text)`: every `<` with a `>` after it, and what lies between.
fn tags_stripped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        match rest[open..].find('>') {
            Some(close) => {
                out.push_str(&rest[..open]);
                rest = &rest[open + close + 1..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// PHP's `addslashes`: `\`, `'`, `"` and NUL backslash-escaped.
fn backslash_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '\'' | '"' => {
                out.push('\\');
                out.push(c);
            }
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out
}

/// Line ends as CRLF: every LF, CR and CRLF becomes CRLF.
fn crlf_line_ends(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n")
}

/// Ruby's `chomp`: one trailing CRLF, LF or CR removed.
fn chomped(text: &str) -> String {
    text.strip_suffix("\r\n")
        .or_else(|| text.strip_suffix(['\n', '\r']))
        .unwrap_or(text)
        .to_owned()
}

/// The UTF-8 bytes cut at `limit`, a character split by the cut dropped.
fn bytes_limited(text: &str, limit: usize) -> String {
    let mut end = text.len().min(limit);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// Zero-width characters, direction marks (U+200B to U+200F), the word joiner and the BOM.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}')
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
    dev(
        Mistake::LowercasedInput,
        "upper",
        Apply::Text(str::to_uppercase),
    ),
    dev(Mistake::TrimmedInput, "chomp", Apply::Text(chomped)),
    dev(
        Mistake::AsciiReplaced,
        "ignore",
        Apply::Text(|t| t.chars().filter(char::is_ascii).collect()),
    ),
    dev(
        Mistake::HtmlEscapedInput,
        "php-compat",
        // htmlspecialchars before PHP 8.1: ENT_COMPAT escapes " but not '.
        Apply::Text(|t| html_escape(t, None).replace('"', "&quot;")),
    ),
    dev(
        Mistake::HtmlEscapedInput,
        "go",
        // Go's html.EscapeString.
        Apply::Text(|t| {
            html_escape(t, None)
                .replace('\'', "&#39;")
                .replace('"', "&#34;")
        }),
    ),
    dev(
        Mistake::SerializedInput,
        "json-escaped",
        Apply::Text(json_escaped),
    ),
    dev(
        Mistake::FirstLineOnly,
        "default",
        Apply::Text(|t| t.split('\n').next().unwrap_or_default().to_owned()),
    ),
    dev(
        Mistake::LineEndingsChanged,
        "lf",
        // Python's universal newlines.
        Apply::Text(|t| t.replace("\r\n", "\n").replace('\r', "\n")),
    ),
    dev(
        Mistake::LineEndingsChanged,
        "crlf",
        // HTML forms post textarea values with CRLF.
        Apply::Text(crlf_line_ends),
    ),
    dev(
        Mistake::ControlCharactersRemoved,
        "nul",
        // PostgreSQL text cannot hold NUL.
        Apply::Text(|t| t.replace('\0', "")),
    ),
    dev(
        Mistake::InvisibleCharactersRemoved,
        "default",
        Apply::Text(|t| t.chars().filter(|c| !is_invisible(*c)).collect()),
    ),
    dev(Mistake::UrlDecodedInput, "form", Apply::Text(form_decoded)),
    dev(Mistake::TagsStripped, "default", Apply::Text(tags_stripped)),
    dev(
        Mistake::BackslashEscapedInput,
        "default",
        Apply::Text(backslash_escaped),
    ),
    dev(
        Mistake::LengthLimitedInput,
        "64-chars",
        Apply::Text(|t| t.chars().take(64).collect()),
    ),
    dev(
        Mistake::LengthLimitedInput,
        "255-bytes",
        Apply::Text(|t| bytes_limited(t, 255)),
    ),
    dev(
        Mistake::AsciiFolded,
        "default",
        Apply::Text(|t| t.nfkd().filter(char::is_ascii).collect()),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transforms() {
        assert_eq!(
            json_escaped("say \"hé\"\n😀"),
            "say \\\"h\\u00e9\\\"\\n\\ud83d\\ude00"
        );
        assert_eq!(form_decoded("ada+x%40y%zz%e2%82%ac"), "ada x@y%zz€");
        assert_eq!(tags_stripped("a<b>c<d"), "ac<d");
        assert_eq!(backslash_escaped("o'b\"\\\0"), "o\\'b\\\"\\\\\\0");
        assert_eq!(crlf_line_ends("a\nb\r\nc\rd"), "a\r\nb\r\nc\r\nd");
        assert_eq!(chomped("a\n\n"), "a\n");
        assert_eq!(chomped("a\r\n"), "a");
        assert_eq!(bytes_limited("aé", 2), "a");
        assert_eq!(bytes_limited("aé", 3), "aé");
    }
}
