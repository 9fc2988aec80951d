//! Messenger-security JWTs: the HS256 tokens that replace the user hash.
//!
//! The app server signs `{"alg":"HS256","typ":"JWT"}` and the user's claims (`user_id`, a
//! string, required; `email`, `exp` and other attributes optional) with the Messenger secret,
//! as a compact JWS (RFC 7515): three base64url segments without padding. Any token whose
//! header, claims (with their JSON types) and signature verify is correct; [`JwtSigner`] writes
//! one canonical form of it.
//!
//! [`JwtVerifier`] is strict where JWT code goes wrong: exactly three segments; base64url
//! without padding or whitespace; header and payload JSON objects without duplicate keys; `alg`
//! exactly `HS256` (never `none`, never what the header asks for); an unknown `crit` rejected;
//! the signature compared in constant time before the payload is read; `user_id` a non-empty
//! string; `exp` and `nbf` numbers, checked against the caller's clock with a small leeway.
//!
//! ```
//! use serde_json::json;
//! use userhash::jwt::{JwtSigner, JwtVerifier};
//! let claims = json!({"user_id": "87", "email": "ada@example.com", "exp": 1_900_000_000});
//! let token = JwtSigner::new("secret")?.sign(claims.as_object().expect("an object"))?;
//! assert!(token.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."));
//! let verified = JwtVerifier::new("secret")?.verify(&token, 1_800_000_000)?;
//! assert_eq!(verified.user_id(), "87");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use crate::hmac::{PreKeyed, TAG_LEN};
use crate::Error;

mod base64url;

/// `{"alg":"HS256","typ":"JWT"}`, base64url: the header every token this module signs carries.
pub const HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// The only algorithm accepted: the one Intercom documents, pinned (RFC 8725 §3.1).
pub const ALGORITHM: &str = "HS256";

/// The clock skew tolerated on `exp` and `nbf` unless the verifier is told otherwise, in
/// seconds (RFC 7519 §4.1.4 allows "a small leeway"; 60 s is what common libraries default to).
pub const DEFAULT_LEEWAY: u64 = 60;

/// The longest token the verifier reads, in bytes. Browsers and proxies commonly cap a header
/// at 8 KiB, and a bound keeps an attacker's megabyte token from being decoded and parsed
/// before its signature fails.
pub const MAX_TOKEN_LEN: usize = 8192;

/// Why a token cannot be signed or is not valid. [`JwtError::class`] is the name the vector
/// files use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JwtError {
    /// The secret is empty.
    EmptySecret,
    /// The claims have no `user_id`, or an empty one.
    MissingUserId,
    /// The `user_id` claim is not a string (an integer is signed as its digits, but a token
    /// that carries a number is not accepted).
    UserIdType {
        /// The JSON type found.
        found: &'static str,
    },
    /// The token is longer than [`MAX_TOKEN_LEN`] bytes.
    TooLarge {
        /// Its length in bytes.
        found: usize,
    },
    /// Not three segments separated by dots.
    Segments {
        /// How many segments there were.
        found: usize,
    },
    /// A segment is not base64url without padding (a `+`, `/`, `=`, whitespace, or a
    /// non-canonical last character).
    Base64 {
        /// `header`, `payload` or `signature`.
        segment: &'static str,
    },
    /// The header or payload is not a JSON object (or not UTF-8).
    Json {
        /// `header` or `payload`.
        segment: &'static str,
    },
    /// A key appears twice in the header or payload: parsers disagree on which one wins.
    DuplicateKey {
        /// `header` or `payload`.
        segment: &'static str,
        /// The key.
        key: String,
    },
    /// `alg` is not exactly `HS256`.
    Algorithm {
        /// What the header said, as JSON (`"none"`, `"HS512"`, `null` when missing).
        found: String,
    },
    /// The header lists critical extensions (`crit`), none of which this verifier implements.
    Critical,
    /// The signature is not the HMAC-SHA256 of the first two segments under the secret.
    Signature,
    /// `exp` or `nbf` is not a number.
    TimeType {
        /// `exp` or `nbf`.
        claim: &'static str,
    },
    /// `now` is past `exp` (beyond the leeway).
    Expired,
    /// `now` is before `nbf` (beyond the leeway).
    NotYetValid,
}

impl JwtError {
    /// The error class the JWT vector files name in `expected.error`.
    ///
    /// ```
    /// assert_eq!(userhash::jwt::JwtError::Signature.class(), "bad_signature");
    /// ```
    pub fn class(&self) -> &'static str {
        match self {
            JwtError::EmptySecret => "empty_secret",
            JwtError::MissingUserId => "missing_user_id",
            JwtError::UserIdType { .. } => "invalid_user_id_type",
            JwtError::TooLarge { .. } => "token_too_large",
            JwtError::Segments { .. } => "malformed_token",
            JwtError::Base64 { .. } => "malformed_base64",
            JwtError::Json { .. } => "malformed_json",
            JwtError::DuplicateKey { .. } => "duplicate_key",
            JwtError::Algorithm { .. } => "algorithm_not_allowed",
            JwtError::Critical => "unknown_critical_header",
            JwtError::Signature => "bad_signature",
            JwtError::TimeType { .. } => "invalid_time_claim",
            JwtError::Expired => "expired",
            JwtError::NotYetValid => "not_yet_valid",
        }
    }
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwtError::EmptySecret => f.write_str("the secret is empty"),
            JwtError::MissingUserId => f.write_str("user_id is missing or empty"),
            JwtError::UserIdType { found } => {
                write!(f, "user_id must be a string, got {found}")
            }
            JwtError::TooLarge { found } => write!(
                f,
                "the token is {found} bytes long, over the {MAX_TOKEN_LEN}-byte limit"
            ),
            JwtError::Segments { found } => {
                write!(
                    f,
                    "a JWT has 3 dot-separated segments, this one has {found}"
                )
            }
            JwtError::Base64 { segment } => write!(
                f,
                "the {segment} is not base64url without padding (no '+', '/', '=' or whitespace)"
            ),
            JwtError::Json { segment } => write!(f, "the {segment} is not a JSON object"),
            JwtError::DuplicateKey { segment, key } => {
                write!(f, "the {segment} has the key {key:?} twice")
            }
            JwtError::Algorithm { found } => {
                write!(f, "alg must be \"{ALGORITHM}\", got {found}")
            }
            JwtError::Critical => f.write_str("the header has critical extensions (crit)"),
            JwtError::Signature => f.write_str("the signature does not match"),
            JwtError::TimeType { claim } => write!(f, "{claim} must be a number of seconds"),
            JwtError::Expired => f.write_str("the token has expired (exp)"),
            JwtError::NotYetValid => f.write_str("the token is not valid yet (nbf)"),
        }
    }
}

impl std::error::Error for JwtError {}

impl From<Error> for JwtError {
    fn from(error: Error) -> Self {
        match error {
            Error::EmptySecret => JwtError::EmptySecret,
            Error::UserIdType { found } | Error::EmailType { found } => {
                JwtError::UserIdType { found }
            }
        }
    }
}

fn key(secret: &str) -> Result<PreKeyed, JwtError> {
    if secret.is_empty() {
        return Err(JwtError::EmptySecret);
    }
    Ok(PreKeyed::new(secret.as_bytes()))
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Signs user JWTs for one secret, with the HMAC keyed once.
#[derive(Clone, Debug)]
pub struct JwtSigner {
    key: PreKeyed,
}

impl JwtSigner {
    /// Keys the HMAC with the secret's UTF-8 bytes, as the user hash does.
    pub fn new(secret: &str) -> Result<Self, JwtError> {
        Ok(JwtSigner { key: key(secret)? })
    }

    /// The token for `claims`, in their order: `user_id` is required, as a non-empty string or
    /// an integer (signed as its decimal digits, as the user hash hashes it); every other claim
    /// is signed as given.
    ///
    /// ```
    /// use serde_json::json;
    /// use userhash::jwt::{JwtError, JwtSigner};
    /// let signer = JwtSigner::new("secret")?;
    /// let numeric = signer.sign(json!({"user_id": 87}).as_object().expect("object"))?;
    /// let text = signer.sign(json!({"user_id": "87"}).as_object().expect("object"))?;
    /// assert_eq!(numeric, text);
    /// let nobody = signer.sign(json!({"email": "ada@example.com"}).as_object().expect("object"));
    /// assert_eq!(nobody, Err(JwtError::MissingUserId));
    /// # Ok::<(), JwtError>(())
    /// ```
    pub fn sign(&self, claims: &Map<String, Value>) -> Result<String, JwtError> {
        // A scan, not a hash lookup: claims are a handful, and SipHash costs more than that.
        let user_id = match claims
            .iter()
            .find_map(|(key, value)| (key == "user_id").then_some(value))
        {
            None | Some(Value::Null) => return Err(JwtError::MissingUserId),
            Some(Value::String(id)) if id.is_empty() => return Err(JwtError::MissingUserId),
            Some(Value::String(_)) => None,
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Some(n.to_string()),
            Some(other) => {
                return Err(JwtError::UserIdType {
                    found: json_type(other),
                })
            }
        };
        // The integer user_id is written in place rather than by cloning the claims.
        let mut payload = Vec::with_capacity(128);
        write_claims(&mut payload, claims, user_id.as_deref())
            .map_err(|_| JwtError::Json { segment: "payload" })?;
        Ok(self.sign_payload(&payload))
    }

    /// The token for `payload` exactly as given: the HS256 header, the payload's bytes and
    /// their signature, with none of [`JwtSigner::sign`]'s checks. For tools that must make
    /// the tokens the claims API refuses to (a key twice, a `user_id` of the wrong type, an
    /// `exp` that is a string), as conformance tests show them to verifiers.
    ///
    /// ```
    /// use userhash::jwt::{JwtError, JwtSigner, JwtVerifier};
    /// let signer = JwtSigner::new("secret")?;
    /// let twice = signer.sign_payload(br#"{"user_id":"87","user_id":"admin"}"#);
    /// let refused = JwtVerifier::for_signer(&signer).verify(&twice, 0).unwrap_err();
    /// assert_eq!(refused.class(), "duplicate_key");
    /// # Ok::<(), JwtError>(())
    /// ```
    pub fn sign_payload(&self, payload: &[u8]) -> String {
        // One buffer, sized once, encoded into in place; the text is checked as UTF-8 once at
        // the end rather than per segment.
        let signed_len = HEADER.len() + 1 + base64url::encoded_len(payload.len());
        let mut token = vec![0u8; signed_len + 1 + SIGNATURE_B64_LEN];
        token[..HEADER.len()].copy_from_slice(HEADER.as_bytes());
        token[HEADER.len()] = b'.';
        base64url::encode_into(payload, &mut token[HEADER.len() + 1..signed_len]);
        let tag = self.key.tag(&token[..signed_len]);
        token[signed_len] = b'.';
        base64url::encode_into(&tag, &mut token[signed_len + 1..]);
        // Base64url and the header are ASCII: never empty for want of UTF-8.
        String::from_utf8(token).unwrap_or_default()
    }
}

/// The claims as compact JSON, byte for byte what `serde_json::to_writer` writes, with the
/// value of `user_id` replaced by `user_id` when given.
///
/// Strings that need no escaping (every key and string a typical token carries) are copied
/// whole; everything else goes through `serde_json`. Measured reason: `serde_json`'s string
/// serializer was 12 % of signing a typical token (perf on `jwt/ours_sign`, three `write_all`
/// calls and an escape-table walk per string), and signing had to reach 2× `jsonwebtoken`.
fn write_claims(
    out: &mut Vec<u8>,
    claims: &Map<String, Value>,
    user_id: Option<&str>,
) -> serde_json::Result<()> {
    out.push(b'{');
    for (index, (key, value)) in claims.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        write_str(out, key)?;
        out.push(b':');
        match (user_id, value) {
            (Some(user_id), _) if key == "user_id" => write_str(out, user_id)?,
            (_, Value::String(text)) => write_str(out, text)?,
            _ => serde_json::to_writer(&mut *out, value)?,
        }
    }
    out.push(b'}');
    Ok(())
}

/// A JSON string: quoted as is when nothing in it needs escaping, else by `serde_json`.
fn write_str(out: &mut Vec<u8>, text: &str) -> serde_json::Result<()> {
    // The characters JSON requires escaped; `serde_json` escapes exactly these. A fold without
    // an early exit, so the compiler checks many bytes per instruction.
    let needs_escape = text.bytes().fold(false, |found, byte| {
        found | (byte < 0x20) | (byte == b'"') | (byte == b'\\')
    });
    if needs_escape {
        return serde_json::to_writer(out, text);
    }
    out.push(b'"');
    out.extend_from_slice(text.as_bytes());
    out.push(b'"');
    Ok(())
}

/// A token that verified: its `user_id`, and its claims on demand.
///
/// Verification parses the whole payload (into a stack buffer) but keeps only `user_id`, `exp`
/// and `nbf` (and every key, to refuse duplicates); [`Verified::claims`] decodes the payload
/// again and builds the map when a caller wants it, so a server that only needs the user pays
/// for no map and no copy of the payload.
#[derive(Clone, Debug, PartialEq)]
pub struct Verified<'t> {
    user_id: String,
    payload_b64: &'t str,
}

impl Verified<'_> {
    /// The `user_id` claim (checked to be a non-empty string).
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// Every claim, in the token's order.
    pub fn claims(&self) -> Map<String, Value> {
        // Already decoded and parsed once without error and without duplicate keys, so this
        // cannot fail; an empty map would only hide a bug, never accept a token.
        URL_SAFE_NO_PAD
            .decode(self.payload_b64)
            .ok()
            .and_then(|payload| serde_json::from_slice(&payload).ok())
            .unwrap_or_default()
    }
}

/// Header segments that need no decoding: what this module, `jsonwebtoken` and most libraries
/// write for HS256 (`{"alg":"HS256","typ":"JWT"}`, `{"typ":"JWT","alg":"HS256"}`,
/// `{"alg":"HS256"}`). Any other header is decoded and checked in full.
const KNOWN_GOOD_HEADERS: [&str; 3] = [
    HEADER,
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9",
    "eyJhbGciOiJIUzI1NiJ9",
];

/// Payloads up to this many bytes are decoded on the stack when verifying.
const SMALL_PAYLOAD: usize = 512;

/// The length of a 32-byte tag in base64url without padding.
const SIGNATURE_B64_LEN: usize = 43;

/// Verifies user JWTs for one secret, strictly (see the module documentation).
#[derive(Clone, Debug)]
pub struct JwtVerifier {
    key: PreKeyed,
    leeway: u64,
}

impl JwtVerifier {
    /// A verifier for tokens signed with `secret`, with [`DEFAULT_LEEWAY`].
    pub fn new(secret: &str) -> Result<Self, JwtError> {
        Ok(JwtVerifier {
            key: key(secret)?,
            leeway: DEFAULT_LEEWAY,
        })
    }

    /// A verifier for the tokens `signer` signs, with [`DEFAULT_LEEWAY`]: the signer's key,
    /// not derived from the secret again (keying is two SHA-256 blocks, more for a secret
    /// longer than one; a server that signs and verifies keys its secret once).
    ///
    /// ```
    /// use serde_json::json;
    /// use userhash::jwt::{JwtError, JwtSigner, JwtVerifier};
    /// let signer = JwtSigner::new("secret")?;
    /// let token = signer.sign(json!({"user_id": "87"}).as_object().expect("an object"))?;
    /// assert_eq!(JwtVerifier::for_signer(&signer).verify(&token, 0)?.user_id(), "87");
    /// # Ok::<(), JwtError>(())
    /// ```
    pub fn for_signer(signer: &JwtSigner) -> Self {
        JwtVerifier {
            key: signer.key.clone(),
            leeway: DEFAULT_LEEWAY,
        }
    }

    /// The same verifier with another leeway on `exp` and `nbf`, in seconds.
    pub fn with_leeway(self, seconds: u64) -> Self {
        JwtVerifier {
            leeway: seconds,
            ..self
        }
    }

    /// Verifies `token` at `now` (Unix seconds, from the caller's clock).
    ///
    /// ```
    /// use userhash::jwt::{JwtError, JwtVerifier, HEADER};
    /// let verifier = JwtVerifier::new("secret")?;
    /// // {"alg":"none"} with no signature: never accepted.
    /// let none = "eyJhbGciOiJub25lIn0.eyJ1c2VyX2lkIjoiODcifQ.";
    /// assert_eq!(verifier.verify(none, 0).unwrap_err().class(), "algorithm_not_allowed");
    /// assert_eq!(verifier.verify(&format!("{HEADER}.e30"), 0), Err(JwtError::Segments { found: 2 }));
    /// # Ok::<(), JwtError>(())
    /// ```
    pub fn verify<'t>(&self, token: &'t str, now: i64) -> Result<Verified<'t>, JwtError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(JwtError::TooLarge { found: token.len() });
        }
        let mut segments = token.split('.');
        let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return Err(JwtError::Segments {
                found: token.split('.').count(),
            });
        };
        if !KNOWN_GOOD_HEADERS.contains(&header_b64) {
            check_header(header_b64)?;
        }
        // A typical payload is decoded on the stack, without an allocation; a large one on the
        // heap (a stack buffer for the largest possible payload would be a 6 KiB memset per
        // token).
        let mut small = [0u8; SMALL_PAYLOAD];
        let mut large = Vec::new();
        let buffer: &mut [u8] = if payload_b64.len() / 4 * 3 + 3 <= SMALL_PAYLOAD {
            &mut small
        } else {
            large.resize(payload_b64.len() / 4 * 3 + 3, 0);
            &mut large
        };
        let payload_len = URL_SAFE_NO_PAD
            .decode_slice(payload_b64, buffer)
            .map_err(|_| JwtError::Base64 { segment: "payload" })?;
        let payload_bytes = &buffer[..payload_len];
        let mut signature = [0u8; TAG_LEN];
        let signature_ok = signature_b64.len() == SIGNATURE_B64_LEN
            && URL_SAFE_NO_PAD
                .decode_slice(signature_b64, &mut signature)
                .is_ok_and(|len| len == TAG_LEN);
        if !signature_ok {
            // Tell a signature that is not base64url from one of the wrong length.
            decode(signature_b64, "signature")?;
            return Err(JwtError::Signature);
        }
        let signed = &token[..header_b64.len() + 1 + payload_b64.len()];
        let expected = self.key.tag(signed.as_bytes());
        if !bool::from(expected.ct_eq(&signature)) {
            return Err(JwtError::Signature);
        }
        let checked = check_claims(payload_bytes)?;
        let user_id = match checked.user_id {
            Some(Value::String(id)) if !id.is_empty() => id,
            None | Some(Value::Null) | Some(Value::String(_)) => {
                return Err(JwtError::MissingUserId)
            }
            Some(other) => {
                return Err(JwtError::UserIdType {
                    found: json_type(&other),
                })
            }
        };
        let leeway = self.leeway as f64;
        let now = now as f64;
        if let Some(exp) = time(checked.exp, "exp")? {
            if now >= exp + leeway {
                return Err(JwtError::Expired);
            }
        }
        if let Some(nbf) = time(checked.nbf, "nbf")? {
            if now + leeway < nbf {
                return Err(JwtError::NotYetValid);
            }
        }
        Ok(Verified {
            user_id,
            payload_b64,
        })
    }
}

/// A header other than the known-good ones: a JSON object without duplicate keys whose `alg`
/// is exactly `HS256` and that has no `crit`.
fn check_header(header_b64: &str) -> Result<(), JwtError> {
    let header = object(&decode(header_b64, "header")?, "header")?;
    match header.get("alg") {
        Some(Value::String(alg)) if alg == ALGORITHM => {}
        other => {
            return Err(JwtError::Algorithm {
                found: other.map_or_else(|| "null".to_owned(), Value::to_string),
            })
        }
    }
    if header.contains_key("crit") {
        return Err(JwtError::Critical);
    }
    Ok(())
}

/// A segment decoded: base64url, no padding, canonical.
fn decode(segment: &str, name: &'static str) -> Result<Vec<u8>, JwtError> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| JwtError::Base64 { segment: name })
}

/// A NumericDate claim, if present: a JSON number (integer or not), else an error.
fn time(value: Option<Value>, claim: &'static str) -> Result<Option<f64>, JwtError> {
    match value {
        None => Ok(None),
        Some(Value::Number(n)) => n.as_f64().map(Some).ok_or(JwtError::TimeType { claim }),
        Some(_) => Err(JwtError::TimeType { claim }),
    }
}

/// The claims verification looks at, read in one pass over the payload.
#[derive(Default)]
struct CheckedClaims {
    user_id: Option<Value>,
    exp: Option<Value>,
    nbf: Option<Value>,
}

/// Reads the payload as a JSON object with distinct keys, keeping only the claims
/// verification needs; the others are parsed as strictly, then dropped (no map is built).
fn check_claims(bytes: &[u8]) -> Result<CheckedClaims, JwtError> {
    const SEGMENT: &str = "payload";
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed = deserializer
        .deserialize_map(ClaimsCheck)
        .and_then(|checked| deserializer.end().map(|()| checked));
    match parsed {
        Ok(Ok(checked)) => Ok(checked),
        Ok(Err(key)) => Err(JwtError::DuplicateKey {
            segment: SEGMENT,
            key,
        }),
        Err(_) => Err(JwtError::Json { segment: SEGMENT }),
    }
}

/// A key, borrowed from the payload unless it had escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(key)))
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(key.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The keys of an object seen so far: the first few in place (a token has a handful of
/// claims), the rest in a sorted set (no quadratic scan for a hostile payload).
#[derive(Default)]
struct KeySet<'de> {
    few: [Option<std::borrow::Cow<'de, str>>; 8],
    many: std::collections::BTreeSet<std::borrow::Cow<'de, str>>,
}

impl<'de> KeySet<'de> {
    /// Adds `key`; gives it back if it was already there.
    fn insert(&mut self, key: std::borrow::Cow<'de, str>) -> Option<std::borrow::Cow<'de, str>> {
        if self.few.iter().flatten().any(|seen| *seen == key) || self.many.contains(&key) {
            return Some(key);
        }
        match self.few.iter_mut().find(|slot| slot.is_none()) {
            Some(slot) => *slot = Some(key),
            None => {
                self.many.insert(key);
            }
        }
        None
    }
}

/// A JSON value read as strictly as `serde_json::Value` reads it (UTF-8 strings without lone
/// surrogates, finite numbers, at most 128 levels), without building anything.
struct Strict;

impl<'de> de::Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Strict)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Strict;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
        while seq.next_element::<Strict>()?.is_some() {}
        Ok(Strict)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
        while map.next_entry::<Strict, Strict>()?.is_some() {}
        Ok(Strict)
    }
}

/// The claims pass of [`check_claims`]; the first key seen twice stops it (`Ok(Err(key))`).
struct ClaimsCheck;

impl<'de> Visitor<'de> for ClaimsCheck {
    type Value = Result<CheckedClaims, String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut checked = CheckedClaims::default();
        let mut seen = KeySet::default();
        while let Some(Key(key)) = access.next_key::<Key<'de>>()? {
            let slot = match &*key {
                "user_id" => Some(&mut checked.user_id),
                "exp" => Some(&mut checked.exp),
                "nbf" => Some(&mut checked.nbf),
                _ => None,
            };
            // The values dropped are read as strictly as a `Value` is (`Strict`): skipping
            // them with `IgnoredAny` would accept what `Verified::claims` then cannot parse
            // (bytes that are not UTF-8, a lone surrogate escape, 1e400, nesting past 128).
            match slot {
                Some(slot) => *slot = Some(access.next_value::<Value>()?),
                None => {
                    access.next_value::<Strict>()?;
                }
            }
            if let Some(key) = seen.insert(key) {
                // Drain the rest so the caller can tell a duplicate from bad JSON.
                while access
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                return Ok(Err(key.into_owned()));
            }
        }
        Ok(Ok(checked))
    }
}

/// A JSON object whose keys are all distinct.
fn object(bytes: &[u8], segment: &'static str) -> Result<Map<String, Value>, JwtError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed = deserializer
        .deserialize_map(UniqueKeys)
        .and_then(|map| deserializer.end().map(|()| map));
    match parsed {
        Ok(Ok(map)) => Ok(map),
        Ok(Err(key)) => Err(JwtError::DuplicateKey { segment, key }),
        Err(_) => Err(JwtError::Json { segment }),
    }
}

/// Reads a top-level JSON object; the first key seen twice stops it (`Ok(Err(key))`).
struct UniqueKeys;

impl<'de> Visitor<'de> for UniqueKeys {
    type Value = Result<Map<String, Value>, String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let value: Value = access.next_value()?;
            match map.entry(key) {
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                serde_json::map::Entry::Occupied(taken) => {
                    let key = taken.key().clone();
                    // Drain the rest so the caller can tell a duplicate from bad JSON.
                    while access
                        .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                        .is_some()
                    {}
                    return Ok(Err(key));
                }
            }
        }
        Ok(Ok(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn b64(text: &str) -> String {
        URL_SAFE_NO_PAD.encode(text)
    }

    /// A token over any header and payload text, signed with `secret`.
    fn forge(secret: &str, header: &str, payload: &str) -> String {
        let signed = format!("{}.{}", b64(header), b64(payload));
        let tag = PreKeyed::new(secret.as_bytes()).tag(signed.as_bytes());
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(tag))
    }

    fn verify(token: &str, now: i64) -> Result<Verified<'_>, JwtError> {
        JwtVerifier::new("secret")
            .expect("secret")
            .verify(token, now)
    }

    #[test]
    fn the_header_constant_is_the_header() {
        assert_eq!(HEADER, b64(r#"{"alg":"HS256","typ":"JWT"}"#));
    }

    /// Any JSON value: every escape class in strings, numbers of every kind, nesting.
    fn any_json() -> impl Strategy<Value = Value> {
        let text = "[\\x00-\\x7f\"\\\\\u{80}-\u{10ffff}]{0,12}";
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            text.prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                proptest::collection::vec((text, inner), 0..4)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// The hand-written payload writer is `serde_json`'s compact form, byte for byte.
        #[test]
        fn claims_are_written_as_serde_json_writes_them(
            claims in proptest::collection::vec(("[\\x00-\\x7f\u{80}-\u{10ffff}]{0,10}", any_json()), 0..6)
        ) {
            let claims: Map<String, Value> = claims.into_iter().collect();
            let mut ours = Vec::new();
            write_claims(&mut ours, &claims, None).expect("writes");
            prop_assert_eq!(ours, serde_json::to_vec(&claims).expect("serializes"));
        }
    }

    #[test]
    fn an_integer_user_id_is_written_as_its_digits_in_place() {
        let claims = json!({"a\"": "\u{1}", "user_id": 87, "z": [1.5]});
        let mut ours = Vec::new();
        write_claims(&mut ours, claims.as_object().expect("object"), Some("87")).expect("writes");
        assert_eq!(ours, br#"{"a\"":"\u0001","user_id":"87","z":[1.5]}"#);
    }

    #[test]
    fn signed_tokens_verify_and_keep_claim_order() {
        let claims = json!({"user_id": "87", "email": "a@b.c", "exp": 100, "name": "Ada"});
        let token = JwtSigner::new("secret")
            .expect("secret")
            .sign(claims.as_object().expect("object"))
            .expect("signs");
        let payload = token.split('.').nth(1).expect("payload");
        assert_eq!(
            URL_SAFE_NO_PAD.decode(payload).expect("base64"),
            br#"{"user_id":"87","email":"a@b.c","exp":100,"name":"Ada"}"#
        );
        let verified = verify(&token, 50).expect("valid");
        assert_eq!(verified.user_id(), "87");
        assert_eq!(verified.claims()["name"], "Ada");
    }

    /// A payload signed as given is the token `forge` makes of it (the header and payload
    /// base64url-encoded, signed with HMAC-SHA-256 over them), and a verifier made from the
    /// signer judges exactly as one made from the secret.
    #[test]
    fn payloads_signed_as_given_and_verified_with_the_signers_key() {
        let signer = JwtSigner::new("secret").expect("secret");
        let from_signer = JwtVerifier::for_signer(&signer);
        let from_secret = JwtVerifier::new("secret").expect("secret");
        let header = r#"{"alg":"HS256","typ":"JWT"}"#;
        for payload in [
            r#"{"user_id":"87"}"#,
            r#"{"user_id":87}"#,
            r#"{"user_id":"87","exp":"1"}"#,
            r#"{"user_id":"\u00e9","email":"a@b.c","exp":100}"#,
            "",
        ] {
            let token = signer.sign_payload(payload.as_bytes());
            assert_eq!(token, forge("secret", header, payload));
            assert_eq!(
                from_signer.verify(&token, 50),
                from_secret.verify(&token, 50)
            );
        }
        let other = forge("other", header, r#"{"user_id":"87"}"#);
        assert_eq!(from_signer.verify(&other, 50), Err(JwtError::Signature));
    }

    #[test]
    fn signing_refuses_what_it_cannot_sign() {
        let signer = JwtSigner::new("secret").expect("secret");
        let sign = |claims: Value| signer.sign(claims.as_object().expect("object"));
        assert_eq!(sign(json!({"user_id": ""})), Err(JwtError::MissingUserId));
        assert_eq!(sign(json!({"user_id": null})), Err(JwtError::MissingUserId));
        assert_eq!(
            sign(json!({"user_id": 4.5})),
            Err(JwtError::UserIdType { found: "float" })
        );
        assert_eq!(JwtSigner::new("").unwrap_err(), JwtError::EmptySecret);
    }

    #[test]
    fn the_algorithm_is_pinned() {
        for header in [
            r#"{"alg":"none"}"#,
            r#"{"alg":"HS512","typ":"JWT"}"#,
            r#"{"alg":"hs256"}"#,
            r#"{"alg":"RS256"}"#,
            r#"{"typ":"JWT"}"#,
            r#"{"alg":["HS256"]}"#,
        ] {
            let token = forge("secret", header, r#"{"user_id":"87"}"#);
            assert_eq!(
                verify(&token, 0).unwrap_err().class(),
                "algorithm_not_allowed",
                "{header}"
            );
        }
        let crit = forge(
            "secret",
            r#"{"alg":"HS256","crit":["b64"],"b64":false}"#,
            r#"{"user_id":"87"}"#,
        );
        assert_eq!(verify(&crit, 0), Err(JwtError::Critical));
    }

    #[test]
    fn segments_are_strict_base64url() {
        let good = forge("secret", r#"{"alg":"HS256"}"#, r#"{"user_id":"87"}"#);
        assert!(verify(&good, 0).is_ok());
        assert_eq!(
            verify(&format!("{good}."), 0),
            Err(JwtError::Segments { found: 4 })
        );
        assert_eq!(
            verify(&format!(" {good}"), 0).unwrap_err().class(),
            "malformed_base64"
        );
        let padded: Vec<String> = good
            .split('.')
            .map(|segment| {
                let pad = (4 - segment.len() % 4) % 4;
                format!("{segment}{}", "=".repeat(pad))
            })
            .collect();
        if padded.join(".") != good {
            assert_eq!(
                verify(&padded.join("."), 0).unwrap_err().class(),
                "malformed_base64"
            );
        }
        let standard = good.replace('-', "+").replace('_', "/");
        if standard != good {
            assert!(verify(&standard, 0).is_err());
        }
    }

    #[test]
    fn the_signature_is_checked_before_the_claims() {
        let other = forge("other secret", r#"{"alg":"HS256"}"#, r#"{"user_id":"87"}"#);
        assert_eq!(verify(&other, 0), Err(JwtError::Signature));
        let good = forge("secret", r#"{"alg":"HS256"}"#, r#"{"user_id":"87"}"#);
        let (signed, _) = good.rsplit_once('.').expect("three segments");
        assert_eq!(verify(&format!("{signed}."), 0), Err(JwtError::Signature));
        assert_eq!(
            verify(&format!("{signed}.AAAA"), 0),
            Err(JwtError::Signature)
        );
    }

    #[test]
    fn claims_are_checked() {
        let with = |payload: &str| {
            verify(&forge("secret", r#"{"alg":"HS256"}"#, payload), 1000)
                .map(|verified| verified.user_id().to_owned())
        };
        assert_eq!(
            with(r#"{"user_id":87}"#),
            Err(JwtError::UserIdType { found: "integer" })
        );
        assert_eq!(with(r#"{"user_id":""}"#), Err(JwtError::MissingUserId));
        assert_eq!(with(r#"{"email":"a@b.c"}"#), Err(JwtError::MissingUserId));
        assert_eq!(
            with(r#"{"user_id":"87","user_id":"88"}"#),
            Err(JwtError::DuplicateKey {
                segment: "payload",
                key: "user_id".into()
            })
        );
        assert_eq!(
            with(r#"["user_id"]"#),
            Err(JwtError::Json { segment: "payload" })
        );
        assert_eq!(
            with(r#"{"user_id":"87"} x"#),
            Err(JwtError::Json { segment: "payload" })
        );
        assert_eq!(
            with(r#"{"user_id":"87","exp":"2000"}"#),
            Err(JwtError::TimeType { claim: "exp" })
        );
        // Leeway 60 s on both sides.
        assert!(with(r#"{"user_id":"87","exp":1000}"#).is_ok());
        assert!(with(r#"{"user_id":"87","exp":941}"#).is_ok());
        assert_eq!(
            with(r#"{"user_id":"87","exp":940}"#),
            Err(JwtError::Expired)
        );
        assert!(with(r#"{"user_id":"87","exp":940.5}"#).is_ok());
        assert!(with(r#"{"user_id":"87","nbf":1060}"#).is_ok());
        assert_eq!(
            with(r#"{"user_id":"87","nbf":1061}"#),
            Err(JwtError::NotYetValid)
        );
        let strict = JwtVerifier::new("secret").expect("secret").with_leeway(0);
        let token = forge(
            "secret",
            r#"{"alg":"HS256"}"#,
            r#"{"user_id":"87","exp":1000}"#,
        );
        assert_eq!(strict.verify(&token, 1000), Err(JwtError::Expired));
        assert!(strict.verify(&token, 999).is_ok());
        let bytes = format!(
            "{}.{}",
            b64(r#"{"alg":"HS256"}"#),
            URL_SAFE_NO_PAD.encode(b"{\"user_id\":\"\xff\"}")
        );
        let tag = PreKeyed::new(b"secret").tag(bytes.as_bytes());
        let non_utf8 = format!("{bytes}.{}", URL_SAFE_NO_PAD.encode(tag));
        assert_eq!(
            verify(&non_utf8, 0),
            Err(JwtError::Json { segment: "payload" })
        );
    }

    #[test]
    fn claims_the_verifier_does_not_read_are_parsed_as_strictly() {
        // Whatever verifies must give its claims back: a payload that only a lenient skip
        // accepts is refused as malformed.
        let signed_over = |payload: &[u8]| {
            let signed = format!(
                "{}.{}",
                b64(r#"{"alg":"HS256"}"#),
                URL_SAFE_NO_PAD.encode(payload)
            );
            let tag = PreKeyed::new(b"secret").tag(signed.as_bytes());
            format!("{signed}.{}", URL_SAFE_NO_PAD.encode(tag))
        };
        let deep = format!(
            r#"{{"user_id":"87","x":{}{}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        for payload in [
            &b"{\"user_id\":\"87\",\"name\":\"\xff\xfe\"}"[..],
            br#"{"user_id":"87","name":"\udc00"}"#,
            br#"{"user_id":"87","n":1e400}"#,
            deep.as_bytes(),
        ] {
            let token = signed_over(payload);
            assert_eq!(
                verify(&token, 0),
                Err(JwtError::Json { segment: "payload" }),
                "{}",
                String::from_utf8_lossy(payload)
            );
        }
        let deep = signed_over(br#"{"user_id":"87","deep":{"a":[1,{"b":null}]}}"#);
        let fine = verify(&deep, 0).expect("valid");
        assert_eq!(fine.claims()["deep"]["a"][1]["b"], Value::Null);
    }

    #[test]
    fn tokens_over_the_limit_are_refused_before_decoding() {
        let name = "n".repeat(MAX_TOKEN_LEN);
        let big = forge(
            "secret",
            r#"{"alg":"HS256"}"#,
            &format!(r#"{{"user_id":"87","name":"{name}"}}"#),
        );
        assert_eq!(
            verify(&big, 0),
            Err(JwtError::TooLarge { found: big.len() })
        );
        let fits = forge("secret", r#"{"alg":"HS256"}"#, r#"{"user_id":"87"}"#);
        let padding = MAX_TOKEN_LEN - fits.len();
        let exactly = forge(
            "secret",
            r#"{"alg":"HS256"}"#,
            &format!(
                r#"{{"user_id":"87","name":"{}"}}"#,
                "n".repeat(padding * 3 / 4 - 12)
            ),
        );
        assert!(exactly.len() <= MAX_TOKEN_LEN, "{}", exactly.len());
        assert!(verify(&exactly, 0).is_ok());
    }
}
