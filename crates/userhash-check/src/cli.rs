//! The command line: argument definitions and the four commands.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::{json, Value};

use crate::adapter::AdapterCommand;
use crate::explain::{self, Question};
use crate::known_failures::KnownFailures;
use crate::outcome::Outcome;
use crate::report::{self, Format, Style};
use crate::run::{self, RunOptions};
use crate::secret::{self, Secret, SecretSource};
use crate::suite::Suite;

const EXIT_CODES: &str = "\
Exit codes:
  0  conformant (run), the observed hash is correct (explain), success (list, hash)
  1  not conformant: a valid or invalid case failed, errored, timed out or crashed, the run
     stopped early (restarts exhausted, --max-fail), or, with --strict, an acceptable case
     deviated or a known failure passes (xpass); explain: the observed hash is wrong
  2  usage error or unusable input: bad arguments or vectors, an unknown id in
     --known-failures, adapter command not found, handshake failed, refused or timed out";

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
    #[command(after_help = EXIT_CODES)]
    Run(RunArgs),
    /// Print the case ids.
    List(ListArgs),
    /// Print the correct hash for an input and diagnose an observed one.
    #[command(after_help = EXIT_CODES)]
    Explain(ExplainArgs),
    /// Print the user hash for an input (nothing for an unidentified user).
    Hash(HashArgs),
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
    /// The user_id, as an integer (hashed as its decimal digits).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    user_id_int: Option<i64>,
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
    #[arg(long, value_name = "OBSERVED")]
    hash: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Human)]
    format: ExplainFormat,
}

#[derive(Debug, Args)]
struct HashArgs {
    #[command(flatten)]
    identity: IdentityArgs,
}

/// Parses the process arguments and runs; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { 2 } else { 0 };
        }
    };
    let result = match cli.command {
        Commands::Run(args) => cmd_run(args),
        Commands::List(args) => cmd_list(args),
        Commands::Explain(args) => cmd_explain(args),
        Commands::Hash(args) => cmd_hash(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            // The message can quote the adapter's output: no terminal escapes get through.
            eprintln!(
                "userhash-check: error: {}",
                crate::report::human::sanitize(&message)
            );
            2
        }
    }
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
            // A closed stdout (`| head`) is not an error worth reporting.
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
            Ok(())
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

fn cmd_run(args: RunArgs) -> Result<i32, String> {
    let timeout = seconds(args.timeout, "--timeout")?;
    let handshake_timeout = match args.handshake_timeout {
        Some(value) => seconds(value, "--handshake-timeout")?,
        None => timeout.max(Duration::from_secs(10)),
    };
    let suite = load_suite(args.select.vectors.as_deref())?;
    let known_failures = match &args.known_failures {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
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
            let id = crate::adapter::clip(&crate::report::human::sanitize(id), 60);
            eprint!("\r\x1b[K[{done}/{total}] {id}");
        }
    };
    let result = run::run(&suite, &command, &options, &mut progress);
    if shown {
        eprint!("\r\x1b[K");
    }
    let report = result.map_err(|e| e.to_string())?;
    let style = Style {
        color: args.format == Format::Human && use_color(args.color, args.output.is_some()),
        verbose: args.verbose,
        quiet: args.quiet,
    };
    write_output(
        args.output.as_deref(),
        &report::render(&report, args.format, style),
    )?;
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
        let ids = report
            .cases
            .iter()
            .filter(|c| c.outcome.is_failure() || c.outcome == Outcome::Xfail)
            .map(|c| c.id.as_str());
        let header = format!(
            "Known failures of {} {} ({}) against {} {}.\nWritten by userhash-check --write-known-failures; pass it back with --known-failures.",
            report.implementation.name,
            report.implementation.version,
            report.implementation.language,
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
    let only = run::globs(&args.select.only, "--only").map_err(|e| e.to_string())?;
    let skip = run::globs(&args.select.skip, "--skip").map_err(|e| e.to_string())?;
    let cases: Vec<_> = suite
        .cases()
        .into_iter()
        .filter(|c| run::excluded(c.id(), only.as_ref(), skip.as_ref()).is_none())
        .collect();
    let text = match args.format {
        ListFormat::Text => cases.iter().map(|c| format!("{}\n", c.id())).collect(),
        ListFormat::Json => {
            let items: Vec<Value> = cases
                .iter()
                .map(|c| {
                    let result = match c {
                        crate::suite::Case::UserHash(g) => json!(g.result),
                        crate::suite::Case::Verify(v) => json!(v.result),
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
    let user_id = match (&identity.user_id, identity.user_id_int) {
        (Some(text), _) => Some(json!(text)),
        (None, Some(number)) => Some(json!(number)),
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
    let question = question(&args.identity, &args.other_secret_env)?;
    let explanation = explain::explain(&question, Some(&args.hash))?;
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

fn cmd_hash(args: HashArgs) -> Result<i32, String> {
    let question = question(&args.identity, &[])?;
    let explanation = explain::explain(&question, None)?;
    match explanation.user_hash {
        Some(hash) => write_output(None, &format!("{hash}\n"))?,
        None => {
            eprintln!("userhash-check: no user_id and no email: an unidentified user gets no hash")
        }
    }
    Ok(0)
}
