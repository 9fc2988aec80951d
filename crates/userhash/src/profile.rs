//! The reference profile: which identifier is hashed, and how it becomes bytes.
//!
//! This module is the single place where the rules live. The vectors publish them, the checker
//! enforces them, and every reference port mirrors them:
//!
//! - An identifier that is missing, null or the empty string is absent. Anything else is used
//!   byte for byte: no trimming, no case folding, no Unicode normalisation.
//! - A `user_id` is a string or an integer; an integer is hashed as its plain decimal string.
//! - user_id present → the user_id is hashed; else email present → the email; else the user is
//!   unidentified and gets no hash.

use std::borrow::Cow;
use std::fmt;

/// A `user_id` as an application holds it: text, or an integer key from a database.
///
/// ```
/// use userhash::UserId;
/// assert_eq!(UserId::from(42).to_message().as_deref(), Some("42"));
/// assert_eq!(UserId::from("u-1").to_message().as_deref(), Some("u-1"));
/// assert_eq!(UserId::from("").to_message(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserId<'a> {
    /// A textual id, hashed as its UTF-8 bytes.
    Text(&'a str),
    /// An integer id, hashed as its plain decimal string (`-7`, `0`, `9007199254740993`).
    Integer(i128),
}

impl<'a> UserId<'a> {
    /// The string that is hashed for this id, or `None` when the id counts as absent.
    ///
    /// ```
    /// use userhash::UserId;
    /// assert_eq!(UserId::Integer(-7).to_message().as_deref(), Some("-7"));
    /// assert_eq!(UserId::Text(" 7 ").to_message().as_deref(), Some(" 7 "));
    /// assert_eq!(UserId::Text("").to_message(), None);
    /// ```
    pub fn to_message(self) -> Option<Cow<'a, str>> {
        match self {
            UserId::Text("") => None,
            UserId::Text(text) => Some(Cow::Borrowed(text)),
            UserId::Integer(number) => Some(Cow::Owned(number.to_string())),
        }
    }
}

impl<'a> From<&'a str> for UserId<'a> {
    fn from(text: &'a str) -> Self {
        UserId::Text(text)
    }
}

macro_rules! user_id_from_integer {
    ($($int:ty),*) => {$(
        impl From<$int> for UserId<'_> {
            fn from(number: $int) -> Self {
                UserId::Integer(i128::from(number))
            }
        }
    )*};
}
user_id_from_integer!(i8, i16, i32, i64, u8, u16, u32, u64);

/// Which identifier was hashed.
///
/// ```
/// use userhash::{Identity, IdentityKind};
/// assert_eq!(Identity::select(None, Some("ada@example.com")).kind(), IdentityKind::Email);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdentityKind {
    /// The `user_id` was hashed.
    UserId,
    /// No `user_id`, so the email was hashed.
    Email,
    /// Neither: no hash.
    Unidentified,
}

impl IdentityKind {
    /// The name the vector files use: `user_id`, `email` or `none`.
    ///
    /// ```
    /// assert_eq!(userhash::IdentityKind::Unidentified.as_str(), "none");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::UserId => "user_id",
            IdentityKind::Email => "email",
            IdentityKind::Unidentified => "none",
        }
    }
}

/// The identity selected for hashing, with the exact string that is hashed.
///
/// ```
/// use userhash::{Identity, IdentityKind, UserId};
/// let both = Identity::select(Some(UserId::Integer(7)), Some("a@example.com"));
/// assert_eq!(both.kind(), IdentityKind::UserId);
/// assert_eq!(both.message(), Some("7"));
/// let email_only = Identity::select(Some(UserId::Text("")), Some("a@example.com"));
/// assert_eq!(email_only.message(), Some("a@example.com"));
/// assert_eq!(Identity::select(None, Some("")), Identity::Unidentified);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identity<'a> {
    /// Hash this user_id.
    UserId(Cow<'a, str>),
    /// Hash this email.
    Email(&'a str),
    /// No identifier: no hash.
    Unidentified,
}

impl<'a> Identity<'a> {
    /// Applies the selection rule: a present user_id wins over a present email.
    ///
    /// ```
    /// use userhash::{Identity, UserId};
    /// let identity = Identity::select(Some(UserId::Text("u-1")), Some("ada@example.com"));
    /// assert_eq!(identity, Identity::UserId("u-1".into()));
    /// ```
    pub fn select(user_id: Option<UserId<'a>>, email: Option<&'a str>) -> Self {
        if let Some(message) = user_id.and_then(UserId::to_message) {
            return Identity::UserId(message);
        }
        match email {
            Some(email) if !email.is_empty() => Identity::Email(email),
            _ => Identity::Unidentified,
        }
    }

    /// Which identifier was selected.
    ///
    /// ```
    /// use userhash::{Identity, IdentityKind};
    /// assert_eq!(Identity::Unidentified.kind(), IdentityKind::Unidentified);
    /// ```
    pub fn kind(&self) -> IdentityKind {
        match self {
            Identity::UserId(_) => IdentityKind::UserId,
            Identity::Email(_) => IdentityKind::Email,
            Identity::Unidentified => IdentityKind::Unidentified,
        }
    }

    /// The exact string that is hashed, or `None` for an unidentified user.
    ///
    /// ```
    /// use userhash::{Identity, UserId};
    /// assert_eq!(Identity::select(Some(UserId::Integer(0)), None).message(), Some("0"));
    /// assert_eq!(Identity::Unidentified.message(), None);
    /// ```
    pub fn message(&self) -> Option<&str> {
        match self {
            Identity::UserId(id) => Some(id),
            Identity::Email(email) => Some(email),
            Identity::Unidentified => None,
        }
    }
}

/// Input the reference profile rejects.
///
/// ```
/// let error = userhash::user_hash("", None, Some("ada@example.com")).unwrap_err();
/// assert_eq!(error, userhash::Error::EmptySecret);
/// assert!(error.to_string().contains("secret is empty"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The secret is empty: an empty HMAC key signs nothing worth trusting.
    EmptySecret,
    /// The user_id is neither a string nor an integer; `found` names the JSON type.
    UserIdType {
        /// The JSON type that was given instead (`float`, `boolean`, `array`, `object`).
        found: &'static str,
    },
    /// The email is not a string; `found` names the JSON type.
    EmailType {
        /// The JSON type that was given instead.
        found: &'static str,
    },
}

impl Error {
    /// The error class the vector files name in `expected.error`.
    ///
    /// ```
    /// assert_eq!(userhash::Error::EmptySecret.class(), "empty_secret");
    /// ```
    pub fn class(&self) -> &'static str {
        match self {
            Error::EmptySecret => "empty_secret",
            Error::UserIdType { .. } => "invalid_user_id_type",
            Error::EmailType { .. } => "invalid_email_type",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::EmptySecret => f.write_str(
                "the secret is empty; use the identity-verification secret from the workspace settings",
            ),
            Error::UserIdType { found } => write!(
                f,
                "user_id is a {found}; it must be a string or an integer (send integers as plain decimal)"
            ),
            Error::EmailType { found } => write!(f, "email is a {found}; it must be a string"),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(feature = "json")]
mod json {
    use super::{Error, Identity, UserId};
    use serde_json::Value;

    fn type_name(value: &Value) -> &'static str {
        match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "float",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// Reads a `user_id` from JSON: `None` for missing or null; integers within 64 bits (signed
    /// or unsigned) become [`UserId::Integer`]. A number with a fraction or an exponent, or one
    /// too large for 64 bits, is a float and rejected, as are booleans, arrays and objects.
    ///
    /// ```
    /// use serde_json::json;
    /// use userhash::profile::user_id_from_json;
    /// use userhash::UserId;
    /// assert_eq!(user_id_from_json(Some(&json!(42))), Ok(Some(UserId::Integer(42))));
    /// assert_eq!(user_id_from_json(Some(&json!(null))), Ok(None));
    /// assert_eq!(user_id_from_json(Some(&json!(42.0))).unwrap_err().class(), "invalid_user_id_type");
    /// ```
    pub fn user_id_from_json(value: Option<&Value>) -> Result<Option<UserId<'_>>, Error> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(UserId::Text(text))),
            Some(Value::Number(number)) => {
                if let Some(signed) = number.as_i64() {
                    Ok(Some(UserId::Integer(i128::from(signed))))
                } else if let Some(unsigned) = number.as_u64() {
                    Ok(Some(UserId::Integer(i128::from(unsigned))))
                } else {
                    Err(Error::UserIdType { found: "float" })
                }
            }
            Some(other) => Err(Error::UserIdType {
                found: type_name(other),
            }),
        }
    }

    /// Reads an email from JSON: `None` for missing or null, a string, or an error.
    ///
    /// ```
    /// use serde_json::json;
    /// use userhash::profile::email_from_json;
    /// assert_eq!(email_from_json(Some(&json!("ada@example.com"))), Ok(Some("ada@example.com")));
    /// assert_eq!(email_from_json(None), Ok(None));
    /// assert!(email_from_json(Some(&json!(42))).is_err());
    /// ```
    pub fn email_from_json(value: Option<&Value>) -> Result<Option<&str>, Error> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(other) => Err(Error::EmailType {
                found: type_name(other),
            }),
        }
    }

    impl<'a> Identity<'a> {
        /// Selects the identity from JSON fields (`None` = the field is missing).
        ///
        /// ```
        /// use serde_json::json;
        /// use userhash::{Identity, IdentityKind};
        /// let user_id = json!(42);
        /// let identity = Identity::from_json(Some(&user_id), None)?;
        /// assert_eq!(identity.message(), Some("42"));
        /// assert!(Identity::from_json(Some(&json!(4.5)), None).is_err());
        /// assert!(Identity::from_json(Some(&json!(true)), None).is_err());
        /// # Ok::<(), userhash::Error>(())
        /// ```
        pub fn from_json(
            user_id: Option<&'a Value>,
            email: Option<&'a Value>,
        ) -> Result<Self, Error> {
            let user_id = user_id_from_json(user_id)?;
            let email = email_from_json(email)?;
            Ok(Identity::select(user_id, email))
        }
    }
}

#[cfg(feature = "json")]
pub use json::{email_from_json, user_id_from_json};
