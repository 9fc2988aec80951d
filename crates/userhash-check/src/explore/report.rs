//! A shrunk counterexample diagnosed and written out: for a reader, and as a vector case.

use serde_json::{json, Value};
use userhash::jwt::JwtSigner;
use userhash::Identity;
use userhash_mistakes::{engine, Input, Mistake};
use userhash_vectors::format::{
    ExpectedError, ExpectedHash, ExpectedToken, GenerationCase, GenerationExpected,
    GenerationInput, JwtCase, JwtExpected, JwtInput, JwtVerifyCase, JwtVerifyExpected,
    JwtVerifyInput, Verdict, VerifyCase, VerifyExpected, VerifyInput,
};

use super::gen::{Presented, User};
use super::shrink::Shrunk;
use super::{judge_token, reference, Counterexample, Evidence, Expected, ExploreReport, Probe};

fn input_of(user: &User) -> Input<'_> {
    Input {
        secret: &user.secret,
        user_id: user.user_id.as_ref(),
        email: user.email.as_ref(),
    }
}

/// What the engine says of a hash counterexample.
struct Diagnosed {
    /// Named as `run` names: a pipeline reproduces this answer and every answer the port got
    /// right during the exploration.
    mistakes: Vec<Mistake>,
    /// That pipeline.
    pipeline: Option<String>,
    /// Failing that, the pipelines that reproduce this answer alone: what the port did on
    /// this input, which it does not do on every input (a right answer contradicts each).
    only_here: Vec<String>,
}

/// Names the mistake behind a hash counterexample.
fn diagnose(user: &User, actual: &Value, passes: &[(User, Option<String>)]) -> Diagnosed {
    let none = Diagnosed {
        mistakes: Vec::new(),
        pipeline: None,
        only_here: Vec::new(),
    };
    let answer = match actual.get("user_hash") {
        Some(Value::String(hash)) => Some(hash.clone()),
        Some(Value::Null) => None,
        _ => return none,
    };
    let mut observations: Vec<(Input<'_>, Option<userhash_mistakes::Answer>)> = passes
        .iter()
        .map(|(user, hash)| (input_of(user), Some(hash.clone())))
        .collect();
    observations.push((input_of(user), Some(answer)));
    let diagnosis = engine::explain_run(&observations);
    let index = observations.len() - 1;
    match diagnosis
        .explained
        .iter()
        .find(|group| group.cases.contains(&index))
    {
        Some(group) => Diagnosed {
            mistakes: group.pipeline.mistakes(),
            pipeline: Some(group.pipeline.name()),
            only_here: Vec::new(),
        },
        None => Diagnosed {
            only_here: {
                let mut names: Vec<String> = engine::explain(
                    &input_of(user),
                    &observations[index].1.clone().unwrap_or(None),
                )
                .iter()
                .map(|pipeline| {
                    pipeline
                        .steps()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(" + ")
                })
                .collect();
                names.dedup();
                names
            },
            ..none
        },
    }
}

/// The id a promoted case gets: stable for the input, new for every input (the HMAC of its
/// JSON under a fixed key, as a stable digest).
fn case_id(input: &Value) -> String {
    let digest = userhash::Signer::new("userhash-check explore")
        .map(|signer| {
            signer
                .sign_message(input.to_string().as_bytes())
                .to_string()
        })
        .unwrap_or_default();
    format!("explore-{}", &digest[..digest.len().min(8)])
}

/// The counterexample as a case of the vector file its command reads.
pub fn vector_case(probe: &Probe, seed: u64) -> Value {
    let id = case_id(&Value::Object(probe.request("")));
    let description = format!("Found by userhash-check explore (seed {seed}).");
    match probe {
        Probe::Jwt(sign) => {
            let expected = match JwtSigner::new(&sign.user.secret)
                .and_then(|signer| signer.sign(&sign.claims))
            {
                Ok(jwt) => JwtExpected::Token(ExpectedToken {
                    header: userhash_mistakes::jwt::header_of(&jwt).unwrap_or_default(),
                    claims: userhash_mistakes::jwt::claims_of(&jwt).unwrap_or_default(),
                    jwt,
                }),
                Err(error) => JwtExpected::Error(ExpectedError {
                    error: error.class().to_owned(),
                }),
            };
            let result = match (&expected, super::jwt::sign_is_acceptable(sign)) {
                (_, true) => Verdict::Acceptable,
                (JwtExpected::Error(_), false) => Verdict::Invalid,
                (JwtExpected::Token(_), false) => Verdict::Valid,
            };
            serde_json::to_value(JwtCase {
                id,
                description,
                flags: Vec::new(),
                result,
                input: JwtInput {
                    secret: sign.user.secret.clone(),
                    claims: sign.claims.clone(),
                },
                expected,
            })
            .unwrap_or(Value::Null)
        }
        Probe::VerifyJwt(check) => {
            let verdict = check.verdict.clone();
            let result = match (&verdict, super::jwt::check_is_acceptable(check)) {
                (_, true) => Verdict::Acceptable,
                (Ok(()), false) => Verdict::Valid,
                (Err(_), false) => Verdict::Invalid,
            };
            serde_json::to_value(JwtVerifyCase {
                id,
                description,
                flags: Vec::new(),
                result,
                input: JwtVerifyInput {
                    secret: check.user.secret.clone(),
                    jwt: check.token.clone(),
                    now: super::jwt::NOW,
                },
                expected: JwtVerifyExpected {
                    valid: verdict.is_ok(),
                    error: verdict.err().map(|error| error.class().to_owned()),
                },
            })
            .unwrap_or(Value::Null)
        }
        Probe::Hash(user) => {
            let expected = match reference(user) {
                Err(class) => GenerationExpected::Error(ExpectedError {
                    error: class.to_owned(),
                }),
                Ok(hash) => {
                    let identity =
                        Identity::from_json(user.user_id.as_ref(), user.email.as_ref()).ok();
                    let message = identity
                        .as_ref()
                        .and_then(|identity| identity.message().map(str::to_owned));
                    GenerationExpected::Hash(ExpectedHash {
                        identity: identity
                            .map_or("none", |identity| identity.kind().as_str())
                            .to_owned(),
                        message_utf8_hex: message
                            .as_ref()
                            .map(|m| m.bytes().map(|b| format!("{b:02x}")).collect()),
                        message,
                        user_hash: hash,
                    })
                }
            };
            let result = match expected {
                GenerationExpected::Error(_) => Verdict::Invalid,
                GenerationExpected::Hash(_) => Verdict::Valid,
            };
            serde_json::to_value(GenerationCase {
                id,
                description,
                flags: Vec::new(),
                result,
                input: GenerationInput {
                    secret: user.secret.clone(),
                    user_id: user.user_id.clone(),
                    email: user.email.clone(),
                },
                expected,
            })
            .unwrap_or(Value::Null)
        }
        Probe::Verify(user, presented) => {
            let valid = matches!(presented, Presented::Correct(_));
            serde_json::to_value(VerifyCase {
                id,
                description,
                flags: Vec::new(),
                result: if valid {
                    Verdict::Valid
                } else {
                    Verdict::Invalid
                },
                input: VerifyInput {
                    secret: user.secret.clone(),
                    user_id: user.user_id.clone(),
                    email: user.email.clone(),
                    user_hash: presented.hash().to_owned(),
                },
                expected: VerifyExpected { valid },
            })
            .unwrap_or(Value::Null)
        }
    }
}

/// Names a verifier's wrong decision with the engine `run` uses: a wrong comparison (or a hash
/// deviation of the verifier's own) that reproduces it and every right decision seen.
fn diagnose_verifier(
    user: &User,
    presented: &str,
    accepted: bool,
    decisions: &[(User, String, bool)],
) -> Vec<Mistake> {
    let decision = |valid: bool| {
        Some(if valid {
            engine::Decision::Accepted
        } else {
            engine::Decision::Refused
        })
    };
    let mut observations: Vec<engine::VerifyObservation<'_>> = decisions
        .iter()
        .map(|(user, hash, valid)| (input_of(user), hash.as_str(), decision(*valid)))
        .collect();
    observations.push((input_of(user), presented, decision(accepted)));
    engine::explain_verify(&observations, &engine::Pipeline::default()).mistakes
}

/// The counterexample to report, diagnosed.
pub(super) fn counterexample(
    case: u64,
    shrunk: Shrunk,
    evidence: Evidence,
    seed: u64,
) -> Counterexample {
    let evidence = evidence.followed_by(shrunk.evidence);
    let hashes: &[(User, Option<String>)] = &evidence.hashes;
    let decisions: &[(User, String, bool)] = &evidence.decisions;
    let mut only_here = Vec::new();
    let (diagnosis, explained_by) = match &shrunk.probe {
        Probe::Hash(user) => {
            let diagnosed = diagnose(user, &shrunk.actual, hashes);
            only_here = diagnosed.only_here;
            (diagnosed.mistakes, diagnosed.pipeline)
        }
        Probe::Jwt(_) => match (shrunk.probe.expected(), shrunk.actual.get("jwt")) {
            (Expected::Token(reference), Some(Value::String(token))) => (
                judge_token(&shrunk.probe.user().secret, &reference, token).mistakes,
                None,
            ),
            (Expected::Error(class), Some(Value::String(_))) => (
                match class {
                    "missing_user_id" => vec![Mistake::MissingUserId],
                    "empty_secret" => vec![Mistake::EmptySecretAccepted],
                    _ => Vec::new(),
                },
                None,
            ),
            _ => (Vec::new(), None),
        },
        Probe::VerifyJwt(check) => match shrunk.actual.get("valid") {
            Some(Value::Bool(true)) => (
                userhash_mistakes::jwt::diagnose_accepted_token(
                    &check.user.secret,
                    &check.token,
                    super::jwt::NOW,
                ),
                None,
            ),
            _ => (Vec::new(), None),
        },
        Probe::Verify(user, presented) => match shrunk.actual.get("valid") {
            Some(Value::Bool(accepted)) => (
                diagnose_verifier(user, presented.hash(), *accepted, decisions),
                None,
            ),
            _ => (Vec::new(), None),
        },
    };
    let expected = match shrunk.probe.expected() {
        Expected::Hash(hash) => json!({ "user_hash": hash }),
        Expected::Error(class) => json!({ "error": class }),
        Expected::Valid(valid) => json!({ "valid": valid }),
        Expected::Token(reference) => {
            json!({ "claims": userhash_mistakes::jwt::claims_of(&reference).unwrap_or_default() })
        }
    };
    let input = shrunk.probe.input();
    let presented = match &shrunk.probe {
        Probe::Verify(_, presented) => Some(match presented {
            Presented::Correct(_) => "the correct hash".to_owned(),
            Presented::Wrong(how, _) => (*how).to_owned(),
        }),
        Probe::VerifyJwt(check) => Some(check.how.to_owned()),
        Probe::Hash(_) | Probe::Jwt(_) => None,
    };
    Counterexample {
        case,
        kind: shrunk.probe.kind(),
        input: Value::Object(input),
        expected,
        actual: shrunk.actual.clone(),
        presented,
        shrink_steps: shrunk.steps,
        shrink_requests: shrunk.requests,
        hint: diagnosis.first().map(|mistake| mistake.hint().to_owned()),
        explained_by,
        only_here,
        diagnosis,
        vector_case: vector_case(&shrunk.probe, seed),
    }
}

/// The readable report.
pub fn render_human(report: &ExploreReport) -> String {
    let mut out = String::new();
    let name = &report.implementation.name;
    match (&report.counterexample, &report.fault) {
        (Some(found), _) => {
            out.push_str(&format!(
                "COUNTEREXAMPLE after {} cases (seed {}, case {}), shrunk in {} steps ({} requests) — {name}\n",
                report.cases, report.seed, found.case, found.shrink_steps, found.shrink_requests
            ));
            out.push_str(&format!("  {}: {}\n", found.kind, found.input));
            if let Some(presented) = &found.presented {
                out.push_str(&format!("  presented: {presented}\n"));
            }
            out.push_str(&format!("  expected: {}\n", found.expected));
            out.push_str(&format!("  actual:   {}\n", found.actual));
            match (&found.explained_by, found.diagnosis.first()) {
                (Some(pipeline), _) => out.push_str(&format!(
                    "  diagnosis: {pipeline} (reproduces this answer and every answer the port got right)\n"
                )),
                (None, Some(_)) => out.push_str(&format!(
                    "  diagnosis: {}\n",
                    found
                        .diagnosis
                        .iter()
                        .map(|m| m.name())
                        .collect::<Vec<_>>()
                        .join(" or ")
                )),
                (None, None) if !found.only_here.is_empty() => out.push_str(&format!(
                    "  diagnosis: on this input the port answers as {} would, but not on every input \
                     (it answered others right that this would change): a mistake made only on some inputs\n",
                    found.only_here.join(" or ")
                )),
                (None, None) => out.push_str(
                    "  diagnosis: no catalogued mistake explains it; compare the key and message bytes\n",
                ),
            }
            if let Some(hint) = &found.hint {
                out.push_str(&format!("  hint: {hint}\n"));
            }
            out.push_str(&format!(
                "  as a vector case (for {}):\n",
                found.kind.file_name()
            ));
            let pretty = serde_json::to_string_pretty(&found.vector_case).unwrap_or_default();
            for line in pretty.lines() {
                out.push_str(&format!("    {line}\n"));
            }
            out.push_str(&format!(
                "  reproduce: userhash-check explore --seed {} --cases {}{} -- {}\n",
                report.seed,
                found.case + 1,
                report
                    .flags
                    .iter()
                    .map(|flag| format!(" {flag}"))
                    .collect::<String>(),
                report.command
            ));
        }
        (None, Some(fault)) => {
            out.push_str(&format!(
                "FAULT after {} cases (seed {}, case {}) — {name}\n  input: {}\n  {}\n",
                report.cases, report.seed, fault.case, fault.input, fault.message
            ));
        }
        (None, None) => {
            out.push_str(&format!(
                "NO COUNTEREXAMPLE in {} cases{} (seed {}, {:.0} cases/s) — {name}\n",
                report.cases,
                if report.verify {
                    ", verify included"
                } else {
                    ""
                },
                report.seed,
                report.cases_per_second
            ));
        }
    }
    if report.acceptable > 0 {
        out.push_str(&format!(
            "  {} answers differed on inputs the vectors call acceptable (warnings, not counterexamples)\n",
            report.acceptable
        ));
    }
    if report.skipped > 0 {
        out.push_str(&format!("  {} cases skipped by the port\n", report.skipped));
    }
    if let Some(stopped) = &report.stopped {
        out.push_str(&format!("  stopped: {stopped}\n"));
    }
    out
}
