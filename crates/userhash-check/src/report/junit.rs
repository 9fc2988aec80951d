//! JUnit XML: one `<testsuite>` per vector file, one `<testcase>` per case.
//!
//! Hand-written rather than `quick-junit`, for a measured reason: `quick-junit` 0.8 brings
//! `chrono`, `uuid`, `newtype-uuid`, `quick-xml` and `vte`, and took a cold release build of the
//! checker from 53.5 s to 62.7 s on the 2-core reference machine (2026-11-28), past the 60 s
//! "time to first verdict" target in docs/PERFORMANCE.md, for the 150 lines below. What the
//! crate would guarantee is tested here instead: `tests/cli.rs` parses every report with
//! Python's XML parser, and `tests/faults.rs` checks that no control or bidi character from a
//! port reaches it raw.

use crate::outcome::{CaseKind, Outcome};
use crate::run::RunReport;

/// Escapes text for XML 1.0 content and attributes. Characters XML 1.0 cannot carry at all
/// (control characters other than tab, LF, CR; U+FFFE, U+FFFF), and the other unsafe ones (C1
/// controls, bidi overrides: see [`super::is_unsafe`]), become a visible `\u{…}`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if super::is_unsafe(c) || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// How a case lands in JUnit's vocabulary.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Passed,
    Failure,
    Error,
    Skipped,
    /// Passed, with something to say (warn, xpass).
    Noted,
}

fn class(report: &RunReport, case: &crate::run::CaseResult) -> Class {
    match case.outcome {
        Outcome::Pass => Class::Passed,
        Outcome::Fail => Class::Failure,
        // A mandatory case the port skipped fails the run, so CI test views must show it.
        Outcome::Skip if report.is_blocking_skip(case) => Class::Failure,
        Outcome::Error | Outcome::Timeout | Outcome::Crash => Class::Error,
        Outcome::Skip | Outcome::NotRun | Outcome::Xfail => Class::Skipped,
        Outcome::Warn | Outcome::Xpass => Class::Noted,
    }
}

/// Renders the JUnit XML report.
pub fn render(report: &RunReport) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let count = |kind: Option<CaseKind>, wanted: Class| {
        report
            .cases
            .iter()
            .filter(|c| kind.is_none_or(|k| c.kind == k) && class(report, c) == wanted)
            .count()
    };
    xml.push_str(&format!(
        "<testsuites name=\"userhash-check {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">\n",
        escape(&report.implementation.name),
        report.cases.len(),
        count(None, Class::Failure),
        count(None, Class::Error),
        count(None, Class::Skipped),
        report.duration_ms as f64 / 1000.0
    ));
    for kind in CaseKind::ALL {
        let cases: Vec<_> = report.cases.iter().filter(|c| c.kind == kind).collect();
        if cases.is_empty() {
            continue;
        }
        xml.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
            kind,
            cases.len(),
            count(Some(kind), Class::Failure),
            count(Some(kind), Class::Error),
            count(Some(kind), Class::Skipped),
        ));
        xml.push_str("    <properties>");
        for (name, value) in [
            ("implementation", report.implementation.name.as_str()),
            ("language", report.implementation.language.as_str()),
            ("version", report.implementation.version.as_str()),
            ("suite-version", report.suite.version.as_str()),
            ("verdict", report.verdict.headline.as_str()),
        ] {
            xml.push_str(&format!(
                "<property name=\"{name}\" value=\"{}\"/>",
                escape(value)
            ));
        }
        xml.push_str("</properties>\n");
        for case in cases {
            xml.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\">\n",
                kind,
                escape(&case.id)
            ));
            let mut details = format!(
                "tests: {}\nexpected: {}\nactual: {}\n",
                case.description, case.expected, case.actual
            );
            if !case.diagnosis.is_empty() {
                let names: Vec<String> = case.diagnosis.iter().map(ToString::to_string).collect();
                details.push_str(&format!("diagnosis: {}\n", names.join(", ")));
            }
            if let Some(hint) = &case.hint {
                details.push_str(&format!("hint: {hint}\n"));
            }
            if let Some(stderr) = &case.stderr {
                details.push_str(&format!("stderr (tail):\n{stderr}\n"));
            }
            let o = case.outcome;
            let body = match class(report, case) {
                Class::Passed => format!(
                    "<system-out>tests: {}</system-out>",
                    escape(&case.description)
                ),
                Class::Failure => format!(
                    "<failure type=\"{o}\" message=\"{}\">{}</failure>",
                    escape(&case.message),
                    escape(&details)
                ),
                Class::Error => format!(
                    "<error type=\"{o}\" message=\"{}\">{}</error>",
                    escape(&case.message),
                    escape(&details)
                ),
                Class::Skipped => format!(
                    "<skipped message=\"{o}: {}\"/>\n      <system-out>tests: {}</system-out>",
                    escape(&case.message),
                    escape(&case.description)
                ),
                Class::Noted => format!(
                    "<system-out>{o}: {}\n{}</system-out>",
                    escape(&case.message),
                    escape(&details)
                ),
            };
            xml.push_str(&format!("      {body}\n    </testcase>\n"));
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
        assert_eq!(escape("nul\0bell\u{7}"), "nul\\u{0}bell\\u{7}");
        assert_eq!(escape("tab\tnl\n"), "tab\tnl\n");
        assert_eq!(escape("\u{ffff}é"), "\\u{ffff}é");
    }
}
