//! Selection: which identifier is hashed, and what counts as absent. The reference hashes the
//! user_id when one is present (a string that is not empty, or an integer), else the email
//! when one is present, else nothing.

use super::super::{Apply, Deviation, Fields, Ident, Selected};
use super::dev;
use crate::Mistake;

/// The reference selection.
pub(crate) fn reference(fields: &Fields<'_>) -> Option<Selected> {
    user_id(fields).or_else(|| email(fields))
}

/// What an unidentified user is signed as by a port that hashes `literal` for nothing.
pub(crate) fn unidentified(literal: &str) -> Selected {
    text(literal, false)
}

fn user_id(fields: &Fields<'_>) -> Option<Selected> {
    match fields.user_id_ident()? {
        Ident::Text(text) if text.is_empty() => None,
        ident => Some(Selected {
            ident,
            from_email: false,
        }),
    }
}

fn email(fields: &Fields<'_>) -> Option<Selected> {
    fields.email.map(|email| text(email, true))
}

fn text(text: &str, from_email: bool) -> Selected {
    Selected {
        ident: Ident::Text(text.to_owned()),
        from_email,
    }
}

/// A missing or null user_id hashed as a placeholder literal, the email ignored.
fn stringified(fields: &Fields<'_>, literal: &str) -> Option<Selected> {
    if fields.raw_user_id.is_none_or(serde_json::Value::is_null) {
        return Some(text(literal, false));
    }
    reference(fields)
}

/// Both identifiers cleaned by `clean` *before* the choice, so one that cleans to nothing
/// counts as absent (`uid.strip() or email.strip()`). Integers are left alone.
fn cleaned(fields: &Fields<'_>, clean: fn(&str) -> String) -> Option<Selected> {
    let user_id = match fields.user_id_ident() {
        Some(Ident::Text(id)) => Some(clean(&id))
            .filter(|id| !id.is_empty())
            .map(|id| text(&id, false)),
        Some(ident) => Some(Selected {
            ident,
            from_email: false,
        }),
        None => None,
    };
    user_id.or_else(|| {
        fields
            .email
            .map(clean)
            .filter(|email| !email.is_empty())
            .map(|email| text(&email, true))
    })
}

/// The reference choice, with the email (only) rewritten by `rewrite`; `None` from it drops
/// the email.
fn email_rewritten(fields: &Fields<'_>, rewrite: fn(&str) -> Option<String>) -> Option<Selected> {
    user_id(fields).or_else(|| {
        fields
            .email
            .and_then(rewrite)
            .map(|email| text(&email, true))
    })
}

/// Whether the email field is missing or null (not merely empty).
fn email_is_nothing(fields: &Fields<'_>) -> bool {
    fields.email_field.is_none_or(serde_json::Value::is_null)
}

/// A truthiness test on the user_id: the integer 0 counts as absent.
fn zero_absent(fields: &Fields<'_>) -> Option<Selected> {
    match fields.user_id_ident() {
        Some(Ident::Integer(0)) => email(fields),
        _ => reference(fields),
    }
}

/// Rails' `present?`: the user_id when it is not nil (empty or not), else the email; then
/// nothing at all if that is blank.
fn present(fields: &Fields<'_>) -> Option<Selected> {
    let chosen = match fields.user_id_ident() {
        Some(Ident::Text(id)) => text(&id, false),
        Some(ident) => Selected {
            ident,
            from_email: false,
        },
        None => text(fields.raw_email.unwrap_or_default(), true),
    };
    match &chosen.ident {
        Ident::Text(value) if value.trim().is_empty() => None,
        _ => Some(chosen),
    }
}

/// A whitespace-only identifier is blank, so absent; one that is not is hashed as sent.
fn blank_absent(fields: &Fields<'_>) -> Option<Selected> {
    let blank = |value: &str| value.trim().is_empty();
    match fields.user_id_ident() {
        Some(Ident::Text(id)) if !blank(&id) => Some(text(&id, false)),
        Some(Ident::Integer(n)) => Some(Selected {
            ident: Ident::Integer(n),
            from_email: false,
        }),
        _ => fields
            .email
            .filter(|email| !blank(email))
            .map(|email| text(email, true)),
    }
}

/// Only a missing or null field is absent: `""` is an identifier like any other.
fn empty_present(fields: &Fields<'_>) -> Option<Selected> {
    fields
        .user_id_ident()
        .map(|ident| Selected {
            ident,
            from_email: false,
        })
        .or_else(|| fields.raw_email.map(|email| text(email, true)))
}

/// The user_id is tested for empty, the email only for null: an empty email is signed.
fn empty_email_present(fields: &Fields<'_>) -> Option<Selected> {
    user_id(fields).or_else(|| fields.raw_email.map(|email| text(email, true)))
}

/// "null", "None", "undefined", "nil" (any case) and `""` are no identifier.
fn placeholders_absent(fields: &Fields<'_>) -> Option<Selected> {
    let placeholder = |value: &str| {
        ["", "null", "none", "undefined", "nil"].contains(&value.to_lowercase().as_str())
    };
    let user_id = match fields.user_id_ident() {
        Some(Ident::Text(id)) if placeholder(&id) => None,
        Some(ident) => Some(Selected {
            ident,
            from_email: false,
        }),
        None => None,
    };
    user_id.or_else(|| {
        fields
            .email
            .filter(|email| !placeholder(email))
            .map(|email| text(email, true))
    })
}

/// Only string user_ids are user_ids: an integer one is passed over for the email.
fn integers_skipped(fields: &Fields<'_>) -> Option<Selected> {
    match fields.user_id_ident() {
        Some(Ident::Integer(_)) => email(fields),
        _ => reference(fields),
    }
}

/// Python's `str.rstrip` of the whitespace a C programmer lists: `" \t\n\r\0\x0b"`.
fn right_trimmed(value: &str) -> String {
    value
        .trim_end_matches([' ', '\t', '\n', '\r', '\0', '\x0b'])
        .to_owned()
}

/// JavaScript's `String.prototype.trim`: its white space and line terminators, which include
/// the byte-order mark U+FEFF (and not U+0085, which Rust's `trim` removes).
fn javascript_trimmed(value: &str) -> String {
    value
        .trim_matches(|c| {
            matches!(
                c,
                '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
                    ..='\u{200a}'
                        | '\u{2028}'
                        | '\u{2029}'
                        | '\u{202f}'
                        | '\u{205f}'
                        | '\u{3000}'
                        | '\u{feff}'
            )
        })
        .to_owned()
}

/// `re.sub(r"[\x00-\x1f\x7f]", "", value)`.
fn without_c0_controls(value: &str) -> String {
    value.chars().filter(|c| !c.is_ascii_control()).collect()
}

/// `" ".join(value.split())`.
fn whitespace_collapsed(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `re.sub(r"\+[^@]*@", "@", email, count=1)`: the first `+tag` before an `@` removed.
fn plus_tag_removed(email: &str) -> Option<String> {
    let Some(plus) = email.find('+') else {
        return Some(email.to_owned());
    };
    match email[plus..].find('@') {
        Some(at) => Some(format!("{}{}", &email[..plus], &email[plus + at..])),
        None => Some(email.to_owned()),
    }
}

/// The domain (after the last `@`) lowercased, the local part kept.
fn domain_lowercased(email: &str) -> Option<String> {
    Some(match email.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
        None => email.to_owned(),
    })
}

pub(crate) const DEVIATIONS: &[Deviation] = &[
    dev(
        Mistake::EmailWhenUserIdPresent,
        "default",
        Apply::Selection(|fields| email(fields).or_else(|| user_id(fields))),
    ),
    dev(
        Mistake::HashForUnidentified,
        "default",
        Apply::Unidentified(|_| Some("")),
    ),
    // `str(user_id or email)`: "None" when the email is missing or null (an empty one is falsy
    // and signs nothing).
    dev(
        Mistake::HashForUnidentified,
        "python",
        Apply::Unidentified(|fields| email_is_nothing(fields).then_some("None")),
    ),
    // `String.valueOf(email)` in Java: "null".
    dev(
        Mistake::HashForUnidentified,
        "java",
        Apply::Unidentified(|fields| email_is_nothing(fields).then_some("null")),
    ),
    // `String(userId || email)`: "null" for a null email, "undefined" for a missing one.
    dev(
        Mistake::HashForUnidentified,
        "javascript",
        Apply::Unidentified(|fields| match fields.email_field {
            None => Some("undefined"),
            Some(serde_json::Value::Null) => Some("null"),
            Some(_) => None,
        }),
    ),
    dev(Mistake::MissingHash, "default", Apply::Selection(user_id)),
    dev(Mistake::MissingHash, "present", Apply::Selection(present)),
    dev(
        Mistake::TrimmedInput,
        "default",
        Apply::Selection(|fields| cleaned(fields, |value| value.trim().to_owned())),
    ),
    dev(
        Mistake::TrimmedInput,
        "right",
        Apply::Selection(|fields| cleaned(fields, right_trimmed)),
    ),
    dev(
        Mistake::TrimmedInput,
        "javascript",
        Apply::Selection(|fields| cleaned(fields, javascript_trimmed)),
    ),
    dev(
        Mistake::TrimmedInput,
        "email",
        Apply::Selection(|fields| {
            email_rewritten(fields, |email| {
                Some(email.trim().to_owned()).filter(|email| !email.is_empty())
            })
        }),
    ),
    dev(
        Mistake::LowercasedInput,
        "email",
        Apply::Selection(|fields| email_rewritten(fields, |email| Some(email.to_lowercase()))),
    ),
    dev(
        Mistake::LowercasedInput,
        "email-domain",
        Apply::Selection(|fields| email_rewritten(fields, domain_lowercased)),
    ),
    dev(
        Mistake::StringifiedNull,
        "null",
        Apply::Selection(|fields| stringified(fields, "null")),
    ),
    dev(
        Mistake::StringifiedNull,
        "None",
        Apply::Selection(|fields| stringified(fields, "None")),
    ),
    dev(
        Mistake::StringifiedNull,
        "undefined",
        Apply::Selection(|fields| stringified(fields, "undefined")),
    ),
    dev(
        Mistake::StringifiedNull,
        "nil",
        Apply::Selection(|fields| stringified(fields, "nil")),
    ),
    // Go's fmt.Sprint of a nil interface.
    dev(
        Mistake::StringifiedNull,
        "<nil>",
        Apply::Selection(|fields| stringified(fields, "<nil>")),
    ),
    dev(
        Mistake::ZeroIdAbsent,
        "default",
        Apply::Selection(zero_absent),
    ),
    dev(
        Mistake::PlaceholderStringAbsent,
        "default",
        Apply::Selection(placeholders_absent),
    ),
    dev(
        Mistake::BlankIdentifierAbsent,
        "default",
        Apply::Selection(blank_absent),
    ),
    dev(
        Mistake::EmptyStringNotAbsent,
        "both",
        Apply::Selection(empty_present),
    ),
    dev(
        Mistake::EmptyStringNotAbsent,
        "email",
        Apply::Selection(empty_email_present),
    ),
    dev(
        Mistake::EmailCanonicalized,
        "plus-tag",
        Apply::Selection(|fields| email_rewritten(fields, plus_tag_removed)),
    ),
    dev(
        Mistake::ControlCharactersRemoved,
        "c0",
        Apply::Selection(|fields| cleaned(fields, without_c0_controls)),
    ),
    dev(
        Mistake::WhitespaceCollapsed,
        "default",
        Apply::Selection(|fields| cleaned(fields, whitespace_collapsed)),
    ),
    dev(
        Mistake::IntegerUserIdRejected,
        "skipped",
        Apply::Selection(integers_skipped),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleanings() {
        assert_eq!(right_trimmed(" a \t\0\x0b\n"), " a");
        assert_eq!(
            javascript_trimmed("\u{feff} a\u{3000}\u{85}"),
            "a\u{3000}\u{85}"
        );
        assert_eq!(without_c0_controls("a\tb\x7f\0c"), "abc");
        assert_eq!(whitespace_collapsed("  a \t b\n"), "a b");
        assert_eq!(
            plus_tag_removed("ada+news@x.com").as_deref(),
            Some("ada@x.com")
        );
        assert_eq!(plus_tag_removed("a+b").as_deref(), Some("a+b"));
        assert_eq!(
            domain_lowercased("Ada@EXAMPLE.com").as_deref(),
            Some("Ada@example.com")
        );
    }
}
