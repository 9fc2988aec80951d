//! A probe's protocol request, and the JSON line it is sent as.
//!
//! The request serializes with serde like any other (the tests compare with that), but is
//! sent as [`Request::to_json`] writes it. Measured reason: `serde_json` walks every string
//! byte by byte through its escape table, and an explored request is about 300 bytes of
//! generated strings (a secret, identifiers, a token): serializing was 7 % of the checker's
//! instructions per case against the C port (callgrind, 20,000 cases), this writer half that.
//! Strings are escaped in place as `serde_json` escapes them, a run of plain text at a time;
//! claims are written member by member the same way, and only floats still go through
//! `serde_json`, so the bytes are the same.

use serde::Serialize;
use serde_json::{Map, Value};

use super::escapes;

/// A probe's protocol request, borrowed from the probe, so no map is built per case.
#[derive(Serialize)]
pub struct Request<'a> {
    pub(super) cmd: &'static str,
    pub(super) id: &'a str,
    pub(super) secret: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) user_id: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) email: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) user_hash: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) claims: Option<&'a Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) jwt: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) now: Option<i64>,
}

impl Request<'_> {
    /// The request as a JSON object, byte for byte what `serde_json::to_string` makes of it.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    /// [`Request::to_json`], appended to `out` (a string to reuse).
    pub fn write_json(&self, out: &mut String) {
        let text_len = |value: Option<&Value>| value.and_then(Value::as_str).map_or(8, str::len);
        // Room for it all, so the string is not moved while it grows (a claims object is
        // seldom longer than 200 bytes).
        out.reserve(
            96 + self.secret.len()
                + self.id.len()
                + text_len(self.user_id)
                + text_len(self.email)
                + self.user_hash.map_or(0, str::len)
                + self.claims.map_or(0, |_| 200)
                + self.jwt.map_or(0, str::len),
        );
        // A command's name is plain: it is quoted without looking for escapes.
        debug_assert!(escapes::first(self.cmd.as_bytes(), 0).is_none());
        out.push_str("{\"cmd\":\"");
        out.push_str(self.cmd);
        out.push_str("\",\"id\":");
        write_str(out, self.id);
        out.push_str(",\"secret\":");
        write_str(out, self.secret);
        if let Some(user_id) = self.user_id {
            out.push_str(",\"user_id\":");
            write_value(out, user_id);
        }
        if let Some(email) = self.email {
            out.push_str(",\"email\":");
            write_value(out, email);
        }
        if let Some(user_hash) = self.user_hash {
            out.push_str(",\"user_hash\":");
            write_str(out, user_hash);
        }
        if let Some(claims) = self.claims {
            out.push_str(",\"claims\":");
            write_object(out, claims);
        }
        if let Some(jwt) = self.jwt {
            out.push_str(",\"jwt\":");
            write_str(out, jwt);
        }
        if let Some(now) = self.now {
            out.push_str(",\"now\":");
            out.push_str(itoa::Buffer::new().format(now));
        }
        out.push('}');
    }
}

/// A JSON string, escaped as `serde_json` escapes it (the tests compare the two byte for
/// byte): the short escapes for `"`, `\`, backspace, form feed, newline, carriage return and
/// tab, `\u00xx` in lowercase hex for the other control characters, and nothing else. Written
/// in place, a run of plain text at a time: many explored requests have a string to escape (a
/// secret with a quote, an identifier with a control character), and going through
/// `serde_json::to_string` for those was an allocation per string.
pub(super) fn write_str(out: &mut String, text: &str) {
    out.push('"');
    let mut plain_from = 0;
    while let Some(escaped) = escapes::first(text.as_bytes(), plain_from) {
        // `escaped` is an ASCII byte, so the slice ends on a character boundary.
        if escaped > plain_from {
            out.push_str(&text[plain_from..escaped]);
        }
        write_escape(out, text.as_bytes()[escaped]);
        plain_from = escaped + 1;
    }
    out.push_str(&text[plain_from..]);
    out.push('"');
}

/// The escape of a byte JSON requires escaped, as `serde_json` writes it.
fn write_escape(out: &mut String, byte: u8) {
    // Pushed a character at a time: `push_str` of a two-byte escape was a `memcpy` call.
    out.push('\\');
    let short = match byte {
        b'"' => '"',
        b'\\' => '\\',
        0x08 => 'b',
        0x0c => 'f',
        b'\n' => 'n',
        b'\r' => 'r',
        b'\t' => 't',
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            char::from(HEX[usize::from(byte & 0xf)])
        }
    };
    out.push(short);
}

pub(super) fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::String(text) => write_str(out, text),
        Value::Number(number) => match (number.as_i64(), number.as_u64()) {
            (Some(n), _) => out.push_str(itoa::Buffer::new().format(n)),
            (None, Some(n)) => out.push_str(itoa::Buffer::new().format(n)),
            _ => write_serialized(out, number),
        },
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(members) => write_object(out, members),
    }
}

/// An object, in its order: claims, a quarter of explored requests. Through `serde_json` they
/// were an allocation and its escape table per request (perf: 3 % of the checker's CPU).
fn write_object(out: &mut String, members: &Map<String, Value>) {
    out.push('{');
    for (index, (key, value)) in members.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_str(out, key);
        out.push(':');
        write_value(out, value);
    }
    out.push('}');
}

/// Serializing JSON fails only for values that are not JSON (a map with non-string keys); a
/// request holds none, and would then carry `null` in that field.
fn write_serialized(out: &mut String, value: &(impl Serialize + ?Sized)) {
    match serde_json::to_string(value) {
        Ok(json) => out.push_str(&json),
        Err(_) => out.push_str("null"),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::super::gen::{SplitMix64, Tape};
    use super::super::{probe, Kinds};
    use super::*;

    /// Every kind of generated probe is written byte for byte as serde_json writes it.
    #[test]
    fn generated_requests_are_written_as_serde_json_writes_them() {
        let kinds = Kinds {
            verify: true,
            jwt: true,
            verify_jwt: true,
        };
        let mut seeds = SplitMix64::new(3);
        let mut escaped = 0;
        for case in 0..20_000u64 {
            let probe = probe(&mut Tape::random(SplitMix64::new(seeds.next_u64())), kinds);
            let id = format!("explore-{case}");
            let request = probe.line(&id);
            let ours = request.to_json();
            let theirs = serde_json::to_string(&request).expect("a request serializes");
            assert_eq!(ours, theirs);
            escaped += usize::from(ours.contains('\\'));
        }
        // The fallback to serde_json was taken too, not only the copy.
        assert!(escaped > 1_000, "only {escaped} requests had an escape");
    }

    /// Every ASCII character and a few others, alone or beside an escape, at every offset of
    /// an eight-byte word and in the padded last word: what `write_str` finds a word at a
    /// time is exactly what serde_json escapes.
    #[test]
    fn every_character_at_every_offset_is_escaped_as_serde_json_escapes_it() {
        let others = ['\u{7f}', '\u{80}', '\u{e9}', '\u{2028}', '\u{1f511}'];
        for odd in (0u8..0x80).map(char::from).chain(others) {
            for len in 0..20 {
                for at in 0..=len {
                    for beside in ["", "\"", "\u{1}"] {
                        let text: String =
                            "x".repeat(at) + &odd.to_string() + beside + &"y".repeat(len - at);
                        let mut ours = String::new();
                        write_str(&mut ours, &text);
                        let theirs = serde_json::to_string(&text).expect("a string serializes");
                        assert_eq!(ours, theirs, "{text:?}");
                    }
                }
            }
        }
    }

    /// Text with one character in it that may need escaping: every ASCII character (each
    /// control character, the quote and the backslash among them) or any other, so that each
    /// is the only one of its kind in a string often enough.
    fn text() -> impl Strategy<Value = String> {
        let odd = prop_oneof![prop::char::range('\0', '\u{7f}'), any::<char>()];
        (
            "[a-z \u{e9}\u{2028}\u{1f511}]{0,8}",
            odd,
            any::<prop::sample::Index>(),
        )
            .prop_map(|(plain, odd, at)| {
                let chars: Vec<char> = plain.chars().collect();
                let at = at.index(chars.len() + 1);
                chars[..at]
                    .iter()
                    .chain(std::iter::once(&odd))
                    .chain(&chars[at..])
                    .collect()
            })
    }

    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from), // NaN and infinities become null
            text().prop_map(Value::from),
        ];
        // Claims nest: arrays and objects (keys that need escaping too), two levels deep.
        leaf.prop_recursive(2, 12, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::vec((text(), inner), 0..4)
                    .prop_map(|members| Value::Object(members.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Any strings and values: control characters, quotes, backslashes, U+2028 and astral
        /// characters among them.
        #[test]
        fn any_request_is_written_as_serde_json_writes_it(
            secret in text(),
            id in text(),
            user_id in prop::option::of(any_value()),
            email in prop::option::of(any_value()),
            user_hash in prop::option::of(text()),
            jwt in prop::option::of(text()),
            now in prop::option::of(any::<i64>()),
            claim in prop::option::of(any_value()),
        ) {
            let claims = claim.map(|value| {
                let mut claims = Map::new();
                claims.insert("user_id".into(), value);
                claims.insert("nested".into(), json!({"a": [1, "\u{0}"]}));
                claims
            });
            let request = Request {
                cmd: "user_hash",
                id: &id,
                secret: &secret,
                user_id: user_id.as_ref(),
                email: email.as_ref(),
                user_hash: user_hash.as_deref(),
                claims: claims.as_ref(),
                jwt: jwt.as_deref(),
                now,
            };
            let theirs = serde_json::to_string(&request).expect("a request serializes");
            prop_assert_eq!(request.to_json(), theirs);
        }
    }
}
