//! Is a runtime installed, and what does it mean when it is not.
//!
//! The one place that decides: locally a missing runtime is a skip (a
//! contributor need not have PHP to work on the Rust crates); under `CI=true`
//! it is a failure, because CI installs every runtime the ports need and a
//! missing one means a port silently went untested.

use std::env;
use std::path::{Path, PathBuf};

/// True when running under CI (`CI=true`, as GitHub Actions and `.ci/run` set).
pub fn is_ci() -> bool {
    env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Whether a missing runtime fails the run (CI) or is skipped (locally).
pub fn missing_is_failure() -> bool {
    is_ci()
}

/// The full path of `program` if it is an executable on `PATH` (or a path
/// that exists, when `program` contains a slash).
pub fn find_on_path(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        let p = Path::new(program);
        return is_executable(p).then(|| p.to_path_buf());
    }
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

/// Like [`find_on_path`], also looking where `go install` puts binaries
/// (`$GOBIN`, `$GOPATH/bin`, `~/go/bin`), which is often not on `PATH`.
pub fn find_tool(program: &str) -> Option<PathBuf> {
    if let Some(p) = find_on_path(program) {
        return Some(p);
    }
    let mut dirs = Vec::new();
    if let Some(gobin) = env::var_os("GOBIN").filter(|v| !v.is_empty()) {
        dirs.push(PathBuf::from(gobin));
    }
    if let Some(gopath) = env::var_os("GOPATH").filter(|v| !v.is_empty()) {
        dirs.extend(env::split_paths(&gopath).map(|p| p.join("bin")));
    }
    if let Some(home) = env::var_os("HOME").filter(|v| !v.is_empty()) {
        dirs.push(PathBuf::from(home).join("go").join("bin"));
    }
    dirs.into_iter()
        .map(|d| d.join(program))
        .find(|c| is_executable(c))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sh_not_nonsense() {
        assert!(find_on_path("sh").is_some());
        assert!(find_on_path("definitely-not-a-program-xtask").is_none());
        assert!(find_on_path("/bin/sh").is_some());
        assert!(find_on_path("./no/such/thing").is_none());
    }
}
