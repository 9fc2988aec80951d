//! The `userhash-check` binary; see the library for everything it does.

use std::process::ExitCode;

/// mimalloc rather than the platform's allocator. Measured reason: `explore` makes and frees a
/// few strings per case (a user's fields, a request line, a reply), and the static Linux
/// release links musl, whose allocator made the checker's CPU per explored case 18 % higher
/// than with glibc's (2.52 µs against 2.13, 1,000,000 cases against the C port); with mimalloc,
/// 2.21 (musl) and 2.01 (glibc) (docs/PERFORMANCE.md). Only the binary sets it: the library
/// leaves the choice to whatever embeds it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ExitCode::from(u8::try_from(userhash_check::cli::main()).unwrap_or(2))
}
