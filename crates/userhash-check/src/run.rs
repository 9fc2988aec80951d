//! Running the suite against an adapter: selection, pipelining, faults, restarts, results.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Serialize;
use serde_json::{json, Value};
use userhash_mistakes::Mistake;

use crate::adapter::{clip, Adapter, AdapterCommand, Implementation, Received, StartError};
use crate::classify::{self, Classified, Reply};
use crate::known_failures::KnownFailures;
use crate::outcome::{CaseKind, Outcome};
use crate::suite::{Case, Suite};

/// Requests in flight at most.
pub const WINDOW: usize = 64;
/// Restarts after a fault before the rest of the run is `not-run`.
pub const MAX_RESTARTS: usize = 3;

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
    /// `--strict`.
    pub strict: bool,
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
            max_fail: None,
            max_restarts: MAX_RESTARTS,
        }
    }
}

/// Why a run could not happen at all (exit 2).
#[derive(Debug)]
pub enum RunError {
    /// Bad options (a glob, the known-failures file).
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
    /// The case's verdict in the vectors (`valid`, `acceptable`, `invalid`).
    pub result: userhash_vectors::format::Verdict,
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
    /// Count per outcome (every outcome present).
    pub summary: BTreeMap<Outcome, usize>,
    /// Whether the port conforms (exit 0).
    pub conformant: bool,
    /// `--strict` was given.
    pub strict: bool,
    /// Times the adapter was restarted after a fault.
    pub restarts: usize,
    /// Why the run stopped before the end, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// Mistake name → number of failing (or warned) cases it explains.
    pub mistakes: BTreeMap<Mistake, usize>,
    /// Wall time.
    pub duration_ms: u64,
    /// Every case, in suite order.
    pub cases: Vec<CaseResult>,
}

impl RunReport {
    /// 0 when conformant, else 1.
    pub fn exit_code(&self) -> i32 {
        if self.conformant {
            0
        } else {
            1
        }
    }

    /// Count of one outcome.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.summary.get(&outcome).copied().unwrap_or(0)
    }

    /// The cases that make the run fail.
    pub fn failures(&self) -> impl Iterator<Item = &CaseResult> {
        self.cases.iter().filter(|c| c.outcome.is_failure())
    }
}

/// Builds a glob set; `Err` names the bad pattern.
pub fn globs(patterns: &[String], flag: &str) -> Result<Option<GlobSet>, RunError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern)
            .map_err(|e| RunError::Usage(format!("{flag} {pattern:?}: not a valid glob: {e}")))?;
        builder.add(glob);
    }
    builder
        .build()
        .map(Some)
        .map_err(|e| RunError::Usage(format!("{flag}: {e}")))
}

/// Why a case is left out by `--only`/`--skip`, if it is.
pub fn excluded(id: &str, only: Option<&GlobSet>, skip: Option<&GlobSet>) -> Option<&'static str> {
    if only.is_some_and(|only| !only.is_match(id)) {
        return Some("not selected by --only");
    }
    if skip.is_some_and(|skip| skip.is_match(id)) {
        return Some("excluded by --skip");
    }
    None
}

fn base_result(suite: &Suite, case: &Case<'_>) -> CaseResult {
    let mut input = serde_json::Map::new();
    if let Value::Object(request) = classify::request(case, 0) {
        for (key, value) in request {
            match key.as_str() {
                "cmd" | "seq" | "id" => {}
                "secret" if !suite.is_public_secret(case.secret()) => {
                    input.insert(key, json!("<redacted>"));
                }
                _ => {
                    input.insert(key, value);
                }
            }
        }
    }
    let input = Value::Object(input);
    let (result, expected) = match case {
        Case::UserHash(c) => (
            c.result,
            serde_json::to_value(&c.expected).unwrap_or(Value::Null),
        ),
        Case::Verify(c) => (
            c.result,
            serde_json::to_value(c.expected).unwrap_or(Value::Null),
        ),
    };
    CaseResult {
        id: case.id().to_owned(),
        kind: case.kind(),
        result,
        outcome: Outcome::NotRun,
        message: String::new(),
        input,
        expected,
        actual: Value::Null,
        diagnosis: Vec::new(),
        hint: None,
        stderr: None,
    }
}

/// Progress of a run: (cases finished, cases to run, last case id).
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize, &str);

struct Runner<'s> {
    options: &'s RunOptions,
    command: &'s AdapterCommand,
    results: Vec<CaseResult>,
    failures: usize,
    stopped: Option<String>,
}

impl Runner<'_> {
    fn finish(
        &mut self,
        index: usize,
        mut outcome: Outcome,
        message: String,
        actual: Value,
        diagnosis: Vec<Mistake>,
        stderr: Option<String>,
    ) {
        let listed = self
            .options
            .known_failures
            .contains(&self.results[index].id);
        let verify = self.results[index].kind == CaseKind::Verify;
        let hint = classify::hint(outcome, &message, &diagnosis, verify);
        outcome = classify::apply_known(outcome, listed);
        let message = match outcome {
            Outcome::Xpass => {
                "listed in --known-failures but passes now: remove it from the list".to_owned()
            }
            Outcome::Xfail => format!("known failure: {message}"),
            _ => message,
        };
        if outcome.is_failure() {
            self.failures += 1;
            if let Some(max) = self.options.max_fail {
                if self.failures >= max && self.stopped.is_none() {
                    self.stopped = Some(format!("stopped after {max} failure(s) (--max-fail)"));
                }
            }
        }
        let result = &mut self.results[index];
        result.outcome = outcome;
        result.message = message;
        result.actual = actual;
        result.diagnosis = diagnosis;
        result.hint = hint;
        result.stderr = stderr;
    }

    fn classify(&self, case: &Case<'_>, reply: &Reply) -> Classified {
        match case {
            Case::UserHash(c) => classify::classify_generation(c, reply, self.options.strict),
            Case::Verify(c) => classify::classify_verify(c, reply, self.options.strict),
        }
    }
}

/// Runs the suite against the adapter. The first start failing is a [`RunError`]; later faults
/// are recorded per case.
pub fn run(
    suite: &Suite,
    command: &AdapterCommand,
    options: &RunOptions,
    progress: Progress<'_>,
) -> Result<RunReport, RunError> {
    let started = Instant::now();
    let only = globs(&options.only, "--only")?;
    let skip = globs(&options.skip, "--skip")?;
    options
        .known_failures
        .check_known(suite.cases().iter().map(|c| c.id()))
        .map_err(RunError::Usage)?;
    let adapter = Adapter::start(command, options.handshake_timeout).map_err(RunError::Start)?;
    let implementation = adapter.implementation.clone();
    let cases = suite.cases();
    let mut runner = Runner {
        options,
        command,
        results: cases.iter().map(|c| base_result(suite, c)).collect(),
        failures: 0,
        stopped: None,
    };
    let verify = implementation.has_feature("verify");
    let mut to_send = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let reason = excluded(case.id(), only.as_ref(), skip.as_ref())
            .map(str::to_owned)
            .or_else(|| {
                (case.kind() == CaseKind::Verify && !verify)
                    .then(|| "the adapter does not declare the \"verify\" feature".to_owned())
            });
        match reason {
            Some(reason) => {
                runner.results[index].outcome = Outcome::Skip;
                runner.results[index].message = reason;
            }
            None => to_send.push(index),
        }
    }

    let total = to_send.len();
    let mut restarts = 0;
    let mut seq: u64 = 0;
    let mut next_send = 0; // position in to_send
    let mut next_receive = 0;
    let mut in_flight: VecDeque<u64> = VecDeque::new();
    let mut alive = Some(adapter);
    while next_receive < total && runner.stopped.is_none() {
        let Some(current) = alive.as_mut() else { break };
        while next_send < total && next_send - next_receive < WINDOW {
            seq += 1;
            current.send(&classify::request(&cases[to_send[next_send]], seq));
            in_flight.push_back(seq);
            next_send += 1;
        }
        let index = to_send[next_receive];
        let case = &cases[index];
        let expected_seq = in_flight.front().copied().unwrap_or(0);
        let fault = match current.receive(options.timeout) {
            Received::Reply(value) => match value.get("seq").and_then(Value::as_u64) {
                Some(got) if got == expected_seq => {
                    let reply = Reply::parse(&value, case.kind() == CaseKind::Verify);
                    let classified = runner.classify(case, &reply);
                    runner.finish(index, classified.outcome, classified.message, reply.to_actual(), classified.diagnosis, None);
                    None
                }
                got => Some((
                    Outcome::Error,
                    format!(
                        "protocol error: the reply's seq is {}, expected {expected_seq} (replies must come in \
                         request order and echo the request's seq): {}",
                        got.map_or_else(|| "missing".to_owned(), |s| s.to_string()),
                        clip(&value.to_string(), 200)
                    ),
                    value,
                )),
            },
            Received::Garbage(line) => Some((
                Outcome::Error,
                format!("protocol error: the adapter wrote a line that is not JSON: {}", clip(&line, 200)),
                Value::Null,
            )),
            Received::Eof => Some((
                Outcome::Crash,
                "the adapter exited (or closed stdout) before replying".to_owned(),
                Value::Null,
            )),
            Received::Timeout => Some((
                Outcome::Timeout,
                format!("no reply within {:.1} s (--timeout)", options.timeout.as_secs_f64()),
                Value::Null,
            )),
        };
        in_flight.pop_front();
        next_receive += 1;
        if let Some((outcome, message, actual)) = fault {
            current.kill();
            std::thread::sleep(Duration::from_millis(20));
            let stderr = current.stderr_tail();
            runner.finish(
                index,
                outcome,
                format!("{message}; the adapter was killed"),
                actual,
                Vec::new(),
                Some(stderr),
            );
            alive = None;
            in_flight.clear();
            next_send = next_receive;
            // Restart, replaying the handshake; a failed restart uses up a restart too.
            while alive.is_none() && next_receive < total && runner.stopped.is_none() {
                if restarts >= options.max_restarts {
                    runner.stopped = Some(format!(
                        "the adapter faulted after {restarts} restart(s); the remaining cases were not run"
                    ));
                    break;
                }
                restarts += 1;
                match Adapter::start(runner.command, options.handshake_timeout) {
                    Ok(restarted) => alive = Some(restarted),
                    Err(error) => {
                        if restarts >= options.max_restarts {
                            runner.stopped = Some(format!(
                                "the adapter could not be restarted after a fault: {error}"
                            ));
                        }
                    }
                }
            }
        }
        progress(next_receive, total, case.id());
    }
    if let Some(adapter) = alive {
        adapter.stop();
    }
    for &index in &to_send[next_receive.min(total)..] {
        let result = &mut runner.results[index];
        result.outcome = Outcome::NotRun;
        result.message = runner.stopped.clone().unwrap_or_default();
    }
    explain_refused_hashes_by_the_ports_own_mistakes(&cases, &mut runner.results);
    let mut summary: BTreeMap<Outcome, usize> = Outcome::ALL.iter().map(|o| (*o, 0)).collect();
    for result in &runner.results {
        *summary.entry(result.outcome).or_default() += 1;
    }
    let mut mistakes: BTreeMap<Mistake, usize> = BTreeMap::new();
    for result in &runner.results {
        if matches!(
            result.outcome,
            Outcome::Fail | Outcome::Error | Outcome::Warn | Outcome::Xfail
        ) {
            for mistake in &result.diagnosis {
                *mistakes.entry(*mistake).or_default() += 1;
            }
        }
    }
    let failing = runner.results.iter().any(|r| r.outcome.is_failure());
    let xpass = summary.get(&Outcome::Xpass).copied().unwrap_or(0) > 0;
    let conformant = !failing && runner.stopped.is_none() && !(options.strict && xpass);
    Ok(RunReport {
        implementation,
        command: command.display(),
        suite: SuiteInfo {
            name: suite.name.clone(),
            version: suite.version.clone(),
            source: suite.source.clone(),
        },
        summary,
        conformant,
        strict: options.strict,
        restarts,
        stopped: runner.stopped,
        mistakes,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        cases: runner.results,
    })
}

/// A verifier that refuses a correct hash leaves no observed value to match against the
/// catalogue. But a port's verifier recomputes the hash with its own `user_hash`, so the mistakes
/// its generation cases were diagnosed with explain the refusal wherever they change this case's
/// hash. Without this, every such refusal is "unexplained" although the cause is known.
fn explain_refused_hashes_by_the_ports_own_mistakes(
    cases: &[Case<'_>],
    results: &mut [CaseResult],
) {
    let seen: BTreeSet<Mistake> = results
        .iter()
        .filter(|result| result.kind == CaseKind::UserHash && result.outcome != Outcome::Pass)
        .flat_map(|result| result.diagnosis.iter().copied())
        .collect();
    if seen.is_empty() {
        return;
    }
    for (case, result) in cases.iter().zip(results.iter_mut()) {
        let Case::Verify(case) = case else { continue };
        let refused_correct =
            case.expected.valid && result.actual.get("valid") == Some(&Value::Bool(false));
        if !refused_correct || !result.diagnosis.is_empty() {
            continue;
        }
        let input = userhash_mistakes::Input {
            secret: &case.input.secret,
            user_id: case.input.user_id.as_ref(),
            email: case.input.email.as_ref(),
        };
        result.diagnosis = seen
            .iter()
            .copied()
            .filter(|mistake| !mistake.answers(&input).is_empty())
            .collect();
        if let Some(first) = result.diagnosis.first() {
            result.hint = Some(first.hint().to_owned());
        }
    }
}

/// The run-level explanation: "17 failures, all explained by X: hint" or
/// "12 failures: 9 explained by X, 3 unexplained" (a greedy cover, largest first).
pub fn explain_failures(report: &RunReport) -> Option<String> {
    let failing: Vec<&CaseResult> = report.failures().collect();
    let (cases, singular, plural) = if failing.is_empty() {
        let warned: Vec<&CaseResult> = report
            .cases
            .iter()
            .filter(|c| c.outcome == Outcome::Warn)
            .collect();
        (
            warned,
            "warning (acceptable deviation)",
            "warnings (acceptable deviations)",
        )
    } else {
        (failing, "failure", "failures")
    };
    if cases.is_empty() {
        return None;
    }
    let total = cases.len();
    let label = if total == 1 { singular } else { plural };
    let mut remaining = cases;
    let mut parts: Vec<(Mistake, usize)> = Vec::new();
    loop {
        let mut counts: BTreeMap<Mistake, usize> = BTreeMap::new();
        for case in &remaining {
            for mistake in &case.diagnosis {
                *counts.entry(*mistake).or_default() += 1;
            }
        }
        // The mistake explaining most; ties go to the catalogue's order.
        let Some((best, count)) = counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        else {
            break;
        };
        parts.push((best, count));
        remaining.retain(|case| !case.diagnosis.contains(&best));
    }
    Some(match (parts.as_slice(), remaining.len()) {
        ([], _) => format!("{total} {label}, none explained by a catalogued mistake"),
        ([(mistake, _)], 0) => {
            format!(
                "{total} {label}, all explained by {mistake}: {}",
                mistake.hint()
            )
        }
        (parts, unexplained) => {
            let listed: Vec<String> = parts
                .iter()
                .enumerate()
                .map(|(i, (m, n))| {
                    if i == 0 {
                        format!("{n} explained by {m}")
                    } else {
                        format!("{n} by {m}")
                    }
                })
                .collect();
            let mut text = format!("{total} {label}: {}", listed.join(", "));
            if unexplained > 0 {
                text.push_str(&format!(", {unexplained} unexplained"));
            }
            if let Some((first, _)) = parts.first() {
                text.push_str(&format!(" ({first}: {})", first.hint()));
            }
            text
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(diagnoses: &[(Outcome, &[Mistake])]) -> RunReport {
        let cases = diagnoses
            .iter()
            .enumerate()
            .map(|(i, (outcome, diagnosis))| CaseResult {
                id: format!("case-{i}"),
                kind: CaseKind::UserHash,
                result: userhash_vectors::format::Verdict::Valid,
                outcome: *outcome,
                message: String::new(),
                input: Value::Null,
                expected: Value::Null,
                actual: Value::Null,
                diagnosis: diagnosis.to_vec(),
                hint: None,
                stderr: None,
            })
            .collect();
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
            summary: BTreeMap::new(),
            conformant: false,
            strict: false,
            restarts: 0,
            stopped: None,
            mistakes: BTreeMap::new(),
            duration_ms: 0,
            cases,
        }
    }

    #[test]
    fn run_level_explanations() {
        let upper = Mistake::UppercaseHex;
        let all = report(&[
            (Outcome::Fail, &[upper]),
            (Outcome::Fail, &[upper]),
            (Outcome::Pass, &[]),
        ]);
        let line = explain_failures(&all).expect("failures");
        assert!(
            line.starts_with("2 failures, all explained by UPPERCASE_HEX: "),
            "{line}"
        );
        let mixed = report(&[
            (Outcome::Fail, &[upper]),
            (Outcome::Fail, &[upper, Mistake::Base64Output]),
            (Outcome::Error, &[]),
        ]);
        let line = explain_failures(&mixed).expect("failures");
        assert!(
            line.starts_with("3 failures: 2 explained by UPPERCASE_HEX, 1 unexplained"),
            "{line}"
        );
        assert_eq!(explain_failures(&report(&[(Outcome::Pass, &[])])), None);
        let warned = report(&[(Outcome::Warn, &[])]);
        assert!(explain_failures(&warned)
            .expect("warnings")
            .contains("acceptable deviation"));
    }

    #[test]
    fn glob_selection() {
        let only = globs(&["basic-*".into()], "--only").expect("ok");
        let skip = globs(&["*-email".into()], "--skip").expect("ok");
        assert_eq!(excluded("basic-id", only.as_ref(), skip.as_ref()), None);
        assert!(excluded("other", only.as_ref(), skip.as_ref()).is_some());
        assert!(excluded("basic-email", only.as_ref(), skip.as_ref()).is_some());
        assert!(globs(&["[".into()], "--only").is_err());
    }
}
