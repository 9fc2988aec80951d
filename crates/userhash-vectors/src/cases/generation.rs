//! `user_hash.json`: what a port must answer for a user.

use serde_json::json;
use userhash::{Identity, Signer};

use super::{absent, ascii_of_len, json, null, text, to_hex, Field, DEFAULT_SECRET};
use crate::format::{
    ExpectedError, ExpectedHash, GenerationCase, GenerationExpected, GenerationInput, Verdict,
};

/// Builds cases, computing each expected answer with the reference library.
#[derive(Default)]
struct Cases {
    cases: Vec<GenerationCase>,
}

impl Cases {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        result: Verdict,
        id: &str,
        description: &str,
        flags: &[&str],
        secret: &str,
        user_id: Field,
        email: Field,
    ) {
        let input = GenerationInput {
            secret: secret.to_owned(),
            user_id: user_id.into_option(),
            email: email.into_option(),
        };
        let expected = expect(&input);
        let rejected = matches!(expected, GenerationExpected::Error(_));
        // A case's verdict and the reference's answer must agree, or the file would contradict
        // itself; this is a generator bug, so stop loudly.
        assert!(
            (result == Verdict::Invalid) == rejected || result == Verdict::Acceptable,
            "case {id}: verdict {result:?} but the reference {} it",
            if rejected { "rejects" } else { "accepts" }
        );
        self.cases.push(GenerationCase {
            id: id.to_owned(),
            description: description.to_owned(),
            flags: flags.iter().map(|flag| (*flag).to_owned()).collect(),
            result,
            input,
            expected,
        });
    }

    fn valid(
        &mut self,
        id: &str,
        description: &str,
        flags: &[&str],
        secret: &str,
        user_id: Field,
        email: Field,
    ) {
        self.add(
            Verdict::Valid,
            id,
            description,
            flags,
            secret,
            user_id,
            email,
        );
    }

    fn user_id(&mut self, id: &str, description: &str, flags: &[&str], user_id: &str) {
        self.valid(
            id,
            description,
            flags,
            DEFAULT_SECRET,
            text(user_id),
            absent(),
        );
    }
}

/// The reference answer for an input.
pub fn expect(input: &GenerationInput) -> GenerationExpected {
    let reject = |error: userhash::Error| {
        GenerationExpected::Error(ExpectedError {
            error: error.class().to_owned(),
        })
    };
    let signer = match Signer::new(&input.secret) {
        Ok(signer) => signer,
        Err(error) => return reject(error),
    };
    let identity = match Identity::from_json(input.user_id.as_ref(), input.email.as_ref()) {
        Ok(identity) => identity,
        Err(error) => return reject(error),
    };
    let message = identity.message().map(str::to_owned);
    GenerationExpected::Hash(ExpectedHash {
        identity: identity.kind().as_str().to_owned(),
        message_utf8_hex: message.as_deref().map(|message| to_hex(message.as_bytes())),
        message,
        user_hash: signer.user_hash(&identity).map(String::from),
    })
}

const EMAIL: &str = "ada@example.com";

/// All generation cases, in file order.
pub fn cases() -> Vec<GenerationCase> {
    let mut c = Cases::default();
    let s = DEFAULT_SECRET;

    // Which identifier is hashed.
    c.user_id(
        "user-id-only",
        "A user_id alone is hashed.",
        &["BasicIdentity"],
        "user_8f3a2c",
    );
    c.valid(
        "email-only",
        "An email alone is hashed.",
        &["BasicIdentity"],
        s,
        absent(),
        text(EMAIL),
    );
    c.valid(
        "user-id-and-email",
        "Both are known: the user_id is hashed, not the email.",
        &["BasicIdentity", "UserIdWins"],
        s,
        text("user_8f3a2c"),
        text(EMAIL),
    );
    c.valid(
        "user-id-null-with-email",
        "user_id is null, so the email is hashed (not the string \"null\").",
        &["AbsentIdentifier", "PlaceholderString"],
        s,
        null(),
        text(EMAIL),
    );
    c.valid(
        "email-null-with-user-id",
        "email is null, the user_id is hashed.",
        &["AbsentIdentifier"],
        s,
        text("user_8f3a2c"),
        null(),
    );
    c.valid(
        "unidentified-missing",
        "Neither identifier is sent: no hash.",
        &["Unidentified"],
        s,
        absent(),
        absent(),
    );
    c.valid(
        "unidentified-null",
        "Both identifiers are null: no hash.",
        &["Unidentified"],
        s,
        null(),
        null(),
    );
    c.valid(
        "unidentified-empty-strings",
        "Both identifiers are empty strings, which count as absent: no hash.",
        &["Unidentified"],
        s,
        text(""),
        text(""),
    );
    c.valid(
        "unidentified-empty-email",
        "Only an empty email is sent: no hash.",
        &["Unidentified"],
        s,
        absent(),
        text(""),
    );
    c.add(
        Verdict::Acceptable,
        "user-id-empty-with-email",
        "user_id is \"\" and an email is known: the reference hashes the email; a port that returns no hash deviates.",
        &["EmptyUserIdWithEmail"],
        s,
        text(""),
        text(EMAIL),
    );
    c.add(
        Verdict::Acceptable,
        "user-id-whitespace-only",
        "A user_id of three spaces is present and hashed as is; a port that treats it as absent deviates.",
        &["WhitespaceOnlyIdentifier"],
        s,
        text("   "),
        absent(),
    );
    c.add(
        Verdict::Acceptable,
        "user-id-whitespace-only-with-email",
        "A whitespace-only user_id still wins over the email in the reference.",
        &["WhitespaceOnlyIdentifier", "UserIdWins"],
        s,
        text(" \t"),
        text(EMAIL),
    );

    // Whitespace and case are part of the identifier.
    c.user_id(
        "user-id-surrounding-spaces",
        "Leading and trailing spaces are hashed.",
        &["Whitespace"],
        " user_8f3a2c ",
    );
    c.valid(
        "email-surrounding-whitespace",
        "A tab and a space around the email are hashed.",
        &["Whitespace"],
        s,
        absent(),
        text("\tada@example.com "),
    );
    c.valid(
        "email-mixed-case",
        "Emails are hashed with their case as given.",
        &["CaseSensitive"],
        s,
        absent(),
        text("Ada.Lovelace@Example.COM"),
    );
    c.user_id(
        "user-id-mixed-case",
        "user_ids are case-sensitive.",
        &["CaseSensitive"],
        "User_8F3A2C",
    );
    c.valid(
        "email-plus-addressing",
        "A + sub-address is part of the email.",
        &["BasicIdentity"],
        s,
        absent(),
        text("ada+messenger@example.com"),
    );

    // Integers.
    c.valid(
        "user-id-integer",
        "An integer user_id is hashed as \"42\".",
        &["IntegerUserId"],
        s,
        json(json!(42)),
        absent(),
    );
    c.valid(
        "user-id-integer-as-string",
        "The string \"42\" hashes like the integer 42.",
        &["IntegerUserId"],
        s,
        text("42"),
        absent(),
    );
    c.valid(
        "user-id-integer-zero-with-email",
        "0 is an id, not a missing one: \"0\" is hashed, not the email.",
        &["IntegerUserId", "UserIdWins"],
        s,
        json(json!(0)),
        text(EMAIL),
    );
    c.valid(
        "user-id-integer-negative",
        "A negative integer is hashed as \"-7\".",
        &["IntegerUserId"],
        s,
        json(json!(-7)),
        absent(),
    );
    c.valid(
        "user-id-integer-max-safe",
        "2^53 - 1, the largest integer a double holds exactly.",
        &["IntegerUserId"],
        s,
        json(json!(9_007_199_254_740_991_i64)),
        absent(),
    );
    c.valid(
        "user-id-integer-large-round",
        "1000000 is hashed as \"1000000\", never \"1e6\" or \"1000000.0\".",
        &["IntegerUserId"],
        s,
        json(json!(1_000_000)),
        absent(),
    );
    c.add(
        Verdict::Acceptable,
        "user-id-integer-above-2-53",
        "2^53 + 1: the reference hashes its exact digits; a double rounds it to ...992.",
        &["IntegerUserId", "LargeInteger"],
        s,
        json(json!(9_007_199_254_740_993_i64)),
        absent(),
    );
    c.add(
        Verdict::Acceptable,
        "user-id-integer-u64-max",
        "2^64 - 1, the largest integer the reference accepts.",
        &["IntegerUserId", "LargeInteger"],
        s,
        json(json!(u64::MAX)),
        absent(),
    );

    // Placeholders are real strings.
    for (id, literal) in [
        ("user-id-literal-null", "null"),
        ("user-id-literal-none", "None"),
        ("user-id-literal-undefined", "undefined"),
        ("user-id-literal-nil", "nil"),
    ] {
        c.user_id(
            id,
            &format!("The string \"{literal}\" is an identifier like any other and is hashed."),
            &["PlaceholderString"],
            literal,
        );
    }

    // Text encoding.
    c.user_id(
        "user-id-latin1-letters",
        "é and ü are hashed as UTF-8 (two bytes each).",
        &["NonAscii"],
        "josé-müller",
    );
    c.valid(
        "email-latin1-letters",
        "An internationalised email, hashed as UTF-8.",
        &["NonAscii"],
        s,
        absent(),
        text("renée@exemple.fr"),
    );
    c.user_id(
        "user-id-cjk",
        "CJK characters are three UTF-8 bytes each.",
        &["NonAscii"],
        "用户-四十二",
    );
    c.user_id(
        "user-id-emoji",
        "An emoji outside the BMP: four UTF-8 bytes, a surrogate pair in UTF-16.",
        &["NonAscii"],
        "user-😀",
    );
    c.user_id(
        "user-id-nfc",
        "\"Zoë\" with the precomposed ë (U+00EB).",
        &["NonAscii", "UnicodeNormalization"],
        "Zo\u{00eb}",
    );
    c.user_id(
        "user-id-nfd",
        "\"Zoë\" as e + combining diaeresis (U+0308): a different identifier with a different hash.",
        &["NonAscii", "UnicodeNormalization"],
        "Zoe\u{0308}",
    );
    c.user_id(
        "user-id-compatibility-characters",
        "A ligature (U+FB01), a circled digit and full-width letters, which NFKC would rewrite.",
        &["NonAscii", "UnicodeNormalization"],
        "\u{fb01}le-\u{2460}-\u{ff21}\u{ff22}",
    );
    c.user_id(
        "user-id-right-to-left",
        "Arabic text with a right-to-left mark, hashed in logical order.",
        &["NonAscii"],
        "\u{200f}مستخدم-42",
    );
    c.user_id(
        "user-id-zero-width-joiner",
        "A ZWJ emoji sequence (woman + ZWJ + laptop) and a zero-width space.",
        &["NonAscii"],
        "👩\u{200d}💻-dev\u{200b}",
    );
    c.user_id(
        "user-id-nul",
        "A NUL byte in the middle is hashed.",
        &["ControlCharacters"],
        "user\u{0}42",
    );
    c.user_id(
        "user-id-tab",
        "A tab is hashed.",
        &["ControlCharacters"],
        "user\t42",
    );
    c.user_id(
        "user-id-newlines",
        "LF and CRLF inside the id are hashed.",
        &["ControlCharacters"],
        "line1\nline2\r\n",
    );
    c.user_id(
        "user-id-html-special-characters",
        "& < > \" ' are hashed unescaped.",
        &["HtmlSpecialCharacters"],
        "<b>Tom & \"Jerry\"</b> o'clock",
    );
    c.valid(
        "email-apostrophe-ampersand",
        "An email with ' and & (both legal in the local part).",
        &["HtmlSpecialCharacters"],
        s,
        absent(),
        text("o'brien&co@example.com"),
    );

    // Lengths around the SHA-256 padding boundaries (the inner hash adds a 64-byte pad block).
    for len in [55, 56, 63, 64, 119, 120] {
        c.user_id(
            &format!("user-id-{len}-bytes"),
            &format!("A {len}-byte user_id: the padding boundary of the inner hash."),
            &["PaddingBoundary"],
            &ascii_of_len("user-", len),
        );
    }
    c.user_id(
        "user-id-1024-bytes",
        "A 1 KiB user_id (non-ASCII, so it also checks byte vs character counts).",
        &["LongMessage", "NonAscii"],
        &format!("é{}", ascii_of_len("-", 1022)),
    );

    // Secrets: the key is the literal UTF-8 bytes.
    let secrets: [(&str, &str, &str, String); 10] = [
        (
            "secret-1-byte",
            "A one-byte secret.",
            "SecretLength",
            "k".to_owned(),
        ),
        (
            "secret-32-bytes",
            "A 32-byte secret.",
            "SecretLength",
            ascii_of_len("key-", 32),
        ),
        (
            "secret-64-bytes",
            "A secret exactly one block long: used as is, not hashed.",
            "SecretLength",
            ascii_of_len("key-", 64),
        ),
        (
            "secret-65-bytes",
            "A secret one byte longer than the block: hashed to 32 bytes first.",
            "SecretLength",
            ascii_of_len("key-", 65),
        ),
        (
            "secret-131-bytes",
            "A 131-byte secret (as in RFC 4231).",
            "SecretLength",
            ascii_of_len("key-", 131),
        ),
        (
            "secret-non-ascii",
            "A secret with non-ASCII letters, used as UTF-8 bytes.",
            "SecretEncoding",
            "sécret-ключ-秘密".to_owned(),
        ),
        (
            "secret-hex-looking",
            "A secret that looks like hex is not hex-decoded.",
            "SecretEncoding",
            "0123456789abcdef0123456789abcdef".to_owned(),
        ),
        (
            "secret-base64-looking",
            "A secret that looks like base64 is not base64-decoded.",
            "SecretEncoding",
            "c2VjcmV0LWtleS1mb3ItdGVzdHM=".to_owned(),
        ),
        (
            "secret-surrounding-spaces",
            "Spaces around the secret are part of the key.",
            "SecretWhitespace",
            "  padded secret  ".to_owned(),
        ),
        (
            "secret-trailing-newline",
            "A secret that really ends in a newline keeps it (a port must not strip it either).",
            "SecretWhitespace",
            "secret-with-newline\n".to_owned(),
        ),
    ];
    for (id, description, flag, secret) in &secrets {
        c.valid(
            id,
            description,
            &[flag],
            secret,
            text("user_8f3a2c"),
            absent(),
        );
    }

    // Output formatting.
    c.user_id(
        "hash-leading-zero",
        "The correct hash starts with a single 0.",
        &["LeadingZeros"],
        "user-37",
    );
    c.user_id(
        "hash-leading-double-zero",
        "The correct hash starts with 00.",
        &["LeadingZeros"],
        "user-149",
    );
    c.valid(
        "hash-leading-double-zero-secret",
        "The documented example: secret \"secret\", user_id \"87\" hashes to 003a96...",
        &["LeadingZeros"],
        "secret",
        text("87"),
        absent(),
    );

    // Input the reference rejects. Only the empty secret with an identifier is mandatory: a
    // port that hashes it emits a hash keyed with nothing. The rest are the reference's
    // preferences (the 401 principle): deviating from them gives no real user a 401, so they
    // are acceptable, and the reference still rejects them.
    c.add(
        Verdict::Invalid,
        "empty-secret",
        "An empty secret must be rejected, not used as an empty key: the hash would be keyed with nothing.",
        &["EmptySecret"],
        "",
        text("user_8f3a2c"),
        absent(),
    );
    c.add(
        Verdict::Acceptable,
        "empty-secret-without-identifier",
        "An empty secret for a user who gets no hash: the reference rejects it (the secret is misconfigured); answering no hash signs nothing and gives no one a 401.",
        &["EmptySecretNoHash"],
        "",
        absent(),
        absent(),
    );
    c.add(
        Verdict::Acceptable,
        "user-id-type-float",
        "A user_id of 4.5 is not an id: the reference rejects it; a port that hashes \"4.5\" deviates harmlessly.",
        &["UnsupportedType"],
        s,
        json(json!(4.5)),
        absent(),
    );
    c.add(
        Verdict::Acceptable,
        "user-id-float-integral",
        "42.0 is a float to the reference and rejected; readers with one number type see 42.",
        &["UnsupportedType", "NonIntegerNumber"],
        s,
        json(json!(42.0)),
        absent(),
    );
    c.add(
        Verdict::Acceptable,
        "user-id-type-boolean",
        "A boolean user_id: the reference rejects it; a port that hashes \"true\" (or \"True\", \"1\") deviates harmlessly.",
        &["UnsupportedType"],
        s,
        json(json!(true)),
        absent(),
    );
    c.add(
        Verdict::Acceptable,
        "user-id-type-array",
        "An array user_id: the reference rejects it; a port that stringifies it deviates harmlessly.",
        &["UnsupportedType"],
        s,
        json(json!(["42"])),
        absent(),
    );
    c.add(
        Verdict::Acceptable,
        "user-id-type-object",
        "An object user_id: the reference rejects it; a port that stringifies it deviates harmlessly.",
        &["UnsupportedType"],
        s,
        json(json!({"id": "42"})),
        absent(),
    );
    c.add(
        Verdict::Acceptable,
        "email-type-number",
        "A numeric email: the reference rejects it; a port that hashes \"42\" deviates harmlessly (no real user has a numeric email).",
        &["UnsupportedType"],
        s,
        absent(),
        json(json!(42)),
    );
    c.add(
        Verdict::Acceptable,
        "email-type-boolean-unused",
        "A boolean email beside a user_id: the reference rejects it; a port that ignores the unused email and hashes the user_id gives the right hash.",
        &["UnsupportedType", "UserIdWins"],
        s,
        text("user_8f3a2c"),
        json(json!(false)),
    );

    // Added in 2.1.0: gaps a review of independently written wrong ports found. All
    // mandatory: a port that deviates hashes something the upstream service does not, so the
    // user gets a 401.
    for (id, user_id) in [
        ("user-id-numeric-string-leading-zeros", "007"),
        ("user-id-numeric-string-exponent", "1e3"),
        ("user-id-numeric-string-plus-sign", "+42"),
        ("user-id-numeric-string-space-padded", " 42"),
    ] {
        c.user_id(
            id,
            &format!(
                "The string {user_id:?} looks like a number but is hashed as its literal text, \
                 never re-parsed and re-printed."
            ),
            &["NumericLookingString"],
            user_id,
        );
    }
    c.valid(
        "user-id-integer-zero-alone",
        "An integer user_id of 0 with no email is hashed as \"0\": a truthiness test that drops it leaves the user unidentified.",
        &["IntegerUserId"],
        s,
        json(json!(0)),
        absent(),
    );
    c.valid(
        "email-international-domain",
        "An email whose domain is not ASCII is hashed as its UTF-8 text, never converted to punycode (xn--).",
        &["NonAscii", "InternationalDomain"],
        s,
        absent(),
        text("ada@exämple.com"),
    );
    c.valid(
        "secret-chars-under-block-bytes-over",
        "A secret of 40 characters that is 80 UTF-8 bytes: longer than the 64-byte block, so it is hashed first; counting characters instead of bytes misses that.",
        &["SecretLength", "SecretEncoding"],
        &"é".repeat(40),
        text("user_8f3a2c"),
        absent(),
    );
    c.valid(
        "secret-nul-inside",
        "A secret with a NUL byte inside is used whole; C strings stop at the NUL.",
        &["SecretControlCharacters"],
        "secret\u{0}tail",
        text("user_8f3a2c"),
        absent(),
    );
    c.valid(
        "secret-whitespace-only",
        "A secret of three spaces is a (poor) secret, used as is: trimming it leaves nothing.",
        &["SecretWhitespace"],
        "   ",
        text("user_8f3a2c"),
        absent(),
    );

    // Added in 2.2.0: habits of a held-out set of wrong ports that no case revealed. All
    // mandatory for the same reason as those of 2.1.0.
    c.valid(
        "email-gmail-dots-and-tag",
        "A Gmail address with dots and a +tag is hashed as sent: canonicalising it (Gmail ignores both) hashes another address.",
        &["EmailCanonicalization"],
        s,
        absent(),
        text("ada.love.lace+intercom@gmail.com"),
    );
    c.user_id(
        "user-id-byte-order-mark",
        "A user_id that starts with U+FEFF (a byte-order mark) is hashed with it: a BOM stripper run on every string drops it.",
        &["NonAscii"],
        "\u{feff}user_8f3a2c",
    );
    c.valid(
        "secret-dollar-signs",
        "A secret with dollar signs is used as is: shell, Docker Compose and dotenv interpolation would turn \"$$\" into \"$\" and \"$HOME\" into a path or nothing.",
        &["SecretSpecialCharacters"],
        "pa$$word-$HOME-x",
        text("user_8f3a2c"),
        absent(),
    );

    c.cases
}
