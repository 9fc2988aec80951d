//! The command line: argument definitions and the four commands.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::{json, Value};

use crate::adapter::AdapterCommand;
use crate::explain::{self, Question};
use crate::explain_jwt;
use crate::known_failures::KnownFailures;
use crate::outcome::Outcome;
use crate::report::{self, Format, Style};
use crate::run::{self, RunOptions};
use crate::secret::{self, Secret, SecretSource};
use crate::suite::Suite;

/// `eprintln!` without its panic when stderr cannot be written (`2>/dev/full`): the exit
/// status still tells the story.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprint!` without the panic, for the progress line.
macro_rules! say_partial {
    ($($arg:tt)*) => {{
        let mut stderr = std::io::stderr();
        let _ = write!(stderr, $($arg)*);
        let _ = stderr.flush();
    }};
}

const EXIT_CODES: &str = "\
Exit codes:
  0  conformant (run): every selected mandatory case was answered and passed; the observed
     hash is correct (explain); success (list, hash)
  1  not conformant: a valid or invalid case failed, errored, timed out or crashed, the port
     skipped a mandatory case (without --allow-skip), the run stopped early (restarts
     exhausted, --max-fail), or, with --strict, an acceptable case deviated or a known
     failure passes (xpass); explain: the observed hash is wrong
  2  usage error or unusable input: bad arguments or vectors, a selection (--only, --skip)
     that matches no case, an unknown id in --known-failures, an output file that cannot be
     written, adapter command not found, handshake failed, refused or timed out
  128+N  run: interrupted by signal N (129 SIGHUP, 130 SIGINT, 143 SIGTERM); the adapter and
     everything it started are killed and the partial report is written";

const VERDICT: &str = "\
A run is CONFORMANT only with evidence: every selected mandatory case (result valid or
invalid in the vectors) was answered and passed. A case the port skips is no evidence:
--allow-skip accepts skips. The verdict line states the coverage (CONFORMANT: 98/98 cases).";

/// Conformance checker for user-hash ports in any language.
#[derive(Debug, Parser)]
#[command(name = "userhash-check", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Debug, Subcommand)]
enum Commands {
    /// Run the suite against an adapter: userhash-check run [OPTIONS] -- COMMAND [ARGS...]
    #[command(after_help = format!("{VERDICT}\n\n{EXIT_CODES}"))]
    Run(RunArgs),
    /// Print the case ids.
    List(ListArgs),
    /// Print the correct hash for an input and diagnose an observed one.
    #[command(after_help = EXIT_CODES)]
    Explain(ExplainArgs),
    /// Print the user hash for an input (nothing for an unidentified user).
    Hash(HashArgs),
    /// Print the Messenger-security JWT (HS256) for a user.
    Jwt(JwtArgs),
    /// Generate inputs, compare the port's answers with the reference, shrink and diagnose
    /// the first difference: userhash-check explore [OPTIONS] -- COMMAND [ARGS...]
    #[command(after_help = EXPLORE_EXIT_CODES)]
    Explore(ExploreArgs),
}

const EXPLORE_EXIT_CODES: &str = "Exit codes: 0 no counterexample, 1 a counterexample (or a \
fault) was found, 2 usage error or the adapter could not start.";

/// `explore --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ExploreFormat {
    /// Readable text.
    Human,
    /// JSON, for CI.
    Json,
}

#[derive(Debug, Args)]
struct ExploreArgs {
    /// Cases to generate at most.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    cases: u64,
    /// The seed (printed; the same seed and port give the same run) [default: random].
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Stop generating after SECONDS.
    #[arg(long, value_name = "SECONDS")]
    time: Option<f64>,
    /// Explore the verifier too (correct hashes, one-digit changes, truncations, extensions,
    /// case changes, another user's hash, the email's hash for a user with a user_id, the
    /// user's hash under another secret).
    #[arg(long)]
    verify: bool,
    /// Do not explore `user_jwt` and `verify_jwt`, even when the port announces them.
    #[arg(long)]
    no_jwt: bool,
    /// Requests the shrinker may send at most.
    #[arg(long, value_name = "N", default_value_t = 5_000)]
    shrink_budget: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExploreFormat::Human)]
    format: ExploreFormat,
    /// Seconds to wait for each reply.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    timeout: f64,
    /// The adapter command and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    command: Vec<String>,
}

/// When to colour human output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

#[derive(Debug, Args)]
struct SelectArgs {
    /// Use the vector files in DIR instead of the embedded ones (validated first).
    #[arg(long, value_name = "DIR")]
    vectors: Option<PathBuf>,
    /// Run only cases whose id matches GLOB (repeatable).
    #[arg(long, value_name = "GLOB")]
    only: Vec<String>,
    /// Skip cases whose id matches GLOB (repeatable).
    #[arg(long, value_name = "GLOB")]
    skip: Vec<String>,
}

#[derive(Debug, Args)]
struct RunArgs {
    #[command(flatten)]
    select: SelectArgs,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also write the report in FORMAT to PATH, from the same run (repeatable), e.g.
    /// `--report junit=report.xml --report json=report.json`.
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_report)]
    report: Vec<(Format, PathBuf)>,
    /// With --format github: attach the annotations to this file of your repository (your
    /// adapter's source, say); without it they carry the case id as their title and no file.
    #[arg(long, value_name = "PATH")]
    annotation_file: Option<String>,
    /// Seconds to wait for each reply.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    timeout: f64,
    /// Seconds to wait for the handshake [default: max(--timeout, 10)].
    #[arg(long, value_name = "SECONDS")]
    handshake_timeout: Option<f64>,
    /// Case ids expected to fail, one per line (`#` comments): reported as xfail, or xpass
    /// once they pass.
    #[arg(long, value_name = "FILE")]
    known_failures: Option<PathBuf>,
    /// Write the ids of the current failures to FILE, as a --known-failures file.
    #[arg(long, value_name = "FILE")]
    write_known_failures: Option<PathBuf>,
    /// Acceptable deviations fail, and so does a known failure that passes.
    #[arg(long)]
    strict: bool,
    /// A mandatory case the port answers with "skipped" does not make the run fail (it is
    /// still reported, and the verdict line shows what was tested).
    #[arg(long)]
    allow_skip: bool,
    /// Stop after N failures; the rest are not-run.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_fail: Option<u64>,
    /// Only the summary.
    #[arg(long, short, conflicts_with = "verbose")]
    quiet: bool,
    /// Every case, and longer stderr tails.
    #[arg(long, short)]
    verbose: bool,
    /// Colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// The adapter command and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    command: Vec<String>,
}

/// `list --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    /// One id per line.
    Text,
    /// A JSON array of {id, kind, result, description}.
    Json,
}

#[derive(Debug, Args)]
struct ListArgs {
    #[command(flatten)]
    select: SelectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    format: ListFormat,
}

#[derive(Debug, Args)]
#[group(id = "secret", required = true, multiple = false)]
struct SecretArgs {
    /// Read the secret from the environment variable VAR.
    #[arg(long, value_name = "VAR", group = "secret")]
    secret_env: Option<String>,
    /// Read the secret from PATH (`-` = stdin).
    #[arg(long, value_name = "PATH", group = "secret")]
    secret_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct IdentityArgs {
    #[command(flatten)]
    secret: SecretArgs,
    /// Remove a trailing newline from the secret(s) instead of refusing it.
    #[arg(long)]
    strip_newline: bool,
    /// The user_id, as a string.
    #[arg(long, value_name = "ID", conflicts_with = "user_id_int")]
    user_id: Option<String>,
    /// The user_id, as a JSON integer (hashed as its decimal digits); -2^63 to 2^64-1.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = parse_json_integer)]
    user_id_int: Option<serde_json::Number>,
    /// The email.
    #[arg(long, value_name = "EMAIL")]
    email: Option<String>,
}

/// `explain --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ExplainFormat {
    /// Readable text.
    Human,
    /// JSON.
    Json,
}

#[derive(Debug, Args)]
struct ExplainArgs {
    #[command(flatten)]
    identity: IdentityArgs,
    /// Another platform's secret, from the environment variable VAR (repeatable): an
    /// observed hash made with it is diagnosed as WRONG_PLATFORM_SECRET.
    #[arg(long, value_name = "VAR")]
    other_secret_env: Vec<String>,
    /// The hash that was observed (e.g. rejected by the server).
    #[arg(long, value_name = "OBSERVED", required_unless_present = "jwt")]
    hash: Option<String>,
    /// A Messenger JWT to decode, verify and diagnose instead of a hash (its claims say who
    /// the user is, so --user-id and --email are not needed).
    #[arg(long, value_name = "TOKEN", conflicts_with_all = ["hash", "user_id", "user_id_int", "email", "other_secret_env"])]
    jwt: Option<String>,
    /// The clock for --jwt, in Unix seconds (default: now).
    #[arg(
        long,
        value_name = "SECONDS",
        requires = "jwt",
        allow_negative_numbers = true
    )]
    now: Option<i64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Human)]
    format: ExplainFormat,
}

#[derive(Debug, Args)]
struct HashArgs {
    #[command(flatten)]
    identity: IdentityArgs,
}

#[derive(Debug, Args)]
struct JwtArgs {
    #[command(flatten)]
    identity: IdentityArgs,
    /// Expiry, in Unix seconds (recommended: the end of the app's session).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    exp: Option<i64>,
}

/// `--report FORMAT=PATH`.
fn parse_report(text: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not FORMAT=PATH (e.g. junit=report.xml)"))?;
    let format = Format::from_str(format, true).map_err(|_| {
        format!("unknown report format {format:?} (human, json, junit, markdown or github)")
    })?;
    if path.is_empty() {
        return Err(format!("{text:?} has no PATH after the ="));
    }
    Ok((format, PathBuf::from(path)))
}

/// `--user-id-int`: any integer a JSON user_id of the suite can be, signed or unsigned 64-bit.
fn parse_json_integer(text: &str) -> Result<serde_json::Number, String> {
    let out_of_range = || {
        format!(
            "{text:?} is not an integer from -9223372036854775808 to 18446744073709551615; \
             pass other ids as text with --user-id"
        )
    };
    if let Ok(signed) = text.parse::<i64>() {
        return Ok(signed.into());
    }
    text.parse::<u64>()
        .map(serde_json::Number::from)
        .map_err(|_| out_of_range())
}

/// Parses the process arguments and runs; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            if let Some(tip) = tip_for(&error) {
                say!("\n{tip}");
            }
            return if error.use_stderr() { 2 } else { 0 };
        }
    };
    let result = match cli.command {
        Commands::Run(args) => cmd_run(args),
        Commands::List(args) => cmd_list(args),
        Commands::Explain(args) => cmd_explain(args),
        Commands::Hash(args) => cmd_hash(args),
        Commands::Jwt(args) => cmd_jwt(args),
        Commands::Explore(args) => cmd_explore(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            // The message can quote the adapter's output: no terminal escapes get through.
            say!(
                "userhash-check: error: {}",
                crate::report::human::sanitize(&message)
            );
            2
        }
    }
}

/// A tip for the common way to get `run` wrong: the adapter command without `--` before it.
fn tip_for(error: &clap::Error) -> Option<String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let is_run = args.first().is_some_and(|a| a == "run");
    let has_separator = args.iter().any(|a| a == "--");
    let unexpected = matches!(
        error.kind(),
        clap::error::ErrorKind::UnknownArgument | clap::error::ErrorKind::MissingRequiredArgument
    );
    (is_run && !has_separator && unexpected).then(|| {
        "tip: put `--` before the adapter command, so that its own arguments are not read as \
         the checker's:\n  userhash-check run [OPTIONS] -- python3 my_adapter.py"
            .to_owned()
    })
}

fn load_suite(dir: Option<&Path>) -> Result<Suite, String> {
    Suite::load(dir).map_err(|e| format!("unusable vectors: {e}"))
}

fn write_output(path: Option<&Path>, text: &str) -> Result<(), String> {
    match path {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                // A reader that went away (`| head`) wanted no more.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                // A full disk or a closed descriptor loses the report: that must not pass.
                Err(e) => Err(format!("cannot write the report to stdout: {e}")),
                Ok(()) => Ok(()),
            }
        }
    }
}

fn seconds(value: f64, flag: &str) -> Result<Duration, String> {
    if value.is_finite() && value > 0.0 && value < 1e6 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(format!(
            "{flag} must be a positive number of seconds, got {value}"
        ))
    }
}

fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// Fails now, before the adapter runs, if a report could not be written at the end: a run of
/// minutes must not end in "cannot write". Leaves no file behind that was not there before.
fn check_writable(path: &Path, flag: &str) -> Result<(), String> {
    let existed = path.exists();
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| format!("{flag} {}: cannot write there: {e}", path.display()))?;
    if !existed {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

fn cmd_explore(args: ExploreArgs) -> Result<i32, String> {
    let timeout = seconds(args.timeout, "--timeout")?;
    let time = args
        .time
        .map(|value| seconds(value, "--time"))
        .transpose()?;
    let seed = args.seed.unwrap_or_else(|| {
        // Only the default seed comes from the clock; it is printed, so the run can be replayed.
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos() as u64)
    });
    crate::process::become_subreaper();
    crate::process::handle_signals()
        .map_err(|e| format!("cannot watch for SIGINT/SIGTERM/SIGHUP: {e}"))?;
    let options = crate::explore::ExploreOptions {
        cases: args.cases,
        seed,
        time,
        verify: args.verify,
        jwt: !args.no_jwt,
        timeout,
        handshake_timeout: timeout.max(Duration::from_secs(10)),
        max_restarts: 3,
        shrink_budget: args.shrink_budget,
    };
    let command = AdapterCommand {
        argv: args.command.clone(),
    };
    let show_progress = std::io::stderr().is_terminal();
    if show_progress || args.format == ExploreFormat::Human {
        say!("explore: seed {seed}");
    }
    let started = Instant::now();
    let mut shown = false;
    let mut progress = |done: u64, phase: &str| {
        if show_progress {
            shown = true;
            let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-9);
            say_partial!("\r\x1b[K{phase}: {done} cases, {rate:.0} cases/s");
        }
    };
    let result = crate::explore::explore(&command, &options, &mut progress);
    if shown {
        say_partial!("\r\x1b[K");
    }
    let report = result.map_err(|e| e.to_string())?;
    let text = match args.format {
        ExploreFormat::Human => {
            crate::report::human::sanitize(&crate::explore::render_human(&report))
        }
        ExploreFormat::Json => crate::report::json::escape_unsafe(
            &serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?,
        ),
    };
    write_output(None, &text)?;
    Ok(report.exit_code())
}

fn cmd_run(args: RunArgs) -> Result<i32, String> {
    let timeout = seconds(args.timeout, "--timeout")?;
    let handshake_timeout = match args.handshake_timeout {
        Some(value) => seconds(value, "--handshake-timeout")?,
        None => timeout.max(Duration::from_secs(10)),
    };
    let outputs = args
        .output
        .iter()
        .map(|path| (path, "--output"))
        .chain(args.report.iter().map(|(_, path)| (path, "--report")))
        .chain(
            args.write_known_failures
                .iter()
                .map(|path| (path, "--write-known-failures")),
        );
    for (path, flag) in outputs {
        check_writable(path, flag)?;
    }
    let suite = load_suite(args.select.vectors.as_deref())?;
    // Nothing an adapter starts may outlive the checker: a signal kills it all, and on Linux
    // descendants that leave the adapter's process group are re-parented to us and killed too.
    crate::process::become_subreaper();
    crate::process::handle_signals()
        .map_err(|e| format!("cannot watch for SIGINT/SIGTERM/SIGHUP: {e}"))?;
    let known_failures = match &args.known_failures {
        Some(path) => {
            let text = crate::files::read_text(path, crate::files::MAX_KNOWN_FAILURES_FILE)
                .map_err(|e| format!("--known-failures {}: {e}", path.display()))?;
            KnownFailures::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => KnownFailures::default(),
    };
    let options = RunOptions {
        timeout,
        handshake_timeout,
        only: args.select.only.clone(),
        skip: args.select.skip.clone(),
        known_failures,
        strict: args.strict,
        allow_skip: args.allow_skip,
        max_fail: args.max_fail.and_then(|n| usize::try_from(n).ok()),
        ..RunOptions::default()
    };
    let command = AdapterCommand {
        argv: args.command.clone(),
    };
    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    let mut last = Instant::now();
    let mut shown = false;
    let mut progress = |done: usize, total: usize, id: &str| {
        if show_progress && (last.elapsed() >= Duration::from_millis(100) || done == total) {
            last = Instant::now();
            shown = true;
            let id = crate::adapter::clip(&crate::report::human::sanitize_line(id), 60);
            say_partial!("\r\x1b[K[{done}/{total}] {id}");
        }
    };
    let result = run::run(&suite, &command, &options, &mut progress);
    if shown {
        say_partial!("\r\x1b[K");
    }
    let report = result.map_err(|e| e.to_string())?;
    let style = Style {
        color: args.format == Format::Human && use_color(args.color, args.output.is_some()),
        verbose: args.verbose,
        quiet: args.quiet,
        annotation_file: args.annotation_file.as_deref(),
    };
    write_output(
        args.output.as_deref(),
        &report::render(&report, args.format, style),
    )?;
    for (format, path) in &args.report {
        let style = Style {
            color: false,
            ..style
        };
        write_output(Some(path), &report::render(&report, *format, style))?;
    }
    if args.format == Format::Github {
        if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
            let markdown = report::markdown::render(&report);
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .and_then(|mut file| file.write_all(markdown.as_bytes()))
                .map_err(|e| format!("cannot append to $GITHUB_STEP_SUMMARY: {e}"))?;
        }
    }
    if let Some(path) = &args.write_known_failures {
        // Everything that keeps the run from conforming: failures, and mandatory cases the
        // port skipped; and what is listed and still failing.
        let ids = report
            .cases
            .iter()
            .filter(|c| {
                c.outcome.is_failure() || report.is_blocking_skip(c) || c.outcome == Outcome::Xfail
            })
            .map(|c| c.id.as_str());
        let header = format!(
            "Known failures of {} {} ({}) against {} {}.\nWritten by userhash-check --write-known-failures; pass it back with --known-failures.",
            report::human::sanitize_line(&report.implementation.name),
            report::human::sanitize_line(&report.implementation.version),
            report::human::sanitize_line(&report.implementation.language),
            report.suite.name,
            report.suite.version
        );
        std::fs::write(path, KnownFailures::render(&header, ids))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(report.exit_code())
}

fn cmd_list(args: ListArgs) -> Result<i32, String> {
    let suite = load_suite(args.select.vectors.as_deref())?;
    let all = suite.cases();
    let ids: Vec<&str> = all.iter().map(|c| c.id()).collect();
    let selected =
        run::select(&ids, &args.select.only, &args.select.skip).map_err(|e| e.to_string())?;
    let cases: Vec<_> = all.iter().filter(|c| selected.contains(&c.id())).collect();
    let text = match args.format {
        ListFormat::Text => cases.iter().map(|c| format!("{}\n", c.id())).collect(),
        ListFormat::Json => {
            let items: Vec<Value> = cases
                .iter()
                .map(|c| {
                    let result = match c {
                        crate::suite::Case::UserHash(g) => json!(g.result),
                        crate::suite::Case::Verify(v) => json!(v.result),
                        crate::suite::Case::Jwt(j) => json!(j.result),
                        crate::suite::Case::JwtVerify(j) => json!(j.result),
                    };
                    json!({"id": c.id(), "kind": c.kind(), "result": result, "description": c.description()})
                })
                .collect();
            format!(
                "{}\n",
                serde_json::to_string_pretty(&items).map_err(|e| e.to_string())?
            )
        }
    };
    write_output(None, &text)?;
    Ok(0)
}

fn read_secret(args: &SecretArgs, strip_newline: bool) -> Result<Secret, String> {
    let source = match (&args.secret_env, &args.secret_file) {
        (Some(var), _) => SecretSource::Env(var.clone()),
        (None, Some(path)) => SecretSource::File(path.clone()),
        (None, None) => {
            return Err("give the secret with --secret-env VAR or --secret-file PATH".into())
        }
    };
    secret::read(&source, strip_newline)
}

fn question(identity: &IdentityArgs, others: &[String]) -> Result<Question, String> {
    let secret = read_secret(&identity.secret, identity.strip_newline)?;
    let others = others
        .iter()
        .map(|var| {
            secret::read(&SecretSource::Env(var.clone()), identity.strip_newline)
                .map(|s| (var.clone(), s))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let user_id = match (&identity.user_id, &identity.user_id_int) {
        (Some(text), _) => Some(json!(text)),
        (None, Some(number)) => Some(Value::Number(number.clone())),
        (None, None) => None,
    };
    Ok(Question {
        secret,
        others,
        user_id,
        email: identity.email.as_ref().map(|e| json!(e)),
    })
}

fn cmd_explain(args: ExplainArgs) -> Result<i32, String> {
    if let Some(token) = &args.jwt {
        return cmd_explain_jwt(&args, token);
    }
    let question = question(&args.identity, &args.other_secret_env)?;
    let explanation = explain::explain(&question, args.hash.as_deref())?;
    let text = match args.format {
        ExplainFormat::Human => explain::render_human(&explanation),
        ExplainFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&explanation).map_err(|e| e.to_string())?
        ),
    };
    write_output(None, &text)?;
    Ok(if explanation.correct == Some(true) {
        0
    } else {
        1
    })
}

/// The clock: `--now` or the system's.
fn now_or(given: Option<i64>) -> i64 {
    given.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| {
                i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
            })
    })
}

fn cmd_explain_jwt(args: &ExplainArgs, token: &str) -> Result<i32, String> {
    let secret = read_secret(&args.identity.secret, args.identity.strip_newline)?;
    let explanation = explain_jwt::explain(&secret, token, now_or(args.now))?;
    let text = match args.format {
        ExplainFormat::Human => explain_jwt::render_human(&explanation),
        ExplainFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&explanation).map_err(|e| e.to_string())?
        ),
    };
    // A claim could quote the secret; nothing printed ever contains it.
    let scrubbed = crate::scrub::Scrubber::new([secret.expose()]).scrub(&text);
    write_output(None, &scrubbed)?;
    Ok(if explanation.valid { 0 } else { 1 })
}

fn cmd_jwt(args: JwtArgs) -> Result<i32, String> {
    let question = question(&args.identity, &[])?;
    let mut claims = serde_json::Map::new();
    if let Some(user_id) = question.user_id {
        claims.insert("user_id".into(), user_id);
    }
    if let Some(email) = question.email {
        claims.insert("email".into(), email);
    }
    if let Some(exp) = args.exp {
        claims.insert("exp".into(), json!(exp));
    }
    let token = explain_jwt::sign(&question.secret, &claims)?;
    write_output(None, &format!("{token}\n"))?;
    Ok(0)
}

fn cmd_hash(args: HashArgs) -> Result<i32, String> {
    let question = question(&args.identity, &[])?;
    let explanation = explain::explain(&question, None)?;
    match explanation.user_hash {
        Some(hash) => write_output(None, &format!("{hash}\n"))?,
        None => {
            say!("userhash-check: no user_id and no email: an unidentified user gets no hash")
        }
    }
    Ok(0)
}
