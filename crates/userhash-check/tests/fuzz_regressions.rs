//! Replays every input the fuzz targets keep: `fuzz/regressions/<target>/*` (what
//! `cargo xtask fuzz` once found; each must now pass), the committed seed corpus
//! `fuzz/corpus/<target>/*`, and the seeds each target makes from the embedded vectors. Each
//! goes through its target in `userhash_check::fuzz`, the same check the driver ran, and must
//! give `Ok(())` without panicking. An empty or missing directory is fine.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use userhash_check::fuzz::{self, Target};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files directly under `dir`, sorted (none if it does not exist); README files are notes.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && !path.ends_with("README.md"))
        .collect();
    files.sort();
    files
}

/// Runs `target` on `data`; the failure, if any, in a sentence.
fn failure(target: &Target, data: &[u8]) -> Option<String> {
    match catch_unwind(AssertUnwindSafe(|| (target.run)(data))) {
        Ok(Ok(())) => None,
        Ok(Err(violation)) => Some(violation),
        Err(panic) => Some(format!(
            "panicked: {}",
            panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(not a string)")
        )),
    }
}

fn replay(name: &str) {
    let target = fuzz::target(name).expect("a target of that name");
    let mut failures = Vec::new();
    let mut count = 0;
    for kind in ["regressions", "corpus"] {
        for path in inputs(&fuzz_dir().join(kind).join(name)) {
            let data = std::fs::read(&path).expect("readable input");
            count += 1;
            if let Some(why) = failure(target, &data) {
                failures.push(format!("{}: {why}", path.display()));
            }
        }
    }
    for (index, seed) in (target.seeds)().iter().enumerate() {
        count += 1;
        if let Some(why) = failure(target, seed) {
            failures.push(format!("built-in seed {index}: {why}"));
        }
    }
    assert!(count > 0, "no input for {name}");
    assert!(
        failures.is_empty(),
        "{} of {count} {name} inputs fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn reply() {
    replay("reply");
}

#[test]
fn vectors() {
    replay("vectors");
}

#[test]
fn known_failures() {
    replay("known_failures");
}

#[test]
fn secret() {
    replay("secret");
}

#[test]
fn explain() {
    replay("explain");
}

#[test]
fn jwt() {
    replay("jwt");
}

#[test]
fn every_target_is_replayed_and_every_directory_is_a_target() {
    let replayed = [
        "reply",
        "vectors",
        "known_failures",
        "secret",
        "explain",
        "jwt",
    ];
    let names: Vec<&str> = fuzz::TARGETS.iter().map(|t| t.name).collect();
    assert_eq!(names, replayed, "add a #[test] for each new target");
    for kind in ["regressions", "corpus"] {
        for entry in std::fs::read_dir(fuzz_dir().join(kind))
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(
                !entry.path().is_dir() || names.contains(&name.as_str()),
                "fuzz/{kind}/{name} is not a target's directory"
            );
        }
    }
}
