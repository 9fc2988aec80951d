//! Small helpers shared by the jobs: paths, running commands with captured
//! output, temporary directories, formatting.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace root")
        .to_path_buf()
}

/// Cargo's target directory: `$CARGO_TARGET_DIR` if set, else `<root>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                workspace_root().join(dir)
            }
        }
        _ => workspace_root().join("target"),
    }
}

/// The cargo that runs us (`$CARGO`), so nested builds use the same toolchain.
pub fn cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace_root());
    cmd
}

/// A command run from the workspace root.
pub fn cmd(program: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(workspace_root());
    cmd
}

/// What a command printed (stdout and stderr interleaved, as a terminal shows
/// them) and how it ended.
pub struct Captured {
    pub status: ExitStatus,
    pub output: String,
}

impl Captured {
    pub fn success(&self) -> bool {
        self.status.success()
    }
}

/// Runs `cmd` with no stdin and both output streams going to one temporary
/// file, so the interleaving is kept and no pipe can fill up.
pub fn run_captured(cmd: &mut Command) -> Result<Captured, String> {
    let dir = TempDir::new("capture")?;
    let path = dir.path().join("output.log");
    let file = File::create(&path).map_err(|e| format!("creating {}: {e}", path.display()))?;
    let file2 = file
        .try_clone()
        .map_err(|e| format!("duplicating a file handle: {e}"))?;
    let status = cmd
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(file2)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", describe(cmd)))?;
    let bytes = fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    Ok(Captured {
        status,
        output: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// Runs `cmd` with inherited output (for jobs a person watches); `Err` names
/// the command if it could not start or did not succeed.
pub fn run_inherited(cmd: &mut Command) -> Result<(), String> {
    let status = cmd
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {}: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} failed ({status})", describe(cmd)))
    }
}

/// `program arg arg…` for messages.
pub fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        s.push(' ');
        s.push_str(&arg.to_string_lossy());
    }
    s
}

/// The last `max_lines` lines of `text` (and at most ~`max_bytes` bytes), with
/// a note saying how much was left out.
pub fn tail(text: &str, max_lines: usize, max_bytes: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut start = lines.len().saturating_sub(max_lines);
    let mut bytes: usize = lines[start..].iter().map(|l| l.len() + 1).sum();
    while bytes > max_bytes && start < lines.len() {
        bytes -= lines[start].len() + 1;
        start += 1;
    }
    let mut out = String::new();
    if start > 0 {
        out.push_str(&format!("[... {start} earlier lines left out ...]\n"));
    }
    for line in &lines[start..] {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `1.234s` → `"1.2s"`, `75s` → `"1m15s"`.
pub fn fmt_duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let whole = d.as_secs();
        format!("{}m{:02}s", whole / 60, whole % 60)
    }
}

/// A directory under the system temp dir, removed when dropped.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(label: &str) -> Result<TempDir, String> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("xtask-{label}-{}-{nanos}-{n}", std::process::id()));
        fs::create_dir_all(&path).map_err(|e| format!("creating {}: {e}", path.display()))?;
        Ok(TempDir { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// The arguments of a job: `--name VALUE`, `--name=VALUE` and bare switches, in order.
pub struct Flags<'a> {
    args: std::slice::Iter<'a, String>,
}

impl<'a> Flags<'a> {
    /// Reads `args`.
    pub fn new(args: &'a [String]) -> Self {
        Flags { args: args.iter() }
    }

    /// The next flag, with its `=VALUE` when it was given inline.
    pub fn next_flag(&mut self) -> Option<(&'a str, Option<&'a str>)> {
        let arg = self.args.next()?;
        Some(match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value)),
            _ => (arg.as_str(), None),
        })
    }

    /// The value of `flag`: the inline one, else the next argument.
    pub fn value(&mut self, flag: &str, inline: Option<&str>) -> Result<String, String> {
        inline
            .map(str::to_owned)
            .or_else(|| self.args.next().cloned())
            .ok_or_else(|| format!("{flag} needs a value"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_last_lines_and_says_so() {
        let text: String = (1..=10).map(|i| format!("line {i}\n")).collect();
        assert_eq!(tail(&text, 20, 10_000), text);
        let t = tail(&text, 3, 10_000);
        assert_eq!(
            t,
            "[... 7 earlier lines left out ...]\nline 8\nline 9\nline 10\n"
        );
        let t = tail(&text, 10, 15);
        assert!(t.ends_with("line 10\n"));
        assert!(t.starts_with("[... 8 earlier lines"));
    }

    #[test]
    fn durations() {
        assert_eq!(fmt_duration(Duration::from_millis(420)), "0.4s");
        assert_eq!(fmt_duration(Duration::from_secs(75)), "1m15s");
    }

    #[test]
    fn temp_dir_is_removed() {
        let path = {
            let dir = TempDir::new("test").unwrap();
            fs::write(dir.path().join("f"), "x").unwrap();
            dir.path().to_path_buf()
        };
        assert!(!path.exists());
    }
}
