//! `cargo xtask fuzz [--seconds N]`: not available yet, and says so.

use std::process::ExitCode;

pub fn run(_args: &[String]) -> ExitCode {
    eprintln!(
        "cargo xtask fuzz: no fuzz targets yet. There is no cargo-fuzz crate (fuzz/) in this \
         workspace, so there is nothing to run; no issue tracks adding one yet. \
         When targets land, this job will run each for --seconds N."
    );
    ExitCode::from(2)
}
