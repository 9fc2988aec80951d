//! `cargo xtask fuzz [--time SECONDS] [--target NAME] [--seed N] [--runs N]` and the CI step
//! `fuzz`: a seeded fuzz driver on stable Rust for the targets of `userhash_check::fuzz`.
//!
//! For each target (all by default, the time split evenly between them) the driver loads the
//! seeds (the target's own, made from the embedded vectors, plus the committed
//! `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/`) and mutates them
//! (`fuzz/mutate.rs`) with an RNG seeded from `--seed` and the target's name until its time or
//! `--runs` is up (the seeds as they are are `tests/fuzz_regressions.rs`'s to replay). Each input goes through the target in this process,
//! under `catch_unwind`. A panic or a broken invariant is shrunk (bounded in time), saved as
//! `crates/userhash-check/fuzz/regressions/<target>/<hash>`, which the test
//! `tests/fuzz_regressions.rs` replays from then on, and reported; the run then exits 1.
//!
//! Why not proptest's `TestRunner` with a byte-vector strategy: measured for 5 s a target
//! (`fuzz` profile), proptest's random bytes run faster (reply 52,700/s, vectors 3,400/s,
//! against the mutator's 390/s and 670/s) only because every one of them stops at the first
//! parse: none was a reply object, none a vector file. Of the mutator's inputs 26% are reply
//! objects that reach the classifier, and 22% are a user_hash.json that passes the schema and
//! reaches the loader's own checks. Proptest's shrinking is the part worth having, and
//! `fuzz/shrink.rs` keeps a bounded version of it.
//!
//! The same `--seed` makes the same inputs in the same order for a target whatever the
//! other targets do, so `--target NAME --seed N --runs K` replays a run exactly.

mod mutate;
mod shrink;

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use userhash_check::fuzz::{Target, SEPARATOR, TARGETS};

use crate::ci::Outcome;
use crate::util;
use mutate::Mutator;

/// `cargo xtask fuzz` without `--time`: a minute, split between the targets.
pub const DEFAULT_SECONDS: f64 = 60.0;
/// The CI step's budget for all targets together.
pub const CI_SECONDS: f64 = 20.0;
/// An input that runs this long is taken for a hang: saved, reported, and the run stops.
const HANG: Duration = Duration::from_secs(20);
/// Shrinking one finding stops after this long.
const SHRINK_TIME: Duration = Duration::from_secs(10);
/// Findings saved per target at most; the rest are counted.
const MAX_SAVED: usize = 5;

/// The committed inputs: `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/`.
fn fuzz_dir() -> PathBuf {
    util::workspace_root().join("crates/userhash-check/fuzz")
}

struct Options {
    time: Duration,
    targets: Vec<&'static Target>,
    seed: u64,
    runs: Option<u64>,
    /// Fuzz in this process, in whatever profile it was built (the CI step does).
    in_process: bool,
}

/// Set for the optimised driver `cargo xtask fuzz` starts, so it fuzzes instead of starting
/// another.
const IN_PROCESS_ENV: &str = "USERHASH_FUZZ_IN_PROCESS";

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        time: Duration::from_secs_f64(DEFAULT_SECONDS),
        targets: Vec::new(),
        seed: fresh_seed(),
        runs: None,
        in_process: std::env::var_os(IN_PROCESS_ENV).is_some(),
    };
    let mut flags = crate::util::Flags::new(args);
    while let Some((flag, inline)) = flags.next_flag() {
        let mut value = || flags.value(flag, inline);
        match flag {
            "--time" => {
                let text = value()?;
                options.time = match text.parse::<f64>() {
                    Ok(s) if s.is_finite() && s > 0.0 && s < 1e9 => Duration::from_secs_f64(s),
                    _ => return Err(format!("--time takes seconds (> 0), not `{text}`")),
                };
            }
            "--target" => {
                let name = value()?;
                let target = userhash_check::fuzz::target(&name)
                    .ok_or_else(|| format!("no target `{name}`; targets: {}", target_names()))?;
                options.targets.push(target);
            }
            "--seed" => {
                let text = value()?;
                options.seed = text
                    .parse()
                    .map_err(|_| format!("--seed takes an unsigned integer, not `{text}`"))?;
            }
            "--runs" => {
                let text = value()?;
                options.runs = Some(match text.parse::<u64>() {
                    Ok(n) if n > 0 => n,
                    _ => return Err(format!("--runs takes a positive integer, not `{text}`")),
                });
            }
            "--in-process" => options.in_process = true,
            "-h" | "--help" => {
                print_help();
                std::process::exit(0);
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}` (see `cargo xtask fuzz --help`)"
                ))
            }
        }
    }
    if options.targets.is_empty() {
        options.targets = TARGETS.iter().collect();
    }
    Ok(options)
}

fn target_names() -> String {
    TARGETS
        .iter()
        .map(|t| t.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_help() {
    println!(
        "cargo xtask fuzz [--time SECONDS] [--target NAME]... [--seed N] [--runs N] [--in-process]\n"
    );
    println!(
        "Fuzzes the checker's parsers and classifiers on stable Rust, in one optimised process \
         (cargo profile `fuzz`: release with debug assertions and overflow checks; \
         --in-process runs in this build instead). --time (default {DEFAULT_SECONDS}) is split \
         between the targets; --runs N stops each after N inputs instead. Findings are saved \
         under crates/userhash-check/fuzz/regressions/ and the run exits 1. Targets:"
    );
    for target in TARGETS {
        println!("  {:<16}{}", target.name, target.about);
    }
}

/// A seed for a run that was given none: the clock's nanoseconds (printed, so it can be
/// given back).
fn fresh_seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
        % 1_000_000_000_000
}

/// FNV-1a: a stable 64-bit hash for names and file names (not for security).
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// How an input failed.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Failure {
    /// The target panicked: the message, and where.
    Panic(String),
    /// The target returned `Err`: the invariant it broke.
    Violation(String),
}

impl Failure {
    /// What a shrunk input must still show to count as the same failure: the panic's location,
    /// or the violation's words with what they quote from the input left out (quoted text
    /// and numbers).
    fn signature(&self) -> String {
        match self {
            Failure::Panic(message) => message
                .rsplit_once(" at ")
                .map_or(message.as_str(), |(_, at)| at)
                .to_owned(),
            Failure::Violation(message) => {
                let (mut quoted, mut escaped) = (false, false);
                let words: String = message
                    .chars()
                    .filter(|&c| {
                        let keep = !quoted && c != '"' && !c.is_ascii_digit();
                        match c {
                            _ if escaped => escaped = false,
                            '\\' if quoted => escaped = true,
                            '"' => quoted = !quoted,
                            _ => {}
                        }
                        keep
                    })
                    .collect();
                words
                    .split_whitespace()
                    .take(12)
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Failure::Panic(message) => format!("panic: {message}"),
            Failure::Violation(message) => format!("violation: {message}"),
        }
    }
}

thread_local! {
    /// The last panic's message and location on this thread, set by the driver's hook.
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// The panic hook a [`QuietPanics`] replaced.
type Hook = Box<dyn Fn(&panic::PanicHookInfo<'_>) + Send + Sync>;

/// Replaces the panic hook with one that records the message (printing thousands of
/// backtraces would drown the report); dropping it puts the old hook back.
struct QuietPanics(Option<Hook>);

impl QuietPanics {
    fn install() -> QuietPanics {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(|info| {
            let message = info
                .payload()
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| info.payload().downcast_ref::<&str>().copied())
                .unwrap_or("(a panic without a message)");
            let at = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            LAST_PANIC.with(|last| *last.borrow_mut() = Some(format!("{message} at {at}")));
        }));
        QuietPanics(Some(previous))
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        if let Some(previous) = self.0.take() {
            panic::set_hook(previous);
        }
    }
}

/// Runs `target` on `data`, catching a panic.
fn run_one(target: &Target, data: &[u8]) -> Option<Failure> {
    match panic::catch_unwind(AssertUnwindSafe(|| (target.run)(data))) {
        Ok(Ok(())) => None,
        Ok(Err(violation)) => Some(Failure::Violation(violation)),
        Err(_) => Some(Failure::Panic(
            LAST_PANIC
                .with(|last| last.borrow_mut().take())
                .unwrap_or_else(|| "(no message recorded)".into()),
        )),
    }
}

/// The seeds of `target`: its own, then the committed corpus and regressions.
fn seeds(target: &Target) -> Result<Vec<Vec<u8>>, String> {
    let mut seeds = (target.seeds)();
    for kind in ["corpus", "regressions"] {
        let dir = fuzz_dir().join(kind).join(target.name);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && !p.ends_with("README.md"))
            .collect();
        files.sort();
        for file in files {
            seeds.push(std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?);
        }
    }
    if seeds.is_empty() {
        seeds.push(Vec::new());
    }
    Ok(seeds)
}

/// What fuzzing one target did.
#[derive(Debug, Default)]
struct Report {
    name: &'static str,
    iterations: u64,
    elapsed: Duration,
    panics: u64,
    violations: u64,
    /// One line per saved finding.
    findings: Vec<String>,
    /// An input still running after [`HANG`].
    hung: bool,
}

impl Report {
    fn per_second(&self) -> f64 {
        self.iterations as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    fn line(&self) -> String {
        format!(
            "{:<16}{:>11}{:>9.1}{:>9.0}{:>8}{:>12}",
            self.name,
            self.iterations,
            self.elapsed.as_secs_f64(),
            self.per_second(),
            self.panics,
            self.violations
        )
    }
}

const HEADER: &str = "target           iterations  seconds   iter/s  panics  violations";

/// What the fuzzing thread shares with the watchdog: inputs done, and the input running.
#[derive(Default)]
struct Progress {
    done: AtomicU64,
    current: Mutex<Vec<u8>>,
}

/// Fuzzes `target` for `budget` (or `runs` inputs) on a thread of its own, watched for hangs.
fn fuzz_target(target: &'static Target, seed: u64, budget: Duration, runs: Option<u64>) -> Report {
    let progress = Arc::new(Progress::default());
    let shared = Arc::clone(&progress);
    let worker = thread::Builder::new()
        .name(format!("fuzz-{}", target.name))
        .spawn(move || fuzz_loop(target, seed, budget, runs, &shared));
    let worker = match worker {
        Ok(worker) => worker,
        Err(e) => {
            return Report {
                name: target.name,
                findings: vec![format!("cannot start a thread: {e}")],
                violations: 1,
                ..Report::default()
            }
        }
    };
    let started = Instant::now();
    let (mut last, mut since) = (0, Instant::now());
    while !worker.is_finished() {
        thread::sleep(Duration::from_millis(50));
        let done = progress.done.load(Ordering::Relaxed);
        if done != last {
            (last, since) = (done, Instant::now());
        } else if since.elapsed() > HANG {
            // The thread cannot be stopped: save what it is stuck on and give up on the run.
            let input = progress
                .current
                .lock()
                .map(|c| c.clone())
                .unwrap_or_default();
            let saved =
                save(target.name, &input).unwrap_or_else(|e| format!("(could not save it: {e})"));
            return Report {
                name: target.name,
                iterations: done,
                elapsed: started.elapsed(),
                violations: 1,
                findings: vec![format!(
                    "hang: an input ran over {} s; saved as {saved}",
                    HANG.as_secs()
                )],
                hung: true,
                ..Report::default()
            };
        }
    }
    worker.join().unwrap_or_else(|_| Report {
        name: target.name,
        findings: vec!["the fuzzing thread itself panicked".into()],
        violations: 1,
        ..Report::default()
    })
}

fn fuzz_loop(
    target: &'static Target,
    seed: u64,
    budget: Duration,
    runs: Option<u64>,
    progress: &Progress,
) -> Report {
    let started = Instant::now();
    let mut report = Report {
        name: target.name,
        ..Report::default()
    };
    let corpus = match seeds(target) {
        Ok(corpus) => corpus,
        Err(e) => {
            report.violations = 1;
            report.findings.push(format!("cannot read the corpus: {e}"));
            return report;
        }
    };
    let mut mutator = Mutator {
        rng: Xoshiro256PlusPlus::seed_from_u64(seed ^ fnv(target.name.as_bytes())),
        tokens: target.tokens,
        corpus: &corpus,
    };
    let separator = target.parts.then_some(SEPARATOR);
    let mut signatures: Vec<String> = Vec::new();
    loop {
        let done = report.iterations;
        match runs {
            Some(runs) if done >= runs => break,
            None if started.elapsed() >= budget => break,
            _ => {}
        }
        // Only mutants: the seeds as they are are replayed by tests/fuzz_regressions.rs, and a
        // short budget (CI's) is better spent on inputs nobody ran yet.
        let base = &corpus[mutator.rng.random_range(0..corpus.len())];
        let input = mutator.mutate(base, separator);
        if let Ok(mut current) = progress.current.lock() {
            current.clone_from(&input);
        }
        let failure = run_one(target, &input);
        report.iterations += 1;
        progress.done.store(report.iterations, Ordering::Relaxed);
        let Some(failure) = failure else {
            continue;
        };
        match failure {
            Failure::Panic(_) => report.panics += 1,
            Failure::Violation(_) => report.violations += 1,
        }
        let signature = failure.signature();
        if signatures.contains(&signature) || signatures.len() >= MAX_SAVED {
            continue;
        }
        signatures.push(signature);
        let small = shrink_failure(target, &input, &failure);
        let saved = save(target.name, &small).unwrap_or_else(|e| format!("(not saved: {e})"));
        report.findings.push(format!(
            "{}\n    {} bytes, shrunk to {}, saved as {saved}; reproduce: cargo xtask fuzz \
             --target {} --seed {seed} --runs {}",
            clip(&failure.describe(), 300),
            input.len(),
            small.len(),
            target.name,
            report.iterations,
        ));
    }
    report.elapsed = started.elapsed();
    report
}

fn clip(text: &str, max: usize) -> String {
    userhash_check::adapter::clip(text, max)
}

/// A smaller input that fails the same way (same [`Failure::signature`]), within
/// [`SHRINK_TIME`].
fn shrink_failure(target: &Target, input: &[u8], failure: &Failure) -> Vec<u8> {
    let signature = failure.signature();
    let same =
        |candidate: &[u8]| run_one(target, candidate).is_some_and(|f| f.signature() == signature);
    let separator = target.parts.then_some(SEPARATOR);
    shrink::shrink(input, separator, Instant::now() + SHRINK_TIME, &same)
}

/// Saves a finding as `fuzz/regressions/<target>/<hash>`; returns its path from the root.
fn save(target: &str, input: &[u8]) -> Result<String, String> {
    let dir = fuzz_dir().join("regressions").join(target);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(format!("{:016x}", fnv(input)));
    std::fs::write(&path, input).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(relative(&path))
}

fn relative(path: &Path) -> String {
    path.strip_prefix(util::workspace_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A whole run: each target in turn, one line each, and the total.
struct Run {
    reports: Vec<Report>,
    elapsed: Duration,
}

impl Run {
    fn found(&self) -> u64 {
        self.reports.iter().map(|r| r.panics + r.violations).sum()
    }

    fn iterations(&self) -> u64 {
        self.reports.iter().map(|r| r.iterations).sum()
    }

    fn panics(&self) -> u64 {
        self.reports.iter().map(|r| r.panics).sum()
    }

    fn violations(&self) -> u64 {
        self.reports.iter().map(|r| r.violations).sum()
    }

    fn summary(&self) -> String {
        format!(
            "{} targets, {} iterations in {:.1} s, {} panics, {} violations",
            self.reports.len(),
            self.iterations(),
            self.elapsed.as_secs_f64(),
            self.panics(),
            self.violations()
        )
    }
}

/// Fuzzes every target of `options`, printing each line through `out` as it finishes.
fn fuzz(options: &Options, out: &mut dyn FnMut(&str)) -> Run {
    let started = Instant::now();
    let _quiet = QuietPanics::install();
    let share = options.time / options.targets.len().max(1) as u32;
    out(&format!(
        "fuzz: seed {} (reproduce: cargo xtask fuzz --seed {} --target NAME --runs N)",
        options.seed, options.seed
    ));
    out(HEADER);
    let mut reports = Vec::new();
    for &target in &options.targets {
        let report = fuzz_target(target, options.seed, share, options.runs);
        out(&report.line());
        for finding in &report.findings {
            out(&format!("  {finding}"));
        }
        let hung = report.hung;
        reports.push(report);
        if hung {
            break;
        }
    }
    Run {
        reports,
        elapsed: started.elapsed(),
    }
}

/// `cargo xtask fuzz …`.
pub fn run(args: &[String]) -> ExitCode {
    let options = match parse_options(args) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if !options.in_process {
        return run_optimised(args, options.seed);
    }
    let run = fuzz(&options, &mut |line| println!("{line}"));
    println!("fuzz: {}", run.summary());
    if run.found() > 0 {
        println!(
            "fuzz: findings are saved under {}; fix each, then `cargo test -p userhash-check --test \
             fuzz_regressions` replays them",
            relative(&fuzz_dir().join("regressions"))
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Runs this job again in the `fuzz` profile: the targets run ten to fifteen times faster
/// optimised (HMACs, the schema validator), and the profile keeps debug assertions and
/// overflow checks, so an overflow is still a panic the fuzzer reports. One build, one
/// process; the inputs still go through the library in-process.
fn run_optimised(args: &[String], seed: u64) -> ExitCode {
    eprintln!("fuzz: building and starting the optimised driver (cargo profile `fuzz`) …");
    let mut cmd = util::cargo();
    cmd.args([
        "run",
        "--quiet",
        "--profile",
        "fuzz",
        "--package",
        "xtask",
        "--",
        "fuzz",
    ])
    .args(args)
    // The seed now, so the line the child prints is the run's even without --seed.
    .args(["--seed", &seed.to_string()])
    .env(IN_PROCESS_ENV, "1");
    match cmd.status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => ExitCode::from(status.code().map_or(1, |c| u8::try_from(c).unwrap_or(1))),
        Err(e) => {
            eprintln!("error: cannot run {}: {e}", util::describe(&cmd));
            ExitCode::from(2)
        }
    }
}

/// The CI step: every target, [`CI_SECONDS`] in all, with a fresh seed (in the note), in this
/// process. CI's xtask is a debug build and the step uses it as it is: the `fuzz` profile
/// would cost CI a build of the whole dependency tree (minutes) for seconds of fuzzing, and
/// the debug build checks overflows too; it only runs fewer inputs.
pub fn step() -> Outcome {
    let options = Options {
        time: Duration::from_secs_f64(CI_SECONDS),
        targets: TARGETS.iter().collect(),
        seed: fresh_seed(),
        runs: None,
        in_process: true,
    };
    let mut output = String::new();
    let run = fuzz(&options, &mut |line| {
        output.push_str(line);
        output.push('\n');
    });
    output.push_str(&format!("fuzz: {}\n", run.summary()));
    let per_target: Vec<String> = run
        .reports
        .iter()
        .map(|r| format!("{} {}", r.name, r.iterations))
        .collect();
    let note = format!(
        "{} iterations ({}), {} panics, {} violations, seed {}",
        run.iterations(),
        per_target.join(", "),
        run.panics(),
        run.violations(),
        options.seed
    );
    if run.found() > 0 {
        Outcome::fail(output).note(note)
    } else {
        Outcome {
            output,
            ..Outcome::ok()
        }
        .note(note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options() {
        let o = parse_options(&args(&["--time", "2.5", "--target=reply", "--seed", "9"]))
            .expect("valid");
        assert_eq!(o.time, Duration::from_millis(2500));
        assert_eq!(o.targets.len(), 1);
        assert_eq!(o.targets[0].name, "reply");
        assert_eq!(o.seed, 9);
        assert_eq!(
            parse_options(&[]).expect("valid").targets.len(),
            TARGETS.len()
        );
        for bad in [
            &["--time", "0"][..],
            &["--time", "soon"],
            &["--target", "nope"],
            &["--seed", "-1"],
            &["--runs", "0"],
            &["--frobnicate"],
            &["--time"],
        ] {
            assert!(parse_options(&args(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn signatures_ignore_the_input() {
        let a = Failure::Violation(r#"case x, reply Hash("a\"b"): a wrong answer passes"#.into());
        let b = Failure::Violation(r#"case x, reply Hash("cd"): a wrong answer passes"#.into());
        assert_eq!(a.signature(), b.signature());
        assert_eq!(a.signature(), "case x, reply Hash(): a wrong answer passes");
        let c = Failure::Violation("kept 3 bytes of a 9-byte secret".into());
        let d = Failure::Violation("kept 12 bytes of a 19-byte secret".into());
        assert_eq!(c.signature(), d.signature());
        let p = Failure::Panic("index out of bounds: 7 at src/x.rs:3".into());
        assert_eq!(p.signature(), "src/x.rs:3");
    }

    fn broken(data: &[u8]) -> Result<(), String> {
        if data.contains(&b'!') {
            return Err("found a bang".into());
        }
        if data.len() > 3 && data[0] == b'p' {
            panic!("p and three more");
        }
        Ok(())
    }

    const BROKEN: Target = Target {
        name: "broken",
        about: "a target that fails on purpose",
        run: broken,
        seeds: Vec::new,
        tokens: &[],
        parts: false,
    };

    #[test]
    fn failures_are_caught_and_shrunk() {
        let _quiet = QuietPanics::install();
        assert_eq!(run_one(&BROKEN, b"fine"), None);
        let violation = run_one(&BROKEN, b"a long input with a ! in it").expect("fails");
        assert!(matches!(violation, Failure::Violation(_)));
        assert_eq!(
            shrink_failure(&BROKEN, b"a long input with a ! in it", &violation),
            b"!"
        );
        let panic = run_one(&BROKEN, b"panic here").expect("panics");
        let Failure::Panic(message) = &panic else {
            panic!("{panic:?}")
        };
        assert!(message.contains("p and three more"), "{message}");
        assert_eq!(shrink_failure(&BROKEN, b"panic here", &panic).len(), 4);
    }
}
