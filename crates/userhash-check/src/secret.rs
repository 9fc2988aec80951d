//! Reading secrets: from an environment variable or a file (or stdin), never from argv, and
//! never echoed.

use std::fmt;
use std::io::Read;
use std::path::PathBuf;

/// The longest secret read from a file or stdin. Identity-verification secrets are tens of
/// bytes; anything this long is the wrong file (or `/dev/zero`), and reading it whole could
/// exhaust memory.
pub const MAX_SECRET_BYTES: u64 = 64 * 1024;

/// Where a secret comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretSource {
    /// An environment variable's name.
    Env(String),
    /// A file; `-` is stdin.
    File(PathBuf),
}

impl SecretSource {
    /// How messages name the source (never the secret itself).
    pub fn describe(&self) -> String {
        match self {
            SecretSource::Env(var) => format!("environment variable {var}"),
            SecretSource::File(path) if path.as_os_str() == "-" => "standard input".into(),
            SecretSource::File(path) => format!("file {}", path.display()),
        }
    }
}

/// A secret; its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Reads a secret; errors name the source and the fix, never the secret.
pub fn read(source: &SecretSource, strip_newline: bool) -> Result<Secret, String> {
    let origin = source.describe();
    let text = match source {
        SecretSource::Env(var) => match std::env::var(var) {
            Ok(text) => text,
            Err(std::env::VarError::NotPresent) => {
                return Err(format!(
                    "{origin} is not set; export it with the identity-verification secret"
                ))
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(format!(
                    "{origin} is not valid UTF-8; the secret is used as UTF-8 text"
                ))
            }
        },
        SecretSource::File(path) => {
            let mut bytes = Vec::new();
            // One byte past the limit tells "too long" from "exactly at the limit".
            let read = if path.as_os_str() == "-" {
                std::io::stdin()
                    .take(MAX_SECRET_BYTES + 1)
                    .read_to_end(&mut bytes)
            } else {
                std::fs::File::open(path)
                    .and_then(|file| file.take(MAX_SECRET_BYTES + 1).read_to_end(&mut bytes))
            };
            read.map_err(|e| format!("cannot read the secret from {origin}: {e}"))?;
            if bytes.len() as u64 > MAX_SECRET_BYTES {
                return Err(format!(
                    "{origin} holds more than {} KiB, which is not an identity-verification secret; \
                     pass the file that holds only the secret",
                    MAX_SECRET_BYTES / 1024
                ));
            }
            String::from_utf8(bytes).map_err(|_| {
                format!("{origin} is not valid UTF-8; the secret is used as UTF-8 text")
            })?
        }
    };
    check(text, &origin, strip_newline)
}

/// Applies the trailing-newline and emptiness rules to a secret read from `origin`.
pub fn check(mut text: String, origin: &str, strip_newline: bool) -> Result<Secret, String> {
    if text.ends_with('\n') || text.ends_with('\r') {
        if !strip_newline {
            return Err(format!(
                "the secret in {origin} ends with a newline. Hashing with it is the classic \
                 TRAILING_NEWLINE_IN_SECRET mistake (`echo` without -n, a file saved by an editor); \
                 pass --strip-newline to remove it, or write the secret without one"
            ));
        }
        while text.ends_with('\n') || text.ends_with('\r') {
            text.pop();
        }
    }
    if text.is_empty() {
        return Err(format!(
            "the secret in {origin} is empty; use the identity-verification secret from the workspace settings"
        ));
    }
    Ok(Secret(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_newline_is_an_error_unless_stripped() {
        let err = check("s3cret\n".into(), "file x", false).expect_err("newline");
        assert!(err.contains("TRAILING_NEWLINE_IN_SECRET") && err.contains("--strip-newline"));
        assert!(!err.contains("s3cret"));
        assert_eq!(
            check("s3cret\r\n".into(), "x", true)
                .expect("stripped")
                .expose(),
            "s3cret"
        );
        assert_eq!(
            check(" s3cret ".into(), "x", false).expect("kept").expose(),
            " s3cret "
        );
    }

    #[test]
    fn empty_is_an_error() {
        assert!(check(String::new(), "x", false).is_err());
        assert!(check("\n".into(), "x", true).is_err());
    }

    #[test]
    fn never_shown() {
        let secret = check("hunter2".into(), "x", false).expect("ok");
        assert!(!format!("{secret:?} {secret}").contains("hunter2"));
    }
}
