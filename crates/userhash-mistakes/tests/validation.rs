//! The input-validation mistakes: what a port answers where the reference rejects, and its
//! rejections where the reference answers. Expected hashes come from the `hmac` crate, not from
//! the reference library.

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use userhash_mistakes::{diagnose_error, diagnose_unrejected, Input, Mistake, Variant};

fn mac(key: &str, message: &str) -> Option<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
    mac.update(message.as_bytes());
    Some(
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

fn input<'a>(secret: &'a str, user_id: Option<&'a Value>, email: Option<&'a Value>) -> Input<'a> {
    Input {
        secret,
        user_id,
        email,
    }
}

fn named(found: &[Variant]) -> Vec<(&'static str, &'static str)> {
    found
        .iter()
        .map(|v| (v.mistake.name(), v.variant))
        .collect()
}

#[test]
fn validation_mistakes_follow_the_catalogue_in_all() {
    assert_eq!(
        Mistake::VALIDATION
            .iter()
            .map(|m| m.name())
            .collect::<Vec<_>>(),
        [
            "EMPTY_SECRET_ACCEPTED",
            "TYPE_COERCED",
            "INTEGER_USER_ID_REJECTED"
        ]
    );
    for &mistake in Mistake::VALIDATION {
        assert!(!Mistake::CATALOGUE.contains(&mistake));
        assert!(Mistake::ALL.contains(&mistake));
    }
}

#[test]
fn an_empty_secret_that_is_used_is_named_with_its_empty_key() {
    let id = json!("user_8f3a2c");
    let identified = input("", Some(&id), None);
    let empty_key = mac("", "user_8f3a2c");
    assert_eq!(
        named(&diagnose_unrejected(&identified, &empty_key)),
        [("EMPTY_SECRET_ACCEPTED", "empty-key")]
    );
    // Anything else it answers still means it did not reject the empty secret.
    assert_eq!(
        named(&diagnose_unrejected(&identified, &None)),
        [("EMPTY_SECRET_ACCEPTED", "other")]
    );
    // Unidentified: a port keyed with nothing answers no hash, which is the empty-key answer.
    let unidentified = input("", None, None);
    assert_eq!(
        named(&diagnose_unrejected(&unidentified, &None)),
        [("EMPTY_SECRET_ACCEPTED", "empty-key")]
    );
}

#[test]
fn each_language_habit_of_coercion_is_recognised() {
    let secret = "userhash-test-secret";
    let float = json!(4.5);
    let boolean = json!(true);
    let array = json!(["42"]);
    let object = json!({"id": "42"});
    let integral = json!(42.0);
    let number = json!(42);
    let user_id = json!("user_8f3a2c");
    let no = json!(false);
    let cases: Vec<(Input<'_>, &str, &str)> = vec![
        // (input, the text a port hashed, the variant that names it first)
        (input(secret, Some(&float), None), "4.5", "python"),
        (input(secret, Some(&boolean), None), "True", "python"),
        (input(secret, Some(&boolean), None), "true", "javascript"),
        (input(secret, Some(&boolean), None), "1", "php"),
        (input(secret, Some(&array), None), "['42']", "python"),
        (input(secret, Some(&array), None), "42", "javascript"),
        (input(secret, Some(&array), None), "[\"42\"]", "ruby"),
        (input(secret, Some(&array), None), "Array", "php"),
        (input(secret, Some(&object), None), "{'id': '42'}", "python"),
        (
            input(secret, Some(&object), None),
            "[object Object]",
            "javascript",
        ),
        (
            input(secret, Some(&object), None),
            "{\"id\"=>\"42\"}",
            "ruby",
        ),
        (
            input(secret, Some(&object), None),
            "{\"id\":\"42\"}",
            "json",
        ),
        (input(secret, Some(&integral), None), "42.0", "python"),
        (input(secret, Some(&integral), None), "42", "javascript"),
        (input(secret, None, Some(&number)), "42", "python"),
        // The unused email is ignored: the user_id is hashed, as the reference would.
        (
            input(secret, Some(&user_id), Some(&no)),
            "user_8f3a2c",
            "ignored",
        ),
    ];
    for (case, hashed, variant) in cases {
        let found = diagnose_unrejected(&case, &mac(secret, hashed));
        assert_eq!(
            named(&found),
            [("TYPE_COERCED", variant)],
            "hashing {hashed:?}"
        );
    }
    // PHP turns false into "" (absent): with no other identifier, no hash.
    let only_false = input(secret, None, Some(&no));
    let answers = Mistake::TypeCoerced.answers_on_rejected(&only_false);
    let php = answers.iter().find(|v| v.variant == "php").expect("php");
    assert_eq!(php.answer, None);
    // A float user_id treated as absent falls back to the email.
    let email = json!("ada@example.com");
    let with_email = input(secret, Some(&float), Some(&email));
    assert_eq!(
        named(&diagnose_unrejected(
            &with_email,
            &mac(secret, "ada@example.com")
        )),
        [("TYPE_COERCED", "ignored")]
    );
    // An answer no language habit explains is still a coercion: the port did not reject.
    assert_eq!(
        named(&diagnose_unrejected(
            &input(secret, Some(&float), None),
            &Some("x".into())
        )),
        [("TYPE_COERCED", "other")]
    );
}

#[test]
fn rejecting_an_integer_user_id_is_named_and_nothing_else_is() {
    let (int, zero, big, text) = (json!(42), json!(0), json!(u64::MAX), json!("42"));
    for user_id in [&int, &zero, &big] {
        assert_eq!(
            named(&diagnose_error(&input("s", Some(user_id), None))),
            [("INTEGER_USER_ID_REJECTED", "default")]
        );
    }
    assert!(diagnose_error(&input("s", Some(&text), None)).is_empty());
    assert!(diagnose_error(&input("s", None, None)).is_empty());
    // The reference rejects these too: an error is right, so nothing is named.
    assert!(diagnose_error(&input("", Some(&int), None)).is_empty());
    assert!(diagnose_error(&input("s", Some(&json!(4.5)), None)).is_empty());
}

#[test]
fn nothing_is_named_on_input_the_reference_accepts() {
    let id = json!("87");
    let accepted = input("secret", Some(&id), None);
    assert!(diagnose_unrejected(&accepted, &mac("secret", "87")).is_empty());
    assert!(diagnose_unrejected(&accepted, &None).is_empty());
    for &mistake in Mistake::VALIDATION {
        assert!(mistake.answers(&accepted).is_empty(), "{mistake}");
        assert!(
            mistake.answers_on_rejected(&accepted).is_empty(),
            "{mistake}"
        );
    }
    // And the hash catalogue has nothing to say about rejected input.
    let float = json!(4.5);
    for &mistake in Mistake::CATALOGUE {
        assert!(mistake
            .answers_on_rejected(&input("secret", Some(&float), None))
            .is_empty());
    }
}
