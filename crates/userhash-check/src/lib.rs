//! `userhash-check`: runs the userhash conformance vectors against a port in any language,
//! through a small JSON-lines adapter protocol (see `PROTOCOL.md`).
//!
//! The binary is a thin wrapper over [`cli::main`]; the pieces are public so that tests,
//! benchmarks and `cargo xtask` can use them:
//!
//! - [`suite`]: the embedded vectors (or `--vectors DIR`), validated with [`schema`];
//! - [`adapter`]: the adapter process, its pipes, threads, timeouts and process group;
//! - [`classify`]: case → request, reply → outcome, diagnosis and hint;
//! - [`run`]: the run loop (pipelining, faults, restarts, `--max-fail`) and its report;
//! - [`report`]: human, JSON, JUnit, markdown and GitHub renderings;
//! - [`secret`], [`explain`]: the `explain` and `hash` commands;
//! - [`ports`]: the manifest of bundled reference ports.
#![warn(missing_docs)]
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

pub mod adapter;
pub mod classify;
pub mod cli;
pub mod explain;
pub mod known_failures;
pub mod outcome;
pub mod ports;
pub mod report;
pub mod run;
pub mod schema;
pub mod secret;
pub mod suite;
