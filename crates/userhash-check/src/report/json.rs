//! The JSON report: the [`RunReport`] serialized, pretty-printed.

use crate::run::RunReport;

/// Renders the JSON report.
pub fn render(report: &RunReport) -> String {
    let mut text = serde_json::to_string_pretty(report)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize the report: {e}\"}}"));
    text.push('\n');
    text
}
