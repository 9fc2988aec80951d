//! The real runtimes are the oracle for `coerce`: Python, Node.js, Ruby and PHP each decode the
//! same JSON values with their standard JSON reader and print their own string conversion, and
//! the Rust renderings must agree byte for byte. A runtime that is not installed is skipped,
//! unless `CI=true` (CI installs all four).

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;
use userhash_mistakes::coerce;

/// JSON texts, as a port receives them. Floats around every formatting threshold, booleans,
/// containers with strings that need escaping, nesting.
const VALUES: &[&str] = &[
    "4.5",
    "42.0",
    "-0.5",
    "-7.25",
    "1e3",
    "1e15",
    "1e16",
    "1e21",
    "1.5e300",
    "0.001",
    "0.0001",
    "0.00001",
    "1e-7",
    "0.30000000000000004",
    "123456789012345.67",
    "9007199254740993.0",
    "true",
    "false",
    "[\"42\"]",
    "[\"42\",null,1.5,true,false,7]",
    "{\"id\":\"42\"}",
    "{\"id\":\"42\",\"n\":7,\"f\":2.5,\"b\":false,\"z\":null}",
    "[]",
    "{}",
    "[[\"a\"],\"b\"]",
    "[\"it's\"]",
    "[\"say \\\"hi\\\"\"]",
    "[\"tab\\there\",\"back\\\\slash\",\"line\\nbreak\"]",
    "[\"caf\\u00e9\",\"\\u7528\\u6237\"]",
    "[1e21,0.00001,42.0]",
    "{\"nested\":{\"list\":[1,2]}}",
];

/// Each script reads one JSON text per line and prints one JSON array of strings per line.
const RUNTIMES: &[(&str, &str, &[&str], &[&str])] = &[
    (
        "python3",
        "import json, sys\nfor line in sys.stdin:\n    v = json.loads(line)\n    print(json.dumps([str(v)]))\n",
        &["-c"],
        &["python"],
    ),
    (
        "node",
        "const rl = require('readline').createInterface({ input: process.stdin });\n\
         rl.on('line', (line) => { const v = JSON.parse(line); console.log(JSON.stringify([String(v), JSON.stringify(v)])); });\n",
        &["-e"],
        &["javascript", "json"],
    ),
    (
        "ruby",
        "require 'json'\nSTDIN.each_line { |line| v = JSON.parse(line); puts JSON.generate([v.to_s]) }\n",
        &["-e"],
        &["ruby"],
    ),
    (
        "php",
        "set_error_handler(function () { return true; });\n\
         while (($line = fgets(STDIN)) !== false) { $v = json_decode($line, true); echo json_encode([(string) $v], JSON_UNESCAPED_UNICODE), \"\\n\"; }\n",
        &["-r"],
        &["php"],
    ),
];

fn run(program: &str, flags: &[&str], script: &str) -> Option<Vec<Vec<String>>> {
    let mut child = Command::new(program)
        .args(flags)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .ok()?;
    let input: String = VALUES.iter().map(|v| format!("{v}\n")).collect();
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let output = child.wait_with_output().expect("runtime runs");
    assert!(output.status.success(), "{program} failed");
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    Some(
        text.lines()
            .map(|line| serde_json::from_str(line).expect("a JSON array of strings"))
            .collect(),
    )
}

#[test]
fn every_rendering_matches_its_runtime() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let mut compared = 0;
    let mut problems = Vec::new();
    for (program, script, flags, variants) in RUNTIMES {
        let Some(lines) = run(program, flags, script) else {
            assert!(!ci, "{program} is not installed (required under CI=true)");
            eprintln!("skipped: {program} is not installed");
            continue;
        };
        assert_eq!(lines.len(), VALUES.len(), "{program}: one line per value");
        for (text, printed) in VALUES.iter().zip(&lines) {
            let value: Value = serde_json::from_str(text).expect("test JSON");
            for (variant, runtime) in variants.iter().zip(printed) {
                let (_, coerce) = coerce::COERCIONS
                    .iter()
                    .find(|(name, _)| name == variant)
                    .expect("a known variant");
                let ours = coerce(&value);
                compared += 1;
                if ours != *runtime {
                    problems.push(format!(
                        "{variant} of {text}: {program} prints {runtime:?}, ours {ours:?}"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // At least Python is always there (the checker's own tests need it).
    assert!(compared >= VALUES.len(), "nothing was compared");
}
