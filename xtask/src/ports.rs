//! `cargo xtask ports [--format text|markdown|json]` and the CI step `ports`:
//! every reference port in the manifest, through the checker, as a
//! conformance matrix.

pub mod matrix;

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

use crate::ci::Outcome;
use crate::runtime;
use crate::util::{self, Captured};
use matrix::{Counts, Format, PortResult, Status};
use userhash_check::ports::{substitute, Manifest, Port};

/// Where `${BUILD_DIR}` points, and where the checker's reports are kept.
pub(crate) fn build_dir() -> PathBuf {
    util::target_dir().join("adapters")
}

/// Builds the checker once (debug) and returns its path.
pub fn build_checker() -> Result<PathBuf, String> {
    let mut cmd = util::cargo();
    cmd.args(["build", "-q", "-p", "userhash-check"]);
    let cap = util::run_captured(&mut cmd)?;
    if !cap.success() {
        return Err(format!(
            "building the checker failed ({}):\n{}",
            cap.status,
            util::tail(&cap.output, 200, 20_000)
        ));
    }
    let exe = util::target_dir()
        .join("debug")
        .join(format!("userhash-check{}", std::env::consts::EXE_SUFFIX));
    if exe.exists() {
        Ok(exe)
    } else {
        Err(format!(
            "the checker built but {} is not there",
            exe.display()
        ))
    }
}

/// First non-empty line of what `argv` prints (stdout, else stderr).
fn runtime_version(argv: &[String]) -> Option<String> {
    let (program, args) = argv.split_first()?;
    let out = util::cmd(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    [&out.stdout, &out.stderr]
        .iter()
        .flat_map(|b| {
            String::from_utf8_lossy(b)
                .lines()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .map(|l| l.trim().to_owned())
        .find(|l| !l.is_empty())
}

fn run_argv(argv: &[String]) -> Result<Captured, String> {
    let (program, args) = argv.split_first().ok_or("empty command")?;
    util::run_captured(util::cmd(program).args(args))
}

/// Runs one port: runtime check, build, checker. Never fails as a whole; the
/// result says what happened.
fn run_port(port: &Port, checker: &Path, build_dir: &Path) -> PortResult {
    let mut result = PortResult::new(&port.language, &port.runtime);
    if runtime::find_on_path(&port.runtime).is_none() {
        result.status = Status::NotInstalled;
        result.detail = format!("`{}` is not on PATH", port.runtime);
        return result;
    }
    result.runtime_version = runtime_version(&port.version_command);
    let start = Instant::now();

    if let Some(build) = port
        .build
        .as_deref()
        .map(|build| substitute(build, build_dir))
    {
        match run_argv(&build) {
            Ok(cap) if cap.success() => {}
            Ok(cap) => {
                result.status = Status::BuildFailed;
                result.detail = format!(
                    "$ {}\n{}",
                    build.join(" "),
                    util::tail(&cap.output, 100, 10_000)
                );
                result.seconds = start.elapsed().as_secs_f64();
                return result;
            }
            Err(e) => {
                result.status = Status::BuildFailed;
                result.detail = e;
                return result;
            }
        }
    }

    let report = build_dir
        .join("reports")
        .join(format!("{}.json", port.language));
    let _ = std::fs::remove_file(&report);
    let mut argv = vec![
        checker.to_string_lossy().into_owned(),
        "run".into(),
        "--format".into(),
        "json".into(),
        "--output".into(),
        report.to_string_lossy().into_owned(),
        "--".into(),
    ];
    argv.extend(port.command(build_dir));
    let cap = run_argv(&argv);
    result.seconds = start.elapsed().as_secs_f64();
    let cap = match cap {
        Ok(cap) => cap,
        Err(e) => {
            result.status = Status::CheckerError;
            result.detail = e;
            return result;
        }
    };
    let parsed = std::fs::read_to_string(&report)
        .map_err(|e| format!("no report at {}: {e}", report.display()))
        .and_then(|t| {
            serde_json::from_str::<Value>(&t).map_err(|e| format!("bad report JSON: {e}"))
        });
    match parsed {
        Err(e) => {
            result.status = Status::CheckerError;
            result.detail = format!(
                "$ {}\nexit: {}\n{e}\n{}",
                argv.join(" "),
                cap.status,
                util::tail(&cap.output, 100, 10_000)
            );
        }
        Ok(report_json) => {
            apply_report(&mut result, &report_json, cap.success());
            if result.status != Status::Conformant {
                result.detail = format!(
                    "$ {}\nexit: {}\nreport: {}\n{}",
                    argv.join(" "),
                    cap.status,
                    report.display(),
                    util::tail(&cap.output, 100, 10_000)
                );
            }
        }
    }
    result
}

/// Fills counts and verdict from the checker's JSON report. The verdict is
/// the report's `conformant`, falling back to the checker's exit status.
fn apply_report(result: &mut PortResult, report: &Value, exit_ok: bool) {
    let summary = report.get("summary").cloned().unwrap_or(Value::Null);
    result.counts = Some(Counts::from_summary(&summary));
    result.implementation = report
        .pointer("/implementation/name")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let announced: Vec<&str> = report
        .pointer("/implementation/features")
        .and_then(Value::as_array)
        .map(|features| features.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    result.tested = std::iter::once("user_hash")
        .chain(
            ["verify", "jwt", "verify_jwt"]
                .into_iter()
                .filter(|feature| announced.contains(feature)),
        )
        .map(str::to_owned)
        .collect();
    let conformant = report
        .get("conformant")
        .and_then(Value::as_bool)
        .unwrap_or(exit_ok);
    result.status = if conformant {
        Status::Conformant
    } else {
        Status::NotConformant
    };
}

/// Runs every port in the manifest.
pub fn run_all(progress: bool) -> Result<Vec<PortResult>, String> {
    let root = util::workspace_root();
    let ports = Manifest::load(&root)?.ports;
    let build_dir = build_dir();
    std::fs::create_dir_all(build_dir.join("reports"))
        .map_err(|e| format!("creating {}: {e}", build_dir.display()))?;
    if progress {
        eprintln!("building the checker…");
    }
    let checker = build_checker()?;
    let mut results = Vec::new();
    for port in &ports {
        if progress {
            eprintln!("running the {} port…", port.language);
        }
        results.push(run_port(port, &checker, &build_dir));
    }
    Ok(results)
}

/// Whether the results fail the run: a port that ran and is not conformant
/// (or did not build, or broke the checker), and under CI a missing runtime.
pub fn failures(results: &[PortResult]) -> Vec<&PortResult> {
    results
        .iter()
        .filter(|r| match r.status {
            Status::Conformant => false,
            Status::NotInstalled => runtime::missing_is_failure(),
            Status::NotConformant | Status::BuildFailed | Status::CheckerError => true,
        })
        .collect()
}

/// CI step `ports`.
pub fn step() -> Outcome {
    let results = match run_all(false) {
        Ok(r) => r,
        Err(e) => return Outcome::fail(e),
    };
    let note = matrix::one_line(&results);
    let failed = failures(&results);
    if failed.is_empty() {
        return Outcome::ok().note(note);
    }
    let mut out = matrix::render(&results, Format::Text);
    out.push('\n');
    for r in failed {
        out.push_str(&format!("--- {} ({}) ---\n", r.language, r.status.label()));
        if r.status == Status::NotInstalled {
            out.push_str(&format!(
                "{}; under CI=true every port's runtime must be installed (see .ci/run)\n",
                r.detail
            ));
        } else {
            out.push_str(&r.detail);
            out.push('\n');
        }
    }
    Outcome::fail(out).note(note)
}

/// `cargo xtask ports`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut format = Format::Text;
    let mut flags = crate::util::Flags::new(args);
    while let Some((flag, inline)) = flags.next_flag() {
        match flag {
            "--format" => format = Format::parse(&flags.value(flag, inline)?)?,
            other => {
                return Err(format!(
                    "unknown argument `{other}` (try --format markdown|json|text)"
                ))
            }
        }
    }
    let results = run_all(true)?;
    print!("{}", matrix::render(&results, format));
    let failed = failures(&results);
    if failed.is_empty() {
        return Ok(());
    }
    for r in &failed {
        eprintln!(
            "--- {} ({}) ---\n{}",
            r.language,
            r.status.label(),
            r.detail
        );
    }
    Err(format!(
        "{} port(s) failed: {}",
        failed.len(),
        failed
            .iter()
            .map(|r| r.language.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn report_verdict_and_counts() {
        let mut r = PortResult::new("python", "python3");
        let report = json!({
            "implementation": {"name": "userhash-python", "language": "python", "version": "0.1.0"},
            "summary": {"pass": 200, "fail": 1, "error": 0, "skip": 3, "timeout": 0, "crash": 0,
                        "warn": 2, "xfail": 0, "xpass": 0, "not-run": 1},
            "conformant": false
        });
        apply_report(&mut r, &report, true);
        assert_eq!(r.status, Status::NotConformant);
        let c = r.counts.unwrap();
        assert_eq!((c.passed, c.failed, c.warned, c.skipped), (200, 1, 2, 4));
        assert_eq!(r.implementation.as_deref(), Some("userhash-python"));

        // No `conformant` field: the exit status decides.
        let mut r = PortResult::new("go", "go");
        apply_report(&mut r, &json!({"summary": {"pass": 1}}), true);
        assert_eq!(r.status, Status::Conformant);
    }

    #[test]
    fn runtime_version_takes_the_first_line() {
        let v = runtime_version(&[
            "sh".into(),
            "-c".into(),
            "echo; echo ' v1 '; echo v2".into(),
        ]);
        assert_eq!(v.as_deref(), Some("v1"));
        let v = runtime_version(&["sh".into(), "-c".into(), "echo err >&2".into()]);
        assert_eq!(v.as_deref(), Some("err"));
        assert_eq!(runtime_version(&["no-such-program-xtask".into()]), None);
    }

    #[test]
    fn missing_runtime_is_reported_not_run() {
        let port = Port {
            language: "cobol".into(),
            runtime: "no-such-runtime-xtask".into(),
            version_command: vec!["no-such-runtime-xtask".into()],
            build: None,
            command: vec!["no-such-runtime-xtask".into()],
        };
        let r = run_port(&port, Path::new("/nonexistent"), Path::new("/tmp"));
        assert_eq!(r.status, Status::NotInstalled);
    }

    #[test]
    fn build_failure_is_a_failure() {
        let port = Port {
            language: "sh".into(),
            runtime: "sh".into(),
            version_command: vec!["sh".into(), "-c".into(), "echo sh 1".into()],
            build: Some(vec!["sh".into(), "-c".into(), "echo broken; exit 3".into()]),
            command: vec!["true".into()],
        };
        let r = run_port(&port, Path::new("/nonexistent"), Path::new("/tmp"));
        assert_eq!(r.status, Status::BuildFailed);
        assert!(r.detail.contains("broken"), "{}", r.detail);
        assert_eq!(r.runtime_version.as_deref(), Some("sh 1"));
        assert_eq!(failures(std::slice::from_ref(&r)).len(), 1);
    }
}
