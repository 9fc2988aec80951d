//! The catalogue of known porting mistakes (skeleton; being filled in).
#![warn(missing_docs)]

use serde_json::Value;

/// A case's input as the port receives it. `None` = the field is absent; `Some(Value::Null)` = null.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    /// The secret, as sent.
    pub secret: &'a str,
    /// The user_id field.
    pub user_id: Option<&'a Value>,
    /// The email field.
    pub email: Option<&'a Value>,
}

/// What a port answered to a `user_hash` request: `None` = no hash (null).
pub type Answer = Option<String>;
