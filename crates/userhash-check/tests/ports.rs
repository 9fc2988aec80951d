//! Every bundled reference port in `adapters/ports.json` passes the suite.
//!
//! A port whose runtime is missing is skipped with a note, unless CI=true, where it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use userhash_check::ports::{Manifest, MANIFEST};

const BIN: &str = env!("CARGO_BIN_EXE_userhash-check");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

#[test]
fn every_reference_port_conforms() {
    let root = root();
    if !root.join(MANIFEST).exists() && !in_ci() {
        eprintln!("note: {MANIFEST} does not exist yet; no ports checked");
        return;
    }
    let manifest = Manifest::load(&root).unwrap_or_else(|e| panic!("{e}"));
    assert!(!manifest.ports.is_empty(), "{MANIFEST} lists no ports");
    let build_dir = tempfile::tempdir().expect("tempdir");
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    for port in &manifest.ports {
        if !port.runtime_available(&root) {
            let note = format!("{}: runtime {} not installed", port.language, port.runtime);
            if in_ci() {
                problems.push(note);
            } else {
                eprintln!("note: skipped {note}");
            }
            continue;
        }
        if let Err(e) = port.build(&root, build_dir.path()) {
            problems.push(format!("{}: build failed: {e}", port.language));
            continue;
        }
        let output = Command::new(BIN)
            .args([
                "run",
                "--timeout",
                "30",
                "--handshake-timeout",
                "120",
                "-q",
                "--",
            ])
            .args(port.command(build_dir.path()))
            .current_dir(&root)
            .output()
            .expect("the checker runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if output.status.code() == Some(0) {
            checked.push(format!("{}: {}", port.language, stdout.trim()));
        } else {
            problems.push(format!(
                "{}: exit {:?}\n{stdout}\n{stderr}",
                port.language,
                output.status.code()
            ));
        }
    }
    eprintln!("{}", checked.join("\n"));
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// The Go port's own unit tests (fixed tokens computed with Python's `hmac`, a table of
/// verifier cases): `go test` in its directory.
#[test]
fn the_go_ports_unit_tests_pass() {
    let dir = root().join("crates/userhash-check/adapters/go");
    let output = match Command::new("go")
        .arg("test")
        .arg("./...")
        .current_dir(&dir)
        .output()
    {
        Ok(output) => output,
        Err(error) => {
            assert!(!in_ci(), "go is required under CI=true: {error}");
            eprintln!("note: go not installed; the Go port's unit tests were not run");
            return;
        }
    };
    assert!(
        output.status.success(),
        "go test failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
