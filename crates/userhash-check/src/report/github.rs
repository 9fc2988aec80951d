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

/// The annotations only.
pub fn annotations(report: &RunReport) -> String {
    let mut out = String::new();
    for case in &report.cases {
        let level = match case.outcome {
            o if o.is_failure() => "error",
            Outcome::Warn | Outcome::Xpass => "warning",
            _ => continue,
        };
        let mut message = format!("{} ({}): {}", case.id, case.outcome, case.message);
        if !case.diagnosis.is_empty() {
            let names: Vec<String> = case.diagnosis.iter().map(ToString::to_string).collect();
            message.push_str(&format!("\ndiagnosis: {}", names.join(", ")));
        }
        if let Some(hint) = &case.hint {
            message.push_str(&format!("\nhint: {hint}"));
        }
        out.push_str(&format!(
            "::{level} file={},title={}::{}\n",
            escape_property(&format!("vectors/{}", case.kind.file_name())),
            escape_property(&format!("userhash-check {}", case.id)),
            escape_data(&message)
        ));
    }
    out
}

/// Annotations, then the markdown summary.
pub fn render(report: &RunReport) -> String {
    let mut out = annotations(report);
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
}
