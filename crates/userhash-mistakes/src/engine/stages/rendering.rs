//! Rendering: how the selected identifier becomes text. The reference keeps text as it is and
//! writes an integer as its plain decimal digits.

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

/// Integers rendered another way, text left alone.
fn integer(selected: &Selected, render: fn(i128) -> String) -> String {
    match selected.ident {
        Ident::Integer(n) => render(n),
        _ => reference(selected),
    }
}

/// A string user_id rendered another way; emails and integers left alone.
fn user_id_text(selected: &Selected, render: fn(&str) -> Option<String>) -> String {
    match &selected.ident {
        Ident::Text(text) if !selected.from_email => render(text).unwrap_or_else(|| text.clone()),
        _ => reference(selected),
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

pub(crate) const DEVIATIONS: &[Deviation] = &[
    dev(
        Mistake::NumericIdMisformat,
        "float",
        Apply::Rendering(|s| integer(s, |n| format!("{n}.0"))),
    ),
    dev(
        Mistake::NumericIdMisformat,
        "exponent",
        Apply::Rendering(|s| integer(s, exponent_form)),
    ),
    dev(
        Mistake::NumericIdMisformat,
        "float64-rounded",
        Apply::Rendering(|s| integer(s, float64_rounded)),
    ),
    dev(
        Mistake::NumericStringReparsed,
        "integer",
        Apply::Rendering(|s| user_id_text(s, reparsed_integer)),
    ),
    dev(
        Mistake::NumericStringReparsed,
        "number",
        Apply::Rendering(|s| user_id_text(s, reparsed_number)),
    ),
    dev(
        Mistake::LocaleGroupedId,
        "comma",
        Apply::Rendering(|s| integer(s, |n| grouped(n, ','))),
    ),
    dev(
        Mistake::LocaleGroupedId,
        "dot",
        Apply::Rendering(|s| integer(s, |n| grouped(n, '.'))),
    ),
    dev(
        Mistake::JsonStringifiedId,
        "default",
        Apply::Rendering(|s| user_id_text(s, |text| serde_json::to_string(text).ok())),
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
        assert_eq!(reparsed_number("1e3").as_deref(), Some("1000"));
        assert_eq!(reparsed_number("007").as_deref(), Some("7"));
        assert_eq!(reparsed_number(" 42").as_deref(), Some("42"));
        assert_eq!(reparsed_number("1.50").as_deref(), Some("1.5"));
        assert_eq!(reparsed_number("0x1A"), None);
        assert_eq!(reparsed_number("e5"), None);
    }
}
