//! The diagnosis corpus's registry, checked (`tests/corpus/`, see docs/DIAGNOSIS.md).
//!
//! `cargo xtask corpus` measures the checker with the corpus; this test measures the corpus
//! itself, without the checker's classification or diagnosis: its size and coverage of the
//! issue's stages, that every port says what it imitates and which names are fair (each a
//! catalogue name or one the engine will add), and that every port really deviates from the
//! reference where it claims to. Each port is driven over the adapter protocol on every case
//! of the suite (compared with the vectors' expected answers) and on its probes (compared with
//! the `userhash` library), and its status must be what those deviations make it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use userhash::{Identity, Signer};
use userhash_check::classify;
use userhash_check::suite::{Case, Suite};
use userhash_mistakes::Mistake;
use userhash_vectors::format::{GenerationExpected, Verdict};

const ADAPTER: &str = "crates/userhash-check/tests/corpus/adapter.py";

/// The stages issue 10 asks the corpus to cover, each with several ports.
const STAGES: &[&str] = &[
    "selection",
    "rendering",
    "text",
    "encoding",
    "key",
    "digest",
    "output",
    "verifier",
    "combination",
];
const MIN_PORTS: usize = 120;
/// "Several" ports per stage.
const MIN_PORTS_PER_STAGE: usize = 5;
/// A port whose adapter has not answered everything by then is reported, not waited for.
const PORT_TIMEOUT: Duration = Duration::from_secs(60);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `adapter.py --list`.
fn registry() -> Value {
    let output = Command::new("python3")
        .args([ADAPTER, "--list"])
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "adapter.py --list failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the registry is JSON")
}

fn ports(registry: &Value) -> &[Value] {
    registry["ports"].as_array().expect("ports is an array")
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn text<'a>(port: &'a Value, field: &str) -> &'a str {
    port[field].as_str().unwrap_or("")
}

fn is_kebab_case(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[test]
fn the_registry_is_big_and_well_formed() {
    let registry = registry();
    let ports = ports(&registry);
    let suite = Suite::embedded().expect("embedded vectors");
    let case_ids: BTreeSet<&str> = suite.cases().iter().map(Case::id).collect();
    let planned: BTreeSet<&str> = registry["planned_names"]
        .as_object()
        .expect("planned_names")
        .keys()
        .map(String::as_str)
        .collect();
    let stages: Vec<&str> = registry["stages"]
        .as_object()
        .expect("stages")
        .keys()
        .map(String::as_str)
        .collect();
    let mut problems = Vec::new();

    assert!(
        ports.len() >= MIN_PORTS,
        "{} ports, want at least {MIN_PORTS}",
        ports.len()
    );
    assert_eq!(
        stages, STAGES,
        "registry.py's STAGES and this test's list of the issue's stages differ"
    );
    for name in &planned {
        if Mistake::from_name(name).is_some() {
            problems.push(format!(
                "{name} is a catalogue name now: remove it from registry.PLANNED_NAMES"
            ));
        }
    }

    let mut names = BTreeSet::new();
    let mut per_stage: BTreeMap<&str, usize> = BTreeMap::new();
    let mut used_planned = BTreeSet::new();
    for port in ports {
        let name = text(port, "name");
        let say = |problem: String| format!("{name}: {problem}");
        if !is_kebab_case(name) {
            problems.push(say("the name is not kebab-case".into()));
        }
        if !names.insert(name) {
            problems.push(say("registered twice".into()));
        }
        if text(port, "habit").trim().len() < 10 {
            problems.push(say("no description of the habit it imitates".into()));
        }
        let port_stages = strings(&port["stages"]);
        if port_stages.is_empty() {
            problems.push(say("no stage".into()));
        }
        for stage in &port_stages {
            if !STAGES.contains(stage) {
                problems.push(say(format!("unknown stage {stage}")));
            }
            *per_stage.entry(stage).or_default() += 1;
        }
        let fair = strings(&port["fair"]);
        if fair.is_empty() {
            problems.push(say("no fair name".into()));
        }
        for mistake in &fair {
            if planned.contains(mistake) {
                used_planned.insert(*mistake);
            } else if Mistake::from_name(mistake).is_none() {
                problems.push(say(format!(
                    "fair name {mistake} is neither a catalogue name nor in PLANNED_NAMES"
                )));
            }
        }
        if port_stages.contains(&"combination") && (port_stages.len() < 2 || fair.len() < 2) {
            problems.push(say(
                "a combination names the stages and the fair names of both its mistakes".into(),
            ));
        }
        let reveals = strings(&port["reveals"]);
        for id in &reveals {
            if !case_ids.contains(id) {
                problems.push(say(format!("reveals unknown case {id}")));
            }
        }
        match text(port, "status") {
            "mandatory" | "acceptable-only" => {
                if reveals.is_empty() {
                    problems.push(say("no case it claims to get wrong (reveals)".into()));
                }
            }
            "uncaught" => {
                if text(port, "uncaught_because").trim().len() < 10 {
                    problems.push(say("uncaught, but does not say why".into()));
                }
                if port["probes"].as_array().is_none_or(Vec::is_empty) {
                    problems.push(say("uncaught, but has no probe it differs on".into()));
                }
            }
            other => problems.push(say(format!("unknown status {other:?}"))),
        }
    }
    for stage in STAGES {
        let count = per_stage.get(stage).copied().unwrap_or(0);
        if count < MIN_PORTS_PER_STAGE {
            problems.push(format!(
                "stage {stage} has {count} ports, want at least {MIN_PORTS_PER_STAGE}"
            ));
        }
    }
    for name in planned.difference(&used_planned) {
        problems.push(format!("{name} is in PLANNED_NAMES but no port names it"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// One request sent to a port, with what the reference answers to it.
struct Probe {
    /// A case id, or `probe N` for an uncaught port's probes.
    label: String,
    request: serde_json::Map<String, Value>,
    /// The case's verdict, or `None` for a probe (which is not in the suite).
    verdict: Option<Verdict>,
    expected: Expected,
}

#[derive(Debug)]
enum Expected {
    /// `user_hash`: this hash (or none), or an error.
    Hash(Option<String>),
    Error,
    /// `verify`: this decision; an error is a correct refusal only when `error_ok`.
    Valid {
        valid: bool,
        error_ok: bool,
    },
}

/// The user-hash cases as probes (the corpus ports implement the user hash, not JWTs).
fn suite_probes(suite: &Suite) -> Vec<Probe> {
    suite
        .cases()
        .iter()
        .filter_map(|case| {
            let (verdict, expected) = match case {
                Case::UserHash(case) => (
                    case.result,
                    match &case.expected {
                        GenerationExpected::Hash(hash) => Expected::Hash(hash.user_hash.clone()),
                        GenerationExpected::Error(_) => Expected::Error,
                    },
                ),
                Case::Verify(case) => (
                    case.result,
                    Expected::Valid {
                        valid: case.expected.valid,
                        error_ok: !case.expected.valid
                            && reference_rejects(
                                &case.input.secret,
                                case.input.user_id.as_ref(),
                                case.input.email.as_ref(),
                            ),
                    },
                ),
                Case::Jwt(_) | Case::JwtVerify(_) => return None,
            };
            Some(Probe {
                label: case.id().to_owned(),
                request: classify::request(case),
                verdict: Some(verdict),
                expected,
            })
        })
        .collect()
}

fn reference_rejects(secret: &str, user_id: Option<&Value>, email: Option<&Value>) -> bool {
    Signer::new(secret).is_err() || Identity::from_json(user_id, email).is_err()
}

/// An uncaught port's own probe, with the reference's answer from the `userhash` library.
fn port_probe(index: usize, request: &Value) -> Probe {
    let request = request.as_object().cloned().expect("a probe is an object");
    let secret = request.get("secret").and_then(Value::as_str).unwrap_or("");
    let (user_id, email) = (request.get("user_id"), request.get("email"));
    let answer = Signer::new(secret).ok().and_then(|signer| {
        Identity::from_json(user_id, email)
            .ok()
            .map(|identity| (signer, identity))
    });
    let expected = match (request.get("cmd").and_then(Value::as_str), answer) {
        (Some("verify"), Some((signer, identity))) => Expected::Valid {
            valid: signer.verify(
                &identity,
                request
                    .get("user_hash")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
            ),
            error_ok: false,
        },
        (Some("verify"), None) => Expected::Valid {
            valid: false,
            error_ok: true,
        },
        (_, Some((signer, identity))) => {
            Expected::Hash(signer.user_hash(&identity).map(String::from))
        }
        (_, None) => Expected::Error,
    };
    Probe {
        label: format!("probe {index}"),
        request,
        verdict: None,
        expected,
    }
}

/// Whether a reply deviates from the reference, or why the reply is unusable.
fn deviates(expected: &Expected, reply: &Value) -> Result<bool, String> {
    if let Some(error) = reply.get("error").and_then(Value::as_str) {
        if error.starts_with("corpus bug") {
            return Err(error.to_owned());
        }
        return Ok(match expected {
            Expected::Error => false,
            Expected::Valid { error_ok, .. } => !error_ok,
            Expected::Hash(_) => true,
        });
    }
    match (expected, reply.get("user_hash"), reply.get("valid")) {
        (Expected::Hash(hash), Some(answer), _) => Ok(*answer != json!(hash)),
        (Expected::Error, Some(_), _) => Ok(true),
        (Expected::Valid { valid, .. }, _, Some(Value::Bool(answer))) => Ok(answer != valid),
        _ => Err(format!("an unusable reply: {reply}")),
    }
}

/// Sends every request to `python3 adapter.py PORT` (pipelined, as the checker does) and
/// returns the replies in order.
fn drive(port: &str, requests: &[&serde_json::Map<String, Value>]) -> Result<Vec<Value>, String> {
    let mut child = Command::new("python3")
        .args([ADAPTER, port])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the adapter: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = vec![json!({"cmd": "start", "protocol": 1})];
    for (seq, request) in requests.iter().enumerate() {
        let mut request = (*request).clone();
        request.insert("seq".into(), json!(seq));
        lines.push(Value::Object(request));
    }
    lines.push(json!({"cmd": "stop"}));
    // A writer thread, so a full stdout pipe can never stall the adapter while we write.
    let writer = std::thread::spawn(move || {
        for line in lines {
            if writeln!(stdin, "{line}").is_err() {
                break;
            }
        }
    });
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let mut replies = Vec::new();
    let result = loop {
        match receiver.recv_timeout(PORT_TIMEOUT) {
            Ok(Ok(line)) => match serde_json::from_str::<Value>(&line) {
                Ok(reply) => replies.push(reply),
                Err(e) => break Err(format!("a reply that is not JSON ({e}): {line}")),
            },
            Ok(Err(e)) => break Err(format!("reading the adapter: {e}")),
            Err(mpsc::RecvTimeoutError::Disconnected) => break Ok(()),
            Err(mpsc::RecvTimeoutError::Timeout) => break Err("the adapter hangs".into()),
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    let _ = writer.join();
    result?;
    let handshake = replies.first().cloned().unwrap_or(Value::Null);
    if handshake["ok"] != json!(true)
        || !strings(&handshake["implementation"]["features"]).contains(&"verify")
    {
        return Err(format!("a bad handshake: {handshake}"));
    }
    let replies: Vec<Value> = replies.into_iter().skip(1).collect();
    if replies.len() != requests.len() {
        return Err(format!(
            "{} replies to {} requests",
            replies.len(),
            requests.len()
        ));
    }
    for (seq, reply) in replies.iter().enumerate() {
        if reply["seq"] != json!(seq) {
            return Err(format!("reply {seq} has the wrong seq: {reply}"));
        }
    }
    Ok(replies)
}

/// What is wrong with one port's claims, if anything.
fn check_port(port: &Value, suite: &[Probe]) -> Vec<String> {
    let name = text(port, "name");
    let own: Vec<Probe> = port["probes"]
        .as_array()
        .map(|probes| {
            probes
                .iter()
                .enumerate()
                .map(|(i, p)| port_probe(i, p))
                .collect()
        })
        .unwrap_or_default();
    let all: Vec<&Probe> = suite.iter().chain(&own).collect();
    let requests: Vec<_> = all.iter().map(|probe| &probe.request).collect();
    let replies = match drive(name, &requests) {
        Ok(replies) => replies,
        Err(e) => return vec![format!("{name}: {e}")],
    };
    let mut problems = Vec::new();
    let mut deviating: BTreeMap<&str, Option<Verdict>> = BTreeMap::new();
    for (probe, reply) in all.iter().zip(&replies) {
        match deviates(&probe.expected, reply) {
            Ok(true) => {
                deviating.insert(&probe.label, probe.verdict);
            }
            Ok(false) => {}
            Err(e) => problems.push(format!("{name} on {}: {e}", probe.label)),
        }
    }
    let on_suite: Vec<Verdict> = deviating.values().filter_map(|verdict| *verdict).collect();
    let status = if on_suite
        .iter()
        .any(|verdict| matches!(verdict, Verdict::Valid | Verdict::Invalid))
    {
        "mandatory"
    } else if on_suite.is_empty() {
        "uncaught"
    } else {
        "acceptable-only"
    };
    let claimed = text(port, "status");
    if status != claimed {
        problems.push(format!(
            "{name}: registered as {claimed}, but on the suite it is {status} (it deviates on: {})",
            deviating.keys().copied().collect::<Vec<_>>().join(", ")
        ));
    }
    for id in strings(&port["reveals"]) {
        if !deviating.contains_key(id) {
            problems.push(format!(
                "{name}: claims to reveal {id}, but answers it right"
            ));
        }
    }
    for probe in &own {
        if !deviating.contains_key(probe.label.as_str()) {
            problems.push(format!(
                "{name}: answers its {} like the reference ({:?})",
                probe.label, probe.expected
            ));
        }
    }
    problems
}

#[test]
fn every_port_deviates_where_it_claims_and_its_status_is_what_the_suite_shows() {
    let registry = registry();
    let ports = ports(&registry);
    let suite = Suite::embedded().expect("embedded vectors");
    let probes = suite_probes(&suite);
    let next = AtomicUsize::new(0);
    let problems = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(port) = ports.get(index) else { break };
                let found = check_port(port, &probes);
                problems.lock().expect("no worker panics").extend(found);
            });
        }
    });
    let problems = problems.into_inner().expect("no worker panicked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn deviation_rules() {
    let hash = Expected::Hash(Some("ab".into()));
    assert_eq!(deviates(&hash, &json!({"user_hash": "ab"})), Ok(false));
    assert_eq!(deviates(&hash, &json!({"user_hash": "AB"})), Ok(true));
    assert_eq!(deviates(&hash, &json!({"user_hash": null})), Ok(true));
    assert_eq!(deviates(&hash, &json!({"error": "no"})), Ok(true));
    assert_eq!(
        deviates(&Expected::Hash(None), &json!({"user_hash": null})),
        Ok(false)
    );
    assert_eq!(
        deviates(&Expected::Error, &json!({"error": "no"})),
        Ok(false)
    );
    assert_eq!(
        deviates(&Expected::Error, &json!({"user_hash": null})),
        Ok(true)
    );
    let refuse = Expected::Valid {
        valid: false,
        error_ok: false,
    };
    assert_eq!(deviates(&refuse, &json!({"valid": false})), Ok(false));
    assert_eq!(deviates(&refuse, &json!({"valid": true})), Ok(true));
    assert_eq!(deviates(&refuse, &json!({"error": "RangeError"})), Ok(true));
    assert!(deviates(&hash, &json!({"error": "corpus bug: TypeError"})).is_err());
    assert!(deviates(&hash, &json!({"valid": true})).is_err());
}
