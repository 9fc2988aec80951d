//! `cargo xtask vectors` (regenerate `vectors/` and say what changed) and the
//! CI step `vectors-drift` (the committed vectors are what the generator
//! writes, byte for byte).

use std::fs;
use std::path::Path;

use crate::ci::Outcome;
use crate::drift::{self, Drift};
use crate::util::{self, TempDir};

const FIX_HINT: &str = "fix: run `cargo xtask vectors` and commit";

/// Runs the generator into `out_dir`; on failure returns its output.
fn generate_into(out_dir: &Path) -> Result<(), String> {
    let mut cmd = util::cargo();
    cmd.args(["run", "-q", "-p", "userhash-vectors", "--", "--out-dir"])
        .arg(out_dir);
    let cap = util::run_captured(&mut cmd)?;
    if cap.success() {
        Ok(())
    } else {
        Err(format!(
            "{} failed ({}):\n{}",
            util::describe(&cmd),
            cap.status,
            cap.output
        ))
    }
}

/// Generates into a temporary directory and compares with `vectors/`.
fn drift_now() -> Result<(TempDir, Drift), String> {
    let tmp = TempDir::new("vectors")?;
    generate_into(tmp.path())?;
    let committed = util::workspace_root().join("vectors");
    let drift = drift::compare(tmp.path(), &committed)?;
    Ok((tmp, drift))
}

/// CI step `vectors-drift`.
pub fn drift_step() -> Outcome {
    match drift_now() {
        Err(e) => Outcome::fail(e),
        Ok((tmp, d)) => {
            let generated = drift::list_files(tmp.path()).map(|m| m.len()).unwrap_or(0);
            if generated == 0 {
                Outcome::fail("the generator wrote no files (is `--out-dir` implemented?)")
            } else if d.is_clean() {
                Outcome::ok().note(format!("{generated} files match"))
            } else {
                Outcome::fail(format!(
                    "vectors/ differs from what the generator writes ({} files):\n{}{FIX_HINT}\n",
                    d.count(),
                    d.report("vectors/")
                ))
                .note(format!("{} files drifted", d.count()))
            }
        }
    }
}

/// `cargo xtask vectors`: regenerate `vectors/` in place (the same as
/// `cargo run -q -p userhash-vectors -- --out-dir vectors`, plus removing
/// files the generator no longer writes) and print which files changed.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(a) = args.first() {
        return Err(format!(
            "`cargo xtask vectors` takes no arguments (got `{a}`)"
        ));
    }
    let (tmp, d) = drift_now()?;
    if d.is_clean() {
        println!("vectors/ is up to date");
        return Ok(());
    }
    let committed = util::workspace_root().join("vectors");
    let copy = |rel: &Path| -> Result<(), String> {
        let dst = committed.join(rel);
        if let Some(parent) = dst.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::copy(tmp.path().join(rel), &dst).map_err(|e| format!("{}: {e}", dst.display()))?;
        Ok(())
    };
    for rel in &d.missing {
        copy(rel)?;
        println!("added    vectors/{}", rel.display());
    }
    for (rel, diff) in &d.differing {
        copy(rel)?;
        println!(
            "changed  vectors/{} (from line {})",
            rel.display(),
            diff.line
        );
    }
    for rel in &d.extra {
        let p = committed.join(rel);
        fs::remove_file(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        println!("removed  vectors/{}", rel.display());
    }
    println!(
        "{} files updated; review with `git diff vectors/` and commit",
        d.count()
    );
    Ok(())
}
