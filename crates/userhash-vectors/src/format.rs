//! The published file format: one envelope, three kinds of case.
//!
//! These types are the format's single definition in Rust: the generator writes them, the
//! checker reads them, and `vectors/schema/*.json` describes the same shape for other languages.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// The suite's name, in every file's `suite`.
pub const SUITE_NAME: &str = "userhash";

/// A vector file: the envelope shared by all three files, generic over the case type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorFile<Case> {
    /// Always [`SUITE_NAME`].
    pub suite: String,
    /// The suite's SemVer version; the same in every file of one release.
    pub version: String,
    /// The file name of this file's JSON Schema, relative to `schema/`.
    pub schema: String,
    /// What wrote the file.
    pub generator: Generator,
    /// What the file tests, in a sentence or two.
    pub description: String,
    /// `tests.len()`, so a loader can tell a truncated file.
    #[serde(rename = "numberOfTests")]
    pub number_of_tests: usize,
    /// Every flag used by a case in this file, explained.
    pub notes: BTreeMap<String, Note>,
    /// The cases, in a stable order.
    pub tests: Vec<Case>,
}

/// The program and version that wrote a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generator {
    /// Program name.
    pub name: String,
    /// Program version.
    pub version: String,
}

/// What a flag means, as in Wycheproof's `notes`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// The kind of bug the flag targets.
    #[serde(rename = "bugType")]
    pub bug_type: BugType,
    /// What the flag means and what a port gets wrong when it fails such a case.
    pub description: String,
    /// Evidence or background.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
}

/// Wycheproof-style bug types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BugType {
    /// Ordinary functionality every port must get right.
    Basic,
    /// A boundary of the algorithm (block sizes, lengths).
    EdgeCase,
    /// Where the rules are silent in the upstream docs and the reference makes a choice.
    Ambiguous,
    /// Text encoding: bytes other than UTF-8, normalisation, escaping.
    Encoding,
    /// Output formatting: case, base64, zeros, length.
    OutputFormat,
    /// Accepting what must be rejected.
    AuthBypass,
    /// Input that must be rejected.
    MalformedInput,
}

/// A case's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The port must produce exactly the expected value.
    Valid,
    /// A documented ambiguity: the expected value is the reference's recommended choice, and a
    /// deviation is only a warning.
    Acceptable,
    /// Input the port must reject (generation) or a hash it must refuse (verification).
    Invalid,
}

/// Deserializes a field that is present (possibly `null`) as `Some`, so that `None` keeps
/// meaning "absent": ports see both, so the vectors keep both apart.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// A case of `user_hash.json`: compute the user hash (or reject the input).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerationCase {
    /// Stable kebab-case id, unique across the suite; never renumbered or reused.
    pub id: String,
    /// What the case checks and why.
    pub description: String,
    /// Keys into the file's `notes`.
    pub flags: Vec<String>,
    /// The verdict.
    pub result: Verdict,
    /// What the port is given.
    pub input: GenerationInput,
    /// What it must answer.
    pub expected: GenerationExpected,
}

/// Input of a generation case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerationInput {
    /// The identity-verification secret.
    pub secret: String,
    /// The `user_id`: string or integer in valid input, anything in input that must be
    /// rejected. `None` = absent (left out of the JSON); `Some(Value::Null)` = null.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_id: Option<Value>,
    /// The email; `None` = absent.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub email: Option<Value>,
}

/// Expected answer to a generation case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum GenerationExpected {
    /// A hash (or, for an unidentified user, none).
    Hash(ExpectedHash),
    /// The input must be rejected.
    Error(ExpectedError),
}

/// The expected hash and how it was reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedHash {
    /// `user_id`, `email` or `none`.
    pub identity: String,
    /// The exact string hashed, or null for an unidentified user.
    pub message: Option<String>,
    /// The message's UTF-8 bytes in hex, so byte-level loaders need no Unicode support.
    pub message_utf8_hex: Option<String>,
    /// 64 lowercase hex characters, or null for an unidentified user.
    pub user_hash: Option<String>,
}

/// The class of error the input must be rejected with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedError {
    /// `empty_secret`, `invalid_user_id_type` or `invalid_email_type`.
    pub error: String,
}

/// A case of `user_hash_verify.json`: decide whether a presented hash is valid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyCase {
    /// Stable kebab-case id.
    pub id: String,
    /// What the case checks and why.
    pub description: String,
    /// Keys into the file's `notes`.
    pub flags: Vec<String>,
    /// `valid`: the hash must be accepted; `invalid`: it must be refused; `acceptable`: the
    /// reference refuses it but accepting it is only a warning.
    pub result: Verdict,
    /// What the verifier is given.
    pub input: VerifyInput,
    /// The reference verifier's answer.
    pub expected: VerifyExpected,
}

/// Input of a verification case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyInput {
    /// The identity-verification secret.
    pub secret: String,
    /// The `user_id`: string or integer in valid input, anything in input that must be
    /// rejected. `None` = absent (left out of the JSON); `Some(Value::Null)` = null.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_id: Option<Value>,
    /// The email; `None` = absent.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub email: Option<Value>,
    /// The hash the client presented.
    pub user_hash: String,
}

/// The reference verifier's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyExpected {
    /// Whether the hash is accepted.
    pub valid: bool,
}

/// A case of `hmac_sha256.json`: raw HMAC-SHA-256 (RFC 4231), for hand-written HMACs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HmacCase {
    /// Stable kebab-case id.
    pub id: String,
    /// What the case checks.
    pub description: String,
    /// Keys into the file's `notes`.
    pub flags: Vec<String>,
    /// Always `valid`.
    pub result: Verdict,
    /// Key and message, as hex bytes (RFC 4231 keys are not UTF-8).
    pub input: HmacInput,
    /// The tag.
    pub expected: HmacExpected,
}

/// Input of an HMAC case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HmacInput {
    /// The key bytes in hex.
    pub key_hex: String,
    /// The message bytes in hex.
    pub message_hex: String,
    /// How many leading bits of the tag are compared (256, or 128 for RFC 4231 case 5).
    pub tag_bits: u32,
}

/// Expected tag of an HMAC case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HmacExpected {
    /// The (possibly truncated) tag in lowercase hex.
    pub tag_hex: String,
}

/// A case of `user_jwt.json`: sign a Messenger-security JWT for some claims (or refuse to).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtCase {
    /// Stable kebab-case id, unique across the suite.
    pub id: String,
    /// What the case checks and why.
    pub description: String,
    /// Keys into the file's `notes`.
    pub flags: Vec<String>,
    /// The verdict.
    pub result: Verdict,
    /// What the signer is given.
    pub input: JwtInput,
    /// What it must produce.
    pub expected: JwtExpected,
}

/// Input of a signing case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtInput {
    /// The Messenger secret (may be empty in a case that must be refused).
    pub secret: String,
    /// The claims to sign, as the app has them (in refused cases `user_id` may be missing,
    /// empty, null or of any type).
    pub claims: serde_json::Map<String, Value>,
}

/// Expected answer to a signing case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum JwtExpected {
    /// A token. Any token whose header, claims and signature verify is correct; `jwt` is the
    /// reference's canonical one.
    Token(ExpectedToken),
    /// The input must be refused.
    Error(ExpectedError),
}

/// The token a signing case expects, judged semantically.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedToken {
    /// The reference's header. A port's header must have `"alg": "HS256"`; its other members
    /// are free.
    pub header: serde_json::Map<String, Value>,
    /// The claims the token must carry, with their JSON types (`user_id` always a string).
    pub claims: serde_json::Map<String, Value>,
    /// The reference's token: `base64url(header).base64url(claims).base64url(HMAC-SHA256)`.
    pub jwt: String,
}

/// A case of `user_jwt_verify.json`: decide whether a token is valid at a given time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtVerifyCase {
    /// Stable kebab-case id, unique across the suite.
    pub id: String,
    /// What the case checks and why.
    pub description: String,
    /// Keys into the file's `notes`.
    pub flags: Vec<String>,
    /// `valid`: must be accepted; `invalid`: must be refused; `acceptable`: the reference
    /// refuses it, accepting it is only a warning.
    pub result: Verdict,
    /// What the verifier is given.
    pub input: JwtVerifyInput,
    /// The reference verifier's answer.
    pub expected: JwtVerifyExpected,
}

/// Input of a token-verification case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtVerifyInput {
    /// The Messenger secret.
    pub secret: String,
    /// The presented token (any text).
    pub jwt: String,
    /// The verifier's clock, in Unix seconds.
    pub now: i64,
}

/// The reference verifier's answer to a token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtVerifyExpected {
    /// Whether the token is accepted.
    pub valid: bool,
    /// Why the reference refuses it (`bad_signature`, `expired`, …); absent when valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
