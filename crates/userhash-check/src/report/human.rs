//! Human output: each failure with what the case tests, expected vs actual, the diagnosis and
//! the hint (failures that share a diagnosis grouped, unless `-v`), then the verdict line with
//! its coverage, the reasons, and the run-level explanation.

use crate::outcome::Outcome;
use crate::run::{CaseResult, RunReport};

use super::Style;

/// Cases shown in full per group of failures that share a diagnosis (the rest are counted).
pub const SHOWN_PER_GROUP: usize = 3;

fn paint(style: Style<'_>, code: &str, text: &str) -> String {
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

/// Like [`sanitize`], for text that must stay on one line (names in the verdict line): a port
/// must not be able to start a line of its own there.
pub fn sanitize_line(text: &str) -> String {
    super::visible_controls(text, &[])
}

/// Port text for a case block: sanitized, and every line after the first indented like the
/// block, so nothing the port writes can start a line of its own (a forged verdict, say).
fn block_text(text: &str) -> String {
    sanitize(text).replace('\n', "\n          ")
}

fn case_block(case: &CaseResult, style: Style<'_>) -> String {
    let label = case.outcome.as_str().to_uppercase();
    let mut out = format!(
        "{} {} ({}, {})\n",
        paint(style, outcome_colour(case.outcome), &format!("{label:>7}")),
        paint(style, "1", &case.id),
        case.kind,
        if case.mandatory {
            "mandatory"
        } else {
            "not mandatory"
        }
    );
    if !case.description.is_empty() {
        out.push_str(&format!(
            "        tests:    {}\n",
            block_text(&case.description)
        ));
    }
    if !case.message.is_empty() {
        out.push_str(&format!("        {}\n", block_text(&case.message)));
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
        out.push_str(&format!(
            "        diagnosis: {}\n",
            paint(style, "35", &names(case))
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

fn names(case: &CaseResult) -> String {
    case.diagnosis
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The verdict line: the verdict with its coverage, the counts, the implementation and suite.
pub fn summary_line(report: &RunReport, style: Style<'_>) -> String {
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
    let headline = paint(
        style,
        if report.conformant { "32;1" } else { "31;1" },
        &report.verdict.headline,
    );
    format!(
        "{headline}: {} — {} {} ({}), suite {} {}\n",
        counts.join(", "),
        sanitize_line(&report.implementation.name),
        sanitize_line(&report.implementation.version),
        sanitize_line(&report.implementation.language),
        report.suite.name,
        report.suite.version,
    )
}

/// Which cases are worth showing, and how they group: failures, blocking skips, warnings and
/// xpasses, grouped by what they share (the outcome's severity, the diagnosis and the hint).
fn groups(report: &RunReport) -> Vec<Vec<&CaseResult>> {
    let mut groups: Vec<Vec<&CaseResult>> = Vec::new();
    let key = |case: &CaseResult| {
        (
            case.outcome.is_failure() || report.is_blocking_skip(case),
            case.outcome == Outcome::Skip,
            case.diagnosis.clone(),
            case.hint.clone(),
        )
    };
    for case in &report.cases {
        let shown = case.outcome.is_failure()
            || report.is_blocking_skip(case)
            || matches!(case.outcome, Outcome::Warn | Outcome::Xpass);
        if !shown {
            continue;
        }
        match groups.iter_mut().find(|group| key(group[0]) == key(case)) {
            Some(group) => group.push(case),
            None => groups.push(vec![case]),
        }
    }
    groups
}

/// Renders the human report.
pub fn render(report: &RunReport, style: Style<'_>) -> String {
    let mut out = String::new();
    if style.verbose {
        for case in &report.cases {
            if case.outcome != Outcome::NotRun {
                out.push_str(&case_block(case, style));
                out.push('\n');
            }
        }
    } else if !style.quiet {
        for group in groups(report) {
            for case in group.iter().take(SHOWN_PER_GROUP) {
                out.push_str(&case_block(case, style));
                out.push('\n');
            }
            let rest = group.len().saturating_sub(SHOWN_PER_GROUP);
            if rest > 0 {
                let first = group[0];
                let alike = if first.diagnosis.is_empty() {
                    "the same outcome and hint".to_owned()
                } else {
                    format!("the same diagnosis ({})", names(first))
                };
                out.push_str(&format!(
                    "        … and {rest} more {} with {alike}; -v shows every case\n\n",
                    if rest == 1 { "case" } else { "cases" }
                ));
            }
        }
    }
    out.push_str(&summary_line(report, style));
    for reason in &report.verdict.reasons {
        out.push_str(&format!("  - {reason}\n"));
    }
    if report.restarts > 0 {
        out.push_str(&format!(
            "the adapter was restarted {} time(s) after faults\n",
            report.restarts
        ));
    }
    if let Some(explanation) = &report.explanation {
        out.push_str(&explanation.text);
        out.push('\n');
    }
    if report.count(Outcome::Xpass) > 0 && !report.strict {
        out.push_str("some known failures pass now: remove them from the --known-failures file\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::tests::report_of;
    use userhash_mistakes::Mistake;

    #[test]
    fn failures_sharing_a_diagnosis_are_grouped() {
        let upper: &[Mistake] = &[Mistake::UppercaseHex];
        let mut rows: Vec<(Outcome, &[Mistake])> = vec![(Outcome::Fail, upper); 60];
        rows.push((Outcome::Error, &[]));
        let report = report_of(&rows);
        let text = render(&report, Style::default());
        assert_eq!(text.matches("   FAIL ").count(), SHOWN_PER_GROUP, "{text}");
        assert!(
            text.contains("… and 57 more cases with the same diagnosis (UPPERCASE_HEX)"),
            "{text}"
        );
        assert_eq!(text.matches("  ERROR ").count(), 1);
        assert!(text.lines().count() < 60, "{} lines", text.lines().count());
        let verbose = render(
            &report,
            Style {
                verbose: true,
                ..Style::default()
            },
        );
        assert_eq!(verbose.matches("   FAIL ").count(), 60);
    }

    #[test]
    fn every_shown_case_says_what_it_tests() {
        let report = report_of(&[(Outcome::Fail, &[]), (Outcome::Pass, &[])]);
        let text = render(&report, Style::default());
        assert!(text.contains("tests:    what case 0 checks"), "{text}");
        let verbose = render(
            &report,
            Style {
                verbose: true,
                ..Style::default()
            },
        );
        assert!(
            verbose.contains("tests:    what case 1 checks"),
            "{verbose}"
        );
    }

    #[test]
    fn the_verdict_line_cannot_be_split_by_the_port() {
        let mut report = report_of(&[(Outcome::Fail, &[])]);
        report.implementation.name = "evil\nCONFORMANT: 98/98 cases".into();
        let line = summary_line(&report, Style::default());
        assert_eq!(line.lines().count(), 1, "{line}");
        assert!(line.starts_with("NOT CONFORMANT: 1/1 cases"), "{line}");
    }
}
