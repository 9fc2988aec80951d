//! Markdown: a summary table and a failures table (fit for `$GITHUB_STEP_SUMMARY`).

use crate::outcome::Outcome;
use crate::run::RunReport;

/// Escapes text for a table cell.
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '`' => out.push('\''),
            c if super::is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Renders the markdown report.
pub fn render(report: &RunReport) -> String {
    let imp = &report.implementation;
    let mut md = format!(
        "## userhash-check: {} ({} {}) — {}\n\n",
        cell(&imp.name),
        cell(&imp.language),
        cell(&imp.version),
        if report.conformant {
            "✅ conformant"
        } else {
            "❌ not conformant"
        }
    );
    md.push_str(&format!(
        "**{}** against suite {} {} ({}){}{}.\n\n",
        cell(&report.verdict.headline),
        cell(&report.suite.name),
        cell(&report.suite.version),
        cell(&report.suite.source),
        if report.strict { ", --strict" } else { "" },
        if report.allow_skip {
            ", --allow-skip"
        } else {
            ""
        }
    ));
    for reason in &report.verdict.reasons {
        md.push_str(&format!("- {}\n", cell(reason)));
    }
    if !report.verdict.reasons.is_empty() {
        md.push('\n');
    }
    md.push_str("| outcome | cases |\n| --- | ---: |\n");
    for outcome in Outcome::ALL {
        let count = report.count(outcome);
        if count > 0 {
            md.push_str(&format!("| {outcome} | {count} |\n"));
        }
    }
    md.push('\n');
    if let Some(explanation) = &report.explanation {
        md.push_str(&format!("**Diagnosis:** {}\n\n", cell(&explanation.text)));
    }
    let shown: Vec<_> = report
        .cases
        .iter()
        .filter(|c| {
            c.outcome.is_failure()
                || report.is_blocking_skip(c)
                || matches!(c.outcome, Outcome::Warn | Outcome::Xpass)
        })
        .collect();
    if !shown.is_empty() {
        md.push_str("| case | kind | outcome | expected | actual | diagnosis |\n| --- | --- | --- | --- | --- | --- |\n");
        for case in shown {
            let diagnosis: Vec<String> = case.diagnosis.iter().map(ToString::to_string).collect();
            md.push_str(&format!(
                "| `{}`<br>{} | {} | {} | {} | {} | {} |\n",
                case.id.replace('`', "'"),
                cell(&case.description),
                case.kind,
                case.outcome,
                cell(&case.expected.to_string()),
                cell(&if case.actual.is_null() {
                    case.message.clone()
                } else {
                    case.actual.to_string()
                }),
                cell(&diagnosis.join(", "))
            ));
        }
        md.push('\n');
    }
    md
}
