//! Shrinking a counterexample by editing its tape and re-asking the port.
//!
//! Candidates are tapes that are shortlex-smaller than the current one (a prefix, a block of
//! choices deleted, a choice set to 0, halved or decremented), so shrinking terminates. They are
//! sent a window at a time; the first candidate (in order, simplest edits first) on which the
//! port still differs from the reference becomes the current one. A fault on a candidate is
//! not a difference: it is skipped. The budget bounds the requests.

use std::collections::HashSet;

use serde_json::Value;

use super::answer::Answer;
use super::gen::{self, Tape, User};
use super::{probe, probe_for, Evidence, Kinds, Probe, Verdict, SHRINK_BATCH};
use crate::session::{Event, Session};

/// A shrunk counterexample, with what shrinking learnt on the way.
pub struct Shrunk {
    /// The minimal probe.
    pub probe: Probe,
    /// The port's answer to it.
    pub actual: Value,
    /// Shrinks accepted.
    pub steps: usize,
    /// Requests sent.
    pub requests: usize,
    /// What the port answered right while shrinking (evidence for the diagnosis), all of it.
    pub evidence: Evidence,
}

/// How big a probe's input is: what a shrink must not increase (an edit of the tape can
/// re-route a draw and lengthen a string, though the tape gets shorter).
fn size(probe: &Probe) -> usize {
    Value::Object(probe.request("")).to_string().len()
}

/// What shrinking the user field by field must decrease: the input's size, then how many of
/// the user's characters are not `a`, so that `a` in place of a character of the same size
/// (`0`, `é` written as an escape) is simpler too.
fn complexity(probe: &Probe) -> (usize, usize) {
    let user = probe.user();
    let not_a = |text: &str| text.chars().filter(|&c| c != 'a').count();
    let texts = [
        Some(user.secret.as_str()),
        user.user_id.as_ref().and_then(Value::as_str),
        user.email.as_ref().and_then(Value::as_str),
    ];
    (size(probe), texts.into_iter().flatten().map(not_a).sum())
}

/// One kind of edit, applied at a position of the tape: each makes it shortlex-smaller.
#[derive(Clone, Copy, Debug)]
enum Edit {
    /// Drop `n` choices.
    Delete(usize),
    /// Set `n` choices to 0.
    Zero(usize),
    /// Halve one choice.
    Halve,
    /// Take one from one choice.
    Decrement,
}

/// The passes, biggest cuts first; a round runs them all, and rounds repeat while one helps.
const PASSES: [Edit; 10] = [
    Edit::Delete(16),
    Edit::Delete(8),
    Edit::Delete(4),
    Edit::Delete(2),
    Edit::Delete(1),
    Edit::Zero(8),
    Edit::Zero(2),
    Edit::Zero(1),
    Edit::Halve,
    Edit::Decrement,
];

/// `tape` with `edit` at `at`, if that changes it.
fn edited(tape: &[u64], edit: Edit, at: usize) -> Option<Vec<u64>> {
    let len = tape.len();
    match edit {
        Edit::Delete(n) if at + n <= len => {
            let mut out = tape[..at].to_vec();
            out.extend_from_slice(&tape[at + n..]);
            Some(out)
        }
        Edit::Zero(n) if at + n <= len && tape[at..at + n].iter().any(|&c| c > 0) => {
            let mut out = tape.to_vec();
            out[at..at + n].fill(0);
            Some(out)
        }
        Edit::Halve if at < len && tape[at] > 1 => {
            let mut out = tape.to_vec();
            out[at] /= 2;
            Some(out)
        }
        Edit::Decrement if at < len && tape[at] > 0 => {
            let mut out = tape.to_vec();
            out[at] -= 1;
            Some(out)
        }
        _ => None,
    }
}

/// Shrinks the counterexample made from `tape`.
///
/// Each pass walks the tape: a window of candidates (the edit at the next positions) is sent
/// at once; the first one on which the port still differs replaces the tape, and the pass goes
/// on from that position (its edit may apply again there), so one request window does the
/// work of many. Passes repeat until a whole round changes nothing or the budget is spent.
pub fn shrink(
    session: &mut Session<u64, Answer>,
    tape: Vec<u64>,
    found: Probe,
    actual: Value,
    kinds: Kinds,
    budget: usize,
) -> Shrunk {
    let mut current = (tape, found, actual);
    let mut shrunk = Shrunk {
        probe: current.1.clone(),
        actual: Value::Null,
        steps: 0,
        requests: 0,
        evidence: Evidence::keeping(usize::MAX),
    };
    // Two phases: any shortlex-smaller tape first (deleting choices can re-route later draws,
    // so an input may grow on the way to a simpler structure), then only edits that do not
    // make the input bigger, which polishes what the first phase left.
    for polish in [false, true] {
        // A quarter is kept for the user's fields (below): a tape with many choices (a long
        // email of astral characters) could otherwise spend it all and leave a 136-character
        // secret that one prefix would have made "a".
        let phase_budget = if polish {
            budget - budget / 4
        } else {
            budget / 2
        };
        let mut tried: HashSet<Vec<u64>> = HashSet::new();
        'rounds: loop {
            let mut improved = false;
            for edit in PASSES {
                let mut at = 0;
                while at < current.0.len() {
                    // The next window of candidates from `at` on that make a new probe.
                    let mut batch: Vec<(usize, Vec<u64>, Probe)> = Vec::new();
                    let mut next = at;
                    while batch.len() < SHRINK_BATCH && next < current.0.len() {
                        if let Some(tape) = edited(&current.0, edit, next) {
                            if tried.insert(tape.clone()) {
                                let mut replay = Tape::replay(tape);
                                let probe = probe(&mut replay, kinds);
                                if probe != current.1
                                    && (!polish || size(&probe) <= size(&current.1))
                                {
                                    batch.push((next, replay.used(), probe));
                                }
                            }
                        }
                        next += 1;
                    }
                    if batch.is_empty() {
                        break;
                    }
                    if shrunk.requests + batch.len() > phase_budget {
                        break 'rounds;
                    }
                    match ask(session, &batch, &mut shrunk) {
                        Asked::Exhausted => break 'rounds,
                        Asked::Differs(index, actual) => {
                            let (position, tape, probe) = batch.swap_remove(index);
                            current = (tape, probe, actual);
                            shrunk.steps += 1;
                            improved = true;
                            at = position;
                        }
                        Asked::NoneDiffers => at = next,
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }
    // Last, the user itself, field by field: a tape edit cannot shorten a string without
    // re-routing every later draw, but the user can be edited directly, and the choices drawn
    // after it replayed for the simpler user, so the probe keeps its command and its recipe
    // (the hash a verifier is shown, the mutation a token gets) made from the simpler user.
    let rest = {
        let mut replay = Tape::replay(current.0.clone());
        gen::user(&mut replay);
        current
            .0
            .get(replay.position()..)
            .unwrap_or_default()
            .to_vec()
    };
    let (mut probe, mut actual) = (current.1, current.2);
    loop {
        let current = complexity(&probe);
        let batch: Vec<(usize, Vec<u64>, Probe)> = simpler_users(probe.user())
            .into_iter()
            .map(|user| probe_for(&mut Tape::replay(rest.clone()), kinds, user))
            .filter(|candidate| {
                std::mem::discriminant(candidate) == std::mem::discriminant(&probe)
                    && complexity(candidate) < current
            })
            .take(SHRINK_BATCH)
            .map(|candidate| (0, Vec::new(), candidate))
            .collect();
        if batch.is_empty() || shrunk.requests + batch.len() > budget {
            break;
        }
        match ask(session, &batch, &mut shrunk) {
            Asked::Differs(index, answer) => {
                probe = batch[index].2.clone();
                actual = answer;
                shrunk.steps += 1;
            }
            Asked::NoneDiffers | Asked::Exhausted => break,
        }
    }
    shrunk.probe = probe;
    shrunk.actual = actual;
    shrunk
}

/// Simpler strings than `text`, the biggest cuts first: empty, prefixes, halves, one character
/// less, then ASCII `a` in place of the other characters.
fn simpler_strings(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    if chars.is_empty() {
        return out;
    }
    out.push(String::new());
    // Every prefix, shortest first: the first that still fails is kept, which also reaches
    // inputs a one-character step cannot (an even-length hex secret, two by two).
    for len in 1..chars.len() {
        out.push(chars[..len].iter().collect());
    }
    let half = chars.len() / 2;
    if half > 0 {
        out.push(chars[..half].iter().collect());
        out.push(chars[half..].iter().collect());
    }
    for skip in 0..chars.len() {
        out.push(
            chars
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, c)| *c)
                .collect(),
        );
    }
    if chars.iter().any(|&c| c != 'a') {
        out.push("a".repeat(chars.len()));
    }
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            continue;
        }
        let mut edited = chars.clone();
        edited[i] = 'a';
        out.push(edited.into_iter().collect());
    }
    // A prefix is also a half or one character less: each candidate is asked once.
    let mut seen = HashSet::from([text.to_owned()]);
    out.retain(|candidate| seen.insert(candidate.clone()));
    out
}

/// Users one field simpler than `user`.
fn simpler_users(user: &User) -> Vec<User> {
    let mut out = Vec::new();
    for secret in simpler_strings(&user.secret) {
        out.push(User {
            secret,
            ..user.clone()
        });
    }
    let field_options = |value: &Option<Value>| -> Vec<Option<Value>> {
        let mut options = vec![None];
        match value {
            Some(Value::String(text)) => {
                options.extend(
                    simpler_strings(text)
                        .into_iter()
                        .map(|t| Some(Value::from(t))),
                );
            }
            Some(Value::Number(n)) => {
                if let Some(n) = n.as_i64() {
                    options.extend([0, n / 2, n - n.signum()].map(|m| Some(Value::from(m))));
                } else if let Some(n) = n.as_u64() {
                    options.extend([0, n / 2, n - 1].map(|m| Some(Value::from(m))));
                }
            }
            _ => {}
        }
        options.retain(|option| option != value);
        options
    };
    for user_id in field_options(&user.user_id) {
        out.push(User {
            user_id,
            ..user.clone()
        });
    }
    for email in field_options(&user.email) {
        out.push(User {
            email,
            ..user.clone()
        });
    }
    out
}

/// What a window of candidates showed.
enum Asked {
    /// The first candidate (by index) on which the port still differs, with its answer.
    Differs(usize, Value),
    NoneDiffers,
    /// Restarts ran out: stop shrinking.
    Exhausted,
}

/// Sends a window of candidates and reads every answer.
fn ask(
    session: &mut Session<u64, Answer>,
    batch: &[(usize, Vec<u64>, Probe)],
    shrunk: &mut Shrunk,
) -> Asked {
    for (index, (_, _, probe)) in batch.iter().enumerate() {
        session.push_json(index as u64, probe.line("explore-shrink").to_json());
    }
    shrunk.requests += batch.len();
    let mut first: Option<(usize, Value)> = None;
    let mut exhausted = false;
    while let Some(event) = session.next_event() {
        match event {
            Event::Reply { tag, reply } => {
                let index = tag as usize;
                let Some((_, _, probe)) = batch.get(index) else {
                    continue;
                };
                let parsed = reply.into_reply(probe.kind());
                match probe.judge(&parsed) {
                    Verdict::Differs => {
                        if first.as_ref().is_none_or(|(i, _)| index < *i) {
                            first = Some((index, parsed.to_actual()));
                        }
                    }
                    Verdict::Agrees => shrunk.evidence.record(probe.clone(), parsed),
                    Verdict::Acceptable | Verdict::Skipped => {}
                }
            }
            // A fault on a candidate is not a difference; the session restarts the adapter.
            Event::Fault { .. } => {}
            Event::Exhausted { .. } => exhausted = true,
        }
    }
    match (first, exhausted) {
        (_, true) => Asked::Exhausted,
        (Some((index, actual)), false) => Asked::Differs(index, actual),
        (None, false) => Asked::NoneDiffers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simpler_strings_are_distinct_and_shorter_or_plainer() {
        let candidates = simpler_strings("a\u{301}bc");
        let distinct: HashSet<&String> = candidates.iter().collect();
        assert_eq!(distinct.len(), candidates.len(), "{candidates:?}");
        assert_eq!(candidates[..4], ["", "a", "a\u{301}", "a\u{301}b"]);
        assert!(candidates.iter().all(|c| c != "a\u{301}bc"));
        assert!(candidates.contains(&"aabc".to_owned()), "{candidates:?}");
    }

    /// `a` in place of a digit is the same size: the field-by-field phase still takes it.
    #[test]
    fn a_user_of_as_is_simpler_than_one_of_other_characters_the_same_size() {
        let user = |secret: &str, email: &str| {
            Probe::Hash(User {
                secret: secret.to_owned(),
                user_id: None,
                email: Some(Value::from(email)),
            })
        };
        assert!(complexity(&user("a", "a")) < complexity(&user("0", "6")));
        assert!(complexity(&user("a", "6")) < complexity(&user("0", "6")));
        assert!(complexity(&user("0", "6")) < complexity(&user("a", "66")));
        let plainer = simpler_users(&User {
            secret: "0".to_owned(),
            user_id: None,
            email: None,
        });
        assert!(plainer.iter().any(|u| u.secret == "a"), "{plainer:?}");
    }

    #[test]
    fn every_edit_is_shortlex_smaller() {
        let tape = vec![5, 0, 9, 3, 1, 7, 2, 0, 0, 4];
        let mut count = 0;
        for edit in PASSES {
            for at in 0..tape.len() + 2 {
                if let Some(candidate) = edited(&tape, edit, at) {
                    count += 1;
                    let smaller = candidate.len() < tape.len()
                        || (candidate.len() == tape.len() && candidate < tape);
                    assert!(smaller, "{edit:?} at {at}: {candidate:?}");
                }
            }
        }
        assert!(count > 30);
        assert!(PASSES.iter().all(|&edit| edited(&[], edit, 0).is_none()));
    }
}
