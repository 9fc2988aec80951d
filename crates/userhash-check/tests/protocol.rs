//! The protocol's JSON Schemas: they compile, the checker's requests match them, and so do
//! the Python reference adapter's replies.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use userhash_check::classify;
use userhash_check::session::request_line;
use userhash_check::suite::{Case, Suite};

/// The line the checker sends for `case` as its `seq`-th request.
fn request(case: &Case<'_>, seq: u64) -> Value {
    serde_json::from_str(&request_line(&classify::request(case), seq)).expect("a request is JSON")
}

fn protocol_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("protocol")
}

fn validator(name: &str) -> jsonschema::Validator {
    let path = protocol_dir().join(format!("{name}.schema.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, name: &str, message: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(message)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{name}: {message} — {}",
        errors.join("; ")
    );
}

#[test]
fn every_message_has_a_schema_and_examples_match() {
    let cases = [
        (
            "start-request",
            json!({"cmd": "start", "protocol": 1}),
            true,
        ),
        ("start-request", json!({"cmd": "start"}), false),
        (
            "start-reply",
            json!({"ok": true, "implementation": {"name": "x", "language": "y", "version": "1", "features": ["verify"]}}),
            true,
        ),
        ("start-reply", json!({"ok": true}), false),
        (
            "start-reply",
            json!({"ok": false, "error": "unsupported protocol version 2"}),
            true,
        ),
        ("start-reply", json!({"ok": false}), false),
        (
            "user_hash-reply",
            json!({"seq": 1, "user_hash": null}),
            true,
        ),
        (
            "user_hash-reply",
            json!({"seq": 1, "user_hash": "ab"}),
            true,
        ),
        ("user_hash-reply", json!({"seq": 1, "error": "bad"}), true),
        ("user_hash-reply", json!({"seq": 1, "skipped": "no"}), true),
        ("user_hash-reply", json!({"seq": 1}), false),
        (
            "user_hash-reply",
            json!({"seq": 1, "user_hash": "ab", "error": "x"}),
            false,
        ),
        ("verify-reply", json!({"seq": 2, "valid": false}), true),
        ("verify-reply", json!({"seq": 2, "valid": "no"}), false),
        ("user_jwt-reply", json!({"seq": 3, "jwt": "a.b.c"}), true),
        ("user_jwt-reply", json!({"seq": 3, "jwt": null}), false),
        (
            "user_jwt-reply",
            json!({"seq": 3, "error": "no user_id"}),
            true,
        ),
        (
            "user_jwt-request",
            json!({"cmd": "user_jwt", "seq": 3, "id": "x", "secret": "s", "claims": {}}),
            true,
        ),
        (
            "verify_jwt-request",
            json!({"cmd": "verify_jwt", "seq": 4, "id": "x", "secret": "s", "jwt": "a.b.c"}),
            false,
        ),
        ("verify_jwt-reply", json!({"seq": 4, "valid": true}), true),
        ("verify_jwt-reply", json!({"seq": 4}), false),
        ("stop-request", json!({"cmd": "stop"}), true),
    ];
    for (name, message, expected) in cases {
        let valid = validator(name).is_valid(&message);
        assert_eq!(valid, expected, "{name}: {message}");
    }
}

#[test]
fn checker_requests_match_the_schemas() {
    let suite = Suite::embedded().expect("embedded suite");
    let user_hash = validator("user_hash-request");
    let verify = validator("verify-request");
    let user_jwt = validator("user_jwt-request");
    let verify_jwt = validator("verify_jwt-request");
    for (seq, case) in (1..).zip(suite.cases()) {
        let message = request(&case, seq);
        match message["cmd"].as_str() {
            Some("user_hash") => assert_valid(&user_hash, case.id(), &message),
            Some("verify") => assert_valid(&verify, case.id(), &message),
            Some("user_jwt") => assert_valid(&user_jwt, case.id(), &message),
            Some("verify_jwt") => assert_valid(&verify_jwt, case.id(), &message),
            other => panic!("unexpected cmd {other:?}"),
        }
    }
}

#[test]
fn python_adapter_replies_match_the_schemas() {
    let suite = Suite::embedded().expect("embedded suite");
    let mut input = String::from("{\"cmd\":\"start\",\"protocol\":1}\n");
    let cases = suite.cases();
    for (seq, case) in (1..).zip(&cases) {
        input.push_str(&request(case, seq).to_string());
        input.push('\n');
    }
    input.push_str("{\"cmd\":\"stop\"}\n");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut child = Command::new("python3")
        .arg("crates/userhash-check/adapters/python/adapter.py")
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("adapter output");
    writer.join().expect("writer").expect("written");
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), cases.len() + 1);
    assert_valid(&validator("start-reply"), "start", &lines[0]);
    for (case, reply) in cases.iter().zip(&lines[1..]) {
        let validator = validator(&format!("{}-reply", case.kind().as_str()));
        assert_valid(&validator, case.id(), reply);
    }
}
