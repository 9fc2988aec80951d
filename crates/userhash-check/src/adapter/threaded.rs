//! The portable way to drive the pipes: a writer thread feeding stdin from a channel (so a port
//! that stops reading never blocks the checker) and a reader thread cutting stdout into lines,
//! both handing over through channels. Used where [`super::polled`] is not (Windows), and in
//! tests on every platform, so that it stays exercised.

use std::collections::VecDeque;
use std::io::{self, BufReader, Read, Write};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread;
use std::time::Instant;

use super::{read_capped_line, Event, LineRead, Pipes, LINES_PER_EVENT, MAX_LINE};

/// Stdin and stdout, each served by a thread of its own.
pub(super) struct Threaded {
    writer: Option<Sender<String>>,
    events: Receiver<Event>,
}

impl Threaded {
    /// Starts the threads. `events` is the channel the waiter reports the exit on, too.
    pub(super) fn new(
        stdin: impl Write + Send + 'static,
        stdout: impl Read + Send + 'static,
        (sender, events): (SyncSender<Event>, Receiver<Event>),
    ) -> Threaded {
        spawn_reader(stdout, sender);
        Threaded {
            writer: Some(spawn_writer(stdin)),
            events,
        }
    }
}

impl Pipes for Threaded {
    fn send(&mut self, lines: &str) {
        if let Some(writer) = &self.writer {
            // A send error means the writer stopped (broken pipe); the reader will see EOF.
            let _ = writer.send(lines.to_owned());
        }
    }

    fn close_stdin(&mut self) {
        // The writer writes what is queued, then drops stdin.
        self.writer = None;
    }

    fn next(&mut self, until: Option<Instant>) -> Option<Event> {
        match until {
            None => self.events.try_recv().ok(),
            // Disconnected: the reader and the waiter have said all they will.
            Some(until) => self
                .events
                .recv_timeout(until.saturating_duration_since(Instant::now()))
                .ok(),
        }
    }
}

fn spawn_writer(stdin: impl Write + Send + 'static) -> Sender<String> {
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
