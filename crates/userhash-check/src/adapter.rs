//! The adapter process: spawning, the protocol's pipes and threads, timeouts, killing.
//!
//! Three threads per process: a writer feeding stdin from a channel (so a port that stops
//! reading never blocks the checker), a reader turning stdout lines into events, and a drain
//! keeping the last [`STDERR_TAIL`] bytes of stderr in a ring buffer (so a port that floods
//! stderr never stalls). The process runs in its own process group, killed whole (on Unix;
//! on Windows the adapter process alone is killed).

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read, Write};
#[cfg(unix)]
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{json, Value};

/// The protocol version this checker speaks.
pub const PROTOCOL_VERSION: u64 = 1;
/// How many bytes of stderr are kept (the tail).
pub const STDERR_TAIL: usize = 4096;
/// Longest accepted reply line.
pub const MAX_LINE: usize = 1 << 20;

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

/// Something the reader saw on stdout.
#[derive(Debug)]
pub enum Event {
    /// A complete line, parsed.
    Reply(Value),
    /// A line that is not JSON (or not UTF-8, or too long).
    Garbage(String),
    /// stdout closed.
    Eof,
}

/// What waiting for a reply produced.
#[derive(Debug)]
pub enum Received {
    /// A JSON line.
    Reply(Value),
    /// A line that is not JSON.
    Garbage(String),
    /// stdout closed: the adapter exited or crashed.
    Eof,
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
    child: Child,
    writer: Option<Sender<String>>,
    events: Receiver<Event>,
    stderr: Arc<Mutex<Ring>>,
    /// Signalled (or disconnected) when the stderr drain has read to the end.
    stderr_done: Receiver<()>,
    /// What the handshake said.
    pub implementation: Implementation,
}

impl Adapter {
    /// Spawns the command in a new process group and performs the handshake.
    pub fn start(
        command: &AdapterCommand,
        handshake_timeout: Duration,
    ) -> Result<Adapter, StartError> {
        let (program, args) = command
            .argv
            .split_first()
            .ok_or_else(|| StartError::Spawn("no adapter command given after --".into()))?;
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
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
        let (stdin, stdout, stderr) =
            match (child.stdin.take(), child.stdout.take(), child.stderr.take()) {
                (Some(i), Some(o), Some(e)) => (i, o, e),
                _ => {
                    kill_group(&mut child);
                    return Err(StartError::Spawn("cannot open the adapter's pipes".into()));
                }
            };
        let ring = Arc::new(Mutex::new(Ring::default()));
        let stderr_done = spawn_drain(stderr, Arc::clone(&ring));
        let (event_tx, events) = mpsc::sync_channel(256);
        spawn_reader(stdout, event_tx);
        let writer = spawn_writer(stdin);
        let mut adapter = Adapter {
            child,
            writer: Some(writer),
            events,
            stderr: ring,
            stderr_done,
            implementation: Implementation {
                name: String::new(),
                language: String::new(),
                version: String::new(),
                homepage: None,
                features: Vec::new(),
            },
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
                format!(
                    "handshake failed: the adapter's first line is not JSON: {}",
                    clip(&line, 200)
                ),
            )),
            Received::Eof => {
                let status = adapter
                    .child
                    .wait()
                    .ok()
                    .map(|s| s.to_string())
                    .unwrap_or_default();
                Err(fail(
                    &mut adapter,
                    format!("handshake failed: the adapter exited before answering {{\"cmd\":\"start\"}} ({status})"),
                ))
            }
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
        if let Some(writer) = &self.writer {
            // A send error means the writer stopped (broken pipe); the reader will see EOF.
            let _ = writer.send(request.to_string());
        }
    }

    /// Waits up to `timeout` for the next line on stdout.
    pub fn receive(&mut self, timeout: Duration) -> Received {
        match self.events.recv_timeout(timeout) {
            Ok(Event::Reply(value)) => Received::Reply(value),
            Ok(Event::Garbage(line)) => Received::Garbage(line),
            Ok(Event::Eof) | Err(RecvTimeoutError::Disconnected) => Received::Eof,
            Err(RecvTimeoutError::Timeout) => Received::Timeout,
        }
    }

    /// The last [`STDERR_TAIL`] bytes of stderr.
    pub fn stderr_tail(&self) -> String {
        self.stderr
            .lock()
            .map(|ring| ring.tail())
            .unwrap_or_default()
    }

    /// Kills the adapter's process group, then returns its stderr tail once the drain has read
    /// what the adapter wrote before dying (waiting at most 500 ms, in case a child that
    /// escaped the group keeps the pipe open).
    pub fn kill_and_collect_stderr(&mut self) -> String {
        self.kill();
        let _ = self.stderr_done.recv_timeout(Duration::from_millis(500));
        self.stderr_tail()
    }

    /// Kills the adapter's whole process group and reaps it.
    pub fn kill(&mut self) {
        self.writer = None;
        kill_group(&mut self.child);
    }

    /// Sends `stop`, closes stdin, and waits briefly for the adapter to exit before killing
    /// whatever is left of its process group.
    pub fn stop(mut self) {
        self.send(&json!({"cmd": "stop"}));
        self.writer = None;
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            thread::sleep(Duration::from_millis(10));
        }
        kill_group(&mut self.child);
    }
}

impl Drop for Adapter {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            kill_group(&mut self.child);
        }
    }
}

/// Windows has no process groups to kill through: there `process_group` does nothing, so
/// [`Adapter::start`] reads the same on every platform.
#[cfg(not(unix))]
trait CommandExt {
    fn process_group(&mut self, pgroup: i32) -> &mut Self;
}

#[cfg(not(unix))]
impl CommandExt for Command {
    fn process_group(&mut self, _pgroup: i32) -> &mut Self {
        self
    }
}

/// `kill -KILL -PGID`, then a direct kill and a reap: the adapter was spawned as the leader of
/// its own process group, so its children (`go run`, shells) die with it.
#[cfg(unix)]
fn kill_group(child: &mut Child) {
    let pgid = child.id();
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pgid}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

/// Windows: a direct kill (`TerminateProcess`) and a reap. Only the adapter process itself
/// dies; a process it started (`go run`'s program, a shell's command) may outlive it.
#[cfg(not(unix))]
fn kill_group(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn spawn_writer(mut stdin: ChildStdin) -> Sender<String> {
    let (tx, rx) = mpsc::channel::<String>();
    thread::spawn(move || {
        for line in rx {
            if stdin.write_all(line.as_bytes()).is_err()
                || stdin.write_all(b"\n").is_err()
                || stdin.flush().is_err()
            {
                return;
            }
        }
        // Dropping stdin closes the pipe: the adapter sees EOF.
    });
    tx
}

fn spawn_reader(stdout: impl Read + Send + 'static, events: SyncSender<Event>) {
    thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut line = Vec::new();
            let read = (&mut reader)
                .take(MAX_LINE as u64 + 1)
                .read_until(b'\n', &mut line);
            let event = match read {
                Ok(0) | Err(_) => {
                    let _ = events.send(Event::Eof);
                    return;
                }
                Ok(_) if line.last() != Some(&b'\n') && line.len() > MAX_LINE => {
                    // Skip the rest of the oversized line.
                    let mut sink = Vec::new();
                    let _ = reader.read_until(b'\n', &mut sink);
                    Event::Garbage(format!("a line longer than {MAX_LINE} bytes"))
                }
                Ok(_) => parse_line(&line),
            };
            if let Event::Garbage(ref text) = event {
                if text.trim().is_empty() {
                    continue; // blank lines are ignored
                }
            }
            if events.send(event).is_err() {
                return;
            }
        }
    });
}

/// Reads one stdout line (with or without its `\n`) as the reader thread does: JSON that is
/// valid UTF-8 is a reply, anything else garbage (a blank line is `Garbage("")`, which the
/// reader drops). Public for the `reply` fuzz target.
pub fn parse_line(line: &[u8]) -> Event {
    let text = String::from_utf8_lossy(line);
    let trimmed = text.trim_end_matches(['\n', '\r']);
    if trimmed.trim().is_empty() {
        return Event::Garbage(String::new());
    }
    match std::str::from_utf8(line) {
        Ok(_) => match serde_json::from_str::<Value>(trimmed) {
            Ok(value) => Event::Reply(value),
            Err(_) => Event::Garbage(trimmed.to_owned()),
        },
        Err(_) => Event::Garbage(format!("{trimmed} (not UTF-8)")),
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
        assert!(matches!(parse_line(b"{\"seq\":1}\n"), Event::Reply(_)));
        assert!(matches!(parse_line(b"nope\n"), Event::Garbage(_)));
        assert!(matches!(parse_line(b"\xff\xfe\n"), Event::Garbage(_)));
    }
}
