//! Rendering: how the selected identifier becomes text. The reference keeps text as it is and
//! writes an integer as its plain decimal digits. Integers and string user_ids are rendered
//! apart (two slots), since a port can misprint both.

use super::super::{Apply, Deviation, Ident, Selected};
use super::dev;
use crate::coerce::javascript_number;
use crate::{exponent_form, float64_rounded, Mistake};

/// The reference rendering.
pub(crate) fn reference(selected: &Selected) -> String {
    match &selected.ident {
        Ident::Text(text) => text.clone(),
        Ident::Integer(n) => n.to_string(),
    }
}

/// What a rendering deviation makes of `selected`: `None` when `apply` is not a rendering or
/// does not apply to this kind of identifier.
pub(crate) fn render(apply: Apply, selected: &Selected) -> Option<String> {
    match (apply, &selected.ident) {
        (Apply::RenderInteger(render), Ident::Integer(n)) => Some(render(*n)),
        (Apply::RenderUserIdText(render), Ident::Text(text)) if !selected.from_email => {
            Some(render(text).unwrap_or_else(|| text.clone()))
        }
        _ => None,
    }
}

/// Digits grouped by three with `separator`: 1000000 → "1,000,000".
fn grouped(n: i128, separator: char) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(separator);
        }
        out.push(digit);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Python's `str(int(text))`: an optional sign and decimal digits, whitespace around.
fn reparsed_integer(text: &str) -> Option<String> {
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    trimmed.parse::<i128>().ok().map(|n| n.to_string())
}

/// `str(int(text)) if text.isdigit()`: digits alone, no sign, no whitespace.
fn reparsed_digits(text: &str) -> Option<String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i128>().ok().map(|n| n.to_string())
}

/// JavaScript's `String(Number(text))` for decimal literals (with a fraction or an exponent);
/// other text (NaN to JavaScript) stays as it is.
fn reparsed_number(text: &str) -> Option<String> {
    let trimmed = text.trim();
    let body = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (body, None),
    };
    let mantissa_ok = !mantissa.is_empty()
        && mantissa != "."
        && mantissa.bytes().filter(|b| *b == b'.').count() <= 1
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let exponent_ok = exponent.is_none_or(|e| {
        let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    });
    if !(mantissa_ok && exponent_ok) {
        return None;
    }
    trimmed.parse::<f64>().ok().map(javascript_number)
}

/// A CSV column read as float64 by pandas, printed back by `str()`: a cell that is digits
/// (after ASCII whitespace and one minus sign) becomes `str(float(cell))`.
fn reparsed_python_float(text: &str) -> Option<String> {
    let trimmed = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'));
    let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    trimmed.parse::<f64>().ok().map(python_float)
}

/// A finite double as (negative, its shortest round-trip digits without trailing zeros, the
/// decimal exponent of the first digit): 1234.5 → (false, "12345", 3), 0 → (false, "0", 0).
fn shortest_digits(value: f64) -> (bool, String, i32) {
    // `{:e}` prints the shortest digits that round-trip: "1.2345e3".
    let text = format!("{:e}", value.abs());
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    (
        value.is_sign_negative(),
        digits,
        exponent.parse().unwrap_or(0),
    )
}

/// `d[.ddd]` from digits.
fn mantissa(digits: &str) -> String {
    match digits.split_at(1) {
        (first, "") => first.to_owned(),
        (first, rest) => format!("{first}.{rest}"),
    }
}

/// The integer part of an integral double written out: digits padded with zeros.
fn integral(digits: &str, exponent: i32) -> String {
    let width = usize::try_from(exponent + 1).unwrap_or(1);
    format!("{digits:0<width$}")
}

/// Python's `repr(float)` of an integral double: fixed notation below 1e16 (with ".0"),
/// else `d.ddde+XX`.
fn python_float(value: f64) -> String {
    let (negative, digits, exponent) = shortest_digits(value);
    let sign = if negative { "-" } else { "" };
    if exponent < 16 {
        return format!("{sign}{}.0", integral(&digits, exponent));
    }
    let exponent_sign = if exponent < 0 { '-' } else { '+' };
    format!(
        "{sign}{}e{exponent_sign}{:02}",
        mantissa(&digits),
        exponent.abs()
    )
}

/// Java's `Double.toString` of an integral double: "42.0" from 1e-3 up to 1e7, else
/// "4.2E7" (always a fraction digit).
fn java_double(n: i128) -> String {
    let value = n as f64;
    let (negative, digits, exponent) = shortest_digits(value);
    let sign = if negative { "-" } else { "" };
    if value == 0.0 {
        return "0.0".to_owned();
    }
    if (-3..7).contains(&exponent) {
        return format!("{sign}{}.0", integral(&digits, exponent));
    }
    let (first, rest) = digits.split_at(1);
    let rest = if rest.is_empty() { "0" } else { rest };
    format!("{sign}{first}.{rest}E{exponent}")
}

/// Go's `fmt.Sprint(float64(n))`: the shortest digits, as `%e` (`1e+06`) from exponent 6 up.
fn go_float(n: i128) -> String {
    let (negative, digits, exponent) = shortest_digits(n as f64);
    let sign = if negative { "-" } else { "" };
    if (-4..6).contains(&exponent) {
        return format!("{sign}{}", integral(&digits, exponent));
    }
    let exponent_sign = if exponent < 0 { '-' } else { '+' };
    format!(
        "{sign}{}e{exponent_sign}{:02}",
        mantissa(&digits),
        exponent.abs()
    )
}

/// C's `printf("%.<precision>g")` of an integral double, with `exponent_letter` for `%e`
/// form: `precision` significant digits, rounded, trailing zeros dropped.
fn c_general(value: f64, precision: usize, exponent_letter: char) -> String {
    if value == 0.0 {
        return "0".to_owned();
    }
    // `{:.Ne}` rounds the exact value half to even, as C's printf does.
    let text = format!("{:.*e}", precision.saturating_sub(1), value);
    let (rounded, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let limit = i32::try_from(precision).unwrap_or(i32::MAX);
    if exponent < -4 || exponent >= limit {
        let trimmed = if rounded.contains('.') {
            rounded.trim_end_matches('0').trim_end_matches('.')
        } else {
            rounded
        };
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        return format!(
            "{trimmed}{exponent_letter}{exponent_sign}{:02}",
            exponent.abs()
        );
    }
    // Fixed notation: an integral value below 10^precision prints as its digits.
    format!("{value:.0}")
}

/// Python's `str(Decimal(n).normalize())`: trailing zeros become an exponent, "1E+6".
fn decimal_normalized(n: i128) -> String {
    if n == 0 {
        return "0".to_owned();
    }
    let digits = n.unsigned_abs().to_string();
    let significant = digits.trim_end_matches('0');
    let zeros = digits.len() - significant.len();
    let sign = if n < 0 { "-" } else { "" };
    if zeros == 0 {
        return format!("{sign}{digits}");
    }
    format!(
        "{sign}{}E+{}",
        mantissa(significant),
        significant.len() - 1 + zeros
    )
}

/// PHP's `(string)` of an integer: exact within 64 bits; beyond, `json_decode` made it a
/// float, printed with precision 14 (`1.844674407371E+19`).
fn php_string(n: i128) -> String {
    if i64::try_from(n).is_ok() {
        return n.to_string();
    }
    c_general(n as f64, 14, 'E')
}

/// Python's `repr` of a string: single quotes unless it holds one and no double quote;
/// backslash, the quote, `\t \n \r` escaped; other characters that are not printable as
/// `\xNN`, `\uNNNN`, `\UNNNNNNNN`.
fn python_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !python_printable(c) => {
                let code = u32::from(c);
                if code < 0x100 {
                    out.push_str(&format!("\\x{code:02x}"));
                } else if code < 0x10000 {
                    out.push_str(&format!("\\u{code:04x}"));
                } else {
                    out.push_str(&format!("\\U{code:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `str.isprintable` for one character: not a control, format, separator (other
/// than the space), surrogate or private-use character. The format and separator characters
/// are listed by hand (the standard library has no general category); unassigned code points
/// are taken as printable, which Python does not.
fn python_printable(c: char) -> bool {
    let code = u32::from(c);
    let not_printable = code < 0x20
        || (0x7f..=0xa0).contains(&code)
        || code == 0xad
        || (0x600..=0x605).contains(&code)
        || matches!(
            code,
            0x61c | 0x6dd | 0x70f | 0x8e2 | 0x1680 | 0x180e | 0xfeff
        )
        || (0x2000..=0x200f).contains(&code)
        || (0x2028..=0x202f).contains(&code)
        || (0x205f..=0x2064).contains(&code)
        || (0x2066..=0x206f).contains(&code)
        || code == 0x3000
        || (0xe000..=0xf8ff).contains(&code)
        || (0xfff9..=0xfffb).contains(&code)
        || matches!(code, 0x110bd | 0x110cd | 0xe0001)
        || (0x13430..=0x1343f).contains(&code)
        || (0x1bca0..=0x1bca3).contains(&code)
        || (0x1d173..=0x1d17a).contains(&code)
        || (0xe0020..=0xe007f).contains(&code)
        || code >= 0xf0000;
    !not_printable
}

pub(crate) const DEVIATIONS: &[Deviation] = &[
    dev(
        Mistake::NumericIdMisformat,
        "float",
        Apply::RenderInteger(|n| format!("{n}.0")),
    ),
    dev(
        Mistake::NumericIdMisformat,
        "exponent",
        Apply::RenderInteger(exponent_form),
    ),
    dev(
        Mistake::NumericIdMisformat,
        "float64-rounded",
        Apply::RenderInteger(float64_rounded),
    ),
    dev(
        Mistake::NumericIdMisformat,
        "python-float",
        Apply::RenderInteger(|n| python_float(n as f64)),
    ),
    dev(
        Mistake::NumericIdMisformat,
        "java-double",
        Apply::RenderInteger(java_double),
    ),
    dev(
        Mistake::NumericIdMisformat,
        "rust-exponent",
        Apply::RenderInteger(|n| format!("{:e}", n as f64)),
    ),
    dev(
        Mistake::NumericIdMisformat,
        "go",
        Apply::RenderInteger(go_float),
    ),
    dev(
        Mistake::NumericIdMisformat,
        "printf-g",
        Apply::RenderInteger(|n| c_general(n as f64, 6, 'e')),
    ),
    dev(
        Mistake::NumericIdMisformat,
        "decimal",
        Apply::RenderInteger(decimal_normalized),
    ),
    dev(
        Mistake::NumericIdMisformat,
        "javascript",
        Apply::RenderInteger(|n| javascript_number(n as f64)),
    ),
    dev(
        Mistake::NumericIdMisformat,
        "php-float",
        Apply::RenderInteger(php_string),
    ),
    dev(
        Mistake::NumericStringReparsed,
        "integer",
        Apply::RenderUserIdText(reparsed_integer),
    ),
    dev(
        Mistake::NumericStringReparsed,
        "number",
        Apply::RenderUserIdText(reparsed_number),
    ),
    dev(
        Mistake::NumericStringReparsed,
        "digits-only",
        Apply::RenderUserIdText(reparsed_digits),
    ),
    dev(
        Mistake::NumericStringReparsed,
        "python-float",
        Apply::RenderUserIdText(reparsed_python_float),
    ),
    dev(
        Mistake::LocaleGroupedId,
        "comma",
        Apply::RenderInteger(|n| grouped(n, ',')),
    ),
    dev(
        Mistake::LocaleGroupedId,
        "dot",
        Apply::RenderInteger(|n| grouped(n, '.')),
    ),
    // PHP's number_format takes a float.
    dev(
        Mistake::LocaleGroupedId,
        "comma-float64",
        Apply::RenderInteger(|n| grouped((n as f64) as i128, ',')),
    ),
    dev(
        Mistake::SerializedInput,
        "json",
        Apply::RenderUserIdText(|text| serde_json::to_string(text).ok()),
    ),
    dev(
        Mistake::SerializedInput,
        "python-repr",
        Apply::RenderUserIdText(|text| Some(python_repr(text))),
    ),
    dev(
        Mistake::IntegerIdOverflow,
        "int32",
        Apply::RenderInteger(|n| (n as i32).to_string()),
    ),
    dev(
        Mistake::IntegerIdOverflow,
        "int32-saturated",
        Apply::RenderInteger(|n| n.clamp(i32::MIN.into(), i32::MAX.into()).to_string()),
    ),
    dev(
        Mistake::IntegerIdOverflow,
        "uint64",
        Apply::RenderInteger(|n| (n as u64).to_string()),
    ),
    dev(
        Mistake::IntegerIdOverflow,
        "int64",
        Apply::RenderInteger(|n| (n as i64).to_string()),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renderings() {
        assert_eq!(grouped(1_000_000, ','), "1,000,000");
        assert_eq!(grouped(-1_234, '.'), "-1.234");
        assert_eq!(grouped(999, ','), "999");
        assert_eq!(reparsed_integer(" +007 ").as_deref(), Some("7"));
        assert_eq!(reparsed_integer("1e3"), None);
        assert_eq!(reparsed_integer("user_8f3a2c"), None);
        assert_eq!(reparsed_digits("007").as_deref(), Some("7"));
        assert_eq!(reparsed_digits(" 7"), None);
        assert_eq!(reparsed_number("1e3").as_deref(), Some("1000"));
        assert_eq!(reparsed_number("007").as_deref(), Some("7"));
        assert_eq!(reparsed_number(" 42").as_deref(), Some("42"));
        assert_eq!(reparsed_number("1.50").as_deref(), Some("1.5"));
        assert_eq!(reparsed_number("0x1A"), None);
        assert_eq!(reparsed_number("e5"), None);
        assert_eq!(reparsed_python_float(" -42 ").as_deref(), Some("-42.0"));
    }

    #[test]
    fn floats_as_languages_print_them() {
        let max = i128::from(u64::MAX);
        assert_eq!(python_float(42.0), "42.0");
        assert_eq!(python_float(max as f64), "1.8446744073709552e+19");
        assert_eq!(python_float(1e16), "1e+16");
        assert_eq!(python_float(0.0), "0.0");
        assert_eq!(python_float(-0.0), "-0.0");
        assert_eq!(java_double(42), "42.0");
        assert_eq!(java_double(10_000_000), "1.0E7");
        assert_eq!(java_double(-9_007_199_254_740_993), "-9.007199254740992E15");
        assert_eq!(go_float(123_456), "123456");
        assert_eq!(go_float(1_000_000), "1e+06");
        assert_eq!(go_float(1_234_567), "1.234567e+06");
        assert_eq!(c_general(1_000_005.0, 6, 'e'), "1e+06");
        assert_eq!(c_general(1_000_015.0, 6, 'e'), "1.00002e+06");
        assert_eq!(c_general(999_999.0, 6, 'e'), "999999");
        assert_eq!(decimal_normalized(1_000_000), "1E+6");
        assert_eq!(decimal_normalized(1230), "1.23E+3");
        assert_eq!(decimal_normalized(-42), "-42");
        assert_eq!(php_string(max), "1.844674407371E+19");
        assert_eq!(php_string(42), "42");
    }

    #[test]
    fn serialisations() {
        assert_eq!(python_repr("ada"), "'ada'");
        assert_eq!(python_repr("o'brien"), "\"o'brien\"");
        assert_eq!(python_repr("a'\"b"), "'a\\'\"b'");
        assert_eq!(
            python_repr("t\u{a0}\u{0}é😀\u{200b}"),
            "'t\\xa0\\x00é😀\\u200b'"
        );
    }
}
