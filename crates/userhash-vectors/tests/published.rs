//! The published files: generated, deterministic, schema-valid, independently cross-checked, and
//! designed to catch every catalogued porting mistake.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use userhash_mistakes::{Input, Mistake};
use userhash_vectors::format::{GenerationExpected, Verdict};
use userhash_vectors::{
    generate, hmac_file, jwt_file, jwt_verify_file, user_hash_file, verify_file, SCHEMAS,
};

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors")
}

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// Python is an oracle here; without it the test is skipped, except under CI where it must run.
fn python3_available() -> bool {
    let found = Command::new("python3").arg("--version").output().is_ok();
    assert!(
        found || std::env::var("CI").as_deref() != Ok("true"),
        "python3 is required under CI=true"
    );
    found
}

fn write_generated(dir: &Path) {
    for file in generate() {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, file.bytes).unwrap();
    }
}

#[test]
fn committed_files_match_the_generator() {
    for file in generate() {
        let committed = std::fs::read(vectors_dir().join(&file.path)).unwrap_or_else(|error| {
            panic!(
                "vectors/{} is missing ({error}); run `cargo xtask vectors`",
                file.path
            )
        });
        assert!(
            committed == file.bytes,
            "vectors/{} differs from the generator; run `cargo xtask vectors`",
            file.path
        );
    }
}

#[test]
fn generator_is_deterministic() {
    assert_eq!(generate(), generate());
}

#[test]
fn sha256sums_cover_every_other_file() {
    let files = generate();
    let sums = &files.last().unwrap();
    assert_eq!(sums.path, "SHA256SUMS");
    let listed: Vec<&str> = std::str::from_utf8(&sums.bytes)
        .unwrap()
        .lines()
        .map(|line| line.split_once("  ").unwrap().1)
        .collect();
    let mut others: Vec<&str> = files[..files.len() - 1]
        .iter()
        .map(|file| file.path.as_str())
        .collect();
    others.sort_unstable();
    assert_eq!(listed, others);
}

fn schema_for(name: &str) -> Value {
    let (_, text) = SCHEMAS.iter().find(|(schema, _)| *schema == name).unwrap();
    serde_json::from_str(text).unwrap()
}

#[test]
fn files_validate_against_their_schemas() {
    let files = [
        (
            "user_hash.schema.json",
            serde_json::to_value(user_hash_file()).unwrap(),
        ),
        (
            "user_hash_verify.schema.json",
            serde_json::to_value(verify_file()).unwrap(),
        ),
        (
            "hmac_sha256.schema.json",
            serde_json::to_value(hmac_file()).unwrap(),
        ),
        (
            "user_jwt.schema.json",
            serde_json::to_value(jwt_file()).unwrap(),
        ),
        (
            "user_jwt_verify.schema.json",
            serde_json::to_value(jwt_verify_file()).unwrap(),
        ),
    ];
    for (schema, instance) in files {
        let validator = jsonschema::validator_for(&schema_for(schema)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|error| format!("{}: {error}", error.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{schema}: {errors:#?}");
    }
}

#[test]
fn schemas_are_strict() {
    let validator = jsonschema::validator_for(&schema_for("user_hash.schema.json")).unwrap();
    let mut file = serde_json::to_value(user_hash_file()).unwrap();
    file["tests"][0]["input"]["userId"] = Value::from("typo");
    assert!(
        !validator.is_valid(&file),
        "an unknown input field must be rejected"
    );
    let mut file = serde_json::to_value(user_hash_file()).unwrap();
    file["tests"][0]["expected"]["user_hash"] = Value::from("ABC");
    assert!(
        !validator.is_valid(&file),
        "a malformed hash must be rejected"
    );
    let mut file = serde_json::to_value(user_hash_file()).unwrap();
    file["tests"][0]["id"] = Value::from("Not Kebab");
    assert!(
        !validator.is_valid(&file),
        "a non-kebab id must be rejected"
    );
}

#[test]
fn python_jsonschema_accepts_the_files() {
    if !python3_available() {
        return;
    }
    let output = Command::new("python3")
        .arg(tests_dir().join("validate_schema.py"))
        .arg(vectors_dir())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn python_hmac_and_openssl_agree_with_every_expectation() {
    if !python3_available() {
        return;
    }
    let output = Command::new("python3")
        .arg(tests_dir().join("crosscheck.py"))
        .arg(vectors_dir())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains(" 0 failed"), "{stdout}");
}

#[test]
fn the_crosscheck_catches_a_wrong_expectation() {
    if !python3_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write_generated(dir.path());
    let path = dir.path().join("user_hash.json");
    let mut file: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let hash = file["tests"][0]["expected"]["user_hash"]
        .as_str()
        .unwrap()
        .to_owned();
    let flipped = format!(
        "{}{}",
        if hash.starts_with('0') { '1' } else { '0' },
        &hash[1..]
    );
    file["tests"][0]["expected"]["user_hash"] = Value::from(flipped);
    std::fs::write(&path, serde_json::to_vec(&file).unwrap()).unwrap();
    let output = Command::new("python3")
        .arg(tests_dir().join("crosscheck.py"))
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("user-id-only: user_hash"));
}

#[test]
fn the_crosscheck_catches_a_wrong_jwt_expectation() {
    if !python3_available() {
        return;
    }
    // A signing case whose canonical token carries a wrong signature, and a verification case
    // whose verdict is flipped: PyJWT and the strict Python verifier must both notice.
    let dir = tempfile::tempdir().unwrap();
    write_generated(dir.path());
    let path = dir.path().join("user_jwt.json");
    let mut file: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let token = file["tests"][0]["expected"]["jwt"]
        .as_str()
        .unwrap()
        .to_owned();
    let (signed, _) = token.rsplit_once('.').unwrap();
    let forged = format!("{signed}.{}", "A".repeat(43));
    file["tests"][0]["expected"]["jwt"] = Value::from(forged);
    std::fs::write(&path, serde_json::to_vec(&file).unwrap()).unwrap();
    let path = dir.path().join("user_jwt_verify.json");
    let mut file: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let none = file["tests"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|case| case["id"] == "jwt-verify-alg-none")
        .unwrap();
    none["expected"] = serde_json::json!({"valid": true});
    none["result"] = Value::from("valid");
    std::fs::write(&path, serde_json::to_vec(&file).unwrap()).unwrap();
    let output = Command::new("python3")
        .arg(tests_dir().join("crosscheck.py"))
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("jwt-user-id-only: signature"), "{stdout}");
    assert!(
        stdout.contains("jwt-user-id-only: PyJWT reads the same claims"),
        "{stdout}"
    );
    assert!(stdout.contains("jwt-verify-alg-none: valid"), "{stdout}");
}

/// The tags published in RFC 4231 section 4, typed from the RFC, not computed by us.
#[test]
fn rfc4231_tags_match_the_rfc() {
    let rfc: BTreeMap<&str, &str> = [
        (
            "rfc4231-case-1",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        ),
        (
            "rfc4231-case-2",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            "rfc4231-case-3",
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        ),
        (
            "rfc4231-case-4",
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        ),
        ("rfc4231-case-5", "a3b6167473100ee06e0c796c2955552b"),
        (
            "rfc4231-case-6",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
        (
            "rfc4231-case-7",
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ]
    .into();
    let published: BTreeMap<String, String> = hmac_file()
        .tests
        .into_iter()
        .map(|case| (case.id, case.expected.tag_hex))
        .collect();
    let published: BTreeMap<&str, &str> = published
        .iter()
        .map(|(id, tag)| (id.as_str(), tag.as_str()))
        .collect();
    assert_eq!(published, rfc);
}

/// Every case id of the three files, in file order.
fn all_ids() -> Vec<String> {
    let mut ids: Vec<String> = user_hash_file()
        .tests
        .into_iter()
        .map(|case| case.id)
        .collect();
    ids.extend(verify_file().tests.into_iter().map(|case| case.id));
    ids.extend(hmac_file().tests.into_iter().map(|case| case.id));
    ids.extend(jwt_file().tests.into_iter().map(|case| case.id));
    ids.extend(jwt_verify_file().tests.into_iter().map(|case| case.id));
    ids
}

#[test]
fn ids_are_unique_across_the_suite() {
    let mut ids = all_ids();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "duplicate ids");
}

/// A retired id is never published again, and the case that replaced it exists.
#[test]
fn retired_ids_are_never_reused() {
    use userhash_vectors::cases::retired::RETIRED;
    let ids = all_ids();
    assert!(!RETIRED.is_empty());
    for retired in RETIRED {
        assert!(
            !ids.iter().any(|id| id == retired.id),
            "{} was retired in {} and must not be reused",
            retired.id,
            retired.since
        );
        if let Some(successor) = retired.replaced_by {
            assert!(
                ids.iter().any(|id| id == successor),
                "{} names {successor} as its successor, which the suite does not have",
                retired.id
            );
        }
    }
    // The old ids of 1.0.0, typed out: each one either still exists or is in RETIRED.
    for old in [
        "empty-secret-unidentified",
        "user-id-float",
        "user-id-boolean",
        "user-id-array",
        "user-id-object",
        "email-number",
        "email-boolean-with-user-id",
        "empty-secret",
        "user-id-float-integral",
    ] {
        assert!(
            ids.iter().any(|id| id == old) || RETIRED.iter().any(|r| r.id == old),
            "{old} vanished without being retired"
        );
    }
}

/// The 401 principle, stated independently of the generator: among inputs the reference
/// rejects, only those where a port could emit a hash keyed with nothing are mandatory
/// (`invalid`): an empty secret for a user who has an identifier. Every other rejection is a
/// preference of the reference, so `acceptable`.
#[test]
fn rejected_inputs_are_mandatory_only_when_a_port_would_sign_with_nothing() {
    let mut seen = BTreeMap::new();
    for case in user_hash_file().tests {
        let GenerationExpected::Error(_) = case.expected else {
            continue;
        };
        let has_identifier = |field: &Option<Value>| match field {
            None | Some(Value::Null) => false,
            Some(Value::String(text)) => !text.is_empty(),
            Some(_) => true,
        };
        let signs_with_nothing = case.input.secret.is_empty()
            && (has_identifier(&case.input.user_id) || has_identifier(&case.input.email));
        let want = if signs_with_nothing {
            Verdict::Invalid
        } else {
            Verdict::Acceptable
        };
        assert_eq!(case.result, want, "{}: {}", case.id, case.description);
        *seen.entry(want).or_insert(0) += 1;
    }
    assert!(seen.get(&Verdict::Invalid).is_some_and(|n| *n >= 1));
    assert!(seen.get(&Verdict::Acceptable).is_some_and(|n| *n >= 7));
}

fn input_of(case: &userhash_vectors::format::GenerationCase) -> Input<'_> {
    Input {
        secret: &case.input.secret,
        user_id: case.input.user_id.as_ref(),
        email: case.input.email.as_ref(),
    }
}

/// Variants that only `acceptable` cases tell apart, by design: integers beyond 2^53 (rounded
/// through a double, as every JavaScript port does) or beyond 2^63 (PHP's floats, a wrapped
/// unsigned), and whitespace-only user_ids taken for absent, are warnings, not failures: no
/// real user has such an identifier.
const CAUGHT_ONLY_BY_ACCEPTABLE_CASES: [(&str, &str); 6] = [
    ("NUMERIC_ID_MISFORMAT", "float64-rounded"),
    ("NUMERIC_ID_MISFORMAT", "javascript"),
    ("NUMERIC_ID_MISFORMAT", "php-float"),
    ("INTEGER_ID_OVERFLOW", "int64"),
    ("MISSING_HASH", "present"),
    ("BLANK_IDENTIFIER_ABSENT", "default"),
];

/// For every catalogued mistake, and every variant of it, some `valid` case's expected answer
/// differs from what a port making that mistake answers: the suite catches it.
#[test]
fn every_catalogue_mistake_is_caught_by_a_valid_case() {
    // The list, typed out, so an empty or shrunken catalogue cannot pass vacuously.
    let required = [
        "EMAIL_WHEN_USER_ID_PRESENT",
        "HASH_FOR_UNIDENTIFIED",
        "MISSING_HASH",
        "UPPERCASE_HEX",
        "BASE64_OUTPUT",
        "DROPPED_LEADING_ZEROS",
        "TRUNCATED_HASH",
        "PLAIN_SHA256_CONCAT",
        "WRONG_DIGEST",
        "KEY_MESSAGE_SWAPPED",
        "SECRET_HEX_DECODED",
        "SECRET_BASE64_DECODED",
        "TRAILING_NEWLINE_IN_SECRET",
        "SECRET_TRIMMED",
        "TRIMMED_INPUT",
        "LOWERCASED_INPUT",
        "UNICODE_NORMALIZED",
        "LATIN1_ENCODED",
        "UTF16_ENCODED",
        "ASCII_REPLACED",
        "STRINGIFIED_NULL",
        "HTML_ESCAPED_INPUT",
        "NUMERIC_ID_MISFORMAT",
        "ZERO_ID_ABSENT",
        "NUMERIC_STRING_REPARSED",
        "LOCALE_GROUPED_ID",
        "SERIALIZED_INPUT",
        "NUL_TERMINATED_INPUT",
        "URL_ENCODED_INPUT",
        "SECRET_NUL_TERMINATED",
        "EMPTY_KEY",
        "HAND_WRITTEN_HMAC",
        "DECORATED_HEX",
        "TRAILING_NEWLINE_IN_OUTPUT",
        "PLACEHOLDER_STRING_ABSENT",
        "BLANK_IDENTIFIER_ABSENT",
        "EMPTY_STRING_NOT_ABSENT",
        "EMAIL_CANONICALIZED",
        "INTEGER_ID_OVERFLOW",
        "FIRST_LINE_ONLY",
        "LINE_ENDINGS_CHANGED",
        "CONTROL_CHARACTERS_REMOVED",
        "WHITESPACE_COLLAPSED",
        "INVISIBLE_CHARACTERS_REMOVED",
        "URL_DECODED_INPUT",
        "TAGS_STRIPPED",
        "BACKSLASH_ESCAPED_INPUT",
        "LENGTH_LIMITED_INPUT",
        "ASCII_FOLDED",
        "CESU8_ENCODED",
        "DOUBLE_UTF8_ENCODED",
        "SECRET_NOT_UTF8",
        "SECRET_QUOTED",
        "SECRET_TRUNCATED",
        "SECRET_WITH_NUL_TERMINATOR",
        "SECRET_PREHASHED",
        "MESSAGE_PREHASHED",
        "HMAC_SUM_MISUSED",
        "EMPTY_HASH",
        "SIGNED_BYTE_HEX",
        "NIBBLES_SWAPPED",
        "HEX_ENCODED_TWICE",
        "RAW_DIGEST_OUTPUT",
        "BYTES_REPR_OUTPUT",
        "BYTE_ORDER_REVERSED",
    ];
    let catalogue: Vec<&str> = Mistake::CATALOGUE
        .iter()
        .map(|mistake| mistake.name())
        .collect();
    assert_eq!(catalogue, required);

    let file = user_hash_file();
    let mut catches: BTreeMap<(&str, &str, Verdict), usize> = BTreeMap::new();
    for case in &file.tests {
        let GenerationExpected::Hash(expected) = &case.expected else {
            continue;
        };
        for &mistake in Mistake::CATALOGUE {
            for variant in mistake.all_answers(&input_of(case)) {
                if variant.answer != expected.user_hash {
                    *catches
                        .entry((mistake.name(), variant.variant, case.result))
                        .or_default() += 1;
                }
            }
        }
    }
    let mut uncaught = Vec::new();
    for &mistake in Mistake::CATALOGUE {
        for &variant in mistake.variants() {
            let by_valid = catches.contains_key(&(mistake.name(), variant, Verdict::Valid));
            let by_acceptable =
                catches.contains_key(&(mistake.name(), variant, Verdict::Acceptable));
            if CAUGHT_ONLY_BY_ACCEPTABLE_CASES.contains(&(mistake.name(), variant)) {
                if by_valid || !by_acceptable {
                    uncaught.push(format!(
                        "{mistake} ({variant}) should be caught by acceptable cases only"
                    ));
                }
            } else if !by_valid {
                uncaught.push(format!("{mistake} ({variant})"));
            }
        }
    }
    assert!(
        uncaught.is_empty(),
        "mistakes no valid case tells apart: {uncaught:#?}"
    );
}

/// The validation mistakes are caught too, at the verdict the 401 principle gives them: using
/// an empty secret by an `invalid` case, rejecting an integer user_id by a `valid` one, and every
/// language habit of type coercion by `acceptable` cases only (a warning, never a failure).
#[test]
fn every_validation_mistake_is_caught_at_its_verdict() {
    let file = user_hash_file();
    let mut catches: BTreeMap<(&str, &str), Vec<Verdict>> = BTreeMap::new();
    for case in &file.tests {
        let input = input_of(case);
        match &case.expected {
            // Any answer but an error differs from an expected error.
            GenerationExpected::Error(_) => {
                for &mistake in Mistake::VALIDATION {
                    for variant in mistake.answers_on_rejected(&input) {
                        catches
                            .entry((mistake.name(), variant.variant))
                            .or_default()
                            .push(case.result);
                    }
                }
            }
            GenerationExpected::Hash(_) => {
                for variant in userhash_mistakes::diagnose_error(&input) {
                    catches
                        .entry((variant.mistake.name(), variant.variant))
                        .or_default()
                        .push(case.result);
                }
            }
        }
    }
    let caught_by = |name: &str, variant: &str| -> Vec<Verdict> {
        catches.get(&(name, variant)).cloned().unwrap_or_default()
    };
    assert!(caught_by("EMPTY_SECRET_ACCEPTED", "empty-key").contains(&Verdict::Invalid));
    assert!(caught_by("INTEGER_USER_ID_REJECTED", "default").contains(&Verdict::Valid));
    for &variant in Mistake::TypeCoerced.variants() {
        let verdicts = caught_by("TYPE_COERCED", variant);
        assert!(
            !verdicts.is_empty(),
            "TYPE_COERCED ({variant}) is never caught"
        );
        assert!(
            verdicts.iter().all(|v| *v == Verdict::Acceptable),
            "TYPE_COERCED ({variant}) is caught by {verdicts:?}: coercion is acceptable"
        );
    }
}

/// Every variant of every verifier mistake decides some verify case wrongly: `invalid` cases
/// for those that let a wrong hash through (or fail on it), only the `acceptable` uppercase
/// case for a verifier that ignores case (accepting the right hash in uppercase gives nobody
/// access they should not have).
#[test]
fn every_verifier_mistake_is_caught_at_its_verdict() {
    use userhash_mistakes::engine::{verifier_decision, Decision};
    let file = verify_file();
    for &mistake in Mistake::VERIFIER {
        for &variant in mistake.variants() {
            let verdicts: Vec<Verdict> = file
                .tests
                .iter()
                .filter(|case| {
                    let input = Input {
                        secret: &case.input.secret,
                        user_id: case.input.user_id.as_ref(),
                        email: case.input.email.as_ref(),
                    };
                    let expected = if case.expected.valid {
                        Decision::Accepted
                    } else {
                        Decision::Refused
                    };
                    verifier_decision(Some((mistake, variant)), &input, &case.input.user_hash)
                        .is_some_and(|decided| decided != expected)
                })
                .map(|case| case.result)
                .collect();
            let want = if mistake == Mistake::VerifierIgnoresCase {
                Verdict::Acceptable
            } else {
                Verdict::Invalid
            };
            assert!(
                verdicts.contains(&want),
                "{mistake} ({variant}) is caught by {verdicts:?}"
            );
            if want == Verdict::Acceptable {
                assert!(
                    verdicts.iter().all(|v| *v == want),
                    "{mistake}: {verdicts:?}"
                );
            }
        }
    }
}

fn message_lengths() -> Vec<usize> {
    user_hash_file()
        .tests
        .iter()
        .filter_map(|case| match &case.expected {
            GenerationExpected::Hash(hash) => hash.message.as_ref().map(String::len),
            GenerationExpected::Error(_) => None,
        })
        .collect()
}

/// The inputs the design calls for are there, not just whatever sampling produced.
#[test]
fn designed_inputs_are_present() {
    let lengths = message_lengths();
    for boundary in [55, 56, 63, 64, 119, 120, 1024] {
        assert!(lengths.contains(&boundary), "no {boundary}-byte message");
    }
    let file = user_hash_file();
    let secret_lengths: Vec<usize> = file
        .tests
        .iter()
        .map(|case| case.input.secret.len())
        .collect();
    for length in [0, 1, 32, 64, 65, 131] {
        assert!(secret_lengths.contains(&length), "no {length}-byte secret");
    }
    let hashes: Vec<String> = file
        .tests
        .iter()
        .filter_map(|case| match &case.expected {
            GenerationExpected::Hash(hash) => hash.user_hash.clone(),
            GenerationExpected::Error(_) => None,
        })
        .collect();
    assert!(
        hashes
            .iter()
            .any(|hash| hash.starts_with('0') && !hash.starts_with("00")),
        "no hash starting with a single 0"
    );
    assert!(
        hashes.iter().any(|hash| hash.starts_with("00")),
        "no hash starting with 00"
    );
    let verdicts: Vec<Verdict> = file.tests.iter().map(|case| case.result).collect();
    for verdict in [Verdict::Valid, Verdict::Acceptable, Verdict::Invalid] {
        assert!(verdicts.contains(&verdict), "no {verdict:?} case");
    }
}

/// The gaps the diagnosis review found (suite 2.1.0), each checked by what its input is, not
/// by its id, and each mandatory.
#[test]
fn the_reviews_coverage_gaps_are_closed() {
    let file = user_hash_file();
    let mandatory =
        |case: &&userhash_vectors::format::GenerationCase| case.result == Verdict::Valid;
    let text_id = |case: &userhash_vectors::format::GenerationCase| {
        case.input
            .user_id
            .as_ref()
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    for numeric in ["007", "1e3", "+42", " 42"] {
        assert!(
            file.tests
                .iter()
                .filter(mandatory)
                .any(|case| text_id(case).as_deref() == Some(numeric)),
            "no valid case hashes the string {numeric:?}"
        );
    }
    assert!(
        file.tests.iter().filter(mandatory).any(|case| {
            let secret = &case.input.secret;
            secret.chars().count() <= 64 && secret.len() > 64
        }),
        "no secret whose characters fit the block and whose bytes do not"
    );
    assert!(
        file.tests.iter().filter(mandatory).any(|case| {
            case.input
                .email
                .as_ref()
                .and_then(Value::as_str)
                .and_then(|email| email.split_once('@'))
                .is_some_and(|(_, domain)| !domain.is_ascii())
        }),
        "no email with a non-ASCII domain"
    );
    assert!(file
        .tests
        .iter()
        .filter(mandatory)
        .any(|case| case.input.secret.contains('\0')));
    assert!(file
        .tests
        .iter()
        .filter(mandatory)
        .any(|case| !case.input.secret.is_empty() && case.input.secret.trim().is_empty()));
    assert!(file
        .tests
        .iter()
        .filter(mandatory)
        .any(|case| { case.input.user_id == Some(Value::from(0)) && case.input.email.is_none() }));
    let verify = verify_file();
    for placeholder in ["None", "undefined", "nil", "null"] {
        let signed = {
            use hmac::{Hmac, Mac};
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"userhash-test-secret").unwrap();
            mac.update(placeholder.as_bytes());
            mac.finalize()
                .into_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        assert!(
            verify.tests.iter().any(|case| {
                case.result == Verdict::Invalid
                    && matches!(case.input.user_id, None | Some(Value::Null))
                    && case.input.email.is_none()
                    && case.input.user_hash == signed
            }),
            "no verify case refuses the hash of {placeholder:?} for an absent user_id"
        );
    }
}

#[test]
fn nfc_and_nfd_forms_hash_differently() {
    let file = user_hash_file();
    let hash_of = |id: &str| {
        let case = file.tests.iter().find(|case| case.id == id).unwrap();
        match &case.expected {
            GenerationExpected::Hash(hash) => hash.user_hash.clone().unwrap(),
            GenerationExpected::Error(_) => panic!("{id} is an error case"),
        }
    };
    assert_ne!(hash_of("user-id-nfc"), hash_of("user-id-nfd"));
}
