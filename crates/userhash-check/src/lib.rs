//! `userhash-check`: runs the userhash conformance vectors against a port in any language,
//! through a small JSON-lines adapter protocol (see `PROTOCOL.md`).
//!
//! The binary is a thin wrapper over [`cli::main`]; the pieces are public so that tests,
//! benchmarks and `cargo xtask` can use them:
//!
//! - [`suite`]: the embedded vectors (or `--vectors DIR`), validated with [`schema`];
//! - [`adapter`]: the adapter's pipes, threads and timeouts, and the handshake;
//! - [`process`]: the adapter's process group, its exit, kills, signals to the checker;
//! - [`session`]: an adapter session (pipelining, `seq`, timeouts, faults, restarts), whatever
//!   is sent;
//! - [`classify`]: case → request, reply → outcome, diagnosis and hint;
//! - [`run`]: selects the cases, drives a session with them, and builds the report;
//! - [`verdict`]: whether a run is evidence of conformance, and its coverage line;
//! - [`diagnosis`]: the passes that diagnose across the cases of a run;
//! - [`report`]: human, JSON, JUnit, markdown and GitHub renderings;
//! - [`scrub`]: private secrets removed from everything a port writes;
//! - [`secret`], [`explain`]: the `explain` and `hash` commands;
//! - [`ports`]: the manifest of bundled reference ports;
//! - [`fuzz`]: the fuzz targets' checks (driven by `cargo xtask fuzz`, replayed by tests).
#![warn(missing_docs)]
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

pub mod adapter;
pub mod classify;
pub mod cli;
pub mod diagnosis;
pub mod explain;
pub mod explain_jwt;
pub mod explore;
pub mod files;
pub mod fuzz;
pub mod known_failures;
pub mod outcome;
pub mod ports;
pub mod process;
pub mod report;
pub mod run;
pub mod schema;
pub mod scrub;
pub mod secret;
pub mod session;
pub mod suite;
pub mod verdict;
