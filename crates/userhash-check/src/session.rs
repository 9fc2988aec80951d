//! An adapter session: requests in flight, `seq` numbers, faults and restarts, and nothing about
//! what the requests mean.
//!
//! The caller queues requests, each with a tag of its own (a case index, a generated input),
//! and reads [`Event`]s in request order, the way rust-analyzer's main loop reads `next_event`.
//! The session pipelines up to [`SessionOptions::window`] requests, matches each reply to its
//! request by `seq`, turns a timeout, an exit or a protocol error into a [`Fault`] for the
//! request it hit, kills the adapter's process group and restarts it (replaying the handshake),
//! and re-sends what was in flight behind the fault. When restarts run out it says so once, with
//! the tags that were never answered. `run` drives it with the suite's cases; `explore` and the
//! JWT commands can drive it with their own requests.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::adapter::{clip, Adapter, AdapterCommand, Decode, Implementation, Received, StartError};
use crate::scrub::Scrubber;

/// Requests in flight at most, by default.
pub const WINDOW: usize = 64;
/// Restarts after faults before the session gives up, by default.
pub const MAX_RESTARTS: usize = 3;

/// How a session talks to its adapter.
#[derive(Clone, Debug)]
pub struct SessionOptions {
    /// Per-reply timeout.
    pub timeout: Duration,
    /// Handshake timeout (each start and restart).
    pub handshake_timeout: Duration,
    /// Restarts allowed after faults.
    pub max_restarts: usize,
    /// Requests in flight at most.
    pub window: usize,
    /// Private secrets to remove from everything the adapter writes.
    pub scrubber: Arc<Scrubber>,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            timeout: Duration::from_secs(5),
            handshake_timeout: Duration::from_secs(10),
            max_restarts: MAX_RESTARTS,
            window: WINDOW,
            scrubber: Arc::default(),
        }
    }
}

/// How the adapter failed a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// No reply within the timeout.
    Timeout,
    /// stdout closed: the adapter exited or crashed.
    Crash,
    /// A line that is not JSON, or a reply with another `seq`.
    Protocol,
}

/// A request that got no usable reply; the adapter was killed (and restarted, if allowed).
#[derive(Clone, Debug)]
pub struct Fault {
    /// What happened.
    pub kind: FaultKind,
    /// Why, in a sentence, ending in "the adapter was killed".
    pub message: String,
    /// What the adapter wrote instead, when it wrote JSON (`null` otherwise).
    pub actual: Value,
    /// The tail of the adapter's stderr.
    pub stderr: String,
}

/// What the session saw, in request order; replies read as `R` (a JSON tree by default).
#[derive(Debug)]
pub enum Event<T, R = Value> {
    /// The reply to the request tagged `tag` (a JSON value whose `seq` matched).
    Reply {
        /// The request's tag.
        tag: T,
        /// The reply.
        reply: R,
    },
    /// The request tagged `tag` faulted.
    Fault {
        /// The request's tag.
        tag: T,
        /// How.
        fault: Fault,
    },
    /// Restarts ran out: the session is over, and these requests were never answered.
    Exhausted {
        /// Why, in a sentence.
        reason: String,
        /// The tags of the requests left, in order.
        unanswered: Vec<T>,
    },
}

/// What is wrong with a reply's `seq`, in words: missing, another number, or not an unsigned
/// integer at all.
fn describe_seq(seq: Option<&Value>) -> String {
    match seq {
        None => "the reply has no seq".to_owned(),
        Some(value) if value.as_u64().is_some() => format!("the reply's seq is {value}"),
        Some(Value::Number(number)) => format!(
            "the reply's seq is {}, not an unsigned 64-bit integer",
            clip(&number.to_string(), 40)
        ),
        Some(other) => format!(
            "the reply's seq is {}, not a number",
            clip(&other.to_string(), 40)
        ),
    }
}

/// The line a session sends for `request` as its `seq`-th request (without the `\n`): what
/// the protocol tests validate and the overhead bench replays.
pub fn request_line(request: &Map<String, Value>, seq: u64) -> String {
    let mut line = String::new();
    if let Some(encoded) = Encoded::new(request) {
        encoded.write_line(seq, &mut line);
    }
    line
}

/// A request serialized once, without its `seq`: sending (and re-sending after a restart)
/// splices the `seq` in, so a request is neither cloned nor serialized again per send.
struct Encoded(String);

impl Encoded {
    /// `request` as JSON; `None` unless it serializes to an object.
    fn new(request: &impl Serialize) -> Option<Encoded> {
        Encoded::object(serde_json::to_string(request).ok()?)
    }

    /// A request already written as JSON; `None` unless it is an object.
    fn object(text: String) -> Option<Encoded> {
        (text.starts_with('{') && text.ends_with('}')).then_some(Encoded(text))
    }

    /// The request's line as the `seq`-th request: `{"seq":N,` and the fields.
    fn write_line(&self, seq: u64, line: &mut String) {
        let fields = self.0.get(1..).unwrap_or("}"); // after `{`: the fields and `}`
        line.push_str("{\"seq\":");
        line.push_str(itoa::Buffer::new().format(seq));
        if fields != "}" {
            line.push(',');
        }
        line.push_str(fields);
    }
}

/// A running adapter and the requests queued for it, reading replies as `R`: a JSON tree, or
/// a type that reads a caller's common replies without building one.
pub struct Session<T, R = Value> {
    command: AdapterCommand,
    options: SessionOptions,
    adapter: Option<Adapter>,
    implementation: Implementation,
    /// Requests not yet sent: (tag, request without `seq`).
    queued: VecDeque<(T, Encoded)>,
    /// Requests sent and not yet answered, oldest first: (seq, tag, request).
    in_flight: VecDeque<(u64, T, Encoded)>,
    seq: u64,
    restarts: usize,
    /// The lines of a batch being sent, kept between batches: built afresh, a batch's string
    /// grew (and was copied) a dozen times on its way to 60 kB.
    batch: String,
    /// The strings of answered requests, cleared, for [`Session::spare_line`] (kept once it
    /// has been called: `run` never asks).
    spare: Vec<String>,
    recycling: bool,
    replies: PhantomData<fn() -> R>,
}

/// Answered requests' strings kept for reuse: more than `explore` keeps queued and in flight
/// (512), so that it allocates none once the first are answered.
const SPARE_KEPT: usize = 1024;

impl<T, R: Decode> Session<T, R> {
    /// Starts the adapter and performs the handshake.
    pub fn start(command: &AdapterCommand, options: SessionOptions) -> Result<Self, StartError> {
        let adapter = Adapter::start(
            command,
            options.handshake_timeout,
            Arc::clone(&options.scrubber),
        )?;
        Ok(Session {
            command: command.clone(),
            options,
            implementation: adapter.implementation.clone(),
            adapter: Some(adapter),
            queued: VecDeque::new(),
            in_flight: VecDeque::new(),
            seq: 0,
            restarts: 0,
            batch: String::new(),
            spare: Vec::new(),
            recycling: false,
            replies: PhantomData,
        })
    }

    /// What the adapter said about itself in the (first) handshake.
    pub fn implementation(&self) -> &Implementation {
        &self.implementation
    }

    /// Restarts so far.
    pub fn restarts(&self) -> usize {
        self.restarts
    }

    /// Queues a request (a JSON object: a map, or a struct that serializes to one); `seq` is
    /// added when it is sent.
    ///
    /// # Panics
    /// If `request` does not serialize to a JSON object: requests are built by the checker.
    pub fn push(&mut self, tag: T, request: &impl Serialize) {
        let Some(encoded) = Encoded::new(request) else {
            panic!("a request must serialize to a JSON object");
        };
        self.queued.push_back((tag, encoded));
    }

    /// Queues a request the caller wrote as a JSON object itself, as [`Session::push`] would
    /// have serialized it (`explore` writes its own, faster); `seq` is added when it is sent.
    ///
    /// # Panics
    /// If `object` is not `{…}`: requests are built by the checker.
    pub fn push_json(&mut self, tag: T, object: String) {
        let Some(encoded) = Encoded::object(object) else {
            panic!("a request must be a JSON object");
        };
        self.queued.push_back((tag, encoded));
    }

    /// An empty string to write a request into for [`Session::push_json`]: an answered
    /// request's, when there is one. `explore` writes hundreds of thousands of requests of a
    /// few hundred bytes, each kept until answered (to send again after a restart): allocating
    /// each and freeing it cold was 1.3 allocations a case (dhat) for nothing.
    pub fn spare_line(&mut self) -> String {
        self.recycling = true;
        self.spare.pop().unwrap_or_default()
    }

    /// Requests queued or in flight.
    pub fn pending(&self) -> usize {
        self.queued.len() + self.in_flight.len()
    }

    /// The next reply or fault, in request order; [`Event::Exhausted`] once when restarts ran
    /// out; `None` when nothing is pending.
    pub fn next_event(&mut self) -> Option<Event<T, R>> {
        if self.adapter.is_none() {
            if self.queued.is_empty() {
                return None;
            }
            // Restart lazily, so a caller that stops after a fault (--max-fail) starts nothing.
            if let Some(reason) = self.restart() {
                let unanswered = self.queued.drain(..).map(|(tag, _)| tag).collect();
                return Some(Event::Exhausted { reason, unanswered });
            }
        }
        let adapter = self.adapter.as_mut()?;
        // Refilled in batches, once half the window is answered: one write and one wake-up of
        // the adapter per batch, not per request, while half a window still keeps it busy.
        if self.in_flight.len() <= self.options.window / 2 {
            let lines = &mut self.batch;
            lines.clear();
            while self.in_flight.len() < self.options.window {
                let Some((tag, request)) = self.queued.pop_front() else {
                    break;
                };
                self.seq += 1;
                if !lines.is_empty() {
                    lines.push('\n');
                }
                request.write_line(self.seq, lines);
                self.in_flight.push_back((self.seq, tag, request));
            }
            if !lines.is_empty() {
                adapter.send_lines(lines);
            }
        }
        let expected = self.in_flight.front().map(|(seq, _, _)| *seq)?;
        let (kind, message, actual) = match adapter.receive_as::<R>(self.options.timeout) {
            Received::Reply(reply) if reply.seq() == Some(expected) => {
                let (_, tag, Encoded(mut request)) = self.in_flight.pop_front()?;
                if self.recycling && self.spare.len() < SPARE_KEPT {
                    request.clear();
                    self.spare.push(request);
                }
                return Some(Event::Reply { tag, reply });
            }
            Received::Reply(reply) => {
                let reply = reply.into_value();
                (
                    FaultKind::Protocol,
                    format!(
                        "protocol error: {}, expected {expected} (replies must come in request order \
                         and echo the request's seq): {}",
                        describe_seq(reply.get("seq")),
                        clip(&reply.to_string(), 200)
                    ),
                    reply,
                )
            }
            Received::Garbage(what) => (
                FaultKind::Protocol,
                format!("protocol error: the adapter wrote {what}"),
                Value::Null,
            ),
            Received::Eof(status) => (
                FaultKind::Crash,
                match status {
                    Some(status) => format!("the adapter exited ({status}) before replying"),
                    None => "the adapter closed stdout before replying".to_owned(),
                },
                Value::Null,
            ),
            Received::ExitedHoldingStdout(status) => (
                FaultKind::Crash,
                format!(
                    "the adapter exited ({status}) before replying, and a process it started \
                     still holds its stdout"
                ),
                Value::Null,
            ),
            Received::Timeout => (
                FaultKind::Timeout,
                format!(
                    "no reply within {:.1} s (--timeout)",
                    self.options.timeout.as_secs_f64()
                ),
                Value::Null,
            ),
        };
        let stderr = adapter.kill_and_collect_stderr();
        self.adapter = None;
        let (_, tag, _) = self.in_flight.pop_front()?;
        // What was in flight behind the fault was lost with the process: send it again.
        while let Some((_, tag, request)) = self.in_flight.pop_back() {
            self.queued.push_front((tag, request));
        }
        let fault = Fault {
            kind,
            message: format!("{message}; the adapter was killed"),
            actual,
            stderr,
        };
        Some(Event::Fault { tag, fault })
    }

    /// Restarts after a fault, replaying the handshake; a failed restart uses up a restart too.
    /// `Some(reason)` when restarts ran out.
    fn restart(&mut self) -> Option<String> {
        let mut last_error = None;
        while self.restarts < self.options.max_restarts {
            self.restarts += 1;
            match Adapter::start(
                &self.command,
                self.options.handshake_timeout,
                Arc::clone(&self.options.scrubber),
            ) {
                Ok(adapter) => {
                    self.adapter = Some(adapter);
                    return None;
                }
                Err(error) => last_error = Some(error),
            }
        }
        Some(match last_error {
            Some(error) => format!("the adapter could not be restarted after a fault: {error}"),
            None => format!(
                "the adapter faulted after {} restart(s); the remaining cases were not run",
                self.restarts
            ),
        })
    }

    /// Ends the session: `stop` to the adapter, then its process group is killed. Returns the
    /// tags of requests that were never answered, in order.
    pub fn finish(mut self) -> Vec<T> {
        if let Some(adapter) = self.adapter.take() {
            adapter.stop();
        }
        self.in_flight
            .drain(..)
            .map(|(_, tag, _)| tag)
            .chain(self.queued.drain(..).map(|(tag, _)| tag))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The spliced line is the request with its `seq`, for empty requests too.
    #[test]
    fn a_request_line_is_the_request_with_its_seq() {
        for request in [
            json!({}),
            json!({"cmd": "user_hash", "secret": "s\"}{", "user_id": 1}),
        ] {
            let request = request.as_object().expect("object").clone();
            let line = request_line(&request, 7);
            let sent: Value = serde_json::from_str(&line).expect("the line is JSON");
            let mut expected = request;
            expected.insert("seq".into(), json!(7));
            assert_eq!(sent, Value::Object(expected), "{line}");
        }
    }

    /// An answered request's string is handed out again, empty, once a caller asks for spares;
    /// a caller that never asks (`run`) keeps none.
    #[cfg(unix)]
    #[test]
    fn answered_requests_strings_are_reused_once_asked_for() {
        let echo_seq = r#"read -r start; echo '{"ok":true,"implementation":{"name":"t","language":"sh","version":"1"}}'
            while read -r line; do seq=${line#*'"seq":'}; seq=${seq%%,*}; echo "{\"seq\":$seq}"; done"#;
        let command = AdapterCommand {
            argv: vec!["sh".into(), "-c".into(), echo_seq.into()],
        };
        for asks in [false, true] {
            let mut session: Session<u64> =
                Session::start(&command, SessionOptions::default()).expect("the handshake");
            let request = r#"{"cmd":"user_hash","secret":"a somewhat long secret"}"#;
            for tag in 0..3 {
                let mut line = if asks {
                    session.spare_line()
                } else {
                    String::new()
                };
                line.push_str(request);
                session.push_json(tag, line);
            }
            let mut replies = 0;
            while let Some(event) = session.next_event() {
                assert!(matches!(event, Event::Reply { .. }), "{event:?}");
                replies += 1;
            }
            assert_eq!(replies, 3);
            if asks {
                let spare = session.spare_line();
                assert!(spare.is_empty() && spare.capacity() >= request.len());
            } else {
                assert!(session.spare.is_empty());
            }
            session.finish();
        }
    }
}
