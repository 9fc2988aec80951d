//! Every flag a case may carry, with what it means. One table, so a flag cannot be used without
//! being explained in the file's `notes`.

use crate::format::{BugType, Note};

/// A flag: its name in the files, bug type and explanation.
pub struct Flag {
    /// The name cases use in `flags`.
    pub name: &'static str,
    /// The bug type of the note.
    pub bug_type: BugType,
    /// The note's description.
    pub description: &'static str,
    /// Evidence or background.
    pub links: &'static [&'static str],
}

/// All flags, in the order they are documented.
pub const FLAGS: &[Flag] = &[
    Flag {
        name: "BasicIdentity",
        bug_type: BugType::Basic,
        description: "An ordinary user_id or email. Every port must get these right; a failure here usually means the wrong digest, key/message order, output encoding or key handling (the checker names which).",
        links: &[],
    },
    Flag {
        name: "UserIdWins",
        bug_type: BugType::Basic,
        description: "Both a user_id and an email are known: the user_id is hashed. A hash of the email is rejected with a 401 when a user_id is sent (EMAIL_WHEN_USER_ID_PRESENT).",
        links: &[],
    },
    Flag {
        name: "Unidentified",
        bug_type: BugType::Basic,
        description: "Neither identifier is present (missing, null or empty): the user is unidentified and gets no hash (HASH_FOR_UNIDENTIFIED, STRINGIFIED_NULL).",
        links: &[],
    },
    Flag {
        name: "AbsentIdentifier",
        bug_type: BugType::Ambiguous,
        description: "An identifier that is null or the empty string counts as absent, so the other one is used. Ports that hash the literal \"null\" or \"undefined\", or that test truthiness (treating 0 as absent), fail these.",
        links: &[],
    },
    Flag {
        name: "EmptyUserIdWithEmail",
        bug_type: BugType::Ambiguous,
        description: "user_id is the empty string and an email is known. The reference treats \"\" as absent and hashes the email; intercom-rails emits no hash at all (it tests present?). Acceptable: deviating is a warning.",
        links: &["https://github.com/intercom/intercom-rails"],
    },
    Flag {
        name: "WhitespaceOnlyIdentifier",
        bug_type: BugType::Ambiguous,
        description: "A user_id of only whitespace is present and hashed byte for byte by the reference; libraries that test present? or strip() treat it as absent. Acceptable: deviating is a warning.",
        links: &["https://github.com/intercom/intercom-rails"],
    },
    Flag {
        name: "Whitespace",
        bug_type: BugType::EdgeCase,
        description: "Leading or trailing whitespace is part of the identifier: hash it as given (TRIMMED_INPUT).",
        links: &[],
    },
    Flag {
        name: "CaseSensitive",
        bug_type: BugType::EdgeCase,
        description: "Identifiers are case-sensitive, emails included: never lower-case before hashing (LOWERCASED_INPUT).",
        links: &[],
    },
    Flag {
        name: "IntegerUserId",
        bug_type: BugType::EdgeCase,
        description: "An integer user_id is hashed as its plain decimal string: 42, -7, 0; no exponent, no \".0\" (NUMERIC_ID_MISFORMAT), and 0 is an id, not a missing one.",
        links: &["https://github.com/intercom/intercom-rails"],
    },
    Flag {
        name: "LargeInteger",
        bug_type: BugType::Ambiguous,
        description: "An integer user_id above 2^53, which an IEEE double cannot hold exactly. The reference hashes its exact digits; JavaScript and other double-only JSON readers round it. Acceptable: deviating is a warning, and sending such ids as strings avoids the problem.",
        links: &[],
    },
    Flag {
        name: "NonIntegerNumber",
        bug_type: BugType::Ambiguous,
        description: "A JSON number written with a fraction that is zero (42.0). The reference rejects it as a float; JSON readers that have one number type cannot tell it from 42. Acceptable: hashing \"42\" is a warning.",
        links: &[],
    },
    Flag {
        name: "NonAscii",
        bug_type: BugType::Encoding,
        description: "Non-ASCII text is hashed as UTF-8, never Latin-1, UTF-16 or ASCII with replacement characters (LATIN1_ENCODED, UTF16_ENCODED, ASCII_REPLACED).",
        links: &[],
    },
    Flag {
        name: "UnicodeNormalization",
        bug_type: BugType::Encoding,
        description: "Canonically or compatibly equivalent strings (NFC vs NFD, ligatures, full-width forms) are different identifiers with different hashes: never normalise (UNICODE_NORMALIZED).",
        links: &[],
    },
    Flag {
        name: "ControlCharacters",
        bug_type: BugType::EdgeCase,
        description: "NUL, tab, CR and LF inside an identifier are ordinary bytes. C strings that stop at NUL and line-based readers fail these.",
        links: &[],
    },
    Flag {
        name: "HtmlSpecialCharacters",
        bug_type: BugType::Encoding,
        description: "& < > \" ' are hashed as themselves: escaping for HTML must happen after hashing, and only in the page (HTML_ESCAPED_INPUT).",
        links: &["https://github.com/intercom/intercom-node"],
    },
    Flag {
        name: "PlaceholderString",
        bug_type: BugType::EdgeCase,
        description: "The strings \"null\", \"None\", \"undefined\" and \"nil\" are real identifiers when sent as strings, and must not appear when the value is missing (STRINGIFIED_NULL).",
        links: &[],
    },
    Flag {
        name: "PaddingBoundary",
        bug_type: BugType::EdgeCase,
        description: "The message's length puts the SHA-256 padding at a block boundary (55, 56, 63, 64, 119, 120 bytes): hand-written SHA-256 or HMAC code fails here first.",
        links: &["https://www.rfc-editor.org/rfc/rfc6234"],
    },
    Flag {
        name: "LongMessage",
        bug_type: BugType::EdgeCase,
        description: "A message of 1 KiB: fixed-size buffers and streaming code are exercised.",
        links: &[],
    },
    Flag {
        name: "SecretLength",
        bug_type: BugType::EdgeCase,
        description: "Secrets of 1, 32, 64 (the block size), 65 and 131 bytes: keys longer than 64 bytes are hashed first (RFC 2104).",
        links: &["https://www.rfc-editor.org/rfc/rfc2104"],
    },
    Flag {
        name: "SecretEncoding",
        bug_type: BugType::Encoding,
        description: "The key is the secret's literal UTF-8 bytes even when it looks like hex or base64, or is not ASCII: never decode it (SECRET_HEX_DECODED, SECRET_BASE64_DECODED).",
        links: &[],
    },
    Flag {
        name: "SecretWhitespace",
        bug_type: BugType::Encoding,
        description: "Whitespace around the secret is part of the key: never trim it (SECRET_TRIMMED). A newline that a file or `echo` added is the opposite mistake (TRAILING_NEWLINE_IN_SECRET).",
        links: &[],
    },
    Flag {
        name: "LeadingZeros",
        bug_type: BugType::OutputFormat,
        description: "The correct hash starts with 0 or 00: converting through a big integer or formatting bytes without padding drops them (DROPPED_LEADING_ZEROS).",
        links: &[],
    },
    Flag {
        name: "EmptySecret",
        bug_type: BugType::MalformedInput,
        description: "An empty secret with an identifier must be rejected: the hash would be an HMAC keyed with nothing, which authenticates nothing (EMPTY_SECRET_ACCEPTED). Java's SecretKeySpec and WebCrypto throw; Python and Node silently accept it.",
        links: &[],
    },
    Flag {
        name: "EmptySecretNoHash",
        bug_type: BugType::Ambiguous,
        description: "An empty secret for a user who gets no hash anyway. The reference rejects it, because the secret is plainly misconfigured; a port that answers no hash signs nothing and gives no user a 401, so deviating is acceptable (EMPTY_SECRET_ACCEPTED, as a warning).",
        links: &[],
    },
    Flag {
        name: "UnsupportedType",
        bug_type: BugType::Ambiguous,
        description: "A user_id that is not a string or an integer (a float, boolean, array or object), or an email that is not a string. The reference rejects it. A port that stringifies it (str(), String(), to_s, JSON) or ignores an email it never uses gives no real user a 401, so deviating is acceptable (TYPE_COERCED, as a warning); apps should still send ids as strings or integers.",
        links: &[],
    },
    Flag {
        name: "NumericLookingString",
        bug_type: BugType::EdgeCase,
        description: "A string user_id that looks like a number (\"007\", \"1e3\", \"+42\", \" 42\") is hashed as its literal text. Ports that parse ids as numbers and print them again hash \"7\", \"1000\" or \"42\" instead.",
        links: &[],
    },
    Flag {
        name: "EmailCanonicalization",
        bug_type: BugType::EdgeCase,
        description: "An email is hashed exactly as sent: libraries that canonicalise addresses (dots and +tags dropped for Gmail, case folded) hash another address.",
        links: &[],
    },
    Flag {
        name: "SecretSpecialCharacters",
        bug_type: BugType::EdgeCase,
        description: "A secret with characters that shells, Docker Compose and dotenv interpolate ($) is used as is: a secret read through interpolation arrives changed.",
        links: &[],
    },
    Flag {
        name: "InternationalDomain",
        bug_type: BugType::Encoding,
        description: "An email with a non-ASCII domain is hashed as the UTF-8 text sent, never converted to its punycode (xn--) form by an email or URL library.",
        links: &["https://www.rfc-editor.org/rfc/rfc3492"],
    },
    Flag {
        name: "SecretControlCharacters",
        bug_type: BugType::EdgeCase,
        description: "A secret holding a NUL byte is used whole: code that treats the secret as a C string stops at the NUL and keys the HMAC with a prefix.",
        links: &[],
    },
    Flag {
        name: "CorrectHash",
        bug_type: BugType::Basic,
        description: "The presented hash is correct: the verifier must accept it.",
        links: &[],
    },
    Flag {
        name: "ModifiedHash",
        bug_type: BugType::AuthBypass,
        description: "The presented hash differs from the correct one (a flipped bit, truncated, extended, wrong user or secret): accepting it lets anyone impersonate the user.",
        links: &[],
    },
    Flag {
        name: "EmailHashWithUserId",
        bug_type: BugType::AuthBypass,
        description: "A hash of the email presented while a user_id is sent: it must be refused (the upstream service answers 401).",
        links: &[],
    },
    Flag {
        name: "WrongFormat",
        bug_type: BugType::OutputFormat,
        description: "The right bytes in another encoding (base64, dropped zeros, surrounding whitespace): a verifier compares the exact lowercase hex.",
        links: &[],
    },
    Flag {
        name: "UppercaseHex",
        bug_type: BugType::Ambiguous,
        description: "The correct hash in uppercase hex. The reference refuses it (the upstream service documents lowercase), but a verifier that accepts it loses nothing: acceptable.",
        links: &[],
    },
    Flag {
        name: "UnidentifiedWithHash",
        bug_type: BugType::AuthBypass,
        description: "A hash presented for a user with no identifier: there is nothing it can be valid for.",
        links: &[],
    },
    Flag {
        name: "Rfc4231",
        bug_type: BugType::Basic,
        description: "A test case from RFC 4231 (HMAC-SHA-256), for ports with a hand-written or unusual HMAC.",
        links: &["https://www.rfc-editor.org/rfc/rfc4231"],
    },
    Flag {
        name: "Truncation",
        bug_type: BugType::EdgeCase,
        description: "Only the leftmost 128 bits of the tag are given (RFC 4231 test case 5); compare that prefix.",
        links: &["https://www.rfc-editor.org/rfc/rfc4231#section-4.6"],
    },
    // Messenger-security JWTs (user_jwt.json, user_jwt_verify.json).
    Flag {
        name: "BasicClaims",
        bug_type: BugType::Basic,
        description: "An ordinary Messenger JWT: header {\"alg\":\"HS256\",\"typ\":\"JWT\"}, the claims as given with user_id a string, HMAC-SHA256 over header.payload keyed with the secret's UTF-8 bytes. Judged semantically: key order and JSON whitespace are free.",
        links: &[],
    },
    Flag {
        name: "UserIdAsString",
        bug_type: BugType::Basic,
        description: "Intercom requires user_id to be a string: an integer is signed as its plain decimal digits (as the user hash hashes it), and a string of digits stays that exact string (NUMERIC_USER_ID).",
        links: &[],
    },
    Flag {
        name: "JwtLargeInteger",
        bug_type: BugType::Ambiguous,
        description: "An integer user_id above 2^53: signed with its exact digits; a JSON reader that uses doubles cannot hold it. Acceptable, as for the user hash; send such ids as strings.",
        links: &[],
    },
    Flag {
        name: "UnicodeClaims",
        bug_type: BugType::Encoding,
        description: "Claims with non-ASCII text: JSON in UTF-8 (escaped or not), read back exactly.",
        links: &[],
    },
    Flag {
        name: "JsonEscaping",
        bug_type: BugType::Encoding,
        description: "Claim values with quotes, backslashes, slashes, newlines or markup: escaped as JSON requires, read back exactly.",
        links: &[],
    },
    Flag {
        name: "TimeClaims",
        bug_type: BugType::EdgeCase,
        description: "exp, nbf and iat are NumericDates: JSON numbers of seconds, possibly with a fraction (RFC 7519 §2); never strings (EXP_AS_STRING) or milliseconds.",
        links: &["https://www.rfc-editor.org/rfc/rfc7519#section-2"],
    },
    Flag {
        name: "NestedClaims",
        bug_type: BugType::Basic,
        description: "Custom attributes, nested objects and arrays included, are signed with their JSON types.",
        links: &[],
    },
    Flag {
        name: "JwtSecretEncoding",
        bug_type: BugType::Encoding,
        description: "The Messenger secret is keyed as its UTF-8 text, never hex- or base64-decoded, trimmed or re-encoded (WRONG_SECRET_ENCODING).",
        links: &[],
    },
    Flag {
        name: "JwtSecretLength",
        bug_type: BugType::EdgeCase,
        description: "A secret longer than SHA-256's 64-byte block is hashed first by HMAC; hand-written HMACs get this wrong.",
        links: &["https://www.rfc-editor.org/rfc/rfc2104"],
    },
    Flag {
        name: "BlockBoundary",
        bug_type: BugType::EdgeCase,
        description: "The signed text header.payload is 119 or 120 bytes, where the HMAC's inner message padding spills into a new block or just fits: for hand-written HMACs.",
        links: &[],
    },
    Flag {
        name: "MissingUserId",
        bug_type: BugType::Basic,
        description: "A Messenger JWT must carry a non-empty user_id (an email alone is not enough): a signer refuses to sign without one (MISSING_USER_ID), and the reference verifier refuses such a token (accepting one signed with the secret is only a warning).",
        links: &[],
    },
    Flag {
        name: "JwtEmptySecret",
        bug_type: BugType::AuthBypass,
        description: "An empty secret signs with nothing: anyone could write the token. Refuse it.",
        links: &[],
    },
    Flag {
        name: "JwtUserIdType",
        bug_type: BugType::Ambiguous,
        description: "A user_id that is not a string: the reference refuses to sign a float, boolean or object, and refuses a token whose user_id is a number. Deviating is a warning (no real user is signed in as someone else by it).",
        links: &[],
    },
    Flag {
        name: "NoExp",
        bug_type: BugType::Basic,
        description: "exp is optional for Intercom (recommended, not required): a verifier that requires it rejects every token without one.",
        links: &["https://docs.rs/jsonwebtoken/latest/jsonwebtoken/struct.Validation.html#structfield.required_spec_claims"],
    },
    Flag {
        name: "HeaderForms",
        bug_type: BugType::Basic,
        description: "Headers other libraries write: no typ, typ first, a kid, whitespace. Any JSON object with alg exactly HS256 and no crit is fine; comparing the header segment with one fixed string rejects valid tokens.",
        links: &[],
    },
    Flag {
        name: "Leeway",
        bug_type: BugType::Ambiguous,
        description: "Within the 60-second leeway for clock skew (RFC 7519 §4.1.4): the reference accepts; a verifier with a smaller leeway refuses, which is only a warning.",
        links: &["https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4"],
    },
    Flag {
        name: "AlgNone",
        bug_type: BugType::AuthBypass,
        description: "alg none with no signature: a token anyone can write. The verifier must pin HS256 and never read the algorithm from the header (ALG_NONE_ACCEPTED; CVE-2015-9235, CVE-2022-29217).",
        links: &["https://www.rfc-editor.org/rfc/rfc8725#section-3.1", "https://nvd.nist.gov/vuln/detail/CVE-2015-9235"],
    },
    Flag {
        name: "BadSignature",
        bug_type: BugType::AuthBypass,
        description: "The signature does not match header.payload under the secret (another secret, tampered segments, another token's, empty or truncated): accepting it lets a forged token through (SIGNATURE_NOT_CHECKED).",
        links: &[],
    },
    Flag {
        name: "Expired",
        bug_type: BugType::AuthBypass,
        description: "exp is in the past beyond any small leeway: accepting the token lets a stale or stolen one through (EXP_NOT_CHECKED).",
        links: &[],
    },
    Flag {
        name: "NotYetValid",
        bug_type: BugType::AuthBypass,
        description: "nbf is well in the future: the token is not valid yet.",
        links: &[],
    },
    Flag {
        name: "ExpType",
        bug_type: BugType::AuthBypass,
        description: "exp is a string: the reference refuses it. A verifier that skips a non-numeric exp accepts an expired token, which is mandatory to refuse; one that is still ahead is only a warning.",
        links: &[],
    },
    Flag {
        name: "Segments",
        bug_type: BugType::MalformedInput,
        description: "A compact JWS is exactly three base64url segments separated by dots (RFC 7515 §7.1). Fewer cannot carry a signature; more is not a JWS (a warning).",
        links: &["https://www.rfc-editor.org/rfc/rfc7515#section-7.1"],
    },
    Flag {
        name: "AlgNotPinned",
        bug_type: BugType::AuthBypass,
        description: "An algorithm other than HS256 (HS384, HS512, RS256, lowercase, missing, none with a signature) on a token signed with the secret: only the secret's holder can write it, so accepting is a warning, but it shows the verifier trusts the header's alg (ALG_NOT_PINNED), the root of algorithm confusion.",
        links: &["https://www.rfc-editor.org/rfc/rfc8725#section-3.1"],
    },
    Flag {
        name: "PaddedBase64",
        bug_type: BugType::MalformedInput,
        description: "A segment with '=' padding, which base64url in JWS never has (RFC 7515 §2). The reference refuses it; a signer that writes it fails a mandatory case (PADDED_BASE64).",
        links: &["https://www.rfc-editor.org/rfc/rfc7515#section-2"],
    },
    Flag {
        name: "StandardBase64",
        bug_type: BugType::MalformedInput,
        description: "A segment in the standard base64 alphabet ('+', '/'): not base64url. The reference refuses it; a signer that writes it fails a mandatory case (STANDARD_BASE64).",
        links: &[],
    },
    Flag {
        name: "TokenWhitespace",
        bug_type: BugType::MalformedInput,
        description: "Whitespace around or inside the token: the reference refuses it rather than guess; trim where the token is read, not in the verifier.",
        links: &[],
    },
    Flag {
        name: "NonCanonicalBase64",
        bug_type: BugType::MalformedInput,
        description: "A last base64url character with non-zero unused bits: lenient decoders read the same bytes, so one token has several spellings.",
        links: &["https://www.rfc-editor.org/rfc/rfc4648#section-3.5"],
    },
    Flag {
        name: "DuplicateClaims",
        bug_type: BugType::Ambiguous,
        description: "A key repeated in the header or payload: JSON parsers disagree on which value wins, so the reference refuses the token. Signed with the secret, so accepting is a warning.",
        links: &["https://www.rfc-editor.org/rfc/rfc7515#section-5.2"],
    },
    Flag {
        name: "CritHeader",
        bug_type: BugType::MalformedInput,
        description: "A crit header listing an extension the verifier does not implement must be rejected (RFC 7515 §4.1.11); signed with the secret, so accepting is a warning.",
        links: &["https://www.rfc-editor.org/rfc/rfc7515#section-4.1.11"],
    },
    Flag {
        name: "MalformedJson",
        bug_type: BugType::MalformedInput,
        description: "A payload that is not a UTF-8 JSON object, signed with the secret: the reference refuses it; accepting is a warning.",
        links: &[],
    },
    Flag {
        name: "TokenSize",
        bug_type: BugType::EdgeCase,
        description: "A token over 8 KiB: the reference refuses tokens longer than 8192 bytes before decoding them. Accepting one signed with the secret is a warning.",
        links: &[],
    },
];

/// Looks a flag up by name.
pub fn flag(name: &str) -> Option<&'static Flag> {
    FLAGS.iter().find(|flag| flag.name == name)
}

impl Flag {
    /// The note written into a file's `notes`.
    pub fn note(&self) -> Note {
        Note {
            bug_type: self.bug_type,
            description: self.description.to_owned(),
            links: self.links.iter().map(|link| (*link).to_owned()).collect(),
        }
    }
}
