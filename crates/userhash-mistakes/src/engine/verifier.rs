//! The verifier: how a port decides whether a presented hash is valid. The reference computes
//! the user hash and compares the presented string with it whole, as 64 lowercase hex digits,
//! in constant time; an unidentified user has no valid hash. Each deviation here replaces that
//! comparison; the hash it compares with is the port's own (its [`Pipeline`]), so a verifier
//! can be wrong twice over.

use super::Pipeline;
use crate::{Input, Mistake};

/// A comparison: the presented hash, and the hash the port computes (`None`: no hash).
pub(crate) type Compare = fn(&str, Option<&str>) -> bool;

/// The reference comparison.
pub(crate) fn reference(presented: &str, expected: Option<&str>) -> bool {
    userhash::is_user_hash_shaped(presented) && expected == Some(presented)
}

/// Node's `Buffer.from(text, 'hex')`: whole hex pairs up to the first that is not.
fn lenient_hex(text: &str) -> Vec<u8> {
    crate::node_hex_decode(text)
}

fn numeric(text: &str) -> Option<&str> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| text.trim_start_matches('0'))
}

/// The verifier deviations: (mistake, comparison).
pub(crate) const DEVIATIONS: &[(Mistake, Compare)] = &[
    (Mistake::VerifierAcceptsAnything, |_, _| true),
    (Mistake::VerifierAcceptsPrefix, |presented, expected| {
        expected.is_some_and(|e| e.starts_with(presented))
    }),
    (Mistake::VerifierAcceptsOverlong, |presented, expected| {
        expected.is_some_and(|e| presented.starts_with(e))
    }),
    (Mistake::VerifierComparesPrefix, |presented, expected| {
        expected
            .is_some_and(|e| presented.get(..32).is_some() && presented.get(..32) == e.get(..32))
    }),
    (Mistake::VerifierIgnoresCase, |presented, expected| {
        expected.is_some_and(|e| presented.eq_ignore_ascii_case(e))
    }),
    (Mistake::VerifierStripsInput, |presented, expected| {
        reference(presented.trim(), expected)
    }),
    (Mistake::VerifierLenientHex, |presented, expected| {
        expected.is_some_and(|e| lenient_hex(presented) == lenient_hex(e))
    }),
    (
        Mistake::VerifierNumericCompare,
        |presented, expected| match (numeric(presented), expected.and_then(numeric)) {
            (Some(p), Some(e)) => p.eq_ignore_ascii_case(e),
            _ => false,
        },
    ),
    (Mistake::VerifierSkipsUnidentified, |presented, expected| {
        expected.is_none() || reference(presented, expected)
    }),
    (Mistake::VerifierAcceptsEmpty, |presented, expected| {
        presented.is_empty() || reference(presented, expected)
    }),
];

/// What a verifier that computes hashes with `pipeline` and compares with `compare` answers,
/// or `None` when the reference rejects the input.
fn decide(
    pipeline: &Pipeline,
    compare: Compare,
    input: &Input<'_>,
    presented: &str,
) -> Option<bool> {
    let expected = pipeline.answer(input)?;
    Some(compare(presented, expected.as_deref()))
}

/// What a verifier making `mistake` (or, for `None`, the reference verifier) decides on
/// `input` for `presented`, computing hashes as the reference does. `None` for a mistake that
/// is not a verifier's, and for input the reference rejects.
///
/// ```
/// use serde_json::json;
/// use userhash_mistakes::engine::verifier_decision;
/// use userhash_mistakes::{Input, Mistake};
/// let user_id = json!("87");
/// let input = Input { secret: "secret", user_id: Some(&user_id), email: None };
/// let truncated = "003a9666f8c43026072598aef3adfd22";
/// assert_eq!(verifier_decision(None, &input, truncated), Some(false));
/// assert_eq!(verifier_decision(Some(Mistake::VerifierAcceptsPrefix), &input, truncated), Some(true));
/// ```
pub fn verifier_decision(
    mistake: Option<Mistake>,
    input: &Input<'_>,
    presented: &str,
) -> Option<bool> {
    let compare = match mistake {
        None => reference,
        Some(mistake) => DEVIATIONS.iter().find(|(m, _)| *m == mistake)?.1,
    };
    decide(&Pipeline::default(), compare, input, presented)
}

/// A verify case as the port answered it: the input, the presented hash, and the port's
/// decision (`None`: no decision to compare, such as an error or a skip).
pub type VerifyObservation<'a> = (Input<'a>, &'a str, Option<bool>);

/// What a run's verify answers say about the port's verifier.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyDiagnosis {
    /// The verifier mistake that, with the port's own hashes, reproduces every decision, and
    /// the failures (indices into the observations) it explains. `None` when no single one
    /// does, or when the port's own hashes explain them already.
    pub mistake: Option<Mistake>,
    /// The failures explained.
    pub cases: Vec<usize>,
}

/// Names the verifier mistake behind a run's verify failures: the one comparison that, with
/// the hashes `pipeline` computes, reproduces *every* decision the port made, right and wrong.
/// Several that fit equally are not told apart and none is named.
pub fn explain_verify(
    observations: &[VerifyObservation<'_>],
    pipeline: &Pipeline,
) -> VerifyDiagnosis {
    let failing: Vec<usize> = (0..observations.len())
        .filter(|&i| {
            let (input, presented, decided) = observations[i];
            decided.is_some()
                && decided != decide(&Pipeline::default(), reference, &input, presented)
        })
        .collect();
    let reproduces = |compare: Compare| {
        observations.iter().all(|(input, presented, decided)| {
            decided.is_none() || decide(pipeline, compare, input, presented) == *decided
        })
    };
    if failing.is_empty() || reproduces(reference) {
        return VerifyDiagnosis::default();
    }
    let fitting: Vec<Mistake> = DEVIATIONS
        .iter()
        .filter(|(_, compare)| reproduces(*compare))
        .map(|(mistake, _)| *mistake)
        .collect();
    match fitting.as_slice() {
        [mistake] => VerifyDiagnosis {
            mistake: Some(*mistake),
            cases: failing,
        },
        _ => VerifyDiagnosis::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons() {
        let good = "00".repeat(31) + "ab";
        let compare = |mistake: Mistake, presented: &str| {
            DEVIATIONS
                .iter()
                .find(|(m, _)| *m == mistake)
                .map(|(_, f)| f(presented, Some(&good)))
                .unwrap_or(false)
        };
        assert!(reference(&good, Some(&good)));
        assert!(!reference(&good.to_uppercase(), Some(&good)));
        assert!(compare(Mistake::VerifierAcceptsPrefix, &good[..32]));
        assert!(compare(
            Mistake::VerifierAcceptsOverlong,
            &format!("{good}00")
        ));
        assert!(compare(Mistake::VerifierIgnoresCase, &good.to_uppercase()));
        assert!(compare(Mistake::VerifierStripsInput, &format!(" {good}\n")));
        assert!(compare(Mistake::VerifierLenientHex, &format!("{good}\n")));
        assert!(compare(Mistake::VerifierNumericCompare, "ab"));
        assert!(compare(Mistake::VerifierAcceptsEmpty, ""));
        assert!(!compare(Mistake::VerifierStripsInput, &good[1..]));
    }
}
