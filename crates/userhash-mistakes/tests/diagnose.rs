//! `diagnose`, `diagnose_accepted_hash` and `match_other_secrets` on hand-picked failures.

use serde_json::{json, Value};
use userhash::hmac::hmac_sha256;
use userhash_mistakes::{
    diagnose, diagnose_accepted_hash, match_other_secrets, Answer, Input, Mistake, Variant,
};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The reference HMAC-SHA256 hex of `message` under `secret`.
fn mac(secret: &str, message: &str) -> String {
    hex(&hmac_sha256(secret.as_bytes(), message.as_bytes()))
}

fn input<'a>(secret: &'a str, user_id: Option<&'a Value>, email: Option<&'a Value>) -> Input<'a> {
    Input {
        secret,
        user_id,
        email,
    }
}

/// `(name, variant)` pairs, for compact assertions.
fn named(found: &[Variant]) -> Vec<(&'static str, &'static str)> {
    found
        .iter()
        .map(|v| (v.mistake.name(), v.variant))
        .collect()
}

const HASH_87: &str = "003a9666f8c43026072598aef3adfd2251f799697d2eba54f8d4ac3b0e30ea56";

#[test]
fn the_correct_answer_is_never_diagnosed() {
    let (id, email) = (json!("87"), json!("ada@example.com"));
    let with_both = input("secret", Some(&id), Some(&email));
    assert!(diagnose(&with_both, &Some(HASH_87.to_owned())).is_empty());
    let unidentified = input("secret", None, None);
    assert!(diagnose(&unidentified, &None).is_empty());
    assert!(diagnose_accepted_hash(&with_both, HASH_87).is_empty());
}

#[test]
fn several_mistakes_can_match_at_once_in_catalogue_order() {
    // "Łukasz": Ł is above U+00FF, so Latin-1 and ASCII replacement both give "?ukasz".
    let id = json!("Łukasz");
    let case = input("secret", Some(&id), None);
    let observed = Some(mac("secret", "?ukasz"));
    assert_eq!(
        named(&diagnose(&case, &observed)),
        [
            ("LATIN1_ENCODED", "default"),
            ("ASCII_REPLACED", "code-point")
        ]
    );

    // An email-only, already lowercase and NFC input: trimming, lowercasing and normalising
    // change nothing, so only the mistakes that change the bytes are candidates.
    let email = json!("ada@example.com");
    let case = input("secret", None, Some(&email));
    let upper = Some(mac("secret", "ada@example.com").to_uppercase());
    assert_eq!(
        named(&diagnose(&case, &upper)),
        [("UPPERCASE_HEX", "default")]
    );
}

#[test]
fn first_matching_variant_is_reported() {
    // No quotes in the input: all four HTML escapers agree; "python" comes first.
    let id = json!("Tom & Jerry <3");
    let case = input("secret", Some(&id), None);
    let observed = Some(mac("secret", "Tom &amp; Jerry &lt;3"));
    let found = diagnose(&case, &observed);
    assert_eq!(named(&found), [("HTML_ESCAPED_INPUT", "python")]);
    assert_eq!(found[0].answer, observed);

    // With an apostrophe they differ, and the PHP entity names the PHP variant.
    let id = json!("O'Brien");
    let case = input("secret", Some(&id), None);
    let php = Some(mac("secret", "O&#039;Brien"));
    assert_eq!(
        named(&diagnose(&case, &php)),
        [("HTML_ESCAPED_INPUT", "php")]
    );
    let rails = Some(mac("secret", "O&#39;Brien"));
    assert_eq!(
        named(&diagnose(&case, &rails)),
        [("HTML_ESCAPED_INPUT", "rails")]
    );

    // NFD and NFKD agree on "é"; NFC (the input's own form) never explains anything.
    let id = json!("café");
    let case = input("secret", Some(&id), None);
    let nfd = Some(mac("secret", "cafe\u{301}"));
    assert_eq!(
        named(&diagnose(&case, &nfd)),
        [("UNICODE_NORMALIZED", "nfd")]
    );
    let variants: Vec<_> = Mistake::UnicodeNormalized
        .answers(&case)
        .iter()
        .map(|v| v.variant)
        .collect();
    assert_eq!(variants, ["nfd", "nfkd"]);
}

#[test]
fn variants_that_coincide_with_the_reference_do_not_apply() {
    // This hash has no leading zero nibble in any byte, so neither way of dropping zeros
    // changes it, and LATIN1/UTF-16-free ASCII text leaves the encodings alone.
    let id = json!("user-15");
    let case = input("secret", Some(&id), None);
    let correct = mac("secret", "user-15");
    assert_eq!(
        correct,
        "46317e7e34c894baf2ec332030613c605ea25b41647b843b85f5831747b4143b"
    );
    assert!(Mistake::DroppedLeadingZeros.answers(&case).is_empty());
    assert_eq!(Mistake::DroppedLeadingZeros.all_answers(&case).len(), 2);
    for mistake in [
        Mistake::Latin1Encoded,
        Mistake::AsciiReplaced,
        Mistake::UnicodeNormalized,
        Mistake::TrimmedInput,
        Mistake::HtmlEscapedInput,
        Mistake::StringifiedNull,
        Mistake::NumericIdMisformat,
        Mistake::EmailWhenUserIdPresent,
        Mistake::HashForUnidentified,
        Mistake::MissingHash,
        Mistake::WrongPlatformSecret,
    ] {
        assert!(
            mistake.answers(&case).is_empty(),
            "{mistake} should not apply"
        );
    }
    // Lowercase already: only the uppercasing variant changes it.
    let cased: Vec<&str> = Mistake::LowercasedInput
        .answers(&case)
        .iter()
        .map(|v| v.variant)
        .collect();
    assert_eq!(cased, ["upper"]);
    // UTF-16 and the secret/digest mistakes always change the bytes hashed.
    assert_eq!(Mistake::Utf16Encoded.answers(&case).len(), 3);
    assert_eq!(
        Mistake::WrongDigest.answers(&case).len(),
        Mistake::WrongDigest.variants().len()
    );

    // An all-digit hash would be its own uppercase; the rule is the same one: a mistake whose
    // answer is the correct one is never named, even when asked about the correct answer.
    for &mistake in Mistake::CATALOGUE {
        for variant in mistake.answers(&case) {
            assert_ne!(variant.answer.as_deref(), Some(correct.as_str()));
        }
    }

    // "87" hashes to 00..., so dropping zeros does apply there, in both variants.
    let id = json!("87");
    let case = input("secret", Some(&id), None);
    let dropped = Mistake::DroppedLeadingZeros.answers(&case);
    assert_eq!(dropped[0].answer.as_deref(), Some(&HASH_87[2..]));
    assert_eq!(dropped[1].variant, "per-byte");
    assert!(dropped[1]
        .answer
        .as_deref()
        .is_some_and(|a| a.starts_with("03a9")));
}

#[test]
fn rule_based_hash_for_unidentified() {
    let empty = json!("");
    for (case, empty_email) in [
        (input("secret", None, None), false),
        (input("secret", Some(&Value::Null), Some(&empty)), true),
    ] {
        // The recomputed variant: HMAC of the empty string, which is also what a port that
        // takes an empty email for one signs. STRINGIFIED_NULL hashes "null".
        let of_empty = Some(mac("secret", ""));
        let mut expected = vec![("HASH_FOR_UNIDENTIFIED", "default")];
        if empty_email {
            expected.push(("EMPTY_STRING_NOT_ABSENT", "both"));
        }
        assert_eq!(named(&diagnose(&case, &of_empty)), expected);
        // "null" is what Java's `String.valueOf(email)` signs for nobody with a missing or null
        // email, and what a port that stringifies a null user_id signs; one case cannot tell
        // them apart. An empty email is falsy but not null: the Java port signs nothing.
        let of_null = Some(mac("secret", "null"));
        let mut expected = vec![("STRINGIFIED_NULL", "null")];
        if !empty_email {
            expected.insert(0, ("HASH_FOR_UNIDENTIFIED", "java"));
        } else {
            expected.insert(0, ("HASH_FOR_UNIDENTIFIED", "any-hash"));
        }
        assert_eq!(named(&diagnose(&case, &of_null)), expected);
        // Any string at all, even an empty one, is a hash for an unidentified user.
        for junk in ["", "not a hash"] {
            let found = diagnose(&case, &Some(junk.to_owned()));
            assert_eq!(named(&found), [("HASH_FOR_UNIDENTIFIED", "any-hash")]);
            assert_eq!(found[0].answer.as_deref(), Some(junk));
        }
    }
}

#[test]
fn rule_based_missing_hash() {
    let (id, email) = (json!(42), json!("ada@example.com"));
    // Email only: the recomputed port hashes user_ids only.
    let email_only = input("secret", None, Some(&email));
    let found = diagnose(&email_only, &None);
    assert_eq!(named(&found), [("MISSING_HASH", "default")]);
    assert_eq!(found[0].answer, None);
    // With a user_id, no recomputed variant gives None, but the rule still names it.
    let by_id = input("secret", Some(&id), Some(&email));
    assert_eq!(
        named(&diagnose(&by_id, &None)),
        [("MISSING_HASH", "no-hash")]
    );
}

#[test]
fn rule_based_truncated_hash() {
    let id = json!("87");
    let case = input("secret", Some(&id), None);
    let at = |n: usize| -> Answer { Some(HASH_87[..n].to_owned()) };
    assert_eq!(
        named(&diagnose(&case, &at(32))),
        [("TRUNCATED_HASH", "128-bit")]
    );
    assert_eq!(
        named(&diagnose(&case, &at(40))),
        [("TRUNCATED_HASH", "160-bit")]
    );
    assert_eq!(
        named(&diagnose(&case, &at(16))),
        [("TRUNCATED_HASH", "prefix")]
    );
    assert_eq!(
        named(&diagnose(&case, &at(63))),
        [("TRUNCATED_HASH", "63-digits")]
    );
    assert_eq!(
        named(&diagnose(&case, &at(62))),
        [("TRUNCATED_HASH", "prefix")]
    );
    // Not a prefix: empty, longer, or diverging.
    // An empty string is a hash of its own kind, not a prefix.
    assert_eq!(named(&diagnose(&case, &at(0))), [("EMPTY_HASH", "default")]);
    assert!(diagnose(&case, &Some(format!("{HASH_87}0"))).is_empty());
    assert!(diagnose(
        &case,
        &Some("003a9666f8c43026072598aef3adfd22ff".to_owned())
    )
    .is_empty());
}

#[test]
fn digest_output_and_secret_mistakes() {
    let id = json!("87");
    let case = input("secret", Some(&id), None);
    for &mistake in &[
        Mistake::Base64Output,
        Mistake::WrongDigest,
        Mistake::PlainSha256Concat,
        Mistake::KeyMessageSwapped,
        Mistake::SecretHexDecoded,
        Mistake::SecretBase64Decoded,
        Mistake::TrailingNewlineInSecret,
    ] {
        for variant in mistake.answers(&case) {
            let found = diagnose(&case, &variant.answer);
            assert!(
                found.contains(&variant),
                "{variant} not diagnosed from its own answer: {found:?}"
            );
        }
    }
    // "secret" is not hex at all: Node decodes it to an empty key, which is also what a port
    // keyed with nothing answers. One case cannot tell them apart; a run can.
    let empty_key = Some(hex(&hmac_sha256(b"", b"87")));
    assert_eq!(
        named(&diagnose(&case, &empty_key)),
        [("SECRET_HEX_DECODED", "node"), ("EMPTY_KEY", "default")]
    );
    // A blank secret: trimmed, hex-decoded and base64-decoded, it is an empty key.
    let blank = input("  \t", Some(&id), None);
    assert_eq!(
        named(&diagnose(&blank, &empty_key)),
        [
            ("SECRET_HEX_DECODED", "node"),
            ("SECRET_BASE64_DECODED", "lenient"),
            ("SECRET_TRIMMED", "default"),
            ("EMPTY_KEY", "default")
        ]
    );
}

#[test]
fn identifier_mistakes() {
    let (id, email) = (json!("   "), json!(" Ada@Example.com "));
    let case = input("secret", Some(&id), Some(&email));
    // Whitespace-only user_id: the reference hashes it; a trimming port hashes the trimmed
    // email, and so does one that collapses whitespace (the run tells them apart).
    assert_eq!(
        named(&diagnose(&case, &Some(mac("secret", "Ada@Example.com")))),
        [
            ("TRIMMED_INPUT", "default"),
            ("WHITESPACE_COLLAPSED", "default")
        ]
    );
    assert_eq!(
        named(&diagnose(&case, &Some(mac("secret", " Ada@Example.com ")))),
        [
            ("EMAIL_WHEN_USER_ID_PRESENT", "default"),
            ("BLANK_IDENTIFIER_ABSENT", "default")
        ]
    );

    let number = json!(9_007_199_254_740_993_u64);
    let case = input("secret", Some(&number), None);
    let rounded = Some(mac("secret", "9007199254740992"));
    assert_eq!(
        named(&diagnose(&case, &rounded)),
        [("NUMERIC_ID_MISFORMAT", "float64-rounded")]
    );
    let float = Some(mac("secret", "9007199254740993.0"));
    assert_eq!(
        named(&diagnose(&case, &float)),
        [("NUMERIC_ID_MISFORMAT", "float")]
    );
    let minus_seven = json!(-7);
    let case = input("secret", Some(&minus_seven), None);
    assert_eq!(
        named(&diagnose(&case, &Some(mac("secret", "-7e0")))),
        [("NUMERIC_ID_MISFORMAT", "exponent")]
    );
    // A string "42" is hashed as given: no numeric misformat applies, but a port that reads
    // numeric-looking strings as floats (a pandas column) hashes "42.0".
    let text = json!("42");
    let case = input("secret", Some(&text), None);
    assert!(Mistake::NumericIdMisformat.answers(&case).is_empty());
    assert_eq!(
        named(&diagnose(&case, &Some(mac("secret", "42.0")))),
        [("NUMERIC_STRING_REPARSED", "python-float")]
    );

    // STRINGIFIED_NULL replaces the email fallback when user_id is missing or null...
    let email = json!("ada@example.com");
    let case = input("secret", Some(&Value::Null), Some(&email));
    assert_eq!(
        named(&diagnose(&case, &Some(mac("secret", "undefined")))),
        [("STRINGIFIED_NULL", "undefined")]
    );
    // ...but not when it is the empty string.
    let empty = json!("");
    let case = input("secret", Some(&empty), Some(&email));
    assert!(Mistake::StringifiedNull.answers(&case).is_empty());
}

#[test]
fn accepted_hash_is_traced_to_recomputed_mistakes_only() {
    let (id, email) = (json!("87"), json!("ada@example.com"));
    let case = input("secret", Some(&id), Some(&email));
    assert_eq!(
        named(&diagnose_accepted_hash(
            &case,
            &mac("secret", "ada@example.com")
        )),
        [("EMAIL_WHEN_USER_ID_PRESENT", "default")]
    );
    assert_eq!(
        named(&diagnose_accepted_hash(&case, &HASH_87.to_uppercase())),
        [("UPPERCASE_HEX", "default")]
    );
    assert_eq!(
        named(&diagnose_accepted_hash(&case, &HASH_87[..40])),
        [("TRUNCATED_HASH", "160-bit")]
    );
    // A prefix no recomputed variant produces, or junk, is not explained.
    assert!(diagnose_accepted_hash(&case, &HASH_87[..20]).is_empty());
    // An empty hash is what a port that sends an empty string computes.
    assert_eq!(
        named(&diagnose_accepted_hash(&case, "")),
        [("EMPTY_HASH", "default")]
    );
    assert!(diagnose_accepted_hash(&case, "anything").is_empty());

    // Unidentified: a verifier that recomputes HMAC("") accepts it.
    let nobody = input("secret", None, None);
    assert_eq!(
        named(&diagnose_accepted_hash(&nobody, &mac("secret", ""))),
        [("HASH_FOR_UNIDENTIFIED", "default")]
    );
    assert_eq!(
        named(&diagnose_accepted_hash(&nobody, &mac("secret", "None"))),
        [
            ("HASH_FOR_UNIDENTIFIED", "python"),
            ("STRINGIFIED_NULL", "None")
        ]
    );
}

#[test]
fn other_secrets_are_matched_by_index() {
    let (id, email) = (json!(87), json!("ada@example.com"));
    let case = input("web-secret", Some(&id), Some(&email));
    let ios = mac("ios-secret", "87");
    let others = [
        "android-secret",
        "ios-secret",
        "",
        "test-secret",
        "ios-secret",
    ];
    assert_eq!(match_other_secrets(&case, &ios, &others), [1, 4]);
    assert!(match_other_secrets(&case, &mac("nowhere", "87"), &others).is_empty());
    // The email under another secret is not the reference rule for this input.
    let ios_email = mac("ios-secret", "ada@example.com");
    assert!(match_other_secrets(&case, &ios_email, &others).is_empty());
    // The correct answer needs no explanation, even if the list holds the secret itself.
    let correct = mac("web-secret", "87");
    assert!(match_other_secrets(&case, &correct, &["web-secret"]).is_empty());
    // No identity, no hash to match.
    let nobody = input("web-secret", None, None);
    assert!(match_other_secrets(&nobody, &ios, &others).is_empty());
    // WRONG_PLATFORM_SECRET is not in the catalogue and never comes out of diagnose.
    assert!(!Mistake::CATALOGUE.contains(&Mistake::WrongPlatformSecret));
    assert!(diagnose(&case, &Some(ios)).is_empty());
}

#[test]
fn variants_serialise_with_mistake_names() {
    let id = json!("87");
    let case = input("secret", Some(&id), None);
    let found = diagnose(&case, &Some(HASH_87.to_uppercase()));
    let value = serde_json::to_value(&found).unwrap();
    assert_eq!(
        value,
        json!([{"mistake": "UPPERCASE_HEX", "variant": "default", "answer": HASH_87.to_uppercase()}])
    );
    assert_eq!(found[0].to_string(), "UPPERCASE_HEX");
    let none = diagnose(&input("secret", None, Some(&json!("a@b.c"))), &None);
    assert_eq!(
        serde_json::to_value(&none).unwrap(),
        json!([{"mistake": "MISSING_HASH", "variant": "default", "answer": null}])
    );
}

#[test]
fn every_recomputed_variant_diagnoses_itself() {
    // Whatever a mistaken port answers, diagnose names that mistake (possibly among others).
    let cases = [
        json!({"secret": "c2VjcmV0", "user_id": "José 😀 <'&'>", "email": "Ada@Example.com"}),
        json!({"secret": " deadbeef\n", "user_id": 9_007_199_254_740_993_u64}),
        json!({"secret": "secret", "email": " ＡＤＡ@example.com "}),
        json!({"secret": "secret"}),
    ];
    for case in &cases {
        let case = input(
            case["secret"].as_str().unwrap(),
            case.get("user_id"),
            case.get("email"),
        );
        for &mistake in Mistake::CATALOGUE {
            for variant in mistake.answers(&case) {
                let found = diagnose(&case, &variant.answer);
                assert!(
                    found.iter().any(|v| v.mistake == mistake),
                    "{variant} not named for its own answer"
                );
                let mut order: Vec<Mistake> = found.iter().map(|v| v.mistake).collect();
                order.dedup();
                assert_eq!(order.len(), found.len(), "one entry per mistake");
                assert!(order.windows(2).all(|w| w[0] < w[1]), "catalogue order");
            }
        }
    }
}
