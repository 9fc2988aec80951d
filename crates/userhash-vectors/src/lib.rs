//! The published userhash test vectors: their format and their generator.
#![warn(missing_docs)]
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

pub mod format;
