//! The designed cases of the three files. Inputs are chosen, not sampled: each targets a rule or a
//! known porting mistake, which its description and flags name.

pub mod generation;
pub mod hmac;
pub mod jwt;
pub mod retired;
pub mod verify;

use serde_json::Value;

/// The secret most cases share. Every secret in the suite is public test material.
pub const DEFAULT_SECRET: &str = "userhash-test-secret";

/// How a case sends an identifier: ports see absent fields and nulls, so the vectors keep both.
#[derive(Clone, Debug)]
pub enum Field {
    /// Left out of the JSON.
    Absent,
    /// Any JSON value, null included.
    Json(Value),
}

impl Field {
    /// The field as the format stores it: `None` when absent.
    pub fn into_option(self) -> Option<Value> {
        match self {
            Field::Absent => None,
            Field::Json(value) => Some(value),
        }
    }
}

/// An absent field.
pub fn absent() -> Field {
    Field::Absent
}

/// A null field.
pub fn null() -> Field {
    Field::Json(Value::Null)
}

/// A string field.
pub fn text(value: &str) -> Field {
    Field::Json(Value::String(value.to_owned()))
}

/// Any JSON value.
pub fn json(value: Value) -> Field {
    Field::Json(value)
}

/// A string whose UTF-8 encoding is exactly `len` bytes, for padding-boundary cases.
pub fn ascii_of_len(prefix: &str, len: usize) -> String {
    let mut out = String::from(prefix);
    let digits = b"0123456789";
    let mut next = 0;
    while out.len() < len {
        out.push(char::from(digits[next % digits.len()]));
        next += 1;
    }
    out
}

/// Lowercase hex of bytes.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
