//! The JSON report: the [`RunReport`] serialized, pretty-printed.

use crate::run::RunReport;

/// Renders the JSON report. serde_json escapes only what JSON requires (C0 controls); the
/// other unsafe characters (DEL, C1 controls, bidi overrides) are escaped too, as `\uXXXX`, so
/// a viewer of the file cannot be driven by the port's text. They can only occur inside
/// strings, so escaping them keeps the document valid and equal in meaning.
pub fn render(report: &RunReport) -> String {
    let text = serde_json::to_string_pretty(report)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialize the report: {e}\"}}"));
    escape_unsafe(&text)
}

/// Serialized JSON with DEL, C1 controls and bidi overrides escaped as `\uXXXX` (see
/// [`render`]), and a final newline: for every JSON document the checker prints.
pub fn escape_unsafe(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        // C0 controls are JSON's to escape, and outside strings there are only ASCII
        // newlines and spaces: escape what lies above.
        if u32::from(c) >= 0x7f && super::is_unsafe(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::Outcome;

    #[test]
    fn port_text_is_escaped_and_the_document_stays_valid() {
        let mut report = crate::run::tests::report_of(&[(Outcome::Fail, &[])]);
        report.cases[0].message = "a\u{202e}b\u{9b}c\u{7f}d\ne".into();
        let text = render(&report);
        for c in ['\u{202e}', '\u{9b}', '\u{7f}'] {
            assert!(!text.contains(c), "{c:?} is raw");
        }
        let back: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(back["cases"][0]["message"], "a\u{202e}b\u{9b}c\u{7f}d\ne");
    }
}
