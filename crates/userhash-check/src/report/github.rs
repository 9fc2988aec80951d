//! GitHub Actions: one `::error` workflow command per failure (`::warning` per acceptable
//! deviation and per xpass), then the markdown summary.

use crate::outcome::Outcome;
use crate::run::RunReport;

/// Escapes a workflow command's message.
pub fn escape_data(text: &str) -> String {
    // Line breaks stay, to be encoded as %0D / %0A below.
    super::visible_controls(text, &['\n', '\r', '\t'])
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The annotations only. Each is titled by its case id; it names a file only when one is
/// given (`--annotation-file`, e.g. the adapter's source), since the vector files are not in
/// the user's repository.
pub fn annotations(report: &RunReport, file: Option<&str>) -> String {
    let mut out = String::new();
    for case in &report.cases {
        let level = match case.outcome {
            o if o.is_failure() => "error",
            Outcome::Skip if report.is_blocking_skip(case) => "error",
            Outcome::Warn | Outcome::Xpass => "warning",
            _ => continue,
        };
        let mut message = format!("{} ({}): {}", case.id, case.outcome, case.message);
        if !case.description.is_empty() {
            message.push_str(&format!("\ntests: {}", case.description));
        }
        if !case.diagnosis.is_empty() {
            let names: Vec<String> = case.diagnosis.iter().map(ToString::to_string).collect();
            message.push_str(&format!("\ndiagnosis: {}", names.join(", ")));
        }
        if let Some(hint) = &case.hint {
            message.push_str(&format!("\nhint: {hint}"));
        }
        let mut properties = Vec::new();
        if let Some(file) = file {
            properties.push(format!("file={}", escape_property(file)));
        }
        properties.push(format!("title={}", escape_property(&case.id)));
        out.push_str(&format!(
            "::{level} {}::{}\n",
            properties.join(","),
            escape_data(&message)
        ));
    }
    out
}

/// Annotations, then the markdown summary.
pub fn render(report: &RunReport, file: Option<&str>) -> String {
    let mut out = annotations(report, file);
    out.push_str(&super::markdown::render(report));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("a%b\nc\r"), "a%25b%0Ac%0D");
        assert_eq!(escape_data("esc\u{1b}"), "esc\\u{1b}");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn annotations_name_a_file_only_when_given_one() {
        let report = crate::run::tests::report_of(&[(Outcome::Fail, &[]), (Outcome::Pass, &[])]);
        let plain = annotations(&report, None);
        assert_eq!(plain.lines().count(), 1, "{plain}");
        assert!(plain.starts_with("::error title=case-0::"), "{plain}");
        assert!(!plain.contains("file="), "{plain}");
        assert!(plain.contains("tests: what case 0 checks"), "{plain}");
        let on_file = annotations(&report, Some("adapters/my_port.py"));
        assert!(
            on_file.starts_with("::error file=adapters/my_port.py,title=case-0::"),
            "{on_file}"
        );
    }
}
