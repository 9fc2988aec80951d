//! The adapter process: spawning, the protocol's pipes and threads, timeouts, killing.
//!
//! Four threads per process: a writer feeding stdin from a channel (so a port that stops
//! reading never blocks the checker), a reader cutting stdout into lines of at most
//! [`MAX_LINE`] bytes (it stops reading at the first longer one, so endless output costs no
//! memory), a drain keeping the last [`STDERR_TAIL`] bytes of stderr in a ring buffer (so a
//! port that floods stderr never stalls), and a waiter that reports the process's exit (see
//! [`crate::process`]). Lines are parsed as JSON by the receiver, one at a time, so the memory
//! in flight is bounded by [`EVENTS_IN_FLIGHT`] batches of raw lines (each what one read of
//! the pipe's buffer held, or one line up to [`MAX_LINE`]).

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
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

/// Something the reader or the waiter saw.
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

/// What waiting for a reply produced.
#[derive(Debug)]
pub enum Received {
    /// A JSON line.
    Reply(Value),
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

/// A running adapter.
pub struct Adapter {
    process: Process,
    writer: Option<Sender<String>>,
    events: Receiver<Event>,
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
        let (program, args) = command
            .argv
            .split_first()
            .ok_or_else(|| StartError::Spawn("no adapter command given after --".into()))?;
        let (event_tx, events) = mpsc::sync_channel(EVENTS_IN_FLIGHT);
        let exit_tx = event_tx.clone();
        let (process, pipes) = Process::spawn(
            Command::new(program)
                .args(args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped()),
            move |status| {
                let _ = exit_tx.send(Event::Exited(status));
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
        spawn_reader(pipes.stdout, event_tx);
        let writer = spawn_writer(pipes.stdin);
        let mut adapter = Adapter {
            process,
            writer: Some(writer),
            events,
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

    /// Queues one request line (written by the writer thread).
    pub fn send(&mut self, request: &Value) {
        self.send_lines(request.to_string());
    }

    /// Queues request lines, `\n`-separated without the last `\n`, to go out in one write.
    pub fn send_lines(&mut self, lines: String) {
        if let Some(writer) = &self.writer {
            // A send error means the writer stopped (broken pipe); the reader will see EOF.
            let _ = writer.send(lines);
        }
    }

    /// Waits up to `timeout` for the next line on stdout, and parses it.
    pub fn receive(&mut self, timeout: Duration) -> Received {
        // Lines already received are answered without reading the clock.
        let mut deadline: Option<Instant> = None;
        loop {
            while let Some(line) = self.lines.pop_front() {
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue; // blank lines are ignored
                }
                return parse_line(&self.scrubber.scrub_bytes(&line));
            }
            let until = *deadline.get_or_insert_with(|| {
                let now = Instant::now();
                match self.exited {
                    Some(_) => now + timeout.min(EXIT_GRACE),
                    None => now + timeout,
                }
            });
            let event = match self.deferred.take() {
                Some(event) => Ok(event),
                None => self
                    .events
                    .recv_timeout(until.saturating_duration_since(Instant::now())),
            };
            match event {
                Ok(Event::Lines(lines)) => {
                    self.lines = lines;
                    // Every batch already waiting comes along: the reader, parked on a full
                    // channel, is then woken once for all of them rather than once each.
                    while let Ok(event) = self.events.try_recv() {
                        match event {
                            Event::Lines(more) => self.lines.extend(more),
                            other => {
                                self.deferred = Some(other);
                                break;
                            }
                        }
                    }
                }
                Ok(Event::TooLong) => {
                    return Received::Garbage(format!(
                        "a line longer than {MAX_LINE} bytes (the limit); the rest was not read"
                    ))
                }
                Ok(Event::Eof) | Err(RecvTimeoutError::Disconnected) => {
                    // The exit status usually follows the end of stdout by a moment.
                    if self.exited.is_none() {
                        if let Ok(Event::Exited(status)) =
                            self.events.recv_timeout(Duration::from_millis(100))
                        {
                            self.exited = Some(status);
                        }
                    }
                    return Received::Eof(self.exited.clone());
                }
                Ok(Event::Exited(status)) => {
                    // What it wrote before exiting may still be in the pipe: a short grace.
                    self.exited = Some(status);
                    deadline = Some(until.min(Instant::now() + EXIT_GRACE));
                }
                Err(RecvTimeoutError::Timeout) => {
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
        self.writer = None;
        self.process.kill();
    }

    /// Sends `stop`, closes stdin, and waits (up to 2 s) for the adapter to exit, then kills
    /// whatever is left of its process group.
    pub fn stop(mut self) {
        self.send(&json!({"cmd": "stop"}));
        self.writer = None;
        if let Some(Event::Exited(status)) = self.deferred.take() {
            self.exited = Some(status);
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        while self.exited.is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(Event::Exited(status)) => self.exited = Some(status),
                Ok(_) => {}
                Err(_) => break,
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

fn spawn_writer(stdin: ChildStdin) -> Sender<String> {
    let (tx, rx) = mpsc::channel::<String>();
    thread::spawn(move || {
        // Every line queued by the time the writer wakes goes out in one write: a pipelined
        // session queues requests faster than one `write(2)` each (two, unbuffered: line and
        // newline) could carry them, and each write wakes the adapter.
        let mut stdin = io::BufWriter::with_capacity(64 * 1024, stdin);
        while let Ok(first) = rx.recv() {
            let mut line = Some(first);
            while let Some(next) = line {
                if stdin.write_all(next.as_bytes()).is_err() || stdin.write_all(b"\n").is_err() {
                    return;
                }
                line = rx.try_recv().ok();
            }
            if stdin.flush().is_err() {
                return;
            }
        }
        // Dropping stdin closes the pipe: the adapter sees EOF.
    });
    tx
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

/// Reads up to and excluding the next `\n` into `line`, holding at most `max` bytes: past that
/// it stops at once, without reading (or buffering) the rest.
pub fn read_capped_line(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    max: usize,
) -> io::Result<LineRead> {
    line.clear();
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
        let (chunk, complete) = match available.iter().position(|byte| *byte == b'\n') {
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

/// Lines sent to the receiver in one event at most.
const LINES_PER_EVENT: usize = 256;

fn spawn_reader(stdout: impl Read + Send + 'static, events: SyncSender<Event>) {
    thread::spawn(move || {
        let mut reader = BufReader::with_capacity(64 * 1024, stdout);
        let mut line = Vec::new();
        loop {
            // The first line may wait for the adapter; the lines already in the buffer behind
            // it go in the same event, so a pipelined session wakes its receiver once per read,
            // not once per reply. A batch holds at most one line longer than the buffer.
            let mut lines = VecDeque::new();
            let end = loop {
                match read_capped_line(&mut reader, &mut line, MAX_LINE) {
                    Ok(LineRead::Line) => lines.push_back(std::mem::take(&mut line)),
                    Ok(LineRead::TooLong) => break Some(Event::TooLong),
                    Ok(LineRead::Eof) | Err(_) => break Some(Event::Eof),
                }
                if lines.len() == LINES_PER_EVENT || !reader.buffer().contains(&b'\n') {
                    break None;
                }
            };
            if !lines.is_empty() && events.send(Event::Lines(lines)).is_err() {
                return;
            }
            if let Some(end) = end {
                let _ = events.send(end);
                return;
            }
        }
    });
}

/// Parses one line of stdout (without its `\n`), as the receiver does. Public for the `reply`
/// fuzz target.
pub fn parse_line(line: &[u8]) -> Received {
    let Ok(text) = std::str::from_utf8(line) else {
        return Received::Garbage(format!(
            "a line that is not UTF-8: {}",
            clip(&String::from_utf8_lossy(line), 200)
        ));
    };
    let text = text.strip_suffix('\r').unwrap_or(text);
    match serde_json::from_str::<Value>(text) {
        Ok(value) => Received::Reply(value),
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

    #[test]
    fn lines_are_capped_without_reading_past_the_cap() {
        let mut input =
            io::Cursor::new(b"short\nexactly-10\nway too long for ten\nnever read\n".to_vec());
        let mut reader = BufReader::with_capacity(4, &mut input);
        let mut line = Vec::new();
        assert_eq!(
            read_capped_line(&mut reader, &mut line, 10).expect("read"),
            LineRead::Line
        );
        assert_eq!(line, b"short");
        assert_eq!(
            read_capped_line(&mut reader, &mut line, 10).expect("read"),
            LineRead::Line
        );
        assert_eq!(line, b"exactly-10");
        assert_eq!(
            read_capped_line(&mut reader, &mut line, 10).expect("read"),
            LineRead::TooLong
        );
        assert!(line.len() <= 10);
        // An endless line without a newline: the cap, not the input, bounds the memory.
        let mut endless = io::repeat(b'x').take(u64::MAX);
        let mut reader = BufReader::with_capacity(64 * 1024, &mut endless);
        assert_eq!(
            read_capped_line(&mut reader, &mut line, MAX_LINE).expect("read"),
            LineRead::TooLong
        );
        assert!(line.capacity() <= 2 * MAX_LINE);
        // A last line without a newline is a line; then the end.
        let mut last = io::Cursor::new(b"tail".to_vec());
        let mut reader = BufReader::new(&mut last);
        assert_eq!(
            read_capped_line(&mut reader, &mut line, 10).expect("read"),
            LineRead::Line
        );
        assert_eq!(line, b"tail");
        assert_eq!(
            read_capped_line(&mut reader, &mut line, 10).expect("read"),
            LineRead::Eof
        );
    }
}
