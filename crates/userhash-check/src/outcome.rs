//! Case kinds and outcomes: the vocabulary every report uses.

use std::fmt;

use serde::Serialize;

/// Which vector file a case comes from, and which protocol command it is sent as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// A case of `user_hash.json`, sent as `{"cmd":"user_hash"}`.
    UserHash,
    /// A case of `user_hash_verify.json`, sent as `{"cmd":"verify"}`.
    Verify,
    /// A case of `user_jwt.json`, sent as `{"cmd":"user_jwt"}`.
    #[serde(rename = "user_jwt")]
    Jwt,
    /// A case of `user_jwt_verify.json`, sent as `{"cmd":"verify_jwt"}`.
    #[serde(rename = "verify_jwt")]
    JwtVerify,
}

impl CaseKind {
    /// Every kind, in suite order.
    pub const ALL: [CaseKind; 4] = [
        CaseKind::UserHash,
        CaseKind::Verify,
        CaseKind::Jwt,
        CaseKind::JwtVerify,
    ];

    /// The name used in reports, which is also the protocol command (`user_hash`, `verify`,
    /// `user_jwt`, `verify_jwt`).
    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::UserHash => "user_hash",
            CaseKind::Verify => "verify",
            CaseKind::Jwt => "user_jwt",
            CaseKind::JwtVerify => "verify_jwt",
        }
    }

    /// The vector file the case comes from.
    pub fn file_name(self) -> &'static str {
        match self {
            CaseKind::UserHash => "user_hash.json",
            CaseKind::Verify => "user_hash_verify.json",
            CaseKind::Jwt => "user_jwt.json",
            CaseKind::JwtVerify => "user_jwt_verify.json",
        }
    }

    /// The feature an adapter announces in its handshake to be sent these cases; `None` for
    /// the user hash, which every adapter implements.
    pub fn feature(self) -> Option<&'static str> {
        match self {
            CaseKind::UserHash => None,
            CaseKind::Verify => Some("verify"),
            CaseKind::Jwt => Some("jwt"),
            CaseKind::JwtVerify => Some("verify_jwt"),
        }
    }
}

impl fmt::Display for CaseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happened to one case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The port answered as the vectors require.
    Pass,
    /// The port answered, wrongly.
    Fail,
    /// The port errored on input it must accept, hashed input it must reject, or broke the
    /// protocol (a non-JSON line, a wrong `seq`, a reply of the wrong shape).
    Error,
    /// Not run: the port skipped it, lacks the feature, or `--only`/`--skip` left it out.
    Skip,
    /// No reply within `--timeout`.
    Timeout,
    /// The port exited (or closed stdout) before replying.
    Crash,
    /// Listed in `--known-failures` and still failing.
    Xfail,
    /// Listed in `--known-failures` but now passing: remove it from the list.
    Xpass,
    /// An `acceptable` case answered differently from the reference's recommendation.
    Warn,
    /// Not run because restarts were exhausted or `--max-fail` was reached.
    NotRun,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 10] = [
        Outcome::Pass,
        Outcome::Fail,
        Outcome::Error,
        Outcome::Timeout,
        Outcome::Crash,
        Outcome::Warn,
        Outcome::Xfail,
        Outcome::Xpass,
        Outcome::Skip,
        Outcome::NotRun,
    ];

    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Error => "error",
            Outcome::Skip => "skip",
            Outcome::Timeout => "timeout",
            Outcome::Crash => "crash",
            Outcome::Xfail => "xfail",
            Outcome::Xpass => "xpass",
            Outcome::Warn => "warn",
            Outcome::NotRun => "not-run",
        }
    }

    /// Whether this outcome makes a run non-conformant (exit 1).
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Outcome::Fail | Outcome::Error | Outcome::Timeout | Outcome::Crash
        )
    }

    /// Whether the adapter process misbehaved (the report then carries its stderr tail).
    pub fn is_fault(self) -> bool {
        matches!(self, Outcome::Timeout | Outcome::Crash)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
