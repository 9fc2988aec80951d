//! The Unix way to drive the pipes: the receiving thread writes stdin and reads stdout itself,
//! both non-blocking, and waits in `poll(2)` only when it has nothing else to do.
//!
//! Why not the portable [`super::threaded`] reader and writer: a pipelined adapter flushes each
//! reply, and a reader thread blocked on the pipe is woken by every one of them, then wakes the
//! receiver in turn. Measured with `explore` against the C port, those wake-ups and hand-overs
//! were about a third of the checker's CPU time (docs/PERFORMANCE.md). Read here instead,
//! replies pile up in the pipe while the receiver is busy and are taken in one `read` when it
//! is not; a reply written then wakes nobody.
//!
//! When nothing is ready but the port has many requests queued, the receiver does not even
//! wait in `poll` (which returns at the first reply flushed): it naps for about the time the
//! port takes to answer half of them ([`nap`], at most [`NAP_MAX`]), and takes them in one
//! `read`. The port's pace is measured from the waits themselves.
//!
//! The waiter thread's exit report still comes through a channel; a byte on a socket of its own
//! wakes `poll` for it, so an adapter that exits while a child holds its stdout is seen at once
//! (or, during a nap, when the nap ends).

use std::collections::VecDeque;
use std::io::{self, BufReader, ErrorKind, IoSlice, Read, Write};
use std::os::unix::net::UnixStream;
use std::process::{ChildStdin, ChildStdout};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec};

use super::{read_capped_line, Event, LineRead, Pipes, LINES_PER_EVENT, MAX_LINE};

/// Stdin and stdout, served by whoever calls [`Pipes::next`].
pub(super) struct Polled {
    /// `None` once closed, or once the adapter stopped reading it (broken pipe).
    stdin: Option<ChildStdin>,
    /// Request bytes the pipe has not taken yet: at most a window of requests, since the
    /// session sends no more than that before replies come back.
    outgoing: Vec<u8>,
    /// How much of `outgoing` was written.
    written: usize,
    stdout: BufReader<ChildStdout>,
    /// The start of a line, when a read ended inside it.
    line: Vec<u8>,
    /// Parsed lines handed back, to read the next ones into (see [`Pipes::give_back`]).
    spare_lines: Vec<Vec<u8>>,
    /// How stdout ended (`Eof`, `TooLong`), until that is delivered.
    end: Option<Event>,
    /// Set once stdout is over: it is neither read nor polled again.
    stdout_over: bool,
    /// The waiter's report of the exit.
    exits: Receiver<Event>,
    /// Readable once the waiter has reported; `None` once the report (or the waiter's end)
    /// was seen, so that a closed socket is not polled again and again.
    wake: Option<UnixStream>,
    /// Request lines sent that no reply line has answered yet: the work the port has queued.
    outstanding: usize,
    /// How long the port takes per reply, as last measured while it had work queued.
    pace: Option<Duration>,
    /// When the receiver last found no reply ready and began to wait.
    waiting_since: Option<Instant>,
}

/// Fewer requests than this queued at the port: wait in `poll`, for the first reply.
const NAP_MIN_BACKLOG: usize = 32;
/// Naps shorter than this are not worth a sleep (Linux's default timer slack is 50 µs).
const NAP_MIN: Duration = Duration::from_micros(50);
/// The longest nap: a port that slows down is noticed within this.
const NAP_MAX: Duration = Duration::from_millis(1);
/// Parsed lines kept to read into: a batch's worth.
const SPARE_LINES: usize = LINES_PER_EVENT;
/// Lines with more room than this are dropped rather than kept (a reply is a few hundred bytes).
const SPARE_LINE_BYTES: usize = 4096;

/// How long to sleep before reading again, when nothing is ready but the port has
/// `outstanding` requests queued and answers one per `pace`: long enough for half of them to
/// come, so the port still has the other half to work on when the receiver wakes. `None`:
/// wait in `poll` instead (too little queued, no pace measured yet, or too short to matter).
///
/// Why nap rather than poll: `poll` returns at the first reply a port flushes, so a port
/// slower than the checker woke it for every few replies. Napping took the checker's CPU per
/// case with `explore --verify` down by about a sixth against the C port built to announce
/// only `verify`, an eighth against the full C port and a half against the Python port, with
/// no fewer cases a second (docs/PERFORMANCE.md).
fn nap(outstanding: usize, pace: Option<Duration>, left: Duration) -> Option<Duration> {
    if outstanding < NAP_MIN_BACKLOG {
        return None;
    }
    let half = u32::try_from(outstanding / 2).unwrap_or(u32::MAX);
    let nap = pace?.saturating_mul(half).min(NAP_MAX).min(left);
    (nap >= NAP_MIN).then_some(nap)
}

/// The port's pace after replies came `measured` apart on average, given the last estimate.
fn paced(last: Option<Duration>, measured: Duration, busy_all_along: bool) -> Duration {
    match last {
        // The port answered all it had, and may have idled since: its pace is at most this
        // (so an estimate too slow, which would nap past the port's work, corrects at once).
        Some(last) if !busy_all_along => last.min(measured),
        // Busy all along: averaged with the last estimate, so that one slow reply does not
        // double the next nap.
        Some(last) => last.saturating_mul(3).saturating_add(measured) / 4,
        None => measured,
    }
}

impl Polled {
    /// Puts the pipes in non-blocking mode. `exits` gets the waiter's report, announced by a
    /// byte (or the end) on `wake`.
    pub(super) fn new(
        stdin: ChildStdin,
        stdout: ChildStdout,
        exits: Receiver<Event>,
        wake: UnixStream,
    ) -> io::Result<Polled> {
        rustix::io::ioctl_fionbio(&stdin, true)?;
        rustix::io::ioctl_fionbio(&stdout, true)?;
        wake.set_nonblocking(true)?;
        Ok(Polled {
            stdin: Some(stdin),
            outgoing: Vec::new(),
            written: 0,
            stdout: BufReader::with_capacity(64 * 1024, stdout),
            line: Vec::new(),
            spare_lines: Vec::new(),
            end: None,
            stdout_over: false,
            exits,
            wake: Some(wake),
            outstanding: 0,
            pace: None,
            waiting_since: None,
        })
    }

    /// Writes what the pipe takes now; a broken pipe drops stdin (the reader will see the end).
    fn flush(&mut self) {
        let Some(stdin) = &mut self.stdin else {
            self.outgoing.clear();
            self.written = 0;
            return;
        };
        while self.written < self.outgoing.len() {
            match stdin.write(&self.outgoing[self.written..]) {
                Ok(n) if n > 0 => self.written += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Ok(_) => return,
                Err(_) => {
                    self.stdin = None;
                    break;
                }
            }
        }
        self.outgoing.clear();
        self.written = 0;
    }

    /// The lines stdout has ready now, without waiting, or how it ended. With `read` false,
    /// only what is already in the buffer (no system call).
    fn read_lines(&mut self, read: bool) -> Option<Event> {
        if self.stdout_over {
            return self.end.take();
        }
        let mut lines = VecDeque::new();
        while lines.len() < LINES_PER_EVENT {
            // A read that emptied the buffer most likely emptied the pipe too: the lines go
            // to the receiver now, not after a second read that finds nothing (it was one
            // wasted system call per batch).
            if self.stdout.buffer().is_empty() && (!read || !lines.is_empty()) {
                break;
            }
            // A read that would block leaves the start of a line in `self.line`, and the next
            // read goes on from there.
            let end = match read_capped_line(&mut self.stdout, &mut self.line, MAX_LINE) {
                Ok(LineRead::Line) => {
                    let next = self.spare_lines.pop().unwrap_or_default();
                    lines.push_back(std::mem::replace(&mut self.line, next));
                    continue;
                }
                Ok(LineRead::TooLong) => Event::TooLong,
                Ok(LineRead::Eof) => Event::Eof,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => Event::Eof,
            };
            self.end = Some(end);
            self.stdout_over = true;
            break;
        }
        if lines.is_empty() {
            self.end.take()
        } else {
            Some(Event::Lines(lines))
        }
    }

    /// The waiter's report, if it came: it is sent before the byte on `wake`, so the channel
    /// is looked at first, which costs no system call per batch of lines.
    fn exit_report(&mut self) -> Option<Event> {
        let report = self.exits.try_recv().ok()?;
        self.wake = None;
        Some(report)
    }

    /// `wake` polled readable with no report in the channel: the waiter ended without one
    /// (its end of the socket closed), so `wake` is not polled again.
    fn wake_without_report(&mut self) {
        let Some(wake) = &mut self.wake else {
            return;
        };
        let mut bytes = [0u8; 8];
        if let Ok(0) = wake.read(&mut bytes) {
            self.wake = None;
        }
    }

    /// `count` reply lines came: they answer as many outstanding requests, and if the
    /// receiver had waited for them, they measure the port's pace (the pipe was empty when it
    /// began to wait, so the port wrote them all since).
    fn replies_came(&mut self, count: usize) {
        let queued = self.outstanding;
        self.outstanding = queued.saturating_sub(count);
        let (Some(since), Ok(count)) = (self.waiting_since.take(), u32::try_from(count)) else {
            return;
        };
        if count == 0 {
            return;
        }
        let busy_all_along = queued > count as usize;
        self.pace = Some(paced(self.pace, since.elapsed() / count, busy_all_along));
    }

    /// Waits in `poll` until a pipe is ready or `left` has passed; `true` if `wake` was
    /// among the ready ones.
    fn wait(&self, left: Duration) -> bool {
        let mut fds = Vec::with_capacity(3);
        if let (true, Some(stdin)) = (self.written < self.outgoing.len(), &self.stdin) {
            fds.push(PollFd::new(stdin, PollFlags::OUT));
        }
        if !self.stdout_over {
            fds.push(PollFd::new(self.stdout.get_ref(), PollFlags::IN));
        }
        if let Some(wake) = &self.wake {
            fds.push(PollFd::new(wake, PollFlags::IN)); // last, when there
        }
        // A timeout too large for a timespec waits as long as one can.
        let timeout = Timespec::try_from(left).ok();
        match rustix::event::poll(&mut fds, timeout.as_ref()) {
            Ok(_) | Err(rustix::io::Errno::INTR) => {}
            // poll itself failing (out of memory) is not the adapter's doing: look again in a
            // moment, and the caller's deadline decides.
            Err(_) => std::thread::sleep(Duration::from_millis(1)),
        }
        self.wake.is_some() && fds.last().is_some_and(|fd| !fd.revents().is_empty())
    }
}

impl Pipes for Polled {
    fn send(&mut self, lines: &str) {
        let Some(stdin) = &self.stdin else {
            return;
        };
        // Counted with memchr: a byte at a time, this was 3 % of explore's CPU.
        self.outstanding += 1 + memchr::memchr_iter(b'\n', lines.as_bytes()).count();
        if self.written < self.outgoing.len() {
            // Behind what is still queued.
            self.outgoing.extend_from_slice(lines.as_bytes());
            self.outgoing.push(b'\n');
            self.flush();
            return;
        }
        // Nothing queued, the usual case: written straight from the caller's batch, and only
        // what the pipe does not take now is kept. Copying every batch (tens of kilobytes,
        // more than the L1 cache) into `outgoing` first was a quarter of explore's `memmove`.
        let parts = [IoSlice::new(lines.as_bytes()), IoSlice::new(b"\n")];
        let taken = loop {
            match rustix::io::writev(stdin, &parts) {
                Ok(taken) => break taken,
                Err(rustix::io::Errno::INTR) => {}
                Err(rustix::io::Errno::AGAIN) => break 0,
                Err(_) => {
                    self.stdin = None; // a broken pipe: the reader will see the end
                    return;
                }
            }
        };
        self.outgoing.clear();
        self.written = 0;
        if let Some(rest) = lines.as_bytes().get(taken..) {
            self.outgoing.extend_from_slice(rest);
            self.outgoing.push(b'\n');
        } // else the newline went too
    }

    fn give_back(&mut self, mut line: Vec<u8>) {
        // Bounded in number and size, so a port that once sent long lines leaves at most a
        // megabyte behind.
        if self.spare_lines.len() < SPARE_LINES && line.capacity() <= SPARE_LINE_BYTES {
            line.clear();
            self.spare_lines.push(line);
        }
    }

    fn close_stdin(&mut self) {
        // What the pipe does not take now is dropped with it: the adapter is being stopped or
        // killed, and waiting on one that does not read would hang the checker.
        self.flush();
        self.stdin = None;
    }

    fn next(&mut self, until: Option<Instant>) -> Option<Event> {
        loop {
            self.flush();
            let read = until.is_some();
            if let Some(event) = self.read_lines(read).or_else(|| self.exit_report()) {
                if let Event::Lines(lines) = &event {
                    self.replies_came(lines.len());
                }
                return Some(event);
            }
            let until = until?;
            let writing = self.stdin.is_some() && self.written < self.outgoing.len();
            if self.stdout_over && self.wake.is_none() && !writing {
                return None; // nothing more can come
            }
            let now = Instant::now();
            let left = until.saturating_duration_since(now);
            if left.is_zero() {
                self.waiting_since = None; // what comes after a timeout measures nothing
                return None;
            }
            self.waiting_since.get_or_insert(now);
            // Writing still to do needs `poll` to say when the pipe takes more.
            let napping = self.stdin.is_some() && !self.stdout_over && !writing;
            if let Some(nap) = nap(self.outstanding, self.pace, left).filter(|_| napping) {
                std::thread::sleep(nap);
                continue;
            }
            if self.wait(left) {
                self.wake_without_report();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const US: Duration = Duration::from_micros(1);

    /// A nap lets half the queued requests be answered, so the port never runs dry, and is
    /// capped by the longest nap and by the deadline; without enough queued, a measured pace
    /// or a nap worth a sleep, the receiver waits in `poll` as before.
    #[test]
    fn a_nap_lasts_for_half_the_queued_work_within_bounds() {
        let second = Duration::from_secs(1);
        assert_eq!(nap(256, Some(3 * US), second), Some(384 * US));
        assert_eq!(nap(64, Some(10 * US), second), Some(320 * US));
        assert_eq!(nap(256, Some(30 * US), second), Some(NAP_MAX));
        assert_eq!(nap(256, Some(3 * US), 200 * US), Some(200 * US));
        assert_eq!(nap(NAP_MIN_BACKLOG - 1, Some(10 * US), second), None);
        assert_eq!(nap(256, None, second), None);
        assert_eq!(
            nap(64, Some(US), second),
            None,
            "32 µs is not worth a sleep"
        );
        assert_eq!(nap(256, Some(3 * US), 10 * US), None);
        assert_eq!(nap(usize::MAX, Some(second), second), Some(NAP_MAX));
    }

    /// A busy port's pace is averaged, so one slow reply moves it a quarter of the way; a
    /// port that answered everything gives an upper bound, which only ever lowers it.
    #[test]
    fn the_pace_averages_busy_measures_and_takes_idle_ones_as_bounds() {
        assert_eq!(paced(None, 8 * US, true), 8 * US);
        assert_eq!(paced(None, 8 * US, false), 8 * US);
        assert_eq!(paced(Some(4 * US), 8 * US, true), 5 * US);
        assert_eq!(paced(Some(4 * US), 8 * US, false), 4 * US);
        assert_eq!(paced(Some(40 * US), 8 * US, false), 8 * US);
        assert_eq!(
            paced(Some(Duration::MAX), Duration::MAX, true),
            Duration::MAX / 4
        );
    }
}
