//! `cargo xtask ci`: the one command CI and contributors run.
//!
//! Every step's output is captured; each step prints one line
//! (`ok   fmt                   0.4s`). The first failure prints that step's
//! output (its tail, if huge) and stops the run with exit status 1.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::runtime;
use crate::testsum::TestTotals;
use crate::util;
use crate::{actionlint, corpus, fuzz, ports, proptest, vectors};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    Fail,
    Skip,
}

/// What a step did: its verdict, its captured output (shown on failure), a
/// short note for its line, and the test totals it counted, if it ran tests.
#[derive(Debug)]
pub struct Outcome {
    pub verdict: Verdict,
    pub output: String,
    pub note: String,
    pub totals: Option<TestTotals>,
}

impl Outcome {
    pub fn ok() -> Outcome {
        Outcome {
            verdict: Verdict::Ok,
            output: String::new(),
            note: String::new(),
            totals: None,
        }
    }

    pub fn fail(output: impl Into<String>) -> Outcome {
        Outcome {
            verdict: Verdict::Fail,
            output: output.into(),
            ..Outcome::ok()
        }
    }

    pub fn skip(note: impl Into<String>) -> Outcome {
        Outcome {
            verdict: Verdict::Skip,
            note: note.into(),
            ..Outcome::ok()
        }
    }

    pub fn note(mut self, note: impl Into<String>) -> Outcome {
        self.note = note.into();
        self
    }

    fn totals(mut self, totals: TestTotals) -> Outcome {
        self.totals = Some(totals);
        self
    }
}

/// Settings a step may need.
pub struct Ctx {
    pub proptest_cases: u64,
}

type StepFn = fn(&Ctx) -> Outcome;

/// The steps, in the order they run, with a one-line description each.
pub const STEPS: &[(&str, &str, StepFn)] = &[
    ("fmt", "cargo fmt --all --check", fmt),
    (
        "actionlint",
        "actionlint on .github/workflows (skipped if actionlint is not installed)",
        actionlint::step,
    ),
    (
        "clippy",
        "cargo clippy --workspace --all-targets -- -D warnings",
        clippy,
    ),
    (
        "doc",
        "cargo doc --workspace --no-deps with RUSTDOCFLAGS=-D warnings (broken or private links)",
        doc,
    ),
    ("test", "cargo test --workspace --no-fail-fast", test),
    (
        "proptest",
        "property tests (tests/properties.rs) with PROPTEST_CASES=N",
        proptest_step,
    ),
    (
        "fuzz",
        "every fuzz target, 20 s in all, in this process (cargo xtask fuzz --time 20 --in-process)",
        |_| fuzz::step(),
    ),
    (
        "vectors-drift",
        "regenerate the vectors into a temp dir and compare with vectors/",
        |_| vectors::drift_step(),
    ),
    (
        "vectors-schema",
        "validate vectors/ against its JSON schemas with Python's jsonschema",
        |_| python_script("crates/userhash-vectors/tests/validate_schema.py"),
    ),
    (
        "vectors-crosscheck",
        "recompute every expected hash with Python's hmac and OpenSSL",
        |_| python_script("crates/userhash-vectors/tests/crosscheck.py"),
    ),
    (
        "ports",
        "every reference port through the checker (cargo xtask ports)",
        |_| ports::step(),
    ),
    (
        "corpus",
        "the diagnosis corpus through the checker: every port that must be caught is; naming \
         shares reported (cargo xtask corpus)",
        |_| corpus::step(),
    ),
    (
        "bench",
        "cargo bench --workspace --benches -- --test (each benchmark once)",
        bench,
    ),
];

fn step_names() -> Vec<&'static str> {
    STEPS.iter().map(|s| s.0).collect()
}

/// Runs `cmd` captured: ok if it succeeds, else a failure with its output.
pub fn command_step(cmd: &mut Command) -> Outcome {
    match util::run_captured(cmd) {
        Err(e) => Outcome::fail(e),
        Ok(cap) if cap.success() => Outcome {
            output: cap.output,
            ..Outcome::ok()
        },
        Ok(cap) => Outcome::fail(format!(
            "$ {}\n{}\n(exit: {})",
            util::describe(cmd),
            cap.output.trim_end(),
            cap.status
        )),
    }
}

fn fmt(_: &Ctx) -> Outcome {
    let out = command_step(util::cargo().args(["fmt", "--all", "--check", "--", "--color=never"]));
    if out.verdict != Verdict::Fail {
        return out;
    }
    let files = unformatted_files(&out.output);
    let note = format!("{} files need formatting", files.len());
    Outcome::fail(format!(
        "{}\nnot formatted: {}\nfix: run `cargo fmt --all`",
        out.output,
        files.join(", ")
    ))
    .note(note)
}

/// The files named by rustfmt's `Diff in <file>:<line>:` lines, once each.
fn unformatted_files(output: &str) -> Vec<String> {
    let root = util::workspace_root();
    let root = format!("{}/", root.display());
    let mut files: Vec<String> = Vec::new();
    for line in output.lines() {
        let Some(rest) = line.strip_prefix("Diff in ") else {
            continue;
        };
        let path = rest.trim_end_matches(':');
        let path = path.rsplit_once(':').map_or(path, |(p, _line)| p);
        let path = path.strip_prefix(&root).unwrap_or(path).to_owned();
        if !files.contains(&path) {
            files.push(path);
        }
    }
    files
}

fn clippy(_: &Ctx) -> Outcome {
    command_step(util::cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

fn doc(_: &Ctx) -> Outcome {
    command_step(
        util::cargo()
            .args(["doc", "--workspace", "--no-deps"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )
}

/// Runs a `cargo test …` command captured and sums its `test result:` lines.
pub fn cargo_test_step(cmd: &mut Command) -> Outcome {
    let out = command_step(cmd);
    let totals = TestTotals::parse(&out.output);
    let note = format!(
        "{} passed, {} failed, {} skipped in {} runs",
        totals.passed, totals.failed, totals.skipped, totals.runs
    );
    if out.verdict == Verdict::Ok && totals.runs == 0 {
        return Outcome::fail(format!("{}\nno test binary reported a result", out.output))
            .totals(totals);
    }
    out.note(note).totals(totals)
}

fn test(_: &Ctx) -> Outcome {
    cargo_test_step(util::cargo().args(["test", "--workspace", "--no-fail-fast"]))
}

fn proptest_step(ctx: &Ctx) -> Outcome {
    proptest::step(ctx.proptest_cases)
}

/// `python3 <script> vectors`; the script prints its own closing line, shown
/// as the step's note.
fn python_script(script: &str) -> Outcome {
    if runtime::find_on_path("python3").is_none() {
        return if runtime::missing_is_failure() {
            Outcome::fail("python3 is not on PATH")
        } else {
            Outcome::skip("python3 not installed")
        };
    }
    if !util::workspace_root().join(script).is_file() {
        return Outcome::fail(format!("{script} does not exist (yet)"));
    }
    let out = command_step(util::cmd("python3").args([script, "vectors"]));
    let last = out
        .output
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_owned();
    if out.verdict == Verdict::Ok {
        out.note(last)
    } else {
        out
    }
}

fn bench(_: &Ctx) -> Outcome {
    let out =
        command_step(util::cargo().args(["bench", "--workspace", "--benches", "--", "--test"]));
    // Criterion prints `Testing <name>` then `Success` per benchmark in --test mode.
    let n = out.output.lines().filter(|l| l.trim() == "Success").count();
    if out.verdict == Verdict::Ok {
        out.note(format!("{n} benchmarks ran once"))
    } else {
        out
    }
}

struct Options {
    only: Vec<String>,
    skip: Vec<String>,
    list: bool,
    proptest_cases: Option<u64>,
}

fn parse_step_list(value: &str, into: &mut Vec<String>) -> Result<(), String> {
    for name in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !step_names().contains(&name) {
            return Err(format!(
                "unknown step `{name}`; steps: {}",
                step_names().join(", ")
            ));
        }
        into.push(name.to_owned());
    }
    Ok(())
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        only: Vec::new(),
        skip: Vec::new(),
        list: false,
        proptest_cases: None,
    };
    let mut flags = crate::util::Flags::new(args);
    while let Some((flag, inline)) = flags.next_flag() {
        let mut value = || flags.value(flag, inline);
        match flag {
            "--only" => parse_step_list(&value()?, &mut o.only)?,
            "--skip" => parse_step_list(&value()?, &mut o.skip)?,
            "--list" => o.list = true,
            "--proptest-cases" => o.proptest_cases = Some(proptest::parse_cases(&value()?)?),
            "-h" | "--help" => {
                print_help();
                std::process::exit(0);
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}` (see `cargo xtask ci --help`)"
                ))
            }
        }
    }
    Ok(o)
}

fn print_help() {
    println!("cargo xtask ci [--only STEP]... [--skip STEP]... [--proptest-cases N] [--list]\n");
    println!("Runs these steps in order; the first failure stops the run (exit 1):");
    print_steps();
    println!("\nSTEP lists may be comma-separated. Env: USERHASH_PROPTEST_CASES (default {}), CI=true makes a missing port runtime a failure.", proptest::DEFAULT_CASES);
}

fn print_steps() {
    for (name, what, _) in STEPS {
        println!("  {name:<20}{what}");
    }
}

fn status_line(verdict: Verdict, name: &str, took: Duration, note: &str) -> String {
    let word = match verdict {
        Verdict::Ok => "ok",
        Verdict::Fail => "FAIL",
        Verdict::Skip => "skip",
    };
    let mut line = format!("{word:<5}{name:<20}{:>6}", util::fmt_duration(took));
    if !note.is_empty() {
        line.push_str("  ");
        line.push_str(note);
    }
    line
}

pub fn run(args: &[String]) -> Result<(), String> {
    let opts = parse_options(args)?;
    if opts.list {
        print_steps();
        return Ok(());
    }
    let ctx = Ctx {
        proptest_cases: proptest::cases(opts.proptest_cases)?,
    };
    let start = Instant::now();
    let mut all_tests = TestTotals::default();
    let mut ran = 0;
    for (name, _, step) in STEPS {
        let selected = (opts.only.is_empty() || opts.only.iter().any(|s| s == name))
            && !opts.skip.iter().any(|s| s == name);
        if !selected {
            continue;
        }
        let t = Instant::now();
        let outcome = step(&ctx);
        let took = t.elapsed();
        println!(
            "{}",
            status_line(outcome.verdict, name, took, &outcome.note)
        );
        if let Some(totals) = outcome.totals {
            all_tests += totals;
        }
        match outcome.verdict {
            Verdict::Ok => {
                ran += 1;
                if let (Some(totals), "test") = (outcome.totals, *name) {
                    println!("{}", totals.line("test"));
                }
            }
            Verdict::Skip => {}
            Verdict::Fail => {
                println!("---- output of `{name}` ----");
                println!("{}", util::tail(&outcome.output, 400, 60_000).trim_end());
                println!("---- end of `{name}` output ----");
                if let Some(totals) = outcome.totals {
                    println!("{}", totals.line(name));
                }
                return Err(format!(
                    "step `{name}` failed; re-run it alone with `cargo xtask ci --only {name}`"
                ));
            }
        }
    }
    println!(
        "ci: {ran} steps ok in {}",
        util::fmt_duration(start.elapsed())
    );
    if all_tests.runs > 0 {
        // The closing line CI reads: 'N passed, N failed, N skipped'.
        println!("{}", all_tests.line("tests"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn step_line_format() {
        assert_eq!(
            status_line(Verdict::Ok, "fmt", Duration::from_millis(400), ""),
            "ok   fmt                   0.4s"
        );
        assert_eq!(
            status_line(
                Verdict::Fail,
                "vectors-crosscheck",
                Duration::from_secs(75),
                "x"
            ),
            "FAIL vectors-crosscheck   1m15s  x"
        );
    }

    #[test]
    fn rustfmt_diff_lines_name_files() {
        let root = util::workspace_root();
        let out = format!(
            "Diff in {0}/crates/a/src/lib.rs:3:\n-x\n+y\nDiff in {0}/crates/a/src/lib.rs:9:\nDiff in /elsewhere/b.rs:1:\n",
            root.display()
        );
        assert_eq!(
            unformatted_files(&out),
            ["crates/a/src/lib.rs", "/elsewhere/b.rs"]
        );
    }

    #[test]
    fn options() {
        let o = parse_options(&args(&[
            "--only",
            "fmt,clippy",
            "--skip=bench",
            "--proptest-cases",
            "64",
        ]))
        .unwrap();
        assert_eq!(o.only, ["fmt", "clippy"]);
        assert_eq!(o.skip, ["bench"]);
        assert_eq!(o.proptest_cases, Some(64));
        assert!(parse_options(&args(&["--only", "nope"])).is_err());
        assert!(parse_options(&args(&["--skip"])).is_err());
        assert!(parse_options(&args(&["--proptest-cases", "0"])).is_err());
        assert!(parse_options(&args(&["--frobnicate"])).is_err());
    }

    #[test]
    fn step_names_are_unique_and_short_enough_for_the_line() {
        let names = step_names();
        for (i, n) in names.iter().enumerate() {
            assert!(n.len() < 20, "{n}");
            assert!(!names[i + 1..].contains(n), "{n} twice");
        }
    }

    #[test]
    fn failing_command_step_keeps_its_output() {
        let o = command_step(Command::new("sh").args(["-c", "echo out; echo err >&2; exit 4"]));
        assert_eq!(o.verdict, Verdict::Fail);
        assert!(o.output.contains("out\nerr\n"), "{}", o.output);
        assert!(o.output.contains("exit status: 4"), "{}", o.output);
    }
}
