//! JUnit XML: one `<testsuite>` per vector file, one `<testcase>` per case.

use crate::outcome::{CaseKind, Outcome};
use crate::run::RunReport;

/// Escapes text for XML 1.0 content and attributes. Characters XML 1.0 cannot carry at all
/// (control characters other than tab, LF, CR; U+FFFE, U+FFFF) become a visible `\u{…}`.
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
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// Renders the JUnit XML report.
pub fn render(report: &RunReport) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let failures = |kind: Option<CaseKind>, pick: fn(Outcome) -> bool| {
        report
            .cases
            .iter()
            .filter(|c| kind.is_none_or(|k| c.kind == k) && pick(c.outcome))
            .count()
    };
    let is_failure = |o: Outcome| o == Outcome::Fail;
    let is_error = |o: Outcome| matches!(o, Outcome::Error | Outcome::Timeout | Outcome::Crash);
    let is_skipped = |o: Outcome| matches!(o, Outcome::Skip | Outcome::NotRun | Outcome::Xfail);
    xml.push_str(&format!(
        "<testsuites name=\"userhash-check {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">\n",
        escape(&report.implementation.name),
        report.cases.len(),
        failures(None, is_failure),
        failures(None, is_error),
        failures(None, is_skipped),
        report.duration_ms as f64 / 1000.0
    ));
    for kind in [CaseKind::UserHash, CaseKind::Verify] {
        let cases: Vec<_> = report.cases.iter().filter(|c| c.kind == kind).collect();
        if cases.is_empty() {
            continue;
        }
        xml.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
            kind,
            cases.len(),
            failures(Some(kind), is_failure),
            failures(Some(kind), is_error),
            failures(Some(kind), is_skipped),
        ));
        xml.push_str(&format!(
            "    <properties><property name=\"implementation\" value=\"{}\"/><property name=\"language\" value=\"{}\"/><property name=\"version\" value=\"{}\"/><property name=\"suite-version\" value=\"{}\"/></properties>\n",
            escape(&report.implementation.name),
            escape(&report.implementation.language),
            escape(&report.implementation.version),
            escape(&report.suite.version),
        ));
        for case in cases {
            xml.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\"",
                kind,
                escape(&case.id)
            ));
            let mut details = format!("expected: {}\nactual: {}\n", case.expected, case.actual);
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
            let body = match case.outcome {
                Outcome::Pass => None,
                Outcome::Fail => Some(format!(
                    "<failure type=\"fail\" message=\"{}\">{}</failure>",
                    escape(&case.message),
                    escape(&details)
                )),
                o if is_error(o) => Some(format!(
                    "<error type=\"{o}\" message=\"{}\">{}</error>",
                    escape(&case.message),
                    escape(&details)
                )),
                o if is_skipped(o) => Some(format!(
                    "<skipped message=\"{}: {}\"/>",
                    o,
                    escape(&case.message)
                )),
                o => Some(format!(
                    "<system-out>{}: {}\n{}</system-out>",
                    o,
                    escape(&case.message),
                    escape(&details)
                )),
            };
            match body {
                None => xml.push_str("/>\n"),
                Some(body) => xml.push_str(&format!(">\n      {body}\n    </testcase>\n")),
            }
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
