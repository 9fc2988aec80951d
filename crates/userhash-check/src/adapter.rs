//! The adapter process: spawning, the protocol's pipes, timeouts, killing.
//!
//! Stdin and stdout are driven one of two ways (the private `Pipes`): on Unix by the receiving
//! thread itself, non-blocking, waiting in `poll(2)` (`adapter/polled.rs`); elsewhere by a
//! writer and a reader thread (`adapter/threaded.rs`). Either way a port that stops reading
//! never blocks the checker, and stdout is cut into lines of at most [`MAX_LINE`] bytes
//! (reading stops at the first longer one, so endless output costs no memory). Two more
//! threads per process: a drain keeping the last [`STDERR_TAIL`] bytes of stderr in a ring
//! buffer (so a port that floods stderr never stalls), and a waiter that reports the process's
//! exit (see [`crate::process`]). Lines are parsed as JSON by the receiver, one at a time, so
//! the memory in flight is bounded by [`EVENTS_IN_FLIGHT`] batches of raw lines (each at most
//! `LINES_PER_EVENT` lines, or one line up to [`MAX_LINE`]).

#[cfg(unix)]
mod polled;
mod threaded;

use std::collections::VecDeque;
use std::io::{self, BufRead, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{json, Value};

use crate::process::Process;
use crate::scrub::Scrubber;

/// The protocol version this checker speaks.
pub const PROTOCOL_VERSION: u64 = 1;
/// How many bytes of stderr are kept (the tail).
pub const STDERR_TAIL: usize = 4096;
/// Longest accepted reply line.
pub const MAX_LINE: usize = 1 << 20;
/// Lines read ahead of the receiver, at most: the reader blocks beyond that, so a port that
/// floods stdout holds at most this many [`MAX_LINE`]s of the checker's memory.
pub const EVENTS_IN_FLIGHT: usize = 8;
/// Deepest JSON nesting a reply may have (serde_json's limit, named in messages).
pub const MAX_DEPTH: usize = 128;
/// After the adapter exits, how long to wait for what it wrote before it did.
const EXIT_GRACE: Duration = Duration::from_millis(250);

/// What the adapter said about itself in the handshake.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Implementation {
    /// Name, e.g. `userhash-python`.
    pub name: String,
    /// Language, e.g. `python`.
    pub language: String,
    /// Version of the implementation or its runtime.
    pub version: String,
    /// Where to read more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
    /// Optional features, e.g. `verify`.
    pub features: Vec<String>,
}

impl Implementation {
    /// Whether the adapter declared `feature`.
    pub fn has_feature(&self, feature: &str) -> bool {
        self.features.iter().any(|f| f == feature)
    }

    /// The implementation of an adapter that never answered the handshake.
    pub fn unknown() -> Implementation {
        Implementation {
            name: "unknown (no handshake)".to_owned(),
            language: "unknown".to_owned(),
            version: "unknown".to_owned(),
            homepage: None,
            features: Vec::new(),
        }
    }

    /// Reads the handshake reply.
    pub fn from_handshake(reply: &Value) -> Result<Implementation, String> {
        let object = reply
            .as_object()
            .ok_or_else(|| format!("the handshake reply is not a JSON object: {reply}"))?;
        match object.get("ok") {
            Some(Value::Bool(true)) => {}
            Some(Value::Bool(false)) => {
                let why = object
                    .get("error")
                    .map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_owned))
                    .unwrap_or_else(|| "no reason given".into());
                return Err(format!("the adapter refused the handshake: {why}"));
            }
            _ => {
                return Err(format!(
                    "the handshake reply needs \"ok\": true or false; got {reply}"
                ))
            }
        }
        let info = object
            .get("implementation")
            .and_then(Value::as_object)
            .ok_or("the handshake reply has no \"implementation\" object")?;
        let text = |key: &str| -> Result<String, String> {
            info.get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| format!("implementation.{key} must be a string"))
        };
        let features = match info.get("features") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|f| {
                    f.as_str()
                        .map(str::to_owned)
                        .ok_or("implementation.features must be a list of strings")
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("implementation.features must be a list of strings".into()),
        };
        Ok(Implementation {
            name: text("name")?,
            language: text("language")?,
            version: text("version")?,
            homepage: info
                .get("homepage")
                .and_then(Value::as_str)
                .map(str::to_owned),
            features,
        })
    }
}

/// The command to start, and where.
#[derive(Clone, Debug)]
pub struct AdapterCommand {
    /// Program and arguments.
    pub argv: Vec<String>,
}

impl AdapterCommand {
    /// The command as typed, for messages.
    pub fn display(&self) -> String {
        self.argv.join(" ")
    }
}

/// Why the adapter could not be used at all.
#[derive(Debug)]
pub enum StartError {
    /// The program could not be started.
    Spawn(String),
    /// The handshake failed, was refused, or timed out.
    Handshake {
        /// What went wrong.
        message: String,
        /// The tail of stderr.
        stderr: String,
    },
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Spawn(message) => f.write_str(message),
            StartError::Handshake { message, stderr } => {
                f.write_str(message)?;
                if !stderr.trim().is_empty() {
                    write!(
                        f,
                        "\nlast lines of the adapter's stderr:\n{}",
                        indent(stderr)
                    )?;
                }
                Ok(())
            }
        }
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("  | {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Something stdout or the waiter brought.
#[derive(Debug)]
enum Event {
    /// Complete lines, without their `\n`: every line already read when the first arrived.
    Lines(VecDeque<Vec<u8>>),
    /// A line longer than [`MAX_LINE`]; the reader stopped reading there.
    TooLong,
    /// stdout closed.
    Eof,
    /// The adapter process exited (its status, in words).
    Exited(String),
}

/// What waiting for a reply produced: the reply read as `R` (a JSON tree by default).
#[derive(Debug)]
pub enum Received<R = Value> {
    /// A JSON line.
    Reply(R),
    /// A line that is not JSON, not UTF-8, nested too deeply, or too long, described.
    Garbage(String),
    /// stdout closed: the adapter exited or crashed (with its exit status, when known).
    Eof(Option<String>),
    /// The adapter exited, but stdout stays open: a process it started holds it.
    ExitedHoldingStdout(String),
    /// Nothing within the timeout.
    Timeout,
}

/// The last bytes of a stream.
#[derive(Debug, Default)]
pub struct Ring {
    bytes: VecDeque<u8>,
    total: u64,
}

impl Ring {
    /// Appends, dropping the oldest bytes beyond [`STDERR_TAIL`].
    pub fn push(&mut self, chunk: &[u8]) {
        self.total += chunk.len() as u64;
        let chunk = &chunk[chunk.len().saturating_sub(STDERR_TAIL)..];
        let overflow = (self.bytes.len() + chunk.len()).saturating_sub(STDERR_TAIL);
        self.bytes.drain(..overflow.min(self.bytes.len()));
        self.bytes.extend(chunk);
    }

    /// The kept tail, lossily decoded, starting at a line boundary when it was cut.
    pub fn tail(&self) -> String {
        let bytes: Vec<u8> = self.bytes.iter().copied().collect();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if self.total > self.bytes.len() as u64 {
            let start = text.find('\n').map_or(0, |i| i + 1);
            format!(
                "[… earlier output dropped; {} bytes of stderr in all]\n{}",
                self.total,
                &text[start..]
            )
        } else {
            text
        }
    }
}

/// Lines handed to the receiver in one [`Event`] at most.
const LINES_PER_EVENT: usize = 256;

/// The adapter's stdin and stdout as the receiver uses them: request lines go out, [`Event`]s
/// come in, the waiter's exit report among them.
trait Pipes {
    /// Queues request lines (`\n`-separated, without the last `\n`) to go out together.
    fn send(&mut self, lines: &str);
    /// Closes stdin once what is queued went out (as far as the pipe takes it): the adapter
    /// sees EOF.
    fn close_stdin(&mut self);
    /// The next event, waiting until `until`; `None` when nothing came by then, or nothing more
    /// ever will. With `until` `None`, only what has already arrived, without waiting (and,
    /// where the pipes allow, without a system call).
    fn next(&mut self, until: Option<Instant>) -> Option<Event>;
    /// A line [`Pipes::next`] handed out, once parsed, to read another into: explore reads
    /// hundreds of thousands of replies a second, and one allocation each was a hundred
    /// instructions a reply (callgrind). Dropped where the pipes keep none.
    fn give_back(&mut self, _line: Vec<u8>) {}
}

/// How to drive the pipes: [`Drive::Polled`] on Unix, [`Drive::Threaded`] elsewhere; tests run both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Drive {
    /// The receiving thread reads and writes, non-blocking, waiting in `poll(2)`.
    #[cfg(unix)]
    Polled,
    /// A reader and a writer thread.
    #[cfg_attr(unix, allow(dead_code))] // on Unix, only the tests use it
    Threaded,
}

impl Drive {
    #[cfg(unix)]
    const PLATFORM: Drive = Drive::Polled;
    #[cfg(not(unix))]
    const PLATFORM: Drive = Drive::Threaded;
}

/// A running adapter.
pub struct Adapter {
    process: Process,
    pipes: Box<dyn Pipes>,
    /// Lines received and not yet parsed, oldest first.
    lines: VecDeque<Vec<u8>>,
    /// An event taken from the channel behind a batch of lines, handled once they are.
    deferred: Option<Event>,
    /// How the process ended, once the waiter said so.
    exited: Option<String>,
    stderr: Arc<Mutex<Ring>>,
    /// Signalled (or disconnected) when the stderr drain has read to the end.
    stderr_done: Receiver<()>,
    /// Private secrets, removed from stdout lines and the stderr tail as they are read.
    scrubber: Arc<Scrubber>,
    /// What the handshake said.
    pub implementation: Implementation,
}

impl Adapter {
    /// Spawns the command in a new process group and performs the handshake. Everything the
    /// adapter writes passes through `scrubber` before the checker reads it.
    pub fn start(
        command: &AdapterCommand,
        handshake_timeout: Duration,
        scrubber: Arc<Scrubber>,
    ) -> Result<Adapter, StartError> {
        Adapter::start_with(command, handshake_timeout, scrubber, Drive::PLATFORM)
    }

    fn start_with(
        command: &AdapterCommand,
        handshake_timeout: Duration,
        scrubber: Arc<Scrubber>,
        drive: Drive,
    ) -> Result<Adapter, StartError> {
        let (program, args) = command
            .argv
            .split_first()
            .ok_or_else(|| StartError::Spawn("no adapter command given after --".into()))?;
        let (event_tx, events) = mpsc::sync_channel(EVENTS_IN_FLIGHT);
        let exit_tx = event_tx.clone();
        // The waiter's report also wakes a receiver waiting in poll (Unix), with a byte. A
        // socket pair from std is close-on-exec, so the adapter does not inherit it (a plain
        // pipe(2) would be, and a child of the adapter would hold it open).
        #[cfg(unix)]
        let (wake, mut poke) = std::os::unix::net::UnixStream::pair().map_err(|e| {
            StartError::Spawn(format!(
                "cannot make a socket pair to watch the adapter with: {e}"
            ))
        })?;
        let (process, pipes) = Process::spawn(
            Command::new(program)
                .args(args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped()),
            move |status| {
                let _ = exit_tx.send(Event::Exited(status));
                #[cfg(unix)]
                let _ = io::Write::write(&mut poke, b"x");
            },
        )
        .map_err(|e| {
            StartError::Spawn(if e.kind() == io::ErrorKind::NotFound {
                format!(
                    "adapter command not found: {program:?} (is it installed and on PATH? \
                     the command is run as given, relative to the current directory)"
                )
            } else {
                format!("cannot start the adapter {program:?}: {e}")
            })
        })?;
        let ring = Arc::new(Mutex::new(Ring::default()));
        let stderr_done = spawn_drain(pipes.stderr, Arc::clone(&ring));
        let pipes: Box<dyn Pipes> = match drive {
            #[cfg(unix)]
            Drive::Polled => {
                drop(event_tx); // only the waiter reports on the channel
                match polled::Polled::new(pipes.stdin, pipes.stdout, events, wake) {
                    Ok(polled) => Box::new(polled),
                    Err(e) => {
                        process.kill();
                        return Err(StartError::Spawn(format!(
                            "cannot make the adapter's pipes non-blocking: {e}"
                        )));
                    }
                }
            }
            Drive::Threaded => Box::new(threaded::Threaded::new(
                pipes.stdin,
                pipes.stdout,
                (event_tx, events),
            )),
        };
        let mut adapter = Adapter {
            process,
            pipes,
            lines: VecDeque::new(),
            deferred: None,
            exited: None,
            stderr: ring,
            stderr_done,
            scrubber,
            implementation: Implementation::unknown(),
        };
        adapter.send(&json!({"cmd": "start", "protocol": PROTOCOL_VERSION}));
        let fail = |adapter: &mut Adapter, message: String| StartError::Handshake {
            message,
            stderr: adapter.kill_and_collect_stderr(),
        };
        match adapter.receive(handshake_timeout) {
            Received::Reply(reply) => match Implementation::from_handshake(&reply) {
                Ok(implementation) => {
                    adapter.implementation = implementation;
                    Ok(adapter)
                }
                Err(message) => Err(fail(&mut adapter, format!("handshake failed: {message}"))),
            },
            Received::Garbage(line) => Err(fail(
                &mut adapter,
                format!("handshake failed: the adapter's first line is not JSON: {line}"),
            )),
            Received::Eof(status) => Err(fail(
                &mut adapter,
                format!(
                    "handshake failed: the adapter exited before answering {{\"cmd\":\"start\"}}{}",
                    status.map(|s| format!(" ({s})")).unwrap_or_default()
                ),
            )),
            Received::ExitedHoldingStdout(status) => Err(fail(
                &mut adapter,
                format!(
                    "handshake failed: the adapter exited ({status}) before answering \
                     {{\"cmd\":\"start\"}}, and a process it started holds its stdout"
                ),
            )),
            Received::Timeout => Err(fail(
                &mut adapter,
                format!(
                    "handshake timed out: no reply to {{\"cmd\":\"start\"}} within {:.1} s. The usual \
                     cause is an adapter that does not flush stdout after each line (Python \
                     print(..., flush=True), Java System.out.flush(), C fflush(stdout)); an adapter \
                     that compiles first (go run, java Adapter.java) may need a longer \
                     --handshake-timeout",
                    handshake_timeout.as_secs_f64()
                ),
            )),
        }
    }

    /// Sends one request line.
    pub fn send(&mut self, request: &Value) {
        self.send_lines(&request.to_string());
    }

    /// Sends request lines, `\n`-separated without the last `\n`, in one write. A broken
    /// pipe is not reported here: the adapter's stdout ends too, and the receiver sees that.
    pub fn send_lines(&mut self, lines: &str) {
        self.pipes.send(lines);
    }

    /// Waits up to `timeout` for the next line on stdout, and parses it into a JSON tree.
    pub fn receive(&mut self, timeout: Duration) -> Received {
        self.receive_as(timeout)
    }

    /// [`Adapter::receive`], reading the reply as `R`.
    pub fn receive_as<R: Decode>(&mut self, timeout: Duration) -> Received<R> {
        // Lines already received are answered without reading the clock.
        let mut deadline: Option<Instant> = None;
        loop {
            while let Some(line) = self.lines.pop_front() {
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue; // blank lines are ignored
                }
                let received = parse_line_as(&self.scrubber.scrub_bytes(&line));
                self.pipes.give_back(line);
                return received;
            }
            let until = *deadline.get_or_insert_with(|| {
                let now = Instant::now();
                match self.exited {
                    Some(_) => now + timeout.min(EXIT_GRACE),
                    None => now + timeout,
                }
            });
            let event = match self.deferred.take() {
                Some(event) => Some(event),
                None => self.pipes.next(Some(until)),
            };
            match event {
                Some(Event::Lines(lines)) => {
                    self.lines = lines;
                    // Every batch already waiting comes along (as many as may be in flight):
                    // a reader thread parked on a full channel is then woken once for all of
                    // them rather than once each.
                    for _ in 1..EVENTS_IN_FLIGHT {
                        match self.pipes.next(None) {
                            Some(Event::Lines(more)) => self.lines.extend(more),
                            Some(other) => {
                                self.deferred = Some(other);
                                break;
                            }
                            None => break,
                        }
                    }
                }
                Some(Event::TooLong) => {
                    return Received::Garbage(format!(
                        "a line longer than {MAX_LINE} bytes (the limit); the rest was not read"
                    ))
                }
                Some(Event::Eof) => {
                    // The exit status usually follows the end of stdout by a moment.
                    if self.exited.is_none() {
                        let moment = Instant::now() + Duration::from_millis(100);
                        if let Some(Event::Exited(status)) = self.pipes.next(Some(moment)) {
                            self.exited = Some(status);
                        }
                    }
                    return Received::Eof(self.exited.clone());
                }
                Some(Event::Exited(status)) => {
                    // What it wrote before exiting may still be in the pipe: a short grace.
                    self.exited = Some(status);
                    deadline = Some(until.min(Instant::now() + EXIT_GRACE));
                }
                None => {
                    return match &self.exited {
                        Some(status) => Received::ExitedHoldingStdout(status.clone()),
                        None => Received::Timeout,
                    }
                }
            }
        }
    }

    /// The last [`STDERR_TAIL`] bytes of stderr, private secrets scrubbed.
    pub fn stderr_tail(&self) -> String {
        let tail = self
            .stderr
            .lock()
            .map(|ring| ring.tail())
            .unwrap_or_default();
        self.scrubber.scrub(&tail).into_owned()
    }

    /// Kills the adapter's process group, then returns its stderr tail once the drain has read
    /// what the adapter wrote before dying (waiting at most 500 ms, in case a child that
    /// escaped the group keeps the pipe open).
    pub fn kill_and_collect_stderr(&mut self) -> String {
        self.kill();
        let _ = self.stderr_done.recv_timeout(Duration::from_millis(500));
        self.stderr_tail()
    }

    /// Kills the adapter's whole process group (and, as a subreaper, what escaped it).
    pub fn kill(&mut self) {
        self.pipes.close_stdin();
        self.process.kill();
    }

    /// Sends `stop`, closes stdin, and waits (up to 2 s) for the adapter to exit, then kills
    /// whatever is left of its process group.
    pub fn stop(mut self) {
        self.send(&json!({"cmd": "stop"}));
        self.pipes.close_stdin();
        if let Some(Event::Exited(status)) = self.deferred.take() {
            self.exited = Some(status);
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        while self.exited.is_none() {
            match self.pipes.next(Some(deadline)) {
                Some(Event::Exited(status)) => self.exited = Some(status),
                Some(_) => {} // what it still writes is not read
                None => break,
            }
        }
        self.process.kill();
    }
}

impl Drop for Adapter {
    fn drop(&mut self) {
        if self.exited.is_none() {
            self.process.kill();
        }
    }
}

/// How reading one line ended.
#[derive(Debug, PartialEq, Eq)]
pub enum LineRead {
    /// A line (possibly the last, without `\n`).
    Line,
    /// A line longer than the cap; nothing past the cap was read.
    TooLong,
    /// The end of the stream.
    Eof,
}

/// Reads up to and excluding the next `\n`, appending to `line`, which then holds at most
/// `max` bytes: past that it stops at once, without reading (or buffering) the rest. Callers
/// clear `line` for each line; a read error (a non-blocking pipe that would block) leaves the
/// start of the line in it, and the next call goes on from there.
pub fn read_capped_line(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    max: usize,
) -> io::Result<LineRead> {
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            // A last line without `\n` still counts as a line.
            return Ok(if line.is_empty() {
                LineRead::Eof
            } else {
                LineRead::Line
            });
        }
        // Found with memchr: a byte at a time, the search was most of reading a reply line
        // (callgrind, explore against the C port: ~400 instructions a reply).
        let (chunk, complete) = match memchr::memchr(b'\n', available) {
            Some(end) => (&available[..end], true),
            None => (available, false),
        };
        if line.len() + chunk.len() > max {
            return Ok(LineRead::TooLong);
        }
        line.extend_from_slice(chunk);
        let used = chunk.len() + usize::from(complete);
        reader.consume(used);
        if complete {
            return Ok(LineRead::Line);
        }
    }
}

/// How a reply line is read: into a JSON tree ([`Value`]), or into a type that reads the
/// common replies without building one (what `explore` does, at a few hundred thousand replies
/// a second). Either way a line is a reply exactly when it is JSON.
pub trait Decode: Sized {
    /// The reply in `text`; an error exactly when `text` is not JSON (or nests deeper than
    /// serde_json's recursion limit).
    fn decode(text: &str) -> serde_json::Result<Self>;
    /// The reply's `seq`, when it is an unsigned 64-bit integer.
    fn seq(&self) -> Option<u64>;
    /// The reply as a JSON tree, as [`Value`] decodes it: what protocol errors show.
    fn into_value(self) -> Value;
}

impl Decode for Value {
    fn decode(text: &str) -> serde_json::Result<Value> {
        serde_json::from_str(text)
    }

    fn seq(&self) -> Option<u64> {
        self.get("seq").and_then(Value::as_u64)
    }

    fn into_value(self) -> Value {
        self
    }
}

/// Parses one line of stdout (without its `\n`), as the receiver does. Public for the `reply`
/// fuzz target.
pub fn parse_line(line: &[u8]) -> Received {
    parse_line_as(line)
}

/// [`parse_line`], reading the reply as `R`.
pub fn parse_line_as<R: Decode>(line: &[u8]) -> Received<R> {
    let Ok(text) = std::str::from_utf8(line) else {
        return Received::Garbage(format!(
            "a line that is not UTF-8: {}",
            clip(&String::from_utf8_lossy(line), 200)
        ));
    };
    let text = text.strip_suffix('\r').unwrap_or(text);
    match R::decode(text) {
        Ok(reply) => Received::Reply(reply),
        Err(error) if error.to_string().starts_with("recursion limit exceeded") => {
            Received::Garbage(format!(
                "a JSON value nested more than {MAX_DEPTH} levels deep: {}",
                clip(text, 80)
            ))
        }
        Err(_) => Received::Garbage(format!("a line that is not JSON: {}", clip(text, 200))),
    }
}

/// Keeps the tail of stderr; the returned channel disconnects when stderr is read to the end.
fn spawn_drain(mut stderr: impl Read + Send + 'static, ring: Arc<Mutex<Ring>>) -> Receiver<()> {
    let (done, finished) = mpsc::channel::<()>();
    thread::spawn(move || {
        // Dropped on every return below, which disconnects `finished`.
        let _done = done;
        let mut buffer = [0u8; 8192];
        loop {
            match stderr.read(&mut buffer) {
                Ok(0) => return,
                Ok(n) => {
                    if let Ok(mut ring) = ring.lock() {
                        ring.push(&buffer[..n]);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return,
            }
        }
    });
    finished
}

/// Shortens text for a message, on a char boundary.
pub fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_keeps_the_tail() {
        let mut ring = Ring::default();
        for i in 0..2000 {
            ring.push(format!("line {i}\n").as_bytes());
        }
        let tail = ring.tail();
        assert!(tail.len() < STDERR_TAIL + 100, "{}", tail.len());
        assert!(tail.ends_with("line 1999\n"));
        assert!(tail.starts_with("[…"));
        let mut big = Ring::default();
        big.push(&vec![b'x'; 100_000]);
        assert!(big.tail().len() < STDERR_TAIL + 100);
        // Invalid UTF-8 grows when decoded; the tail must not panic on it.
        let mut bad = Ring::default();
        bad.push(&vec![0xff; 10_000]);
        assert!(bad.tail().contains("10000 bytes"));
    }

    #[test]
    fn handshake_replies() {
        let ok = json!({"ok": true, "implementation": {"name": "n", "language": "l", "version": "1", "features": ["verify"]}});
        let imp = Implementation::from_handshake(&ok).expect("valid");
        assert!(imp.has_feature("verify"));
        let refused = json!({"ok": false, "error": "nope"});
        assert!(Implementation::from_handshake(&refused)
            .expect_err("refused")
            .contains("nope"));
        assert!(Implementation::from_handshake(&json!([1])).is_err());
        assert!(Implementation::from_handshake(&json!({"ok": true})).is_err());
        assert!(Implementation::from_handshake(
            &json!({"ok": true, "implementation": {"name": "n", "language": "l", "version": "1", "features": [1]}})
        )
        .is_err());
    }

    #[test]
    fn parse_lines() {
        assert!(matches!(parse_line(b"{\"seq\":1}"), Received::Reply(_)));
        assert!(matches!(parse_line(b"{\"seq\":1}\r"), Received::Reply(_)));
        assert!(matches!(parse_line(b"nope"), Received::Garbage(m) if m.contains("not JSON")));
        assert!(matches!(parse_line(b"\xff\xfe"), Received::Garbage(m) if m.contains("not UTF-8")));
        let deep = "[".repeat(100_000);
        assert!(matches!(
            parse_line(deep.as_bytes()),
            Received::Garbage(m) if m.contains("nested more than 128 levels")
        ));
    }

    /// Reads the next line into `line`, as the callers do: cleared first.
    fn next_line(reader: &mut impl BufRead, line: &mut Vec<u8>, max: usize) -> LineRead {
        line.clear();
        read_capped_line(reader, line, max).expect("read")
    }

    #[test]
    fn lines_are_capped_without_reading_past_the_cap() {
        let mut input =
            io::Cursor::new(b"short\nexactly-10\nway too long for ten\nnever read\n".to_vec());
        let mut reader = io::BufReader::with_capacity(4, &mut input);
        let mut line = Vec::new();
        assert_eq!(next_line(&mut reader, &mut line, 10), LineRead::Line);
        assert_eq!(line, b"short");
        assert_eq!(next_line(&mut reader, &mut line, 10), LineRead::Line);
        assert_eq!(line, b"exactly-10");
        assert_eq!(next_line(&mut reader, &mut line, 10), LineRead::TooLong);
        assert!(line.len() <= 10);
        // An endless line without a newline: the cap, not the input, bounds the memory.
        let mut endless = io::repeat(b'x').take(u64::MAX);
        let mut reader = io::BufReader::with_capacity(64 * 1024, &mut endless);
        assert_eq!(
            next_line(&mut reader, &mut line, MAX_LINE),
            LineRead::TooLong
        );
        assert!(line.capacity() <= 2 * MAX_LINE);
        // A last line without a newline is a line; then the end.
        let mut last = io::Cursor::new(b"tail".to_vec());
        let mut reader = io::BufReader::new(&mut last);
        assert_eq!(next_line(&mut reader, &mut line, 10), LineRead::Line);
        assert_eq!(line, b"tail");
        assert_eq!(next_line(&mut reader, &mut line, 10), LineRead::Eof);
    }

    /// A non-blocking pipe that runs dry inside a line: the start is kept, the next call goes
    /// on from there, and the cap counts the whole line.
    #[test]
    fn a_line_read_in_parts_is_one_line() {
        /// Yields its chunks one read at a time, "would block" between them.
        struct Dribble(VecDeque<Option<&'static [u8]>>);
        impl Read for Dribble {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                match self.0.pop_front() {
                    None => Ok(0),
                    Some(None) => Err(io::ErrorKind::WouldBlock.into()),
                    Some(Some(chunk)) => {
                        buf[..chunk.len()].copy_from_slice(chunk);
                        Ok(chunk.len())
                    }
                }
            }
        }
        let chunks = || {
            let parts: [Option<&'static [u8]>; 5] = [
                Some(b"{\"se"),
                None,
                Some(b"q\":1}\n12345"),
                None,
                Some(b"67890\n"),
            ];
            io::BufReader::new(Dribble(parts.into_iter().collect()))
        };
        let would_block = |read: io::Result<LineRead>| matches!(read, Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        let mut reader = chunks();
        let mut line = Vec::new();
        assert!(would_block(read_capped_line(&mut reader, &mut line, 10)));
        assert_eq!(line, b"{\"se");
        assert_eq!(
            read_capped_line(&mut reader, &mut line, 10).expect("read"),
            LineRead::Line
        );
        assert_eq!(line, b"{\"seq\":1}");
        line.clear();
        assert!(would_block(read_capped_line(&mut reader, &mut line, 10)));
        assert_eq!(
            read_capped_line(&mut reader, &mut line, 10).expect("read"),
            LineRead::Line
        );
        assert_eq!(line, b"1234567890");
        // With a cap of 9, the second line is too long though neither part is.
        let mut reader = chunks();
        line.clear();
        assert!(would_block(read_capped_line(&mut reader, &mut line, 9)));
        assert_eq!(
            read_capped_line(&mut reader, &mut line, 9).expect("read"),
            LineRead::Line
        );
        line.clear();
        assert!(would_block(read_capped_line(&mut reader, &mut line, 9)));
        assert_eq!(
            read_capped_line(&mut reader, &mut line, 9).expect("read"),
            LineRead::TooLong
        );
    }

    /// The same adapters, through both ways of driving the pipes: what the receiver sees must
    /// not depend on which one the platform uses.
    #[cfg(unix)]
    mod drives {
        use super::*;

        /// A shell adapter that answers the handshake, then runs `then`.
        fn shell(then: &str) -> AdapterCommand {
            let hello = r#"read -r start; echo '{"ok":true,"implementation":{"name":"t","language":"sh","version":"1"}}'"#;
            AdapterCommand {
                argv: vec!["sh".into(), "-c".into(), format!("{hello}; {then}")],
            }
        }

        fn start(then: &str, drive: Drive) -> Adapter {
            Adapter::start_with(&shell(then), Duration::from_secs(10), Arc::default(), drive)
                .unwrap_or_else(|e| panic!("{drive:?}: the handshake failed: {e}"))
        }

        const DRIVES: [Drive; 2] = [Drive::Polled, Drive::Threaded];

        #[test]
        fn replies_garbage_blank_lines_and_the_end() {
            for drive in DRIVES {
                let mut adapter = start(
                    r#"echo '{"seq":1}'; echo 'not json'; printf '\n  \n{"seq":2}'; exit 3"#,
                    drive,
                );
                let wait = Duration::from_secs(5);
                assert!(
                    matches!(adapter.receive(wait), Received::Reply(r) if r["seq"] == 1),
                    "{drive:?}"
                );
                assert!(
                    matches!(adapter.receive(wait), Received::Garbage(m) if m.contains("not JSON")),
                    "{drive:?}"
                );
                // Blank lines are skipped; a last line without `\n` is a line.
                assert!(
                    matches!(adapter.receive(wait), Received::Reply(r) if r["seq"] == 2),
                    "{drive:?}"
                );
                let end = adapter.receive(wait);
                assert!(
                    matches!(&end, Received::Eof(Some(status)) if status == "exit status 3"),
                    "{drive:?}: {end:?}"
                );
            }
        }

        #[test]
        fn silence_is_a_timeout_and_an_exit_behind_a_held_stdout_is_seen() {
            for drive in DRIVES {
                let mut silent = start("sleep 20", drive);
                let started = Instant::now();
                let got = silent.receive(Duration::from_millis(300));
                assert!(matches!(got, Received::Timeout), "{drive:?}: {got:?}");
                assert!(started.elapsed() >= Duration::from_millis(300), "{drive:?}");
                silent.kill();
                // The shell exits; the sleep it started keeps stdout open.
                let mut held = start("sleep 20 & exit 4", drive);
                let started = Instant::now();
                let got = held.receive(Duration::from_secs(10));
                assert!(
                    matches!(&got, Received::ExitedHoldingStdout(s) if s == "exit status 4"),
                    "{drive:?}: {got:?}"
                );
                assert!(started.elapsed() < Duration::from_secs(5), "{drive:?}");
                held.kill();
            }
        }

        #[test]
        fn an_overlong_line_is_garbage_and_reading_stops() {
            for drive in DRIVES {
                let mut adapter = start(
                    &format!("head -c {} /dev/zero | tr '\\0' x; sleep 20", 2 * MAX_LINE),
                    drive,
                );
                let got = adapter.receive(Duration::from_secs(10));
                assert!(
                    matches!(&got, Received::Garbage(m) if m.contains("longer than")),
                    "{drive:?}: {got:?}"
                );
                adapter.kill();
            }
        }

        /// The checker's thread CPU time, for telling a wait from a spin.
        fn thread_cpu() -> Duration {
            let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
            Duration::new(
                u64::try_from(now.tv_sec).unwrap_or(0),
                u32::try_from(now.tv_nsec).unwrap_or(0),
            )
        }

        /// Waiting sleeps: for a silent port, and after the exit was reported while a child
        /// holds stdout (the waiter's end of its wake-up pipe is closed by then, and a closed
        /// pipe polls ready forever if it is polled again).
        #[test]
        fn waiting_costs_no_cpu() {
            for drive in DRIVES {
                let cases = [
                    ("sleep 20", "timeout", Duration::from_millis(200)),
                    ("sleep 20 & exit 4", "exit", Duration::from_secs(5)),
                ];
                for (then, first, timeout) in cases {
                    let mut adapter = start(then, drive);
                    let got = adapter.receive(timeout);
                    let expected = match got {
                        Received::ExitedHoldingStdout(_) => "exit",
                        Received::Timeout => "timeout",
                        _ => "something else",
                    };
                    assert_eq!(expected, first, "{drive:?}, {then}: {got:?}");
                    let (cpu, wall) = (thread_cpu(), Instant::now());
                    let got = adapter.receive(Duration::from_millis(700));
                    let spent = thread_cpu().saturating_sub(cpu);
                    // After an exit, a wait lasts the grace for what was written before it.
                    let waited = if first == "exit" {
                        EXIT_GRACE
                    } else {
                        Duration::from_millis(700)
                    };
                    assert!(
                        wall.elapsed() >= waited - Duration::from_millis(50),
                        "{drive:?}, {then}: {got:?} after {:?}",
                        wall.elapsed()
                    );
                    assert!(
                        spent < Duration::from_millis(70),
                        "{drive:?}, {then}: {spent:?} of CPU to wait {:?}",
                        wall.elapsed()
                    );
                    adapter.kill();
                }
            }
        }

        /// The adapter does not inherit the socket the waiter wakes the receiver with: a child
        /// of the adapter holding it would keep the receiver from seeing the waiter's end (and
        /// a port has no business with the checker's descriptors). No descriptor the adapter
        /// has is a socket.
        #[cfg(target_os = "linux")]
        #[test]
        fn the_adapter_inherits_no_socket() {
            for drive in DRIVES {
                let mut adapter = start(
                    r#"read -r request; echo "{\"seq\":1,\"fds\":\"$(for fd in /proc/$$/fd/*; do readlink "$fd"; done | tr '\n' ' ')\"}""#,
                    drive,
                );
                adapter.send_lines(r#"{"seq":1,"cmd":"user_hash"}"#);
                let got = adapter.receive(Duration::from_secs(10));
                let Received::Reply(reply) = &got else {
                    panic!("{drive:?}: {got:?}");
                };
                let fds = reply["fds"].as_str().unwrap_or_default();
                assert!(fds.contains("pipe:"), "{drive:?}: {fds}");
                assert!(!fds.contains("socket:"), "{drive:?}: {fds}");
                adapter.kill();
            }
        }

        /// A port that never reads: sending never blocks the checker, and `stop` ends it.
        #[test]
        fn a_port_that_does_not_read_blocks_nothing() {
            for drive in DRIVES {
                let mut adapter = start("sleep 20", drive);
                let started = Instant::now();
                let line = "x".repeat(64 * 1024);
                for _ in 0..32 {
                    adapter.send_lines(&line);
                }
                assert!(started.elapsed() < Duration::from_secs(2), "{drive:?}");
                adapter.stop();
                assert!(started.elapsed() < Duration::from_secs(5), "{drive:?}");
            }
        }

        /// Requests sent go out whole and in order, however much the pipe takes at a time:
        /// batches larger than the pipe, and batches sent while an earlier one is still
        /// queued behind a full pipe.
        #[test]
        fn requests_arrive_whole_and_in_order() {
            for drive in DRIVES {
                // Echoes each request back after the handshake (`read -r` keeps backslashes).
                let mut adapter = start(r#"while read -r line; do echo "$line"; done"#, drive);
                let requests: Vec<String> = (1..=2000)
                    .map(|seq| format!(r#"{{"seq":{seq},"pad":"{}"}}"#, "p".repeat(seq % 97)))
                    .collect();
                // 1,200 requests (more than the pipe holds), then smaller batches behind them.
                let mut from = 0;
                for size in [1200, 1, 7, 92, 300, 400] {
                    adapter.send_lines(&requests[from..from + size].join("\n"));
                    from += size;
                }
                assert_eq!(from, requests.len());
                for seq in 1..=2000u64 {
                    let got = adapter.receive(Duration::from_secs(10));
                    assert!(
                        matches!(&got, Received::Reply(r) if r["seq"] == seq),
                        "{drive:?}: request {seq}: {got:?}"
                    );
                }
                adapter.stop();
            }
        }
    }
}
