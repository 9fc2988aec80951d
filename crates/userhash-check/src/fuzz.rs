//! Fuzz targets: the checks behind `cargo xtask fuzz` and `tests/fuzz_regressions.rs`.
//!
//! Each target takes arbitrary bytes, turns them into what a port, a `--vectors` directory, a
//! `--known-failures` file or the `explain` command line can hand the checker, calls the same
//! public functions the binary calls, and checks invariants beyond "no panic". `Err` is a
//! broken invariant, in a sentence; a panic is left to the caller, which catches it. This is
//! wasmtime's split: the oracles live in the ordinary crate, so `cargo test` replays the
//! committed corpus and every regression through exactly the code the fuzzer ran, and the
//! driver (`xtask/src/fuzz.rs`, seeded, on stable Rust) is only glue.
//!
//! Inputs of several parts (`vectors`, `explain`) are split at [`SEPARATOR`] bytes: 0xFF
//! never occurs in UTF-8, so every text a part may hold can still be written, and the real
//! vector files can be seeds as they are.
//!
//! `crates/userhash-check/fuzz/README.md` describes the corpus and regression directories.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use serde_json::{json, Value};
use userhash_mistakes::Mistake;
use userhash_vectors::format::{GenerationCase, GenerationExpected, VerifyCase};

use crate::adapter::{self, Implementation, Received};
use crate::classify::{self, Classified, Reason, Reply};
use crate::explain::{self, Explanation, Question};
use crate::explore::answer;
use crate::known_failures::KnownFailures;
use crate::outcome::{CaseKind, Outcome};
use crate::report::human::{sanitize, sanitize_line};
use crate::secret::{self, Secret, SecretSource};
use crate::suite::{Case, Suite, SuiteError, EMBEDDED_VECTORS};

/// Separates the parts of a `vectors` or `explain` input.
pub const SEPARATOR: u8 = 0xFF;

/// A fuzz target: a name, the check, and what the driver mutates.
pub struct Target {
    /// The name used on the command line and as the corpus directory.
    pub name: &'static str,
    /// What the input is, in a phrase.
    pub about: &'static str,
    /// The check: `Err` names the broken invariant.
    pub run: fn(&[u8]) -> Result<(), String>,
    /// Seeds made from the embedded vectors (real files, real replies), besides the committed
    /// corpus: they follow the vectors when those change.
    pub seeds: fn() -> Vec<Vec<u8>>,
    /// Tokens worth inserting: the format's keywords and its known troublemakers.
    pub tokens: &'static [&'static [u8]],
    /// Whether the input is parts split at [`SEPARATOR`] (the driver mutates one part at a
    /// time, so the others stay intact).
    pub parts: bool,
}

/// Every target, in the order the driver runs them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "reply",
        about: "adapter stdout lines, read, parsed as replies and classified against every case",
        run: reply,
        seeds: reply_seeds,
        tokens: REPLY_TOKENS,
        parts: false,
    },
    Target {
        name: "vectors",
        about: "user_hash.json, user_hash_verify.json, hmac_sha256.json and the JWT files loaded with --vectors",
        run: vectors,
        seeds: vector_seeds,
        tokens: VECTOR_TOKENS,
        parts: true,
    },
    Target {
        name: "known_failures",
        about: "a --known-failures file: parsed, rendered back, checked against the suite",
        run: known_failures,
        seeds: known_failure_seeds,
        tokens: KNOWN_FAILURE_TOKENS,
        parts: false,
    },
    Target {
        name: "secret",
        about: "a secret as read from a file or the environment (first byte: --strip-newline)",
        run: secret,
        seeds: secret_seeds,
        tokens: TEXT_TOKENS,
        parts: false,
    },
    Target {
        name: "explain",
        about: "explain's secret, user_id, email, observed hash and another platform's secret",
        run: explain,
        seeds: explain_seeds,
        tokens: TEXT_TOKENS,
        parts: true,
    },
    Target {
        name: "jwt",
        about: "a presented JWT, its secret and the clock: verified, judged, diagnosed, explained",
        run: jwt,
        seeds: jwt_seeds,
        tokens: JWT_TOKENS,
        parts: true,
    },
];

const JWT_TOKENS: &[&[u8]] = &[
    b".",
    b"=",
    b"+",
    b"/",
    b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
    b"eyJhbGciOiJub25lIn0",
    b"eyJ1c2VyX2lkIjoiODcifQ",
    b"eyJ1c2VyX2lkIjo4N30",
    b"e30",
    b"W10",
    b"1800000000",
    b"-9223372036854775808",
];

/// A token, its secret and the clock: never a panic; the reference's verdict, its judge of a
/// signed token and `explain --jwt` agree: a token the verifier accepts is judged correct
/// against its own claims, explained as valid, and gives a verifier nothing to be blamed for.
pub fn jwt(data: &[u8]) -> Result<(), String> {
    let mut parts = data.split(|&b| b == SEPARATOR);
    let token = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let secret = String::from_utf8_lossy(parts.next().unwrap_or(b"s")).into_owned();
    let now = parts
        .next()
        .and_then(|bytes| std::str::from_utf8(bytes).ok()?.trim().parse::<i64>().ok())
        .unwrap_or(1_800_000_000);
    let verdict = userhash::jwt::JwtVerifier::new(&secret).map(|v| v.verify(&token, now));
    let accused = userhash_mistakes::jwt::diagnose_accepted_token(&secret, &token, now);
    let claims = userhash_mistakes::jwt::claims_of(&token).unwrap_or_default();
    let judged = userhash_mistakes::jwt::judge_token(&secret, &claims, &token);
    let explained = crate::secret::check(secret.clone(), "fuzz", false)
        .ok()
        .map(|secret| crate::explain_jwt::explain(&secret, &token, now));
    match verdict {
        Ok(Ok(verified)) => {
            if !accused.is_empty() {
                return Err(format!(
                    "accepted by the reference, yet blamed on {accused:?}"
                ));
            }
            if verified.claims() != claims {
                return Err("the verified claims differ from the claims read leniently".into());
            }
            if !judged.is_correct() {
                return Err(format!("accepted, yet judged wrong: {:?}", judged.problems));
            }
            if let Some(Ok(explanation)) = &explained {
                if !explanation.valid || !explanation.diagnosis.is_empty() {
                    return Err(format!("accepted, yet explained as {explanation:?}"));
                }
            }
        }
        Ok(Err(error)) => {
            if let Some(Ok(explanation)) = &explained {
                if explanation.valid || explanation.error.as_deref() != Some(error.class()) {
                    return Err(format!(
                        "refused ({error}), yet explained as {explanation:?}"
                    ));
                }
            }
        }
        Err(_) if !secret.is_empty() => {
            return Err("a non-empty secret was refused".into());
        }
        Err(_) => {}
    }
    Ok(())
}

fn jwt_seeds() -> Vec<Vec<u8>> {
    let Ok(suite) = embedded() else {
        return Vec::new();
    };
    suite
        .jwt_verify
        .iter()
        .map(|case| {
            [
                case.input.jwt.clone(),
                case.input.secret.clone(),
                case.input.now.to_string(),
            ]
            .map(String::into_bytes)
            .join(&SEPARATOR)
        })
        .collect()
}

/// The target called `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

const REPLY_TOKENS: &[&[u8]] = &[
    b"{\"seq\":1,",
    b"\"seq\":",
    b"\"user_hash\":",
    b"\"valid\":",
    b"\"error\":",
    b"\"skipped\":",
    b"\"ok\":true,\"implementation\":{\"name\":\"n\",\"language\":\"l\",\"version\":\"1\",\"features\":[\"verify\"]}",
    b"null",
    b"true",
    b"false",
    b"18446744073709551616",
    b"-9223372036854775809",
    b"1e400",
    b"-0.0",
    b"\"\\u0000\"",
    b"\"\\ud800\"",
    b"\"\\u001b[31m\"",
    b"\r\n",
    b"\n",
];

const VECTOR_TOKENS: &[&[u8]] = &[
    b"\"numberOfTests\":",
    b"\"tests\":[",
    b"\"result\":\"acceptable\"",
    b"\"result\":\"invalid\"",
    b"\"expected\":{\"error\":\"invalid_user_id_type\"}",
    b"\"expected\":{\"valid\":true}",
    b"\"user_id\":",
    b"\"email\":",
    b"\"secret\":\"\"",
    b"\"version\":\"0.0.0\"",
    b"\"flags\":[]",
    b"\"id\":\"basic-user-id\"",
    b"null",
    b"4.5",
    b"18446744073709551616",
    b"1e400",
    b"[]",
    b"{}",
    b"\"\\u0000\"",
];

const KNOWN_FAILURE_TOKENS: &[&[u8]] = &[
    b"#",
    b"\n",
    b"\r\n",
    b"\r",
    b" ",
    b"\t",
    b"\xc2\x85",
    b"\xe2\x80\xa8",
    b"\xef\xbb\xbf",
    b"user-id-float",
    b"empty-secret-unidentified",
];

const TEXT_TOKENS: &[&[u8]] = &[
    b"\n",
    b"\r\n",
    b"\r",
    b" ",
    b"\x00",
    b"\xff",
    b"\xc3\xa9",
    b"\xe2\x98\x83",
    b"\xf0\x9f\x94\x91",
    b"\x1b[2J",
    b"null",
    b"42",
    b"-0",
    b"4.5",
    b"true",
    b"[]",
    b"{}",
    b"\"\"",
    b"18446744073709551616",
    b"003a9666f8c43026072598aef3adfd2251f799697d2eba54f8d4ac3b0e30ea56",
];

/// The embedded suite, loaded once per process.
fn embedded() -> Result<&'static Suite, String> {
    static SUITE: OnceLock<Result<Suite, String>> = OnceLock::new();
    SUITE
        .get_or_init(|| Suite::embedded().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| format!("the embedded vectors do not load: {e}"))
}

/// The embedded suite's case ids, collected once.
fn embedded_ids() -> Result<&'static BTreeSet<&'static str>, String> {
    static IDS: OnceLock<BTreeSet<&'static str>> = OnceLock::new();
    let suite = embedded()?;
    Ok(IDS.get_or_init(|| suite.cases().iter().map(|case| case.id()).collect()))
}

// ---- reply ------------------------------------------------------------------------------

/// `reply`: the bytes as adapter stdout, cut into lines by the reader's own capped line
/// reader ([`adapter::read_capped_line`], here with a 4 KiB cap so that over-long lines are
/// exercised too). Each line goes through [`adapter::parse_line`]; a JSON reply through the
/// handshake reader and [`Reply::parse`] for both case kinds, then is classified against every
/// case of the embedded suite (`--strict` when the input's length is odd).
///
/// Invariants: the reader never holds more than the cap; a line is a reply exactly when it is
/// JSON (serde_json reading it alone is the oracle), and `explore`'s reading of it agrees with
/// that tree ([`answer::agrees_with_tree`]); the reply equal to a case's expected answer passes;
/// a `skipped` reply is never a pass; a pass carries no message, anything else a message and a
/// hint; every message, once sanitised, holds no control character but `\n` and `\t`.
pub fn reply(data: &[u8]) -> Result<(), String> {
    const CAP: usize = 4096;
    let suite = embedded()?;
    let strict = data.len() % 2 == 1;
    let mut reader = std::io::BufReader::with_capacity(64, data);
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = adapter::read_capped_line(&mut reader, &mut line, CAP)
            .map_err(|e| format!("reading from memory failed: {e}"))?;
        if line.len() > CAP {
            return Err(format!("the reader held {} bytes past its cap", line.len()));
        }
        match read {
            adapter::LineRead::Eof | adapter::LineRead::TooLong => return Ok(()),
            adapter::LineRead::Line => {}
        }
        // The receiver skips blank lines before parsing.
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let oracle = serde_json::from_slice::<Value>(&line).ok();
        answer::agrees_with_tree(&line, oracle.as_ref())?;
        match (adapter::parse_line(&line), oracle) {
            (Received::Reply(value), Some(expected)) if value == expected => {
                check_reply(suite, &value, strict)?;
            }
            (Received::Reply(value), oracle) => {
                return Err(format!(
                    "parse_line read {} from a line serde_json reads as {oracle:?}",
                    short(&value.to_string())
                ))
            }
            (Received::Garbage(_), Some(value)) => {
                return Err(format!(
                    "parse_line called a JSON line garbage: {}",
                    short(&value.to_string())
                ))
            }
            (Received::Garbage(text), None) => {
                // What the session puts in its protocol error: clipped, so bounded.
                if text.len() > 300 {
                    return Err(format!("a garbage description of {} bytes", text.len()));
                }
                check_visible("a garbage line", &text)?;
            }
            (other, _) => return Err(format!("parse_line returned {other:?}")),
        }
    }
}

fn check_reply(suite: &Suite, value: &Value, strict: bool) -> Result<(), String> {
    if let Ok(implementation) = Implementation::from_handshake(value) {
        let declared = value
            .pointer("/implementation/name")
            .and_then(Value::as_str);
        if declared != Some(implementation.name.as_str()) {
            return Err(format!(
                "the handshake read name {:?} from {}",
                implementation.name,
                short(&value.to_string())
            ));
        }
    }
    let generation = Reply::parse(value, CaseKind::UserHash);
    let verify = Reply::parse(value, CaseKind::Verify);
    let jwt = Reply::parse(value, CaseKind::Jwt);
    let jwt_verify = Reply::parse(value, CaseKind::JwtVerify);
    for (kind, reply) in [
        (CaseKind::UserHash, &generation),
        (CaseKind::Verify, &verify),
        (CaseKind::Jwt, &jwt),
        (CaseKind::JwtVerify, &jwt_verify),
    ] {
        let _ = reply.to_actual();
        let misfit = match reply {
            Reply::Hash(_) => kind != CaseKind::UserHash,
            Reply::Valid(_) => !matches!(kind, CaseKind::Verify | CaseKind::JwtVerify),
            Reply::Jwt(_) => kind != CaseKind::Jwt,
            _ => false,
        };
        if misfit || (!value.is_object() && !matches!(reply, Reply::Malformed(_))) {
            return Err(format!(
                "Reply::parse made {reply:?} of {} for a {kind} case",
                short(&value.to_string())
            ));
        }
    }
    for case in &suite.generation {
        let classified = classify::classify_generation(case, &generation, strict);
        let expected = match &case.expected {
            GenerationExpected::Hash(hash) => generation == Reply::Hash(hash.user_hash.clone()),
            GenerationExpected::Error(_) => matches!(generation, Reply::Error(_)),
        };
        check_classified(&case.id, &generation, expected, expected, &classified)?;
    }
    for case in &suite.verify {
        let classified = classify::classify_verify(case, &verify, strict);
        let expected = verify == Reply::Valid(case.expected.valid);
        let may_pass = may_pass_verify(case, &verify, expected);
        check_classified(&case.id, &verify, expected, may_pass, &classified)?;
    }
    // A JWT reply of any shape is classified without panicking; a token is judged (decoded,
    // compared, re-signed) whatever its text. The expected answers pass.
    for case in &suite.jwt {
        let classified = classify::classify_jwt(case, &jwt, strict);
        let expected = match (&case.expected, &jwt) {
            (userhash_vectors::format::JwtExpected::Token(token), Reply::Jwt(text)) => {
                *text == token.jwt
            }
            (userhash_vectors::format::JwtExpected::Error(_), reply) => {
                matches!(reply, Reply::Error(_))
            }
            _ => false,
        };
        // Another token than the canonical one may be equally correct: only `expected` binds.
        let may_pass = expected || matches!(jwt, Reply::Jwt(_));
        check_classified(&case.id, &jwt, expected, may_pass, &classified)?;
    }
    for case in &suite.jwt_verify {
        let classified = classify::classify_jwt_verify(case, &jwt_verify, strict);
        let expected = jwt_verify == Reply::Valid(case.expected.valid);
        check_classified(&case.id, &jwt_verify, expected, expected, &classified)?;
    }
    Ok(())
}

/// A verifier passes with the expected decision, or with a refusal of a hash it must refuse
/// (when the reference rejects the input itself; whether it does is `classify`'s to say).
fn may_pass_verify(case: &VerifyCase, reply: &Reply, expected: bool) -> bool {
    expected || (!case.expected.valid && matches!(reply, Reply::Error(_)))
}

/// The invariants of one classification. `expected`: the reply is the case's expected answer
/// (so it must pass); `may_pass`: nothing else may.
fn check_classified(
    id: &str,
    reply: &Reply,
    expected: bool,
    may_pass: bool,
    classified: &Classified,
) -> Result<(), String> {
    let fail = |what: &str| {
        Err(format!(
            "case {id}, reply {reply:?}: {what} (got {:?}, {:?}: {:?})",
            classified.outcome, classified.reason, classified.message
        ))
    };
    let pass = classified.outcome == Outcome::Pass;
    if expected && !pass {
        return fail("the expected answer does not pass");
    }
    if pass && !may_pass {
        return fail("a wrong answer passes");
    }
    match reply {
        Reply::Skipped(_) if classified.outcome != Outcome::Skip => {
            return fail("a skipped reply is not a skip")
        }
        Reply::Malformed(_) if classified.reason != Reason::Protocol => {
            return fail("a malformed reply is not a protocol error")
        }
        _ => {}
    }
    if pass != (classified.reason == Reason::Passed) {
        return fail("the outcome and the reason disagree");
    }
    if pass && !(classified.message.is_empty() && classified.diagnosis.is_empty()) {
        return fail("a pass carries a message or a diagnosis");
    }
    if !pass && classified.message.trim().is_empty() {
        return fail("a case that did not pass has no message");
    }
    let hint = classify::hint(classified.reason, &classified.diagnosis, true);
    if hint.is_none() != pass {
        return fail("a pass has a hint, or a failure none");
    }
    let mut names = HashSet::new();
    if !classified.diagnosis.iter().all(|m| names.insert(*m)) {
        return fail("the diagnosis names a mistake twice");
    }
    check_visible("a message", &classified.message)
}

/// Sanitised text holds no control character but `\n` and `\t`, and the one-line form none.
fn check_visible(what: &str, text: &str) -> Result<(), String> {
    let many = sanitize(text);
    let one = sanitize_line(text);
    if many
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
        || one.chars().any(char::is_control)
    {
        return Err(format!(
            "{what} keeps a control character after sanitising: {many:?}"
        ));
    }
    Ok(())
}

fn short(text: &str) -> String {
    adapter::clip(text, 300)
}

fn reply_seeds() -> Vec<Vec<u8>> {
    let Ok(suite) = embedded() else {
        return Vec::new();
    };
    let mut lines: Vec<Value> = vec![
        json!({"ok": true, "implementation": {"name": "userhash-python", "language": "python",
               "version": "3.11", "homepage": "https://example.com", "features": ["verify"]}}),
        json!({"ok": false, "error": "unsupported protocol"}),
        json!({"seq": 1, "skipped": "verify is not implemented"}),
        json!({"seq": 1, "error": "user_id must be a string or an integer"}),
        json!({"seq": 1, "user_hash": null}),
        json!({"seq": 1, "valid": "yes"}),
    ];
    for (seq, case) in suite.cases().iter().enumerate() {
        let seq = seq + 1;
        lines.push(match case {
            Case::UserHash(case) => match &case.expected {
                GenerationExpected::Hash(hash) => json!({"seq": seq, "user_hash": hash.user_hash}),
                GenerationExpected::Error(error) => json!({"seq": seq, "error": error.error}),
            },
            Case::Verify(case) => json!({"seq": seq, "valid": case.expected.valid}),
            Case::Jwt(case) => match &case.expected {
                userhash_vectors::format::JwtExpected::Token(token) => {
                    json!({"seq": seq, "jwt": token.jwt})
                }
                userhash_vectors::format::JwtExpected::Error(error) => {
                    json!({"seq": seq, "error": error.error})
                }
            },
            Case::JwtVerify(case) => json!({"seq": seq, "valid": case.expected.valid}),
        });
        // A common mistake's answer, so the diagnosis runs on real inputs.
        if let Case::UserHash(case) = case {
            if let GenerationExpected::Hash(hash) = &case.expected {
                let upper = hash.user_hash.as_deref().map(str::to_uppercase);
                lines.push(json!({"seq": seq, "user_hash": upper}));
            }
        }
    }
    let mut seeds: Vec<Vec<u8>> = lines
        .iter()
        .map(|line| format!("{line}\n").into_bytes())
        .collect();
    seeds.push(b"Traceback (most recent call last):\n\n{\"seq\":2,\"valid\":false}\r\n".to_vec());
    seeds
}

// ---- vectors ----------------------------------------------------------------------------

/// `vectors`: the parts are `user_hash.json`, `user_hash_verify.json` (the embedded one when
/// the input has one part) and `hmac_sha256.json` (absent when the input has fewer than three
/// parts), written to a scratch directory and loaded with [`Suite::from_dir`], as
/// `--vectors DIR` does.
///
/// Invariants: an error names a file of the directory (an error in the embedded schemas is a
/// bug) and renders with a `fix:`; a loaded suite has unique ids, as many cases as each file's
/// `numberOfTests`, and each file's version; every case that is not one of the embedded ones
/// classifies its expected answer as a pass and a wrong answer, a skip and a refusal without
/// breaking the invariants of `reply`.
pub fn vectors(data: &[u8]) -> Result<(), String> {
    let mut parts = data.split(|&b| b == SEPARATOR);
    let generation = parts.next().unwrap_or_default();
    let verify = parts.next().unwrap_or(EMBEDDED_VECTORS[1].1.as_bytes());
    let hmac = parts.next();
    let jwt = parts.next();
    let jwt_verify = parts.next();
    with_scratch(|scratch| {
        let dir = &scratch.vectors;
        write(&dir.join("user_hash.json"), generation)?;
        write(&dir.join("user_hash_verify.json"), verify)?;
        for (name, text) in [
            ("hmac_sha256.json", hmac),
            ("user_jwt.json", jwt),
            ("user_jwt_verify.json", jwt_verify),
        ] {
            let path = dir.join(name);
            match text {
                Some(text) => write(&path, text)?,
                None if path.exists() => {
                    std::fs::remove_file(&path).map_err(|e| format!("scratch: {e}"))?
                }
                None => {}
            }
        }
        match Suite::from_dir(dir) {
            Err(error) => check_suite_error(dir, &error),
            Ok(suite) => check_loaded(&suite, generation, verify, hmac),
        }
    })?
}

fn check_suite_error(dir: &Path, error: &SuiteError) -> Result<(), String> {
    let shown = error.to_string();
    let in_dir = [
        "user_hash.json",
        "user_hash_verify.json",
        "hmac_sha256.json",
        "user_jwt.json",
        "user_jwt_verify.json",
    ]
    .iter()
    .any(|name| error.file == dir.join(name).display().to_string());
    if !in_dir {
        return Err(format!(
            "the error is not about a file of --vectors: {shown}"
        ));
    }
    if error.fix.trim().is_empty() || !shown.contains("\n  fix: ") {
        return Err(format!("the error has no fix: {shown}"));
    }
    if !(error.pointer.is_empty() || error.pointer.starts_with('/')) {
        return Err(format!("the pointer is not a JSON pointer: {shown}"));
    }
    Ok(())
}

fn check_loaded(
    suite: &Suite,
    generation: &[u8],
    verify: &[u8],
    hmac: Option<&[u8]>,
) -> Result<(), String> {
    let header = |bytes: &[u8]| -> Result<(u64, String), String> {
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|e| format!("a file that loaded is not JSON: {e}"))?;
        let count = value["numberOfTests"].as_u64().unwrap_or(u64::MAX);
        let version = value["version"].as_str().unwrap_or_default().to_owned();
        Ok((count, version))
    };
    let (generation_count, generation_version) = header(generation)?;
    let (verify_count, verify_version) = header(verify)?;
    let hmac_count = match hmac {
        Some(bytes) => header(bytes)?.0,
        None => 0,
    };
    let counts = (
        suite.generation.len() as u64,
        suite.verify.len() as u64,
        suite.hmac_cases as u64,
    );
    if counts != (generation_count, verify_count, hmac_count) {
        return Err(format!(
            "loaded {counts:?} cases, numberOfTests says {:?}",
            (generation_count, verify_count, hmac_count)
        ));
    }
    if suite.version != generation_version || suite.version != verify_version {
        return Err(format!(
            "suite version {:?}, files {generation_version:?} and {verify_version:?}",
            suite.version
        ));
    }
    let mut ids = HashSet::new();
    if let Some(case) = suite.cases().iter().find(|case| !ids.insert(case.id())) {
        return Err(format!("case id {:?} loaded twice", case.id()));
    }
    let known = embedded()?;
    for case in &suite.generation {
        if !known.generation.contains(case) {
            check_generation_case(case)?;
        }
    }
    for case in &suite.verify {
        if !known.verify.contains(case) {
            check_verify_case(case)?;
        }
    }
    Ok(())
}

/// A wrong answer for any case: the all-zero hash is no HMAC anyone can find an input for.
const WRONG_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn check_generation_case(case: &GenerationCase) -> Result<(), String> {
    let _ = classify::request(&Case::UserHash(case));
    let answer = match &case.expected {
        GenerationExpected::Hash(hash) => Reply::Hash(hash.user_hash.clone()),
        GenerationExpected::Error(error) => Reply::Error(error.error.clone()),
    };
    let upper = match &case.expected {
        GenerationExpected::Hash(hash) => hash.user_hash.as_deref().map(str::to_uppercase),
        GenerationExpected::Error(_) => None,
    };
    let replies = [
        answer.clone(),
        Reply::Hash(Some(WRONG_HASH.into())),
        Reply::Hash(upper),
        Reply::Hash(None),
        Reply::Error("refused".into()),
        Reply::Skipped("no".into()),
    ];
    for reply in replies {
        // Any refusal is the answer to input the reference rejects; a "wrong" reply may be
        // the answer too (the uppercase of no hash is no hash).
        let expected = reply == answer
            || (matches!(case.expected, GenerationExpected::Error(_))
                && matches!(reply, Reply::Error(_)));
        for strict in [false, true] {
            let classified = classify::classify_generation(case, &reply, strict);
            check_classified(&case.id, &reply, expected, expected, &classified)?;
        }
    }
    Ok(())
}

fn check_verify_case(case: &VerifyCase) -> Result<(), String> {
    let _ = classify::request(&Case::Verify(case));
    let replies = [
        (Reply::Valid(case.expected.valid), true),
        (Reply::Valid(!case.expected.valid), false),
        (Reply::Error("refused".into()), false),
        (Reply::Skipped("no".into()), false),
    ];
    for (reply, expected) in replies {
        let may_pass = may_pass_verify(case, &reply, expected);
        for strict in [false, true] {
            let classified = classify::classify_verify(case, &reply, strict);
            check_classified(&case.id, &reply, expected, may_pass, &classified)?;
        }
    }
    Ok(())
}

fn vector_seeds() -> Vec<Vec<u8>> {
    let [(_, generation), (_, verify), (_, hmac), (_, jwt), (_, jwt_verify)] = EMBEDDED_VECTORS;
    let all = [generation, verify, hmac, jwt, jwt_verify]
        .map(str::as_bytes)
        .join(&SEPARATOR);
    vec![
        all,
        generation.as_bytes().to_vec(),
        [verify.as_bytes(), &[SEPARATOR], verify.as_bytes()].concat(),
    ]
}

// ---- known_failures ---------------------------------------------------------------------

/// `known_failures`: the bytes as a `--known-failures` file (lossily decoded: the CLI refuses
/// a file that is not UTF-8 before parsing).
///
/// Invariants: an error names a line of the file; the ids accepted are non-empty, hold no
/// whitespace and no `#`, and occur in the text; [`KnownFailures::render`], with the input
/// itself as the header, parses back to the same list; `check_known` accepts the list's own
/// ids, and against the suite's ids refuses exactly when an id is not the suite's, naming it.
pub fn known_failures(data: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(data);
    let list = match KnownFailures::parse(&text) {
        Ok(list) => list,
        Err(error) => {
            let line = error
                .strip_prefix("line ")
                .and_then(|rest| rest.split_once(':'))
                .and_then(|(number, _)| number.parse::<usize>().ok());
            return match line {
                Some(n) if n >= 1 && n <= text.lines().count() => Ok(()),
                _ => Err(format!("the error names no line of the file: {error}")),
            };
        }
    };
    let ids: Vec<&str> = list.ids().collect();
    if ids.len() != list.len() || ids.iter().any(|id| !list.contains(id)) {
        return Err(format!("ids() and contains() disagree on {ids:?}"));
    }
    if let Some(id) = ids
        .iter()
        .find(|id| id.is_empty() || id.contains(char::is_whitespace) || id.contains('#'))
    {
        return Err(format!("accepted {id:?} as a case id"));
    }
    if let Some(id) = ids.iter().find(|id| !text.contains(*id)) {
        return Err(format!("accepted {id:?}, which is not in the file"));
    }
    let rendered = KnownFailures::render(&text, ids.iter().copied());
    match KnownFailures::parse(&rendered) {
        Ok(again) if again == list => {}
        other => {
            return Err(format!(
                "render then parse gave {other:?} instead of {list:?}: {}",
                short(&rendered)
            ))
        }
    }
    list.check_known(ids.iter().copied())
        .map_err(|e| format!("the list's own ids are unknown to it: {e}"))?;
    let suite_ids = embedded_ids()?;
    let unknown: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| !suite_ids.contains(id))
        .collect();
    match list.check_known(suite_ids.iter().copied()) {
        Ok(()) if unknown.is_empty() => Ok(()),
        Ok(()) => Err(format!("check_known accepted the unknown ids {unknown:?}")),
        Err(error) if unknown.is_empty() => Err(format!(
            "check_known refused ids that are all the suite's: {error}"
        )),
        Err(error) => match unknown.iter().find(|id| !error.contains(*id)) {
            Some(id) => Err(format!("the error does not name {id:?}: {error}")),
            None => Ok(()),
        },
    }
}

fn known_failure_seeds() -> Vec<Vec<u8>> {
    let Ok(suite) = embedded() else {
        return Vec::new();
    };
    let ids: Vec<&str> = suite.cases().iter().map(|case| case.id()).collect();
    vec![KnownFailures::render("written by userhash-check\nfor a port", ids).into_bytes()]
}

// ---- secret -----------------------------------------------------------------------------

/// How the `secret` target names its source in [`secret::check`].
const ORIGIN: &str = "file fuzz-input";

/// `secret`: the first byte's low bit is `--strip-newline`; the rest is the secret, given to
/// [`secret::check`] when it is UTF-8, and read with [`secret::read`] from a file either way.
///
/// Invariants: the secret is refused exactly when it ends in a newline that is not stripped or
/// is empty once stripped, and is otherwise kept byte for byte (less the stripped newlines); a
/// refusal is one of the fixed messages for its rule, the same whatever the secret, so it
/// cannot show any of it; `Debug` and `Display` show `<redacted>`.
pub fn secret(data: &[u8]) -> Result<(), String> {
    let (strip, bytes) = match data.split_first() {
        Some((flag, rest)) => (flag & 1 == 1, rest),
        None => (false, data),
    };
    let utf8 = std::str::from_utf8(bytes).ok();
    if let Some(text) = utf8 {
        let fixed = [
            secret::check("x\n".into(), ORIGIN, false),
            secret::check(String::new(), ORIGIN, false),
        ];
        check_secret(
            text,
            strip,
            secret::check(text.to_owned(), ORIGIN, strip),
            &fixed,
        )?;
    }
    with_scratch(|scratch| {
        write(&scratch.secret, bytes)?;
        let source = SecretSource::File(scratch.secret.clone());
        let read = secret::read(&source, strip);
        if bytes.len() as u64 > secret::MAX_SECRET_BYTES {
            // Refused for its size alone, before its contents are looked at.
            return match read {
                Err(message) if scratch.secret_messages[3].as_ref().err() == Some(&message) => {
                    Ok(())
                }
                other => Err(format!(
                    "a {}-byte file gave {other:?}, not the fixed refusal for its size",
                    bytes.len()
                )),
            };
        }
        match utf8 {
            Some(text) => check_secret(text, strip, read, &scratch.secret_messages),
            None => match read {
                Err(message) if scratch.secret_messages[2].as_ref().err() == Some(&message) => {
                    Ok(())
                }
                other => Err(format!(
                    "a file that is not UTF-8 gave {other:?}, not the fixed refusal"
                )),
            },
        }
    })?
}

fn check_secret(
    text: &str,
    strip: bool,
    result: Result<Secret, String>,
    fixed: &[Result<Secret, String>],
) -> Result<(), String> {
    let newline = |t: &str| t.ends_with('\n') || t.ends_with('\r');
    let kept = if strip {
        text.trim_end_matches(['\n', '\r'])
    } else {
        text
    };
    let refused = (!strip && newline(text)) || kept.is_empty();
    match result {
        Ok(_) if refused => Err(format!(
            "accepted a secret it must refuse (strip: {strip}, {} bytes)",
            text.len()
        )),
        Ok(secret) if secret.expose() != kept => Err(format!(
            "kept {} bytes of a {}-byte secret (strip: {strip})",
            secret.expose().len(),
            text.len()
        )),
        Ok(secret) => {
            let shown = (format!("{secret:?}"), secret.to_string());
            if shown != ("Secret(<redacted>)".to_owned(), "<redacted>".to_owned()) {
                return Err(format!("Debug/Display show {shown:?}"));
            }
            Ok(())
        }
        Err(_) if !refused => Err(format!(
            "refused a secret it must accept (strip: {strip}, {} bytes)",
            text.len()
        )),
        Err(message) => {
            if fixed.iter().any(|f| f.as_ref().err() == Some(&message)) {
                Ok(())
            } else {
                Err(format!("the refusal depends on the secret: {message:?}"))
            }
        }
    }
}

fn secret_seeds() -> Vec<Vec<u8>> {
    vec![
        b"\x00hunter2".to_vec(),
        b"\x00hunter2\n".to_vec(),
        b"\x01hunter2\r\n".to_vec(),
        b"\x01\n".to_vec(),
        b"\x00 s3cret ".to_vec(),
        b"\x00\xc3\xa9t\xc3\xa9".to_vec(),
    ]
}

// ---- explain ----------------------------------------------------------------------------

/// `explain`: the parts are the secret (read as with `--strip-newline`), `user_id` and
/// `email` (JSON, or a JSON string of the text when the part is not JSON; absent when empty or
/// missing), the observed hash, and another platform's secret (`--other-secret-env`).
///
/// Invariants: `explain` refuses exactly the identities the reference refuses; the answer is a
/// hash of the right shape exactly when there is a message, and `message_utf8_hex` is the
/// message's bytes; the correct hash as the observed one is `correct: true` with no diagnosis
/// and no note, and any other observed value is `correct: false`; neither secret appears in
/// the human or the JSON rendering. That last check needs a secret that can be told apart: one
/// with a non-ASCII character that no identifier, no observed value that does not hold the
/// whole secret, and no text of the mistake catalogue has (the rest of the output is ASCII).
pub fn explain(data: &[u8]) -> Result<(), String> {
    let mut parts = data
        .split(|&b| b == SEPARATOR)
        .map(|part| String::from_utf8_lossy(part).into_owned());
    let secret_text = parts.next().unwrap_or_default();
    let user_id = parts.next().and_then(json_part);
    let email = parts.next().and_then(json_part);
    let observed = parts.next();
    let other = parts.next();
    // What `secret::read` lets through is all `explain` ever gets.
    let Ok(secret) = secret::check(secret_text, ORIGIN, true) else {
        return Ok(());
    };
    let others: Vec<(String, Secret)> = other
        .and_then(|text| secret::check(text, ORIGIN, true).ok())
        .map(|s| vec![("FUZZ_OTHER_SECRET".to_owned(), s)])
        .unwrap_or_default();
    let question = Question {
        secret,
        others,
        user_id,
        email,
    };
    let accepted =
        userhash::Identity::from_json(question.user_id.as_ref(), question.email.as_ref()).is_ok();
    let plain = match (explain::explain(&question, None), accepted) {
        (Ok(plain), true) => plain,
        (Err(_), false) => return Ok(()),
        (Ok(_), false) => return Err("explained an identity the reference refuses".into()),
        (Err(error), true) => {
            return Err(format!(
                "refused an identity the reference accepts: {error}"
            ))
        }
    };
    check_answer(&plain)?;
    let mut explained = vec![plain.clone()];
    if let Some(hash) = &plain.user_hash {
        let right = explain::explain(&question, Some(hash)).map_err(|e| e.to_string())?;
        if right.correct != Some(true) || !right.diagnosis.is_empty() || !right.notes.is_empty() {
            return Err(format!(
                "the correct hash is not plainly correct: {right:?}"
            ));
        }
        explained.push(right);
    }
    if let Some(observed) = &observed {
        let seen = explain::explain(&question, Some(observed)).map_err(|e| e.to_string())?;
        let correct = plain.user_hash.as_deref() == Some(observed.as_str());
        if seen.correct != Some(correct) {
            return Err(format!(
                "observed {:?} is correct: {correct}, explain says {:?}",
                short(observed),
                seen.correct
            ));
        }
        if !correct && !render_human_checked(&seen)?.contains("INCORRECT") {
            return Err("a wrong hash is not called INCORRECT".into());
        }
        explained.push(seen);
    }
    let mut secrets = vec![question.secret.expose()];
    secrets.extend(question.others.iter().map(|(_, s)| s.expose()));
    for explanation in &explained {
        let outputs = [
            render_human_checked(explanation)?,
            serde_json::to_string(explanation).map_err(|e| e.to_string())?,
        ];
        for secret in &secrets {
            if !told_apart(secret, &question, observed.as_deref()) {
                continue;
            }
            if outputs.iter().any(|output| output.contains(secret)) {
                return Err(format!(
                    "a secret ({} bytes) appears in explain's output: {}",
                    secret.len(),
                    short(&outputs[0])
                ));
            }
        }
    }
    Ok(())
}

fn render_human_checked(explanation: &Explanation) -> Result<String, String> {
    let text = explain::render_human(explanation);
    check_visible("explain's rendering", &text)?;
    Ok(text)
}

/// A part as a JSON value: empty is absent, JSON is itself, anything else a string.
fn json_part(text: String) -> Option<Value> {
    if text.is_empty() {
        return None;
    }
    Some(serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn check_answer(plain: &Explanation) -> Result<(), String> {
    let hex: Option<String> = plain
        .message
        .as_ref()
        .map(|m| m.bytes().map(|b| format!("{b:02x}")).collect());
    let shaped = plain
        .user_hash
        .as_deref()
        .is_none_or(userhash::is_user_hash_shaped);
    if plain.user_hash.is_some() != plain.message.is_some()
        || !shaped
        || plain.message_utf8_hex != hex
        || !["user_id", "email", "none"].contains(&plain.identity)
        || plain.correct.is_some()
        || !plain.diagnosis.is_empty()
    {
        return Err(format!("an inconsistent answer: {plain:?}"));
    }
    Ok(())
}

/// Whether `secret` has a character that only a leak of it can put in the output.
fn told_apart(secret: &str, question: &Question, observed: Option<&str>) -> bool {
    let json = |value: &Option<Value>| value.as_ref().map(Value::to_string).unwrap_or_default();
    let mut public = vec![json(&question.user_id), json(&question.email)];
    // An observed value that holds the whole secret must be redacted, so it is no excuse.
    if let Some(observed) = observed.filter(|o| !o.contains(secret)) {
        public.push(observed.to_owned());
    }
    secret.chars().any(|c| {
        !c.is_ascii()
            && !catalogue_chars().contains(&c)
            && !public.iter().any(|text| text.contains(c))
    })
}

/// The non-ASCII characters of the mistake catalogue's names, variants and hints.
fn catalogue_chars() -> &'static BTreeSet<char> {
    static CHARS: OnceLock<BTreeSet<char>> = OnceLock::new();
    CHARS.get_or_init(|| {
        Mistake::ALL
            .iter()
            .flat_map(|m| {
                let mut texts = vec![m.name(), m.hint()];
                texts.extend(m.variants());
                texts
            })
            .flat_map(str::chars)
            .filter(|c| !c.is_ascii())
            .collect()
    })
}

fn explain_seeds() -> Vec<Vec<u8>> {
    let Ok(suite) = embedded() else {
        return Vec::new();
    };
    let mut seeds = Vec::new();
    for case in &suite.generation {
        let GenerationExpected::Hash(hash) = &case.expected else {
            continue;
        };
        let json = |v: &Option<Value>| v.as_ref().map(Value::to_string).unwrap_or_default();
        let observed = hash.user_hash.as_deref().map(str::to_uppercase);
        let parts = [
            case.input.secret.clone(),
            json(&case.input.user_id),
            json(&case.input.email),
            observed.unwrap_or_default(),
        ];
        seeds.push(parts.map(String::into_bytes).join(&SEPARATOR));
    }
    seeds
}

// ---- scratch files ----------------------------------------------------------------------

/// Files a thread's targets write: a `--vectors` directory and a secret file. One per thread,
/// so the replay tests can run in parallel; removed when the thread ends.
struct Scratch {
    root: PathBuf,
    vectors: PathBuf,
    secret: PathBuf,
    /// What `secret::read` answers for this path on `x\n`, on an empty file, on a file that
    /// is not UTF-8 (without --strip-newline) and on a file over the size cap: the only
    /// refusals there are.
    secret_messages: [Result<Secret, String>; 4],
}

impl Scratch {
    fn new() -> Result<Scratch, String> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "userhash-fuzz-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let vectors = root.join("vectors");
        std::fs::create_dir_all(&vectors).map_err(|e| format!("scratch: {e}"))?;
        let secret = root.join("secret");
        let source = SecretSource::File(secret.clone());
        let refusal = |bytes: &[u8]| -> Result<Result<Secret, String>, String> {
            write(&secret, bytes)?;
            Ok(secret::read(&source, false))
        };
        let oversized = vec![b'x'; usize::try_from(secret::MAX_SECRET_BYTES + 1).unwrap_or(0)];
        let secret_messages = [
            refusal(b"x\n")?,
            refusal(b"")?,
            refusal(b"\xff")?,
            refusal(&oversized)?,
        ];
        Ok(Scratch {
            root,
            vectors,
            secret,
            secret_messages,
        })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn with_scratch<T>(f: impl FnOnce(&Scratch) -> T) -> Result<T, String> {
    thread_local! {
        static SCRATCH: Result<Scratch, String> = Scratch::new();
    }
    SCRATCH.with(|scratch| scratch.as_ref().map(f).map_err(Clone::clone))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("scratch {}: {e}", path.display()))
}
