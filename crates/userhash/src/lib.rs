//! Identity-verification user hashes, the reference rules.
//!
//! An app server proves to a chat messenger that a logged-in user is who the page says by sending
//! `user_hash = lowercase hex HMAC-SHA256(key = secret's UTF-8 bytes, message = user_id, else email)`.
//! The rules for which identifier is hashed are in [`profile`]; the HMAC fast path in [`hmac`].
//!
//! ```
//! use userhash::{user_hash, verify, UserId};
//! let hash = user_hash("secret", Some(UserId::Text("87")), Some("ada@example.com"))?
//!     .expect("a user with an id gets a hash");
//! assert_eq!(&*hash, "003a9666f8c43026072598aef3adfd2251f799697d2eba54f8d4ac3b0e30ea56");
//! assert!(verify("secret", Some(UserId::Text("87")), None, &hash)?);
//! # Ok::<(), userhash::Error>(())
//! ```
#![warn(missing_docs)]
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

mod hex;
pub mod hmac;
#[cfg(feature = "jwt")]
pub mod jwt;
pub mod profile;

pub use hex::{is_user_hash_shaped, UserHash, USER_HASH_LEN};
pub use profile::{Error, Identity, IdentityKind, UserId};

/// Signs user hashes for one secret, with the HMAC keyed once.
///
/// Build one per secret (at start-up, say) and reuse it: each hash then costs two SHA-256
/// compressions for identifiers up to 55 bytes, and nothing is allocated.
///
/// ```
/// use userhash::{Identity, Signer, UserId};
/// let signer = Signer::new("secret")?;
/// let identity = Identity::select(Some(UserId::Text("87")), None);
/// let hash = signer.user_hash(&identity).expect("identified");
/// assert!(hash.starts_with("00"));
/// assert!(signer.verify(&identity, &hash));
/// assert!(signer.user_hash(&Identity::Unidentified).is_none());
/// # Ok::<(), userhash::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Signer {
    key: hmac::PreKeyed,
}

impl Signer {
    /// Keys the HMAC with the secret's literal UTF-8 bytes (never trimmed, never decoded).
    ///
    /// ```
    /// assert!(userhash::Signer::new(" padded ").is_ok());
    /// assert_eq!(userhash::Signer::new("").unwrap_err(), userhash::Error::EmptySecret);
    /// ```
    pub fn new(secret: &str) -> Result<Self, Error> {
        if secret.is_empty() {
            return Err(Error::EmptySecret);
        }
        Ok(Signer {
            key: hmac::PreKeyed::new(secret.as_bytes()),
        })
    }

    /// The hash of an arbitrary message, bypassing identity selection.
    ///
    /// ```
    /// let signer = userhash::Signer::new("s3cret")?;
    /// assert_eq!(signer.sign_message(b"42").len(), 64);
    /// # Ok::<(), userhash::Error>(())
    /// ```
    pub fn sign_message(&self, message: &[u8]) -> UserHash {
        UserHash::from_tag(&self.key.tag(message))
    }

    /// The user hash for a selected identity; `None` for an unidentified user.
    ///
    /// ```
    /// use userhash::{Identity, Signer};
    /// let signer = Signer::new("secret")?;
    /// let by_email = signer.user_hash(&Identity::select(None, Some("ada@example.com")));
    /// assert_eq!(by_email, Some(signer.sign_message(b"ada@example.com")));
    /// # Ok::<(), userhash::Error>(())
    /// ```
    pub fn user_hash(&self, identity: &Identity<'_>) -> Option<UserHash> {
        identity
            .message()
            .map(|message| self.sign_message(message.as_bytes()))
    }

    /// Whether `observed` is the user hash for `identity`, as an auth server decides it.
    ///
    /// Only the exact lowercase hex is accepted; anything not of that shape is rejected before
    /// hashing, and the comparison itself is constant-time. An unidentified user has no valid
    /// hash, so an email-derived hash sent alongside a user_id fails.
    ///
    /// ```
    /// use userhash::{Identity, Signer, UserId};
    /// let signer = Signer::new("secret")?;
    /// let by_email = signer.sign_message(b"ada@example.com");
    /// let both = Identity::select(Some(UserId::Text("87")), Some("ada@example.com"));
    /// assert!(!signer.verify(&both, &by_email));
    /// assert!(!signer.verify(&both, &signer.user_hash(&both).unwrap().to_uppercase()));
    /// # Ok::<(), userhash::Error>(())
    /// ```
    pub fn verify(&self, identity: &Identity<'_>, observed: &str) -> bool {
        if !is_user_hash_shaped(observed) {
            return false;
        }
        match self.user_hash(identity) {
            Some(expected) => expected.ct_eq_str(observed),
            None => false,
        }
    }
}

/// One-shot user hash: `Ok(None)` for an unidentified user.
///
/// ```
/// use userhash::{user_hash, UserId};
/// let by_id = user_hash("secret", Some(UserId::Integer(87)), Some("ada@example.com"))?;
/// let by_text = user_hash("secret", Some(UserId::Text("87")), None)?;
/// assert_eq!(by_id, by_text);
/// assert_eq!(user_hash("secret", None, None)?, None);
/// assert!(user_hash("", None, Some("ada@example.com")).is_err());
/// # Ok::<(), userhash::Error>(())
/// ```
pub fn user_hash(
    secret: &str,
    user_id: Option<UserId<'_>>,
    email: Option<&str>,
) -> Result<Option<UserHash>, Error> {
    let signer = Signer::new(secret)?;
    Ok(signer.user_hash(&Identity::select(user_id, email)))
}

/// One-shot verification, as [`Signer::verify`].
///
/// ```
/// use userhash::{verify, UserId};
/// let good = "003a9666f8c43026072598aef3adfd2251f799697d2eba54f8d4ac3b0e30ea56";
/// assert!(verify("secret", Some(UserId::Integer(87)), None, good)?);
/// assert!(!verify("secret", None, Some("ada@example.com"), good)?);
/// # Ok::<(), userhash::Error>(())
/// ```
pub fn verify(
    secret: &str,
    user_id: Option<UserId<'_>>,
    email: Option<&str>,
    observed: &str,
) -> Result<bool, Error> {
    let signer = Signer::new(secret)?;
    Ok(signer.verify(&Identity::select(user_id, email), observed))
}
