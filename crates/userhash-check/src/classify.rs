//! Pure rules: a case becomes a request; a reply becomes an outcome, a diagnosis and a hint.

use serde_json::{json, Map, Value};
use userhash_mistakes::jwt;
use userhash_mistakes::{Input, Mistake};
use userhash_vectors::format::{
    GenerationCase, GenerationExpected, JwtCase, JwtExpected, JwtVerifyCase, Verdict, VerifyCase,
};

use crate::outcome::{CaseKind, Outcome};
use crate::session::FaultKind;
use crate::suite::Case;

/// The protocol request for a case, without `seq` (the session numbers requests as it sends
/// them).
pub fn request(case: &Case<'_>) -> Map<String, Value> {
    let mut request = Map::new();
    request.insert("cmd".into(), json!(case.kind().as_str()));
    request.insert("id".into(), json!(case.id()));
    request.insert("secret".into(), json!(case.secret()));
    match case {
        Case::UserHash(_) | Case::Verify(_) => {
            let (_, user_id, email) = fields(case);
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
        }
        Case::Jwt(case) => {
            request.insert("claims".into(), Value::Object(case.input.claims.clone()));
        }
        Case::JwtVerify(case) => {
            request.insert("jwt".into(), json!(case.input.jwt));
            request.insert("now".into(), json!(case.input.now));
        }
    }
    request
}

/// A case's secret and identifiers (JWT cases carry claims instead: no identifiers).
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
        Case::Jwt(case) => (&case.input.secret, None, None),
        Case::JwtVerify(case) => (&case.input.secret, None, None),
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
    /// `{"jwt": "…"}`.
    Jwt(String),
    /// `{"error": "…"}`: the port rejected the input.
    Error(String),
    /// `{"skipped": "…"}`.
    Skipped(String),
    /// Valid JSON with the right seq, but not a reply this command allows.
    Malformed(String),
}

impl Reply {
    /// Reads a reply (whose seq has been checked) to a request of `kind`.
    pub fn parse(reply: &Value, kind: CaseKind) -> Reply {
        let Some(object) = reply.as_object() else {
            return Reply::Malformed(format!("the reply is not a JSON object: {}", short(reply)));
        };
        if let Some(reason) = object.get("skipped") {
            return Reply::Skipped(text_of(reason));
        }
        if let Some(error) = object.get("error") {
            return Reply::Error(text_of(error));
        }
        match kind {
            CaseKind::Verify | CaseKind::JwtVerify => match object.get("valid") {
                Some(Value::Bool(valid)) => Reply::Valid(*valid),
                Some(other) => Reply::Malformed(format!(
                    "\"valid\" must be true or false, got {}",
                    short(other)
                )),
                None => Reply::Malformed(format!(
                    "a {kind} reply needs \"valid\", \"error\" or \"skipped\"; got {}",
                    short(reply)
                )),
            },
            CaseKind::Jwt => match object.get("jwt") {
                Some(Value::String(token)) => Reply::Jwt(token.clone()),
                Some(other) => {
                    Reply::Malformed(format!("\"jwt\" must be a string, got {}", short(other)))
                }
                None => Reply::Malformed(format!(
                    "a user_jwt reply needs \"jwt\", \"error\" or \"skipped\"; got {}",
                    short(reply)
                )),
            },
            CaseKind::UserHash => match object.get("user_hash") {
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
            },
        }
    }

    /// The reply as shown in reports' `actual`.
    pub fn to_actual(&self) -> Value {
        match self {
            Reply::Hash(hash) => json!({ "user_hash": hash }),
            Reply::Valid(valid) => json!({ "valid": valid }),
            Reply::Jwt(token) => json!({ "jwt": token }),
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

/// Why a case ended as it did: what the hint is chosen by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Answered as the vectors require.
    Passed,
    /// The port replied `skipped`.
    Skipped,
    /// A reply of the wrong shape (or a fault of the protocol).
    Protocol,
    /// A hash other than the expected one.
    WrongHash,
    /// An error reply to input the reference accepts.
    RejectedValidInput,
    /// An answer to input the reference rejects.
    AnsweredInvalidInput,
    /// A verifier accepted a hash it must refuse.
    AcceptedBadHash,
    /// A verifier refused the correct hash.
    RefusedGoodHash,
    /// A verifier answered with an error instead of a decision.
    VerifyErrored,
    /// A JWT that is not a correct token for the case.
    WrongToken,
    /// A JWT verifier accepted a token it must refuse.
    AcceptedBadToken,
    /// A JWT verifier refused a valid token.
    RefusedGoodToken,
    /// The adapter timed out or exited.
    Fault(FaultKind),
}

/// A classified reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classified {
    /// The outcome before known failures are applied.
    pub outcome: Outcome,
    /// Why, as a class.
    pub reason: Reason,
    /// Why, in a sentence (empty for a pass).
    pub message: String,
    /// Names of the catalogued mistakes that explain the answer, most likely first.
    pub diagnosis: Vec<Mistake>,
}

impl Classified {
    fn new(outcome: Outcome, reason: Reason, message: String, diagnosis: Vec<Mistake>) -> Self {
        Classified {
            outcome,
            reason,
            message,
            diagnosis,
        }
    }

    fn pass() -> Self {
        Classified::new(Outcome::Pass, Reason::Passed, String::new(), Vec::new())
    }

    fn skipped(reason: &str) -> Self {
        Classified::new(
            Outcome::Skip,
            Reason::Skipped,
            format!("skipped by the port: {reason}"),
            Vec::new(),
        )
    }

    fn protocol(message: String) -> Self {
        Classified::new(
            Outcome::Error,
            Reason::Protocol,
            format!("protocol error: {message}"),
            Vec::new(),
        )
    }

    /// A request the adapter never answered.
    pub fn fault(kind: FaultKind, message: String) -> Self {
        let outcome = match kind {
            FaultKind::Timeout => Outcome::Timeout,
            FaultKind::Crash => Outcome::Crash,
            FaultKind::Protocol => Outcome::Error,
        };
        Classified::new(outcome, Reason::Fault(kind), message, Vec::new())
    }
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
    let input = mistake_input(&Case::UserHash(case));
    match (&case.expected, reply) {
        (_, Reply::Skipped(reason)) => Classified::skipped(reason),
        (_, Reply::Malformed(message)) => Classified::protocol(message.clone()),
        (_, Reply::Valid(_) | Reply::Jwt(_)) => {
            Classified::protocol("answered a user_hash request with another command's reply".into())
        }
        (GenerationExpected::Hash(expected), Reply::Hash(answer)) => {
            if *answer == expected.user_hash {
                return Classified::pass();
            }
            Classified::new(
                deviation(verdict, strict, Outcome::Fail),
                Reason::WrongHash,
                format!(
                    "expected {}, got {}",
                    show(&expected.user_hash),
                    show(answer)
                ),
                unique(userhash_mistakes::diagnose(&input, answer)),
            )
        }
        (GenerationExpected::Hash(expected), Reply::Error(message)) => Classified::new(
            deviation(verdict, strict, Outcome::Error),
            Reason::RejectedValidInput,
            format!(
                "the port rejected input the reference accepts (expected {}): {message}",
                show(&expected.user_hash)
            ),
            unique(userhash_mistakes::diagnose_error(&input)),
        ),
        (GenerationExpected::Error(_), Reply::Error(_)) => Classified::pass(),
        (GenerationExpected::Error(expected), Reply::Hash(answer)) => Classified::new(
            deviation(verdict, strict, Outcome::Error),
            Reason::AnsweredInvalidInput,
            format!(
                "answered input the reference rejects: expected an error ({}), got {}",
                expected.error,
                show(answer)
            ),
            unique(userhash_mistakes::diagnose_unrejected(&input, answer)),
        ),
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
    let input = mistake_input(&Case::Verify(case));
    match reply {
        Reply::Skipped(reason) => Classified::skipped(reason),
        Reply::Malformed(message) => Classified::protocol(message.clone()),
        Reply::Hash(_) | Reply::Jwt(_) => {
            Classified::protocol("answered a verify request with another command's reply".into())
        }
        Reply::Valid(valid) if *valid == expected => Classified::pass(),
        Reply::Valid(true) => Classified::new(
            deviation(verdict, strict, Outcome::Fail),
            Reason::AcceptedBadHash,
            "accepted a hash it must refuse (expected valid: false, got valid: true)".into(),
            unique(userhash_mistakes::diagnose_accepted_hash(
                &input,
                &case.input.user_hash,
            )),
        ),
        Reply::Valid(false) => Classified::new(
            deviation(verdict, strict, Outcome::Fail),
            Reason::RefusedGoodHash,
            "refused the correct hash (expected valid: true, got valid: false)".into(),
            Vec::new(),
        ),
        Reply::Error(_) if !expected && reference_rejects(case) => Classified::pass(),
        Reply::Error(message) => Classified::new(
            deviation(verdict, strict, Outcome::Error),
            Reason::VerifyErrored,
            if expected {
                format!("errored on a correct hash (expected valid: true): {message}")
            } else {
                format!(
                    "errored instead of answering valid: false (an exception is not a rejection): {message}"
                )
            },
            if expected {
                unique(userhash_mistakes::diagnose_error(&input))
            } else {
                Vec::new()
            },
        ),
    }
}

/// Classifies the reply to a JWT signing case: the token is judged semantically.
pub fn classify_jwt(case: &JwtCase, reply: &Reply, strict: bool) -> Classified {
    let verdict = case.result;
    match (&case.expected, reply) {
        (_, Reply::Skipped(reason)) => Classified::skipped(reason),
        (_, Reply::Malformed(message)) => Classified::protocol(message.clone()),
        (_, Reply::Hash(_) | Reply::Valid(_)) => {
            Classified::protocol("answered a user_jwt request with another command's reply".into())
        }
        (JwtExpected::Token(expected), Reply::Jwt(token)) => {
            let judgement = jwt::judge_token(&case.input.secret, &expected.claims, token);
            if judgement.is_correct() {
                return Classified::pass();
            }
            Classified::new(
                deviation(verdict, strict, Outcome::Fail),
                Reason::WrongToken,
                format!("the token is wrong: {}", judgement.problems.join("; ")),
                judgement.mistakes,
            )
        }
        (JwtExpected::Token(_), Reply::Error(message)) => {
            let integer_id = case.input.claims.get("user_id").is_some_and(Value::is_i64)
                || case.input.claims.get("user_id").is_some_and(Value::is_u64);
            Classified::new(
                deviation(verdict, strict, Outcome::Error),
                Reason::RejectedValidInput,
                format!("the port refused to sign claims the reference signs: {message}"),
                if integer_id {
                    vec![Mistake::IntegerUserIdRejected]
                } else {
                    Vec::new()
                },
            )
        }
        (JwtExpected::Error(_), Reply::Error(_)) => Classified::pass(),
        (JwtExpected::Error(expected), Reply::Jwt(token)) => Classified::new(
            deviation(verdict, strict, Outcome::Error),
            Reason::AnsweredInvalidInput,
            format!(
                "signed claims the reference refuses ({}): got {token:?}",
                expected.error
            ),
            match expected.error.as_str() {
                "missing_user_id" => vec![Mistake::MissingUserId],
                "empty_secret" => vec![Mistake::EmptySecretAccepted],
                "invalid_user_id_type" => vec![Mistake::TypeCoerced],
                _ => Vec::new(),
            },
        ),
    }
}

/// Classifies the reply to a JWT verification case.
pub fn classify_jwt_verify(case: &JwtVerifyCase, reply: &Reply, strict: bool) -> Classified {
    let verdict = case.result;
    let expected = case.expected.valid;
    let input = &case.input;
    match reply {
        Reply::Skipped(reason) => Classified::skipped(reason),
        Reply::Malformed(message) => Classified::protocol(message.clone()),
        Reply::Hash(_) | Reply::Jwt(_) => Classified::protocol(
            "answered a verify_jwt request with another command's reply".into(),
        ),
        Reply::Valid(valid) if *valid == expected => Classified::pass(),
        Reply::Valid(true) => Classified::new(
            deviation(verdict, strict, Outcome::Fail),
            Reason::AcceptedBadToken,
            format!(
                "accepted a token the reference refuses ({}): expected valid: false, got valid: true",
                case.expected.error.as_deref().unwrap_or("refused")
            ),
            jwt::diagnose_accepted_token(&input.secret, &input.jwt, input.now),
        ),
        // What a refusal proves depends on what else the verifier accepted: named across the
        // run (`diagnosis::jwt_refusals`).
        Reply::Valid(false) => Classified::new(
            deviation(verdict, strict, Outcome::Fail),
            Reason::RefusedGoodToken,
            "refused a valid token (expected valid: true, got valid: false)".into(),
            Vec::new(),
        ),
        Reply::Error(message) => Classified::new(
            deviation(verdict, strict, Outcome::Error),
            Reason::VerifyErrored,
            if expected {
                format!("errored on a valid token (expected valid: true): {message}")
            } else {
                format!(
                    "errored instead of answering valid: false (an exception is not a rejection): {message}"
                )
            },
            Vec::new(),
        ),
    }
}

/// Applies `--known-failures`: a listed case that fails, or that the port skips although it is
/// mandatory, is `xfail`; a listed case that passes is `xpass`.
pub fn apply_known(outcome: Outcome, listed: bool, blocking_skip: bool) -> Outcome {
    if !listed {
        return outcome;
    }
    match outcome {
        o if o.is_failure() => Outcome::Xfail,
        Outcome::Skip if blocking_skip => Outcome::Xfail,
        Outcome::Pass | Outcome::Warn => Outcome::Xpass,
        other => other,
    }
}

/// The hint for a case: the first mistake's, or a generic one for the reason it ended as it
/// did. `blocking_skip`: the port skipped a case the verdict needs.
pub fn hint(reason: Reason, diagnosis: &[Mistake], blocking_skip: bool) -> Option<String> {
    if let Some(first) = diagnosis.first() {
        return Some(first.hint().to_owned());
    }
    let generic = match reason {
        Reason::Passed => return None,
        Reason::Skipped if blocking_skip => {
            "answer every mandatory case: a skipped case is no evidence of conformance \
             (--allow-skip accepts skips, --known-failures lists the cases expected not to pass)"
        }
        Reason::Skipped => return None,
        Reason::Fault(FaultKind::Timeout) => {
            "the adapter did not reply within --timeout: it may be stuck, reading more than one line, \
             or not flushing stdout after each reply"
        }
        Reason::Fault(FaultKind::Crash) => {
            "the adapter exited or closed stdout before replying; its stderr tail is attached"
        }
        Reason::Protocol | Reason::Fault(FaultKind::Protocol) => {
            "replies must be one JSON object per line, in request order, echoing the request's seq"
        }
        Reason::AnsweredInvalidInput => {
            "reject this input with an {\"error\": …} reply: the secret must be non-empty, user_id a \
             string or an integer, email a string"
        }
        Reason::RejectedValidInput | Reason::VerifyErrored => {
            "the reference accepts this input; read the case description for the rule it tests"
        }
        Reason::AcceptedBadHash => {
            "compare the presented hash with the exact lowercase hex of the correct hash (constant time) \
             and refuse everything else"
        }
        Reason::RefusedGoodHash => {
            "verify must accept exactly the hash that user_hash computes for the same input"
        }
        Reason::WrongToken => {
            "sign {\"alg\":\"HS256\",\"typ\":\"JWT\"} and the case's claims (user_id a string) as base64url \
             without padding, with HMAC-SHA256 of header.payload under the secret's UTF-8 bytes; compare \
             with expected.jwt"
        }
        Reason::AcceptedBadToken => {
            "pin alg HS256, verify the signature (all 32 bytes, constant time) before reading claims, \
             and check exp and nbf against the clock"
        }
        Reason::RefusedGoodToken => {
            "accept any token with alg HS256, a correct signature and a string user_id, whatever its \
             header's other members and whether or not it has exp; read the case description"
        }
        Reason::WrongHash => {
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
        let mut case = generation(
            Verdict::Invalid,
            GenerationExpected::Error(ExpectedError {
                error: "empty_secret".into(),
            }),
        );
        case.input.secret = String::new();
        assert_eq!(
            classify_generation(&case, &Reply::Error("empty".into()), false).outcome,
            Outcome::Pass
        );
        let hashed = classify_generation(&case, &Reply::Hash(Some(GOOD.into())), false);
        assert_eq!(hashed.outcome, Outcome::Error);
        assert!(hashed
            .message
            .starts_with("answered input the reference rejects"));
        assert_eq!(hashed.diagnosis, [Mistake::EmptySecretAccepted]);
        assert_eq!(
            classify_generation(&case, &Reply::Hash(None), false).outcome,
            Outcome::Error
        );
    }

    #[test]
    fn validation_failures_are_named() {
        let mut case = generation(Verdict::Valid, hash(Some(GOOD)));
        case.input.user_id = Some(json!(87));
        let rejected = classify_generation(&case, &Reply::Error("must be a string".into()), false);
        assert_eq!(rejected.outcome, Outcome::Error);
        assert_eq!(rejected.diagnosis, [Mistake::IntegerUserIdRejected]);
        let mut coerced = generation(
            Verdict::Acceptable,
            GenerationExpected::Error(ExpectedError {
                error: "invalid_user_id_type".into(),
            }),
        );
        coerced.input.user_id = Some(json!(true));
        let true_hash = userhash::Signer::new("secret")
            .expect("secret")
            .sign_message(b"True")
            .to_string();
        let warned = classify_generation(&coerced, &Reply::Hash(Some(true_hash)), false);
        assert_eq!(warned.outcome, Outcome::Warn);
        assert_eq!(warned.diagnosis, [Mistake::TypeCoerced]);
        assert_eq!(warned.reason, Reason::AnsweredInvalidInput);
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
        assert_eq!(apply_known(Outcome::Fail, true, false), Outcome::Xfail);
        assert_eq!(apply_known(Outcome::Timeout, true, false), Outcome::Xfail);
        assert_eq!(apply_known(Outcome::Pass, true, false), Outcome::Xpass);
        assert_eq!(apply_known(Outcome::Skip, true, false), Outcome::Skip);
        assert_eq!(apply_known(Outcome::Skip, true, true), Outcome::Xfail);
        assert_eq!(apply_known(Outcome::Skip, false, true), Outcome::Skip);
        assert_eq!(apply_known(Outcome::Fail, false, false), Outcome::Fail);
    }

    #[test]
    fn replies_parse() {
        assert_eq!(
            Reply::parse(&json!({"seq": 1, "user_hash": null}), CaseKind::UserHash),
            Reply::Hash(None)
        );
        assert_eq!(
            Reply::parse(&json!({"seq": 1, "user_hash": "ab"}), CaseKind::UserHash),
            Reply::Hash(Some("ab".into()))
        );
        assert!(matches!(
            Reply::parse(&json!({"seq": 1, "user_hash": 5}), CaseKind::UserHash),
            Reply::Malformed(_)
        ));
        assert!(matches!(
            Reply::parse(&json!({"seq": 1}), CaseKind::Verify),
            Reply::Malformed(_)
        ));
        assert!(matches!(
            Reply::parse(&json!([1]), CaseKind::Verify),
            Reply::Malformed(_)
        ));
        assert_eq!(
            Reply::parse(&json!({"seq": 1, "valid": true}), CaseKind::Verify),
            Reply::Valid(true)
        );
        assert_eq!(
            Reply::parse(&json!({"seq": 1, "error": 7}), CaseKind::Verify),
            Reply::Error("7".into())
        );
    }

    #[test]
    fn requests_keep_absent_and_null_apart() {
        let mut case = generation(Verdict::Valid, hash(Some(GOOD)));
        case.input.email = Some(Value::Null);
        let request = request(&Case::UserHash(&case));
        assert!(!request.contains_key("seq"), "the session numbers requests");
        assert_eq!(request["cmd"], "user_hash");
        assert!(request.contains_key("email"));
        assert_eq!(request["email"], Value::Null);
        case.input.email = None;
        let request = super::request(&Case::UserHash(&case));
        assert!(!request.contains_key("email"));
    }
}
