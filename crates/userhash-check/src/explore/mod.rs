//! `userhash-check explore`: differential property testing of a port over the adapter protocol.
//!
//! Inputs come from [`gen`] (a tape of choices per case, each case's tape seeded from the run's
//! seed), go to the port through the same [`Session`] `run` uses (pipelined, with timeouts and
//! restarts), and every answer is compared with the reference library. The first answer that
//! differs, outside what the vectors call `acceptable`, is shrunk (`explore/shrink.rs`,
//! re-asking the port), diagnosed by the same engine as `run`, and printed with a
//! ready-to-paste vector case.

pub mod answer;
mod escapes;
pub mod gen;
pub mod jwt;
mod report;
mod request;
mod shrink;

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Map, Value};
use userhash::{Identity, Signer};
use userhash_mistakes::Mistake;

use crate::adapter::{AdapterCommand, Implementation, StartError};
use crate::classify::Reply;
use crate::outcome::CaseKind;
use crate::scrub::Scrubber;
use crate::session::{Event, Session, SessionOptions};
use answer::Answer;
use gen::{Presented, SplitMix64, Tape, User};

pub use report::{render_human, vector_case};
pub use request::Request;

/// Requests in flight at once while exploring: four times `run`'s 64, so that the port is
/// woken once per 128 requests rather than once per 32 (12–15 % less checker CPU per case
/// against the C port, measured).
const WINDOW: usize = 256;
/// Generated cases queued ahead of the replies, so the pipe never runs dry.
const AHEAD: usize = 2 * WINDOW;
/// Shrink candidates asked at once: a round stops at the first that still differs, so a
/// bigger batch mostly asks more than it needs.
const SHRINK_BATCH: usize = 64;
/// Answers the port got right that the diagnosis keeps, to test a pipeline against.
const PASSES_KEPT: usize = 256;

/// What `explore` is asked to do.
#[derive(Clone, Debug)]
pub struct ExploreOptions {
    /// Cases to generate at most.
    pub cases: u64,
    /// The run's seed.
    pub seed: u64,
    /// Stop generating after this long.
    pub time: Option<Duration>,
    /// Explore the verifier too.
    pub verify: bool,
    /// Explore the JWT commands the port announces (`--no-jwt` turns this off).
    pub jwt: bool,
    /// Per-reply timeout.
    pub timeout: Duration,
    /// Handshake timeout.
    pub handshake_timeout: Duration,
    /// Restarts allowed after faults.
    pub max_restarts: usize,
    /// Requests the shrinker may send at most.
    pub shrink_budget: usize,
}

impl ExploreOptions {
    /// The command-line flags of the options that decide which inputs are drawn: the same
    /// seed draws other cases with other commands on offer.
    pub fn flags(&self) -> Vec<&'static str> {
        [(self.verify, "--verify"), (!self.jwt, "--no-jwt")]
            .into_iter()
            .filter_map(|(on, flag)| on.then_some(flag))
            .collect()
    }
}

/// What a case checks: a user's hash, or a verifier's decision on a presented hash.
#[derive(Clone, Debug, PartialEq)]
pub enum Probe {
    /// `user_hash` for the user.
    Hash(User),
    /// `verify` of a presented hash for the user.
    Verify(User, Presented),
    /// `user_jwt` for the user's claims.
    Jwt(jwt::JwtSign),
    /// `verify_jwt` of a token at [`jwt::NOW`].
    VerifyJwt(jwt::JwtCheck),
}

/// Which commands a run explores, besides `user_hash`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Kinds {
    /// `verify` (with `--verify`, when announced).
    pub verify: bool,
    /// `user_jwt` (when announced).
    pub jwt: bool,
    /// `verify_jwt` (when announced).
    pub verify_jwt: bool,
}

/// The reference's answer to a probe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// A hash, or none for an unidentified user.
    Hash(Option<String>),
    /// The input is rejected, with this error class.
    Error(&'static str),
    /// A verifier's decision.
    Valid(bool),
    /// The reference's token for the claims. A port's token need not be this one byte for
    /// byte (key order and escapes may differ): it must carry the same claims, signed.
    Token(String),
}

/// How a port's reply compares with the reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The same answer.
    Agrees,
    /// Another answer, where the vectors call the input's ambiguity `acceptable`.
    Acceptable,
    /// Another answer: a counterexample.
    Differs,
    /// The port skipped it.
    Skipped,
}

impl Probe {
    /// The protocol request, as sent (without `seq`).
    pub fn line<'a>(&'a self, id: &'a str) -> Request<'a> {
        let user = self.user();
        let mut request = Request {
            cmd: self.kind().as_str(),
            id,
            secret: &user.secret,
            user_id: None,
            email: None,
            user_hash: None,
            claims: None,
            jwt: None,
            now: None,
        };
        match self {
            Probe::Hash(_) | Probe::Verify(..) => {
                request.user_id = user.user_id.as_ref();
                request.email = user.email.as_ref();
                if let Probe::Verify(_, presented) = self {
                    request.user_hash = Some(presented.hash());
                }
            }
            Probe::Jwt(sign) => request.claims = Some(&sign.claims),
            Probe::VerifyJwt(check) => {
                request.jwt = Some(&check.token);
                request.now = Some(jwt::NOW);
            }
        }
        request
    }

    /// The protocol request, as a map.
    pub fn request(&self, id: &str) -> Map<String, Value> {
        match serde_json::to_value(self.line(id)) {
            Ok(Value::Object(request)) => request,
            _ => Map::new(), // never: a struct of JSON values serializes to an object
        }
    }

    /// The request's fields, without `cmd` and `id`.
    pub fn input(&self) -> Map<String, Value> {
        let mut input = self.request("");
        input.shift_remove("cmd");
        input.shift_remove("id");
        input
    }

    /// The user probed.
    pub fn user(&self) -> &User {
        match self {
            Probe::Hash(user) | Probe::Verify(user, _) => user,
            Probe::Jwt(sign) => &sign.user,
            Probe::VerifyJwt(check) => &check.user,
        }
    }

    fn kind(&self) -> CaseKind {
        match self {
            Probe::Hash(_) => CaseKind::UserHash,
            Probe::Verify(..) => CaseKind::Verify,
            Probe::Jwt(_) => CaseKind::Jwt,
            Probe::VerifyJwt(_) => CaseKind::JwtVerify,
        }
    }

    /// What the reference answers.
    pub fn expected(&self) -> Expected {
        match self {
            Probe::Hash(user) => match reference(user) {
                Ok(hash) => Expected::Hash(hash),
                Err(class) => Expected::Error(class),
            },
            Probe::Verify(_, Presented::Correct(_)) => Expected::Valid(true),
            Probe::Verify(..) => Expected::Valid(false),
            Probe::Jwt(sign) => match jwt::reference_token(sign) {
                Ok(token) => Expected::Token(token),
                Err(class) => Expected::Error(class),
            },
            // No secret is no verifier: the port must refuse the request, as the reference does.
            Probe::VerifyJwt(check) => match &check.verdict {
                Err(userhash::jwt::JwtError::EmptySecret) => Expected::Error("empty_secret"),
                verdict => Expected::Valid(verdict.is_ok()),
            },
        }
    }

    /// Whether a deviation on this probe is only a warning, as the vectors' `acceptable`
    /// cases say of the same inputs.
    fn acceptable(&self) -> bool {
        match self {
            Probe::Jwt(sign) => return jwt::sign_is_acceptable(sign),
            Probe::VerifyJwt(check) => return jwt::check_is_acceptable(check),
            Probe::Hash(_) | Probe::Verify(..) => {}
        }
        let user = self.user();
        let blank = |v: &Option<Value>| {
            v.as_ref()
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty() && s.chars().all(char::is_whitespace))
        };
        let empty_user_id_with_email = user.user_id.as_ref().and_then(Value::as_str) == Some("")
            && user
                .email
                .as_ref()
                .and_then(Value::as_str)
                .is_some_and(|e| !e.is_empty());
        let unidentified = reference_hash(&User {
            secret: "s".into(),
            ..user.clone()
        })
        .is_none();
        let uppercase = matches!(self, Probe::Verify(_, Presented::Wrong(gen::UPPERCASE, _)));
        blank(&user.user_id)
            || blank(&user.email)
            || beyond_doubles(user.user_id.as_ref())
            || empty_user_id_with_email
            || (user.secret.is_empty() && unidentified)
            || uppercase
    }

    /// Compares a parsed reply with the reference.
    pub fn judge(&self, reply: &Reply) -> Verdict {
        self.judge_against(&self.expected(), reply)
    }

    /// [`Probe::judge`] with the reference's answer already computed.
    pub fn judge_against(&self, expected: &Expected, reply: &Reply) -> Verdict {
        match expected.agrees_with(reply, || self.user().secret.clone()) {
            None => Verdict::Skipped,
            Some(true) => Verdict::Agrees,
            // Whether the input is an acceptable ambiguity is asked only of a disagreement.
            Some(false) if self.acceptable() => Verdict::Acceptable,
            Some(false) => Verdict::Differs,
        }
    }
}

impl Expected {
    /// Whether `reply` gives this answer (`None`: the port skipped the request). `secret` is
    /// asked for only to judge a token other than the reference's.
    fn agrees_with(&self, reply: &Reply, secret: impl FnOnce() -> String) -> Option<bool> {
        Some(match (self, reply) {
            (_, Reply::Skipped(_)) => return None,
            (Expected::Hash(hash), Reply::Hash(answer)) => hash == answer,
            (Expected::Error(_), Reply::Error(_)) => true,
            (Expected::Valid(valid), Reply::Valid(answer)) => valid == answer,
            // The reference's own token is right without decoding it (most ports sign the
            // claims as the reference does); any other is judged on its claims and signature.
            (Expected::Token(reference), Reply::Jwt(token)) => {
                token == reference || judge_token(&secret(), reference, token).is_correct()
            }
            _ => false,
        })
    }
}

/// How `token` compares with the reference's token: the same claims, HS256-signed with
/// `secret` (what judging a reply and naming a counterexample both ask).
pub(crate) fn judge_token(
    secret: &str,
    reference: &str,
    token: &str,
) -> userhash_mistakes::jwt::TokenJudgement {
    let claims = userhash_mistakes::jwt::claims_of(reference).unwrap_or_default();
    userhash_mistakes::jwt::judge_token(secret, &claims, token)
}

/// Whether a user_id is an integer a double cannot hold exactly (above 2^53): the vectors'
/// `LargeInteger` ambiguity, for the hash and the JWT alike.
pub(crate) fn beyond_doubles(user_id: Option<&Value>) -> bool {
    user_id
        .and_then(|id| id.as_i64().map(i128::from).or(id.as_u64().map(i128::from)))
        .is_some_and(|n| n.abs() > 1 << 53)
}

/// The reference's hash, or the error class it rejects the input with.
pub fn reference(user: &User) -> Result<Option<String>, &'static str> {
    let identity =
        Identity::from_json(user.user_id.as_ref(), user.email.as_ref()).map_err(|e| e.class())?;
    let signer = Signer::new(&user.secret).map_err(|e| e.class())?;
    Ok(signer
        .user_hash(&identity)
        .map(|hash| hash.as_str().to_owned()))
}

pub(crate) fn reference_hash(user: &User) -> Option<String> {
    reference(user).ok().flatten()
}

/// A probe made from a tape: the user, then which command it is sent as (a draw only when
/// there is a choice, so a tape means the same with and without other kinds), then what that
/// command needs.
pub fn probe(tape: &mut Tape, kinds: Kinds) -> Probe {
    let user = gen::user(tape);
    probe_for(tape, kinds, user)
}

/// The probe `tape` makes for `user` once the user is drawn: the shrinker replays the same
/// choices for a simpler user, so a probe keeps its command and its recipe (which hash a
/// verifier is shown, how a token is mutated) while its user gets simpler.
pub(crate) fn probe_for(tape: &mut Tape, kinds: Kinds, user: User) -> Probe {
    // The commands on offer, in a fixed order (an array: this runs for every explored case).
    let mut choices = [CaseKind::UserHash; 4];
    let mut offered = 1;
    for (on, kind) in [
        (kinds.verify, CaseKind::Verify),
        (kinds.jwt, CaseKind::Jwt),
        (kinds.verify_jwt, CaseKind::JwtVerify),
    ] {
        if on {
            choices[offered] = kind;
            offered += 1;
        }
    }
    let kind = if offered == 1 {
        CaseKind::UserHash
    } else {
        choices[tape.draw(offered as u64) as usize]
    };
    match kind {
        CaseKind::Jwt => return Probe::Jwt(jwt::sign(tape, user)),
        CaseKind::JwtVerify => return Probe::VerifyJwt(jwt::check(tape, user)),
        CaseKind::UserHash => return Probe::Hash(user),
        CaseKind::Verify => {}
    }
    match reference_hash(&user) {
        Some(correct) => {
            let presented =
                gen::presented(tape, &correct, |tape, which| other_hash(tape, &user, which));
            Probe::Verify(user, presented)
        }
        None => Probe::Hash(user),
    }
}

/// The reference's hash for another user, identifier or secret than `user`'s own.
fn other_hash(tape: &mut Tape, user: &User, which: gen::Other) -> Option<String> {
    match which {
        gen::Other::User => reference_hash(&User {
            secret: user.secret.clone(),
            ..gen::user(tape)
        }),
        // Only a user with both has another identifier; the email's hash is what a port that
        // hashes the email would have signed.
        gen::Other::Identifier => {
            user.user_id.as_ref()?;
            reference_hash(&User {
                user_id: None,
                ..user.clone()
            })
        }
        gen::Other::Secret => {
            let mut secret = gen::secret(tape);
            if secret == user.secret {
                secret.push('x');
            }
            reference_hash(&User {
                secret,
                ..user.clone()
            })
        }
    }
}

/// Answers the port got right: the evidence a name must agree with. Keeps the first `cap` of
/// each kind: explored cases are drawn independently, so any `cap` of them are as good a
/// sample as the latest, and keeping the latest cost every case an eviction (4–5 % of the
/// checker's time, perf: freeing an old user whose memory had gone cold).
#[derive(Clone, Debug)]
pub(crate) struct Evidence {
    cap: usize,
    /// Users and the (correct) hashes the port gave them.
    hashes: Vec<(User, Option<String>)>,
    /// Users, a presented hash and the (correct) decision the port made.
    decisions: Vec<(User, String, bool)>,
}

impl Evidence {
    /// Evidence that keeps the first `cap` answers of each kind.
    pub(crate) fn keeping(cap: usize) -> Evidence {
        Evidence {
            cap,
            hashes: Vec::new(),
            decisions: Vec::new(),
        }
    }

    /// Whether an answer to a probe of `kind` that agreed with the reference would be kept.
    fn wants(&self, kind: CaseKind) -> bool {
        match kind {
            CaseKind::UserHash => self.hashes.len() < self.cap,
            CaseKind::Verify => self.decisions.len() < self.cap,
            CaseKind::Jwt | CaseKind::JwtVerify => false,
        }
    }

    /// Records a reply that agreed with the reference (hash and verify probes; JWT answers
    /// are named from the token alone), while there is room for it.
    pub(crate) fn record(&mut self, probe: Probe, reply: Reply) {
        match (probe, reply) {
            (Probe::Hash(user), Reply::Hash(hash)) if self.hashes.len() < self.cap => {
                self.hashes.push((user, hash));
            }
            (Probe::Verify(user, presented), Reply::Valid(valid))
                if self.decisions.len() < self.cap =>
            {
                let hash = match presented {
                    Presented::Correct(hash) | Presented::Wrong(_, hash) => hash,
                };
                self.decisions.push((user, hash, valid));
            }
            _ => {}
        }
    }

    /// This evidence followed by `later`'s, all of both kept.
    pub(crate) fn followed_by(mut self, later: Evidence) -> Evidence {
        self.hashes.extend(later.hashes);
        self.decisions.extend(later.decisions);
        self.cap = self.cap.saturating_add(later.cap);
        self
    }
}

/// A found difference, shrunk.
#[derive(Clone, Debug, Serialize)]
pub struct Counterexample {
    /// The case number (from 0) that first showed it, under the run's seed.
    pub case: u64,
    /// `user_hash` or `verify`.
    pub kind: CaseKind,
    /// The minimal request's fields.
    pub input: Value,
    /// What the reference answers.
    pub expected: Value,
    /// What the port answered.
    pub actual: Value,
    /// For a verify probe: how the presented hash was made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presented: Option<String>,
    /// Shrinks accepted, and requests sent while shrinking.
    pub shrink_steps: usize,
    /// Requests sent while shrinking.
    pub shrink_requests: usize,
    /// The mistakes named, by the engine `run` uses (none when it cannot prove one).
    pub diagnosis: Vec<Mistake>,
    /// The pipeline that explains the counterexample and every answer the port got right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explained_by: Option<String>,
    /// When none does: the pipelines that reproduce this answer alone (the port makes their
    /// mistake on some inputs only), as composed names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub only_here: Vec<String>,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The case in the vector files' format, to promote it to the suite.
    pub vector_case: Value,
}

/// A fault (timeout, crash, protocol error) on a generated input: reported, not shrunk.
#[derive(Clone, Debug, Serialize)]
pub struct FaultFound {
    /// The case number.
    pub case: u64,
    /// The request's fields.
    pub input: Value,
    /// What happened.
    pub message: String,
}

/// A whole exploration.
#[derive(Clone, Debug, Serialize)]
pub struct ExploreReport {
    /// What the adapter said in the handshake.
    pub implementation: Implementation,
    /// The adapter command.
    pub command: String,
    /// The run's seed: `--seed` reproduces the run.
    pub seed: u64,
    /// Whether the verifier was explored.
    pub verify: bool,
    /// The options that decide, with the seed and the port, which inputs are drawn (`--verify`,
    /// `--no-jwt`): what a rerun needs beside `--seed` to draw the same cases.
    pub flags: Vec<&'static str>,
    /// The commands explored: `user_hash`, and `verify`, `user_jwt`, `verify_jwt` when
    /// announced (the verifiers with `--verify`).
    pub commands: Vec<&'static str>,
    /// Cases answered.
    pub cases: u64,
    /// Of which the port skipped.
    pub skipped: u64,
    /// Of which it answered otherwise on an input the vectors call ambiguous.
    pub acceptable: u64,
    /// Restarts after faults.
    pub restarts: usize,
    /// Cases per second, generation and comparison included.
    pub cases_per_second: f64,
    /// Wall time.
    pub duration_ms: u64,
    /// The counterexample, if one was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterexample: Option<Counterexample>,
    /// The first fault, if one happened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<FaultFound>,
    /// Why exploring stopped before `--cases`, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// The signal that interrupted the exploration (a counterexample found before it is
    /// reported unshrunk).
    #[serde(skip)]
    pub interrupted_by: Option<i32>,
}

impl ExploreReport {
    /// 0 nothing found, 1 a counterexample or a fault.
    pub fn exit_code(&self) -> i32 {
        if let Some(signal) = self.interrupted_by {
            128 + signal
        } else if self.counterexample.is_some() || self.fault.is_some() {
            1
        } else {
            0
        }
    }
}

/// Progress: (cases answered, phase).
pub type Progress<'a> = &'a mut dyn FnMut(u64, &str);

/// A case in flight: what judging its answer takes. Not the probe, as a rule: it is dropped
/// once its request is written and its answer computed, while its memory is still in cache.
/// Kept for the 512 cases in flight, the probes' strings had gone cold by the time they were
/// freed (perf: the allocator, a fifth of the checker's CPU). It is kept while the evidence
/// still wants answers of its kind (the first few hundred cases); otherwise what needs it (a
/// disagreement, a fault, a token other than the reference's) draws it again from the seed,
/// which makes the same probe. Boxed when kept: a probe is 240 bytes, and unboxed it was
/// copied with every case into the queue and out of it (perf: `memcpy`, 3 % of the checker's
/// CPU).
struct InFlight {
    /// The seed of the case's tape.
    seed: u64,
    kind: CaseKind,
    expected: Expected,
    kept: Option<Box<Probe>>,
}

/// The probe a case's seed makes.
fn redraw(seed: u64, kinds: Kinds) -> Probe {
    probe(&mut Tape::unrecorded(SplitMix64::new(seed)), kinds)
}

/// A case's probe: the one kept in flight, else drawn again from its seed.
fn kept_or_redrawn(kept: Option<Box<Probe>>, seed: u64, kinds: Kinds) -> Probe {
    kept.map_or_else(|| redraw(seed, kinds), |probe| *probe)
}

/// Explores the port.
pub fn explore(
    command: &AdapterCommand,
    options: &ExploreOptions,
    progress: Progress<'_>,
) -> Result<ExploreReport, StartError> {
    let started = Instant::now();
    let session = Session::start(
        command,
        SessionOptions {
            timeout: options.timeout,
            handshake_timeout: options.handshake_timeout,
            max_restarts: options.max_restarts,
            window: WINDOW,
            scrubber: Arc::new(Scrubber::new(Vec::<&str>::new())),
        },
    );
    let mut session: Session<u64, Answer> = match (session, crate::process::interrupted()) {
        (Ok(session), _) => session,
        // A signal during the handshake: nothing explored, and the report says why.
        (Err(_), Some(signal)) => {
            return Ok(ExploreReport {
                implementation: Implementation::unknown(),
                command: command.display(),
                seed: options.seed,
                verify: options.verify,
                flags: options.flags(),
                commands: Vec::new(),
                cases: 0,
                skipped: 0,
                acceptable: 0,
                restarts: 0,
                cases_per_second: 0.0,
                duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                counterexample: None,
                fault: None,
                stopped: Some(format!(
                    "interrupted by {} before the adapter answered the handshake",
                    crate::process::signal_name(signal)
                )),
                interrupted_by: Some(signal),
            })
        }
        (Err(error), None) => return Err(error),
    };
    let implementation = session.implementation().clone();
    // The JWT commands are explored when announced (unless --no-jwt); verifiers (hash and JWT)
    // with --verify.
    let kinds = Kinds {
        verify: options.verify && implementation.has_feature("verify"),
        jwt: options.jwt && implementation.has_feature("jwt"),
        verify_jwt: options.verify && options.jwt && implementation.has_feature("verify_jwt"),
    };
    let verify = kinds.verify;
    let mut seeds = SplitMix64::new(options.seed);
    // Cases in flight, in case order: the session answers in request order, so a reply's case
    // is at the front (a search covers anything else).
    let mut in_flight: VecDeque<(u64, InFlight)> = VecDeque::new();
    let take = |in_flight: &mut VecDeque<(u64, InFlight)>, tag: u64| {
        let at = in_flight.iter().position(|(case, _)| *case == tag)?;
        in_flight.remove(at).map(|(_, flight)| flight)
    };
    let mut evidence = Evidence::keeping(PASSES_KEPT);
    let (mut generated, mut answered, mut skipped, mut acceptable) = (0u64, 0u64, 0u64, 0u64);
    let mut found: Option<(u64, u64, Probe, Value)> = None;
    let mut fault: Option<FaultFound> = None;
    let mut stopped = None;
    let mut interrupted_by = None;
    let mut id = String::new(); // each case's, written in place
    let out_of_time = |started: &Instant| options.time.is_some_and(|t| started.elapsed() >= t);
    loop {
        let generating = found.is_none() && fault.is_none() && stopped.is_none();
        while generating && generated < options.cases && in_flight.len() < AHEAD {
            if out_of_time(&started) {
                stopped = Some(format!(
                    "--time {} s reached",
                    options.time.map_or(0, |t| t.as_secs())
                ));
                break;
            }
            let seed = seeds.next_u64();
            let probe = probe(&mut Tape::unrecorded(SplitMix64::new(seed)), kinds);
            id.clear();
            id.push_str("explore-");
            id.push_str(itoa::Buffer::new().format(generated));
            let mut line = session.spare_line();
            probe.line(&id).write_json(&mut line);
            session.push_json(generated, line);
            let kind = probe.kind();
            in_flight.push_back((
                generated,
                InFlight {
                    seed,
                    kind,
                    expected: probe.expected(),
                    kept: evidence.wants(kind).then(|| Box::new(probe)),
                },
            ));
            generated += 1;
        }
        let Some(event) = session.next_event() else {
            break;
        };
        match event {
            Event::Reply { tag, reply } => {
                let Some(flight) = take(&mut in_flight, tag) else {
                    continue;
                };
                answered += 1;
                if answered % 1024 == 0 {
                    progress(answered, "exploring");
                }
                let InFlight {
                    seed,
                    kind,
                    expected,
                    mut kept,
                } = flight;
                let parsed = reply.into_reply(kind);
                let secret = || {
                    let probe = kept.get_or_insert_with(|| Box::new(redraw(seed, kinds)));
                    probe.user().secret.clone()
                };
                match expected.agrees_with(&parsed, secret) {
                    Some(true) if evidence.wants(kind) => {
                        evidence.record(kept_or_redrawn(kept, seed, kinds), parsed);
                    }
                    Some(true) => {}
                    None => skipped += 1,
                    Some(false) => {
                        // Whether the input is an acceptable ambiguity is asked only here.
                        let probe = kept_or_redrawn(kept, seed, kinds);
                        if probe.acceptable() {
                            acceptable += 1;
                        } else if found.as_ref().is_none_or(|(case, ..)| tag < *case) {
                            // The earliest case wins, whatever order faults left the replies in.
                            found = Some((tag, seed, probe, parsed.to_actual()));
                        }
                    }
                }
            }
            Event::Fault { tag, fault: what } => {
                answered += 1;
                let flight = take(&mut in_flight, tag);
                if fault.is_none() {
                    fault = flight.map(|flight| FaultFound {
                        case: tag,
                        input: Value::Object(
                            kept_or_redrawn(flight.kept, flight.seed, kinds).input(),
                        ),
                        message: what.message,
                    });
                }
            }
            Event::Exhausted { reason, .. } => {
                stopped = Some(reason);
                in_flight.clear();
            }
        }
        if let Some(signal) = crate::process::interrupted() {
            stopped = Some(format!(
                "interrupted by {}",
                crate::process::signal_name(signal)
            ));
            interrupted_by = Some(signal);
            break;
        }
    }
    let counterexample = found.map(|(case, seed, differing, actual)| {
        progress(answered, "shrinking");
        // Interrupted: report what was found as it is, without asking the port again.
        let budget = if interrupted_by.is_some() {
            0
        } else {
            options.shrink_budget
        };
        let mut tape = Tape::random(SplitMix64::new(seed));
        probe(&mut tape, kinds);
        let shrunk = shrink::shrink(&mut session, tape.used(), differing, actual, kinds, budget);
        report::counterexample(case, shrunk, evidence, options.seed)
    });
    let restarts = session.restarts();
    session.finish();
    let elapsed = started.elapsed();
    Ok(ExploreReport {
        implementation,
        command: command.display(),
        seed: options.seed,
        verify,
        flags: options.flags(),
        commands: [
            (true, "user_hash"),
            (kinds.verify, "verify"),
            (kinds.jwt, "user_jwt"),
            (kinds.verify_jwt, "verify_jwt"),
        ]
        .into_iter()
        .filter_map(|(on, command)| on.then_some(command))
        .collect(),
        cases: answered,
        skipped,
        acceptable,
        restarts,
        cases_per_second: answered as f64 / elapsed.as_secs_f64().max(1e-9),
        duration_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        counterexample,
        fault,
        stopped,
        interrupted_by,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exploring draws a case's probe again from its seed wherever it is needed after the
    /// request went out (a disagreement, a fault, a token to judge): a seed must make the same
    /// probe every time, for every command, and the one its recorded tape makes for a shrink.
    #[test]
    fn a_seed_draws_the_same_probe_again() {
        let kinds = Kinds {
            verify: true,
            jwt: true,
            verify_jwt: true,
        };
        let mut seeds = SplitMix64::new(13);
        for _ in 0..2_000 {
            let seed = seeds.next_u64();
            let first = redraw(seed, kinds);
            assert_eq!(redraw(seed, kinds), first);
            let mut recorded = Tape::random(SplitMix64::new(seed));
            assert_eq!(probe(&mut recorded, kinds), first);
            assert_eq!(probe(&mut Tape::replay(recorded.used()), kinds), first);
        }
    }

    /// A verifier is shown every kind of wrong hash the issue lists, each made as it says:
    /// another user's under the same secret, the email's for a user with a user_id, the
    /// user's own under another secret; and none of them is the correct hash.
    #[test]
    fn verifiers_are_shown_other_users_identifiers_and_secrets() {
        let kinds = Kinds {
            verify: true,
            ..Kinds::default()
        };
        let mut seeds = SplitMix64::new(11);
        let mut seen = std::collections::BTreeMap::new();
        for _ in 0..20_000 {
            let Probe::Verify(user, presented) =
                probe(&mut Tape::random(SplitMix64::new(seeds.next_u64())), kinds)
            else {
                continue;
            };
            let correct = reference_hash(&user).expect("a verify probe's user has a hash");
            let Presented::Wrong(how, shown) = &presented else {
                assert_eq!(presented.hash(), correct);
                continue;
            };
            assert_ne!(shown, &correct, "{how}");
            *seen.entry(*how).or_insert(0) += 1;
            if *how == gen::OTHER_IDENTIFIER {
                let email_only = User {
                    user_id: None,
                    ..user.clone()
                };
                assert!(user.user_id.is_some(), "{user:?}");
                assert_eq!(Some(shown.clone()), reference_hash(&email_only));
            }
        }
        for how in [gen::ANOTHER_USER, gen::OTHER_IDENTIFIER, gen::OTHER_SECRET] {
            assert!(seen.get(how).copied().unwrap_or(0) > 20, "{how}: {seen:?}");
        }
    }

    /// Taking the reference's own token as right without decoding it is only a shortcut: the
    /// full judgement says the same of it, and of it with its claims reordered (a port that
    /// signs the same claims in another key order is right too).
    #[test]
    fn the_reference_token_shortcut_agrees_with_the_full_judgement() {
        let kinds = Kinds {
            jwt: true,
            ..Kinds::default()
        };
        let mut seeds = SplitMix64::new(5);
        let mut judged = 0;
        for _ in 0..4_000 {
            let probe = probe(&mut Tape::random(SplitMix64::new(seeds.next_u64())), kinds);
            let (Probe::Jwt(sign), Expected::Token(reference)) = (&probe, probe.expected()) else {
                continue;
            };
            assert!(
                judge_token(&sign.user.secret, &reference, &reference).is_correct(),
                "{sign:?}"
            );
            // The same claims, keys reversed, signed: another token, judged in full.
            let mut reversed = Map::new();
            for (key, value) in sign.claims.iter().rev() {
                reversed.insert(key.clone(), value.clone());
            }
            let other = userhash::jwt::JwtSigner::new(&sign.user.secret)
                .and_then(|signer| signer.sign(&reversed))
                .expect("the reference signs the same claims in any order");
            let verdict = probe.judge_against(
                &Expected::Token(reference.clone()),
                &Reply::Jwt(other.clone()),
            );
            assert_eq!(verdict, Verdict::Agrees, "{sign:?}: {other}");
            judged += usize::from(other != reference);
        }
        assert!(
            judged > 100,
            "only {judged} reordered tokens differed from the reference's"
        );
    }
}
