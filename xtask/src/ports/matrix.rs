//! The conformance matrix: one row per port, rendered as a text table, a
//! GitHub markdown table (embedded in the README) or JSON.

use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Conformant,
    NotConformant,
    NotInstalled,
    BuildFailed,
    CheckerError,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Conformant => "conformant",
            Status::NotConformant => "not conformant",
            Status::NotInstalled => "not installed",
            Status::BuildFailed => "build failed",
            Status::CheckerError => "checker error",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Status::Conformant => "conformant",
            Status::NotConformant => "not-conformant",
            Status::NotInstalled => "not-installed",
            Status::BuildFailed => "build-failed",
            Status::CheckerError => "checker-error",
        }
    }
}

/// The checker's summary folded into four columns:
/// passed = pass + xpass; failed = fail + error + timeout + crash + xfail;
/// warned = warn; skipped = skip + not-run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
    pub warned: u64,
    pub skipped: u64,
}

impl Counts {
    pub fn from_summary(summary: &Value) -> Counts {
        let n = |keys: &[&str]| -> u64 {
            keys.iter()
                .filter_map(|k| summary.get(*k).and_then(Value::as_u64))
                .sum()
        };
        Counts {
            passed: n(&["pass", "xpass"]),
            failed: n(&["fail", "error", "timeout", "crash", "xfail"]),
            warned: n(&["warn"]),
            skipped: n(&["skip", "not-run", "not_run"]),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PortResult {
    pub language: String,
    pub runtime: String,
    pub runtime_version: Option<String>,
    pub implementation: Option<String>,
    /// The commands the port was tested on: `user_hash` and the features it announced
    /// (`verify`, `jwt`, `verify_jwt`).
    pub tested: Vec<String>,
    pub status: Status,
    pub counts: Option<Counts>,
    pub seconds: f64,
    /// What went wrong (command, exit status, output tail); empty when conformant.
    pub detail: String,
}

impl PortResult {
    pub fn new(language: &str, runtime: &str) -> PortResult {
        PortResult {
            language: language.to_owned(),
            runtime: runtime.to_owned(),
            runtime_version: None,
            implementation: None,
            tested: Vec::new(),
            status: Status::CheckerError,
            counts: None,
            seconds: 0.0,
            detail: String::new(),
        }
    }

    fn ran(&self) -> bool {
        self.status != Status::NotInstalled
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Result<Format, String> {
        match s {
            "text" => Ok(Format::Text),
            "markdown" | "md" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            other => Err(format!("unknown format `{other}` (markdown, json or text)")),
        }
    }
}

const HEADERS: [&str; 9] = [
    "Language", "Runtime", "Tested", "Passed", "Failed", "Warned", "Skipped", "Time", "Result",
];

fn cells(r: &PortResult) -> [String; 9] {
    let count = |f: fn(&Counts) -> u64| r.counts.map_or("–".to_owned(), |c| f(&c).to_string());
    [
        r.language.clone(),
        r.runtime_version
            .clone()
            .unwrap_or_else(|| format!("{} (missing)", r.runtime)),
        if r.tested.is_empty() {
            "–".to_owned()
        } else {
            r.tested.join(", ")
        },
        count(|c| c.passed),
        count(|c| c.failed),
        count(|c| c.warned),
        count(|c| c.skipped),
        if r.ran() {
            format!("{:.1}s", r.seconds)
        } else {
            "–".to_owned()
        },
        r.status.label().to_owned(),
    ]
}

/// Columns 3..=7 hold numbers and are right-aligned.
fn numeric(col: usize) -> bool {
    (3..=7).contains(&col)
}

pub fn render(results: &[PortResult], format: Format) -> String {
    match format {
        Format::Text => render_text(results),
        Format::Markdown => render_markdown(results),
        Format::Json => {
            let mut s =
                serde_json::to_string_pretty(&to_json(results)).expect("JSON values serialise");
            s.push('\n');
            s
        }
    }
}

fn render_text(results: &[PortResult]) -> String {
    let rows: Vec<[String; 9]> = results.iter().map(cells).collect();
    let mut widths = HEADERS.map(|h| h.chars().count());
    for row in &rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |row: &[String]| -> String {
        let mut s = String::new();
        for (i, (c, w)) in row.iter().zip(widths).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            let pad = " ".repeat(w - c.chars().count());
            if numeric(i) {
                s.push_str(&pad);
                s.push_str(c);
            } else {
                s.push_str(c);
                if i + 1 < row.len() {
                    s.push_str(&pad);
                }
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(&HEADERS.map(str::to_owned));
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

fn render_markdown(results: &[PortResult]) -> String {
    let mut out = format!("| {} |\n|", HEADERS.join(" | "));
    for i in 0..HEADERS.len() {
        out.push_str(if numeric(i) { " ---: |" } else { " --- |" });
    }
    out.push('\n');
    for r in results {
        let mut row = cells(r).map(|c| md_escape(&c));
        if r.ran() {
            row[1] = format!("`{}`", row[1]);
        }
        row[8] = match r.status {
            Status::Conformant => "✅ conformant".to_owned(),
            Status::NotInstalled => "⚪ not installed".to_owned(),
            _ => format!("❌ {}", r.status.label()),
        };
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

pub fn to_json(results: &[PortResult]) -> Value {
    let ports: Vec<Value> = results
        .iter()
        .map(|r| {
            json!({
                "language": r.language,
                "runtime": r.runtime,
                "runtime_version": r.runtime_version,
                "implementation": r.implementation,
                "tested": r.tested,
                "status": r.status.key(),
                "conformant": r.status == Status::Conformant,
                "passed": r.counts.map(|c| c.passed),
                "failed": r.counts.map(|c| c.failed),
                "warned": r.counts.map(|c| c.warned),
                "skipped": r.counts.map(|c| c.skipped),
                "seconds": (r.seconds * 10.0).round() / 10.0,
            })
        })
        .collect();
    json!({ "ports": ports })
}

/// `5/7 conformant; not installed: php, ruby` — for the CI step's line.
pub fn one_line(results: &[PortResult]) -> String {
    let conformant = results
        .iter()
        .filter(|r| r.status == Status::Conformant)
        .count();
    let mut s = format!("{conformant}/{} conformant", results.len());
    for status in [
        Status::NotConformant,
        Status::BuildFailed,
        Status::CheckerError,
        Status::NotInstalled,
    ] {
        let langs: Vec<&str> = results
            .iter()
            .filter(|r| r.status == status)
            .map(|r| r.language.as_str())
            .collect();
        if !langs.is_empty() {
            s.push_str(&format!("; {}: {}", status.label(), langs.join(", ")));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<PortResult> {
        let mut py = PortResult::new("python", "python3");
        py.runtime_version = Some("Python 3.11.7".into());
        py.tested = vec!["user_hash".into(), "verify".into(), "jwt".into()];
        py.status = Status::Conformant;
        py.counts = Some(Counts {
            passed: 210,
            failed: 0,
            warned: 1,
            skipped: 2,
        });
        py.seconds = 1.23;
        let mut c = PortResult::new("c", "cc");
        c.runtime_version = Some("OpenSSL 3.0.19 | test".into());
        c.status = Status::NotConformant;
        c.counts = Some(Counts {
            passed: 200,
            failed: 10,
            warned: 0,
            skipped: 0,
        });
        c.seconds = 0.5;
        let mut php = PortResult::new("php", "php");
        php.status = Status::NotInstalled;
        vec![py, c, php]
    }

    #[test]
    fn text_table_is_aligned() {
        let t = render(&sample(), Format::Text);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("Language  Runtime"), "{t}");
        // Right-aligned numbers end in the same column.
        // In characters: "–" (no features tested) is one column but three bytes.
        let col = |l: &str, s: &str| l[..l.find(s).unwrap()].chars().count() + s.len();
        assert_eq!(col(lines[1], "210"), col(lines[2], "200"));
        assert!(lines[1].ends_with("conformant"));
        assert!(lines[3].contains("php (missing)"));
        assert!(lines[3].ends_with("not installed"));
        assert!(
            !t.lines().any(|l| l.ends_with(' ')),
            "no trailing spaces:\n{t}"
        );
    }

    #[test]
    fn markdown_table() {
        let m = render(&sample(), Format::Markdown);
        let expected = "\
| Language | Runtime | Tested | Passed | Failed | Warned | Skipped | Time | Result |
| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |
| python | `Python 3.11.7` | user_hash, verify, jwt | 210 | 0 | 1 | 2 | 1.2s | ✅ conformant |
| c | `OpenSSL 3.0.19 \\| test` | – | 200 | 10 | 0 | 0 | 0.5s | ❌ not conformant |
| php | php (missing) | – | – | – | – | – | – | ⚪ not installed |
";
        assert_eq!(m, expected);
    }

    #[test]
    fn json_matrix() {
        let v: Value = serde_json::from_str(&render(&sample(), Format::Json)).unwrap();
        let ports = v["ports"].as_array().unwrap();
        assert_eq!(ports.len(), 3);
        assert_eq!(ports[0]["status"], "conformant");
        assert_eq!(ports[0]["conformant"], true);
        assert_eq!(ports[0]["passed"], 210);
        assert_eq!(
            ports[0]["tested"],
            serde_json::json!(["user_hash", "verify", "jwt"])
        );
        assert_eq!(ports[0]["seconds"], 1.2);
        assert_eq!(ports[1]["status"], "not-conformant");
        assert_eq!(ports[2]["status"], "not-installed");
        assert_eq!(ports[2]["passed"], Value::Null);
    }

    #[test]
    fn one_line_summary() {
        assert_eq!(
            one_line(&sample()),
            "1/3 conformant; not conformant: c; not installed: php"
        );
    }

    #[test]
    fn counts_fold_the_checker_summary() {
        let s = serde_json::json!({"pass": 5, "xpass": 1, "fail": 1, "error": 1, "timeout": 1,
            "crash": 1, "xfail": 1, "warn": 2, "skip": 1, "not-run": 2});
        assert_eq!(
            Counts::from_summary(&s),
            Counts {
                passed: 6,
                failed: 5,
                warned: 2,
                skipped: 3
            }
        );
        assert_eq!(Counts::from_summary(&Value::Null), Counts::default());
    }
}
