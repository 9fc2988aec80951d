//! `user_hash_verify.json`: what an auth server must accept and refuse.

use serde_json::{json, Value};
use userhash::{Identity, Signer};

use super::{absent, text, Field, DEFAULT_SECRET};
use crate::format::{Verdict, VerifyCase, VerifyExpected, VerifyInput};

#[derive(Default)]
struct Cases {
    cases: Vec<VerifyCase>,
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
        (user_id, email): (Field, Field),
        user_hash: &str,
    ) {
        let input = VerifyInput {
            secret: secret.to_owned(),
            user_id: user_id.into_option(),
            email: email.into_option(),
            user_hash: user_hash.to_owned(),
        };
        let valid = reference_verdict(&input);
        assert!(
            valid == (result == Verdict::Valid),
            "case {id}: verdict {result:?} but the reference says valid={valid}"
        );
        self.cases.push(VerifyCase {
            id: id.to_owned(),
            description: description.to_owned(),
            flags: flags.iter().map(|flag| (*flag).to_owned()).collect(),
            result,
            input,
            expected: VerifyExpected { valid },
        });
    }

    fn refuse(
        &mut self,
        id: &str,
        description: &str,
        flags: &[&str],
        identifiers: (Field, Field),
        user_hash: &str,
    ) {
        self.add(
            Verdict::Invalid,
            id,
            description,
            flags,
            DEFAULT_SECRET,
            identifiers,
            user_hash,
        );
    }
}

/// The reference verifier's answer. Verification cases only use valid secrets and identifiers.
fn reference_verdict(input: &VerifyInput) -> bool {
    let signer = Signer::new(&input.secret).expect("verification cases use a non-empty secret");
    let identity = Identity::from_json(input.user_id.as_ref(), input.email.as_ref())
        .expect("verification cases use valid identifiers");
    signer.verify(&identity, &input.user_hash)
}

fn sign(secret: &str, message: &str) -> String {
    Signer::new(secret)
        .expect("non-empty secret")
        .sign_message(message.as_bytes())
        .into()
}

/// Flips the lowest bit of the hex digit at `index`, keeping it a hex digit ('0' ↔ '1', 'a' ↔ '`' is avoided by
/// flipping within the digit's value).
fn flip_bit(hash: &str, index: usize) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut bytes = hash.as_bytes().to_vec();
    let value = DIGITS
        .iter()
        .position(|digit| *digit == bytes[index])
        .expect("a hex digit");
    bytes[index] = DIGITS[value ^ 1];
    String::from_utf8(bytes).expect("hex stays ASCII")
}

fn base64_standard(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let group = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let bits = u32::from(group[0]) << 16 | u32::from(group[1]) << 8 | u32::from(group[2]);
        for position in 0..4 {
            if position <= chunk.len() {
                out.push(char::from(
                    ALPHABET[(bits >> (18 - 6 * position) & 0x3f) as usize],
                ));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn hex_to_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|index| u8::from_str_radix(&hex[index..index + 2], 16).expect("hex"))
        .collect()
}

const USER: &str = "user_8f3a2c";
const EMAIL: &str = "ada@example.com";

fn by_user() -> (Field, Field) {
    (text(USER), absent())
}

/// All verification cases, in file order.
pub fn cases() -> Vec<VerifyCase> {
    let mut c = Cases::default();
    let s = DEFAULT_SECRET;
    let good = sign(s, USER);

    c.add(
        Verdict::Valid,
        "verify-correct-user-id",
        "The correct hash of the user_id.",
        &["CorrectHash"],
        s,
        by_user(),
        &good,
    );
    c.add(
        Verdict::Valid,
        "verify-correct-email-only",
        "The correct hash of the email, no user_id sent.",
        &["CorrectHash"],
        s,
        (absent(), text(EMAIL)),
        &sign(s, EMAIL),
    );
    c.add(
        Verdict::Valid,
        "verify-correct-user-id-and-email",
        "The user_id's hash, with an email also sent.",
        &["CorrectHash", "UserIdWins"],
        s,
        (text(USER), text(EMAIL)),
        &good,
    );
    c.add(
        Verdict::Valid,
        "verify-correct-integer-user-id",
        "The hash of \"42\" for the integer user_id 42.",
        &["CorrectHash", "IntegerUserId"],
        s,
        (Field::Json(json!(42)), absent()),
        &sign(s, "42"),
    );
    c.add(
        Verdict::Valid,
        "verify-correct-leading-zeros",
        "A correct hash that starts with 00 (secret \"secret\", user_id \"87\").",
        &["CorrectHash", "LeadingZeros"],
        "secret",
        (text("87"), absent()),
        &sign("secret", "87"),
    );
    c.add(
        Verdict::Valid,
        "verify-correct-non-ascii",
        "The correct hash of a non-ASCII user_id.",
        &["CorrectHash", "NonAscii"],
        s,
        (text("josé-müller"), absent()),
        &sign(s, "josé-müller"),
    );

    c.refuse(
        "verify-email-hash-with-user-id",
        "The email's hash while a user_id is sent: refused (a 401 upstream).",
        &["EmailHashWithUserId"],
        (text(USER), text(EMAIL)),
        &sign(s, EMAIL),
    );
    c.refuse(
        "verify-wrong-user",
        "Another user's correct hash.",
        &["ModifiedHash"],
        by_user(),
        &sign(s, "user_8f3a2d"),
    );
    c.add(
        Verdict::Invalid,
        "verify-wrong-secret",
        "The hash made with another secret (another platform's, say).",
        &["ModifiedHash"],
        s,
        by_user(),
        &sign("userhash-other-platform-secret", USER),
    );
    for (id, index, where_) in [
        ("verify-flipped-bit-first", 0, "first"),
        ("verify-flipped-bit-middle", 31, "32nd"),
        ("verify-flipped-bit-last", 63, "last"),
    ] {
        c.refuse(
            id,
            &format!("The correct hash with one bit of the {where_} hex digit flipped."),
            &["ModifiedHash"],
            by_user(),
            &flip_bit(&good, index),
        );
    }
    c.refuse(
        "verify-truncated-32",
        "The first 32 hex digits of the correct hash.",
        &["ModifiedHash"],
        by_user(),
        &good[..32],
    );
    c.refuse(
        "verify-truncated-63",
        "The correct hash less its last digit.",
        &["ModifiedHash"],
        by_user(),
        &good[..63],
    );
    c.refuse(
        "verify-over-long",
        "The correct hash with one more digit.",
        &["ModifiedHash"],
        by_user(),
        &format!("{good}0"),
    );
    c.refuse(
        "verify-doubled",
        "The correct hash twice over.",
        &["ModifiedHash"],
        by_user(),
        &format!("{good}{good}"),
    );
    c.refuse(
        "verify-empty",
        "An empty hash.",
        &["ModifiedHash"],
        by_user(),
        "",
    );
    c.refuse(
        "verify-trailing-newline",
        "The correct hash followed by a newline.",
        &["WrongFormat"],
        by_user(),
        &format!("{good}\n"),
    );
    c.refuse(
        "verify-surrounding-spaces",
        "The correct hash with a space on each side.",
        &["WrongFormat"],
        by_user(),
        &format!(" {good} "),
    );
    c.refuse(
        "verify-base64",
        "Base64 of the right 32 bytes.",
        &["WrongFormat"],
        by_user(),
        &base64_standard(&hex_to_bytes(&good)),
    );
    c.add(
        Verdict::Invalid,
        "verify-dropped-leading-zeros",
        "The 00-prefixed correct hash (secret \"secret\", user_id \"87\") with its leading zeros dropped.",
        &["WrongFormat", "LeadingZeros"],
        "secret",
        (text("87"), absent()),
        sign("secret", "87").trim_start_matches('0'),
    );
    c.refuse(
        "verify-not-hex",
        "64 characters that are not hex digits.",
        &["WrongFormat"],
        by_user(),
        &"g".repeat(64),
    );
    c.refuse(
        "verify-nfc-hash-for-nfd-id",
        "The hash of the NFC form presented for the NFD form of the same name.",
        &["ModifiedHash", "UnicodeNormalization"],
        (text("Zoe\u{0308}"), absent()),
        &sign(s, "Zo\u{00eb}"),
    );
    c.refuse(
        "verify-unidentified",
        "A hash (of the empty string) presented for a user with no identifier.",
        &["UnidentifiedWithHash"],
        (absent(), absent()),
        &sign(s, ""),
    );
    c.refuse(
        "verify-stringified-null",
        "The hash of the string \"null\" presented for a null user_id with no email.",
        &["UnidentifiedWithHash", "PlaceholderString"],
        (Field::Json(Value::Null), absent()),
        &sign(s, "null"),
    );
    c.add(
        Verdict::Acceptable,
        "verify-uppercase",
        "The correct hash in uppercase: refused by the reference; accepting it is a warning.",
        &["UppercaseHex"],
        s,
        by_user(),
        &good.to_uppercase(),
    );
    // Added in 2.1.0: the other placeholders a port may hash for a missing or null user_id.
    for (id, placeholder, user_id) in [
        ("verify-placeholder-none-for-missing", "None", absent()),
        (
            "verify-placeholder-undefined-for-missing",
            "undefined",
            absent(),
        ),
        (
            "verify-placeholder-nil-for-null",
            "nil",
            Field::Json(Value::Null),
        ),
        ("verify-placeholder-null-for-missing", "null", absent()),
    ] {
        c.refuse(
            id,
            &format!(
                "The hash of the string {placeholder:?} presented for a user_id that is absent, with no email."
            ),
            &["UnidentifiedWithHash", "PlaceholderString"],
            (user_id, absent()),
            &sign(s, placeholder),
        );
    }
    // Added in 2.2.0: formats a lenient parser accepts and an exact comparison refuses, and a
    // verifier that trims the identifier it was given.
    c.refuse(
        "verify-spaced-hex",
        "The correct hash with a space between bytes, as a hexdump prints it.",
        &["WrongFormat"],
        by_user(),
        &hex_to_bytes(&good)
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect::<Vec<_>>()
            .join(" "),
    );
    c.refuse(
        "verify-0x-prefix",
        "The correct hash with a 0x prefix.",
        &["WrongFormat"],
        by_user(),
        &format!("0x{good}"),
    );
    c.refuse(
        "verify-trailing-spaces",
        "The correct hash followed by two spaces (a PAD SPACE collation in MySQL ignores them).",
        &["WrongFormat"],
        by_user(),
        &format!("{good}  "),
    );
    c.refuse(
        "verify-empty-for-unidentified",
        "An empty hash presented for a user with no identifier: nothing is valid for nobody (PHP's loose == finds \"\" equal to null).",
        &["UnidentifiedWithHash"],
        (absent(), absent()),
        "",
    );
    c.refuse(
        "verify-hash-of-trimmed-user-id",
        "The hash of the trimmed user_id presented for a user_id with surrounding spaces.",
        &["ModifiedHash", "Whitespace"],
        (text(&format!(" {USER} ")), absent()),
        &good,
    );

    c.cases
}
