//! Fault injection: hostile adapters (endless output, huge lines, children that fork or leave
//! the process group, processes that hold stdout, echoed secrets, forged verdict lines) and
//! signals to the checker. For each: the outcome and message the checker gives, its peak
//! memory (under 64 MiB), and that no process the adapter started is left afterwards.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_userhash-check");
const MAX_RSS_KIB: u64 = 64 * 1024;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const FAULT_PORT: &str = "crates/userhash-check/tests/fixtures/fault_port.py";

/// A marker in the environment of every process a test's adapter starts, to count them later.
fn marker(name: &str) -> String {
    format!("{name}-{}", std::process::id())
}

/// Processes alive whose environment holds `UHC_FAULT_MARK=<marker>`.
fn marked_processes(marker: &str) -> Vec<u32> {
    let needle = format!("UHC_FAULT_MARK={marker}");
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ")).is_ok_and(|environ| {
                environ
                    .split(|byte| *byte == 0)
                    .any(|entry| entry == needle.as_bytes())
            })
        })
        .collect()
}

/// Waits briefly for stragglers to die, then returns those still alive.
fn left_over(marker: &str) -> Vec<u32> {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let left = marked_processes(marker);
        if left.is_empty() || Instant::now() > deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

struct Run {
    code: i32,
    peak_kib: u64,
    report: Value,
    stderr: String,
    elapsed: Duration,
}

/// Runs the checker under `peak_rss.py` with `--format json` and the given options against
/// `fault_port.py MODE`, every process marked.
fn run_fault(mode: &str, options: &[&str], envs: &[(&str, &str)], marker: &str) -> Run {
    let mut command = Command::new("python3");
    command
        .arg("crates/userhash-check/tests/fixtures/peak_rss.py")
        .arg(BIN)
        .args(["run", "--format", "json", "--output", "/dev/stderr"])
        .args(options)
        .args(["--", "python3", FAULT_PORT, mode])
        .current_dir(root())
        .env("UHC_FAULT_MARK", marker)
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(Stdio::null());
    for (key, value) in envs {
        command.env(key, value);
    }
    let started = Instant::now();
    let output = command.output().expect("python3 runs peak_rss.py");
    let elapsed = started.elapsed();
    let measured: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "peak_rss.py printed no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    // The report went to stderr, between whatever else was said there.
    let report = stderr
        .find("{\n")
        .and_then(|start| {
            let end = stderr.rfind("\n}")?;
            serde_json::from_str(&stderr[start..end + 2]).ok()
        })
        .unwrap_or(Value::Null);
    Run {
        code: i32::try_from(measured["exit"].as_i64().unwrap_or(-1)).unwrap_or(-1),
        peak_kib: measured["max_rss_kib"].as_u64().unwrap_or(u64::MAX),
        report,
        stderr,
        elapsed,
    }
}

fn first_fault(report: &Value) -> Value {
    report["cases"]
        .as_array()
        .and_then(|cases| cases.iter().find(|c| c["outcome"] != "pass"))
        .cloned()
        .unwrap_or(Value::Null)
}

/// One fault class: the outcome and message of the case it hit, memory, leftovers.
fn check_fault(mode: &str, outcome: &str, message: &str) {
    let marker = marker(mode);
    let run = run_fault(mode, &["--timeout", "2"], &[], &marker);
    assert_eq!(run.code, 1, "{mode}: {}", run.stderr);
    let fault = first_fault(&run.report);
    assert_eq!(fault["outcome"], outcome, "{mode}: {fault}");
    assert!(
        fault["message"]
            .as_str()
            .is_some_and(|m| m.contains(message)),
        "{mode}: {fault}"
    );
    assert!(
        run.peak_kib < MAX_RSS_KIB,
        "{mode}: peak RSS {} KiB",
        run.peak_kib
    );
    assert_eq!(
        left_over(&marker),
        Vec::<u32>::new(),
        "{mode}: processes left"
    );
}

#[test]
fn endless_stdout_is_a_protocol_error_at_the_line_limit() {
    check_fault(
        "endless-stdout",
        "error",
        "a line longer than 1048576 bytes",
    );
}

#[test]
fn a_huge_line_is_not_read_past_the_limit() {
    check_fault("huge-line", "error", "a line longer than 1048576 bytes");
}

#[test]
fn children_in_the_process_group_die_with_the_adapter() {
    check_fault("fork-children", "timeout", "no reply within");
}

#[test]
fn children_that_leave_the_group_are_killed_too() {
    check_fault("setsid-children", "crash", "before replying");
}

#[test]
fn an_adapter_that_exits_while_a_child_holds_stdout_is_a_crash_not_a_timeout() {
    let marker = marker("exit-holding-stdout");
    let run = run_fault("exit-holding-stdout", &["--timeout", "20"], &[], &marker);
    assert_eq!(run.code, 1);
    let fault = first_fault(&run.report);
    assert_eq!(fault["outcome"], "crash", "{fault}");
    assert!(
        fault["message"]
            .as_str()
            .is_some_and(|m| m.contains("still holds its stdout")),
        "{fault}"
    );
    // Four faults (three restarts), each found at once rather than after --timeout.
    assert!(run.elapsed < Duration::from_secs(15), "{:?}", run.elapsed);
    assert_eq!(left_over(&marker), Vec::<u32>::new());
}

#[test]
fn killing_needs_no_kill_program_on_path() {
    let marker = marker("no-path");
    let python = python_executable();
    let mut command = Command::new(BIN);
    command
        .args([
            "run",
            "-q",
            "--timeout",
            "1",
            "--",
            &python,
            FAULT_PORT,
            "fork-children",
        ])
        .current_dir(root())
        .env("PATH", "/nonexistent")
        .env("UHC_FAULT_MARK", &marker)
        .stdin(Stdio::null());
    let output = command.output().expect("the checker runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(left_over(&marker), Vec::<u32>::new());
}

/// The interpreter itself, not a shim (pyenv's shims are shell scripts that need `PATH`).
fn python_executable() -> String {
    let output = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .expect("python3 runs");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// SIGINT, SIGTERM and SIGHUP to the checker: the adapter's whole group dies, the partial
/// report is written and marked, and the exit status is 128 + the signal.
#[test]
fn a_signal_kills_the_adapter_and_writes_a_partial_report() {
    for (signal, name, code) in [
        ("-INT", "SIGINT", 130),
        ("-TERM", "SIGTERM", 143),
        ("-HUP", "SIGHUP", 129),
    ] {
        let marker = marker(name);
        let dir = tempfile::tempdir().expect("tempdir");
        let report_path = dir.path().join("report.json");
        let mut child = Command::new(BIN)
            .args(["run", "--format", "json", "--output"])
            .arg(&report_path)
            .args(["--", "python3", FAULT_PORT, "fork-children"])
            .current_dir(root())
            .env("UHC_FAULT_MARK", &marker)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the checker starts");
        // Wait until the checker, the adapter and its two children are up, and the adapter
        // hangs on its first request.
        let deadline = Instant::now() + Duration::from_secs(10);
        while marked_processes(&marker).len() < 4 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(300));
        let status = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let started = Instant::now();
        let output = wait_with_deadline(&mut child, Duration::from_secs(10));
        assert_eq!(
            output.status.code(),
            Some(code),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{name}: slow to stop"
        );
        let report: Value = serde_json::from_str(
            &std::fs::read_to_string(&report_path).expect("the partial report is written"),
        )
        .expect("JSON");
        assert_eq!(report["interrupted"], name);
        assert_eq!(report["conformant"], false);
        assert!(report["verdict"]["reasons"].as_array().is_some_and(|r| r
            .iter()
            .any(|r| r.as_str().is_some_and(|r| r.contains(name)))));
        assert_eq!(
            left_over(&marker),
            Vec::<u32>::new(),
            "{name}: processes left"
        );
    }
}

fn wait_with_deadline(child: &mut std::process::Child, limit: Duration) -> Output {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        use std::io::Read;
        let _ = pipe.read_to_string(&mut stderr);
    }
    let status = child.wait().expect("reaped");
    Output {
        status,
        stdout: Vec::new(),
        stderr: stderr.into_bytes(),
    }
}

#[test]
fn seq_errors_say_what_the_seq_is() {
    for (seq, says) in [
        ("\"7\"", "not a number"),
        ("-1", "not an unsigned 64-bit integer"),
        ("1.5", "not an unsigned 64-bit integer"),
        ("18446744073709551616", "not an unsigned 64-bit integer"),
    ] {
        let marker = marker("weird-seq");
        let run = run_fault("weird-seq", &[], &[("FAULT_SEQ", seq)], &marker);
        let fault = first_fault(&run.report);
        assert!(
            fault["message"].as_str().is_some_and(|m| m.contains(says)),
            "seq {seq}: {fault}"
        );
    }
    let run = run_fault("deep-json", &[], &[], &marker("deep-json"));
    let fault = first_fault(&run.report);
    assert!(
        fault["message"]
            .as_str()
            .is_some_and(|m| m.contains("nested more than 128 levels")),
        "{fault}"
    );
}

/// Writes the published vectors with a private secret in the first cases.
fn private_vectors(dir: &Path, secret: &str) {
    for name in [
        "user_hash.json",
        "user_hash_verify.json",
        "hmac_sha256.json",
    ] {
        let text = std::fs::read_to_string(root().join("vectors").join(name)).expect("vectors");
        let mut value: Value = serde_json::from_str(&text).expect("json");
        if name == "user_hash.json" {
            for case in value["tests"]
                .as_array_mut()
                .expect("tests")
                .iter_mut()
                .take(3)
            {
                case["input"]["secret"] = Value::from(secret);
            }
        }
        std::fs::write(dir.join(name), value.to_string()).expect("write");
    }
}

/// The checker with `options`, against `fault_port.py MODE`, without colour or a step summary.
fn checker_against(options: &[&str], mode: &str) -> Output {
    Command::new(BIN)
        .args(options)
        .args(["--", "python3", FAULT_PORT, mode])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(Stdio::null())
        .output()
        .expect("the checker runs")
}

/// A port that echoes a private secret everywhere it can: no format shows it, nor its hex or
/// base64 forms.
#[test]
fn echoed_private_secrets_are_scrubbed_from_every_format() {
    let secret = "Sup3r-Private-K3y";
    let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    private_vectors(dir.path(), secret);
    let vectors = dir.path().to_str().expect("utf-8");
    for format in ["human", "json", "junit", "markdown", "github"] {
        let output = checker_against(
            &["run", "-v", "--vectors", vectors, "--format", format],
            "echo-secret",
        );
        let everything = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        // JUnit writes it as &lt;redacted&gt;.
        assert!(everything.contains("redacted"), "{format}: {everything}");
        for form in [secret, hex.as_str(), "U3VwM3ItUHJpdmF0ZS1LM3k"] {
            assert!(!everything.contains(form), "{format} shows {form}");
        }
    }
}

/// A port that names itself with a forged verdict line and answers with bidi overrides and C1
/// controls: no format lets it start a line of its own or reach a viewer raw.
#[test]
fn ports_cannot_forge_verdicts_or_smuggle_control_characters() {
    for format in ["human", "json", "junit", "markdown", "github"] {
        let output = checker_against(&["run", "-v", "--format", format], "spoof-verdict");
        assert_eq!(output.status.code(), Some(1), "{format}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        for c in ['\u{202e}', '\u{9b}'] {
            assert!(!stdout.contains(c), "{format}: raw {c:?}");
        }
        if format != "junit" {
            // JUnit keeps the port's newlines inside an element's text, where no verdict is read.
            assert!(
                !stdout.lines().any(|line| line.starts_with("CONFORMANT")),
                "{format}:\n{stdout}"
            );
        }
    }
}

/// Output that cannot be written is exit 2 with a message, never a panic (exit 101) or a
/// silent exit 0.
#[test]
fn unwritable_outputs_are_errors_not_panics() {
    let full = Path::new("/dev/full");
    if !full.exists() {
        return;
    }
    let file = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open(full)
            .expect("/dev/full")
    };
    let cases: [(&[&str], bool); 3] = [
        (
            &["hash", "--secret-env", "UH_SECRET", "--user-id", "1"],
            true,
        ),
        (&["run", "--timeout", "0", "--", "x"], false),
        (
            &[
                "run",
                "-q",
                "--",
                "python3",
                "crates/userhash-check/adapters/python/adapter.py",
            ],
            true,
        ),
    ];
    for (args, stdout_full) in cases {
        let mut command = Command::new(BIN);
        command
            .args(args)
            .current_dir(root())
            .env("UH_SECRET", "secret")
            .stdin(Stdio::null())
            .stderr(file());
        if stdout_full {
            command.stdout(file());
        }
        let status = command.status().expect("the checker runs");
        assert_eq!(status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn oversized_input_files_are_refused_without_reading_them() {
    let secret = python_peak(&[BIN, "hash", "--secret-file", "/dev/zero", "--user-id", "1"]);
    let known = python_peak(&[BIN, "run", "--known-failures", "/dev/zero", "--", "true"]);
    // A vector "file" that never ends.
    let dir = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("user_hash.json")).expect("symlink");
    let vectors = dir.path().to_str().expect("utf-8");
    let endless = python_peak(&[BIN, "list", "--vectors", vectors]);
    for output in [secret, known, endless] {
        assert_eq!(output["exit"], 2, "{output}");
        assert!(
            output["max_rss_kib"]
                .as_u64()
                .is_some_and(|kib| kib < MAX_RSS_KIB),
            "{output}"
        );
    }
}

fn python_peak(args: &[&str]) -> Value {
    let output = Command::new("python3")
        .arg("crates/userhash-check/tests/fixtures/peak_rss.py")
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .expect("python3 runs");
    serde_json::from_slice(&output.stdout).expect("JSON")
}

/// `explore` interrupted: the adapter's group dies, the report says so, the exit status is
/// 128 + the signal.
#[test]
fn a_signal_stops_explore_too() {
    let marker = marker("explore");
    let mut child = Command::new(BIN)
        .args(["explore", "--format", "json", "--seed", "1", "--"])
        .args(["python3", FAULT_PORT, "fork-children"])
        .current_dir(root())
        .env("UHC_FAULT_MARK", &marker)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the checker starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    while marked_processes(&marker).len() < 4 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let mut stdout = child.stdout.take().expect("stdout");
    let output = wait_with_deadline(&mut child, Duration::from_secs(10));
    assert_eq!(
        output.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut text = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut text).expect("stdout read");
    let report: Value = serde_json::from_str(&text).expect("a JSON report");
    assert!(
        report["stopped"]
            .as_str()
            .is_some_and(|s| s.starts_with("interrupted by SIGINT")),
        "{report}"
    );
    assert_eq!(left_over(&marker), Vec::<u32>::new(), "processes left");
}
