//! The search: every pipeline of at most [`MAX_DEVIATIONS`] deviations, stage by stage, kept
//! only while it is the smallest way to reach its intermediate value; and, across a run, the
//! pipelines that reproduce every answer of the port, failures and passes alike.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;

use serde::Serialize;

use super::stages::{mac, rendering, selection};
use super::{
    deviations, Apply, DeviationId, Fields, Pipeline, Selected, Slot, Stage, MAX_DEVIATIONS,
};
use crate::{hex, Answer, Input, Mistake};

/// A set of deviations, in pipeline order.
type DevSet = Vec<DeviationId>;
/// A MAC and the deviation it is (`None`: the reference).
type MacFn = (Option<DeviationId>, fn(&[u8], &[u8]) -> Vec<u8>);
/// An output rendering and its deviation.
type OutputFn = (DeviationId, fn(&[u8]) -> String);

fn is_subset(small: &[DeviationId], large: &[DeviationId]) -> bool {
    small.len() <= large.len() && small.iter().all(|id| large.contains(id))
}

/// The states of one stage: each intermediate value with the minimal deviation sets that reach
/// it. A set that contains another set reaching the same value is dropped: whatever follows,
/// the smaller set answers the same, so the larger one never explains anything on its own.
struct Layer<T> {
    states: HashMap<T, Vec<DevSet>>,
}

impl<T: Eq + Hash> Layer<T> {
    fn new() -> Self {
        Layer {
            states: HashMap::new(),
        }
    }

    fn insert(&mut self, value: T, set: DevSet) {
        let sets = self.states.entry(value).or_default();
        if sets.iter().any(|kept| is_subset(kept, &set)) {
            return;
        }
        sets.retain(|kept| !is_subset(&set, kept));
        sets.push(set);
    }

    fn iter(&self) -> impl Iterator<Item = (&T, &DevSet)> {
        self.states
            .iter()
            .flat_map(|(value, sets)| sets.iter().map(move |set| (value, set)))
    }
}

fn with(set: &DevSet, id: DeviationId) -> DevSet {
    let mut set = set.clone();
    set.push(id);
    set
}

/// The deviations of one stage, with their ids.
fn of_stage(stage: Stage) -> impl Iterator<Item = (DeviationId, Apply)> {
    deviations()
        .iter()
        .enumerate()
        .filter(move |(_, d)| d.stage() == stage)
        .filter_map(|(i, d)| DeviationId::try_from(i).ok().map(|id| (id, d.apply)))
}

/// Every pipeline of at most [`MAX_DEVIATIONS`] deviations whose answer on `input` is
/// `observed`, each minimal (no smaller pipeline inside it gives the same answer), fewest
/// deviations first. Empty when the reference itself answers `observed`, when the reference
/// rejects the input, or when no such pipeline exists.
///
/// ```
/// use serde_json::json;
/// use userhash_mistakes::engine::explain;
/// use userhash_mistakes::Input;
/// let user_id = json!(" Ada ");
/// let input = Input { secret: "secret", user_id: Some(&user_id), email: None };
/// // A port that trims the id and prints uppercase hex.
/// let observed = userhash::Signer::new("secret")?.sign_message(b"Ada").to_uppercase();
/// let found = explain(&input, &Some(observed));
/// assert_eq!(found[0].name(), "TRIMMED_INPUT + UPPERCASE_HEX");
/// # Ok::<(), userhash::Error>(())
/// ```
pub fn explain(input: &Input<'_>, observed: &Answer) -> Vec<Pipeline> {
    let Some(fields) = Fields::read(input) else {
        return Vec::new();
    };
    if input.secret.is_empty() || Pipeline::default().answer(input).as_ref() == Some(observed) {
        return Vec::new();
    }
    let mut found: Vec<DevSet> = Vec::new();
    let mut keep = |set: DevSet| {
        if !found.iter().any(|kept| is_subset(kept, &set)) {
            found.retain(|kept| !is_subset(&set, kept));
            found.push(set);
        }
    };

    // Selection: the choice of identifier, then what an unidentified user gets.
    let mut selected: Layer<Option<Selected>> = Layer::new();
    selected.insert(selection::reference(&fields), Vec::new());
    for (id, apply) in of_stage(Stage::Selection) {
        if let Apply::Selection(select) = apply {
            selected.insert(select(&fields), vec![id]);
        }
    }
    let unidentified: Vec<DevSet> = selected.states.get(&None).cloned().unwrap_or_default();
    for set in unidentified.iter().filter(|set| set.len() < MAX_DEVIATIONS) {
        for (id, apply) in of_stage(Stage::Selection) {
            if let Apply::Unidentified(literal) = apply {
                if let Some(text) = literal(&fields) {
                    selected.insert(Some(selection::unidentified(text)), with(set, id));
                }
            }
        }
    }
    // No hash at all: only selection can explain it, whatever follows.
    if observed.is_none() {
        for (value, set) in selected.iter() {
            if value.is_none() {
                keep(set.clone());
            }
        }
        return sorted(found);
    }

    // Rendering: one deviation at most per case, since a case has an integer user_id or a
    // string one, never both (a port that misprints both is found as a union across the run).
    let mut rendered: Layer<String> = Layer::new();
    for (value, set) in selected.iter() {
        let Some(value) = value else { continue };
        rendered.insert(rendering::reference(value), set.clone());
        if set.len() < MAX_DEVIATIONS {
            for (id, apply) in of_stage(Stage::Rendering) {
                if let Some(text) = rendering::render(apply, value) {
                    rendered.insert(text, with(set, id));
                }
            }
        }
    }

    // Text: deviations compose, in either order.
    let texts: Vec<(DeviationId, Apply)> = of_stage(Stage::Text).collect();
    let transform = |apply: Apply, text: &str| match apply {
        Apply::Text(f) => f(text),
        _ => text.to_owned(),
    };
    let mut transformed: Layer<String> = Layer::new();
    for (text, set) in rendered.iter() {
        transformed.insert(text.clone(), set.clone());
        if set.len() >= MAX_DEVIATIONS {
            continue;
        }
        for &(first, apply) in &texts {
            let once = transform(apply, text);
            let set_once = with(set, first);
            if set_once.len() < MAX_DEVIATIONS {
                for &(second, then) in &texts {
                    if second != first {
                        transformed.insert(transform(then, &once), with(&set_once, second));
                    }
                }
            }
            transformed.insert(once, set_once);
        }
    }

    // Encoding.
    let mut messages: Layer<Vec<u8>> = Layer::new();
    for (text, set) in transformed.iter() {
        messages.insert(text.as_bytes().to_vec(), set.clone());
        if set.len() < MAX_DEVIATIONS {
            for (id, apply) in of_stage(Stage::Encoding) {
                if let Apply::Encoding(encode) = apply {
                    messages.insert(encode(text), with(set, id));
                }
            }
        }
    }

    // Key, independent of the message.
    let mut keys: Layer<Vec<u8>> = Layer::new();
    keys.insert(input.secret.as_bytes().to_vec(), Vec::new());
    for (id, apply) in of_stage(Stage::Key) {
        if let Apply::Key(key) = apply {
            keys.insert(key(input.secret), vec![id]);
        }
    }

    // MAC over every message and key within the budget.
    let macs: Vec<MacFn> = std::iter::once((None, mac::reference as fn(&[u8], &[u8]) -> Vec<u8>))
        .chain(of_stage(Stage::Mac).filter_map(|(id, apply)| match apply {
            Apply::Mac(f) => Some((Some(id), f)),
            _ => None,
        }))
        .collect();
    let mut tags: Layer<Vec<u8>> = Layer::new();
    for (message, message_set) in messages.iter() {
        for (key, key_set) in keys.iter() {
            let base = message_set.len() + key_set.len();
            if base > MAX_DEVIATIONS {
                continue;
            }
            for &(id, f) in &macs {
                if id.is_some() && base >= MAX_DEVIATIONS {
                    continue;
                }
                let mut set = message_set.clone();
                set.extend(key_set);
                set.extend(id);
                tags.insert(f(key, message), set);
            }
        }
    }

    // Output, compared with what the port answered.
    let Some(observed) = observed else {
        return sorted(found);
    };
    let outputs: Vec<OutputFn> = of_stage(Stage::Output)
        .filter_map(|(id, apply)| match apply {
            Apply::Output(f) => Some((id, f)),
            _ => None,
        })
        .collect();
    for (tag, set) in tags.iter() {
        if hex(tag) == *observed {
            keep(set.clone());
        }
        if set.len() < MAX_DEVIATIONS {
            for &(id, render) in &outputs {
                if render(tag) == *observed {
                    keep(with(set, id));
                }
            }
        }
    }
    sorted(found)
}

fn sorted(found: Vec<DevSet>) -> Vec<Pipeline> {
    let mut pipelines: Vec<Pipeline> = found
        .into_iter()
        .map(|mut set| {
            // Pipeline order: by stage, text deviations in the order they apply, the others
            // of a stage by id, so one pipeline has one spelling.
            set.sort_by_key(|id| {
                let slot = deviations()
                    .get(usize::from(*id))
                    .map(|d| d.apply.slot())
                    .unwrap_or(Slot::Output);
                (slot, if slot == Slot::Text { 0 } else { *id })
            });
            Pipeline::new(set)
        })
        .collect();
    pipelines.sort_by(|a, b| {
        (a.deviations.len(), &a.deviations).cmp(&(b.deviations.len(), &b.deviations))
    });
    pipelines.dedup();
    pipelines
}

/// A group of a run's failures that one pipeline explains.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Explained {
    /// The pipeline: the port's mistakes.
    pub pipeline: Pipeline,
    /// Indices (into the cases given) of the failures it explains.
    pub cases: Vec<usize>,
}

/// What a run's answers say about the port's pipeline.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RunDiagnosis {
    /// Groups of failures, each explained by a pipeline that also reproduces every answer the
    /// port got right; the largest group first.
    pub explained: Vec<Explained>,
    /// Failures no such pipeline explains.
    pub unexplained: Vec<usize>,
    /// When the vectors cannot tell apart several pipelines that explain the same failures
    /// equally well, they are not named; these are they, for the reader's information.
    pub indistinguishable: Vec<Vec<Pipeline>>,
}

impl RunDiagnosis {
    /// The mistakes named for case `index`, if its failure is explained.
    pub fn mistakes_of(&self, index: usize) -> Vec<Mistake> {
        self.explained
            .iter()
            .find(|group| group.cases.contains(&index))
            .map(|group| group.pipeline.mistakes())
            .unwrap_or_default()
    }
}

/// Diagnoses a whole run: `cases` holds every case's input with the port's answer to it
/// (`None` where the port gave no answer to compare: an error, a fault, a skip, or input the
/// reference rejects). A failure is a case whose answer differs from the reference's.
///
/// The port computes every answer with one pipeline, so a pipeline is named only if it
/// reproduces *every* compared answer: each failure it is named for, and every answer the
/// port got right. Candidates come from [`explain`] on each failure; the one that explains
/// most failures wins, fewest deviations breaking ties, and the rest are covered the same way.
/// Pipelines that explain exactly the same failures with as few deviations are not told apart
/// by the vectors: none of them is named (a wrong name is worse than none), unless they share
/// all their mistakes and differ only in a variant.
pub fn explain_run(cases: &[(Input<'_>, Option<Answer>)]) -> RunDiagnosis {
    let reference: Vec<Option<Answer>> = cases
        .iter()
        .map(|(input, _)| Pipeline::default().answer(input))
        .collect();
    let compared: Vec<usize> = (0..cases.len())
        .filter(|&i| cases[i].1.is_some() && reference[i].is_some())
        .collect();
    let failing: Vec<usize> = compared
        .iter()
        .copied()
        .filter(|&i| cases[i].1 != reference[i])
        .collect();
    let passing: Vec<usize> = compared
        .iter()
        .copied()
        .filter(|i| !failing.contains(i))
        .collect();
    // Candidates come from searching failures one at a time; a failure that a candidate
    // consistent with every pass already reproduces needs no search of its own, which keeps a
    // run to a few searches. Each candidate is then checked against every compared answer.
    let mut seen: BTreeSet<Pipeline> = BTreeSet::new();
    let mut consistent: Vec<(Pipeline, BTreeSet<usize>)> = Vec::new();
    for &i in &failing {
        if consistent
            .iter()
            .any(|(_, reproduced)| reproduced.contains(&i))
        {
            continue;
        }
        let Some(observed) = &cases[i].1 else {
            continue;
        };
        for pipeline in explain(&cases[i].0, observed) {
            if !seen.insert(pipeline.clone()) {
                continue;
            }
            // A pipeline that breaks an answer the port got right is not the port's.
            let keeps_passes = passing
                .iter()
                .all(|&j| pipeline.answer(&cases[j].0) == cases[j].1);
            if keeps_passes {
                let reproduced = failing
                    .iter()
                    .copied()
                    .filter(|&j| pipeline.answer(&cases[j].0) == cases[j].1)
                    .collect();
                consistent.push((pipeline, reproduced));
            }
        }
    }

    // Two mistakes that show on different cases are each minimal only on their own cases:
    // their union is the port's pipeline when it reproduces every answer.
    let mut unions = Vec::new();
    for (i, (a, _)) in consistent.iter().enumerate() {
        for (b, _) in &consistent[i + 1..] {
            if a.deviations.len() + b.deviations.len() > MAX_DEVIATIONS {
                continue;
            }
            let mut both = a.deviations.clone();
            both.extend(&b.deviations);
            let union = sorted(vec![both]).remove(0);
            if !union.is_well_formed() || !seen.insert(union.clone()) {
                continue;
            }
            let reproduced: BTreeSet<usize> = compared
                .iter()
                .copied()
                .filter(|&j| union.answer(&cases[j].0) == cases[j].1)
                .collect();
            if passing.iter().all(|j| reproduced.contains(j)) {
                let failures = reproduced
                    .into_iter()
                    .filter(|j| failing.contains(j))
                    .collect();
                unions.push((union, failures));
            }
        }
    }
    consistent.extend(unions);

    let mut diagnosis = RunDiagnosis::default();
    let mut left: BTreeSet<usize> = failing.iter().copied().collect();
    while !left.is_empty() {
        let score = |reproduced: &BTreeSet<usize>| reproduced.intersection(&left).count();
        let Some(best) = consistent
            .iter()
            .map(|(pipeline, reproduced)| (score(reproduced), pipeline.deviations.len()))
            .filter(|(covered, _)| *covered > 0)
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        else {
            break;
        };
        let tied: Vec<&(Pipeline, BTreeSet<usize>)> = consistent
            .iter()
            .filter(|(pipeline, reproduced)| (score(reproduced), pipeline.deviations.len()) == best)
            .collect();
        let covered: BTreeSet<usize> = tied[0].1.intersection(&left).copied().collect();
        let same_mistakes = tied
            .iter()
            .all(|(pipeline, _)| pipeline.mistakes() == tied[0].0.mistakes());
        let same_cases = tied
            .iter()
            .all(|(_, reproduced)| reproduced.intersection(&left).eq(covered.iter()));
        if same_mistakes && same_cases {
            diagnosis.explained.push(Explained {
                pipeline: tied[0].0.clone(),
                cases: covered.iter().copied().collect(),
            });
            left.retain(|i| !covered.contains(i));
        } else if same_cases {
            // Told apart by nothing the port answered: name none of them.
            diagnosis
                .indistinguishable
                .push(tied.iter().map(|(pipeline, _)| pipeline.clone()).collect());
            left.retain(|i| !covered.contains(i));
            diagnosis.unexplained.extend(covered);
        } else {
            // Equal scores on different cases: take the first, the others get their turn.
            diagnosis.explained.push(Explained {
                pipeline: tied[0].0.clone(),
                cases: covered.iter().copied().collect(),
            });
            left.retain(|i| !covered.contains(i));
        }
    }
    diagnosis.unexplained.extend(left);
    diagnosis.unexplained.sort_unstable();
    diagnosis
}
