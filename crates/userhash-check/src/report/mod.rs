//! Rendering a [`crate::run::RunReport`] in the output formats.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;

use crate::run::RunReport;

/// Whether `c` must never reach a terminal or a report raw: control characters (C0, DEL, C1
/// such as U+009B, a one-byte CSI), the bidirectional overrides and isolates that reorder what
/// a reader sees (U+202E "Trojan Source"), and the line and paragraph separators that some
/// viewers break lines at.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// Makes unsafe characters ([`is_unsafe`]) visible as `\u{..}`, except those in `keep`: text
/// from the port must not drive the terminal or break the output format.
pub fn visible_controls(text: &str, keep: &[char]) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_unsafe(c) && !keep.contains(&c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Colour summary, then each failure with expected vs actual, diagnosis and hint.
    Human,
    /// The full JSON report.
    Json,
    /// JUnit XML, for CI test-report importers.
    Junit,
    /// Markdown: a summary table and a failures table.
    Markdown,
    /// GitHub Actions `::error` annotations, then the markdown summary.
    Github,
}

/// Rendering options.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style<'a> {
    /// Use ANSI colours (human format only).
    pub color: bool,
    /// `-v`: list passing cases and stderr tails too.
    pub verbose: bool,
    /// `-q`: the summary line only.
    pub quiet: bool,
    /// `--annotation-file`: the file GitHub annotations are attached to (github format only).
    pub annotation_file: Option<&'a str>,
}

/// Renders the report.
pub fn render(report: &RunReport, format: Format, style: Style<'_>) -> String {
    match format {
        Format::Human => human::render(report, style),
        Format::Json => json::render(report),
        Format::Junit => junit::render(report),
        Format::Markdown => markdown::render(report),
        Format::Github => github::render(report, style.annotation_file),
    }
}
