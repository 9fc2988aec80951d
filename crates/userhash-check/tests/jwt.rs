//! The checker on Messenger JWTs, end to end: `tests/fixtures/jwt_port.py` makes one JWT
//! mistake at a time, and each must be failed (or warned about, where only `acceptable` cases
//! show it) and named, with no name the port does not deserve.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_userhash-check");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A JSON report of the JWT cases against `jwt_port.py MODE`.
fn report(mode: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["run", "--format", "json", "--only", "jwt-*"];
    args.extend_from_slice(extra);
    args.extend([
        "--",
        "python3",
        "crates/userhash-check/tests/fixtures/jwt_port.py",
        mode,
    ]);
    let output = Command::new(BIN)
        .args(&args)
        .current_dir(root())
        .stdin(Stdio::null())
        .env("NO_COLOR", "1")
        .output()
        .expect("the checker runs");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{mode}: not a JSON report ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), report)
}

fn named(report: &Value) -> Vec<String> {
    report["mistakes"]
        .as_object()
        .expect("mistakes")
        .keys()
        .cloned()
        .collect()
}

#[test]
fn the_reference_port_is_conformant_on_every_jwt_case() {
    let (code, report) = report("CORRECT", &["--strict"]);
    assert_eq!(code, 0, "{}", report["verdict"]);
    assert_eq!(report["summary"]["pass"], report["coverage"]["selected"]);
    assert_eq!(report["coverage"]["selected"], 84);
}

#[test]
fn a_port_without_the_features_is_told_jwt_was_not_tested() {
    let run = |options: &[&str]| {
        let mut args = vec!["run"];
        args.extend_from_slice(options);
        args.extend([
            "--",
            "python3",
            "crates/userhash-check/tests/fixtures/jwt_port.py",
            "NO_JWT",
        ]);
        Command::new(BIN)
            .args(&args)
            .current_dir(root())
            .stdin(Stdio::null())
            .output()
            .expect("runs")
    };
    // All cases, so the user hash is there to test: the JWT ones are untested, not failed.
    let output = run(&[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("CONFORMANT: 119/203 cases, jwt and verify_jwt not tested"),
        "{stdout}"
    );
    // Only JWT cases selected: nothing to test is a usage error, not a green run.
    let output = run(&["--only", "jwt-*"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("does not announce the \"jwt\" and \"verify_jwt\" features"));
}

/// (mode, whether the mandatory cases catch it, the names that must appear, the names that
/// may appear besides them because the port's behaviour also fits them).
const MISTAKES: &[(&str, bool, &[&str], &[&str])] = &[
    ("PADDED_BASE64", true, &["PADDED_BASE64"], &[]),
    ("STANDARD_BASE64", true, &["STANDARD_BASE64"], &[]),
    ("NUMERIC_USER_ID", true, &["NUMERIC_USER_ID"], &[]),
    ("MISSING_USER_ID", true, &["MISSING_USER_ID"], &[]),
    ("EXP_AS_STRING", true, &["EXP_AS_STRING"], &[]),
    ("SECRET_HEX_DECODED", true, &["SECRET_HEX_DECODED"], &[]),
    (
        "ALG_NONE_ACCEPTED",
        true,
        &["ALG_NONE_ACCEPTED"],
        &["ALG_NOT_PINNED"],
    ),
    ("ALG_NOT_PINNED", false, &["ALG_NOT_PINNED"], &[]),
    (
        "SIGNATURE_NOT_CHECKED",
        true,
        &["SIGNATURE_NOT_CHECKED"],
        // Checking nothing, it also accepts alg none and any algorithm: both true of it.
        &["ALG_NONE_ACCEPTED", "ALG_NOT_PINNED"],
    ),
    (
        "SIGNATURE_PREFIX_COMPARED",
        true,
        &["SIGNATURE_PREFIX_COMPARED"],
        &[],
    ),
    ("EXP_NOT_CHECKED", true, &["EXP_NOT_CHECKED"], &[]),
    ("NBF_NOT_CHECKED", true, &["NBF_NOT_CHECKED"], &[]),
    ("EXP_REQUIRED", true, &["EXP_REQUIRED"], &[]),
    ("NO_LEEWAY", false, &["NO_LEEWAY"], &[]),
];

#[test]
fn every_jwt_mistake_is_caught_and_named_and_nothing_else_is() {
    let mut problems = Vec::new();
    for (mode, mandatory, must, may) in MISTAKES {
        let (code, report) = report(mode, &[]);
        let expected_code = if *mandatory { 1 } else { 0 };
        if code != expected_code {
            problems.push(format!(
                "{mode}: exit {code}, expected {expected_code}: {}",
                report["verdict"]["headline"]
            ));
        }
        if !*mandatory {
            let (strict, _) = report_strict(mode);
            if strict != 1 {
                problems.push(format!("{mode}: --strict should fail it, exit {strict}"));
            }
        }
        let names = named(&report);
        for name in *must {
            if !names.iter().any(|n| n == name) {
                problems.push(format!("{mode}: {name} not named (named: {names:?})"));
            }
        }
        for name in &names {
            if !must.contains(&name.as_str()) && !may.contains(&name.as_str()) {
                problems.push(format!("{mode}: wrongly named {name}"));
            }
        }
        // Every mandatory failure is named: the 401 principle's failures are explained.
        for case in report["cases"].as_array().expect("cases") {
            if matches!(case["outcome"].as_str(), Some("fail" | "error"))
                && case["diagnosis"].as_array().is_none_or(Vec::is_empty)
            {
                problems.push(format!("{mode}: {} failed unnamed", case["id"]));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

fn report_strict(mode: &str) -> (i32, Value) {
    report(mode, &["--strict"])
}

/// `jwt` signs, `explain --jwt` verifies and diagnoses; neither prints the secret, and PyJWT
/// (not ours) accepts what `jwt` signs.
#[test]
fn the_jwt_and_explain_commands() {
    const SECRET: &str = "jwt-cli-secret-do-not-print";
    let cli = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .current_dir(root())
            .env("JWT_SECRET", SECRET)
            .stdin(Stdio::null())
            .output()
            .expect("runs")
    };
    let signed = cli(&[
        "jwt",
        "--secret-env",
        "JWT_SECRET",
        "--user-id-int",
        "87",
        "--email",
        "ada@example.com",
        "--exp",
        "2000000000",
    ]);
    assert_eq!(signed.status.code(), Some(0));
    let token = String::from_utf8_lossy(&signed.stdout).trim().to_owned();
    assert!(!token.contains(SECRET));
    let pyjwt = Command::new("python3")
        .args([
            "-c",
            "import jwt, sys, json; print(json.dumps(jwt.decode(sys.argv[1], sys.argv[2], algorithms=['HS256'], options={'verify_exp': False})))",
            &token,
            SECRET,
        ])
        .output()
        .expect("python3 runs");
    if pyjwt.status.success() {
        let claims: Value = serde_json::from_slice(&pyjwt.stdout).expect("json");
        assert_eq!(
            claims,
            serde_json::json!({"user_id": "87", "email": "ada@example.com", "exp": 2000000000})
        );
    } else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "PyJWT is required under CI: {}",
            String::from_utf8_lossy(&pyjwt.stderr)
        );
    }
    let valid = cli(&[
        "explain",
        "--jwt",
        &token,
        "--secret-env",
        "JWT_SECRET",
        "--now",
        "1800000000",
    ]);
    assert_eq!(valid.status.code(), Some(0));
    let expired = cli(&[
        "explain",
        "--jwt",
        &token,
        "--secret-env",
        "JWT_SECRET",
        "--now",
        "2100000000",
        "--format",
        "json",
    ]);
    assert_eq!(expired.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&expired.stdout).expect("json");
    assert_eq!(report["error"], "expired");
    // A padded token: named, and the secret is nowhere in the output.
    let padded = format!("{token}=");
    let wrong = cli(&[
        "explain",
        "--jwt",
        &padded,
        "--secret-env",
        "JWT_SECRET",
        "--format",
        "json",
    ]);
    let text = String::from_utf8_lossy(&wrong.stdout);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(text.contains("PADDED_BASE64"), "{text}");
    for output in [&signed, &valid, &expired, &wrong] {
        assert!(!String::from_utf8_lossy(&output.stdout).contains(SECRET));
        assert!(!String::from_utf8_lossy(&output.stderr).contains(SECRET));
    }
    // No user_id: a usage error that says why.
    let nobody = cli(&[
        "jwt",
        "--secret-env",
        "JWT_SECRET",
        "--email",
        "ada@example.com",
    ]);
    assert_eq!(nobody.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("needs a user_id"));
}
