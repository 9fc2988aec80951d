//! Rendering: how the selected identifier becomes text. The reference keeps text as it is and
//! writes an integer as its plain decimal digits.

use super::super::{Apply, Deviation, Ident};
use super::dev;
use crate::{exponent_form, float64_rounded, Mistake};

/// The reference rendering.
pub(crate) fn reference(ident: &Ident) -> String {
    match ident {
        Ident::Text(text) => text.clone(),
        Ident::Integer(n) => n.to_string(),
    }
}

/// Integers rendered another way, text left alone.
fn integer(ident: &Ident, render: fn(i128) -> String) -> String {
    match ident {
        Ident::Integer(n) => render(*n),
        text => reference(text),
    }
}

pub(crate) const DEVIATIONS: &[Deviation] = &[
    dev(
        Mistake::NumericIdMisformat,
        "float",
        Apply::Rendering(|ident| integer(ident, |n| format!("{n}.0"))),
    ),
    dev(
        Mistake::NumericIdMisformat,
        "exponent",
        Apply::Rendering(|ident| integer(ident, exponent_form)),
    ),
    dev(
        Mistake::NumericIdMisformat,
        "float64-rounded",
        Apply::Rendering(|ident| integer(ident, float64_rounded)),
    ),
];
