//! `cargo xtask proptest [--cases N]` and the CI step `proptest`: the
//! property tests (by convention `tests/properties.rs` of each crate that has
//! them) with a larger case count than the everyday `cargo test`, then
//! `userhash-check explore --verify` against every bundled reference port
//! ([`EXPLORE_CASES`] cases each), which must find nothing.
//!
//! The count reaches the tests through `PROPTEST_CASES`, which proptest reads
//! for every `ProptestConfig::default()`; a test that sets `cases` explicitly
//! ignores it.

use crate::ci::{self, Outcome, Verdict};
use crate::util;

/// Cases per property in CI, unless `--proptest-cases` or
/// `USERHASH_PROPTEST_CASES` says otherwise.
pub const DEFAULT_CASES: u64 = 4096;

pub const ENV_CASES: &str = "USERHASH_PROPTEST_CASES";

pub fn parse_cases(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "a case count must be a positive integer, not `{s}`"
        )),
    }
}

/// The case count: the flag, else `$USERHASH_PROPTEST_CASES`, else the default.
pub fn cases(flag: Option<u64>) -> Result<u64, String> {
    if let Some(n) = flag {
        return Ok(n);
    }
    match std::env::var(ENV_CASES) {
        Ok(v) if !v.trim().is_empty() => parse_cases(&v).map_err(|e| format!("{ENV_CASES}: {e}")),
        _ => Ok(DEFAULT_CASES),
    }
}

/// Crates (directory names under `crates/`) that have `tests/properties.rs`.
pub fn crates_with_properties() -> Vec<String> {
    let crates = util::workspace_root().join("crates");
    let mut found: Vec<String> = std::fs::read_dir(&crates)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("tests/properties.rs").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    found
}

/// Cases `explore` sends to each bundled port.
pub const EXPLORE_CASES: u64 = 20_000;

/// The seed CI explores with: fixed, so a red step reproduces with the command it prints;
/// `USERHASH_EXPLORE_SEED` explores elsewhere.
pub const EXPLORE_SEED: u64 = 20_261_128;

/// Explores every bundled port; `Err` lists the ports that showed a counterexample or fault.
fn explore_ports() -> Result<String, String> {
    let root = util::workspace_root();
    let seed = match std::env::var("USERHASH_EXPLORE_SEED") {
        Ok(text) => text
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("USERHASH_EXPLORE_SEED={text:?} is not a u64"))?,
        Err(_) => EXPLORE_SEED,
    };
    let manifest = userhash_check::ports::Manifest::load(&root)?;
    let checker = crate::ports::build_checker()?;
    let build_dir = crate::ports::build_dir();
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let (mut explored, mut problems) = (Vec::new(), Vec::new());
    for port in &manifest.ports {
        if !port.runtime_available(&root) {
            if in_ci {
                problems.push(format!(
                    "{}: runtime {} not installed",
                    port.language, port.runtime
                ));
            }
            continue;
        }
        if let Err(error) = port.build(&root, &build_dir) {
            problems.push(format!("{}: build failed: {error}", port.language));
            continue;
        }
        let mut cmd = std::process::Command::new(&checker);
        cmd.current_dir(&root).args([
            "explore",
            "--verify",
            "--cases",
            &EXPLORE_CASES.to_string(),
            "--seed",
            &seed.to_string(),
            "--",
        ]);
        cmd.args(port.command(&build_dir));
        let cap = util::run_captured(&mut cmd)?;
        if cap.success() {
            explored.push(port.language.clone());
        } else {
            problems.push(format!(
                "{} ({}):\n{}",
                port.language,
                cap.status,
                util::tail(&cap.output, 60, 8_000)
            ));
        }
    }
    if problems.is_empty() {
        Ok(format!(
            "explored {} with {EXPLORE_CASES} cases each, seed {seed}",
            explored.join(", ")
        ))
    } else {
        Err(problems.join("\n"))
    }
}

pub fn step(cases: u64) -> Outcome {
    let crates = crates_with_properties();
    if crates.is_empty() {
        return Outcome::fail(
            "no crate has tests/properties.rs (expected at least crates/userhash and crates/userhash-vectors)",
        );
    }
    let mut cmd = util::cargo();
    cmd.args(["test", "--workspace", "--test", "properties"])
        .env("PROPTEST_CASES", cases.to_string());
    let out = ci::cargo_test_step(&mut cmd);
    let passed = out.totals.map_or(0, |t| t.passed);
    if out.verdict == Verdict::Ok && passed == 0 {
        return Outcome::fail(format!("{}\nno property test ran", out.output));
    }
    if out.verdict != Verdict::Ok {
        return out;
    }
    match explore_ports() {
        Ok(explored) => {
            let note = format!(
                "{} ({} cases; {}); {explored}",
                out.note,
                cases,
                crates.join(", ")
            );
            out.note(note)
        }
        Err(problems) => Outcome::fail(format!("explore found something:\n{problems}")),
    }
}

/// `cargo xtask proptest [--cases N]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut flag = None;
    let mut flags = crate::util::Flags::new(args);
    while let Some((name, inline)) = flags.next_flag() {
        match name {
            "--cases" => flag = Some(parse_cases(&flags.value(name, inline)?)?),
            other => return Err(format!("unknown argument `{other}` (try --cases N)")),
        }
    }
    ci::run(&[
        "--only".to_owned(),
        "proptest".to_owned(),
        "--proptest-cases".to_owned(),
        cases(flag)?.to_string(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_counts() {
        assert_eq!(parse_cases("64"), Ok(64));
        assert!(parse_cases("0").is_err());
        assert!(parse_cases("-1").is_err());
        assert!(parse_cases("many").is_err());
        assert_eq!(cases(Some(7)), Ok(7));
    }
}
