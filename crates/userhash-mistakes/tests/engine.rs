//! The diagnosis engine against ports whose mistakes are known: every single deviation and a
//! fixed sample of pairs, answering every input of the published suite. Whatever the engine
//! names must reproduce every answer (never a wrong name), and it must name the port's own
//! mistakes unless the suite cannot tell them from another pipeline's.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use userhash_mistakes::engine::{deviations, explain_run, of_mistake, DeviationId, Pipeline};
use userhash_mistakes::{Input, Mistake};

/// The inputs of the published `user_hash.json`, as (secret, user_id, email).
fn suite_inputs() -> Vec<(String, Option<Value>, Option<Value>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors/user_hash.json");
    let text = std::fs::read_to_string(path).expect("the published vectors");
    let file: Value = serde_json::from_str(&text).expect("JSON");
    file["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .map(|case| {
            let input = &case["input"];
            (
                input["secret"].as_str().unwrap_or_default().to_owned(),
                input.get("user_id").cloned(),
                input.get("email").cloned(),
            )
        })
        .collect()
}

fn inputs(owned: &[(String, Option<Value>, Option<Value>)]) -> Vec<Input<'_>> {
    owned
        .iter()
        .map(|(secret, user_id, email)| Input {
            secret,
            user_id: user_id.as_ref(),
            email: email.as_ref(),
        })
        .collect()
}

#[test]
fn every_catalogue_variant_is_one_deviation_of_the_engine() {
    // A mistake's variants can live in several stages (LOWERCASED_INPUT of the email is a
    // choice, of any identifier a text transform), so the engine lists them in stage order.
    let sorted = |mut variants: Vec<&'static str>| {
        variants.sort_unstable();
        variants
    };
    for &mistake in Mistake::CATALOGUE {
        let engine: Vec<&str> = of_mistake(mistake).map(|(_, d)| d.variant).collect();
        assert_eq!(
            sorted(engine),
            sorted(mistake.variants().to_vec()),
            "{mistake}"
        );
    }
    for deviation in deviations() {
        // A validation mistake can have a variant that changes a hash: INTEGER_USER_ID_REJECTED
        // passes an integer user_id over for the email.
        assert!(
            Mistake::CATALOGUE.contains(&deviation.mistake)
                || (Mistake::VALIDATION.contains(&deviation.mistake)
                    && deviation.mistake.variants().contains(&deviation.variant)),
            "{deviation} is not in the catalogue"
        );
    }
}

/// What the engine says about a port with `pipeline` over the whole suite.
enum Verdict {
    /// The port answers as the reference everywhere: nothing to name.
    Inert,
    /// Named exactly the port's mistakes.
    Exact,
    /// Named another pipeline that answers exactly as the port does on every input.
    Indistinguishable,
    /// Named nothing, or only part of the failures.
    Unnamed,
}

fn judge(pipeline: &Pipeline, inputs: &[Input<'_>]) -> Result<Verdict, String> {
    let answers: Vec<_> = inputs.iter().map(|input| pipeline.answer(input)).collect();
    let reference: Vec<_> = inputs
        .iter()
        .map(|input| Pipeline::default().answer(input))
        .collect();
    let observations: Vec<(Input<'_>, _)> = inputs
        .iter()
        .copied()
        .zip(answers.iter().cloned())
        .collect();
    let diagnosis = explain_run(&observations);
    if answers == reference {
        if !diagnosis.explained.is_empty() || !diagnosis.unexplained.is_empty() {
            return Err(format!(
                "{}: named on a port with no failure",
                pipeline.name()
            ));
        }
        return Ok(Verdict::Inert);
    }
    for group in &diagnosis.explained {
        // Never a wrong name: the named pipeline reproduces every answer of the port.
        for (i, input) in inputs.iter().enumerate() {
            let named = group.pipeline.answer(input);
            let failing_here = group.cases.contains(&i);
            let passing_here = answers[i] == reference[i];
            if (failing_here || passing_here) && named != answers[i] {
                return Err(format!(
                    "{} named {} which answers {:?} where the port answers {:?} (case {i})",
                    pipeline.name(),
                    group.pipeline.name(),
                    named,
                    answers[i]
                ));
            }
        }
    }
    let failing = answers
        .iter()
        .zip(&reference)
        .filter(|(a, r)| a != r)
        .count();
    let covered: usize = diagnosis.explained.iter().map(|g| g.cases.len()).sum();
    match diagnosis.explained.as_slice() {
        [group] if covered == failing => {
            let set = |p: &Pipeline| p.mistakes().into_iter().collect::<BTreeSet<_>>();
            if set(&group.pipeline) == set(pipeline) {
                Ok(Verdict::Exact)
            } else if inputs
                .iter()
                .all(|input| group.pipeline.answer(input) == pipeline.answer(input))
            {
                Ok(Verdict::Indistinguishable)
            } else {
                Err(format!(
                    "{} named {}, which answers differently on some input",
                    pipeline.name(),
                    group.pipeline.name()
                ))
            }
        }
        _ => Ok(Verdict::Unnamed),
    }
}

#[test]
fn single_and_paired_mistakes_are_named_and_never_wrongly() {
    let owned = suite_inputs();
    let inputs = inputs(&owned);
    let count = u16::try_from(deviations().len()).expect("few deviations");
    let mut pipelines: Vec<Pipeline> = (0..count).map(|id| Pipeline::new(vec![id])).collect();
    // A fixed sample of about 300 well-formed pairs, evenly spread, so each run checks the
    // same ones.
    let mut pairs = Vec::new();
    for a in 0..count {
        for b in 0..count {
            let pair = Pipeline::new(vec![a, b]);
            if a != b && pair.is_well_formed() {
                pairs.push(pair);
            }
        }
    }
    let step = (pairs.len() / 300).max(1);
    pipelines.extend(pairs.into_iter().step_by(step));
    let mut problems = Vec::new();
    let (mut exact, mut indistinguishable, mut unnamed, mut inert) = (0, 0, 0, 0);
    let mut unnamed_names = BTreeSet::new();
    for pipeline in &pipelines {
        match judge(pipeline, &inputs) {
            Ok(Verdict::Exact) => exact += 1,
            Ok(Verdict::Indistinguishable) => indistinguishable += 1,
            Ok(Verdict::Inert) => inert += 1,
            Ok(Verdict::Unnamed) => {
                unnamed += 1;
                unnamed_names.insert(pipeline.name());
            }
            Err(problem) => problems.push(problem),
        }
    }
    assert!(problems.is_empty(), "wrong names:\n{}", problems.join("\n"));
    let caught = exact + indistinguishable + unnamed;
    let fair = exact + indistinguishable;
    eprintln!(
        "{} pipelines: {exact} named exactly, {indistinguishable} as an indistinguishable \
         pipeline, {unnamed} unnamed, {inert} inert on the suite; unnamed: {unnamed_names:?}",
        pipelines.len()
    );
    assert!(caught > 0 && exact > 0);
    // The target of the diagnosis issue: at least 90 % of the ports the suite catches are named.
    assert!(
        fair * 10 >= caught * 9,
        "named {fair} of {caught} (exact {exact}, indistinguishable {indistinguishable}, inert {inert}); unnamed: {unnamed_names:?}"
    );
}

#[test]
fn a_composed_mistake_is_named_as_both() {
    let owned = suite_inputs();
    let inputs = inputs(&owned);
    let id = |mistake: Mistake, variant: &str| -> DeviationId {
        of_mistake(mistake)
            .find(|(_, d)| d.variant == variant)
            .map(|(id, _)| id)
            .expect("a deviation")
    };
    let port = Pipeline::new(vec![
        id(Mistake::TrimmedInput, "default"),
        id(Mistake::UppercaseHex, "default"),
    ]);
    let observations: Vec<(Input<'_>, _)> = inputs
        .iter()
        .map(|input| (*input, port.answer(input)))
        .collect();
    let diagnosis = explain_run(&observations);
    assert_eq!(diagnosis.explained.len(), 1, "{diagnosis:?}");
    assert_eq!(
        diagnosis.explained[0].pipeline.name(),
        "TRIMMED_INPUT + UPPERCASE_HEX"
    );
    assert!(diagnosis.unexplained.is_empty());
}
