//! The verifier: how a port decides whether a presented hash is valid. The reference computes
//! the user hash and compares the presented string with it whole, as 64 lowercase hex digits,
//! in constant time; an unidentified user has no valid hash. Each deviation here replaces that
//! comparison; the hash it compares with is the port's own (its [`Pipeline`]), so a verifier
//! can be wrong twice over. A verifier can also compute its hash differently from the port's
//! `user_hash` (it was written apart): that is a hash deviation made by the verifier alone.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::{deviations, DeviationId, Pipeline, Stage};
use crate::{Input, Mistake};

/// What a verifier answers about a presented hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// `{"valid": true}`.
    Accepted,
    /// `{"valid": false}`.
    Refused,
    /// An error instead of an answer.
    Errored,
}

impl Decision {
    fn of(accepted: bool) -> Decision {
        if accepted {
            Decision::Accepted
        } else {
            Decision::Refused
        }
    }
}

/// A comparison: the presented hash, and the hash the port computes (`None`: no hash).
pub(crate) type Compare = fn(&str, Option<&str>) -> Decision;

/// A way of comparing wrongly: the mistakes it makes (two for a verifier that both trims and
/// ignores case), its variant, and the comparison.
pub(crate) struct Comparison {
    mistakes: &'static [Mistake],
    variant: &'static str,
    compare: Compare,
}

/// The reference comparison.
fn reference(presented: &str, expected: Option<&str>) -> Decision {
    Decision::of(userhash::is_user_hash_shaped(presented) && expected == Some(presented))
}

/// Node's `Buffer.from(text, 'hex')`: whole hex pairs up to the first that is not.
fn lenient_hex(text: &str) -> Vec<u8> {
    crate::node_hex_decode(text)
}

/// Python's `bytes.fromhex`: pairs of hex digits, ASCII whitespace allowed between pairs.
fn python_fromhex(text: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c.is_ascii_whitespace() {
            continue;
        }
        let high = c.to_digit(16)?;
        let low = chars.next()?.to_digit(16)?;
        bytes.push(u8::try_from(high * 16 + low).ok()?);
    }
    Some(bytes)
}

/// Hex digits as a number, for comparing by value: the digits without leading zeros,
/// lowercase.
fn numeric(text: &str) -> Option<String> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| text.trim_start_matches('0').to_ascii_lowercase())
}

/// Python's `int(text, 16)`, as (negative, digits by value): whitespace around, a sign, a
/// `0x` prefix, and single underscores between digits are allowed.
fn python_int(text: &str) -> Option<(bool, String)> {
    let text = text.trim();
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let text = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .map(|rest| rest.strip_prefix('_').unwrap_or(rest))
        .unwrap_or(text);
    if text.starts_with('_') || text.ends_with('_') || text.contains("__") {
        return None;
    }
    let digits: String = text.chars().filter(|c| *c != '_').collect();
    let value = numeric(&digits)?;
    Some((negative && !value.is_empty(), value))
}

fn expected_is(presented: &str, expected: Option<&str>, equal: fn(&str, &str) -> bool) -> Decision {
    Decision::of(expected.is_some_and(|e| equal(presented, e)))
}

/// The verifier deviations.
pub(crate) const COMPARISONS: &[Comparison] = &[
    Comparison {
        mistakes: &[Mistake::VerifierAcceptsAnything],
        variant: "default",
        compare: |_, _| Decision::Accepted,
    },
    Comparison {
        // `bool(request.user_hash)`: any hash that was sent.
        mistakes: &[Mistake::VerifierAcceptsAnything],
        variant: "non-empty",
        compare: |presented, _| Decision::of(!presented.is_empty()),
    },
    Comparison {
        mistakes: &[Mistake::VerifierAcceptsPrefix],
        variant: "default",
        compare: |presented, expected| expected_is(presented, expected, |p, e| e.starts_with(p)),
    },
    Comparison {
        // Python's `presented in expected`.
        mistakes: &[Mistake::VerifierAcceptsPrefix],
        variant: "substring",
        compare: |presented, expected| expected_is(presented, expected, |p, e| e.contains(p)),
    },
    Comparison {
        mistakes: &[Mistake::VerifierAcceptsOverlong],
        variant: "default",
        compare: |presented, expected| expected_is(presented, expected, |p, e| p.starts_with(e)),
    },
    Comparison {
        mistakes: &[Mistake::VerifierComparesPrefix],
        variant: "default",
        compare: |presented, expected| {
            expected_is(presented, expected, |p, e| {
                p.get(..32).is_some() && p.get(..32) == e.get(..32)
            })
        },
    },
    Comparison {
        // `presented[:16] == expected[:16]`: 16 characters kept in a session cookie.
        mistakes: &[Mistake::VerifierComparesPrefix],
        variant: "16",
        compare: |presented, expected| {
            expected_is(presented, expected, |p, e| {
                let head: String = p.chars().take(16).collect();
                e.get(..16) == Some(head.as_str())
            })
        },
    },
    Comparison {
        mistakes: &[Mistake::VerifierIgnoresCase],
        variant: "default",
        compare: |presented, expected| expected_is(presented, expected, str::eq_ignore_ascii_case),
    },
    Comparison {
        mistakes: &[Mistake::VerifierStripsInput],
        variant: "default",
        compare: |presented, expected| reference(presented.trim(), expected),
    },
    Comparison {
        // `presented.strip().lower() == expected`: "be liberal in what you accept".
        mistakes: &[Mistake::VerifierStripsInput, Mistake::VerifierIgnoresCase],
        variant: "default",
        compare: |presented, expected| {
            expected_is(presented.trim(), expected, str::eq_ignore_ascii_case)
        },
    },
    Comparison {
        mistakes: &[Mistake::VerifierLenientHex],
        variant: "default",
        compare: |presented, expected| {
            expected_is(presented, expected, |p, e| lenient_hex(p) == lenient_hex(e))
        },
    },
    Comparison {
        // `bytes.fromhex(presented) == digest`, a decoding error taken for a refusal.
        mistakes: &[Mistake::VerifierLenientHex],
        variant: "python",
        compare: |presented, expected| {
            expected_is(presented, expected, |p, e| {
                python_fromhex(p).is_some_and(|bytes| Some(bytes) == python_fromhex(e))
            })
        },
    },
    Comparison {
        mistakes: &[Mistake::VerifierNumericCompare],
        variant: "default",
        compare: |presented, expected| {
            expected_is(presented, expected, |p, e| {
                numeric(p).is_some_and(|p| Some(p) == numeric(e))
            })
        },
    },
    Comparison {
        // `int(presented, 16) == int(expected, 16)`, a ValueError taken for a refusal.
        mistakes: &[Mistake::VerifierNumericCompare],
        variant: "python-int",
        compare: |presented, expected| {
            expected_is(presented, expected, |p, e| {
                python_int(p).is_some_and(|p| Some(p) == python_int(e))
            })
        },
    },
    Comparison {
        mistakes: &[Mistake::VerifierSkipsUnidentified],
        variant: "default",
        compare: |presented, expected| match expected {
            None => Decision::Accepted,
            Some(_) => reference(presented, expected),
        },
    },
    Comparison {
        mistakes: &[Mistake::VerifierAcceptsEmpty],
        variant: "default",
        compare: |presented, expected| {
            if presented.is_empty() {
                Decision::Accepted
            } else {
                reference(presented, expected)
            }
        },
    },
    Comparison {
        // A migration: the base64 hash an old client sent is accepted too.
        mistakes: &[Mistake::VerifierAcceptsOtherFormat],
        variant: "base64",
        compare: |presented, expected| {
            expected_is(presented, expected, |p, e| {
                p == e || python_fromhex(e).is_some_and(|tag| STANDARD.encode(tag) == p)
            })
        },
    },
    Comparison {
        // Node's timingSafeEqual throws a RangeError on buffers of unequal length.
        mistakes: &[Mistake::VerifierErrorsInsteadOfRefusing],
        variant: "length",
        compare: |presented, expected| match expected {
            Some(e) if e.len() != presented.len() => Decision::Errored,
            _ => expected_is(presented, expected, |p, e| p == e),
        },
    },
    Comparison {
        // Go's hex.DecodeString error returned as an error; decoded bytes compared.
        mistakes: &[Mistake::VerifierErrorsInsteadOfRefusing],
        variant: "hex-decode",
        compare: |presented, expected| {
            let well_formed =
                presented.len() % 2 == 0 && presented.bytes().all(|b| b.is_ascii_hexdigit());
            match expected {
                Some(_) if !well_formed => Decision::Errored,
                _ => expected_is(presented, expected, str::eq_ignore_ascii_case),
            }
        },
    },
];

/// The variants of a verifier mistake, in order (see [`Mistake::variants`]).
#[cfg(test)]
fn variants_of(mistake: Mistake) -> Vec<&'static str> {
    COMPARISONS
        .iter()
        .filter(|c| c.mistakes == [mistake])
        .map(|c| c.variant)
        .collect()
}

/// What a verifier that computes hashes with `pipeline` and compares with `compare` decides,
/// or `None` when the reference rejects the input.
fn decide(
    pipeline: &Pipeline,
    compare: Compare,
    input: &Input<'_>,
    presented: &str,
) -> Option<Decision> {
    let expected = pipeline.answer(input)?;
    Some(compare(presented, expected.as_deref()))
}

/// What a verifier making `mistake` in `variant` (or, for `None`, the reference verifier)
/// decides on `input` for `presented`, computing hashes as the reference does. `None` for a
/// mistake or variant that is not a verifier's, and for input the reference rejects.
///
/// ```
/// use serde_json::json;
/// use userhash_mistakes::engine::{verifier_decision, Decision};
/// use userhash_mistakes::{Input, Mistake};
/// let user_id = json!("87");
/// let input = Input { secret: "secret", user_id: Some(&user_id), email: None };
/// let truncated = "003a9666f8c43026072598aef3adfd22";
/// assert_eq!(verifier_decision(None, &input, truncated), Some(Decision::Refused));
/// let prefix = Some((Mistake::VerifierAcceptsPrefix, "default"));
/// assert_eq!(verifier_decision(prefix, &input, truncated), Some(Decision::Accepted));
/// ```
pub fn verifier_decision(
    deviation: Option<(Mistake, &str)>,
    input: &Input<'_>,
    presented: &str,
) -> Option<Decision> {
    let compare = match deviation {
        None => reference,
        Some((mistake, variant)) => {
            COMPARISONS
                .iter()
                .find(|c| c.mistakes == [mistake] && c.variant == variant)?
                .compare
        }
    };
    decide(&Pipeline::default(), compare, input, presented)
}

/// A verify case as the port answered it: the input, the presented hash, and the port's
/// decision (`None`: no decision to compare, such as a skip or a fault).
pub type VerifyObservation<'a> = (Input<'a>, &'a str, Option<Decision>);

/// What a run's verify answers say about the port's verifier.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyDiagnosis {
    /// The verifier's mistakes, which with the port's own hashes (or with a hash deviation of
    /// the verifier's own) reproduce every decision. Empty when nothing does, when several
    /// explanations fit, or when the port's own hashes explain the failures already.
    pub mistakes: Vec<Mistake>,
    /// The failures explained (indices into the observations).
    pub cases: Vec<usize>,
}

impl VerifyDiagnosis {
    /// The composed name: `VERIFIER_STRIPS_INPUT + VERIFIER_IGNORES_CASE`.
    pub fn name(&self) -> String {
        self.mistakes
            .iter()
            .map(|m| m.name())
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

/// How a hypothesis about the verifier decides a case.
type Hypothesis<'p> = Box<dyn Fn(&Input<'_>, &str) -> Option<Decision> + 'p>;

/// Names the verifier mistake behind a run's verify failures: a comparison that, with the
/// hashes `pipeline` computes, reproduces *every* decision the port made, right and wrong; or,
/// when none does, a hash deviation the verifier makes alone (it hashes the email, expects
/// uppercase hex), or a verifier that accepts either identifier's hash. Explanations that
/// fit equally are not told apart: none is named unless they name the same mistakes.
pub fn explain_verify(
    observations: &[VerifyObservation<'_>],
    pipeline: &Pipeline,
) -> VerifyDiagnosis {
    let failing: Vec<usize> = (0..observations.len())
        .filter(|&i| {
            let (input, presented, decided) = observations[i];
            let correct = decide(&Pipeline::default(), reference, &input, presented);
            decided.is_some() && correct.is_some() && decided != correct
        })
        .collect();
    let reproduces = |hypothesis: &Hypothesis<'_>| {
        observations.iter().all(|(input, presented, decided)| {
            decided.is_none() || hypothesis(input, presented) == *decided
        })
    };
    let own: Hypothesis<'_> =
        Box::new(|input, presented| decide(pipeline, reference, input, presented));
    if failing.is_empty() || reproduces(&own) {
        return VerifyDiagnosis::default();
    }
    let comparisons: Vec<(Vec<Mistake>, Hypothesis<'_>)> = COMPARISONS
        .iter()
        .map(|c| {
            let compare = c.compare;
            let hypothesis: Hypothesis<'_> =
                Box::new(move |input, presented| decide(pipeline, compare, input, presented));
            (c.mistakes.to_vec(), hypothesis)
        })
        .collect();
    let mut fitting = named_by_all(&comparisons, reproduces);
    if fitting.is_none() {
        fitting = named_by_all(&own_hash_deviations(pipeline), reproduces);
    }
    match fitting {
        Some(mistakes) => VerifyDiagnosis {
            mistakes,
            cases: failing,
        },
        None => VerifyDiagnosis::default(),
    }
}

/// The mistakes every fitting hypothesis names, when they all name the same; `None` when
/// none fits or they disagree.
fn named_by_all<'p>(
    hypotheses: &[(Vec<Mistake>, Hypothesis<'p>)],
    reproduces: impl Fn(&Hypothesis<'p>) -> bool,
) -> Option<Vec<Mistake>> {
    let mut fitting = hypotheses
        .iter()
        .filter(|(_, hypothesis)| reproduces(hypothesis))
        .map(|(mistakes, _)| mistakes);
    let first = fitting.next()?;
    fitting.all(|other| other == first).then(|| first.clone())
}

/// A verifier that computes its hash with one deviation its port's `user_hash` does not make,
/// and accepts exactly that hash; or, for a deviation of which identifier is hashed, accepts
/// the port's hash *or* that one ("be lenient: the user_id's or the email's").
fn own_hash_deviations(pipeline: &Pipeline) -> Vec<(Vec<Mistake>, Hypothesis<'_>)> {
    let mut out: Vec<(Vec<Mistake>, Hypothesis<'_>)> = Vec::new();
    for (index, deviation) in deviations().iter().enumerate() {
        let Ok(id) = DeviationId::try_from(index) else {
            continue;
        };
        let alone = Pipeline::new(vec![id]);
        let mistakes = vec![deviation.mistake];
        let exact = alone.clone();
        out.push((
            mistakes.clone(),
            Box::new(move |input, presented| {
                let expected = exact.answer(input)?;
                Some(Decision::of(expected.as_deref() == Some(presented)))
            }),
        ));
        if deviation.stage() == Stage::Selection {
            out.push((
                mistakes,
                Box::new(move |input, presented| {
                    let own = decide(pipeline, reference, input, presented)?;
                    let other = alone.answer(input)?;
                    Some(Decision::of(
                        own == Decision::Accepted || other.as_deref() == Some(presented),
                    ))
                }),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons() {
        let good = "00".repeat(31) + "ab";
        let varied = "0123456789abcdef".repeat(4);
        let compare = |mistake: Mistake, variant: &str, presented: &str| {
            COMPARISONS
                .iter()
                .find(|c| c.mistakes == [mistake] && c.variant == variant)
                .map(|c| (c.compare)(presented, Some(&good)))
        };
        let accepts = |mistake, variant, presented: &str| {
            compare(mistake, variant, presented) == Some(Decision::Accepted)
        };
        assert_eq!(reference(&good, Some(&good)), Decision::Accepted);
        assert_eq!(
            reference(&good.to_uppercase(), Some(&good)),
            Decision::Refused
        );
        assert!(accepts(
            Mistake::VerifierAcceptsPrefix,
            "default",
            &good[..32]
        ));
        let substring = |variant| {
            COMPARISONS
                .iter()
                .find(|c| c.mistakes == [Mistake::VerifierAcceptsPrefix] && c.variant == variant)
                .map(|c| (c.compare)(&varied[10..40], Some(&varied)))
        };
        assert_eq!(substring("substring"), Some(Decision::Accepted));
        assert_eq!(substring("default"), Some(Decision::Refused));
        assert!(accepts(
            Mistake::VerifierAcceptsOverlong,
            "default",
            &format!("{good}00")
        ));
        assert!(accepts(Mistake::VerifierComparesPrefix, "16", &good[..16]));
        assert!(accepts(
            Mistake::VerifierIgnoresCase,
            "default",
            &good.to_uppercase()
        ));
        assert!(accepts(
            Mistake::VerifierStripsInput,
            "default",
            &format!(" {good}\n")
        ));
        assert!(accepts(
            Mistake::VerifierLenientHex,
            "default",
            &format!("{good}\n")
        ));
        assert!(accepts(
            Mistake::VerifierLenientHex,
            "python",
            &format!(" {} ", good.to_uppercase())
        ));
        assert!(accepts(Mistake::VerifierNumericCompare, "default", "ab"));
        assert!(accepts(
            Mistake::VerifierNumericCompare,
            "python-int",
            " 0x_AB\n"
        ));
        assert!(!accepts(
            Mistake::VerifierNumericCompare,
            "python-int",
            "-ab"
        ));
        assert!(accepts(Mistake::VerifierAcceptsEmpty, "default", ""));
        assert!(accepts(Mistake::VerifierAcceptsAnything, "non-empty", "x"));
        assert!(!accepts(Mistake::VerifierAcceptsAnything, "non-empty", ""));
        assert!(!accepts(
            Mistake::VerifierStripsInput,
            "default",
            &good[1..]
        ));
        assert_eq!(
            compare(
                Mistake::VerifierErrorsInsteadOfRefusing,
                "length",
                &good[1..]
            ),
            Some(Decision::Errored)
        );
        assert_eq!(
            compare(
                Mistake::VerifierErrorsInsteadOfRefusing,
                "hex-decode",
                &good.to_uppercase()
            ),
            Some(Decision::Accepted)
        );
        let tag: Vec<u8> = python_fromhex(&good).unwrap_or_default();
        assert!(accepts(
            Mistake::VerifierAcceptsOtherFormat,
            "base64",
            &STANDARD.encode(tag)
        ));
    }

    #[test]
    fn every_verifier_mistake_has_its_variants() {
        for &mistake in Mistake::VERIFIER {
            assert_eq!(variants_of(mistake), mistake.variants(), "{mistake}");
        }
    }
}
