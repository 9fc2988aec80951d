//! `userhash-check explore` end to end: it finds, shrinks and diagnoses wrong ports that pass
//! every fixed vector (`tests/fixtures/explore_port.py`), finds verifier mistakes with
//! `--verify`, is deterministic for a seed, explores the reference port clean, and keeps its
//! memory flat in the number of cases.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_userhash-check");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn checker(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .env("NO_COLOR", "1")
        .output()
        .expect("the checker runs")
}

/// `explore --format json` with `options`, against `adapter`.
fn explore(options: &[&str], adapter: &[&str]) -> (i32, Value) {
    let mut args = vec!["explore", "--format", "json"];
    args.extend_from_slice(options);
    args.push("--");
    args.extend_from_slice(adapter);
    let output = checker(&args);
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not a JSON report ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), report)
}

const FIXTURE: &str = "crates/userhash-check/tests/fixtures/explore_port.py";

#[test]
fn the_fixtures_pass_every_fixed_vector() {
    for mode in ["HANGUL_NFD", "LONG_SECRET", "ZERO_STRING_ABSENT"] {
        let output = checker(&["run", "--", "python3", FIXTURE, mode]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{mode}: {}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
}

#[test]
fn explore_finds_shrinks_and_diagnoses_what_the_vectors_miss() {
    // (mode, a check of the shrunk input, the names it may be given "on this input only").
    type Check = fn(&Value) -> bool;
    let fixtures: [(&str, Check, &[&str]); 3] = [
        (
            "HANGUL_NFD",
            |input| input["user_id"] == "\u{ac00}" || input["email"] == "\u{ac00}",
            &["UNICODE_NORMALIZED (nfd)", "UNICODE_NORMALIZED (nfkd)"],
        ),
        (
            "LONG_SECRET",
            |input| {
                let len = input["secret"].as_str().map_or(0, str::len);
                (96..=128).contains(&len)
            },
            &["HAND_WRITTEN_HMAC (long-key-truncated)"],
        ),
        ("ZERO_STRING_ABSENT", |input| input["user_id"] == "0", &[]),
    ];
    for (mode, shrunk, fair) in fixtures {
        let (code, report) = explore(
            &["--seed", "7", "--cases", "10000"],
            &["python3", FIXTURE, mode],
        );
        assert_eq!(code, 1, "{mode}: {report}");
        let found = &report["counterexample"];
        assert!(found.is_object(), "{mode}: nothing found: {report}");
        assert!(found["case"].as_u64().is_some_and(|case| case < 10_000));
        assert!(
            shrunk(&found["input"]),
            "{mode}: not shrunk: {}",
            found["input"]
        );
        assert!(found["shrink_steps"]
            .as_u64()
            .is_some_and(|steps| steps > 0));
        // Never a wrong name: no whole-run name (each port is right on other inputs), and the
        // "this input only" names are the fair ones.
        assert_eq!(found["diagnosis"], Value::Array(vec![]), "{mode}");
        let named: Vec<&str> = found["only_here"]
            .as_array()
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert!(
            named.iter().all(|name| fair.contains(name)) && (fair.is_empty() || !named.is_empty()),
            "{mode}: named {named:?}, fair {fair:?}"
        );
        // The case is ready to paste: the vector format, with the reference's answer.
        let case = &found["vector_case"];
        assert!(case["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("explore-")));
        assert_eq!(case["input"], found["input"]);
        assert_eq!(
            case["expected"]["user_hash"],
            found["expected"]["user_hash"]
        );
    }
}

#[test]
fn a_seed_reproduces_a_run_exactly() {
    let adapter = ["python3", FIXTURE, "ZERO_STRING_ABSENT"];
    let (_, first) = explore(&["--seed", "11", "--cases", "3000"], &adapter);
    let (_, again) = explore(&["--seed", "11", "--cases", "3000"], &adapter);
    assert_eq!(first["counterexample"], again["counterexample"]);
    assert_eq!(first["seed"], 11);
}

/// The command a counterexample's report prints to reproduce it carries every option that
/// decides which inputs are drawn, and finds the same counterexample at the same case.
#[test]
fn the_printed_reproduce_command_finds_the_same_counterexample() {
    let adapter = [
        "python3",
        "crates/userhash-check/tests/fixtures/broken_port.py",
        "VERIFIER_STRIPS_INPUT",
    ];
    let options = ["--seed", "5", "--cases", "5000", "--verify", "--no-jwt"];
    let mut args = vec!["explore"];
    args.extend(options);
    args.push("--");
    args.extend(adapter);
    let text = String::from_utf8_lossy(&checker(&args).stdout).into_owned();
    let line = text
        .lines()
        .find_map(|line| {
            line.trim()
                .strip_prefix("reproduce: userhash-check explore ")
        })
        .unwrap_or_else(|| panic!("no reproduce line in:\n{text}"));
    let (printed, command) = line.split_once(" -- ").expect("a command after --");
    assert_eq!(command, adapter.join(" "));
    let printed: Vec<&str> = printed.split(' ').collect();
    for flag in ["--verify", "--no-jwt"] {
        assert!(printed.contains(&flag), "{flag} missing from: {line}");
    }
    let (_, first) = explore(&options, &adapter);
    let (code, again) = explore(&printed, &adapter);
    assert_eq!(code, 1, "{again}");
    for field in ["case", "input", "presented", "actual"] {
        assert_eq!(
            again["counterexample"][field], first["counterexample"][field],
            "{field}"
        );
    }
    assert_eq!(first["flags"], serde_json::json!(["--verify", "--no-jwt"]));
}

#[test]
fn verify_explores_the_verifier() {
    let broken = |mistake: &str| -> Value {
        let (code, report) = explore(
            &["--seed", "5", "--cases", "5000", "--verify"],
            &[
                "python3",
                "crates/userhash-check/tests/fixtures/broken_port.py",
                mistake,
            ],
        );
        assert_eq!(code, 1, "{mistake}: {report}");
        let found = report["counterexample"].clone();
        assert_eq!(found["kind"], "verify", "{mistake}");
        assert_eq!(found["actual"]["valid"], true, "{mistake}");
        assert_eq!(found["vector_case"]["expected"]["valid"], false);
        found
    };
    // Named by the engine `run` uses, from this decision and every right one seen.
    for mistake in ["VERIFIER_ACCEPTS_OVERLONG", "VERIFIER_STRIPS_INPUT"] {
        let found = broken(mistake);
        assert_eq!(found["diagnosis"], serde_json::json!([mistake]), "{found}");
        // Shrunk field by field too, the presented hash remade for each simpler user.
        let input = &found["input"];
        assert_eq!(input["secret"], "a", "{found}");
        // One character, or the integer 0 (a user_id may be drawn as an integer).
        let identifier = input["user_id"].as_str().or(input["email"].as_str());
        assert!(
            identifier.is_some_and(|id| id.chars().count() == 1) || input["user_id"] == 0,
            "{found}"
        );
    }
    // An empty or one-digit hash accepted fits both a prefix check and an empty check: never
    // a third name.
    let found = broken("VERIFIER_ACCEPTS_PREFIX");
    let names = found["diagnosis"].as_array().cloned().unwrap_or_default();
    assert!(
        names
            .iter()
            .all(|n| n == "VERIFIER_ACCEPTS_PREFIX" || n == "VERIFIER_ACCEPTS_EMPTY"),
        "{found}"
    );
}

#[test]
fn the_reference_port_explores_clean() {
    let (code, report) = explore(
        &["--seed", "1", "--cases", "5000", "--verify"],
        &[
            "python3",
            "crates/userhash-check/adapters/python/adapter.py",
        ],
    );
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["cases"], 5000);
    assert!(report.get("counterexample").is_none());
}

#[test]
fn usage_errors_exit_2() {
    let output = checker(&["explore", "--", "/nonexistent/adapter"]);
    assert_eq!(output.status.code(), Some(2));
    let output = checker(&[
        "explore",
        "--time",
        "-1",
        "--",
        "python3",
        FIXTURE,
        "HANGUL_NFD",
    ]);
    assert_eq!(output.status.code(), Some(2));
}

/// A port announcing the JWT features is explored on them too: generated claims to sign, and
/// mutated tokens to verify (with --verify), judged by the reference and named.
#[test]
fn jwt_commands_are_explored_when_announced() {
    const JWT_FIXTURE: &str = "crates/userhash-check/tests/fixtures/jwt_port.py";
    for (mistake, kind, options) in [
        (
            "NUMERIC_USER_ID",
            "user_jwt",
            &["--seed", "4", "--cases", "5000"][..],
        ),
        (
            "ALG_NONE_ACCEPTED",
            "verify_jwt",
            &["--seed", "4", "--cases", "5000", "--verify"][..],
        ),
        (
            "EXP_NOT_CHECKED",
            "verify_jwt",
            &["--seed", "4", "--cases", "5000", "--verify"][..],
        ),
    ] {
        let (code, report) = explore(options, &["python3", JWT_FIXTURE, mistake]);
        assert_eq!(code, 1, "{mistake}: {report}");
        assert!(report["commands"]
            .as_array()
            .is_some_and(|commands| commands.iter().any(|c| c == kind)));
        let found = &report["counterexample"];
        assert_eq!(found["kind"], kind, "{mistake}: {found}");
        assert_eq!(found["diagnosis"], serde_json::json!([mistake]), "{found}");
        assert_eq!(
            found["vector_case"]["input"]["secret"],
            found["input"]["secret"]
        );
        // Shrunk field by field: the simplest secret, the token remade for it the same way.
        assert_eq!(found["input"]["secret"], "a", "{mistake}: {found}");
    }
    // --no-jwt explores the hash commands only, though the port announces the JWT ones.
    let (code, report) = explore(
        &["--seed", "4", "--cases", "500", "--verify", "--no-jwt"],
        &["python3", JWT_FIXTURE, "ALG_NONE_ACCEPTED"],
    );
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        report["commands"],
        serde_json::json!(["user_hash", "verify"])
    );
    // The reference port signs and verifies exactly as the reference does.
    let (code, report) = explore(
        &["--seed", "4", "--cases", "5000", "--verify"],
        &["python3", JWT_FIXTURE, "CORRECT"],
    );
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["acceptable"], 0, "{report}");
}

/// The checker's peak resident memory (VmHWM, KiB) while it explores `cases` cases of the
/// reference Python port, read from /proc as it runs (the last reading before it exits).
#[cfg(target_os = "linux")]
fn peak_memory_kib(cases: u64) -> u64 {
    let mut child = Command::new(BIN)
        .args(["explore", "--verify", "--seed", "7", "--cases"])
        .arg(cases.to_string())
        .args([
            "--",
            "python3",
            "crates/userhash-check/adapters/python/adapter.py",
        ])
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the checker runs");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        // A zombie's status has no Vm lines: the reading before it is the last.
        let high_water = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find_map(|line| line.strip_prefix("VmHWM:"))
                    .and_then(|kib| kib.trim().trim_end_matches("kB").trim().parse().ok())
            });
        peak = peak.max(high_water.unwrap_or(0));
        if let Some(status) = child.try_wait().expect("waits") {
            assert_eq!(status.code(), Some(0), "the reference port explores clean");
            return peak;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Memory is flat in N: what is kept per case (in flight, recent right answers) is capped, so
/// ten times the cases may not cost more memory than noise.
#[cfg(target_os = "linux")]
#[test]
fn memory_stays_flat_in_the_number_of_cases() {
    let few = peak_memory_kib(4_000);
    let many = peak_memory_kib(40_000);
    eprintln!("peak memory: {few} KiB for 4,000 cases, {many} KiB for 40,000");
    assert!(few > 0, "VmHWM was read");
    assert!(
        many <= few + 2048,
        "peak memory grew with the cases: {few} KiB for 4,000, {many} KiB for 40,000"
    );
}

/// A port that crashes or hangs on generated input is reported as a fault (exit 1), with the
/// input that hit it, never shrunk as a counterexample, and the run ends once restarts run out.
#[test]
fn faults_are_reported_with_their_input_not_shrunk() {
    const FAULTS: &str = "crates/userhash-check/tests/fixtures/fault_port.py";
    for (mode, says) in [("crash-once", "exited"), ("hang-once", "no reply within")] {
        let (code, report) = explore(
            &["--seed", "1", "--cases", "500", "--timeout", "1"],
            &["python3", FAULTS, mode],
        );
        assert_eq!(code, 1, "{mode}: {report}");
        let fault = &report["fault"];
        assert_eq!(fault["case"], 0, "{mode}: {report}");
        assert!(fault["input"]["secret"].is_string(), "{mode}: {report}");
        assert!(
            fault["message"].as_str().is_some_and(|m| m.contains(says)),
            "{mode}: {report}"
        );
        assert!(report.get("counterexample").is_none(), "{mode}: {report}");
        assert!(
            report["stopped"]
                .as_str()
                .is_some_and(|s| s.contains("restart")),
            "{mode}: {report}"
        );
    }
}
