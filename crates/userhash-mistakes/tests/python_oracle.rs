//! Every variant of every mistake, checked against an independent Python implementation
//! (`tests/python_oracle.py`, standard library only) on a table of awkward inputs.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use userhash_mistakes::engine::of_mistake;
use userhash_mistakes::{Input, Mistake};

/// The mistakes the engine recomputes: the catalogue, and the validation mistakes with a
/// variant that changes a hash.
fn recomputed() -> Vec<Mistake> {
    Mistake::CATALOGUE
        .iter()
        .chain(Mistake::VALIDATION)
        .copied()
        .filter(|&m| of_mistake(m).next().is_some())
        .collect()
}

/// Inputs chosen to make each variant differ from the reference somewhere: non-ASCII,
/// emoji, NFD forms, whitespace, HTML metacharacters, integers, hex- and base64-looking
/// secrets, both identifiers, and unidentified users.
fn cases() -> Vec<Value> {
    vec![
        json!({"secret": "secret", "user_id": "87", "email": "ada@example.com"}),
        json!({"secret": "secret", "user_id": "87"}),
        json!({"secret": "s3cret", "email": "José@Example.com"}),
        json!({"secret": "s3cret", "user_id": "Jose\u{301}", "email": null}),
        json!({"secret": "ключ", "user_id": "user-😀-Ωmega"}),
        json!({"secret": " padded secret \n", "user_id": "  42 \t", "email": " a@b.c\n"}),
        json!({"secret": "secret", "user_id": "   ", "email": " X@Y.z "}),
        json!({"secret": "secret", "user_id": "\u{a0}\u{3000}id\u{2003}"}),
        json!({"secret": "html", "user_id": "<a href=\"x\">Tom & 'Jerry'</a>"}),
        json!({"secret": "html", "email": "o'brien&sons@example.com"}),
        json!({"secret": "secret", "user_id": 42}),
        json!({"secret": "secret", "user_id": -7, "email": "ada@example.com"}),
        json!({"secret": "secret", "user_id": 0}),
        json!({"secret": "secret", "user_id": 100}),
        json!({"secret": "secret", "user_id": 1_000_000}),
        json!({"secret": "secret", "user_id": 9_007_199_254_740_993_u64}),
        json!({"secret": "secret", "user_id": u64::MAX}),
        json!({"secret": "secret", "user_id": i64::MIN}),
        json!({"secret": "deadBEEF00zz", "user_id": "87"}),
        json!({"secret": "abc", "user_id": "87"}),
        json!({"secret": "0123456789abcdef0123456789abcdef", "email": "ada@example.com"}),
        json!({"secret": "c2VjcmV0", "user_id": "87"}),
        json!({"secret": "c2VjcmV0==", "user_id": "87"}),
        json!({"secret": "a-b_c+d/e=f=g", "user_id": "87"}),
        json!({"secret": "abcde", "user_id": "87"}),
        json!({"secret": "secret"}),
        json!({"secret": "secret", "user_id": null, "email": ""}),
        json!({"secret": "secret", "user_id": "", "email": "ada@example.com"}),
        json!({"secret": "secret", "user_id": null, "email": "ada@example.com"}),
        json!({"secret": "secret", "user_id": "ＡＢＣ１ ﬁ ①"}),
        json!({"secret": "secret", "user_id": "İstanbul ΟΔΟΣ"}),
        json!({"secret": "secret", "user_id": "Zoë Ñ ß Łódź"}),
        json!({"secret": "   ", "user_id": "87"}),
        json!({"secret": "k".repeat(100), "user_id": format!("{}é", "x".repeat(130))}),
        json!({"secret": "secret", "user_id": "null"}),
        json!({"secret": "secret", "user_id": "𝔘𝔫𝔦 café"}),
        json!({"secret": "\tsecret\r\n", "email": "ADA@EXAMPLE.COM"}),
        json!({"secret": "secret", "user_id": "007"}),
        json!({"secret": "secret", "user_id": "1e3", "email": "ada@example.com"}),
        json!({"secret": "secret", "user_id": " +42 "}),
        json!({"secret": "secret", "user_id": 0, "email": "ada@example.com"}),
        json!({"secret": "secret", "user_id": "user\u{0}tail"}),
        json!({"secret": "sec\u{0}ret", "user_id": "87"}),
        json!({"secret": "é".repeat(40), "user_id": "87"}),
        json!({"secret": "secret", "user_id": "say \"hi\"\n"}),
        json!({"secret": "secret", "email": " ada@example.com\n"}),
        json!({"secret": "secret", "email": "ada+news@example.com"}),
        json!({"secret": "x".repeat(64), "user_id": "87"}),
        json!({"secret": "secret", "user_id": "line1\r\nline2\rline3\n\u{200b}b\u{feff}"}),
        json!({"secret": "secret", "user_id": "ada+x%40y%zz"}),
        json!({"secret": "secret", "user_id": "é".repeat(200)}),
        json!({"secret": "secret", "user_id": " -0 "}),
        json!({"secret": "€uro’s", "user_id": "€ café’s \u{81}"}),
    ]
}

fn input(case: &Value) -> Input<'_> {
    Input {
        secret: case["secret"]
            .as_str()
            .expect("every case has a string secret"),
        user_id: case.get("user_id"),
        email: case.get("email"),
    }
}

fn run_oracle(cases: &[Value]) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python_oracle.py");
    let mut child = Command::new("python3")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3 is needed for the oracle tests");
    let request = serde_json::to_vec(cases).unwrap();
    child.stdin.take().unwrap().write_all(&request).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "python_oracle.py failed");
    let replies: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(replies.len(), cases.len());
    replies
}

#[test]
fn every_variant_matches_python() {
    let cases = cases();
    let replies = run_oracle(&cases);
    // (mistake, variant) pairs that differed from the reference on some input.
    let mut exercised = BTreeSet::new();
    for (case, reply) in cases.iter().zip(&replies) {
        let input = input(case);
        let reference = reply["reference"].as_str().map(str::to_owned);
        let expected_correct = userhash::Signer::new(input.secret)
            .unwrap()
            .user_hash(&userhash::Identity::from_json(input.user_id, input.email).unwrap())
            .map(String::from);
        assert_eq!(reference, expected_correct, "reference differs on {case}");

        let python = reply["mistakes"].as_object().unwrap();
        let names: Vec<&str> = python.keys().map(String::as_str).collect();
        let catalogue: Vec<&str> = recomputed().iter().map(|m| m.name()).collect();
        assert_eq!(
            names, catalogue,
            "the oracle covers the catalogue, in order"
        );

        for mistake in recomputed() {
            let expected: Vec<(String, Option<String>)> =
                serde_json::from_value(python[mistake.name()].clone()).unwrap();
            let all: Vec<(String, Option<String>)> = mistake
                .all_answers(&input)
                .into_iter()
                .map(|v| {
                    assert_eq!(v.mistake, mistake);
                    (v.variant.to_owned(), v.answer)
                })
                .collect();
            assert_eq!(all, expected, "{mistake} on {case}");

            let differing: Vec<(String, Option<String>)> = expected
                .iter()
                .filter(|(_, answer)| *answer != reference)
                .cloned()
                .collect();
            let answers: Vec<(String, Option<String>)> = mistake
                .answers(&input)
                .into_iter()
                .map(|v| (v.variant.to_owned(), v.answer))
                .collect();
            assert_eq!(answers, differing, "{mistake} answers() on {case}");
            for (variant, _) in differing {
                exercised.insert((mistake.name(), variant));
            }
        }
    }
    // The table is good enough: every variant of every mistake showed up somewhere.
    for mistake in recomputed() {
        for &variant in mistake.variants() {
            if of_mistake(mistake).all(|(_, d)| d.variant != variant) {
                continue; // not a hash mistake (INTEGER_USER_ID_REJECTED rejecting with an error)
            }
            assert!(
                exercised.contains(&(mistake.name(), variant.to_owned())),
                "no case makes {mistake} ({variant}) differ from the reference"
            );
        }
    }
}

#[test]
fn oracle_agrees_on_known_values() {
    // Sanity-check the oracle itself against values fixed by hand.
    let cases = [json!({"secret": "secret", "user_id": "87"})];
    let reply = &run_oracle(&cases)[0];
    assert_eq!(
        reply["reference"],
        "003a9666f8c43026072598aef3adfd2251f799697d2eba54f8d4ac3b0e30ea56"
    );
    let dropped = &reply["mistakes"]["DROPPED_LEADING_ZEROS"];
    assert_eq!(
        dropped[0][1],
        "3a9666f8c43026072598aef3adfd2251f799697d2eba54f8d4ac3b0e30ea56"
    );
    assert_eq!(
        reply["mistakes"]["TRUNCATED_HASH"][0][1],
        "003a9666f8c43026072598aef3adfd22"
    );
}
