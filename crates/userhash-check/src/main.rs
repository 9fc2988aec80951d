//! The `userhash-check` binary; see the library for everything it does.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(u8::try_from(userhash_check::cli::main()).unwrap_or(2))
}
