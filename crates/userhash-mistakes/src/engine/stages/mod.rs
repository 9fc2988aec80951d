//! The stages of a user hash, one module each, each listing its deviations: the catalogue
//! name, the variant, and the function that replaces the stage. Adding a deviation is one entry
//! in one list here (and its name and hint in the catalogue).

pub(crate) mod encoding;
pub(crate) mod key;
pub(crate) mod mac;
pub(crate) mod output;
pub(crate) mod rendering;
pub(crate) mod selection;
pub(crate) mod text;

use super::{Apply, Deviation};
use crate::Mistake;

/// A deviation, for the stage lists.
pub(crate) const fn dev(mistake: Mistake, variant: &'static str, apply: Apply) -> Deviation {
    Deviation {
        mistake,
        variant,
        apply,
    }
}

/// Every deviation, in stage order.
pub(crate) fn all() -> Vec<Deviation> {
    [
        selection::DEVIATIONS,
        rendering::DEVIATIONS,
        text::DEVIATIONS,
        encoding::DEVIATIONS,
        key::DEVIATIONS,
        mac::DEVIATIONS,
        output::DEVIATIONS,
    ]
    .concat()
}
