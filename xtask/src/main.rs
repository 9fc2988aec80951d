//! `cargo xtask <job>`: project automation in plain Rust (the rust-analyzer
//! xtask pattern). One module per job; `cargo xtask help` lists them.

mod actionlint;
mod bench;
mod ci;
mod corpus;
mod drift;
mod fuzz;
mod ports;
mod proptest;
mod runtime;
mod testsum;
mod util;
mod vectors;

use std::process::ExitCode;

const JOBS: &[(&str, &str)] = &[
    (
        "ci",
        "everything CI runs, in order; `cargo xtask ci --list` shows the steps",
    ),
    (
        "ports",
        "run the reference ports through the checker; --format text|markdown|json",
    ),
    (
        "corpus",
        "the diagnosis corpus through the checker: share caught, fairly and wrongly named; \
         --format text|markdown|json, --write (docs/DIAGNOSIS.md)",
    ),
    (
        "vectors",
        "regenerate vectors/ in place and print which files changed",
    ),
    (
        "proptest",
        "the property tests with more cases; --cases N (default 4096)",
    ),
    (
        "bench",
        "the benchmarks; --runs N, --save NAME, --compare NAME, --report-only",
    ),
    (
        "fuzz",
        "fuzz the checker's parsers (optimised); --time S, --target NAME, --seed N, --runs N",
    ),
    ("help", "this list"),
];

fn help() {
    println!("usage: cargo xtask <job> [args]\n\njobs:");
    for (name, what) in JOBS {
        println!("  {name:<10}{what}");
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((job, rest)) = args.split_first() else {
        help();
        return ExitCode::SUCCESS;
    };
    let result = match job.as_str() {
        "ci" => ci::run(rest),
        "ports" => ports::run(rest),
        "corpus" => corpus::run(rest),
        "vectors" => vectors::run(rest),
        "proptest" => proptest::run(rest),
        "bench" => bench::run(rest),
        "fuzz" => return fuzz::run(rest),
        "help" | "-h" | "--help" => {
            help();
            Ok(())
        }
        other => {
            eprintln!("unknown job `{other}`\n");
            help();
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
