//! Scrubbing private secrets from everything a port writes, before anything else reads it.
//!
//! The embedded suite's secrets are public test material. A `--vectors` directory may hold
//! private ones, and a port can echo a secret back in an error, on stderr, in a line that is not
//! JSON, or as its "hash". Every line of the adapter's stdout and its stderr tail pass through
//! [`Scrubber::scrub`] where they enter the checker, so no report, annotation or message can
//! carry the secret, nor its hex, base64 or JSON-escaped forms.

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, MatchKind};
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;

/// What a scrubbed secret is replaced with.
pub const REDACTED: &str = "<redacted>";

/// Secrets shorter than this are not scrubbed: replacing every "k" of a report would destroy it,
/// and such a secret protects nothing.
pub const MIN_SECRET_LEN: usize = 4;

/// Finds and replaces the forms of a set of secrets.
#[derive(Clone, Debug, Default)]
pub struct Scrubber {
    matcher: Option<AhoCorasick>,
}

/// The forms a secret can take in a port's output.
fn forms(secret: &str) -> Vec<String> {
    let bytes = secret.as_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    // A JSON string's body, as a port that serialises its error would write it.
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json_body = json
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(&json)
        .to_owned();
    vec![
        secret.to_owned(),
        json_body,
        hex.to_ascii_uppercase(),
        hex,
        STANDARD.encode(bytes),
        STANDARD_NO_PAD.encode(bytes),
        URL_SAFE.encode(bytes),
        URL_SAFE_NO_PAD.encode(bytes),
    ]
}

impl Scrubber {
    /// A scrubber for `secrets` (those shorter than [`MIN_SECRET_LEN`] are left alone).
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Scrubber {
        let mut needles: Vec<String> = secrets
            .into_iter()
            .filter(|secret| secret.len() >= MIN_SECRET_LEN)
            .flat_map(forms)
            .filter(|form| !form.is_empty())
            .collect();
        needles.sort();
        needles.dedup();
        if needles.is_empty() {
            return Scrubber::default();
        }
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&needles)
            .ok();
        Scrubber { matcher }
    }

    /// Whether there is anything to scrub.
    pub fn is_empty(&self) -> bool {
        self.matcher.is_none()
    }

    /// `text` with every form of every secret replaced by [`REDACTED`].
    pub fn scrub<'t>(&self, text: &'t str) -> Cow<'t, str> {
        match &self.matcher {
            Some(matcher) if matcher.is_match(text) => {
                Cow::Owned(matcher.replace_all(text, &vec![REDACTED; matcher.patterns_len()]))
            }
            _ => Cow::Borrowed(text),
        }
    }

    /// Like [`Scrubber::scrub`], for raw bytes (a line that may not be UTF-8).
    pub fn scrub_bytes<'b>(&self, bytes: &'b [u8]) -> Cow<'b, [u8]> {
        match &self.matcher {
            Some(matcher) if matcher.is_match(bytes) => Cow::Owned(
                matcher
                    .replace_all_bytes(bytes, &vec![REDACTED.as_bytes(); matcher.patterns_len()]),
            ),
            _ => Cow::Borrowed(bytes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_is_scrubbed() {
        let secret = "pr1vate\"secret";
        let scrubber = Scrubber::new([secret, "k"]);
        for form in forms(secret) {
            let text = format!("error: bad secret {form}!");
            let scrubbed = scrubber.scrub(&text);
            assert!(!scrubbed.contains(&form), "{form} survived: {scrubbed}");
            assert!(scrubbed.contains(REDACTED), "{scrubbed}");
        }
        // Short secrets are left alone, and text without a secret is not copied.
        assert!(matches!(scrubber.scrub("keep k"), Cow::Borrowed("keep k")));
        assert!(Scrubber::new(["abc"]).is_empty());
        let bytes = scrubber.scrub_bytes(b"\xffpr1vate\"secret\xfe");
        assert_eq!(&*bytes, b"\xff<redacted>\xfe");
    }
}
