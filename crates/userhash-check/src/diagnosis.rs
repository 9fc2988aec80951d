//! Diagnosis across the cases of a run. A port computes every answer with one pipeline, so the
//! diagnosis engine (`userhash_mistakes::engine`) looks for the pipelines that reproduce every
//! answer of the run, failures and passes alike, and only those are named; verify failures are
//! traced to the same pipeline; a name is withdrawn when the rest of the run contradicts it; and
//! the run-level line says which pipelines explain the failures, or, where none does, which
//! flags the unexplained failures share that no passing case has.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use userhash_mistakes::engine::Decision;
use userhash_mistakes::Mistake;

use crate::classify;
use crate::outcome::{CaseKind, Outcome};
use crate::run::CaseResult;
use crate::suite::Case;

/// Applies every run-level pass to the results of a run, in suite order.
pub fn across_the_run(cases: &[Case<'_>], results: &mut [CaseResult]) {
    withdraw_integer_rejection_from_a_port_that_rejects_everything(results);
    let pipelines = name_the_ports_pipeline(cases, results);
    explain_verify_failures_by_the_ports_pipeline(cases, results, &pipelines);
    name_jwt_refusals(cases, results);
    settle_jwt_alternatives(cases, results);
}

/// A JWT case explained by several alternatives (a token under a hex-decoded secret that a
/// verifier accepts: it decodes the secret too, or checks no signature at all) keeps those the
/// run's other JWT cases name on their own; if none or all are, the alternatives stay.
fn settle_jwt_alternatives(cases: &[Case<'_>], results: &mut [CaseResult]) {
    let jwt: Vec<usize> = (0..cases.len())
        .filter(|&i| matches!(cases[i], Case::Jwt(_) | Case::JwtVerify(_)))
        .collect();
    let proven: Vec<Mistake> = jwt
        .iter()
        .filter_map(|&i| match results[i].diagnosis[..] {
            [only] => Some(only),
            _ => None,
        })
        .collect();
    // A verifier that refused a forgery with a whole signature does check signatures.
    let checks_signatures = jwt.iter().any(|&i| match cases[i] {
        Case::JwtVerify(case) => {
            case.expected.error.as_deref() == Some("bad_signature")
                && case
                    .input
                    .jwt
                    .rsplit('.')
                    .next()
                    .is_some_and(|s| s.len() >= 43)
                && results[i].actual.get("valid") == Some(&Value::Bool(false))
        }
        _ => false,
    });
    for &i in &jwt {
        let diagnosis = &results[i].diagnosis;
        if diagnosis.len() < 2 {
            continue;
        }
        let possible: Vec<Mistake> = diagnosis
            .iter()
            .copied()
            .filter(|m| !(checks_signatures && *m == Mistake::SignatureNotChecked))
            .collect();
        let kept: Vec<Mistake> = match possible
            .iter()
            .copied()
            .filter(|mistake| proven.contains(mistake))
            .collect::<Vec<_>>()
        {
            none if none.is_empty() => possible,
            some => some,
        };
        if !kept.is_empty() && kept.len() < diagnosis.len() {
            results[i].hint = kept.first().map(|mistake| mistake.hint().to_owned());
            results[i].diagnosis = kept;
        }
    }
}

/// A JWT verifier that refuses valid tokens: what the refused tokens share that the accepted
/// ones lack names the mistake, and only then. A refusal alone proves nothing (the verifier
/// may refuse everything), so a verifier that accepted no valid token gets no name.
fn name_jwt_refusals(cases: &[Case<'_>], results: &mut [CaseResult]) {
    let decision = |i: usize| results[i].actual.get("valid").and_then(Value::as_bool);
    let mut refused = Vec::new();
    let mut accepted = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        if let Case::JwtVerify(case) = case {
            match (case.expected.valid, decision(i)) {
                (true, Some(false)) => refused.push((i, *case)),
                (true, Some(true)) => accepted.push(*case),
                _ => {}
            }
        }
    }
    if refused.is_empty() || accepted.is_empty() {
        return;
    }
    let claims = |case: &userhash_vectors::format::JwtVerifyCase| {
        userhash_mistakes::jwt::claims_of(&case.input.jwt).unwrap_or_default()
    };
    let has_exp = |case| claims(case).contains_key("exp");
    // Inside the leeway: expired by the clock, or not yet valid by it, but not beyond 60 s.
    let within_leeway = |case: &userhash_vectors::format::JwtVerifyCase| {
        let claims = claims(case);
        let now = case.input.now as f64;
        let at = |name: &str| claims.get(name).and_then(Value::as_f64);
        at("exp").is_some_and(|exp| now >= exp) || at("nbf").is_some_and(|nbf| now < nbf)
    };
    let name = if refused.iter().all(|(_, case)| !has_exp(case))
        && accepted.iter().all(|case| has_exp(case))
    {
        Some(Mistake::ExpRequired)
    } else if refused.iter().all(|(_, case)| within_leeway(case))
        && accepted.iter().all(|case| !within_leeway(case))
    {
        Some(Mistake::NoLeeway)
    } else {
        None
    };
    if let Some(mistake) = name {
        for (i, _) in &refused {
            results[*i].diagnosis = vec![mistake];
            results[*i].hint = Some(mistake.hint().to_owned());
        }
        return;
    }
    // A key mistake the run's other JWT cases prove, for the refused tokens whose secret it
    // keys differently (and only if the accepted ones' secrets it keys alike).
    let proven: Vec<Mistake> = (0..cases.len())
        .filter(|&i| matches!(cases[i], Case::Jwt(_) | Case::JwtVerify(_)))
        .flat_map(|i| results[i].diagnosis.clone())
        .filter(|mistake| Mistake::CATALOGUE.contains(mistake))
        .collect();
    let [key, ..] = proven[..] else {
        return;
    };
    if proven.iter().any(|other| *other != key) {
        return;
    }
    // A variant of it that keys every accepted token's secret right and some refused one's
    // wrong: the refused tokens it keys wrong are its doing.
    let keys_wrong =
        |key_of: fn(&str) -> Vec<u8>, secret: &str| key_of(secret) != secret.as_bytes();
    let Some(variant) = userhash_mistakes::jwt::key_variants(key)
        .into_iter()
        .find(|&key_of| {
            accepted
                .iter()
                .all(|case| !keys_wrong(key_of, &case.input.secret))
                && refused
                    .iter()
                    .any(|(_, case)| keys_wrong(key_of, &case.input.secret))
        })
    else {
        return;
    };
    for (i, case) in &refused {
        if keys_wrong(variant, &case.input.secret) {
            results[*i].diagnosis = vec![key];
            results[*i].hint = Some(key.hint().to_owned());
        }
    }
}

/// What the port answered to a generation case, for the engine: `None` when there is no hash
/// answer to compare (an error, a fault, a skip).
fn answered(result: &CaseResult) -> Option<userhash_mistakes::Answer> {
    match result.actual.get("user_hash")? {
        Value::String(hash) => Some(Some(hash.clone())),
        Value::Null => Some(None),
        _ => None,
    }
}

/// Runs the engine over the generation cases: each failure it explains is diagnosed with the
/// pipeline's mistakes; a wrong hash it does not explain loses the names its case alone
/// suggested, since they contradict the rest of the run. Returns the pipelines named.
fn name_the_ports_pipeline(
    cases: &[Case<'_>],
    results: &mut [CaseResult],
) -> Vec<userhash_mistakes::engine::Pipeline> {
    let indices: Vec<usize> = (0..cases.len())
        .filter(|&i| matches!(cases[i], Case::UserHash(_)))
        .collect();
    let observations: Vec<(
        userhash_mistakes::Input<'_>,
        Option<userhash_mistakes::Answer>,
    )> = indices
        .iter()
        .map(|&i| (classify::mistake_input(&cases[i]), answered(&results[i])))
        .collect();
    let mut diagnosis = userhash_mistakes::engine::explain_run(&observations);
    withdraw_contradicted_groups(&mut diagnosis, |position| cases[indices[position]].flags());
    for group in &diagnosis.explained {
        for &position in &group.cases {
            let result = &mut results[indices[position]];
            result.diagnosis = group.pipeline.mistakes();
            result.explained_by = Some(group.pipeline.name());
            result.hint = Some(hint_of(&group.pipeline.mistakes()));
        }
    }
    for &position in &diagnosis.unexplained {
        let result = &mut results[indices[position]];
        // Names that reproduce this answer alone but no answer of the whole run.
        if result.actual.get("user_hash").is_some() {
            result.diagnosis.clear();
            result.hint = Some(
                "no pipeline of up to two known mistakes reproduces this port's answers: compare the key \
                 (the secret's UTF-8 bytes) and the message (expected.message_utf8_hex) with what the \
                 port hashes"
                    .to_owned(),
            );
        }
    }
    diagnosis
        .explained
        .into_iter()
        .map(|group| group.pipeline)
        .collect()
}

/// A pipeline that explains only part of a run is withdrawn when a failure it leaves
/// unexplained shares a flag with a failure it explains: the port fails that kind of case in a
/// way the pipeline does not predict, so the pipeline is likely not the port's mistake but a
/// special case of it (a port that drops every integer user_id is not "ZERO_ID_ABSENT" because
/// the two failures with 0 fit that). Repeated until no group is withdrawn.
fn withdraw_contradicted_groups<'f>(
    diagnosis: &mut userhash_mistakes::engine::RunDiagnosis,
    flags: impl Fn(usize) -> &'f [String],
) {
    loop {
        let unexplained: Vec<&String> = diagnosis
            .unexplained
            .iter()
            .flat_map(|&position| flags(position))
            .collect();
        let Some(index) = diagnosis.explained.iter().position(|group| {
            group
                .cases
                .iter()
                .any(|&position| flags(position).iter().any(|f| unexplained.contains(&f)))
        }) else {
            return;
        };
        let group = diagnosis.explained.remove(index);
        diagnosis.unexplained.extend(group.cases);
        diagnosis.unexplained.sort_unstable();
    }
}

/// The hint of a pipeline: each mistake's, in order.
fn hint_of(mistakes: &[Mistake]) -> String {
    match mistakes {
        [one] => one.hint().to_owned(),
        many => many
            .iter()
            .map(|mistake| format!("{mistake}: {}", mistake.hint()))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// `INTEGER_USER_ID_REJECTED` names an error on an integer user_id. If the port answers no
/// string user_id either, it rejects everything, and blaming the integer would send the
/// developer after the wrong fix: the name is withdrawn.
fn withdraw_integer_rejection_from_a_port_that_rejects_everything(results: &mut [CaseResult]) {
    let answers_some_string_user_id = results.iter().any(|result| {
        result.kind == CaseKind::UserHash
            && result.input.get("user_id").is_some_and(Value::is_string)
            && result.actual.get("user_hash").is_some()
    });
    if answers_some_string_user_id {
        return;
    }
    for result in results.iter_mut() {
        if result.diagnosis.contains(&Mistake::IntegerUserIdRejected) {
            result
                .diagnosis
                .retain(|mistake| *mistake != Mistake::IntegerUserIdRejected);
            result.hint = Some(
                "the port rejects string user_ids too: it seems to reject every input; read its error \
                 messages"
                    .to_owned(),
            );
        }
    }
}

/// What the port decided on a verify case: `None` when there is no decision to compare (a
/// skip, a fault, a malformed reply).
fn decided(actual: &Value) -> Option<Decision> {
    match actual.get("valid") {
        Some(Value::Bool(true)) => Some(Decision::Accepted),
        Some(Value::Bool(false)) => Some(Decision::Refused),
        _ if actual.get("error").is_some() => Some(Decision::Errored),
        _ => None,
    }
}

/// A port's verifier computes the hash with its own `user_hash` and compares. So a verify
/// failure is explained by the run's pipeline when that pipeline's hash makes the decision (a
/// refused correct hash on a case whose hash the pipeline changes, an accepted wrong hash that
/// is the pipeline's own); else by the verifier mistake (see
/// `userhash_mistakes::engine::explain_verify`) that, with the pipeline's hashes, reproduces
/// every decision of the run, errors included. A wrong decision neither explains loses the
/// names its case alone suggested: the rest of the run contradicts them.
fn explain_verify_failures_by_the_ports_pipeline(
    cases: &[Case<'_>],
    results: &mut [CaseResult],
    pipelines: &[userhash_mistakes::engine::Pipeline],
) {
    let indices: Vec<usize> = (0..cases.len())
        .filter(|&i| matches!(cases[i], Case::Verify(_)))
        .collect();
    let observations: Vec<userhash_mistakes::engine::VerifyObservation<'_>> = indices
        .iter()
        .filter_map(|&i| match cases[i] {
            Case::Verify(verify) => Some((
                classify::mistake_input(&cases[i]),
                verify.input.user_hash.as_str(),
                decided(&results[i].actual),
            )),
            _ => None,
        })
        .collect();
    // The port's own hashes: its pipeline when the run named exactly one.
    let own = match pipelines {
        [one] => one.clone(),
        _ => userhash_mistakes::engine::Pipeline::default(),
    };
    let verifier = userhash_mistakes::engine::explain_verify(&observations, &own);
    for (position, &i) in indices.iter().enumerate() {
        let Case::Verify(verify) = cases[i] else {
            continue;
        };
        let result = &mut results[i];
        let expected = if verify.expected.valid {
            Decision::Accepted
        } else {
            Decision::Refused
        };
        let Some(decision) = decided(&result.actual).filter(|d| *d != expected) else {
            continue;
        };
        if decision != Decision::Errored {
            let input = classify::mistake_input(&cases[i]);
            let reference = userhash_mistakes::engine::Pipeline::default().answer(&input);
            let explains = |pipeline: &&userhash_mistakes::engine::Pipeline| {
                let answer = pipeline.answer(&input);
                if decision == Decision::Accepted {
                    answer == Some(Some(verify.input.user_hash.clone()))
                } else {
                    answer.is_some() && answer != reference
                }
            };
            if let Some(pipeline) = pipelines.iter().find(explains) {
                result.diagnosis = pipeline.mistakes();
                result.explained_by = Some(pipeline.name());
                result.hint = Some(hint_of(&pipeline.mistakes()));
                continue;
            }
        }
        if !verifier.mistakes.is_empty() && verifier.cases.contains(&position) {
            result.diagnosis = verifier.mistakes.clone();
            result.explained_by = Some(verifier.name());
            result.hint = Some(hint_of(&verifier.mistakes));
        } else if decision != Decision::Errored {
            result.diagnosis.clear();
            result.explained_by = None;
        }
    }
}

/// The run-level explanation of a run's failures (or, without failures, its warnings).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunExplanation {
    /// "17 failures, all explained by X: hint", "12 failures: 9 explained by X, 3 unexplained".
    pub text: String,
    /// Whether it explains warnings (acceptable deviations) rather than failures.
    pub warnings: bool,
    /// How many cases it explains.
    pub cases: usize,
    /// The explanations of the cover, each with the cases it explains, largest first.
    pub named: Vec<NamedMistake>,
    /// Cases nothing explains.
    pub unexplained: usize,
}

/// An explanation of the run-level cover: one mistake, or a pipeline of several.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NamedMistake {
    /// The name: `UPPERCASE_HEX`, or `TRIMMED_INPUT + UPPERCASE_HEX` for a pipeline.
    pub name: String,
    /// Its mistakes, in pipeline order.
    pub mistakes: Vec<Mistake>,
    /// The cases it explains that no explanation before it in the cover did.
    pub cases: usize,
}

/// What can explain a case: the port's pipeline when the engine named one, else each mistake
/// its own diagnosis names.
fn explanations(case: &CaseResult) -> Vec<(String, Vec<Mistake>)> {
    match &case.explained_by {
        Some(name) => vec![(name.clone(), case.diagnosis.clone())],
        None => case
            .diagnosis
            .iter()
            .map(|mistake| (mistake.name().to_owned(), vec![*mistake]))
            .collect(),
    }
}

/// Flags every one of `unexplained` carries that no passing case does, as a sentence.
fn shared_flags(unexplained: &[&CaseResult], all: &[CaseResult]) -> Option<String> {
    let first = unexplained.first()?;
    let passing_flags: Vec<&String> = all
        .iter()
        .filter(|c| c.outcome == Outcome::Pass)
        .flat_map(|c| c.flags.iter())
        .collect();
    let shared: Vec<&String> = first
        .flags
        .iter()
        .filter(|flag| unexplained.iter().all(|c| c.flags.contains(flag)))
        .filter(|flag| !passing_flags.contains(flag))
        .collect();
    if shared.is_empty() {
        return None;
    }
    let names: Vec<&str> = shared.iter().map(|f| f.as_str()).collect();
    Some(format!(
        "the {} unexplained {} {} {}, which no passing case {}",
        unexplained.len(),
        if unexplained.len() == 1 {
            "carries"
        } else {
            "all carry"
        },
        if names.len() == 1 {
            "the flag"
        } else {
            "the flags"
        },
        names.join(", "),
        if names.len() == 1 {
            "has"
        } else {
            "has all of"
        }
    ))
}

/// The run-level explanation: a greedy cover of the failing cases by their explanations,
/// largest first, and for what stays unexplained the flags those cases share that no passing
/// case has. Without failures, the same for the warnings; `None` when there are neither.
pub fn explain_failures(all: &[CaseResult]) -> Option<RunExplanation> {
    let failing: Vec<&CaseResult> = all.iter().filter(|c| c.outcome.is_failure()).collect();
    let warnings = failing.is_empty();
    let (cases, singular, plural) = if warnings {
        let warned: Vec<&CaseResult> = all.iter().filter(|c| c.outcome == Outcome::Warn).collect();
        (
            warned,
            "warning (acceptable deviation)",
            "warnings (acceptable deviations)",
        )
    } else {
        (failing, "failure", "failures")
    };
    if cases.is_empty() {
        return None;
    }
    let total = cases.len();
    let label = if total == 1 { singular } else { plural };
    let mut remaining = cases;
    let mut parts: Vec<NamedMistake> = Vec::new();
    loop {
        let mut counts: BTreeMap<(String, Vec<Mistake>), usize> = BTreeMap::new();
        for case in &remaining {
            for key in explanations(case) {
                *counts.entry(key).or_default() += 1;
            }
        }
        // The explanation covering most; ties go to fewer mistakes, then the catalogue order.
        let Some(((name, mistakes), count)) = counts.into_iter().max_by(|a, b| {
            a.1.cmp(&b.1)
                .then(b.0 .1.len().cmp(&a.0 .1.len()))
                .then(b.0 .1.cmp(&a.0 .1))
        }) else {
            break;
        };
        remaining.retain(|case| !explanations(case).iter().any(|(n, _)| *n == name));
        parts.push(NamedMistake {
            name,
            mistakes,
            cases: count,
        });
    }
    let hint = |part: &NamedMistake| hint_of(&part.mistakes);
    let mut text = match (parts.as_slice(), remaining.len()) {
        ([], _) => format!("{total} {label}, none explained by a catalogued mistake"),
        ([part], 0) => format!(
            "{total} {label}, all explained by {}: {}",
            part.name,
            hint(part)
        ),
        (parts, unexplained) => {
            let listed: Vec<String> = parts
                .iter()
                .enumerate()
                .map(|(i, part)| {
                    if i == 0 {
                        format!("{} explained by {}", part.cases, part.name)
                    } else {
                        format!("{} by {}", part.cases, part.name)
                    }
                })
                .collect();
            let mut text = format!("{total} {label}: {}", listed.join(", "));
            if unexplained > 0 {
                text.push_str(&format!(", {unexplained} unexplained"));
            }
            if let Some(first) = parts.first() {
                text.push_str(&format!(" ({}: {})", first.name, hint(first)));
            }
            text
        }
    };
    if let Some(flags) = shared_flags(&remaining, all) {
        text.push_str(&format!("; {flags}"));
    }
    Some(RunExplanation {
        text,
        warnings,
        cases: total,
        unexplained: remaining.len(),
        named: parts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::tests::report_of;
    use serde_json::json;

    #[test]
    fn run_level_explanations() {
        let upper = Mistake::UppercaseHex;
        let all = report_of(&[
            (Outcome::Fail, &[upper]),
            (Outcome::Fail, &[upper]),
            (Outcome::Pass, &[]),
        ]);
        let line = explain_failures(&all.cases).expect("failures").text;
        assert!(
            line.starts_with("2 failures, all explained by UPPERCASE_HEX: "),
            "{line}"
        );
        let mixed = report_of(&[
            (Outcome::Fail, &[upper]),
            (Outcome::Fail, &[upper, Mistake::Base64Output]),
            (Outcome::Error, &[]),
        ]);
        let explanation = explain_failures(&mixed.cases).expect("failures");
        assert_eq!(explanation.unexplained, 1);
        assert_eq!(explanation.named[0].mistakes, [upper]);
        let line = explanation.text;
        assert!(
            line.starts_with("3 failures: 2 explained by UPPERCASE_HEX, 1 unexplained"),
            "{line}"
        );
        assert_eq!(
            explain_failures(&report_of(&[(Outcome::Pass, &[])]).cases),
            None
        );
        let warned = report_of(&[(Outcome::Warn, &[])]);
        let explanation = explain_failures(&warned.cases).expect("warnings");
        assert!(explanation.warnings);
        assert!(explanation.text.contains("acceptable deviation"));
    }

    #[test]
    fn integer_rejection_is_withdrawn_when_strings_are_rejected_too() {
        let rejected = Mistake::IntegerUserIdRejected;
        let mut report = report_of(&[(Outcome::Error, &[rejected]), (Outcome::Error, &[])]);
        report.cases[0].input = json!({"secret": "s", "user_id": 42});
        report.cases[1].input = json!({"secret": "s", "user_id": "42"});
        report.cases[1].actual = json!({"error": "no"});
        withdraw_integer_rejection_from_a_port_that_rejects_everything(&mut report.cases);
        assert!(report.cases[0].diagnosis.is_empty());
        assert!(report.cases[0]
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("every input")));
        // Kept when the port does hash a string user_id.
        let mut report = report_of(&[(Outcome::Error, &[rejected]), (Outcome::Pass, &[])]);
        report.cases[1].input = json!({"secret": "s", "user_id": "42"});
        report.cases[1].actual = json!({"user_hash": "ab"});
        withdraw_integer_rejection_from_a_port_that_rejects_everything(&mut report.cases);
        assert_eq!(report.cases[0].diagnosis, [rejected]);
    }
}
