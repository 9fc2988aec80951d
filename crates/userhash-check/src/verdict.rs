//! The verdict: whether a run is evidence of conformance, and the line that says so with its
//! coverage.
//!
//! A run is conformant only with evidence: every selected mandatory case was answered and
//! passed. A case the port skipped is not evidence; it blocks the verdict when it is mandatory,
//! unless `--allow-skip` (or a `--known-failures` entry) accepts it. Verification cases count as
//! untested without penalty only when the port does not announce `verify`. A run that answered
//! nothing is never conformant.

use serde::Serialize;

use crate::outcome::{CaseKind, Outcome};
use crate::run::CaseResult;

/// How much of the suite a run tested.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Cases of the suite sent over the protocol (`user_hash.json` and
    /// `user_hash_verify.json`).
    pub total: usize,
    /// Cases kept by `--only` / `--skip`.
    pub selected: usize,
    /// Selected cases the port answered (every outcome but `skip` and `not-run`).
    pub tested: usize,
    /// Selected cases the port answered with `skipped`.
    pub skipped_by_port: usize,
    /// Selected verification cases that were not sent because the port does not announce
    /// `verify`.
    pub verify_untested: usize,
    /// Selected cases not sent because the port does not announce their feature, per feature
    /// (`verify`, `jwt`, `verify_jwt`), in suite order.
    pub untested_features: Vec<(&'static str, usize)>,
}

impl Coverage {
    /// Counts the coverage of `cases` (the selected ones) out of `total`.
    pub fn of(cases: &[CaseResult], total: usize, announced: &[CaseKind]) -> Coverage {
        let untested = |case: &&CaseResult| !announced.contains(&case.kind);
        let untested_features = CaseKind::ALL
            .into_iter()
            .filter_map(|kind| {
                let feature = kind.feature()?;
                let count = cases
                    .iter()
                    .filter(|case| case.kind == kind && !announced.contains(&kind))
                    .count();
                (count > 0).then_some((feature, count))
            })
            .collect();
        Coverage {
            total,
            selected: cases.len(),
            tested: cases
                .iter()
                .filter(|case| !matches!(case.outcome, Outcome::Skip | Outcome::NotRun))
                .count(),
            skipped_by_port: cases
                .iter()
                .filter(|case| case.outcome == Outcome::Skip && !untested(case))
                .count(),
            verify_untested: cases
                .iter()
                .filter(|case| case.kind == CaseKind::Verify && untested(case))
                .count(),
            untested_features,
        }
    }

    /// `98/98 cases` or `on the 3 selected of 98 cases`, then what was not tested.
    pub fn describe(&self) -> String {
        let mut text = if self.selected == self.total {
            format!("{}/{} cases", self.tested, self.total)
        } else if self.tested == self.selected {
            format!("on the {} selected of {} cases", self.selected, self.total)
        } else {
            format!(
                "on {} of the {} selected of {} cases",
                self.tested, self.selected, self.total
            )
        };
        match &self.untested_features[..] {
            [] => {}
            [(only, _)] => text.push_str(&format!(", {only} not tested")),
            [first @ .., (last, _)] => {
                let first: Vec<&str> = first.iter().map(|(feature, _)| *feature).collect();
                text.push_str(&format!(", {} and {last} not tested", first.join(", ")));
            }
        }
        text
    }
}

/// The verdict of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Whether the run is evidence of conformance (exit 0).
    pub conformant: bool,
    /// The verdict line: `CONFORMANT: 98/98 cases`, `NOT CONFORMANT: 40/98 cases`, …
    pub headline: String,
    /// Why the run is not conformant, one sentence each (empty when it is).
    pub reasons: Vec<String>,
}

/// What decides a verdict besides the cases.
#[derive(Clone, Copy, Debug, Default)]
pub struct Policy {
    /// `--strict`: a known failure that passes (xpass) fails the run.
    pub strict: bool,
    /// `--allow-skip`: a mandatory case the port skipped does not block the verdict.
    pub allow_skip: bool,
}

/// Whether `case` blocks the verdict because the port skipped it although it is mandatory.
pub fn blocking_skip(case: &CaseResult, policy: Policy) -> bool {
    case.outcome == Outcome::Skip && case.mandatory && !policy.allow_skip
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Decides the verdict of a run over the selected `cases`.
pub fn decide(
    cases: &[CaseResult],
    coverage: &Coverage,
    stopped: Option<&str>,
    policy: Policy,
) -> Verdict {
    let mut reasons = Vec::new();
    let failed = cases.iter().filter(|c| c.outcome.is_failure()).count();
    if failed > 0 {
        reasons.push(format!("{} did not pass", plural(failed, "case", "cases")));
    }
    let skipped = cases.iter().filter(|c| blocking_skip(c, policy)).count();
    if skipped > 0 {
        reasons.push(format!(
            "{} skipped by the port: a skip is no evidence (--allow-skip accepts skips; \
             --known-failures lists the cases expected not to pass)",
            plural(skipped, "mandatory case was", "mandatory cases were")
        ));
    }
    if let Some(stopped) = stopped {
        reasons.push(format!("the run stopped early: {stopped}"));
    }
    let xpass = cases.iter().filter(|c| c.outcome == Outcome::Xpass).count();
    if policy.strict && xpass > 0 {
        reasons.push(format!(
            "{} now (--strict): remove {} from the --known-failures file",
            plural(xpass, "known failure passes", "known failures pass"),
            if xpass == 1 { "it" } else { "them" }
        ));
    }
    if coverage.tested == 0 {
        reasons.push("the port answered no case: nothing was tested".to_owned());
    }
    let conformant = reasons.is_empty();
    let headline = format!(
        "{}{}{}",
        if conformant {
            "CONFORMANT"
        } else {
            "NOT CONFORMANT"
        },
        if coverage.selected == coverage.total {
            ": "
        } else {
            " "
        },
        coverage.describe()
    );
    Verdict {
        conformant,
        headline,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use userhash_vectors::format::Verdict as Result;

    fn case(kind: CaseKind, outcome: Outcome, mandatory: bool) -> CaseResult {
        CaseResult {
            id: "c".into(),
            kind,
            description: String::new(),
            flags: Vec::new(),
            result: if mandatory {
                Result::Valid
            } else {
                Result::Acceptable
            },
            mandatory,
            outcome,
            message: String::new(),
            input: Value::Null,
            expected: Value::Null,
            actual: Value::Null,
            diagnosis: Vec::new(),
            explained_by: None,
            hint: None,
            stderr: None,
        }
    }

    /// The kinds announced by a port with every feature, or with none but the user hash.
    fn kinds(verify: bool) -> &'static [CaseKind] {
        if verify {
            &CaseKind::ALL
        } else {
            &[CaseKind::UserHash]
        }
    }

    fn verdict(cases: &[CaseResult], total: usize, verify: bool, policy: Policy) -> Verdict {
        decide(
            cases,
            &Coverage::of(cases, total, kinds(verify)),
            None,
            policy,
        )
    }

    #[test]
    fn full_coverage_says_so() {
        let cases = vec![case(CaseKind::UserHash, Outcome::Pass, true); 98];
        let v = verdict(&cases, 98, true, Policy::default());
        assert!(v.conformant);
        assert_eq!(v.headline, "CONFORMANT: 98/98 cases");
        assert!(v.reasons.is_empty());
    }

    #[test]
    fn a_selection_says_how_much_of_the_suite_it_is() {
        let cases = vec![case(CaseKind::UserHash, Outcome::Pass, true); 3];
        let v = verdict(&cases, 98, true, Policy::default());
        assert_eq!(v.headline, "CONFORMANT on the 3 selected of 98 cases");
    }

    #[test]
    fn skipping_a_mandatory_case_blocks_unless_allowed() {
        let mut cases = vec![case(CaseKind::UserHash, Outcome::Pass, true); 96];
        cases.push(case(CaseKind::UserHash, Outcome::Skip, true));
        cases.push(case(CaseKind::UserHash, Outcome::Skip, true));
        let v = verdict(&cases, 98, true, Policy::default());
        assert!(!v.conformant);
        assert_eq!(v.headline, "NOT CONFORMANT: 96/98 cases");
        assert!(
            v.reasons[0].starts_with("2 mandatory cases were skipped"),
            "{v:?}"
        );
        let allowed = Policy {
            allow_skip: true,
            ..Policy::default()
        };
        let v = verdict(&cases, 98, true, allowed);
        assert!(v.conformant, "{v:?}");
        assert_eq!(v.headline, "CONFORMANT: 96/98 cases");
    }

    #[test]
    fn skipping_an_acceptable_case_is_no_penalty() {
        let mut cases = vec![case(CaseKind::UserHash, Outcome::Pass, true); 97];
        cases.push(case(CaseKind::UserHash, Outcome::Skip, false));
        let v = verdict(&cases, 98, true, Policy::default());
        assert!(v.conformant);
        assert_eq!(v.headline, "CONFORMANT: 97/98 cases");
    }

    #[test]
    fn verify_untested_only_without_the_feature() {
        let mut cases = vec![case(CaseKind::UserHash, Outcome::Pass, true); 72];
        cases.extend(vec![case(CaseKind::Verify, Outcome::Skip, false); 26]);
        let v = verdict(&cases, 98, false, Policy::default());
        assert!(v.conformant);
        assert_eq!(v.headline, "CONFORMANT: 72/98 cases, verify not tested");
        let coverage = Coverage::of(&cases, 98, kinds(false));
        assert_eq!(coverage.skipped_by_port, 0);
        assert_eq!(coverage.verify_untested, 26);
    }

    #[test]
    fn nothing_tested_is_never_conformant() {
        let cases = vec![case(CaseKind::UserHash, Outcome::Skip, false); 5];
        let allowed = Policy {
            allow_skip: true,
            ..Policy::default()
        };
        let v = verdict(&cases, 98, true, allowed);
        assert!(!v.conformant);
        assert_eq!(
            v.headline,
            "NOT CONFORMANT on 0 of the 5 selected of 98 cases"
        );
        assert!(v.reasons.iter().any(|r| r.contains("nothing was tested")));
    }

    #[test]
    fn failures_stops_and_strict_xpass_are_reasons() {
        let cases = vec![
            case(CaseKind::UserHash, Outcome::Fail, true),
            case(CaseKind::UserHash, Outcome::Xpass, true),
        ];
        let strict = Policy {
            strict: true,
            ..Policy::default()
        };
        let v = decide(
            &cases,
            &Coverage::of(&cases, 2, kinds(true)),
            Some("stopped after 1 failure(s) (--max-fail)"),
            strict,
        );
        assert!(!v.conformant);
        assert_eq!(v.reasons.len(), 3, "{v:?}");
        assert_eq!(v.reasons[0], "1 case did not pass");
    }
}
