//! Pure rules: a case becomes a request; a reply becomes an outcome, a diagnosis and a hint.

use serde_json::{json, Map, Value};
use userhash_mistakes::{Input, Mistake};
use userhash_vectors::format::{GenerationCase, GenerationExpected, Verdict, VerifyCase};

use crate::outcome::Outcome;
use crate::suite::Case;

/// The protocol request for a case.
pub fn request(case: &Case<'_>, seq: u64) -> Value {
    let mut request = Map::new();
    request.insert("cmd".into(), json!(case.kind().as_str()));
    request.insert("seq".into(), json!(seq));
    request.insert("id".into(), json!(case.id()));
    let (secret, user_id, email) = fields(case);
    request.insert("secret".into(), json!(secret));
    // Absent stays absent and null stays null, exactly as in the vector file.
    if let Some(user_id) = user_id {
        request.insert("user_id".into(), user_id.clone());
    }
    if let Some(email) = email {
        request.insert("email".into(), email.clone());
    }
    if let Case::Verify(case) = case {
        request.insert("user_hash".into(), json!(case.input.user_hash));
    }
    Value::Object(request)
}

fn fields<'a>(case: &Case<'a>) -> (&'a str, Option<&'a Value>, Option<&'a Value>) {
    match case {
        Case::UserHash(case) => (
            &case.input.secret,
            case.input.user_id.as_ref(),
            case.input.email.as_ref(),
        ),
        Case::Verify(case) => (
            &case.input.secret,
            case.input.user_id.as_ref(),
            case.input.email.as_ref(),
        ),
    }
}

/// The mistake catalogue's view of a case's input.
pub fn mistake_input<'a>(case: &Case<'a>) -> Input<'a> {
    let (secret, user_id, email) = fields(case);
    Input {
        secret,
        user_id,
        email,
    }
}

/// A reply, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// `{"user_hash": "…"}` or `{"user_hash": null}`.
    Hash(Option<String>),
    /// `{"valid": bool}`.
    Valid(bool),
    /// `{"error": "…"}`: the port rejected the input.
    Error(String),
    /// `{"skipped": "…"}`.
    Skipped(String),
    /// Valid JSON with the right seq, but not a reply this command allows.
    Malformed(String),
}

impl Reply {
    /// Reads a reply (whose seq has been checked) to a `user_hash` or `verify` request.
    pub fn parse(reply: &Value, verify: bool) -> Reply {
        let Some(object) = reply.as_object() else {
            return Reply::Malformed(format!("the reply is not a JSON object: {}", short(reply)));
        };
        if let Some(reason) = object.get("skipped") {
            return Reply::Skipped(text_of(reason));
        }
        if let Some(error) = object.get("error") {
            return Reply::Error(text_of(error));
        }
        if verify {
            match object.get("valid") {
                Some(Value::Bool(valid)) => Reply::Valid(*valid),
                Some(other) => Reply::Malformed(format!(
                    "\"valid\" must be true or false, got {}",
                    short(other)
                )),
                None => Reply::Malformed(format!(
                    "a verify reply needs \"valid\", \"error\" or \"skipped\"; got {}",
                    short(reply)
                )),
            }
        } else {
            match object.get("user_hash") {
                Some(Value::String(hash)) => Reply::Hash(Some(hash.clone())),
                Some(Value::Null) => Reply::Hash(None),
                Some(other) => Reply::Malformed(format!(
                    "\"user_hash\" must be a string or null, got {}",
                    short(other)
                )),
                None => Reply::Malformed(format!(
                    "a user_hash reply needs \"user_hash\", \"error\" or \"skipped\"; got {}",
                    short(reply)
                )),
            }
        }
    }

    /// The reply as shown in reports' `actual`.
    pub fn to_actual(&self) -> Value {
        match self {
            Reply::Hash(hash) => json!({ "user_hash": hash }),
            Reply::Valid(valid) => json!({ "valid": valid }),
            Reply::Error(message) => json!({ "error": message }),
            Reply::Skipped(reason) => json!({ "skipped": reason }),
            Reply::Malformed(message) => json!({ "malformed": message }),
        }
    }
}

fn text_of(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

fn short(value: &Value) -> String {
    crate::adapter::clip(&value.to_string(), 200)
}

/// A classified reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classified {
    /// The outcome before known failures are applied.
    pub outcome: Outcome,
    /// Why, in a sentence (empty for a pass).
    pub message: String,
    /// Names of the catalogued mistakes that explain the answer, most likely first.
    pub diagnosis: Vec<Mistake>,
}

fn deviation(verdict: Verdict, strict: bool, otherwise: Outcome) -> Outcome {
    match verdict {
        Verdict::Acceptable if !strict => Outcome::Warn,
        Verdict::Acceptable => Outcome::Fail,
        _ => otherwise,
    }
}

fn unique(variants: Vec<userhash_mistakes::Variant>) -> Vec<Mistake> {
    let mut names = Vec::new();
    for variant in variants {
        if !names.contains(&variant.mistake) {
            names.push(variant.mistake);
        }
    }
    names
}

fn show(answer: &Option<String>) -> String {
    match answer {
        Some(hash) => format!("{hash:?}"),
        None => "null (no hash)".into(),
    }
}

/// Classifies the reply to a generation case.
pub fn classify_generation(case: &GenerationCase, reply: &Reply, strict: bool) -> Classified {
    let verdict = case.result;
    let diagnose = |answer: &Option<String>| {
        let input = mistake_input(&Case::UserHash(case));
        unique(userhash_mistakes::diagnose(&input, answer))
    };
    let (outcome, message, diagnosis) = match (&case.expected, reply) {
        (_, Reply::Skipped(reason)) => (
            Outcome::Skip,
            format!("skipped by the port: {reason}"),
            vec![],
        ),
        (_, Reply::Malformed(message)) => {
            (Outcome::Error, format!("protocol error: {message}"), vec![])
        }
        (_, Reply::Valid(_)) => (
            Outcome::Error,
            "protocol error: answered a user_hash request with \"valid\"".into(),
            vec![],
        ),
        (GenerationExpected::Hash(expected), Reply::Hash(answer)) => {
            if *answer == expected.user_hash {
                (Outcome::Pass, String::new(), vec![])
            } else {
                (
                    deviation(verdict, strict, Outcome::Fail),
                    format!(
                        "expected {}, got {}",
                        show(&expected.user_hash),
                        show(answer)
                    ),
                    diagnose(answer),
                )
            }
        }
        (GenerationExpected::Hash(expected), Reply::Error(message)) => (
            deviation(verdict, strict, Outcome::Error),
            format!(
                "the port rejected input the reference accepts (expected {}): {message}",
                show(&expected.user_hash)
            ),
            vec![],
        ),
        (GenerationExpected::Error(_), Reply::Error(_)) => (Outcome::Pass, String::new(), vec![]),
        (GenerationExpected::Error(expected), Reply::Hash(answer)) => (
            deviation(verdict, strict, Outcome::Error),
            format!(
                "hashed what it must reject: expected an error ({}), got {}",
                expected.error,
                show(answer)
            ),
            vec![],
        ),
    };
    Classified {
        outcome,
        message,
        diagnosis,
    }
}

/// Whether the reference rejects a verify case's input itself (bad types, empty secret): an
/// error reply is then a correct refusal.
fn reference_rejects(case: &VerifyCase) -> bool {
    case.input.secret.is_empty()
        || userhash::Identity::from_json(case.input.user_id.as_ref(), case.input.email.as_ref())
            .is_err()
}

/// Classifies the reply to a verify case.
pub fn classify_verify(case: &VerifyCase, reply: &Reply, strict: bool) -> Classified {
    let verdict = case.result;
    let expected = case.expected.valid;
    let (outcome, message, diagnosis) = match reply {
        Reply::Skipped(reason) => (
            Outcome::Skip,
            format!("skipped by the port: {reason}"),
            vec![],
        ),
        Reply::Malformed(message) => (Outcome::Error, format!("protocol error: {message}"), vec![]),
        Reply::Hash(_) => (
            Outcome::Error,
            "protocol error: answered a verify request with \"user_hash\"".into(),
            vec![],
        ),
        Reply::Valid(valid) if *valid == expected => (Outcome::Pass, String::new(), vec![]),
        Reply::Valid(true) => {
            let input = mistake_input(&Case::Verify(case));
            (
                deviation(verdict, strict, Outcome::Fail),
                "accepted a hash it must refuse (expected valid: false, got valid: true)".into(),
                unique(userhash_mistakes::diagnose_accepted_hash(
                    &input,
                    &case.input.user_hash,
                )),
            )
        }
        Reply::Valid(false) => (
            deviation(verdict, strict, Outcome::Fail),
            "refused the correct hash (expected valid: true, got valid: false)".into(),
            vec![],
        ),
        Reply::Error(_) if !expected && reference_rejects(case) => {
            (Outcome::Pass, String::new(), vec![])
        }
        Reply::Error(message) => (
            deviation(verdict, strict, Outcome::Error),
            if expected {
                format!("errored on a correct hash (expected valid: true): {message}")
            } else {
                format!(
                    "errored instead of answering valid: false (an exception is not a rejection): {message}"
                )
            },
            vec![],
        ),
    };
    Classified {
        outcome,
        message,
        diagnosis,
    }
}

/// Applies `--known-failures`: a listed failing case is `xfail`, a listed passing one `xpass`.
pub fn apply_known(outcome: Outcome, listed: bool) -> Outcome {
    if !listed {
        return outcome;
    }
    match outcome {
        o if o.is_failure() => Outcome::Xfail,
        Outcome::Pass | Outcome::Warn => Outcome::Xpass,
        other => other,
    }
}

/// The hint for a case: the first mistake's, or a generic one for the situation.
pub fn hint(
    outcome: Outcome,
    message: &str,
    diagnosis: &[Mistake],
    verify: bool,
) -> Option<String> {
    if let Some(first) = diagnosis.first() {
        return Some(first.hint().to_owned());
    }
    let generic = match outcome {
        Outcome::Pass | Outcome::Skip | Outcome::NotRun | Outcome::Xpass => return None,
        Outcome::Timeout => {
            "the adapter did not reply within --timeout: it may be stuck, reading more than one line, \
             or not flushing stdout after each reply"
        }
        Outcome::Crash => "the adapter exited or closed stdout before replying; its stderr tail is attached",
        _ if message.starts_with("protocol error") => {
            "replies must be one JSON object per line, in request order, echoing the request's seq"
        }
        _ if message.starts_with("hashed what it must reject") => {
            "reject this input with an {\"error\": …} reply: the secret must be non-empty, user_id a string \
             or an integer, email a string"
        }
        _ if message.starts_with("the port rejected") || message.starts_with("errored on a correct") => {
            "the reference accepts this input; read the case description for the rule it tests"
        }
        _ if verify && message.starts_with("accepted") => {
            "compare the presented hash with the exact lowercase hex of the correct hash (constant time) \
             and refuse everything else"
        }
        _ if verify => "verify must accept exactly the hash that user_hash computes for the same input",
        _ => {
            "no catalogued mistake explains this answer: compare the key (the secret's UTF-8 bytes) and the \
             message (expected.message_utf8_hex) with what the port hashes"
        }
    };
    Some(generic.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use userhash_vectors::format::{
        ExpectedError, ExpectedHash, GenerationInput, VerifyExpected, VerifyInput,
    };

    fn generation(result: Verdict, expected: GenerationExpected) -> GenerationCase {
        GenerationCase {
            id: "t".into(),
            description: String::new(),
            flags: vec![],
            result,
            input: GenerationInput {
                secret: "secret".into(),
                user_id: Some(json!("87")),
                email: None,
            },
            expected,
        }
    }

    fn hash(value: Option<&str>) -> GenerationExpected {
        GenerationExpected::Hash(ExpectedHash {
            identity: "user_id".into(),
            message: Some("87".into()),
            message_utf8_hex: Some("3837".into()),
            user_hash: value.map(str::to_owned),
        })
    }

    const GOOD: &str = "003a9666f8c43026072598aef3adfd2251f799697d2eba54f8d4ac3b0e30ea56";

    #[test]
    fn generation_valid() {
        let case = generation(Verdict::Valid, hash(Some(GOOD)));
        let ok = classify_generation(&case, &Reply::Hash(Some(GOOD.into())), false);
        assert_eq!(ok.outcome, Outcome::Pass);
        let upper = classify_generation(&case, &Reply::Hash(Some(GOOD.to_uppercase())), false);
        assert_eq!(upper.outcome, Outcome::Fail);
        assert!(upper.message.contains(GOOD));
        let none = classify_generation(&case, &Reply::Hash(None), false);
        assert_eq!(none.outcome, Outcome::Fail);
        let error = classify_generation(&case, &Reply::Error("boom".into()), false);
        assert_eq!(error.outcome, Outcome::Error);
        let skipped = classify_generation(&case, &Reply::Skipped("no".into()), false);
        assert_eq!(skipped.outcome, Outcome::Skip);
        let malformed = classify_generation(&case, &Reply::Malformed("x".into()), false);
        assert_eq!(malformed.outcome, Outcome::Error);
    }

    #[test]
    fn generation_unidentified_expects_null() {
        let case = generation(Verdict::Valid, hash(None));
        assert_eq!(
            classify_generation(&case, &Reply::Hash(None), false).outcome,
            Outcome::Pass
        );
        assert_eq!(
            classify_generation(&case, &Reply::Hash(Some(GOOD.into())), false).outcome,
            Outcome::Fail
        );
    }

    #[test]
    fn generation_acceptable_is_a_warning_unless_strict() {
        let case = generation(Verdict::Acceptable, hash(Some(GOOD)));
        let other = Reply::Hash(Some("ab".repeat(32)));
        assert_eq!(
            classify_generation(&case, &other, false).outcome,
            Outcome::Warn
        );
        assert_eq!(
            classify_generation(&case, &other, true).outcome,
            Outcome::Fail
        );
        assert_eq!(
            classify_generation(&case, &Reply::Error("no".into()), false).outcome,
            Outcome::Warn
        );
    }

    #[test]
    fn generation_invalid_must_be_rejected() {
        let case = generation(
            Verdict::Invalid,
            GenerationExpected::Error(ExpectedError {
                error: "empty_secret".into(),
            }),
        );
        assert_eq!(
            classify_generation(&case, &Reply::Error("empty".into()), false).outcome,
            Outcome::Pass
        );
        let hashed = classify_generation(&case, &Reply::Hash(Some(GOOD.into())), false);
        assert_eq!(hashed.outcome, Outcome::Error);
        assert!(hashed.message.starts_with("hashed what it must reject"));
        assert_eq!(
            classify_generation(&case, &Reply::Hash(None), false).outcome,
            Outcome::Error
        );
    }

    fn verify_case(result: Verdict, valid: bool, user_id: Value) -> VerifyCase {
        VerifyCase {
            id: "v".into(),
            description: String::new(),
            flags: vec![],
            result,
            input: VerifyInput {
                secret: "secret".into(),
                user_id: Some(user_id),
                email: None,
                user_hash: GOOD.into(),
            },
            expected: VerifyExpected { valid },
        }
    }

    #[test]
    fn verify_rules() {
        let good = verify_case(Verdict::Valid, true, json!("87"));
        assert_eq!(
            classify_verify(&good, &Reply::Valid(true), false).outcome,
            Outcome::Pass
        );
        assert_eq!(
            classify_verify(&good, &Reply::Valid(false), false).outcome,
            Outcome::Fail
        );
        assert_eq!(
            classify_verify(&good, &Reply::Error("x".into()), false).outcome,
            Outcome::Error
        );
        let bad = verify_case(Verdict::Invalid, false, json!("88"));
        assert_eq!(
            classify_verify(&bad, &Reply::Valid(false), false).outcome,
            Outcome::Pass
        );
        assert_eq!(
            classify_verify(&bad, &Reply::Valid(true), false).outcome,
            Outcome::Fail
        );
        // An exception is not a rejection...
        assert_eq!(
            classify_verify(&bad, &Reply::Error("x".into()), false).outcome,
            Outcome::Error
        );
        // ...unless the input itself is malformed.
        let malformed = verify_case(Verdict::Invalid, false, json!(4.5));
        assert_eq!(
            classify_verify(&malformed, &Reply::Error("x".into()), false).outcome,
            Outcome::Pass
        );
        let acceptable = verify_case(Verdict::Acceptable, false, json!("88"));
        assert_eq!(
            classify_verify(&acceptable, &Reply::Valid(true), false).outcome,
            Outcome::Warn
        );
        assert_eq!(
            classify_verify(&acceptable, &Reply::Valid(true), true).outcome,
            Outcome::Fail
        );
    }

    #[test]
    fn known_failures_map_to_xfail_and_xpass() {
        assert_eq!(apply_known(Outcome::Fail, true), Outcome::Xfail);
        assert_eq!(apply_known(Outcome::Timeout, true), Outcome::Xfail);
        assert_eq!(apply_known(Outcome::Pass, true), Outcome::Xpass);
        assert_eq!(apply_known(Outcome::Skip, true), Outcome::Skip);
        assert_eq!(apply_known(Outcome::Fail, false), Outcome::Fail);
    }

    #[test]
    fn replies_parse() {
        assert_eq!(
            Reply::parse(&json!({"seq": 1, "user_hash": null}), false),
            Reply::Hash(None)
        );
        assert_eq!(
            Reply::parse(&json!({"seq": 1, "user_hash": "ab"}), false),
            Reply::Hash(Some("ab".into()))
        );
        assert!(matches!(
            Reply::parse(&json!({"seq": 1, "user_hash": 5}), false),
            Reply::Malformed(_)
        ));
        assert!(matches!(
            Reply::parse(&json!({"seq": 1}), true),
            Reply::Malformed(_)
        ));
        assert!(matches!(
            Reply::parse(&json!([1]), true),
            Reply::Malformed(_)
        ));
        assert_eq!(
            Reply::parse(&json!({"seq": 1, "valid": true}), true),
            Reply::Valid(true)
        );
        assert_eq!(
            Reply::parse(&json!({"seq": 1, "error": 7}), true),
            Reply::Error("7".into())
        );
    }

    #[test]
    fn requests_keep_absent_and_null_apart() {
        let mut case = generation(Verdict::Valid, hash(Some(GOOD)));
        case.input.email = Some(Value::Null);
        let request = request(&Case::UserHash(&case), 7);
        assert_eq!(request["seq"], 7);
        assert_eq!(request["cmd"], "user_hash");
        assert!(request.as_object().is_some_and(|o| o.contains_key("email")));
        assert_eq!(request["email"], Value::Null);
        case.input.email = None;
        let request = super::request(&Case::UserHash(&case), 8);
        assert!(request
            .as_object()
            .is_some_and(|o| !o.contains_key("email")));
    }
}
