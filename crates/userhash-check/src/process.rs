//! The adapter's processes: spawned as the leader of a process group of their own, waited for
//! on a thread (no polling), killed with the `kill(2)` system call (no `kill` program looked up
//! on `PATH`), and tracked in a registry so that a signal to the checker kills them too.
//!
//! An adapter's children share its process group and die with it. A child that leaves the
//! group (`setsid()`, a daemon) escapes that; so the checker binary makes itself a *child
//! subreaper* on Linux ([`become_subreaper`]): orphaned descendants are re-parented to it, and
//! every kill also kills and reaps them. Library users that do not opt in are never touched
//! beyond the adapter's own group, since their other children are none of our business.

use std::io;
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread;

/// Process group ids of the adapters alive now (each is its group's leader).
static LIVE: Mutex<Vec<u32>> = Mutex::new(Vec::new());
/// Set once by [`become_subreaper`]: orphans re-parented to this process are ours to kill.
#[cfg(target_os = "linux")]
static SUBREAPER: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// The signal that interrupted the checker, or 0.
static INTERRUPTED: AtomicI32 = AtomicI32::new(0);

fn live() -> std::sync::MutexGuard<'static, Vec<u32>> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How a process ended, in words for messages: `exit status 3`, `killed by signal 9`.
pub type ExitText = String;

/// A running adapter process.
#[derive(Debug)]
pub struct Process {
    pid: u32,
    /// On Windows there is neither a process group nor `waitpid`: the `Child` is shared with
    /// the waiter thread, which polls it.
    #[cfg(not(unix))]
    child: std::sync::Arc<Mutex<Child>>,
}

/// The pipes of a spawned process.
pub struct Pipes {
    /// The adapter's stdin.
    pub stdin: ChildStdin,
    /// The adapter's stdout.
    pub stdout: ChildStdout,
    /// The adapter's stderr.
    pub stderr: ChildStderr,
}

impl Process {
    /// Spawns `command` (its stdio already set to piped) as the leader of a new process group,
    /// and calls `on_exit` from a thread when it exits. Refused once the checker was
    /// interrupted.
    pub fn spawn(
        command: &mut Command,
        on_exit: impl FnOnce(ExitText) + Send + 'static,
    ) -> io::Result<(Process, Pipes)> {
        if let Some(signal) = interrupted() {
            return Err(io::Error::other(format!(
                "interrupted by {}",
                signal_name(signal)
            )));
        }
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let mut child = command.spawn()?;
        let pid = child.id();
        live().push(pid);
        let pipes = match (child.stdin.take(), child.stdout.take(), child.stderr.take()) {
            (Some(stdin), Some(stdout), Some(stderr)) => Pipes {
                stdin,
                stdout,
                stderr,
            },
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                live().retain(|p| *p != pid);
                return Err(io::Error::other("cannot open the adapter's pipes"));
            }
        };
        let process = wait_on_thread(child, on_exit);
        Ok((process, pipes))
    }

    /// The process id (and, on Unix, process group id).
    pub fn id(&self) -> u32 {
        self.pid
    }

    /// Kills the adapter's process group and, as a subreaper, any descendants that left it.
    pub fn kill(&self) {
        kill_group(self.pid);
        #[cfg(not(unix))]
        {
            let mut child = self.child.lock().unwrap_or_else(PoisonError::into_inner);
            let _ = child.kill();
        }
        kill_escaped();
    }
}

#[cfg(unix)]
fn wait_on_thread(child: Child, on_exit: impl FnOnce(ExitText) + Send + 'static) -> Process {
    let pid = child.id();
    // `waitpid` on the pid reaps it; std's `Child` is dropped unwaited, which is allowed.
    drop(child);
    thread::spawn(move || {
        let status = loop {
            let raw = i32::try_from(pid)
                .ok()
                .and_then(rustix::process::Pid::from_raw);
            match rustix::process::waitpid(raw, rustix::process::WaitOptions::empty()) {
                Ok(Some((_, status))) => break describe(status),
                Ok(None) => continue,
                Err(rustix::io::Errno::INTR) => continue,
                Err(error) => break format!("unknown status ({error})"),
            }
        };
        live().retain(|p| *p != pid);
        on_exit(status);
    });
    Process { pid }
}

#[cfg(unix)]
fn describe(status: rustix::process::WaitStatus) -> ExitText {
    match (status.exit_status(), status.terminating_signal()) {
        (Some(code), _) => format!("exit status {code}"),
        (None, Some(signal)) => format!("killed by {}", signal_name(signal)),
        _ => "stopped".to_owned(),
    }
}

#[cfg(not(unix))]
fn wait_on_thread(child: Child, on_exit: impl FnOnce(ExitText) + Send + 'static) -> Process {
    let pid = child.id();
    let child = std::sync::Arc::new(Mutex::new(child));
    let waited = std::sync::Arc::clone(&child);
    thread::spawn(move || {
        // Windows: polling, since the kill path needs the same `Child`.
        let status = loop {
            let result = waited
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .try_wait();
            match result {
                Ok(Some(status)) => break status.to_string(),
                Ok(None) => thread::sleep(std::time::Duration::from_millis(20)),
                Err(error) => break format!("unknown status ({error})"),
            }
        };
        live().retain(|p| *p != pid);
        on_exit(status);
    });
    Process { pid, child }
}

/// `kill(-pgid, SIGKILL)`: the adapter and every process left in its group. Never by the
/// leader's pid alone: once the waiter reaped it, that pid may belong to someone else, while a
/// group id is not reused as long as a member of the group lives.
#[cfg(unix)]
fn kill_group(pgid: u32) {
    if let Some(pid) = i32::try_from(pgid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

#[cfg(not(unix))]
fn kill_group(_pgid: u32) {}

/// Makes the checker a child subreaper (Linux), so descendants an adapter leaves behind are
/// re-parented to it and can be killed and reaped. Call once, from the binary.
pub fn become_subreaper() {
    #[cfg(target_os = "linux")]
    if rustix::process::set_child_subreaper(Some(rustix::process::getpid())).is_ok() {
        SUBREAPER.store(true, Ordering::SeqCst);
    }
}

/// As a subreaper: kills and reaps every child of this process that is not a live adapter
/// (those are descendants that escaped an adapter's process group), until none is left, since
/// killing one re-parents its own children to us.
pub fn kill_escaped() {
    #[cfg(target_os = "linux")]
    if SUBREAPER.load(Ordering::SeqCst) {
        for _ in 0..50 {
            let orphans: Vec<u32> = {
                let live = live();
                children_of_this_process()
                    .into_iter()
                    .filter(|pid| !live.contains(pid))
                    .collect()
            };
            if orphans.is_empty() {
                return;
            }
            for pid in orphans {
                let Some(pid) = i32::try_from(pid)
                    .ok()
                    .and_then(rustix::process::Pid::from_raw)
                else {
                    continue;
                };
                // An unreaped child's pid cannot be reused, so killing it by pid is safe; a
                // `setsid()` escaper also leads a group of its own.
                let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
                let _ = rustix::process::waitpid(Some(pid), rustix::process::WaitOptions::empty());
            }
        }
    }
}

/// The pids whose parent is this process, from `/proc/*/stat`.
#[cfg(target_os = "linux")]
fn children_of_this_process() -> Vec<u32> {
    let me = std::process::id();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| parent_of(*pid) == Some(me))
        .collect()
}

/// The parent pid in `/proc/PID/stat`: the field after the command, which is in parentheses
/// and may itself contain spaces and parentheses.
#[cfg(target_os = "linux")]
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_command = &stat[stat.rfind(')')? + 1..];
    after_command.split_whitespace().nth(1)?.parse().ok()
}

/// Records that `signal` interrupted the checker and kills every live adapter (and escaped
/// descendant); no adapter is spawned after this. Safe to call from a signal-watching thread.
pub fn interrupt(signal: i32) {
    INTERRUPTED.store(signal, Ordering::SeqCst);
    let pids: Vec<u32> = live().clone();
    for pid in pids {
        kill_group(pid);
    }
    kill_escaped();
}

/// The signal that interrupted the checker, if one did.
pub fn interrupted() -> Option<i32> {
    match INTERRUPTED.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
    }
}

/// `SIGINT`, `SIGTERM`, … for the signals the checker handles; `signal N` otherwise.
pub fn signal_name(signal: i32) -> String {
    match signal {
        1 => "SIGHUP".to_owned(),
        2 => "SIGINT".to_owned(),
        9 => "SIGKILL".to_owned(),
        13 => "SIGPIPE".to_owned(),
        15 => "SIGTERM".to_owned(),
        other => format!("signal {other}"),
    }
}

/// Watches SIGINT, SIGTERM and SIGHUP on a thread: each one [`interrupt`]s the run, which then
/// ends with a partial report and exit status 128 + the signal. Unix only.
pub fn handle_signals() -> io::Result<()> {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
        thread::spawn(move || {
            for signal in signals.forever() {
                interrupt(signal);
            }
        });
    }
    Ok(())
}
