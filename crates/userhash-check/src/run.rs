//! Running the suite against an adapter: selecting the cases, sending them through a
//! [`Session`], classifying each reply, and the report with its verdict.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use globset::{Glob, GlobMatcher};
use serde::Serialize;
use serde_json::{json, Value};
use userhash_mistakes::Mistake;

use crate::adapter::{AdapterCommand, Implementation, StartError};
use crate::classify::{self, Classified, Reply};
use crate::known_failures::KnownFailures;
use crate::outcome::{CaseKind, Outcome};
use crate::scrub::Scrubber;
use crate::session::{Event, Session, SessionOptions, MAX_RESTARTS, WINDOW};
use crate::suite::{Case, Suite};
use crate::verdict::{self, Coverage, Policy, Verdict};

/// How to run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Per-reply timeout.
    pub timeout: Duration,
    /// Handshake timeout.
    pub handshake_timeout: Duration,
    /// `--only` globs (empty = every case).
    pub only: Vec<String>,
    /// `--skip` globs.
    pub skip: Vec<String>,
    /// `--known-failures`.
    pub known_failures: KnownFailures,
    /// `--strict`: acceptable cases are mandatory, and an xpass fails the run.
    pub strict: bool,
    /// `--allow-skip`: a mandatory case the port skips does not make the run fail.
    pub allow_skip: bool,
    /// `--max-fail`.
    pub max_fail: Option<usize>,
    /// Restarts allowed after faults.
    pub max_restarts: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            timeout: Duration::from_secs(5),
            handshake_timeout: Duration::from_secs(10),
            only: Vec::new(),
            skip: Vec::new(),
            known_failures: KnownFailures::default(),
            strict: false,
            allow_skip: false,
            max_fail: None,
            max_restarts: MAX_RESTARTS,
        }
    }
}

impl RunOptions {
    fn policy(&self) -> Policy {
        Policy {
            strict: self.strict,
            allow_skip: self.allow_skip,
        }
    }
}

/// Why a run could not happen at all (exit 2).
#[derive(Debug)]
pub enum RunError {
    /// Bad options (a glob, a selection that matches nothing, the known-failures file).
    Usage(String),
    /// The adapter could not be started or refused the handshake.
    Start(StartError),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Usage(message) => f.write_str(message),
            RunError::Start(error) => error.fmt(f),
        }
    }
}

/// The result of one case.
#[derive(Clone, Debug, Serialize)]
pub struct CaseResult {
    /// Case id.
    pub id: String,
    /// `user_hash` or `verify`.
    pub kind: CaseKind,
    /// What the case checks and why (from the vectors).
    pub description: String,
    /// The case's flags in the vectors (explained in the file's `notes`).
    pub flags: Vec<String>,
    /// The case's verdict in the vectors (`valid`, `acceptable`, `invalid`).
    pub result: userhash_vectors::format::Verdict,
    /// Whether the verdict needs this case answered and passed: `valid` and `invalid` cases
    /// (and `acceptable` ones under `--strict`), except verify cases for a port without
    /// `verify`.
    pub mandatory: bool,
    /// What happened.
    pub outcome: Outcome,
    /// Why, in a sentence.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// The input sent (the secret redacted unless it is a public test secret).
    pub input: Value,
    /// What the vectors expect.
    pub expected: Value,
    /// What the port answered (`null` when it did not).
    pub actual: Value,
    /// Catalogued mistakes that explain the answer.
    pub diagnosis: Vec<Mistake>,
    /// The port's pipeline that explains this answer and every other answer of the run, as a
    /// composed name (`TRIMMED_INPUT + UPPERCASE_HEX`), when the diagnosis engine found one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explained_by: Option<String>,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The adapter's stderr tail, for faults.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stderr: Option<String>,
}

/// The suite, as reports name it.
#[derive(Clone, Debug, Serialize)]
pub struct SuiteInfo {
    /// `userhash`.
    pub name: String,
    /// The vectors' version.
    pub version: String,
    /// `<embedded>` or the `--vectors` directory.
    pub source: String,
}

/// A whole run.
#[derive(Clone, Debug, Serialize)]
pub struct RunReport {
    /// What the adapter said in the handshake.
    pub implementation: Implementation,
    /// The adapter command.
    pub command: String,
    /// The suite.
    pub suite: SuiteInfo,
    /// Whether the port conforms (exit 0): the verdict's answer, kept at the top level for
    /// readers of the JSON report.
    pub conformant: bool,
    /// The verdict, its line and its reasons.
    pub verdict: Verdict,
    /// How much of the suite was tested.
    pub coverage: Coverage,
    /// Count per outcome (every outcome present), over the selected cases.
    pub summary: BTreeMap<Outcome, usize>,
    /// `--strict` was given.
    pub strict: bool,
    /// `--allow-skip` was given.
    pub allow_skip: bool,
    /// Times the adapter was restarted after a fault.
    pub restarts: usize,
    /// Why the run stopped before the end, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// The signal that interrupted the run (`SIGINT`, `SIGTERM`, `SIGHUP`), if one did: the
    /// report is partial.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<String>,
    /// Mistake name → number of failing (or warned) cases it explains.
    pub mistakes: BTreeMap<Mistake, usize>,
    /// The run-level explanation of the failures (or warnings): what the report's last line
    /// says, and which mistakes it names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<crate::diagnosis::RunExplanation>,
    /// Wall time.
    pub duration_ms: u64,
    /// The number of the signal that interrupted the run.
    #[serde(skip)]
    pub interrupted_by: Option<i32>,
    /// Every selected case, in suite order (cases left out by `--only`/`--skip` are not here).
    pub cases: Vec<CaseResult>,
}

impl RunReport {
    /// 0 when conformant, 1 when not, 128 + the signal when one interrupted the run.
    pub fn exit_code(&self) -> i32 {
        match (self.interrupted_by, self.conformant) {
            (Some(signal), _) => 128 + signal,
            (None, true) => 0,
            (None, false) => 1,
        }
    }

    /// Count of one outcome.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.summary.get(&outcome).copied().unwrap_or(0)
    }

    /// The cases that failed (fail, error, timeout, crash).
    pub fn failures(&self) -> impl Iterator<Item = &CaseResult> {
        self.cases.iter().filter(|c| c.outcome.is_failure())
    }

    /// Whether `case` is a mandatory case the port skipped, which blocks the verdict.
    pub fn is_blocking_skip(&self, case: &CaseResult) -> bool {
        verdict::blocking_skip(
            case,
            Policy {
                strict: self.strict,
                allow_skip: self.allow_skip,
            },
        )
    }

    /// The cases that make the run not conformant: failures and blocking skips.
    pub fn blocking(&self) -> impl Iterator<Item = &CaseResult> {
        self.cases
            .iter()
            .filter(|c| c.outcome.is_failure() || self.is_blocking_skip(c))
    }
}

/// One compiled `--only`/`--skip` glob, with the pattern as given.
struct Pattern {
    text: String,
    matcher: GlobMatcher,
}

/// Compiles globs; `Err` names the bad pattern.
fn patterns(texts: &[String], flag: &str) -> Result<Vec<Pattern>, RunError> {
    texts
        .iter()
        .map(|text| {
            Glob::new(text)
                .map(|glob| Pattern {
                    text: text.clone(),
                    matcher: glob.compile_matcher(),
                })
                .map_err(|e| RunError::Usage(format!("{flag} {text:?}: not a valid glob: {e}")))
        })
        .collect()
}

/// The ids `--only` and `--skip` keep, in order. Every pattern must match some case (a typo in
/// CI would otherwise test less than it says), and the selection must keep at least one case.
pub fn select<'a>(
    ids: &[&'a str],
    only: &[String],
    skip: &[String],
) -> Result<Vec<&'a str>, RunError> {
    let only = patterns(only, "--only")?;
    let skip = patterns(skip, "--skip")?;
    for (flag, list) in [("--only", &only), ("--skip", &skip)] {
        let unmatched: Vec<&str> = list
            .iter()
            .filter(|pattern| !ids.iter().any(|id| pattern.matcher.is_match(id)))
            .map(|pattern| pattern.text.as_str())
            .collect();
        if !unmatched.is_empty() {
            return Err(RunError::Usage(format!(
                "{flag} {} {} none of the {} cases (`userhash-check list` prints their ids)",
                unmatched
                    .iter()
                    .map(|p| format!("{p:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if unmatched.len() == 1 {
                    "matches"
                } else {
                    "match"
                },
                ids.len()
            )));
        }
    }
    let selected: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| only.is_empty() || only.iter().any(|p| p.matcher.is_match(id)))
        .filter(|id| !skip.iter().any(|p| p.matcher.is_match(id)))
        .collect();
    if selected.is_empty() {
        return Err(RunError::Usage(format!(
            "the selection (--only / --skip) leaves none of the {} cases to run",
            ids.len()
        )));
    }
    Ok(selected)
}

fn base_result(suite: &Suite, case: &Case<'_>, options: &RunOptions) -> CaseResult {
    let mut input = serde_json::Map::new();
    for (key, value) in classify::request(case) {
        match key.as_str() {
            "cmd" | "id" => {}
            "secret" if !suite.is_public_secret(case.secret()) => {
                input.insert(key, json!("<redacted>"));
            }
            _ => {
                input.insert(key, value);
            }
        }
    }
    let (result, expected) = match case {
        Case::UserHash(c) => (
            c.result,
            serde_json::to_value(&c.expected).unwrap_or(Value::Null),
        ),
        Case::Verify(c) => (
            c.result,
            serde_json::to_value(c.expected).unwrap_or(Value::Null),
        ),
        Case::Jwt(c) => (
            c.result,
            serde_json::to_value(&c.expected).unwrap_or(Value::Null),
        ),
        Case::JwtVerify(c) => (
            c.result,
            serde_json::to_value(&c.expected).unwrap_or(Value::Null),
        ),
    };
    let mandatory = match result {
        userhash_vectors::format::Verdict::Acceptable => options.strict,
        _ => true,
    };
    CaseResult {
        id: case.id().to_owned(),
        kind: case.kind(),
        description: case.description().to_owned(),
        flags: case.flags().to_vec(),
        result,
        mandatory,
        outcome: Outcome::NotRun,
        message: String::new(),
        input: Value::Object(input),
        expected,
        actual: Value::Null,
        diagnosis: Vec::new(),
        explained_by: None,
        hint: None,
        stderr: None,
    }
}

/// Progress of a run: (cases finished, cases to run, last case id).
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize, &str);

/// Records outcomes as they come, with `--known-failures` and `--max-fail` applied.
struct Runner<'s> {
    options: &'s RunOptions,
    results: Vec<CaseResult>,
    failures: usize,
    stopped: Option<String>,
}

impl Runner<'_> {
    fn finish(
        &mut self,
        index: usize,
        classified: Classified,
        actual: Value,
        stderr: Option<String>,
    ) {
        let policy = self.options.policy();
        let result = &mut self.results[index];
        let listed = self.options.known_failures.contains(&result.id);
        result.outcome = classified.outcome;
        let blocking_skip = verdict::blocking_skip(result, policy);
        let hint = classify::hint(classified.reason, &classified.diagnosis, blocking_skip);
        let outcome = classify::apply_known(classified.outcome, listed, blocking_skip);
        result.message = match outcome {
            Outcome::Xpass => {
                "listed in --known-failures but passes now: remove it from the list".to_owned()
            }
            Outcome::Xfail => format!("known failure: {}", classified.message),
            _ => classified.message,
        };
        result.outcome = outcome;
        result.actual = actual;
        result.diagnosis = classified.diagnosis;
        result.hint = hint;
        result.stderr = stderr;
        if outcome.is_failure() || verdict::blocking_skip(result, policy) {
            self.failures += 1;
            if let Some(max) = self.options.max_fail {
                if self.failures >= max && self.stopped.is_none() {
                    self.stopped = Some(format!("stopped after {max} failure(s) (--max-fail)"));
                }
            }
        }
    }

    fn classify(&self, case: &Case<'_>, reply: &Reply) -> Classified {
        match case {
            Case::UserHash(c) => classify::classify_generation(c, reply, self.options.strict),
            Case::Verify(c) => classify::classify_verify(c, reply, self.options.strict),
            Case::Jwt(c) => classify::classify_jwt(c, reply, self.options.strict),
            Case::JwtVerify(c) => classify::classify_jwt_verify(c, reply, self.options.strict),
        }
    }

    fn not_run(&mut self, index: usize) {
        let result = &mut self.results[index];
        result.outcome = Outcome::NotRun;
        result.message = self.stopped.clone().unwrap_or_default();
    }
}

/// Runs the suite against the adapter. A selection that keeps nothing, and a first start that
/// fails, are a [`RunError`]; later faults are recorded per case.
pub fn run(
    suite: &Suite,
    command: &AdapterCommand,
    options: &RunOptions,
    progress: Progress<'_>,
) -> Result<RunReport, RunError> {
    let started = Instant::now();
    let all = suite.cases();
    let ids: Vec<&str> = all.iter().map(Case::id).collect();
    options
        .known_failures
        .check_known(ids.iter().copied())
        .map_err(RunError::Usage)?;
    let selected_ids = select(&ids, &options.only, &options.skip)?;
    let cases: Vec<Case<'_>> = all
        .into_iter()
        .filter(|case| selected_ids.contains(&case.id()))
        .collect();
    let mut runner = Runner {
        options,
        results: cases
            .iter()
            .map(|case| base_result(suite, case, options))
            .collect(),
        failures: 0,
        stopped: None,
    };
    let session = Session::start(
        command,
        SessionOptions {
            timeout: options.timeout,
            handshake_timeout: options.handshake_timeout,
            max_restarts: options.max_restarts,
            window: WINDOW,
            scrubber: Arc::new(Scrubber::new(suite.private_secrets())),
        },
    );
    let mut session = match (session, crate::process::interrupted()) {
        (Ok(session), _) => session,
        // A signal during the handshake: a report of nothing run, marked interrupted.
        (Err(_), Some(signal)) => {
            runner.stopped = Some(format!(
                "interrupted by {} before the adapter answered the handshake",
                crate::process::signal_name(signal)
            ));
            for index in 0..cases.len() {
                runner.not_run(index);
            }
            let report = Finished {
                implementation: Implementation::unknown(),
                restarts: 0,
                interrupted_by: Some(signal),
                announced: CaseKind::ALL.to_vec(),
            };
            return Ok(report.into_report(suite, command, options, ids.len(), runner, started));
        }
        (Err(error), None) => return Err(RunError::Start(error)),
    };
    let implementation = session.implementation().clone();
    for (index, case) in cases.iter().enumerate() {
        match case.kind().feature() {
            Some(feature) if !implementation.has_feature(feature) => {
                let result = &mut runner.results[index];
                result.outcome = Outcome::Skip;
                result.mandatory = false;
                result.message =
                    format!("not tested: the adapter does not announce the \"{feature}\" feature");
            }
            _ => session.push(index, &classify::request(case)),
        }
    }
    let total = session.pending();
    if total == 0 {
        session.finish();
        let missing = missing_features(&cases, &implementation);
        return Err(RunError::Usage(format!(
            "nothing to test: the adapter does not announce the {} feature{} that the {} \
             selected case(s) need",
            missing.join(" and "),
            if missing.len() == 1 { "" } else { "s" },
            cases.len(),
        )));
    }

    let mut done = 0;
    let mut interrupted_by = None;
    while runner.stopped.is_none() {
        let Some(event) = session.next_event() else {
            break;
        };
        interrupted_by = crate::process::interrupted();
        if let Some(signal) = interrupted_by {
            runner.stopped = Some(format!(
                "interrupted by {}",
                crate::process::signal_name(signal)
            ));
        }
        match event {
            Event::Reply { tag, reply } => {
                let parsed = Reply::parse(&reply, cases[tag].kind());
                let classified = runner.classify(&cases[tag], &parsed);
                runner.finish(tag, classified, parsed.to_actual(), None);
                done += 1;
                progress(done, total, cases[tag].id());
            }
            // The checker killed the adapter itself: no fault of the port's.
            Event::Fault { tag, .. } if interrupted_by.is_some() => runner.not_run(tag),
            Event::Fault { tag, fault } => {
                let classified = Classified::fault(fault.kind, fault.message);
                runner.finish(tag, classified, fault.actual, Some(fault.stderr));
                done += 1;
                progress(done, total, cases[tag].id());
            }
            Event::Exhausted { reason, unanswered } => {
                runner.stopped = Some(reason);
                for index in unanswered {
                    runner.not_run(index);
                }
            }
        }
    }
    let restarts = session.restarts();
    for index in session.finish() {
        runner.not_run(index);
    }
    crate::diagnosis::across_the_run(&cases, &mut runner.results);
    let finished = Finished {
        announced: announced(&implementation),
        implementation,
        restarts,
        interrupted_by,
    };
    Ok(finished.into_report(suite, command, options, ids.len(), runner, started))
}

/// What a run learnt besides the results of its cases.
struct Finished {
    implementation: Implementation,
    restarts: usize,
    interrupted_by: Option<i32>,
    /// The kinds of case the adapter announced the features for.
    announced: Vec<CaseKind>,
}

/// The kinds of case an adapter takes, by the features it announced.
fn announced(implementation: &Implementation) -> Vec<CaseKind> {
    CaseKind::ALL
        .into_iter()
        .filter(|kind| kind.feature().is_none_or(|f| implementation.has_feature(f)))
        .collect()
}

/// The features the selected cases need that the adapter does not announce, quoted.
fn missing_features(cases: &[Case<'_>], implementation: &Implementation) -> Vec<String> {
    let mut missing: Vec<String> = cases
        .iter()
        .filter_map(|case| case.kind().feature())
        .filter(|feature| !implementation.has_feature(feature))
        .map(|feature| format!("\"{feature}\""))
        .collect();
    missing.dedup();
    missing
}

impl Finished {
    fn into_report(
        self,
        suite: &Suite,
        command: &AdapterCommand,
        options: &RunOptions,
        total: usize,
        runner: Runner<'_>,
        started: Instant,
    ) -> RunReport {
        let results = runner.results;
        let coverage = Coverage::of(&results, total, &self.announced);
        let verdict = verdict::decide(
            &results,
            &coverage,
            runner.stopped.as_deref(),
            options.policy(),
        );
        let mut summary: BTreeMap<Outcome, usize> = Outcome::ALL.iter().map(|o| (*o, 0)).collect();
        for result in &results {
            *summary.entry(result.outcome).or_default() += 1;
        }
        let mut mistakes: BTreeMap<Mistake, usize> = BTreeMap::new();
        for result in &results {
            if matches!(
                result.outcome,
                Outcome::Fail | Outcome::Error | Outcome::Warn | Outcome::Xfail
            ) {
                for mistake in &result.diagnosis {
                    *mistakes.entry(*mistake).or_default() += 1;
                }
            }
        }
        RunReport {
            implementation: self.implementation,
            command: command.display(),
            suite: SuiteInfo {
                name: suite.name.clone(),
                version: suite.version.clone(),
                source: suite.source.clone(),
            },
            conformant: verdict.conformant,
            verdict,
            coverage,
            summary,
            strict: options.strict,
            allow_skip: options.allow_skip,
            restarts: self.restarts,
            stopped: runner.stopped,
            interrupted: self.interrupted_by.map(crate::process::signal_name),
            mistakes,
            explanation: crate::diagnosis::explain_failures(&results),
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            interrupted_by: self.interrupted_by,
            cases: results,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A report over made-up cases, for the renderers' and diagnosis passes' tests.
    pub(crate) fn report_of(diagnoses: &[(Outcome, &[Mistake])]) -> RunReport {
        let cases: Vec<CaseResult> = diagnoses
            .iter()
            .enumerate()
            .map(|(i, (outcome, diagnosis))| CaseResult {
                id: format!("case-{i}"),
                kind: CaseKind::UserHash,
                description: format!("what case {i} checks"),
                flags: Vec::new(),
                result: userhash_vectors::format::Verdict::Valid,
                mandatory: true,
                outcome: *outcome,
                message: String::new(),
                input: Value::Null,
                expected: Value::Null,
                actual: Value::Null,
                diagnosis: diagnosis.to_vec(),
                explained_by: None,
                hint: None,
                stderr: None,
            })
            .collect();
        let coverage = Coverage::of(&cases, cases.len(), &CaseKind::ALL);
        let verdict = verdict::decide(&cases, &coverage, None, Policy::default());
        let mut summary: BTreeMap<Outcome, usize> = Outcome::ALL.iter().map(|o| (*o, 0)).collect();
        for case in &cases {
            *summary.entry(case.outcome).or_default() += 1;
        }
        RunReport {
            implementation: Implementation {
                name: "t".into(),
                language: "t".into(),
                version: "t".into(),
                homepage: None,
                features: vec![],
            },
            command: String::new(),
            suite: SuiteInfo {
                name: "userhash".into(),
                version: "1".into(),
                source: String::new(),
            },
            conformant: verdict.conformant,
            verdict,
            coverage,
            summary,
            strict: false,
            allow_skip: false,
            restarts: 0,
            stopped: None,
            interrupted: None,
            mistakes: BTreeMap::new(),
            explanation: crate::diagnosis::explain_failures(&cases),
            duration_ms: 0,
            interrupted_by: None,
            cases,
        }
    }

    #[test]
    fn selection() {
        let ids = ["basic-id", "basic-email", "other"];
        let only = ["basic-*".to_owned()];
        let skip = ["*-email".to_owned()];
        assert_eq!(select(&ids, &only, &skip).expect("selected"), ["basic-id"]);
        assert_eq!(select(&ids, &[], &[]).expect("all").len(), 3);
        assert!(select(&ids, &["[".into()], &[]).is_err());
    }

    #[test]
    fn a_selection_of_nothing_is_a_usage_error() {
        let ids = ["basic-id", "basic-email"];
        let typo = select(&ids, &["typo*".into()], &[]).expect_err("typo");
        assert!(
            typo.to_string()
                .starts_with("--only \"typo*\" matches none of the 2 cases"),
            "{typo}"
        );
        // One pattern of several that matches nothing is a typo too.
        assert!(select(&ids, &["basic-id".into(), "typo".into()], &[]).is_err());
        assert!(select(&ids, &[], &["gone-id".into()]).is_err());
        let everything = select(&ids, &[], &["*".into()]).expect_err("nothing left");
        assert!(
            everything
                .to_string()
                .contains("leaves none of the 2 cases"),
            "{everything}"
        );
    }
}
