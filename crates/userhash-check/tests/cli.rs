//! End-to-end tests of the `userhash-check` binary against the Python fixtures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use userhash_vectors::format::GenerationExpected;

const BIN: &str = env!("CARGO_BIN_EXE_userhash-check");
const SECRET: &str = "s3cr3t-do-not-print";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> String {
    format!("crates/userhash-check/tests/fixtures/{name}")
}

/// Runs the checker from the workspace root (adapter paths are relative to it).
fn checker(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).current_dir(root()).stdin(Stdio::null());
    command
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1");
    for (key, value) in envs {
        command.env(key, value);
    }
    command.output().expect("the checker runs")
}

fn run_args<'a>(options: &[&'a str], adapter: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["run"];
    args.extend_from_slice(options);
    args.push("--");
    args.extend_from_slice(adapter);
    args
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

fn json_report(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not a JSON report ({e}):\nstdout: {}\nstderr: {}",
            text(&output.stdout),
            text(&output.stderr)
        )
    })
}

fn summary(report: &Value, outcome: &str) -> u64 {
    report["summary"][outcome].as_u64().unwrap_or(0)
}

fn case_ids() -> Vec<String> {
    let output = checker(&["list"], &[]);
    assert_eq!(code(&output), 0);
    text(&output.stdout).lines().map(str::to_owned).collect()
}

/// The JWT cases: the hash fixtures do not announce the JWT features, so these are untested
/// (not failed) in their runs.
fn jwt_case_count() -> usize {
    case_ids()
        .iter()
        .filter(|id| id.starts_with("jwt-"))
        .count()
}

fn first_user_hash_case() -> String {
    let output = checker(&["list", "--format", "json"], &[]);
    let cases: Value = serde_json::from_slice(&output.stdout).expect("json list");
    cases
        .as_array()
        .and_then(|cases| {
            cases
                .iter()
                .find(|c| c["kind"] == "user_hash" && c["result"] == "valid")
        })
        .and_then(|c| c["id"].as_str())
        .expect("a valid user_hash case")
        .to_owned()
}

const PYTHON_PORT: [&str; 2] = [
    "python3",
    "crates/userhash-check/adapters/python/adapter.py",
];

// --- run: conformant and broken ports ----------------------------------------------------------

#[test]
fn python_reference_port_conforms() {
    let output = checker(&run_args(&["--format", "json"], &PYTHON_PORT), &[]);
    let report = json_report(&output);
    assert_eq!(code(&output), 0, "stderr: {}", text(&output.stderr));
    assert_eq!(report["conformant"], true);
    let cases = report["cases"].as_array().expect("cases").len() as u64;
    assert_eq!(summary(&report, "pass"), cases, "{}", report["summary"]);
    assert_eq!(report["implementation"]["language"], "python");
}

#[test]
fn human_output_of_a_conformant_port() {
    let output = checker(&run_args(&[], &PYTHON_PORT), &[]);
    assert_eq!(code(&output), 0);
    let stdout = text(&output.stdout);
    assert!(stdout.contains("CONFORMANT"), "{stdout}");
    assert!(
        !stdout.contains('\x1b'),
        "no colour with NO_COLOR / not a terminal"
    );
}

/// Variants that only acceptable cases reveal: a port with them conforms, with warnings.
const WARNING_ONLY_VARIANTS: [(&str, &str); 13] = [
    ("NUMERIC_ID_MISFORMAT", "float64-rounded"),
    ("NUMERIC_ID_MISFORMAT", "javascript"),
    ("NUMERIC_ID_MISFORMAT", "php-float"),
    ("INTEGER_ID_OVERFLOW", "int64"),
    ("MISSING_HASH", "present"),
    ("BLANK_IDENTIFIER_ABSENT", "default"),
    ("VERIFIER_IGNORES_CASE", "default"),
    ("TYPE_COERCED", "ignored"),
    ("TYPE_COERCED", "python"),
    ("TYPE_COERCED", "javascript"),
    ("TYPE_COERCED", "ruby"),
    ("TYPE_COERCED", "php"),
    ("TYPE_COERCED", "json"),
];

/// Every variant of every catalogued mistake (hash and input validation), made by the fixture
/// port: the checker fails it (or warns, for the documented warning-only variants), and every
/// failing or warned case names the mistake, so the run-level line says "all explained by".
#[test]
fn every_catalogue_mistake_is_diagnosed() {
    let list = Command::new("python3")
        .arg(fixture("broken_port.py"))
        .arg("--list")
        .current_dir(root())
        .output()
        .expect("python3 runs");
    let fixture_variants: serde_json::Map<String, Value> =
        serde_json::from_slice(&list.stdout).expect("--list prints JSON");
    let script = fixture("broken_port.py");
    let mut problems = Vec::new();
    let mut lines = Vec::new();
    let mistakes = userhash_mistakes::Mistake::CATALOGUE
        .iter()
        .chain(userhash_mistakes::Mistake::VALIDATION)
        .chain(userhash_mistakes::Mistake::VERIFIER);
    for mistake in mistakes {
        let name = mistake.name();
        let offered: Vec<&str> = fixture_variants
            .get(name)
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if offered != mistake.variants() {
            problems.push(format!(
                "{name}: the fixture offers variants {offered:?}, the catalogue {:?}",
                mistake.variants()
            ));
            continue;
        }
        for &variant in mistake.variants() {
            let output = checker(
                &run_args(&["--format", "json"], &["python3", &script, name, variant]),
                &[],
            );
            let report = match serde_json::from_slice::<Value>(&output.stdout) {
                Ok(report) => report,
                Err(e) => {
                    problems.push(format!(
                        "{name} ({variant}): no JSON report ({e}); stderr {}",
                        text(&output.stderr)
                    ));
                    continue;
                }
            };
            let warning_only = WARNING_ONLY_VARIANTS.contains(&(name, variant));
            let flagged: Vec<&Value> = report["cases"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| c["outcome"] != "pass")
                .filter(|c| c["kind"] != "user_jwt" && c["kind"] != "verify_jwt")
                .collect();
            let unexplained: Vec<&str> = flagged
                .iter()
                .filter(|c| {
                    !c["diagnosis"]
                        .as_array()
                        .is_some_and(|d| d.iter().any(|m| m == name))
                })
                .filter_map(|c| c["id"].as_str())
                .collect();
            let line = format!(
                "{name} ({variant}): exit {}, {} flagged, unexplained {unexplained:?}",
                code(&output),
                flagged.len()
            );
            // Where the Rust catalogue recomputes the answer to rejected input, the fixture
            // (a separate implementation, in Python) must have answered exactly that.
            if userhash_mistakes::Mistake::VALIDATION.contains(mistake) {
                for case in &flagged {
                    let (user_id, email) =
                        (case["input"].get("user_id"), case["input"].get("email"));
                    let input = userhash_mistakes::Input {
                        secret: case["input"]["secret"].as_str().unwrap_or_default(),
                        user_id,
                        email,
                    };
                    let recomputed = mistake
                        .answers_on_rejected(&input)
                        .into_iter()
                        .find(|v| v.variant == variant);
                    if let Some(recomputed) = recomputed {
                        let actual = case["actual"]["user_hash"].as_str().map(str::to_owned);
                        if actual != recomputed.answer {
                            problems.push(format!(
                                "{name} ({variant}) on {}: the fixture answered {actual:?}, the catalogue recomputes {:?}",
                                case["id"], recomputed.answer
                            ));
                        }
                    }
                }
            }
            let expected_exit = if warning_only { 0 } else { 1 };
            if code(&output) != expected_exit || flagged.is_empty() || !unexplained.is_empty() {
                problems.push(line.clone());
            }
            lines.push(line);
        }
    }
    assert!(
        problems.is_empty(),
        "problems:\n{}\n\nall:\n{}",
        problems.join("\n"),
        lines.join("\n")
    );
}

/// A port that makes two mistakes at once is named by both, as one pipeline that reproduces
/// every answer, and each failing case says so.
#[test]
fn two_mistakes_at_once_are_named_together() {
    let script = fixture("broken_port.py");
    let output = checker(
        &run_args(
            &["--format", "json"],
            &["python3", &script, "TRIMMED_INPUT+UPPERCASE_HEX"],
        ),
        &[],
    );
    let report = json_report(&output);
    assert_eq!(code(&output), 1);
    let explanation = &report["explanation"];
    assert_eq!(explanation["unexplained"], 0, "{explanation}");
    assert_eq!(
        explanation["named"][0]["name"], "TRIMMED_INPUT + UPPERCASE_HEX",
        "{explanation}"
    );
    assert!(explanation["text"]
        .as_str()
        .is_some_and(|t| t.contains("all explained by TRIMMED_INPUT + UPPERCASE_HEX")));
    for case in report["cases"].as_array().into_iter().flatten() {
        if case["outcome"] == "fail" {
            assert_eq!(
                case["explained_by"], "TRIMMED_INPUT + UPPERCASE_HEX",
                "{case}"
            );
        }
    }
}

#[test]
fn run_level_line_names_the_mistake() {
    let script = fixture("broken_port.py");
    let output = checker(&run_args(&[], &["python3", &script, "SECRET_TRIMMED"]), &[]);
    assert_eq!(code(&output), 1);
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("all explained by SECRET_TRIMMED"),
        "{stdout}"
    );
    assert!(stdout.contains("hint:"), "{stdout}");
}

// --- faults ---------------------------------------------------------------------------------------

fn fault_run(mode: &str, envs: &[(&str, &str)]) -> (Output, Duration) {
    let script = fixture("fault_port.py");
    let started = Instant::now();
    let output = checker(
        &run_args(
            &["--format", "json", "--timeout", "1"],
            &["python3", &script, mode],
        ),
        envs,
    );
    (output, started.elapsed())
}

fn fault_case(report: &Value, id: &str) -> Value {
    report["cases"]
        .as_array()
        .and_then(|cases| cases.iter().find(|c| c["id"] == id))
        .cloned()
        .unwrap_or(Value::Null)
}

fn assert_single_fault(mode: &str, outcome: &str) -> Value {
    let id = first_user_hash_case();
    let (output, _) = fault_run(mode, &[("FAULT_CASE_ID", &id)]);
    assert_eq!(code(&output), 1, "{mode}: {}", text(&output.stderr));
    let report = json_report(&output);
    let case = fault_case(&report, &id);
    assert_eq!(case["outcome"], outcome, "{mode}: {case}");
    assert_eq!(
        summary(&report, outcome),
        1,
        "{mode}: {}",
        report["summary"]
    );
    assert_eq!(
        summary(&report, "not-run"),
        0,
        "{mode}: the run continues after a restart"
    );
    assert_eq!(report["restarts"], 1);
    let others =
        report["cases"].as_array().map_or(0, Vec::len) as u64 - 1 - jwt_case_count() as u64;
    assert_eq!(
        summary(&report, "pass"),
        others,
        "{mode}: {}",
        report["summary"]
    );
    case
}

#[test]
fn fault_hang_once() {
    assert_single_fault("hang-once", "timeout");
}

#[test]
fn fault_crash_once_keeps_stderr() {
    let case = assert_single_fault("crash-once", "crash");
    let stderr = case["stderr"].as_str().unwrap_or_default();
    assert!(stderr.contains("crash-once"), "stderr tail: {stderr:?}");
}

#[test]
fn fault_garbage() {
    let case = assert_single_fault("garbage", "error");
    assert!(
        case["message"]
            .as_str()
            .unwrap_or_default()
            .contains("not JSON"),
        "{case}"
    );
}

#[test]
fn fault_wrong_seq() {
    let case = assert_single_fault("wrong-seq", "error");
    assert!(
        case["message"].as_str().unwrap_or_default().contains("seq"),
        "{case}"
    );
}

fn assert_always_fault(mode: &str, outcome: &str) {
    let (output, elapsed) = fault_run(mode, &[]);
    assert_eq!(code(&output), 1, "{mode}");
    let report = json_report(&output);
    assert_eq!(
        summary(&report, outcome),
        4,
        "{mode}: {}",
        report["summary"]
    );
    assert!(summary(&report, "not-run") > 0, "{mode}");
    assert_eq!(report["restarts"], 3);
    assert!(report["stopped"].is_string());
    assert!(elapsed < Duration::from_secs(30), "{mode} took {elapsed:?}");
}

#[test]
fn fault_hang_always_ends_quickly() {
    assert_always_fault("hang-always", "timeout");
}

#[test]
fn fault_crash_always() {
    assert_always_fault("crash-always", "crash");
}

#[test]
fn fault_stderr_flood_is_bounded() {
    let (output, elapsed) = fault_run("stderr-flood", &[]);
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    assert!(output.stdout.len() + output.stderr.len() < 512 * 1024);
    assert!(elapsed < Duration::from_secs(30));
    let (human, _) = {
        let script = fixture("fault_port.py");
        let output = checker(
            &run_args(&["-v"], &["python3", &script, "stderr-flood"]),
            &[],
        );
        (output, ())
    };
    assert_eq!(code(&human), 0);
    assert!(human.stdout.len() + human.stderr.len() < 512 * 1024);
}

fn assert_start_failure(mode: &str, envs: &[(&str, &str)], needle: &str) {
    let script = fixture("fault_port.py");
    let started = Instant::now();
    let output = checker(
        &run_args(
            &["--timeout", "1", "--handshake-timeout", "2"],
            &["python3", &script, mode],
        ),
        envs,
    );
    assert_eq!(code(&output), 2, "{mode}");
    let stderr = text(&output.stderr);
    assert!(stderr.contains(needle), "{mode}: {stderr}");
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn fault_bad_handshake() {
    assert_start_failure("bad-handshake", &[], "refused the handshake: nope");
}

#[test]
fn fault_no_handshake() {
    assert_start_failure("no-handshake", &[], "exited before answering");
}

#[test]
fn fault_slow_start() {
    assert_start_failure(
        "slow-start",
        &[("FAULT_START_DELAY", "30")],
        "handshake timed out",
    );
    // The usual cause comes first, the longer timeout second.
    assert_start_failure(
        "slow-start",
        &[("FAULT_START_DELAY", "30")],
        "The usual cause is an adapter that does not flush stdout",
    );
}

#[test]
fn command_not_found() {
    let output = checker(&run_args(&[], &["./no-such-adapter-here"]), &[]);
    assert_eq!(code(&output), 2);
    assert!(
        text(&output.stderr).contains("not found"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn missing_command_is_a_usage_error() {
    let output = checker(&["run"], &[]);
    assert_eq!(code(&output), 2);
}

// --- selection, known failures, strict, max-fail ----------------------------------------------

#[test]
fn only_and_skip() {
    let ids = case_ids();
    let first = ids[0].clone();
    let output = checker(
        &run_args(&["--format", "json", "--only", &first], &PYTHON_PORT),
        &[],
    );
    let report = json_report(&output);
    assert_eq!(code(&output), 0);
    assert_eq!(summary(&report, "pass"), 1);
    // Unselected cases are not part of the report; the coverage says how many there are.
    assert_eq!(report["cases"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["coverage"]["selected"], 1);
    assert_eq!(report["coverage"]["total"], ids.len());
    assert_eq!(
        report["verdict"]["headline"],
        format!("CONFORMANT on the 1 selected of {} cases", ids.len())
    );

    let output = checker(
        &run_args(
            &["--format", "json", "--skip", "verify-*", "--skip", &first],
            &PYTHON_PORT,
        ),
        &[],
    );
    let report = json_report(&output);
    let verify = ids.iter().filter(|id| id.starts_with("verify-")).count() as u64;
    assert_eq!(
        summary(&report, "pass"),
        ids.len() as u64 - verify - 1,
        "{}",
        report["summary"]
    );
    assert_eq!(summary(&report, "skip"), 0, "{}", report["summary"]);

    let output = checker(&run_args(&["--only", "[bad"], &PYTHON_PORT), &[]);
    assert_eq!(code(&output), 2);
}

/// The three ways to get a green run that tested nothing: each is now refused.
#[test]
fn a_run_that_tests_nothing_is_never_conformant() {
    // A typo in --only: a usage error, before the adapter starts.
    let output = checker(&run_args(&["--only", "typo*"], &PYTHON_PORT), &[]);
    assert_eq!(code(&output), 2, "{}", text(&output.stdout));
    assert!(
        text(&output.stderr).contains("--only \"typo*\" matches none of the"),
        "{}",
        text(&output.stderr)
    );
    // Skipping everything: a usage error too.
    let output = checker(&run_args(&["--skip", "*"], &PYTHON_PORT), &[]);
    assert_eq!(code(&output), 2);
    assert!(text(&output.stderr).contains("leaves none of the"));
    // A port that skips every request: not conformant, even with --strict, and the verdict
    // says how many mandatory cases were skipped.
    let skip_all = [
        "python3",
        "crates/userhash-check/tests/fixtures/fault_port.py",
        "skip-all",
    ];
    for options in [&[][..], &["--strict"][..]] {
        let output = checker(&run_args(options, &skip_all), &[]);
        assert_eq!(code(&output), 1, "{options:?}: {}", text(&output.stdout));
        let stdout = text(&output.stdout);
        let total = case_ids().len();
        assert!(
            stdout.contains(&format!("NOT CONFORMANT: 0/{total} cases")),
            "{stdout}"
        );
        assert!(
            stdout.contains("mandatory cases were skipped by the port"),
            "{stdout}"
        );
    }
    // --allow-skip accepts skips, but not a run that answered nothing at all.
    let output = checker(&run_args(&["--allow-skip"], &skip_all), &[]);
    assert_eq!(code(&output), 1);
    assert!(text(&output.stdout).contains("nothing was tested"));
}

#[test]
fn a_skipped_mandatory_case_fails_the_run_unless_accepted() {
    let skip_once = [
        "python3",
        "crates/userhash-check/tests/fixtures/fault_port.py",
        "skip-once",
    ];
    let first = case_ids()[0].clone();
    let env = [("FAULT_CASE_ID", first.as_str())];
    let output = checker(&run_args(&["--format", "json"], &skip_once), &env);
    let report = json_report(&output);
    assert_eq!(code(&output), 1);
    assert_eq!(report["conformant"], false);
    assert_eq!(report["coverage"]["skipped_by_port"], 1);
    let total = case_ids().len();
    assert_eq!(
        report["verdict"]["headline"],
        format!(
            "NOT CONFORMANT: {}/{total} cases, jwt and verify_jwt not tested",
            total - 1 - jwt_case_count()
        )
    );
    let case = &report["cases"][0];
    assert_eq!(case["outcome"], "skip");
    assert_eq!(case["mandatory"], true);
    assert!(case["hint"]
        .as_str()
        .is_some_and(|h| h.contains("no evidence")));

    // --allow-skip: conformant, and the coverage still shows the gap.
    let output = checker(
        &run_args(&["--format", "json", "--allow-skip"], &skip_once),
        &env,
    );
    let report = json_report(&output);
    assert_eq!(code(&output), 0);
    assert_eq!(
        report["verdict"]["headline"],
        format!(
            "CONFORMANT: {}/{total} cases, jwt and verify_jwt not tested",
            total - 1 - jwt_case_count()
        )
    );

    // Listing it in --known-failures: an expected gap (xfail), so conformant.
    let dir = tempfile::tempdir().expect("tempdir");
    let list = dir.path().join("known.txt");
    std::fs::write(&list, format!("{first}\n")).expect("write");
    let output = checker(
        &run_args(
            &[
                "--format",
                "json",
                "--known-failures",
                list.to_str().expect("utf-8"),
            ],
            &skip_once,
        ),
        &env,
    );
    let report = json_report(&output);
    assert_eq!(code(&output), 0, "{}", report["verdict"]);
    assert_eq!(summary(&report, "xfail"), 1);

    // --write-known-failures lists the skipped mandatory case, so the file makes CI green.
    let written = dir.path().join("written.txt");
    let output = checker(
        &run_args(
            &["--write-known-failures", written.to_str().expect("utf-8")],
            &skip_once,
        ),
        &env,
    );
    assert_eq!(code(&output), 1);
    let listed = std::fs::read_to_string(&written).expect("written");
    assert!(listed.lines().any(|line| line == first), "{listed}");

    // Skipping an acceptable case is no penalty.
    let output = checker(
        &run_args(&["--format", "json"], &skip_once),
        &[("FAULT_CASE_ID", "user-id-whitespace-only")],
    );
    assert_eq!(code(&output), 0, "{}", text(&output.stdout));
}

#[test]
fn verify_untested_only_when_not_announced() {
    let no_verify = [
        "python3",
        "crates/userhash-check/tests/fixtures/fault_port.py",
        "no-verify",
    ];
    let output = checker(&run_args(&["--format", "json"], &no_verify), &[]);
    let report = json_report(&output);
    assert_eq!(code(&output), 0, "{}", report["verdict"]);
    let verify = case_ids()
        .iter()
        .filter(|id| id.starts_with("verify-"))
        .count();
    assert_eq!(report["coverage"]["verify_untested"], verify);
    assert_eq!(
        report["verdict"]["headline"],
        format!(
            "CONFORMANT: {}/{} cases, verify, jwt and verify_jwt not tested",
            case_ids().len() - verify - jwt_case_count(),
            case_ids().len()
        )
    );
    // A selection of verify cases alone tests nothing on such a port: a usage error.
    let output = checker(&run_args(&["--only", "verify-*"], &no_verify), &[]);
    assert_eq!(code(&output), 2);
    assert!(text(&output.stderr).contains("does not announce the \"verify\" feature"));
    // The reference port announces verify, so its verify cases are tested.
    let output = checker(&run_args(&["--format", "json"], &PYTHON_PORT), &[]);
    let report = json_report(&output);
    assert_eq!(report["coverage"]["verify_untested"], 0);
    let total = case_ids().len();
    assert_eq!(
        report["verdict"]["headline"],
        format!("CONFORMANT: {total}/{total} cases")
    );
}

#[test]
fn every_format_carries_the_case_description() {
    let script = fixture("broken_port.py");
    let broken = ["python3", script.as_str(), "UPPERCASE_HEX"];
    let description = "A user_id alone is hashed.";
    for format in ["json", "junit", "markdown", "github"] {
        let output = checker(&run_args(&["--format", format], &broken), &[]);
        assert!(
            text(&output.stdout).contains(description),
            "--format {format} lacks the description"
        );
    }
    let verbose = checker(
        &run_args(&["-v", "--only", "user-id-only"], &PYTHON_PORT),
        &[],
    );
    let stdout = text(&verbose.stdout);
    assert!(stdout.contains(description), "{stdout}");
    // -v with --only prints the selected case, not every unselected one.
    assert_eq!(stdout.matches("   PASS ").count(), 1, "{stdout}");
}

#[test]
fn one_run_writes_several_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let junit = dir.path().join("report.xml");
    let json = dir.path().join("report.json");
    let output = checker(
        &run_args(
            &[
                "--format",
                "github",
                "--report",
                &format!("junit={}", junit.display()),
                "--report",
                &format!("json={}", json.display()),
            ],
            &PYTHON_PORT,
        ),
        &[],
    );
    assert_eq!(code(&output), 0);
    assert!(text(&output.stdout).contains("## userhash-check"));
    let xml = std::fs::read_to_string(&junit).expect("junit written");
    assert!(xml.starts_with("<?xml"));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json written")).expect("json");
    assert_eq!(report["conformant"], true);
    // A bad format or a path that cannot be written is refused before the adapter runs.
    let output = checker(&run_args(&["--report", "yaml=x.yml"], &PYTHON_PORT), &[]);
    assert_eq!(code(&output), 2);
    let unwritable = dir.path().join("no-such-dir").join("report.xml");
    let started = Instant::now();
    let output = checker(
        &run_args(
            &["--report", &format!("junit={}", unwritable.display())],
            &[
                "python3",
                "crates/userhash-check/tests/fixtures/fault_port.py",
                "slow-start",
            ],
        ),
        &[("FAULT_START_DELAY", "30")],
    );
    assert_eq!(code(&output), 2);
    assert!(
        text(&output.stderr).contains("cannot write there"),
        "{}",
        text(&output.stderr)
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "checked before the run"
    );
}

#[test]
fn a_missing_separator_gets_a_tip() {
    let output = checker(&["run", "python3", "adapter.py"], &[]);
    assert_eq!(code(&output), 2);
    assert!(
        text(&output.stderr).contains("tip: put `--` before the adapter command"),
        "{}",
        text(&output.stderr)
    );
}

/// The cases a port that trims the secret fails, from the vectors themselves: those whose
/// secret has whitespace around it and whose user gets a hash.
fn cases_with_padded_secret() -> usize {
    let suite = userhash_check::suite::Suite::embedded().expect("suite");
    let count = suite
        .generation
        .iter()
        .filter(|case| case.input.secret.trim() != case.input.secret)
        .filter(|case| {
            matches!(&case.expected, GenerationExpected::Hash(hash) if hash.user_hash.is_some())
        })
        .count();
    assert!(count >= 2, "the suite trims no secret");
    count
}

#[test]
fn known_failures_xfail_and_xpass() {
    let dir = tempfile::tempdir().expect("tempdir");
    let list = dir.path().join("known.txt");
    let script = fixture("broken_port.py");
    let broken = ["python3", script.as_str(), "SECRET_TRIMMED"];
    // Write the current failures, then pass them back: every failure is now xfail.
    let output = checker(
        &run_args(
            &[
                "-q",
                "--write-known-failures",
                list.to_str().expect("utf-8"),
            ],
            &broken,
        ),
        &[],
    );
    assert_eq!(code(&output), 1);
    let written = std::fs::read_to_string(&list).expect("written");
    let failing: Vec<&str> = written.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(failing.len(), cases_with_padded_secret(), "{written}");
    let list_arg = list.to_str().expect("utf-8");
    let output = checker(
        &run_args(&["--format", "json", "--known-failures", list_arg], &broken),
        &[],
    );
    let report = json_report(&output);
    assert_eq!(code(&output), 0, "{}", report["summary"]);
    assert_eq!(summary(&report, "xfail"), cases_with_padded_secret() as u64);

    // A listed case that passes is xpass: reported, exit 0, but 1 under --strict.
    let output = checker(
        &run_args(
            &["--format", "json", "--known-failures", list_arg],
            &PYTHON_PORT,
        ),
        &[],
    );
    let report = json_report(&output);
    assert_eq!(code(&output), 0);
    assert_eq!(summary(&report, "xpass"), cases_with_padded_secret() as u64);
    let output = checker(
        &run_args(&["--strict", "--known-failures", list_arg], &PYTHON_PORT),
        &[],
    );
    assert_eq!(code(&output), 1);

    // An unknown id is a usage error.
    std::fs::write(&list, "# comment\nno-such-case-id\n").expect("write");
    let output = checker(
        &run_args(&["--known-failures", list_arg], &PYTHON_PORT),
        &[],
    );
    assert_eq!(code(&output), 2);
    assert!(text(&output.stderr).contains("no-such-case-id"));
}

#[test]
fn strict_turns_warnings_into_failures() {
    let script = fixture("broken_port.py");
    let port = ["python3", script.as_str(), "UPPERCASE_HEX"];
    let lenient = json_report(&checker(&run_args(&["--format", "json"], &port), &[]));
    let strict = json_report(&checker(
        &run_args(&["--format", "json", "--strict"], &port),
        &[],
    ));
    let warns = summary(&lenient, "warn");
    assert!(
        warns > 0,
        "the fixture deviates on acceptable cases: {}",
        lenient["summary"]
    );
    assert_eq!(summary(&strict, "warn"), 0);
    assert_eq!(summary(&strict, "fail"), summary(&lenient, "fail") + warns);
}

#[test]
fn max_fail_stops_the_run() {
    let script = fixture("broken_port.py");
    let output = checker(
        &run_args(
            &["--format", "json", "--max-fail", "2"],
            &["python3", &script, "UPPERCASE_HEX"],
        ),
        &[],
    );
    assert_eq!(code(&output), 1);
    let report = json_report(&output);
    assert_eq!(summary(&report, "fail"), 2, "{}", report["summary"]);
    assert!(summary(&report, "not-run") > 0);
}

// --- formats ---------------------------------------------------------------------------------------

fn python_parses_xml(path: &Path) -> bool {
    Command::new("python3")
        .args(["-c", "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); assert r.tag == 'testsuites', r.tag; assert len(r.findall('.//testcase')) > 0"])
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn junit_is_well_formed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = fixture("broken_port.py");
    for (name, port) in [
        (
            "broken",
            vec!["python3", script.as_str(), "HTML_ESCAPED_INPUT"],
        ),
        ("good", PYTHON_PORT.to_vec()),
    ] {
        let path = dir.path().join(format!("{name}.xml"));
        let path_arg = path.to_str().expect("utf-8");
        let output = checker(
            &run_args(&["--format", "junit", "--output", path_arg], &port),
            &[],
        );
        assert!(output.stdout.is_empty());
        assert!(
            python_parses_xml(&path),
            "{name}: {}",
            std::fs::read_to_string(&path).unwrap_or_default()
        );
        let xml = std::fs::read_to_string(&path).expect("read");
        assert!(xml.contains("classname=\"user_hash\""));
        if name == "broken" {
            assert!(xml.contains("<failure"), "{xml}");
        }
    }
}

#[test]
fn github_annotations_and_step_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary_path = dir.path().join("summary.md");
    std::fs::write(&summary_path, "previous step\n").expect("write");
    let script = fixture("broken_port.py");
    let output = checker(
        &run_args(
            &["--format", "github"],
            &["python3", &script, "SECRET_TRIMMED"],
        ),
        &[("GITHUB_STEP_SUMMARY", summary_path.to_str().expect("utf-8"))],
    );
    assert_eq!(code(&output), 1);
    let stdout = text(&output.stdout);
    // The vector files are not in the user's repository: no file, the case id as title.
    let errors: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert_eq!(errors.len(), cases_with_padded_secret(), "{stdout}");
    assert!(
        errors
            .iter()
            .all(|l| l.starts_with("::error title=secret-")),
        "{stdout}"
    );
    assert!(!stdout.contains("file="), "{stdout}");
    assert!(stdout.contains("SECRET_TRIMMED"));
    let step_summary = std::fs::read_to_string(&summary_path).expect("summary");
    assert!(step_summary.starts_with("previous step\n"));
    assert!(
        step_summary.contains("| outcome | cases |"),
        "{step_summary}"
    );
    // --annotation-file attaches them to a file of the user's repository.
    let output = checker(
        &run_args(
            &[
                "--format",
                "github",
                "--annotation-file",
                "ports/my_adapter.py",
            ],
            &["python3", &script, "SECRET_TRIMMED"],
        ),
        &[],
    );
    let stdout = text(&output.stdout);
    assert!(
        stdout
            .lines()
            .filter(|l| l.starts_with("::error "))
            .all(|l| l.starts_with("::error file=ports/my_adapter.py,title=")),
        "{stdout}"
    );
}

#[test]
fn markdown_report() {
    let script = fixture("broken_port.py");
    let output = checker(
        &run_args(
            &["--format", "markdown"],
            &["python3", &script, "SECRET_TRIMMED"],
        ),
        &[],
    );
    let stdout = text(&output.stdout);
    assert!(stdout.contains("| outcome | cases |"));
    assert!(stdout.contains("| case | kind | outcome |"));
}

// --- --vectors ---------------------------------------------------------------------------------------

fn copy_vectors(dir: &Path) {
    for name in [
        "user_hash.json",
        "user_hash_verify.json",
        "hmac_sha256.json",
    ] {
        std::fs::copy(root().join("vectors").join(name), dir.join(name)).expect("copy");
    }
}

fn edit(path: &Path, change: impl FnOnce(&mut Value)) {
    let mut value: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
    change(&mut value);
    std::fs::write(path, serde_json::to_string_pretty(&value).expect("json")).expect("write");
}

#[test]
fn vectors_dir_is_used_and_validated() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_vectors(dir.path());
    let vectors = dir.path().to_str().expect("utf-8");
    let output = checker(&run_args(&["--vectors", vectors, "-q"], &PYTHON_PORT), &[]);
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));

    let file = dir.path().join("user_hash.json");
    edit(&file, |v| v["tests"][3]["result"] = Value::from("bogus"));
    let output = checker(&run_args(&["--vectors", vectors], &PYTHON_PORT), &[]);
    assert_eq!(code(&output), 2);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("user_hash.json") && stderr.contains("/tests/3") && stderr.contains("fix:"),
        "{stderr}"
    );

    copy_vectors(dir.path());
    edit(&file, |v| {
        if let Some(tests) = v["tests"].as_array_mut() {
            tests.pop();
        }
    });
    let output = checker(&run_args(&["--vectors", vectors], &PYTHON_PORT), &[]);
    assert_eq!(code(&output), 2);
    assert!(
        text(&output.stderr).contains("numberOfTests"),
        "{}",
        text(&output.stderr)
    );

    copy_vectors(dir.path());
    edit(&file, |v| {
        let first = v["tests"][0]["id"].clone();
        v["tests"][1]["id"] = first;
    });
    let output = checker(&run_args(&["--vectors", vectors], &PYTHON_PORT), &[]);
    assert_eq!(code(&output), 2);
    assert!(
        text(&output.stderr).contains("duplicate"),
        "{}",
        text(&output.stderr)
    );

    let output = checker(&run_args(&["--vectors", "/no/such/dir"], &PYTHON_PORT), &[]);
    assert_eq!(code(&output), 2);
}

#[test]
fn private_secrets_are_redacted() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_vectors(dir.path());
    let file = dir.path().join("user_hash.json");
    let mut id = String::new();
    edit(&file, |v| {
        // Keep the case passing: empty the expected hash check by making it an invalid case.
        v["tests"][0]["input"]["secret"] = Value::from(SECRET);
        id = v["tests"][0]["id"].as_str().unwrap_or_default().to_owned();
    });
    let vectors = dir.path().to_str().expect("utf-8");
    let output = checker(
        &run_args(&["--vectors", vectors, "--format", "json"], &PYTHON_PORT),
        &[],
    );
    assert_eq!(code(&output), 1, "the expected hash no longer matches");
    let stdout = text(&output.stdout);
    assert!(!stdout.contains(SECRET), "a private secret leaked");
    let case = fault_case(&json_report(&output), &id);
    assert_eq!(case["input"]["secret"], "<redacted>");
    // Public test secrets are shown.
    let public = checker(
        &run_args(&["--format", "json", "--only", &id], &PYTHON_PORT),
        &[],
    );
    let case = fault_case(&json_report(&public), &id);
    assert_ne!(case["input"]["secret"], "<redacted>");
}

// --- list -------------------------------------------------------------------------------------------

#[test]
fn list_ids_and_json() {
    let ids = case_ids();
    assert!(ids.len() > 50);
    let output = checker(&["list", "--format", "json", "--only", "verify-*"], &[]);
    let cases: Value = serde_json::from_slice(&output.stdout).expect("json");
    let cases = cases.as_array().expect("array");
    assert!(!cases.is_empty());
    assert!(cases.iter().all(|c| c["kind"] == "verify"));
}

// --- explain and hash ----------------------------------------------------------------------------

const GOOD_87: &str = "003a9666f8c43026072598aef3adfd2251f799697d2eba54f8d4ac3b0e30ea56";

fn assert_no_secret(output: &Output, secret: &str) {
    assert!(!text(&output.stdout).contains(secret), "secret on stdout");
    assert!(!text(&output.stderr).contains(secret), "secret on stderr");
}

#[test]
fn hash_from_env_and_file() {
    let output = checker(
        &["hash", "--secret-env", "UH_SECRET", "--user-id", "87"],
        &[("UH_SECRET", "secret")],
    );
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), format!("{GOOD_87}\n"));

    let output = checker(
        &[
            "hash",
            "--secret-env",
            "UH_SECRET",
            "--user-id-int",
            "87",
            "--email",
            "a@b.c",
        ],
        &[("UH_SECRET", "secret")],
    );
    assert_eq!(text(&output.stdout), format!("{GOOD_87}\n"));

    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("secret");
    std::fs::write(&file, "secret").expect("write");
    let path = file.to_str().expect("utf-8");
    let output = checker(&["hash", "--secret-file", path, "--user-id", "87"], &[]);
    assert_eq!(text(&output.stdout), format!("{GOOD_87}\n"));

    // Unidentified: nothing on stdout, a note on stderr, exit 0.
    let output = checker(&["hash", "--secret-file", path], &[]);
    assert_eq!(code(&output), 0);
    assert!(output.stdout.is_empty());
    assert!(text(&output.stderr).contains("unidentified"));
}

#[test]
fn secret_from_stdin() {
    let mut child = Command::new(BIN)
        .args(["hash", "--secret-file", "-", "--user-id", "87"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin.write_all(b"secret").expect("write");
    }
    let output = child.wait_with_output().expect("wait");
    assert_eq!(text(&output.stdout), format!("{GOOD_87}\n"));
}

#[test]
fn trailing_newline_in_secret_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("secret");
    std::fs::write(&file, format!("{SECRET}\n")).expect("write");
    let path = file.to_str().expect("utf-8");
    let output = checker(&["hash", "--secret-file", path, "--user-id", "87"], &[]);
    assert_eq!(code(&output), 2);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("TRAILING_NEWLINE_IN_SECRET") && stderr.contains("--strip-newline"),
        "{stderr}"
    );
    assert_no_secret(&output, SECRET);
    let output = checker(
        &[
            "hash",
            "--secret-file",
            path,
            "--strip-newline",
            "--user-id",
            "87",
        ],
        &[],
    );
    assert_eq!(code(&output), 0);
    assert_eq!(text(&output.stdout).trim().len(), 64);
    assert_no_secret(&output, SECRET);
}

#[test]
fn secret_errors_exit_2() {
    let output = checker(
        &[
            "hash",
            "--secret-env",
            "UH_SURELY_UNSET_VAR",
            "--user-id",
            "87",
        ],
        &[],
    );
    assert_eq!(code(&output), 2);
    assert!(text(&output.stderr).contains("UH_SURELY_UNSET_VAR"));
    let output = checker(
        &["hash", "--secret-env", "UH_EMPTY", "--user-id", "87"],
        &[("UH_EMPTY", "")],
    );
    assert_eq!(code(&output), 2);
    assert!(text(&output.stderr).contains("empty"));
    let output = checker(
        &["hash", "--secret-file", "/no/such/file", "--user-id", "87"],
        &[],
    );
    assert_eq!(code(&output), 2);
    // No secret source at all, or the secret on argv: usage errors.
    assert_eq!(code(&checker(&["hash", "--user-id", "87"], &[])), 2);
    assert_eq!(
        code(&checker(&["hash", "--secret", "x", "--user-id", "87"], &[])),
        2
    );
}

#[test]
fn explain_correct_and_wrong() {
    let env = [("UH_SECRET", "secret")];
    let output = checker(
        &[
            "explain",
            "--secret-env",
            "UH_SECRET",
            "--user-id",
            "87",
            "--hash",
            GOOD_87,
        ],
        &env,
    );
    assert_eq!(code(&output), 0);
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains(GOOD_87) && stdout.contains("3837"),
        "{stdout}"
    );

    let upper = GOOD_87.to_uppercase();
    let output = checker(
        &[
            "explain",
            "--secret-env",
            "UH_SECRET",
            "--user-id",
            "87",
            "--hash",
            &upper,
        ],
        &env,
    );
    assert_eq!(code(&output), 1);
    assert!(
        text(&output.stdout).contains("UPPERCASE_HEX"),
        "{}",
        text(&output.stdout)
    );

    let output = checker(
        &[
            "explain",
            "--secret-env",
            "UH_SECRET",
            "--user-id",
            "87",
            "--hash",
            &upper,
            "--format",
            "json",
        ],
        &env,
    );
    let json: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(json["correct"], false);
    assert_eq!(json["user_hash"], GOOD_87);
    assert_eq!(json["diagnosis"][0]["mistake"], "UPPERCASE_HEX");
    assert!(json["notes"][0]
        .as_str()
        .is_some_and(|n| n.contains("not all lowercase")));
}

#[test]
fn explain_notes_values_that_are_not_hashes_and_never_echoes_the_secret() {
    let explain = |observed: &str, format: &str| {
        checker(
            &[
                "explain",
                "--secret-env",
                "UH_SECRET",
                "--user-id",
                "87",
                "--hash",
                observed,
                "--format",
                format,
            ],
            &[("UH_SECRET", SECRET)],
        )
    };
    let output = explain("A6ZmpsQwJgclmK7zrf0iUfeZaX0uulT41KwOsOMOpW=", "human");
    assert_eq!(code(&output), 1);
    assert!(
        text(&output.stdout).contains("not even hash-shaped")
            && text(&output.stdout).contains("base64 alphabet"),
        "{}",
        text(&output.stdout)
    );
    // The observed value is the secret: a warning, and the secret appears nowhere.
    for format in ["human", "json"] {
        let output = explain(SECRET, format);
        assert_eq!(code(&output), 1);
        assert!(
            text(&output.stdout).contains("contains the secret itself"),
            "{}",
            text(&output.stdout)
        );
        assert_no_secret(&output, SECRET);
    }
    // Another platform's secret is just as secret (found by the explain fuzz target).
    let ios = "ios-platform-secret";
    for format in ["human", "json"] {
        let output = checker(
            &[
                "explain",
                "--secret-env",
                "UH_SECRET",
                "--other-secret-env",
                "UH_IOS_SECRET",
                "--user-id",
                "87",
                "--hash",
                &format!("hash={ios}"),
                "--format",
                format,
            ],
            &[("UH_SECRET", SECRET), ("UH_IOS_SECRET", ios)],
        );
        assert_eq!(code(&output), 1);
        assert!(
            text(&output.stdout).contains("contains the secret in $UH_IOS_SECRET itself"),
            "{}",
            text(&output.stdout)
        );
        assert_no_secret(&output, ios);
    }
}

#[test]
fn user_id_int_takes_every_integer_of_the_suite() {
    let output = checker(&["list", "--format", "json"], &[]);
    let cases: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert!(cases
        .as_array()
        .is_some_and(|c| c.iter().any(|c| c["id"] == "user-id-integer-u64-max")));
    let suite = userhash_check::suite::Suite::embedded().expect("suite");
    for id in [
        "user-id-integer-u64-max",
        "user-id-integer-negative",
        "user-id-integer-zero-with-email",
    ] {
        let case = suite.generation.iter().find(|c| c.id == id).expect("case");
        let user_id = case.input.user_id.as_ref().expect("user_id").to_string();
        let GenerationExpected::Hash(expected) = &case.expected else {
            panic!("{id} expects a hash");
        };
        let output = checker(
            &[
                "hash",
                "--secret-env",
                "UH_SECRET",
                "--user-id-int",
                &user_id,
            ],
            &[("UH_SECRET", case.input.secret.as_str())],
        );
        assert_eq!(code(&output), 0, "{id}: {}", text(&output.stderr));
        assert_eq!(
            text(&output.stdout).trim(),
            expected.user_hash.as_deref().expect("a hash"),
            "{id}"
        );
    }
    let output = checker(
        &[
            "hash",
            "--secret-env",
            "UH_SECRET",
            "--user-id-int",
            "18446744073709551616",
        ],
        &[("UH_SECRET", "secret")],
    );
    assert_eq!(code(&output), 2);
    assert!(text(&output.stderr).contains("--user-id"));
}

#[test]
fn explain_wrong_platform_secret_names_the_variable() {
    let ios_hash = {
        let output = checker(
            &["hash", "--secret-env", "IOS_SECRET", "--user-id", "87"],
            &[("IOS_SECRET", "ios-secret-value")],
        );
        text(&output.stdout).trim().to_owned()
    };
    let output = checker(
        &[
            "explain",
            "--secret-env",
            "WEB_SECRET",
            "--other-secret-env",
            "ANDROID_SECRET",
            "--other-secret-env",
            "IOS_SECRET",
            "--user-id",
            "87",
            "--hash",
            &ios_hash,
        ],
        &[
            ("WEB_SECRET", SECRET),
            ("IOS_SECRET", "ios-secret-value"),
            ("ANDROID_SECRET", "android-secret-value"),
        ],
    );
    assert_eq!(code(&output), 1);
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("WRONG_PLATFORM_SECRET") && stdout.contains("IOS_SECRET"),
        "{stdout}"
    );
    assert!(!stdout.contains("ANDROID_SECRET"), "{stdout}");
    for secret in [SECRET, "ios-secret-value", "android-secret-value"] {
        assert_no_secret(&output, secret);
    }
}

#[test]
fn help_documents_exit_codes() {
    let output = checker(&["run", "--help"], &[]);
    assert_eq!(code(&output), 0);
    assert!(text(&output.stdout).contains("Exit codes"));
}

#[test]
fn adapter_output_cannot_inject_terminal_escapes() {
    // A handshake line with an escape sequence (clear screen) and a bell.
    let output = checker(
        &run_args(
            &[],
            &["sh", "-c", "printf '\\033[2J\\007 not json\\n'; sleep 5"],
        ),
        &[],
    );
    assert_eq!(code(&output), 2);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("not JSON"), "{stderr}");
    assert!(
        !stderr.contains('\x1b') && !stderr.contains('\x07'),
        "{stderr:?}"
    );
}
