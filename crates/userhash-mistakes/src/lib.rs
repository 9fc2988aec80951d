//! The catalogue of known user-hash porting mistakes, recomputable on any input.
//!
//! The reference rule is `user_hash = lowercase hex HMAC-SHA256(key = secret's UTF-8 bytes,
//! message = user_id if present else email)`, where a missing, null or empty identifier is
//! absent, an integer user_id is hashed as its plain decimal digits, and an unidentified user
//! gets no hash (see [`userhash::profile`]). Ports get this wrong in a small number of ways that
//! keep recurring in public code; each is a [`Mistake`], and each mistake comes in one or more
//! [`Variant`]s (base64 padded or not, SHA-1 or MD5, ...).
//!
//! Because every mistake is a deterministic function of a case's input, the checker can
//! recompute what a port making it would answer and so name the mistake behind a failure:
//!
//! ```
//! use serde_json::json;
//! use userhash_mistakes::{diagnose, Input, Mistake};
//!
//! let user_id = json!("87");
//! let input = Input { secret: "secret", user_id: Some(&user_id), email: None };
//! // A port that printed each byte with `Integer.toHexString` lost the leading zeros.
//! let observed = Some("3a9666f8c43026072598aef3adfd2251f799697d2eba54f8d4ac3b0e30ea56".to_owned());
//! let found = diagnose(&input, &observed);
//! assert_eq!(found[0].mistake, Mistake::DroppedLeadingZeros);
//! assert_eq!(found[0].variant, "whole");
//! println!("{}: {}", found[0].mistake, found[0].mistake.hint());
//! ```
#![warn(missing_docs)]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use sha2::digest::core_api::BlockSizeUser;
use sha2::Digest;
use userhash::hmac::TAG_LEN;
use userhash::{Identity, Signer, UserHash};

pub mod coerce;
pub mod engine;
pub mod jwt;
mod validation;

pub use validation::{diagnose_error, diagnose_unrejected};

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

/// A known way of getting the user hash wrong.
///
/// Every mistake but [`Mistake::WrongPlatformSecret`] can be recomputed from a case's input
/// alone: the hash mistakes of [`Mistake::CATALOGUE`] on input the reference accepts (see
/// [`Mistake::answers`]), the input-validation mistakes of [`Mistake::VALIDATION`] on input it
/// rejects (see [`Mistake::answers_on_rejected`]). Mistakes are named in reports
/// by [`Mistake::name`] (also their `Display` and serde form) and come with a one-line fix,
/// [`Mistake::hint`].
///
/// ```
/// use userhash_mistakes::Mistake;
/// let mistake = Mistake::from_name("UPPERCASE_HEX").expect("a known name");
/// assert_eq!(mistake, Mistake::UppercaseHex);
/// assert_eq!(mistake.to_string(), "UPPERCASE_HEX");
/// assert_eq!(serde_json::to_string(&mistake)?, "\"UPPERCASE_HEX\"");
/// assert!(mistake.hint().contains("lowercase"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mistake {
    /// The email was hashed although a user_id was sent ("It needs to be userId, not email";
    /// the server then answers 401/403 because it hashes the user_id).
    EmailWhenUserIdPresent,
    /// A hash was sent for a user with neither user_id nor email; identity verification does
    /// not apply to unidentified users. Recomputed as the HMAC of the empty string.
    HashForUnidentified,
    /// No hash although the user is identified; recomputed as a port that hashes user_ids only
    /// (intercom-rails emits the hash only when the user_id is `present?`).
    MissingHash,
    /// Uppercase hex digits (`%02X`, C# `X2`, `Convert.ToHexString`).
    UppercaseHex,
    /// The 32 tag bytes in base64 instead of hex (Ruby's `encode64` adds a trailing newline).
    Base64Output,
    /// Hex without zero padding: `BigInteger.toString(16)` drops leading zeros of the whole
    /// digest, `Integer.toHexString` those of each byte.
    DroppedLeadingZeros,
    /// Only a prefix of the hex digest (a 128- or 160-bit column width, a `substr`).
    TruncatedHash,
    /// Plain SHA-256 of the secret and identifier concatenated instead of an HMAC
    /// (`hash('sha256', secret . email)`).
    PlainSha256Concat,
    /// HMAC with another digest: SHA-1, MD5 (Python's `hmac.new` default before 3.8), SHA-512
    /// or SHA-224.
    WrongDigest,
    /// Key and message swapped (PHP `hash_hmac(algo, data, key)`, Perl
    /// `hmac_sha256_hex(data, key)` argument orders).
    KeyMessageSwapped,
    /// The secret hex-decoded into the key; Node's `Buffer.from(nonHex, 'hex')` silently
    /// yields a short or empty key.
    SecretHexDecoded,
    /// The secret base64-decoded into the key (leniently, as Node's `Buffer.from(s, 'base64')`).
    SecretBase64Decoded,
    /// The secret kept the newline it was stored with (a secrets file, a Kubernetes secret,
    /// `echo` without `-n`).
    TrailingNewlineInSecret,
    /// Whitespace trimmed from the secret.
    SecretTrimmed,
    /// Whitespace trimmed from the identifiers before selection, so a whitespace-only user_id
    /// counts as absent.
    TrimmedInput,
    /// The hashed identifier lowercased (emails "normalised").
    LowercasedInput,
    /// The hashed identifier Unicode-normalised (NFC, NFD, NFKC or NFKD).
    UnicodeNormalized,
    /// The identifier encoded as Latin-1 (`charCodeAt` bytes, Java `getBytes()` with a Latin-1
    /// platform charset) or Windows-1252; other characters become `?`.
    Latin1Encoded,
    /// The identifier encoded as UTF-16 (no byte-order mark).
    Utf16Encoded,
    /// The identifier encoded as ASCII with replacement, as in the old official C#,
    /// Objective-C and Python 3 examples: non-ASCII characters become `?`.
    AsciiReplaced,
    /// A missing or null user_id hashed as the string "null", "None", "undefined" or "nil".
    StringifiedNull,
    /// The identifier HTML-escaped before hashing (escaping meant for the `<script>` tag).
    HtmlEscapedInput,
    /// An integer user_id formatted as a float ("42.0"), in exponent form ("4.2e1"), or
    /// rounded through a 64-bit float (JavaScript numbers above 2^53).
    NumericIdMisformat,
    /// An integer user_id of 0 treated as absent by a truthiness test (`if user_id:`), so the
    /// email is hashed instead, or nothing.
    ZeroIdAbsent,
    /// A string user_id that looks like a number parsed and printed again: "007" → "7",
    /// "+42" → "42", "1e3" → "1000".
    NumericStringReparsed,
    /// An integer user_id printed with thousands separators ("1,000,000", "1.000.000"), as
    /// locale-aware number formatting does.
    LocaleGroupedId,
    /// The identifier serialised before hashing: a string user_id as its JSON literal or its
    /// Python `repr` (quotes included), or any identifier JSON-escaped (`json.dumps(s)[1:-1]`).
    SerializedInput,
    /// The identifier cut at its first NUL, as a C string is.
    NulTerminatedInput,
    /// The identifier URL-encoded (`encodeURIComponent`) or form-encoded (`+` for spaces)
    /// before hashing.
    UrlEncodedInput,
    /// The secret cut at its first NUL, as a C string is.
    SecretNulTerminated,
    /// The HMAC keyed with nothing although a secret was given: a setting that was never
    /// loaded, the wrong variable.
    EmptyKey,
    /// A hand-written HMAC that gets RFC 2104 wrong: a key longer than the block truncated
    /// instead of hashed (or hashed by its character count, not its bytes), or the inner and
    /// outer pads swapped.
    HandWrittenHmac,
    /// Hex digits decorated: dashes between uppercase bytes (C#'s `BitConverter.ToString`),
    /// colons, or a `0x` prefix.
    DecoratedHex,
    /// The hash sent with a trailing newline (`puts`, `println` into a template).
    TrailingNewlineInOutput,
    /// The strings "null", "None", "undefined" or "nil" (any case) taken for an absent
    /// identifier, as a sanitiser after a placeholder-id incident does.
    PlaceholderStringAbsent,
    /// A whitespace-only user_id taken for absent (Rails `present?`, `str.strip()` as a test)
    /// although it is hashed as sent when it is not blank.
    BlankIdentifierAbsent,
    /// An empty identifier taken for present: `""` hashed, or an empty user_id blocking the
    /// email (`is not None`, `!= null`).
    EmptyStringNotAbsent,
    /// The email canonicalised before hashing (a `+tag` removed from the local part).
    EmailCanonicalized,
    /// An integer user_id through a fixed-width type: wrapped to 32 bits, saturated, a negative
    /// read as unsigned, or an unsigned wrapped to a signed 64-bit integer.
    IntegerIdOverflow,
    /// Only the identifier's first line hashed (read back with `readline()`).
    FirstLineOnly,
    /// Line endings converted: CRLF and CR to LF (text-mode files), or LF to CRLF (HTML forms).
    LineEndingsChanged,
    /// Control characters removed from the identifier (a log-injection defence, a database
    /// that cannot store NUL).
    ControlCharactersRemoved,
    /// Runs of whitespace collapsed to one space and the ends trimmed (`" ".join(s.split())`).
    WhitespaceCollapsed,
    /// Zero-width characters, direction marks and the byte-order mark removed.
    InvisibleCharactersRemoved,
    /// The identifier form-decoded although it was not encoded: `+` became a space, `%XX` a
    /// byte (`unquote_plus`).
    UrlDecodedInput,
    /// HTML tags stripped from the identifier (PHP `strip_tags`).
    TagsStripped,
    /// Quotes, backslashes and NUL backslash-escaped (PHP `addslashes`, magic quotes).
    BackslashEscapedInput,
    /// The identifier cut to a fixed length: 64 characters (a `VARCHAR(64)`), 255 bytes.
    LengthLimitedInput,
    /// Accents folded away to ASCII: NFKD, then everything that is not ASCII dropped.
    AsciiFolded,
    /// Characters outside the BMP encoded as two 3-byte surrogates (CESU-8; Java's modified
    /// UTF-8 also writes NUL as C0 80).
    Cesu8Encoded,
    /// The UTF-8 bytes read as Latin-1 and encoded to UTF-8 again (PHP `utf8_encode` on UTF-8).
    DoubleUtf8Encoded,
    /// The secret encoded as Latin-1, Windows-1252, ASCII, UTF-16LE or `charCodeAt` bytes, not
    /// UTF-8.
    SecretNotUtf8,
    /// The secret kept the quotes of the env file it came from (`docker --env-file`).
    SecretQuoted,
    /// The key cut to 8 bytes: C's `sizeof(key)` on a `char *`.
    SecretTruncated,
    /// The key's length counted with its NUL terminator (`strlen(key) + 1`).
    SecretWithNulTerminator,
    /// The key is a SHA-256 of the secret (its bytes, or its hex), "to derive a key".
    SecretPrehashed,
    /// The identifier hashed with SHA-256 first, and the hex of that digest signed.
    MessagePrehashed,
    /// Go's `mac.Sum(msg)`: `Sum` appends the MAC of nothing to its argument.
    HmacSumMisused,
    /// An empty string sent as the hash (Node's `digest()` called a second time).
    EmptyHash,
    /// Digest bytes printed as signed numbers: Java's `Integer.toHexString(b)` gives
    /// `ffffff80`, Kotlin's `b.toString(16)` gives `-80`.
    SignedByteHex,
    /// Each byte's two hex digits in the wrong order (a hand-written hex loop).
    NibblesSwapped,
    /// The hex digest hex-encoded again: 128 characters (PHP `bin2hex(hash_hmac(...))`).
    HexEncodedTwice,
    /// The raw digest bytes sent as text (PHP `hash_hmac(..., true)`).
    RawDigestOutput,
    /// A Python 3 `bytes` object printed: `b'...'`.
    BytesReprOutput,
    /// The digest's bytes in reverse order (read as a little-endian integer).
    ByteOrderReversed,
    /// A hash for an empty secret: an HMAC keyed with nothing, which signs nothing (Python's
    /// and Node's HMACs accept an empty key without a word).
    EmptySecretAccepted,
    /// A user_id that is not a string or an integer, or an email that is not a string, turned
    /// into text and hashed (`str()`, `String()`, `to_s`, `(string)`, JSON) or ignored, where
    /// the reference rejects it. Acceptable under the 401 principle: a warning.
    TypeCoerced,
    /// An integer user_id rejected as if it had to be a string (`typeof id !== "string"`, a
    /// strict schema); apps with numeric database keys then send no hash at all.
    IntegerUserIdRejected,
    /// A verifier that accepts any presented hash (a comparison that always succeeds, an
    /// exception swallowed into `true`).
    VerifierAcceptsAnything,
    /// A verifier that accepts a prefix of the correct hash (`expected.startsWith(presented)`),
    /// the empty string included.
    VerifierAcceptsPrefix,
    /// A verifier that accepts the correct hash with anything after it
    /// (`presented.startsWith(expected)`).
    VerifierAcceptsOverlong,
    /// A verifier that compares only the first 32 hex digits.
    VerifierComparesPrefix,
    /// A verifier that ignores case when comparing hex.
    VerifierIgnoresCase,
    /// A verifier that trims whitespace from the presented hash before comparing.
    VerifierStripsInput,
    /// A verifier that hex-decodes the presented hash leniently (Node's `Buffer.from(s,
    /// 'hex')` stops at the first pair that is not hex) and compares bytes.
    VerifierLenientHex,
    /// A verifier that compares the hashes as numbers, so leading zeros do not matter.
    VerifierNumericCompare,
    /// A verifier that lets any hash through for a user with no identifier.
    VerifierSkipsUnidentified,
    /// A verifier that accepts an empty hash (an absent header treated as "nothing to check").
    VerifierAcceptsEmpty,
    /// A verifier that also accepts the hash in another encoding (base64, from a migration).
    VerifierAcceptsOtherFormat,
    /// A verifier that fails with an error instead of answering false on a malformed hash
    /// (Node's `timingSafeEqual` on unequal lengths, Go's `hex.DecodeString`).
    VerifierErrorsInsteadOfRefusing,
    /// A JWT verifier that accepts `alg: none` with no signature: it takes the algorithm from the header (CVE-2015-9235, CVE-2022-29217).
    AlgNoneAccepted,
    /// A JWT verifier that accepts another algorithm than HS256 (HS384, HS512, RS256, a lowercase name) when the token is signed with the secret: it trusts the header's `alg`.
    AlgNotPinned,
    /// A JWT verifier that accepts a token whose signature does not match (another secret, tampered segments, no signature at all): it decodes without verifying.
    SignatureNotChecked,
    /// A JWT verifier that accepts an empty or truncated signature: it compares only as many bytes as the token carries.
    SignaturePrefixCompared,
    /// A JWT signer that writes base64 padding (`=`) in a segment: JWS uses base64url without padding (RFC 7515 §2), and strict verifiers refuse it.
    PaddedBase64,
    /// A JWT signer that writes the standard base64 alphabet (`+`, `/`) instead of base64url (`-`, `_`).
    StandardBase64,
    /// A JWT signer that puts an integer user_id in the token as a JSON number: Intercom requires a string.
    NumericUserId,
    /// A JWT signer that signs claims without a user_id (or with an empty or null one), e.g. for a user known only by email: Intercom rejects such a token.
    MissingUserId,
    /// A JWT verifier that accepts an expired token (or one whose `exp` is 0 or not a number): it does not check expiry, or only when exp is truthy or numeric.
    ExpNotChecked,
    /// A JWT verifier that accepts a token before its `nbf` (not before) time.
    NbfNotChecked,
    /// A JWT signer that writes `exp` (or another NumericDate) as a string: RFC 7519 requires a number of seconds, and strict verifiers refuse the token.
    ExpAsString,
    /// A JWT verifier that refuses a valid token without `exp` (the Rust jsonwebtoken crate's default): Intercom makes exp optional.
    ExpRequired,
    /// A JWT verifier with no leeway for clock skew: it refuses a token that expired seconds ago by a skewed clock.
    NoLeeway,
    /// The hash was made with another platform's (or a test workspace's) secret: the most
    /// common support answer. Not recomputable from the input; see [`match_other_secrets`].
    WrongPlatformSecret,
}

impl Mistake {
    /// Every mistake recomputable from a case's input alone (all but
    /// [`Mistake::WrongPlatformSecret`]), in the order reports list them.
    pub const CATALOGUE: &'static [Mistake] = &[
        Mistake::EmailWhenUserIdPresent,
        Mistake::HashForUnidentified,
        Mistake::MissingHash,
        Mistake::UppercaseHex,
        Mistake::Base64Output,
        Mistake::DroppedLeadingZeros,
        Mistake::TruncatedHash,
        Mistake::PlainSha256Concat,
        Mistake::WrongDigest,
        Mistake::KeyMessageSwapped,
        Mistake::SecretHexDecoded,
        Mistake::SecretBase64Decoded,
        Mistake::TrailingNewlineInSecret,
        Mistake::SecretTrimmed,
        Mistake::TrimmedInput,
        Mistake::LowercasedInput,
        Mistake::UnicodeNormalized,
        Mistake::Latin1Encoded,
        Mistake::Utf16Encoded,
        Mistake::AsciiReplaced,
        Mistake::StringifiedNull,
        Mistake::HtmlEscapedInput,
        Mistake::NumericIdMisformat,
        Mistake::ZeroIdAbsent,
        Mistake::NumericStringReparsed,
        Mistake::LocaleGroupedId,
        Mistake::SerializedInput,
        Mistake::NulTerminatedInput,
        Mistake::UrlEncodedInput,
        Mistake::SecretNulTerminated,
        Mistake::EmptyKey,
        Mistake::HandWrittenHmac,
        Mistake::DecoratedHex,
        Mistake::TrailingNewlineInOutput,
        Mistake::PlaceholderStringAbsent,
        Mistake::BlankIdentifierAbsent,
        Mistake::EmptyStringNotAbsent,
        Mistake::EmailCanonicalized,
        Mistake::IntegerIdOverflow,
        Mistake::FirstLineOnly,
        Mistake::LineEndingsChanged,
        Mistake::ControlCharactersRemoved,
        Mistake::WhitespaceCollapsed,
        Mistake::InvisibleCharactersRemoved,
        Mistake::UrlDecodedInput,
        Mistake::TagsStripped,
        Mistake::BackslashEscapedInput,
        Mistake::LengthLimitedInput,
        Mistake::AsciiFolded,
        Mistake::Cesu8Encoded,
        Mistake::DoubleUtf8Encoded,
        Mistake::SecretNotUtf8,
        Mistake::SecretQuoted,
        Mistake::SecretTruncated,
        Mistake::SecretWithNulTerminator,
        Mistake::SecretPrehashed,
        Mistake::MessagePrehashed,
        Mistake::HmacSumMisused,
        Mistake::EmptyHash,
        Mistake::SignedByteHex,
        Mistake::NibblesSwapped,
        Mistake::HexEncodedTwice,
        Mistake::RawDigestOutput,
        Mistake::BytesReprOutput,
        Mistake::ByteOrderReversed,
    ];

    /// The mistakes of input validation: answering input the reference rejects, or rejecting
    /// input it accepts (see [`diagnose_unrejected`] and [`diagnose_error`]). On input the
    /// reference accepts they change no hash, so [`Mistake::answers`] is empty for them; their
    /// recomputed answers come from [`Mistake::answers_on_rejected`].
    pub const VALIDATION: &'static [Mistake] = &[
        Mistake::EmptySecretAccepted,
        Mistake::TypeCoerced,
        Mistake::IntegerUserIdRejected,
    ];

    /// The mistakes of a verifier that compares a presented hash with the one it computes:
    /// named from the verify cases (see [`engine::explain_verify`]).
    pub const VERIFIER: &'static [Mistake] = &[
        Mistake::VerifierAcceptsAnything,
        Mistake::VerifierAcceptsPrefix,
        Mistake::VerifierAcceptsOverlong,
        Mistake::VerifierComparesPrefix,
        Mistake::VerifierIgnoresCase,
        Mistake::VerifierStripsInput,
        Mistake::VerifierLenientHex,
        Mistake::VerifierNumericCompare,
        Mistake::VerifierSkipsUnidentified,
        Mistake::VerifierAcceptsEmpty,
        Mistake::VerifierAcceptsOtherFormat,
        Mistake::VerifierErrorsInsteadOfRefusing,
    ];

    /// The mistakes of a Messenger JWT signer or verifier: named from the JWT cases (see
    /// [`jwt`]).
    pub const JWT: &'static [Mistake] = &[
        Mistake::AlgNoneAccepted,
        Mistake::AlgNotPinned,
        Mistake::SignatureNotChecked,
        Mistake::SignaturePrefixCompared,
        Mistake::PaddedBase64,
        Mistake::StandardBase64,
        Mistake::NumericUserId,
        Mistake::MissingUserId,
        Mistake::ExpNotChecked,
        Mistake::NbfNotChecked,
        Mistake::ExpAsString,
        Mistake::ExpRequired,
        Mistake::NoLeeway,
    ];

    /// Every mistake: the [`CATALOGUE`](Mistake::CATALOGUE), the
    /// [`VALIDATION`](Mistake::VALIDATION), [`VERIFIER`](Mistake::VERIFIER) and
    /// [`JWT`](Mistake::JWT) mistakes, then [`Mistake::WrongPlatformSecret`].
    pub const ALL: &'static [Mistake] = &{
        // Built from the lists so they cannot drift apart.
        let mut all = [Mistake::WrongPlatformSecret;
            Mistake::CATALOGUE.len()
                + Mistake::VALIDATION.len()
                + Mistake::VERIFIER.len()
                + Mistake::JWT.len()
                + 1];
        let mut index = 0;
        while index < Mistake::CATALOGUE.len() {
            all[index] = Mistake::CATALOGUE[index];
            index += 1;
        }
        let mut validation = 0;
        while validation < Mistake::VALIDATION.len() {
            all[index] = Mistake::VALIDATION[validation];
            index += 1;
            validation += 1;
        }
        let mut verifier = 0;
        while verifier < Mistake::VERIFIER.len() {
            all[index] = Mistake::VERIFIER[verifier];
            index += 1;
            verifier += 1;
        }
        let mut jwt = 0;
        while jwt < Mistake::JWT.len() {
            all[index] = Mistake::JWT[jwt];
            index += 1;
            jwt += 1;
        }
        all
    };

    /// The name reports and fixture ports use: `EMAIL_WHEN_USER_ID_PRESENT`, ...,
    /// `WRONG_PLATFORM_SECRET`.
    ///
    /// ```
    /// use userhash_mistakes::Mistake;
    /// assert_eq!(Mistake::Base64Output.name(), "BASE64_OUTPUT");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Mistake::EmailWhenUserIdPresent => "EMAIL_WHEN_USER_ID_PRESENT",
            Mistake::HashForUnidentified => "HASH_FOR_UNIDENTIFIED",
            Mistake::MissingHash => "MISSING_HASH",
            Mistake::UppercaseHex => "UPPERCASE_HEX",
            Mistake::Base64Output => "BASE64_OUTPUT",
            Mistake::DroppedLeadingZeros => "DROPPED_LEADING_ZEROS",
            Mistake::TruncatedHash => "TRUNCATED_HASH",
            Mistake::PlainSha256Concat => "PLAIN_SHA256_CONCAT",
            Mistake::WrongDigest => "WRONG_DIGEST",
            Mistake::KeyMessageSwapped => "KEY_MESSAGE_SWAPPED",
            Mistake::SecretHexDecoded => "SECRET_HEX_DECODED",
            Mistake::SecretBase64Decoded => "SECRET_BASE64_DECODED",
            Mistake::TrailingNewlineInSecret => "TRAILING_NEWLINE_IN_SECRET",
            Mistake::SecretTrimmed => "SECRET_TRIMMED",
            Mistake::TrimmedInput => "TRIMMED_INPUT",
            Mistake::LowercasedInput => "LOWERCASED_INPUT",
            Mistake::UnicodeNormalized => "UNICODE_NORMALIZED",
            Mistake::Latin1Encoded => "LATIN1_ENCODED",
            Mistake::Utf16Encoded => "UTF16_ENCODED",
            Mistake::AsciiReplaced => "ASCII_REPLACED",
            Mistake::StringifiedNull => "STRINGIFIED_NULL",
            Mistake::HtmlEscapedInput => "HTML_ESCAPED_INPUT",
            Mistake::NumericIdMisformat => "NUMERIC_ID_MISFORMAT",
            Mistake::ZeroIdAbsent => "ZERO_ID_ABSENT",
            Mistake::NumericStringReparsed => "NUMERIC_STRING_REPARSED",
            Mistake::LocaleGroupedId => "LOCALE_GROUPED_ID",
            Mistake::SerializedInput => "SERIALIZED_INPUT",
            Mistake::NulTerminatedInput => "NUL_TERMINATED_INPUT",
            Mistake::UrlEncodedInput => "URL_ENCODED_INPUT",
            Mistake::SecretNulTerminated => "SECRET_NUL_TERMINATED",
            Mistake::EmptyKey => "EMPTY_KEY",
            Mistake::HandWrittenHmac => "HAND_WRITTEN_HMAC",
            Mistake::DecoratedHex => "DECORATED_HEX",
            Mistake::TrailingNewlineInOutput => "TRAILING_NEWLINE_IN_OUTPUT",
            Mistake::PlaceholderStringAbsent => "PLACEHOLDER_STRING_ABSENT",
            Mistake::BlankIdentifierAbsent => "BLANK_IDENTIFIER_ABSENT",
            Mistake::EmptyStringNotAbsent => "EMPTY_STRING_NOT_ABSENT",
            Mistake::EmailCanonicalized => "EMAIL_CANONICALIZED",
            Mistake::IntegerIdOverflow => "INTEGER_ID_OVERFLOW",
            Mistake::FirstLineOnly => "FIRST_LINE_ONLY",
            Mistake::LineEndingsChanged => "LINE_ENDINGS_CHANGED",
            Mistake::ControlCharactersRemoved => "CONTROL_CHARACTERS_REMOVED",
            Mistake::WhitespaceCollapsed => "WHITESPACE_COLLAPSED",
            Mistake::InvisibleCharactersRemoved => "INVISIBLE_CHARACTERS_REMOVED",
            Mistake::UrlDecodedInput => "URL_DECODED_INPUT",
            Mistake::TagsStripped => "TAGS_STRIPPED",
            Mistake::BackslashEscapedInput => "BACKSLASH_ESCAPED_INPUT",
            Mistake::LengthLimitedInput => "LENGTH_LIMITED_INPUT",
            Mistake::AsciiFolded => "ASCII_FOLDED",
            Mistake::Cesu8Encoded => "CESU8_ENCODED",
            Mistake::DoubleUtf8Encoded => "DOUBLE_UTF8_ENCODED",
            Mistake::SecretNotUtf8 => "SECRET_NOT_UTF8",
            Mistake::SecretQuoted => "SECRET_QUOTED",
            Mistake::SecretTruncated => "SECRET_TRUNCATED",
            Mistake::SecretWithNulTerminator => "SECRET_WITH_NUL_TERMINATOR",
            Mistake::SecretPrehashed => "SECRET_PREHASHED",
            Mistake::MessagePrehashed => "MESSAGE_PREHASHED",
            Mistake::HmacSumMisused => "HMAC_SUM_MISUSED",
            Mistake::EmptyHash => "EMPTY_HASH",
            Mistake::SignedByteHex => "SIGNED_BYTE_HEX",
            Mistake::NibblesSwapped => "NIBBLES_SWAPPED",
            Mistake::HexEncodedTwice => "HEX_ENCODED_TWICE",
            Mistake::RawDigestOutput => "RAW_DIGEST_OUTPUT",
            Mistake::BytesReprOutput => "BYTES_REPR_OUTPUT",
            Mistake::ByteOrderReversed => "BYTE_ORDER_REVERSED",
            Mistake::EmptySecretAccepted => "EMPTY_SECRET_ACCEPTED",
            Mistake::TypeCoerced => "TYPE_COERCED",
            Mistake::IntegerUserIdRejected => "INTEGER_USER_ID_REJECTED",
            Mistake::VerifierAcceptsAnything => "VERIFIER_ACCEPTS_ANYTHING",
            Mistake::VerifierAcceptsPrefix => "VERIFIER_ACCEPTS_PREFIX",
            Mistake::VerifierAcceptsOverlong => "VERIFIER_ACCEPTS_OVERLONG",
            Mistake::VerifierComparesPrefix => "VERIFIER_COMPARES_PREFIX",
            Mistake::VerifierIgnoresCase => "VERIFIER_IGNORES_CASE",
            Mistake::VerifierStripsInput => "VERIFIER_STRIPS_INPUT",
            Mistake::VerifierLenientHex => "VERIFIER_LENIENT_HEX",
            Mistake::VerifierNumericCompare => "VERIFIER_NUMERIC_COMPARE",
            Mistake::VerifierSkipsUnidentified => "VERIFIER_SKIPS_UNIDENTIFIED",
            Mistake::VerifierAcceptsEmpty => "VERIFIER_ACCEPTS_EMPTY",
            Mistake::VerifierAcceptsOtherFormat => "VERIFIER_ACCEPTS_OTHER_FORMAT",
            Mistake::VerifierErrorsInsteadOfRefusing => "VERIFIER_ERRORS_INSTEAD_OF_REFUSING",
            Mistake::AlgNoneAccepted => "ALG_NONE_ACCEPTED",
            Mistake::AlgNotPinned => "ALG_NOT_PINNED",
            Mistake::SignatureNotChecked => "SIGNATURE_NOT_CHECKED",
            Mistake::SignaturePrefixCompared => "SIGNATURE_PREFIX_COMPARED",
            Mistake::PaddedBase64 => "PADDED_BASE64",
            Mistake::StandardBase64 => "STANDARD_BASE64",
            Mistake::NumericUserId => "NUMERIC_USER_ID",
            Mistake::MissingUserId => "MISSING_USER_ID",
            Mistake::ExpNotChecked => "EXP_NOT_CHECKED",
            Mistake::NbfNotChecked => "NBF_NOT_CHECKED",
            Mistake::ExpAsString => "EXP_AS_STRING",
            Mistake::ExpRequired => "EXP_REQUIRED",
            Mistake::NoLeeway => "NO_LEEWAY",
            Mistake::WrongPlatformSecret => "WRONG_PLATFORM_SECRET",
        }
    }

    /// The mistake with this [`name`](Mistake::name) (exact, case-sensitive).
    ///
    /// ```
    /// use userhash_mistakes::Mistake;
    /// assert_eq!(Mistake::from_name("WRONG_DIGEST"), Some(Mistake::WrongDigest));
    /// assert_eq!(Mistake::from_name("wrong_digest"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Mistake> {
        Mistake::ALL
            .iter()
            .copied()
            .find(|mistake| mistake.name() == name)
    }

    /// One line on how to fix the mistake.
    pub fn hint(self) -> &'static str {
        match self {
            Mistake::EmailWhenUserIdPresent => {
                "hash the user_id whenever one is sent; hash the email only when there is no user_id"
            }
            Mistake::HashForUnidentified => {
                "send no user_hash for a user with neither a user_id nor an email"
            }
            Mistake::MissingHash => {
                "send a user_hash whenever a user_id or an email is present (hash the email when there is no user_id)"
            }
            Mistake::UppercaseHex => "use lowercase hex (format each byte as %02x)",
            Mistake::Base64Output => {
                "encode the 32-byte HMAC as 64 lowercase hex digits, not base64"
            }
            Mistake::DroppedLeadingZeros => {
                "zero-pad every byte to two hex digits (%02x); the hash is always 64 characters"
            }
            Mistake::TruncatedHash => "send the full 64-character hex digest of HMAC-SHA256",
            Mistake::PlainSha256Concat => {
                "use HMAC-SHA256 keyed with the secret, not SHA-256 of the secret and identifier concatenated"
            }
            Mistake::WrongDigest => {
                "use SHA-256 as the HMAC digest (Python's hmac.new needs digestmod=hashlib.sha256)"
            }
            Mistake::KeyMessageSwapped => {
                "the secret is the HMAC key and the identifier the message; check the argument order (PHP hash_hmac(algo, data, key))"
            }
            Mistake::SecretHexDecoded => {
                "use the secret's UTF-8 bytes as the HMAC key; do not hex-decode it"
            }
            Mistake::SecretBase64Decoded => {
                "use the secret's UTF-8 bytes as the HMAC key; do not base64-decode it"
            }
            Mistake::TrailingNewlineInSecret => {
                "remove the trailing newline stored with the secret (secret file, Kubernetes secret, echo without -n)"
            }
            Mistake::SecretTrimmed => "use the secret exactly as given; do not trim it",
            Mistake::TrimmedInput => {
                "hash the user_id or email exactly as sent; do not trim whitespace"
            }
            Mistake::LowercasedInput => {
                "hash the user_id or email exactly as sent; do not change its case"
            }
            Mistake::UnicodeNormalized => {
                "hash the identifier's UTF-8 bytes as sent; do not Unicode-normalise it"
            }
            Mistake::Latin1Encoded => {
                "encode the identifier as UTF-8, not Latin-1 (name the charset: getBytes(UTF_8), TextEncoder)"
            }
            Mistake::Utf16Encoded => "encode the identifier as UTF-8, not UTF-16",
            Mistake::AsciiReplaced => {
                "encode the identifier as UTF-8, not ASCII (non-ASCII characters became '?')"
            }
            Mistake::StringifiedNull => {
                "treat a missing or null user_id as absent (fall back to the email) instead of hashing \"null\"/\"None\"/\"undefined\""
            }
            Mistake::HtmlEscapedInput => {
                "hash the raw identifier; HTML-escape only when embedding values in the page"
            }
            Mistake::NumericIdMisformat => {
                "hash an integer user_id as its plain decimal digits (42, not 42.0 or 4.2e1; keep ids above 2^53 out of floats)"
            }
            Mistake::ZeroIdAbsent => {
                "0 is a user_id: test for absence (null, missing, \"\"), not for truthiness"
            }
            Mistake::NumericStringReparsed => {
                "hash a string user_id as the text sent; do not parse it as a number (\"007\" stays \"007\")"
            }
            Mistake::LocaleGroupedId => {
                "print an integer user_id as plain digits, without locale grouping (1000000, not 1,000,000)"
            }
            Mistake::SerializedInput => {
                "hash the identifier's text itself, not a serialization of it (no quotes, no escapes: not JSON.stringify, repr or json.dumps)"
            }
            Mistake::NulTerminatedInput => {
                "hash the whole identifier, NUL bytes included: pass a length, not a C string"
            }
            Mistake::UrlEncodedInput => {
                "hash the raw identifier; URL-encode only when putting it in a URL"
            }
            Mistake::SecretNulTerminated => {
                "use the whole secret as the key, NUL bytes included: pass a length, not a C string"
            }
            Mistake::EmptyKey => {
                "the HMAC was keyed with nothing: check that the secret reaches this code (the setting is loaded, the variable is the right one)"
            }
            Mistake::HandWrittenHmac => {
                "use the platform's HMAC, or follow RFC 2104: hash keys longer than 64 bytes (count bytes, not characters), then inner pad 0x36, outer pad 0x5c"
            }
            Mistake::DecoratedHex => {
                "send the 64 lowercase hex digits alone: no separators, no 0x prefix"
            }
            Mistake::TrailingNewlineInOutput => {
                "send the hash without a trailing newline (print, not println; chomp)"
            }
            Mistake::PlaceholderStringAbsent => {
                "\"null\", \"None\", \"undefined\" and \"nil\" are identifiers like any other: only a missing, null or empty field is absent"
            }
            Mistake::BlankIdentifierAbsent => {
                "a whitespace-only user_id is present: hash it as sent (only a missing, null or empty field is absent)"
            }
            Mistake::EmptyStringNotAbsent => {
                "an empty user_id or email is absent: fall back to the email, or send no hash (test for empty as well as null)"
            }
            Mistake::EmailCanonicalized => {
                "hash the email exactly as sent; do not canonicalise it (keep +tags, dots and case)"
            }
            Mistake::IntegerIdOverflow => {
                "keep integer user_ids in a 64-bit type of the right signedness (or as text) and print the value sent"
            }
            Mistake::FirstLineOnly => {
                "hash the whole identifier, line breaks included; do not read it back line by line"
            }
            Mistake::LineEndingsChanged => {
                "hash the identifier's line endings as sent; do not convert CRLF and LF (binary mode, no form normalisation)"
            }
            Mistake::ControlCharactersRemoved => {
                "hash the identifier as sent, control characters included; sanitise only what you log or display"
            }
            Mistake::WhitespaceCollapsed => {
                "hash the identifier as sent; do not collapse or trim its whitespace"
            }
            Mistake::InvisibleCharactersRemoved => {
                "hash the identifier as sent, zero-width characters and direction marks included"
            }
            Mistake::UrlDecodedInput => {
                "hash the identifier as sent; do not URL-decode it ('+' stays '+'): decode only what was encoded"
            }
            Mistake::TagsStripped => {
                "hash the raw identifier; do not strip HTML tags from it (escape only when embedding it in a page)"
            }
            Mistake::BackslashEscapedInput => {
                "hash the raw identifier; do not backslash-escape quotes (addslashes is for SQL strings, and parameters replace it)"
            }
            Mistake::LengthLimitedInput => {
                "hash the whole identifier; a column or buffer that cuts it changes the hash (widen it, or hash before storing)"
            }
            Mistake::AsciiFolded => {
                "hash the identifier's UTF-8 bytes as sent; do not fold accents to ASCII"
            }
            Mistake::Cesu8Encoded => {
                "encode the identifier as standard UTF-8: a character outside the BMP is one 4-byte sequence, not two surrogates (not CESU-8, not Java's writeUTF)"
            }
            Mistake::DoubleUtf8Encoded => {
                "encode the identifier to UTF-8 once: it already was (drop utf8_encode / the Latin-1 round trip)"
            }
            Mistake::SecretNotUtf8 => {
                "encode the secret as UTF-8 for the key (name the charset: getBytes(UTF_8), Encoding.UTF8, TextEncoder)"
            }
            Mistake::SecretQuoted => {
                "remove the quotes the env file kept around the secret (docker --env-file and systemd take them literally)"
            }
            Mistake::SecretTruncated => {
                "pass the secret's full length as the key length (strlen, not sizeof a pointer)"
            }
            Mistake::SecretWithNulTerminator => {
                "pass the secret's length without its NUL terminator (strlen(key), not strlen(key) + 1)"
            }
            Mistake::SecretPrehashed => {
                "use the secret's UTF-8 bytes as the HMAC key; do not hash the secret first"
            }
            Mistake::MessagePrehashed => {
                "sign the identifier itself, not a hash of it"
            }
            Mistake::HmacSumMisused => {
                "write the identifier into the MAC, then take the MAC of it (Go: mac.Write(msg); mac.Sum(nil))"
            }
            Mistake::EmptyHash => {
                "send the digest you computed: a second digest() of a finished HMAC is empty (Node), keep the first"
            }
            Mistake::SignedByteHex => {
                "print each byte as two unsigned hex digits (b & 0xff, %02x); bytes above 0x7f are not negative"
            }
            Mistake::NibblesSwapped => {
                "print each byte's high hex digit first (b >> 4, then b & 0xf)"
            }
            Mistake::HexEncodedTwice => {
                "the digest is already hex: do not hex-encode it again (64 characters, not 128)"
            }
            Mistake::RawDigestOutput => {
                "hex-encode the 32 digest bytes (64 lowercase hex digits); do not send the raw bytes"
            }
            Mistake::BytesReprOutput => {
                "decode the hex digest to text before sending it (hexdigest(), or .decode()); str() of bytes prints b'...'"
            }
            Mistake::ByteOrderReversed => {
                "print the digest's bytes in order (big-endian): do not read it as a little-endian integer"
            }
            Mistake::EmptySecretAccepted => {
                "reject an empty secret with an error: an HMAC keyed with nothing signs nothing (check that the secret is configured)"
            }
            Mistake::TypeCoerced => {
                "the reference rejects a user_id that is not a string or an integer, and an email that is not a string, where this port turned it into text; acceptable, but have the app send ids as strings or integers"
            }
            Mistake::VerifierAcceptsAnything
            | Mistake::VerifierAcceptsPrefix
            | Mistake::VerifierAcceptsOverlong
            | Mistake::VerifierComparesPrefix
            | Mistake::VerifierStripsInput
            | Mistake::VerifierLenientHex
            | Mistake::VerifierNumericCompare
            | Mistake::VerifierAcceptsOtherFormat => {
                "compare the presented hash with the 64 lowercase hex digits you compute, whole and exactly, in constant time (hmac.compare_digest, crypto.timingSafeEqual after a length check, hash_equals)"
            }
            Mistake::VerifierIgnoresCase => {
                "acceptable, but the upstream service documents lowercase hex: compare exactly"
            }
            Mistake::VerifierSkipsUnidentified => {
                "refuse every hash presented for a user with neither a user_id nor an email: there is nothing it can be valid for"
            }
            Mistake::VerifierAcceptsEmpty => {
                "refuse an empty or missing hash; only the exact hash passes"
            }
            Mistake::VerifierErrorsInsteadOfRefusing => {
                "answer false for a malformed hash (wrong length, not hex) instead of failing: check the length before timingSafeEqual, treat a decode error as a refusal"
            }
            Mistake::IntegerUserIdRejected => {
                "accept an integer user_id and hash its plain decimal digits (42 is hashed as \"42\")"
            }
            Mistake::AlgNoneAccepted => {
                "pin HS256: pass the algorithm list [\"HS256\"] to the JWT library (or check alg == \"HS256\" yourself) and never read the algorithm from the token"
            }
            Mistake::AlgNotPinned => {
                "accept exactly alg \"HS256\"; the algorithm is the verifier's choice, not the token's (RFC 8725 §3.1)"
            }
            Mistake::SignatureNotChecked => {
                "verify before trusting any claim: recompute HMAC-SHA256 of header.payload (as sent) with the secret and compare all 32 bytes in constant time"
            }
            Mistake::SignaturePrefixCompared => {
                "refuse a signature that is not exactly 32 bytes before comparing; compare all of it"
            }
            Mistake::PaddedBase64 => {
                "strip the '=' padding (base64.urlsafe_b64encode(x).rstrip(b\"=\"), Buffer's \"base64url\", RawURLEncoding)"
            }
            Mistake::StandardBase64 => {
                "encode each segment with the URL-safe alphabet: '-' and '_' instead of '+' and '/'"
            }
            Mistake::NumericUserId => {
                "sign user_id as a string: str(user_id), String(userId), strconv.FormatInt"
            }
            Mistake::MissingUserId => {
                "refuse to sign without a non-empty user_id: a Messenger JWT identifies the user by user_id"
            }
            Mistake::ExpNotChecked => {
                "check exp against the clock on every token (now < exp + leeway), refuse a non-numeric exp, and treat exp 0 as expired"
            }
            Mistake::NbfNotChecked => {
                "refuse a token while now + leeway < nbf"
            }
            Mistake::ExpAsString => {
                "write exp as a JSON number of seconds since the epoch (an int, not a string, not milliseconds)"
            }
            Mistake::ExpRequired => {
                "accept tokens without exp (in jsonwebtoken, clear Validation::required_spec_claims); check exp only when present"
            }
            Mistake::NoLeeway => {
                "allow a small leeway (e.g. 60 s) on exp and nbf, as RFC 7519 §4.1.4 suggests"
            }
            Mistake::WrongPlatformSecret => {
                "use this platform's identity-verification secret (web, iOS, Android and test workspaces each have their own)"
            }
        }
    }

    /// The variants [`Mistake::answers`] can report, in the order it reports them.
    ///
    /// [`diagnose`] may also name the rule-based variants `"any-hash"`
    /// ([`Mistake::HashForUnidentified`]), `"no-hash"` ([`Mistake::MissingHash`]) and
    /// `"prefix"` ([`Mistake::TruncatedHash`]), which are not recomputed answers.
    /// [`Mistake::WrongPlatformSecret`] has none.
    ///
    /// ```
    /// use userhash_mistakes::Mistake;
    /// assert_eq!(Mistake::WrongDigest.variants()[..2], ["sha1", "md5"]);
    /// assert_eq!(Mistake::UppercaseHex.variants(), ["default"]);
    /// ```
    pub fn variants(self) -> &'static [&'static str] {
        match self {
            Mistake::HashForUnidentified => &["default", "python", "java", "javascript"],
            Mistake::MissingHash => &["default", "present"],
            Mistake::Base64Output => &[
                "std",
                "std-nopad",
                "url",
                "url-nopad",
                "std-newline",
                "of-hex",
            ],
            Mistake::DroppedLeadingZeros => &["whole", "per-byte"],
            Mistake::TruncatedHash => &["128-bit", "160-bit", "63-digits"],
            Mistake::PlainSha256Concat => &[
                "secret-message",
                "message-secret",
                "message-only",
                "separator",
                "sha1",
                "md5",
            ],
            Mistake::WrongDigest => &[
                "sha1",
                "md5",
                "sha512",
                "sha224",
                "sha384",
                "sha3-256",
                "sha512-256",
                "sha512-truncated",
            ],
            Mistake::SecretHexDecoded => &["node", "when-valid"],
            Mistake::SecretBase64Decoded => &["lenient", "when-valid"],
            Mistake::TrailingNewlineInSecret => &["lf", "crlf"],
            Mistake::SecretTrimmed => &["default", "newline"],
            Mistake::TrimmedInput => &["default", "right", "javascript", "email", "chomp"],
            Mistake::LowercasedInput => &["default", "upper", "email", "email-domain"],
            Mistake::UnicodeNormalized => &["nfc", "nfd", "nfkc", "nfkd"],
            Mistake::Latin1Encoded => &["default", "charcodeat", "cp1252"],
            Mistake::Utf16Encoded => &["le", "be", "be-bom"],
            Mistake::AsciiReplaced => &["code-point", "utf16-unit", "ignore"],
            Mistake::StringifiedNull => &["null", "None", "undefined", "nil", "<nil>"],
            Mistake::HtmlEscapedInput => &["python", "php", "rails", "minimal", "php-compat", "go"],
            Mistake::NumericIdMisformat => &[
                "float",
                "exponent",
                "float64-rounded",
                "python-float",
                "java-double",
                "rust-exponent",
                "go",
                "printf-g",
                "decimal",
                "javascript",
                "php-float",
            ],
            Mistake::NumericStringReparsed => &["integer", "number", "digits-only", "python-float"],
            Mistake::LocaleGroupedId => &["comma", "dot", "comma-float64"],
            Mistake::SerializedInput => &["json", "python-repr", "json-escaped"],
            Mistake::UrlEncodedInput => &["percent", "form"],
            Mistake::HandWrittenHmac => &[
                "long-key-truncated",
                "long-key-by-chars",
                "pads-swapped",
                "long-key-whole",
                "hashes-at-64",
                "block-128",
                "block-32",
                "unpadded",
            ],
            Mistake::DecoratedHex => &[
                "dash-upper",
                "colon",
                "0x",
                "sha256=",
                "space",
                "openssl-3",
                "openssl-3-hmac",
                "openssl-1.1",
            ],
            Mistake::EmptyStringNotAbsent => &["both", "email"],
            Mistake::EmailCanonicalized => &["plus-tag"],
            Mistake::IntegerIdOverflow => &["int32", "int32-saturated", "uint64", "int64"],
            Mistake::LineEndingsChanged => &["lf", "crlf"],
            Mistake::ControlCharactersRemoved => &["c0", "nul"],
            Mistake::UrlDecodedInput => &["form"],
            Mistake::LengthLimitedInput => &["64-chars", "255-bytes"],
            Mistake::Cesu8Encoded => &["cesu-8", "java-modified"],
            Mistake::SecretNotUtf8 => &["latin1", "cp1252", "ascii", "utf16le", "charcodeat"],
            Mistake::SecretTruncated => &["8-bytes"],
            Mistake::SecretPrehashed => &["raw", "hex"],
            Mistake::MessagePrehashed => &["hex"],
            Mistake::SignedByteHex => &["java", "kotlin"],
            Mistake::RawDigestOutput => &["latin1"],
            Mistake::BytesReprOutput => &["digest", "hexdigest"],
            Mistake::EmptySecretAccepted => &["empty-key"],
            Mistake::TypeCoerced => &["ignored", "python", "javascript", "ruby", "php", "json"],
            Mistake::IntegerUserIdRejected => &["default", "skipped"],
            Mistake::VerifierAcceptsAnything => &["default", "non-empty"],
            Mistake::VerifierAcceptsPrefix => &["default", "substring"],
            Mistake::VerifierComparesPrefix => &["default", "16"],
            Mistake::VerifierLenientHex => &["default", "python"],
            Mistake::VerifierNumericCompare => &["default", "python-int"],
            Mistake::VerifierAcceptsOtherFormat => &["base64"],
            Mistake::VerifierErrorsInsteadOfRefusing => &["length", "hex-decode"],
            Mistake::WrongPlatformSecret => &[],
            Mistake::EmailWhenUserIdPresent
            | Mistake::UppercaseHex
            | Mistake::KeyMessageSwapped
            | Mistake::ZeroIdAbsent
            | Mistake::NulTerminatedInput
            | Mistake::SecretNulTerminated
            | Mistake::EmptyKey
            | Mistake::TrailingNewlineInOutput
            | Mistake::PlaceholderStringAbsent
            | Mistake::BlankIdentifierAbsent
            | Mistake::FirstLineOnly
            | Mistake::WhitespaceCollapsed
            | Mistake::InvisibleCharactersRemoved
            | Mistake::TagsStripped
            | Mistake::BackslashEscapedInput
            | Mistake::AsciiFolded
            | Mistake::DoubleUtf8Encoded
            | Mistake::SecretQuoted
            | Mistake::SecretWithNulTerminator
            | Mistake::HmacSumMisused
            | Mistake::EmptyHash
            | Mistake::NibblesSwapped
            | Mistake::HexEncodedTwice
            | Mistake::ByteOrderReversed
            | Mistake::VerifierAcceptsOverlong
            | Mistake::VerifierIgnoresCase
            | Mistake::VerifierStripsInput
            | Mistake::VerifierSkipsUnidentified
            | Mistake::VerifierAcceptsEmpty => &["default"],
            // Named from a token's structure or a verifier's decisions, never recomputed as a
            // hash.
            Mistake::AlgNoneAccepted => &[],
            Mistake::AlgNotPinned => &[],
            Mistake::SignatureNotChecked => &[],
            Mistake::SignaturePrefixCompared => &[],
            Mistake::PaddedBase64 => &[],
            Mistake::StandardBase64 => &[],
            Mistake::NumericUserId => &[],
            Mistake::MissingUserId => &[],
            Mistake::ExpNotChecked => &[],
            Mistake::NbfNotChecked => &[],
            Mistake::ExpAsString => &[],
            Mistake::ExpRequired => &[],
            Mistake::NoLeeway => &[],
        }
    }

    /// What a port making this mistake answers on `input`, one entry per variant that
    /// *differs from the reference answer* on this input, in [`Mistake::variants`] order.
    ///
    /// Variants that coincide with the correct answer are left out (they cannot explain a
    /// failure), so an empty Vec means this input cannot reveal the mistake: uppercase hex of an
    /// all-digit hash, Latin-1 of an ASCII identifier, a misformatted integer when the user_id
    /// is a string. An input the reference rejects (empty secret, bad JSON types) gives an
    /// empty Vec too. [`Mistake::WrongPlatformSecret`] always gives an empty Vec.
    ///
    /// ```
    /// use serde_json::json;
    /// use userhash_mistakes::{Input, Mistake};
    /// let user_id = json!(42);
    /// let input = Input { secret: "secret", user_id: Some(&user_id), email: None };
    /// let answers = Mistake::NumericIdMisformat.answers(&input);
    /// let variants: Vec<_> = answers.iter().map(|v| v.variant).collect();
    /// // 42 survives a round trip through a 64-bit float, so "float64-rounded" is left out, and
    /// // Go, C and PHP print it as the reference does.
    /// assert_eq!(variants, ["float", "exponent", "python-float", "java-double", "rust-exponent"]);
    /// assert!(Mistake::Latin1Encoded.answers(&input).is_empty());
    /// ```
    pub fn answers(self, input: &Input<'_>) -> Vec<Variant> {
        let Some(case) = Case::new(input) else {
            return Vec::new();
        };
        self.compute(&case)
            .into_iter()
            .filter(|variant| variant.answer != case.correct)
            .collect()
    }

    /// Like [`Mistake::answers`] but keeps every variant, including those that answer exactly
    /// as the reference does on this input: one entry per [`Mistake::variants`] name, in that
    /// order (empty for an invalid input and for [`Mistake::WrongPlatformSecret`]).
    ///
    /// ```
    /// use serde_json::json;
    /// use userhash_mistakes::{Input, Mistake};
    /// let user_id = json!("87");
    /// let input = Input { secret: "secret", user_id: Some(&user_id), email: None };
    /// let all = Mistake::UppercaseHex.all_answers(&input);
    /// assert_eq!(all.len(), 1);
    /// assert_eq!(all[0].answer.as_deref(), Some("003A9666F8C43026072598AEF3ADFD2251F799697D2EBA54F8D4AC3B0E30EA56"));
    /// ```
    pub fn all_answers(self, input: &Input<'_>) -> Vec<Variant> {
        match Case::new(input) {
            Some(case) => self.compute(&case),
            None => Vec::new(),
        }
    }

    /// What a port making this validation mistake answers on an input the reference
    /// *rejects*, one entry per recomputed variant, in [`Mistake::variants`] order. Empty for
    /// the hash [`CATALOGUE`](Mistake::CATALOGUE), for an input the reference accepts, and
    /// where the mistake cannot show (a type mistake with an empty secret, say).
    ///
    /// ```
    /// use serde_json::json;
    /// use userhash_mistakes::{Input, Mistake};
    /// let user_id = json!(4.5);
    /// let input = Input { secret: "secret", user_id: Some(&user_id), email: None };
    /// let names: Vec<_> = Mistake::TypeCoerced.answers_on_rejected(&input).iter().map(|v| v.variant).collect();
    /// assert_eq!(names, ["ignored", "python", "javascript", "ruby", "php", "json"]);
    /// ```
    pub fn answers_on_rejected(self, input: &Input<'_>) -> Vec<Variant> {
        validation::answers_on_rejected(self, input)
    }

    /// Every variant's answer on a valid case, in [`Mistake::variants`] order: the pipeline
    /// that makes this one deviation (see [`engine`]). A variant the engine has no deviation
    /// for (input validation, a verifier's comparison) changes no hash of input the reference
    /// accepts, so it answers as the reference does.
    fn compute(self, case: &Case<'_>) -> Vec<Variant> {
        self.variants()
            .iter()
            .filter_map(|&variant| {
                let answer = match engine::of_mistake(self).find(|(_, d)| d.variant == variant) {
                    Some((id, _)) => engine::Pipeline::new(vec![id]).answer(&case.input)?,
                    None => case.correct.clone(),
                };
                Some(Variant {
                    mistake: self,
                    variant,
                    answer,
                })
            })
            .collect()
    }
}

impl fmt::Display for Mistake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Mistake {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Mistake {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = Cow::<'de, str>::deserialize(deserializer)?;
        Mistake::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown mistake name {name:?}")))
    }
}

/// One variant of a mistake, with what a port making it answers (or answered).
///
/// Serialised as `{"mistake": "BASE64_OUTPUT", "variant": "std", "answer": "..."}`; displayed
/// as `BASE64_OUTPUT (std)`, or the bare name for a `"default"` variant.
///
/// ```
/// use serde_json::json;
/// use userhash_mistakes::{Input, Mistake};
/// let email = json!("ada@example.com");
/// let input = Input { secret: "secret", user_id: None, email: Some(&email) };
/// let std = &Mistake::Base64Output.answers(&input)[0];
/// assert_eq!(std.to_string(), "BASE64_OUTPUT (std)");
/// assert_eq!(std.answer.as_ref().map(String::len), Some(44));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Variant {
    /// The mistake.
    pub mistake: Mistake,
    /// Which variant: `"default"` for a mistake with one, else e.g. `"sha1"`, `"url-nopad"`.
    pub variant: &'static str,
    /// The port's answer on the input.
    pub answer: Answer,
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.variant == "default" {
            write!(f, "{}", self.mistake)
        } else {
            write!(f, "{} ({})", self.mistake, self.variant)
        }
    }
}

/// For a failed generation case, every mistake whose answer equals `observed`, with the first
/// matching variant, in [`Mistake::CATALOGUE`] order.
///
/// Several mistakes can match at once (an ASCII-replaced and a Latin-1-encoded "Łukasz" are
/// both "?ukasz"). Besides recomputed answers, three rules name a mistake:
/// [`Mistake::HashForUnidentified`] (`"any-hash"`) whenever any string came back for an
/// unidentified user, [`Mistake::MissingHash`] (`"no-hash"`) whenever no hash came back for an
/// identified one, and [`Mistake::TruncatedHash`] (`"prefix"`) whenever `observed` is a
/// non-empty proper prefix of the correct hash. Nothing is returned when `observed` is the
/// correct answer or the input is invalid under the reference.
///
/// ```
/// use serde_json::json;
/// use userhash_mistakes::{diagnose, Input, Mistake};
/// let email = json!("ada@example.com");
/// let input = Input { secret: "secret", user_id: None, email: Some(&email) };
/// assert_eq!(diagnose(&input, &None)[0].mistake, Mistake::MissingHash);
/// assert!(diagnose(&input, &Some("not a hash at all".to_owned())).is_empty());
/// ```
pub fn diagnose(input: &Input<'_>, observed: &Answer) -> Vec<Variant> {
    let Some(case) = Case::new(input) else {
        return Vec::new();
    };
    if *observed == case.correct {
        return Vec::new();
    }
    let mut found = Vec::new();
    for &mistake in Mistake::CATALOGUE {
        if let Some(variant) = mistake
            .compute(&case)
            .into_iter()
            .find(|variant| variant.answer == *observed)
        {
            found.push(variant);
            continue;
        }
        let rule = match (mistake, &case.correct, observed) {
            (Mistake::HashForUnidentified, None, Some(_)) => Some("any-hash"),
            (Mistake::MissingHash, Some(_), None) => Some("no-hash"),
            (Mistake::TruncatedHash, Some(correct), Some(seen))
                if !seen.is_empty()
                    && seen.len() < correct.len()
                    && correct.starts_with(seen.as_str()) =>
            {
                Some("prefix")
            }
            _ => None,
        };
        if let Some(variant) = rule {
            found.push(Variant {
                mistake,
                variant,
                answer: observed.clone(),
            });
        }
    }
    found
}

/// For a failed verification case, where the port accepted `presented` although the reference
/// refuses it: every mistake (first matching variant, [`Mistake::CATALOGUE`] order) whose
/// recomputed hash equals `presented`, since a port's verifier recomputes the mistaken hash
/// and compares.
///
/// Only recomputed answers count (no rule-based names). Nothing is returned when `presented`
/// is the correct hash or the input is invalid.
///
/// ```
/// use serde_json::json;
/// use userhash_mistakes::{diagnose_accepted_hash, Input, Mistake};
/// let (user_id, email) = (json!("87"), json!("ada@example.com"));
/// let input = Input { secret: "secret", user_id: Some(&user_id), email: Some(&email) };
/// // The port's verifier hashes the email although a user_id was sent.
/// let by_email = userhash::Signer::new("secret")?.sign_message(b"ada@example.com");
/// let found = diagnose_accepted_hash(&input, &by_email);
/// assert_eq!(found[0].mistake, Mistake::EmailWhenUserIdPresent);
/// # Ok::<(), userhash::Error>(())
/// ```
pub fn diagnose_accepted_hash(input: &Input<'_>, presented: &str) -> Vec<Variant> {
    let Some(case) = Case::new(input) else {
        return Vec::new();
    };
    if case.correct.as_deref() == Some(presented) {
        return Vec::new();
    }
    Mistake::CATALOGUE
        .iter()
        .filter_map(|mistake| {
            mistake
                .compute(&case)
                .into_iter()
                .find(|variant| variant.answer.as_deref() == Some(presented))
        })
        .collect()
}

/// [`Mistake::WrongPlatformSecret`]: the indices of `other_secrets` under which the reference
/// rule yields `observed` for this input's identity.
///
/// Only indices come back, never secrets; nothing here prints them. Empty secrets are
/// skipped. Nothing is returned for an invalid input, an unidentified user, or when
/// `observed` is already the correct hash.
///
/// ```
/// use serde_json::json;
/// use userhash_mistakes::{match_other_secrets, Input};
/// let user_id = json!("87");
/// let input = Input { secret: "web-secret", user_id: Some(&user_id), email: None };
/// let ios = userhash::Signer::new("ios-secret")?.sign_message(b"87");
/// assert_eq!(match_other_secrets(&input, &ios, &["android-secret", "ios-secret"]), [1]);
/// # Ok::<(), userhash::Error>(())
/// ```
pub fn match_other_secrets(
    input: &Input<'_>,
    observed: &str,
    other_secrets: &[&str],
) -> Vec<usize> {
    let Some(case) = Case::new(input) else {
        return Vec::new();
    };
    if case.identity.message().is_none() || case.correct.as_deref() == Some(observed) {
        return Vec::new();
    }
    other_secrets
        .iter()
        .enumerate()
        .filter(|(_, secret)| {
            Signer::new(secret)
                .ok()
                .and_then(|signer| signer.user_hash(&case.identity))
                .is_some_and(|hash| hash == observed)
        })
        .map(|(index, _)| index)
        .collect()
}

/// A valid input, with the reference's view of it computed once.
struct Case<'a> {
    input: Input<'a>,
    identity: Identity<'a>,
    correct: Answer,
}

impl<'a> Case<'a> {
    /// `None` when the reference rejects the input.
    fn new(input: &Input<'a>) -> Option<Self> {
        let signer = Signer::new(input.secret).ok()?;
        let identity = Identity::from_json(input.user_id, input.email).ok()?;
        let correct = signer.user_hash(&identity).map(String::from);
        Some(Case {
            input: *input,
            identity,
            correct,
        })
    }
}

/// Lowercase hex of any byte string.
fn hex(bytes: &[u8]) -> String {
    if let Ok(tag) = <&[u8; TAG_LEN]>::try_from(bytes) {
        return UserHash::from_tag(tag).into();
    }
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// HMAC (RFC 2104) over any block digest, for the [`Mistake::WrongDigest`] variants.
fn hmac_with<D: Digest + BlockSizeUser>(key: &[u8], message: &[u8]) -> Vec<u8> {
    let block = D::block_size();
    let mut key_block = if key.len() > block {
        D::digest(key).to_vec()
    } else {
        key.to_vec()
    };
    key_block.resize(block, 0);
    let inner_pad: Vec<u8> = key_block.iter().map(|byte| byte ^ 0x36).collect();
    let outer_pad: Vec<u8> = key_block.iter().map(|byte| byte ^ 0x5c).collect();
    let inner = D::new()
        .chain_update(&inner_pad)
        .chain_update(message)
        .finalize();
    D::new()
        .chain_update(&outer_pad)
        .chain_update(inner)
        .finalize()
        .to_vec()
}

/// Node's `Buffer.from(s, 'hex')`: hex pairs from the start up to the first pair that is not
/// two hex digits; a dangling odd digit is dropped.
fn node_hex_decode(secret: &str) -> Vec<u8> {
    let digit = |byte: u8| char::from(byte).to_digit(16);
    let mut key = Vec::new();
    for pair in secret.as_bytes().chunks_exact(2) {
        match (digit(pair[0]), digit(pair[1])) {
            (Some(high), Some(low)) => key.extend(u8::try_from(high * 16 + low).ok()),
            _ => break,
        }
    }
    key
}

/// Lenient base64 (Node's `Buffer.from(s, 'base64')`): characters outside the standard and
/// URL-safe alphabets (padding included) are dropped, the rest decoded, and bits that do not
/// make a whole byte at the end ignored.
fn lenient_base64_decode(secret: &str) -> Vec<u8> {
    let sextet = |byte: u8| -> Option<u32> {
        match byte {
            b'A'..=b'Z' => Some(u32::from(byte - b'A')),
            b'a'..=b'z' => Some(u32::from(byte - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(byte - b'0') + 52),
            b'+' | b'-' => Some(62),
            b'/' | b'_' => Some(63),
            _ => None,
        }
    };
    let mut key = Vec::new();
    let (mut bits, mut count) = (0u32, 0u32);
    for value in secret.bytes().filter_map(sextet) {
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            key.push(((bits >> count) & 0xff) as u8);
            bits &= (1 << count) - 1;
        }
    }
    key
}

/// `& < >` always, `"` and `'` when `apostrophe` gives the latter's entity.
fn html_escape(text: &str, apostrophe: Option<&str>) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match (c, apostrophe) {
            ('&', _) => out.push_str("&amp;"),
            ('<', _) => out.push_str("&lt;"),
            ('>', _) => out.push_str("&gt;"),
            ('"', Some(_)) => out.push_str("&quot;"),
            ('\'', Some(entity)) => out.push_str(entity),
            _ => out.push(c),
        }
    }
    out
}

/// The exact digits of `n` as `d[.ddd]eN`: 42 → "4.2e1", 100 → "1e2", 0 → "0e0", -7 → "-7e0".
fn exponent_form(n: i128) -> String {
    let digits = n.unsigned_abs().to_string();
    let (first, rest) = digits.split_at(1);
    let fraction = rest.trim_end_matches('0');
    let sign = if n < 0 { "-" } else { "" };
    let point = if fraction.is_empty() { "" } else { "." };
    format!("{sign}{first}{point}{fraction}e{}", rest.len())
}

/// `n` rounded to the nearest 64-bit float and printed as an integer again, as JavaScript
/// does to ids above 2^53.
fn float64_rounded(n: i128) -> String {
    // Every integral f64 below 2^127 is exact in i128; user_ids fit in 64 bits.
    ((n as f64) as i128).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sha2::{Sha224, Sha256, Sha512};
    use userhash::hmac::hmac_sha256;

    fn input<'a>(
        secret: &'a str,
        user_id: Option<&'a Value>,
        email: Option<&'a Value>,
    ) -> Input<'a> {
        Input {
            secret,
            user_id,
            email,
        }
    }

    #[test]
    fn names_round_trip_and_hints_exist() {
        for &mistake in Mistake::ALL {
            assert_eq!(Mistake::from_name(mistake.name()), Some(mistake));
            assert_eq!(mistake.to_string(), mistake.name());
            assert!(!mistake.hint().is_empty(), "{mistake} has no hint");
            assert!(
                !mistake.hint().contains('\n'),
                "{mistake}'s hint is not one line"
            );
            let json = serde_json::to_string(&mistake).unwrap();
            assert_eq!(json, format!("\"{}\"", mistake.name()));
            assert_eq!(serde_json::from_str::<Mistake>(&json).unwrap(), mistake);
        }
        assert_eq!(Mistake::from_name("NOT_A_MISTAKE"), None);
        assert!(serde_json::from_str::<Mistake>("\"NOT_A_MISTAKE\"").is_err());
    }

    #[test]
    fn all_is_catalogue_then_validation_then_verifier_then_jwt_then_wrong_platform_secret() {
        assert_eq!(
            Mistake::CATALOGUE.len()
                + Mistake::VALIDATION.len()
                + Mistake::VERIFIER.len()
                + Mistake::JWT.len()
                + 1,
            Mistake::ALL.len()
        );
        assert_eq!(
            &Mistake::ALL[..Mistake::CATALOGUE.len()],
            Mistake::CATALOGUE
        );
        assert_eq!(Mistake::ALL.last(), Some(&Mistake::WrongPlatformSecret));
        // Declaration order = catalogue order, so `Ord` sorts as reports list.
        assert!(Mistake::ALL.windows(2).all(|pair| pair[0] < pair[1]));
        let validation_end = Mistake::CATALOGUE.len() + Mistake::VALIDATION.len();
        assert_eq!(
            &Mistake::ALL[Mistake::CATALOGUE.len()..validation_end],
            Mistake::VALIDATION
        );
        let verifier_end = validation_end + Mistake::VERIFIER.len();
        assert_eq!(
            &Mistake::ALL[validation_end..verifier_end],
            Mistake::VERIFIER
        );
        assert_eq!(
            &Mistake::ALL[verifier_end..Mistake::ALL.len() - 1],
            Mistake::JWT
        );
        for &mistake in Mistake::JWT {
            assert!(
                mistake.variants().is_empty(),
                "{mistake} is never recomputed as a hash"
            );
        }
        for &mistake in Mistake::CATALOGUE.iter().chain(Mistake::VALIDATION) {
            assert!(!mistake.variants().is_empty());
        }
        assert!(Mistake::WrongPlatformSecret.variants().is_empty());
    }

    #[test]
    fn generic_hmac_matches_the_hmac_crate_and_the_reference() {
        use hmac::{Hmac, Mac};
        macro_rules! crate_hmac {
            ($digest:ty, $key:expr, $message:expr) => {{
                let mut mac = Hmac::<$digest>::new_from_slice($key).unwrap();
                mac.update($message);
                mac.finalize().into_bytes().to_vec()
            }};
        }
        let long_key = [0x5a; 200];
        for key in [&b""[..], b"secret", &long_key[..]] {
            for message in [&b""[..], b"87", &[b'x'; 300][..]] {
                assert_eq!(
                    hmac_with::<sha1::Sha1>(key, message),
                    crate_hmac!(sha1::Sha1, key, message)
                );
                assert_eq!(
                    hmac_with::<md5::Md5>(key, message),
                    crate_hmac!(md5::Md5, key, message)
                );
                assert_eq!(
                    hmac_with::<Sha512>(key, message),
                    crate_hmac!(Sha512, key, message)
                );
                assert_eq!(
                    hmac_with::<Sha224>(key, message),
                    crate_hmac!(Sha224, key, message)
                );
                assert_eq!(
                    hmac_with::<Sha256>(key, message),
                    hmac_sha256(key, message).to_vec()
                );
            }
        }
    }

    #[test]
    fn secret_decoders() {
        assert_eq!(node_hex_decode("deadBEEF"), [0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(node_hex_decode("abc"), [0xab]);
        assert_eq!(node_hex_decode("ab0zcd"), [0xab]);
        assert_eq!(node_hex_decode("secret"), [0u8; 0]);
        assert_eq!(node_hex_decode("é1"), [0u8; 0]);
        assert_eq!(lenient_base64_decode("c2VjcmV0"), b"secret");
        assert_eq!(lenient_base64_decode("c2VjcmV0=="), b"secret");
        assert_eq!(lenient_base64_decode("c2 Vj\ncm=V0"), b"secret");
        assert_eq!(lenient_base64_decode("-_-_"), [0xfb, 0xff, 0xbf]);
        assert_eq!(lenient_base64_decode("+/+/"), [0xfb, 0xff, 0xbf]);
        assert_eq!(
            lenient_base64_decode("abcde"),
            lenient_base64_decode("abcd")
        );
        assert_eq!(lenient_base64_decode("!!"), [0u8; 0]);
    }

    #[test]
    fn numeric_forms() {
        assert_eq!(exponent_form(42), "4.2e1");
        assert_eq!(exponent_form(100), "1e2");
        assert_eq!(exponent_form(0), "0e0");
        assert_eq!(exponent_form(-7), "-7e0");
        assert_eq!(exponent_form(-1050), "-1.05e3");
        assert_eq!(exponent_form(9_007_199_254_740_993), "9.007199254740993e15");
        assert_eq!(float64_rounded(9_007_199_254_740_993), "9007199254740992");
        assert_eq!(float64_rounded(42), "42");
        assert_eq!(
            float64_rounded(i128::from(u64::MAX)),
            "18446744073709551616"
        );
        assert_eq!(
            float64_rounded(i128::from(i64::MIN)),
            "-9223372036854775808"
        );
    }

    #[test]
    fn html_escapes() {
        let text = r#"<a href="x">Tom & 'Jerry'</a>"#;
        assert_eq!(
            html_escape(text, Some("&#x27;")),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#x27;Jerry&#x27;&lt;/a&gt;"
        );
        assert_eq!(
            html_escape(text, None),
            "&lt;a href=\"x\"&gt;Tom &amp; 'Jerry'&lt;/a&gt;"
        );
    }

    #[test]
    fn invalid_inputs_give_nothing() {
        let (id, float, flag) = (json!("87"), json!(4.5), json!(true));
        let cases = [
            input("", Some(&id), None),
            input("secret", Some(&float), None),
            input("secret", Some(&flag), None),
            input("secret", None, Some(&float)),
            input("secret", Some(&id), Some(&flag)),
        ];
        for case in &cases {
            for &mistake in Mistake::CATALOGUE {
                assert!(mistake.answers(case).is_empty());
                assert!(mistake.all_answers(case).is_empty());
            }
            assert!(diagnose(case, &None).is_empty());
            assert!(diagnose(case, &Some("x".into())).is_empty());
            assert!(diagnose_accepted_hash(case, "x").is_empty());
            assert!(match_other_secrets(case, "x", &["other"]).is_empty());
        }
    }
}
