//! What one checker run on a corpus port says about the suite's power: caught or not, and if
//! caught, named fairly, wrongly or not at all; then the table per stage and in total, as
//! text, markdown (the generated part of docs/DIAGNOSIS.md) or JSON. Pure: no processes.

use std::collections::BTreeMap;

use serde_json::{json, Value};

/// A port's status in the registry: what the suite can show of its mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// It fails some valid or invalid case: the run must not be conformant.
    Mandatory,
    /// It deviates only on acceptable cases: the run must have warnings.
    AcceptableOnly,
    /// The vectors cannot catch it (a finding about the suite).
    Uncaught,
}

impl Status {
    fn parse(text: &str) -> Result<Status, String> {
        match text {
            "mandatory" => Ok(Status::Mandatory),
            "acceptable-only" => Ok(Status::AcceptableOnly),
            "uncaught" => Ok(Status::Uncaught),
            other => Err(format!("unknown status {other:?}")),
        }
    }

    /// Whether the suite must catch a port with this status (the CI step fails if it does not).
    pub fn must_be_caught(self) -> bool {
        self != Status::Uncaught
    }
}

/// A port of the registry (`adapter.py --list`), as far as the measure needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: String,
    pub stages: Vec<String>,
    pub status: Status,
    pub fair: Vec<String>,
    pub uncaught_because: Option<String>,
    /// In the held-out set: written after the engine, never used to extend it.
    pub held_out: bool,
}

/// The registry: its stages in order and its ports.
#[derive(Debug, Clone, PartialEq)]
pub struct Registry {
    pub stages: Vec<String>,
    pub ports: Vec<Entry>,
}

impl Registry {
    pub fn parse(json: &Value) -> Result<Registry, String> {
        let strings = |value: &Value| -> Vec<String> {
            value
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let stages = json["stages"]
            .as_object()
            .ok_or("the registry has no stages")?
            .keys()
            .cloned()
            .collect();
        let ports = json["ports"]
            .as_array()
            .ok_or("the registry has no ports")?
            .iter()
            .map(|port| {
                let name = port["name"].as_str().ok_or("a port without a name")?;
                Ok(Entry {
                    name: name.to_owned(),
                    stages: strings(&port["stages"]),
                    status: Status::parse(port["status"].as_str().unwrap_or(""))
                        .map_err(|e| format!("{name}: {e}"))?,
                    fair: strings(&port["fair"]),
                    uncaught_because: port["uncaught_because"].as_str().map(str::to_owned),
                    held_out: port["held_out"].as_bool().unwrap_or(false),
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Registry { stages, ports })
    }
}

/// What the checker made of a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Caught, and every name of the run-level cover is fair, with nothing unexplained.
    FairlyNamed,
    /// Caught, and some name of the cover is not fair: worse than none, it sends the
    /// developer after the wrong fix.
    WronglyNamed,
    /// Caught, but nothing named, or fair names that leave cases unexplained.
    Unnamed,
    /// Not caught: conformant without a warning (or, for a mandatory port, without a failure).
    NotCaught,
}

impl Class {
    fn key(self) -> &'static str {
        match self {
            Class::FairlyNamed => "fairly-named",
            Class::WronglyNamed => "wrongly-named",
            Class::Unnamed => "unnamed",
            Class::NotCaught => "not-caught",
        }
    }
}

/// One port measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub entry: Entry,
    pub class: Class,
    /// The run-level cover (`explanation.named`): each explanation's name (one mistake, or a
    /// pipeline `A + B`), with the cases it explains.
    pub named: Vec<(String, u64)>,
    /// Every mistake those explanations name.
    pub named_mistakes: Vec<String>,
    pub unexplained: u64,
    /// The run-level line (`explanation.text`), or what happened instead.
    pub said: String,
}

impl Measured {
    pub fn caught(&self) -> bool {
        self.class != Class::NotCaught
    }

    /// The mistakes the cover names that are not fair for this port.
    pub fn wrong_names(&self) -> Vec<&str> {
        self.named_mistakes
            .iter()
            .map(String::as_str)
            .filter(|name| !self.entry.fair.iter().any(|fair| fair == name))
            .collect()
    }
}

/// Classifies a port from the checker's JSON report and exit code (0 conformant, 1 not).
pub fn classify(entry: &Entry, report: &Value, exit_code: i32) -> Measured {
    let warnings = report
        .pointer("/summary/warn")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    // A mandatory mistake must fail the run; warnings alone would let a port with it conform.
    let caught = exit_code == 1 || (entry.status != Status::Mandatory && warnings > 0);
    let explanation = report.get("explanation").unwrap_or(&Value::Null);
    let entries = explanation["named"].as_array().cloned().unwrap_or_default();
    let named: Vec<(String, u64)> = entries
        .iter()
        .filter_map(|n| Some((n["name"].as_str()?.to_owned(), n["cases"].as_u64()?)))
        .collect();
    let named_mistakes: Vec<String> = entries
        .iter()
        .flat_map(|n| n["mistakes"].as_array().cloned().unwrap_or_default())
        .filter_map(|m| m.as_str().map(str::to_owned))
        .collect();
    let unexplained = explanation["unexplained"].as_u64().unwrap_or(0);
    let said = explanation["text"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| match report.pointer("/verdict/headline") {
            Some(Value::String(headline)) => headline.clone(),
            _ => "(no explanation)".to_owned(),
        });
    let mut measured = Measured {
        entry: entry.clone(),
        class: Class::NotCaught,
        named,
        named_mistakes,
        unexplained,
        said,
    };
    measured.class = if !caught {
        Class::NotCaught
    } else if !measured.wrong_names().is_empty() {
        Class::WronglyNamed
    } else if !measured.named.is_empty() && unexplained == 0 {
        Class::FairlyNamed
    } else {
        Class::Unnamed
    };
    measured
}

/// Counts for one row of the table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub ports: usize,
    pub caught: usize,
    pub fairly_named: usize,
    pub wrongly_named: usize,
    pub unnamed: usize,
    /// Ports the suite must catch and did not (the CI step fails on these).
    pub missed: usize,
}

impl Counts {
    fn add(&mut self, port: &Measured) {
        self.ports += 1;
        match port.class {
            Class::FairlyNamed => self.fairly_named += 1,
            Class::WronglyNamed => self.wrongly_named += 1,
            Class::Unnamed => self.unnamed += 1,
            Class::NotCaught => {}
        }
        if port.caught() {
            self.caught += 1;
        } else if port.entry.status.must_be_caught() {
            self.missed += 1;
        }
    }

    /// The share of caught ports that were fairly named, in percent (100 when none was caught).
    pub fn fair_percent(&self) -> f64 {
        percent(self.fairly_named, self.caught)
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// The measure of the whole corpus: a row per stage (a port counts in each of its stages), the
/// in-sample and held-out sets, and the total (each port once).
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub ports: Vec<Measured>,
    pub stages: Vec<(String, Counts)>,
    /// The ports the catalogue was extended from: the naming target applies to them.
    pub in_sample: Counts,
    /// The ports written after the engine and never used to extend it: the honest estimate.
    pub held_out: Counts,
    pub total: Counts,
    /// `userhash-check x.y.z`, and the suite's name and version: what was measured.
    pub checker: String,
    pub suite: String,
}

impl Measure {
    pub fn new(stages: &[String], ports: Vec<Measured>, checker: &str, suite: &str) -> Measure {
        let mut per_stage: BTreeMap<&str, Counts> = BTreeMap::new();
        let mut total = Counts::default();
        let (mut in_sample, mut held_out) = (Counts::default(), Counts::default());
        for port in &ports {
            total.add(port);
            if port.entry.held_out {
                held_out.add(port);
            } else {
                in_sample.add(port);
            }
            for stage in &port.entry.stages {
                per_stage.entry(stage).or_default().add(port);
            }
        }
        let stages = stages
            .iter()
            .map(|stage| {
                let counts = per_stage.get(stage.as_str()).copied().unwrap_or_default();
                (stage.clone(), counts)
            })
            .collect();
        Measure {
            stages,
            in_sample,
            held_out,
            total,
            checker: checker.to_owned(),
            suite: suite.to_owned(),
            ports,
        }
    }

    fn of_class(&self, class: Class) -> impl Iterator<Item = &Measured> {
        self.ports.iter().filter(move |port| port.class == class)
    }
}

/// `caught (share of the row's ports)`, `named (share of the row's caught ports)`.
fn share(n: usize, of: usize) -> String {
    if of == 0 {
        format!("{n} (–)") // no share of nothing
    } else {
        format!("{n} ({:.0} %)", percent(n, of))
    }
}

fn cells(counts: &Counts) -> [String; 6] {
    [
        counts.ports.to_string(),
        share(counts.caught, counts.ports),
        share(counts.fairly_named, counts.caught),
        share(counts.wrongly_named, counts.caught),
        share(counts.unnamed, counts.caught),
        counts.missed.to_string(),
    ]
}

const HEADERS: [&str; 7] = [
    "Stage",
    "Ports",
    "Caught",
    "Fairly named",
    "Wrongly named",
    "Unnamed",
    "Missed",
];

fn rows(measure: &Measure) -> Vec<[String; 7]> {
    let row = |label: &str, counts: &Counts| {
        let [a, b, c, d, e, f] = cells(counts);
        [label.to_owned(), a, b, c, d, e, f]
    };
    let mut rows: Vec<[String; 7]> = measure
        .stages
        .iter()
        .map(|(stage, counts)| row(stage, counts))
        .collect();
    if measure.held_out.ports > 0 {
        rows.push(row("in-sample", &measure.in_sample));
        rows.push(row("held-out", &measure.held_out));
    }
    rows.push(row("total", &measure.total));
    rows
}

fn named_list(port: &Measured) -> String {
    port.named
        .iter()
        .map(|(name, cases)| format!("{name} ({cases})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The table and the lists, for a terminal.
pub fn render_text(measure: &Measure) -> String {
    let rows = rows(measure);
    let widths: Vec<usize> = (0..HEADERS.len())
        .map(|col| {
            rows.iter()
                .map(|row| row[col].chars().count())
                .chain([HEADERS[col].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| -> String {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(col, cell)| {
                if col == 0 {
                    format!("{cell:<w$}", w = widths[col])
                } else {
                    format!("{cell:>w$}", w = widths[col])
                }
            })
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let mut out = format!("{} on suite {}\n\n", measure.checker, measure.suite);
    out.push_str(&line(&HEADERS.map(str::to_owned)));
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row));
        out.push('\n');
    }
    let mut list = |title: &str, ports: Vec<&Measured>, detail: &dyn Fn(&Measured) -> String| {
        if ports.is_empty() {
            return;
        }
        out.push_str(&format!("\n{title} ({}):\n", ports.len()));
        for port in ports {
            out.push_str(&format!("  {:<36} {}\n", port.entry.name, detail(port)));
        }
    };
    list(
        "wrongly named",
        measure.of_class(Class::WronglyNamed).collect(),
        &|port| {
            format!(
                "named {} (not fair: {}; fair: {})",
                named_list(port),
                port.wrong_names().join(", "),
                port.entry.fair.join(", ")
            )
        },
    );
    list(
        "unnamed",
        measure.of_class(Class::Unnamed).collect(),
        &|port| format!("{} [fair: {}]", port.said, port.entry.fair.join(", ")),
    );
    list(
        "not caught",
        measure.of_class(Class::NotCaught).collect(),
        &|port| match (&port.entry.status, &port.entry.uncaught_because) {
            (Status::Uncaught, Some(why)) => format!("(expected) {why}"),
            _ => format!("MISSED: {}", port.said),
        },
    );
    out
}

fn md(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The generated part of docs/DIAGNOSIS.md: deterministic (no timings), so it only changes
/// when the checker, the suite or the corpus does.
pub fn render_markdown(measure: &Measure) -> String {
    let mut out = format!(
        "Measured with `{}` on suite `{}`: {} ports.\n\n",
        measure.checker, measure.suite, measure.total.ports
    );
    out.push_str(&format!("| {} |\n", HEADERS.join(" | ")));
    out.push_str("| --- |");
    out.push_str(&" ---: |".repeat(HEADERS.len() - 1));
    out.push('\n');
    for row in rows(measure) {
        let label = if row[0] == "total" {
            "**total**".to_owned()
        } else {
            row[0].clone()
        };
        let rest: Vec<String> = row[1..].iter().map(|cell| md(cell)).collect();
        out.push_str(&format!("| {label} | {} |\n", rest.join(" | ")));
    }
    let wrong: Vec<&Measured> = measure.of_class(Class::WronglyNamed).collect();
    out.push_str(&format!(
        "\n**Wrongly named ({}).** What the checker said, and the names that are not fair:\n\n",
        wrong.len()
    ));
    if wrong.is_empty() {
        out.push_str("None.\n");
    }
    for port in wrong {
        out.push_str(&format!(
            "- `{}`: named {}; not fair: {} (fair: {}). *{}*\n",
            port.entry.name,
            md(&named_list(port)),
            port.wrong_names().join(", "),
            port.entry.fair.join(", "),
            md(&port.said)
        ));
    }
    let not_caught: Vec<&Measured> = measure.of_class(Class::NotCaught).collect();
    out.push_str(&format!("\n**Not caught ({}).**\n\n", not_caught.len()));
    if not_caught.is_empty() {
        out.push_str("None.\n");
    }
    for port in not_caught {
        let why = match (&port.entry.status, &port.entry.uncaught_because) {
            (Status::Uncaught, Some(why)) => format!("expected: {}", md(why)),
            _ => format!(
                "**missed** although the suite must catch it: {}",
                md(&port.said)
            ),
        };
        out.push_str(&format!("- `{}`: {why}\n", port.entry.name));
    }
    let unnamed: Vec<&Measured> = measure.of_class(Class::Unnamed).collect();
    out.push_str(&format!(
        "\n<details><summary>Unnamed ({}): what the checker said</summary>\n\n",
        unnamed.len()
    ));
    for port in unnamed {
        out.push_str(&format!(
            "- `{}` (fair: {}): *{}*\n",
            port.entry.name,
            port.entry.fair.join(", "),
            md(&port.said)
        ));
    }
    out.push_str("\n</details>\n");
    out
}

fn counts_json(stage: Option<&str>, counts: &Counts) -> Value {
    let mut row = serde_json::Map::new();
    if let Some(stage) = stage {
        row.insert("stage".into(), json!(stage));
    }
    for (key, value) in [
        ("ports", counts.ports),
        ("caught", counts.caught),
        ("fairly_named", counts.fairly_named),
        ("wrongly_named", counts.wrongly_named),
        ("unnamed", counts.unnamed),
        ("missed", counts.missed),
    ] {
        row.insert(key.into(), json!(value));
    }
    Value::Object(row)
}

pub fn to_json(measure: &Measure) -> Value {
    json!({
        "checker": measure.checker,
        "suite": measure.suite,
        "total": counts_json(None, &measure.total),
        "in_sample": counts_json(None, &measure.in_sample),
        "held_out": counts_json(None, &measure.held_out),
        "stages": measure.stages.iter().map(|(stage, counts)| counts_json(Some(stage), counts)).collect::<Vec<_>>(),
        "ports": measure.ports.iter().map(|port| json!({
            "name": port.entry.name,
            "stages": port.entry.stages,
            "held_out": port.entry.held_out,
            "status": match port.entry.status {
                Status::Mandatory => "mandatory",
                Status::AcceptableOnly => "acceptable-only",
                Status::Uncaught => "uncaught",
            },
            "class": port.class.key(),
            "fair": port.entry.fair,
            "named": port.named.iter().map(|(name, cases)| json!({"name": name, "cases": cases})).collect::<Vec<_>>(),
            "unexplained": port.unexplained,
            "said": port.said,
        })).collect::<Vec<_>>(),
    })
}

/// The README's sentence on the checker's power: what the vectors catch, and what the checker
/// names on the ports it was built from and on those it has never seen.
pub fn render_summary(measure: &Measure) -> String {
    let (t, i, h) = (&measure.total, &measure.in_sample, &measure.held_out);
    let caught = if t.caught == t.ports {
        format!("all {}", t.ports)
    } else {
        format!("{} of {}", t.caught, t.ports)
    };
    let wrong = match t.wrongly_named {
        0 => "none".to_owned(),
        n => n.to_string(),
    };
    let mut text = format!(
        "Measured on wrong ports written apart from the checker \
         ([docs/DIAGNOSIS.md](docs/DIAGNOSIS.md)), the vectors catch {caught}; the checker names \
         the mistake of {} of the {} ports it was built from",
        i.fairly_named, i.caught
    );
    if h.ports > 0 {
        text.push_str(&format!(
            " and of {} of the {} it has never seen ({:.0} %)",
            h.fairly_named,
            h.caught,
            h.fair_percent()
        ));
    }
    text.push_str(&format!(
        ", and names {wrong} wrongly. A habit it does not know is left unexplained, with the flags \
         its failing cases share."
    ));
    text
}

/// The CI step's line: the counts, and the naming shares (of the held-out set apart).
pub fn one_line(measure: &Measure) -> String {
    let t = &measure.total;
    let mut line = format!(
        "{} ports: {} caught, {} missed; fairly named {}, wrongly named {}, unnamed {}",
        t.ports,
        t.caught,
        t.missed,
        share(t.fairly_named, t.caught),
        t.wrongly_named,
        t.unnamed
    );
    let h = &measure.held_out;
    if h.ports > 0 {
        line.push_str(&format!(
            "; held-out {}: fairly named {}",
            h.ports,
            share(h.fairly_named, h.caught)
        ));
    }
    line
}

#[cfg(test)]
pub mod tests {
    use super::*;

    pub fn entry(name: &str, status: Status, fair: &[&str]) -> Entry {
        Entry {
            name: name.to_owned(),
            stages: vec!["output".to_owned()],
            status,
            fair: fair.iter().map(|s| (*s).to_owned()).collect(),
            uncaught_because: None,
            held_out: false,
        }
    }

    pub fn report(warn: u64, named: &[(&str, u64)], unexplained: u64) -> Value {
        json!({
            "summary": {"warn": warn},
            "explanation": if named.is_empty() && unexplained == 0 { Value::Null } else { json!({
                "text": "some text",
                "named": named.iter().map(|(m, c)| json!({
                    "name": m,
                    "mistakes": m.split(" + ").collect::<Vec<_>>(),
                    "cases": c,
                })).collect::<Vec<_>>(),
                "unexplained": unexplained,
            })},
        })
    }

    #[test]
    fn classes() {
        let upper = entry("upper", Status::Mandatory, &["UPPERCASE_HEX"]);
        let fair = classify(&upper, &report(0, &[("UPPERCASE_HEX", 60)], 0), 1);
        assert_eq!(fair.class, Class::FairlyNamed);
        let wrong = classify(
            &upper,
            &report(0, &[("UPPERCASE_HEX", 58), ("BASE64_OUTPUT", 1)], 0),
            1,
        );
        assert_eq!(wrong.class, Class::WronglyNamed);
        assert_eq!(wrong.wrong_names(), ["BASE64_OUTPUT"]);
        // A pipeline is fair when each of its mistakes is.
        let both_fair = entry(
            "trim-upper",
            Status::Mandatory,
            &["TRIMMED_INPUT", "UPPERCASE_HEX"],
        );
        let composed = classify(
            &both_fair,
            &report(0, &[("TRIMMED_INPUT + UPPERCASE_HEX", 60)], 0),
            1,
        );
        assert_eq!(composed.class, Class::FairlyNamed);
        let half = classify(
            &upper,
            &report(0, &[("TRIMMED_INPUT + UPPERCASE_HEX", 60)], 0),
            1,
        );
        assert_eq!(half.wrong_names(), ["TRIMMED_INPUT"]);
        // A fair name that leaves cases unexplained is not enough.
        let partly = classify(&upper, &report(0, &[("UPPERCASE_HEX", 58)], 2), 1);
        assert_eq!(partly.class, Class::Unnamed);
        // ... but a wrong name among unexplained cases is still wrong.
        let both = classify(&upper, &report(0, &[("WRONG_DIGEST", 1)], 2), 1);
        assert_eq!(both.class, Class::WronglyNamed);
        assert_eq!(
            classify(&upper, &report(0, &[], 5), 1).class,
            Class::Unnamed
        );
        // A mandatory mistake that only warns is not caught; an acceptable-only one is.
        assert_eq!(
            classify(&upper, &report(3, &[("UPPERCASE_HEX", 3)], 0), 0).class,
            Class::NotCaught
        );
        let coerced = entry("coerced", Status::AcceptableOnly, &["TYPE_COERCED"]);
        assert_eq!(
            classify(&coerced, &report(3, &[("TYPE_COERCED", 3)], 0), 0).class,
            Class::FairlyNamed
        );
        assert_eq!(
            classify(&coerced, &report(0, &[], 0), 0).class,
            Class::NotCaught
        );
    }

    fn sample() -> Measure {
        let upper = entry("upper", Status::Mandatory, &["UPPERCASE_HEX"]);
        let mut stub = entry(
            "verify-stub",
            Status::Mandatory,
            &["VERIFY_ACCEPTS_ANYTHING"],
        );
        stub.stages = vec!["verifier".into()];
        let mut hidden = entry("hidden", Status::Uncaught, &["TRIMMED_INPUT"]);
        hidden.uncaught_because = Some("no vector has it".into());
        let mut both = entry(
            "both",
            Status::Mandatory,
            &["UPPERCASE_HEX", "TRIMMED_INPUT"],
        );
        both.stages = vec!["text".into(), "output".into(), "combination".into()];
        let ports = vec![
            classify(&upper, &report(0, &[("UPPERCASE_HEX", 60)], 0), 1),
            classify(&stub, &report(0, &[("BASE64_OUTPUT", 1)], 17), 1),
            classify(&hidden, &report(0, &[], 0), 0),
            classify(&both, &report(0, &[("UPPERCASE_HEX", 57)], 3), 1),
        ];
        let stages: Vec<String> = ["text", "output", "verifier", "combination"]
            .map(str::to_owned)
            .to_vec();
        Measure::new(&stages, ports, "userhash-check 0.1.0", "userhash 2.0.0")
    }

    #[test]
    fn totals_count_each_port_once_and_stages_overlap() {
        let measure = sample();
        assert_eq!(
            measure.total,
            Counts {
                ports: 4,
                caught: 3,
                fairly_named: 1,
                wrongly_named: 1,
                unnamed: 1,
                missed: 0,
            }
        );
        let output = &measure.stages[1];
        assert_eq!(output.0, "output");
        assert_eq!((output.1.ports, output.1.caught), (3, 2));
        assert!((measure.total.fair_percent() - 100.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn renderings() {
        let measure = sample();
        let text = render_text(&measure);
        let total = text
            .lines()
            .find(|l| l.starts_with("total"))
            .expect("a total row");
        let cells: Vec<&str> = total
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(
            cells,
            ["total", "4", "3 (75 %)", "1 (33 %)", "1 (33 %)", "1 (33 %)", "0"]
        );
        assert!(text.contains("verify-stub"), "{text}");
        assert!(text.contains("(expected) no vector has it"), "{text}");
        let markdown = render_markdown(&measure);
        assert!(
            markdown.contains("| **total** | 4 | 3 (75 %) | 1 (33 %) | 1 (33 %) | 1 (33 %) | 0 |"),
            "{markdown}"
        );
        assert!(
            markdown.contains("- `verify-stub`: named BASE64_OUTPUT (1); not fair: BASE64_OUTPUT"),
            "{markdown}"
        );
        assert!(markdown.contains("<summary>Unnamed (1)"), "{markdown}");
        let json = to_json(&measure);
        assert_eq!(json["total"]["wrongly_named"], 1);
        assert_eq!(json["ports"][1]["class"], "wrongly-named");
        assert_eq!(
            one_line(&measure),
            "4 ports: 3 caught, 0 missed; fairly named 1 (33 %), wrongly named 1, unnamed 1"
        );
    }

    #[test]
    fn registry_parses() {
        let registry = Registry::parse(&json!({
            "stages": {"selection": "…", "output": "…"},
            "ports": [{"name": "p", "stages": ["output"], "status": "acceptable-only",
                       "fair": ["TYPE_COERCED"], "uncaught_because": null}],
        }))
        .unwrap();
        assert_eq!(registry.stages, ["selection", "output"]);
        assert_eq!(registry.ports[0].status, Status::AcceptableOnly);
        assert!(Registry::parse(
            &json!({"stages": {}, "ports": [{"name": "p", "status": "maybe"}]})
        )
        .is_err());
    }
}
