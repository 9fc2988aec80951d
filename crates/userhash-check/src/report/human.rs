//! Human output: a coloured summary, each failure with expected vs actual, the diagnosis and
//! the hint, then the run-level explanation.

use crate::outcome::Outcome;
use crate::run::{explain_failures, CaseResult, RunReport};

use super::Style;

fn paint(style: Style, code: &str, text: &str) -> String {
    if style.color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

fn outcome_colour(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass | Outcome::Xfail => "32",
        Outcome::Warn | Outcome::Xpass => "33",
        Outcome::Skip | Outcome::NotRun => "2",
        _ => "31;1",
    }
}

/// Makes port-controlled text safe for a terminal: control characters become visible.
pub fn sanitize(text: &str) -> String {
    super::visible_controls(text, &['\n', '\t'])
}

fn case_block(case: &CaseResult, style: Style) -> String {
    let mut out = format!(
        "{} {} ({})\n",
        paint(
            style,
            outcome_colour(case.outcome),
            &format!("{:>7}", case.outcome.as_str().to_uppercase())
        ),
        paint(style, "1", &case.id),
        case.kind
    );
    if !case.message.is_empty() {
        out.push_str(&format!("        {}\n", sanitize(&case.message)));
    }
    out.push_str(&format!(
        "        input:    {}\n",
        sanitize(&case.input.to_string())
    ));
    out.push_str(&format!(
        "        expected: {}\n",
        sanitize(&case.expected.to_string())
    ));
    if !case.actual.is_null() {
        out.push_str(&format!(
            "        actual:   {}\n",
            sanitize(&case.actual.to_string())
        ));
    }
    if !case.diagnosis.is_empty() {
        let names: Vec<String> = case.diagnosis.iter().map(ToString::to_string).collect();
        out.push_str(&format!(
            "        diagnosis: {}\n",
            paint(style, "35", &names.join(", "))
        ));
    }
    if let Some(hint) = &case.hint {
        out.push_str(&format!("        hint: {hint}\n"));
    }
    if let Some(stderr) = &case.stderr {
        if !stderr.trim().is_empty() {
            out.push_str("        stderr (tail):\n");
            for line in sanitize(stderr)
                .lines()
                .rev()
                .take(if style.verbose { 200 } else { 10 })
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
            {
                out.push_str(&format!("          | {line}\n"));
            }
        }
    }
    out
}

/// The one-line summary.
pub fn summary_line(report: &RunReport, style: Style) -> String {
    let counts: Vec<String> = Outcome::ALL
        .iter()
        .filter(|o| report.count(**o) > 0)
        .map(|o| {
            paint(
                style,
                outcome_colour(*o),
                &format!("{} {o}", report.count(*o)),
            )
        })
        .collect();
    let verdict = if report.conformant {
        paint(style, "32;1", "CONFORMANT")
    } else {
        paint(style, "31;1", "NOT CONFORMANT")
    };
    format!(
        "{verdict}: {} {} ({}) against {} {}: {}\n",
        sanitize(&report.implementation.name),
        sanitize(&report.implementation.version),
        sanitize(&report.implementation.language),
        report.suite.name,
        report.suite.version,
        counts.join(", ")
    )
}

/// Renders the human report.
pub fn render(report: &RunReport, style: Style) -> String {
    let mut out = String::new();
    if !style.quiet {
        for case in &report.cases {
            let show = case.outcome.is_failure()
                || matches!(case.outcome, Outcome::Warn | Outcome::Xpass)
                || (style.verbose && case.outcome != Outcome::NotRun);
            if show {
                out.push_str(&case_block(case, style));
                out.push('\n');
            }
        }
    }
    out.push_str(&summary_line(report, style));
    if let Some(stopped) = &report.stopped {
        out.push_str(&format!(
            "{}\n",
            paint(style, "31", &format!("stopped early: {stopped}"))
        ));
    }
    if report.restarts > 0 {
        out.push_str(&format!(
            "the adapter was restarted {} time(s) after faults\n",
            report.restarts
        ));
    }
    if let Some(line) = explain_failures(report) {
        out.push_str(&line);
        out.push('\n');
    }
    if report.count(Outcome::Xpass) > 0 {
        out.push_str("some known failures pass now: remove them from the --known-failures file\n");
    }
    out
}
