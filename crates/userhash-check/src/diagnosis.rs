//! Diagnosis across the cases of a run. Each case is diagnosed on its own when it is
//! classified; these passes use what the whole run shows: a verifier's refusal traced to the
//! port's own hash mistakes, a name withdrawn when the rest of the run contradicts it, and the
//! run-level line that says which mistakes explain the failures.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;
use userhash_mistakes::Mistake;

use crate::outcome::{CaseKind, Outcome};
use crate::run::CaseResult;
use crate::suite::Case;

/// Applies every run-level pass to the results of a run, in suite order.
pub fn across_the_run(cases: &[Case<'_>], results: &mut [CaseResult]) {
    withdraw_integer_rejection_from_a_port_that_rejects_everything(results);
    explain_refused_hashes_by_the_ports_own_mistakes(cases, results);
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

/// A verifier that refuses a correct hash leaves no observed value to match against the
/// catalogue. But a port's verifier recomputes the hash with its own `user_hash`, so the mistakes
/// its generation cases were diagnosed with explain the refusal wherever they change this case's
/// hash. Without this, every such refusal is "unexplained" although the cause is known.
fn explain_refused_hashes_by_the_ports_own_mistakes(
    cases: &[Case<'_>],
    results: &mut [CaseResult],
) {
    let seen: BTreeSet<Mistake> = results
        .iter()
        .filter(|result| result.kind == CaseKind::UserHash && result.outcome != Outcome::Pass)
        .flat_map(|result| result.diagnosis.iter().copied())
        .collect();
    if seen.is_empty() {
        return;
    }
    for (case, result) in cases.iter().zip(results.iter_mut()) {
        let Case::Verify(case) = case else { continue };
        let refused_correct =
            case.expected.valid && result.actual.get("valid") == Some(&Value::Bool(false));
        if !refused_correct || !result.diagnosis.is_empty() {
            continue;
        }
        let input = userhash_mistakes::Input {
            secret: &case.input.secret,
            user_id: case.input.user_id.as_ref(),
            email: case.input.email.as_ref(),
        };
        result.diagnosis = seen
            .iter()
            .copied()
            .filter(|mistake| !mistake.answers(&input).is_empty())
            .collect();
        if let Some(first) = result.diagnosis.first() {
            result.hint = Some(first.hint().to_owned());
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
    /// The mistakes of the cover, each with the cases it explains, largest first.
    pub named: Vec<NamedMistake>,
    /// Cases no catalogued mistake explains.
    pub unexplained: usize,
}

/// A mistake of the run-level cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NamedMistake {
    /// The mistake.
    pub mistake: Mistake,
    /// The cases it explains that no mistake before it in the cover did.
    pub cases: usize,
}

/// The run-level explanation: a greedy cover of the failing cases by their diagnoses, largest
/// first. Without failures, the same for the warnings; `None` when there are neither.
pub fn explain_failures(cases: &[CaseResult]) -> Option<RunExplanation> {
    let failing: Vec<&CaseResult> = cases.iter().filter(|c| c.outcome.is_failure()).collect();
    let warnings = failing.is_empty();
    let (cases, singular, plural) = if warnings {
        let warned: Vec<&CaseResult> = cases
            .iter()
            .filter(|c| c.outcome == Outcome::Warn)
            .collect();
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
    let mut parts: Vec<(Mistake, usize)> = Vec::new();
    loop {
        let mut counts: BTreeMap<Mistake, usize> = BTreeMap::new();
        for case in &remaining {
            for mistake in &case.diagnosis {
                *counts.entry(*mistake).or_default() += 1;
            }
        }
        // The mistake explaining most; ties go to the catalogue's order.
        let Some((best, count)) = counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        else {
            break;
        };
        parts.push((best, count));
        remaining.retain(|case| !case.diagnosis.contains(&best));
    }
    let text = match (parts.as_slice(), remaining.len()) {
        ([], _) => format!("{total} {label}, none explained by a catalogued mistake"),
        ([(mistake, _)], 0) => {
            format!(
                "{total} {label}, all explained by {mistake}: {}",
                mistake.hint()
            )
        }
        (parts, unexplained) => {
            let listed: Vec<String> = parts
                .iter()
                .enumerate()
                .map(|(i, (m, n))| {
                    if i == 0 {
                        format!("{n} explained by {m}")
                    } else {
                        format!("{n} by {m}")
                    }
                })
                .collect();
            let mut text = format!("{total} {label}: {}", listed.join(", "));
            if unexplained > 0 {
                text.push_str(&format!(", {unexplained} unexplained"));
            }
            if let Some((first, _)) = parts.first() {
                text.push_str(&format!(" ({first}: {})", first.hint()));
            }
            text
        }
    };
    Some(RunExplanation {
        text,
        warnings,
        cases: total,
        unexplained: remaining.len(),
        named: parts
            .into_iter()
            .map(|(mistake, cases)| NamedMistake { mistake, cases })
            .collect(),
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
        assert_eq!(explanation.named[0].mistake, upper);
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
