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
    fields.email.map(|email| Selected {
        ident: Ident::Text(email.to_owned()),
        from_email: true,
    })
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

/// Identifiers trimmed before selection: whitespace-only counts as absent.
fn trimmed(fields: &Fields<'_>) -> Option<Selected> {
    let user_id = match fields.user_id_ident() {
        Some(Ident::Text(id)) => {
            let id = id.trim();
            (!id.is_empty()).then(|| text(id, false))
        }
        Some(ident) => Some(Selected {
            ident,
            from_email: false,
        }),
        None => None,
    };
    user_id.or_else(|| {
        fields
            .email
            .map(str::trim)
            .filter(|email| !email.is_empty())
            .map(|email| text(email, true))
    })
}

/// A truthiness test on the user_id: the integer 0 counts as absent.
fn zero_absent(fields: &Fields<'_>) -> Option<Selected> {
    match fields.user_id_ident() {
        Some(Ident::Integer(0)) => email(fields),
        _ => reference(fields),
    }
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
        Apply::Selection(|fields| reference(fields).or_else(|| Some(text("", false)))),
    ),
    dev(Mistake::MissingHash, "default", Apply::Selection(user_id)),
    dev(Mistake::TrimmedInput, "default", Apply::Selection(trimmed)),
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
    dev(
        Mistake::ZeroIdAbsent,
        "default",
        Apply::Selection(zero_absent),
    ),
];
