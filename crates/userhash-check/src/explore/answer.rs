//! Replies as `explore` reads them: the common shapes straight into Rust values, the rest into
//! a JSON tree.
//!
//! Almost every reply an explored port sends is `{"seq":N,"user_hash":…}`, `{"seq":N,
//! "valid":…}`, `{"seq":N,"jwt":…}` or `{"seq":N,"error":"…"}` (an eighth of them against the
//! C port: empty secrets, unsignable claims). Read into a [`Value`], each one built an
//! order-keeping map (two SipHashed keys, five allocations) that [`Reply::parse`] then searched
//! four times: 8 % of the checker's instructions per explored case (callgrind, 20,000 cases
//! against the C port), and 4 % of its time once gone. An [`Answer`] reads those shapes without
//! a tree, and hands anything else (another key, a key twice, an escaped key, a value of another
//! type) to `serde_json` as before. The two readings must agree on every line: a proptest here and the
//! `reply` fuzz target hold them to it. A common shape written plainly (no escapes) is read by
//! `plain` straight from its bytes, and by `serde_json`'s visitor otherwise.

mod plain;

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::adapter::{Decode, Received};
use crate::classify::Reply;
use crate::outcome::CaseKind;

/// A reply line: one of the common shapes, read, or anything else as a JSON tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// `seq` (an unsigned integer) and one answer field, and nothing else.
    Common(Common),
    /// Any other JSON.
    Tree(Value),
}

/// A common reply: its `seq`, its answer field, and which came first (so that the tree it
/// stands for, and so a protocol error's message, is the one `serde_json` reads).
#[derive(Clone, Debug, PartialEq)]
pub struct Common {
    seq: u64,
    field: Field,
    seq_first: bool,
}

/// The answer field of a common reply.
#[derive(Clone, Debug, PartialEq)]
enum Field {
    /// `"user_hash"`: a string or null.
    UserHash(Option<String>),
    /// `"valid"`: a boolean.
    Valid(bool),
    /// `"jwt"`: a string.
    Jwt(String),
    /// `"error"`: a string (any other value is shown as JSON, which the tree does).
    Error(String),
    /// `"skipped"`: a string.
    Skipped(String),
}

impl Answer {
    /// The reply to a request of `kind`, as [`Reply::parse`] reads the same line.
    pub fn into_reply(self, kind: CaseKind) -> Reply {
        match (self, kind) {
            (Answer::Common(Common { field, .. }), _) if field.answers(kind) => match field {
                Field::UserHash(hash) => Reply::Hash(hash),
                Field::Valid(valid) => Reply::Valid(valid),
                Field::Jwt(token) => Reply::Jwt(token),
                Field::Error(message) => Reply::Error(message),
                Field::Skipped(reason) => Reply::Skipped(reason),
            },
            // Another command's field: the tree says how it is malformed, in the port's words.
            (answer, kind) => Reply::parse(&answer.into_value(), kind),
        }
    }
}

impl Field {
    /// Whether this is the field a reply to `kind` carries (an error or a skip answers any).
    fn answers(&self, kind: CaseKind) -> bool {
        matches!(
            (self, kind),
            (Field::Error(_) | Field::Skipped(_), _)
                | (Field::UserHash(_), CaseKind::UserHash)
                | (Field::Valid(_), CaseKind::Verify | CaseKind::JwtVerify)
                | (Field::Jwt(_), CaseKind::Jwt)
        )
    }

    fn into_entry(self) -> (String, Value) {
        match self {
            Field::UserHash(hash) => ("user_hash".into(), hash.map_or(Value::Null, Value::String)),
            Field::Valid(valid) => ("valid".into(), Value::Bool(valid)),
            Field::Jwt(token) => ("jwt".into(), Value::String(token)),
            Field::Error(message) => ("error".into(), Value::String(message)),
            Field::Skipped(reason) => ("skipped".into(), Value::String(reason)),
        }
    }
}

impl Decode for Answer {
    fn decode(text: &str) -> serde_json::Result<Answer> {
        if let Some(common) = plain::read(text) {
            return Ok(Answer::Common(common));
        }
        match serde_json::from_str::<Common>(text) {
            Ok(common) => Ok(Answer::Common(common)),
            // Not a common shape (or not JSON): the tree decides, and its error is the one
            // reported.
            Err(_) => serde_json::from_str(text).map(Answer::Tree),
        }
    }

    fn seq(&self) -> Option<u64> {
        match self {
            Answer::Common(common) => Some(common.seq),
            Answer::Tree(tree) => tree.seq(),
        }
    }

    fn into_value(self) -> Value {
        match self {
            Answer::Tree(tree) => tree,
            Answer::Common(Common {
                seq,
                field,
                seq_first,
            }) => {
                let seq = ("seq".to_owned(), Value::from(seq));
                let field = field.into_entry();
                let entries = if seq_first {
                    [seq, field]
                } else {
                    [field, seq]
                };
                Value::Object(entries.into_iter().collect::<Map<String, Value>>())
            }
        }
    }
}

/// Checks that `line` reads the same as an [`Answer`] as it does as the tree `run` reads
/// (`tree`: serde_json's reading of it, `None` when it is not JSON): a reply exactly when it is
/// JSON, the same seq, the same tree (as text: equal maps may hold their keys in another order,
/// and a protocol error prints the tree), and the same reply to every kind of request.
/// `Ok(true)` when the line was read as a common shape. For the `reply` fuzz target and the
/// tests.
pub fn agrees_with_tree(line: &[u8], tree: Option<&Value>) -> Result<bool, String> {
    let (answer, tree) = match (crate::adapter::parse_line_as::<Answer>(line), tree) {
        (Received::Reply(answer), Some(tree)) => (answer, tree),
        (Received::Garbage(_), None) => return Ok(false),
        (read, tree) => {
            return Err(format!(
                "explore read {read:?} from {:?}, which serde_json reads as {tree:?}",
                String::from_utf8_lossy(line)
            ))
        }
    };
    let common = matches!(answer, Answer::Common(_));
    if answer.seq() != tree.seq() {
        return Err(format!("explore read seq {:?} from {tree}", answer.seq()));
    }
    for kind in [
        CaseKind::UserHash,
        CaseKind::Verify,
        CaseKind::Jwt,
        CaseKind::JwtVerify,
    ] {
        let (fast, slow) = (answer.clone().into_reply(kind), Reply::parse(tree, kind));
        if fast != slow {
            return Err(format!(
                "explore read {fast:?} as {kind} from {tree}, not {slow:?}"
            ));
        }
    }
    let (ours, theirs) = (answer.into_value().to_string(), tree.to_string());
    if ours != theirs {
        return Err(format!(
            "explore's tree {ours} is not serde_json's {theirs}"
        ));
    }
    Ok(common)
}

impl<'de> Deserialize<'de> for Common {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Common, D::Error> {
        deserializer.deserialize_map(CommonVisitor)
    }
}

struct CommonVisitor;

impl<'de> Visitor<'de> for CommonVisitor {
    type Value = Common;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object of seq and one answer field")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Common, A::Error> {
        let (mut seq, mut field) = (None, None);
        let mut seq_first = false;
        // A borrowed key: a key with an escape in it is not a common shape (the tree reads it).
        while let Some(key) = map.next_key::<&str>()? {
            match key {
                "seq" if seq.is_none() => {
                    seq = Some(map.next_value::<u64>()?);
                    seq_first = field.is_none();
                }
                "user_hash" if field.is_none() => {
                    field = Some(Field::UserHash(map.next_value()?));
                }
                "valid" if field.is_none() => field = Some(Field::Valid(map.next_value()?)),
                "jwt" if field.is_none() => field = Some(Field::Jwt(map.next_value()?)),
                "error" if field.is_none() => field = Some(Field::Error(map.next_value()?)),
                "skipped" if field.is_none() => {
                    field = Some(Field::Skipped(map.next_value()?));
                }
                // Another key, or one twice (the tree keeps the last value, in the first
                // place): not a common shape.
                _ => return Err(de::Error::custom("not a common reply")),
            }
        }
        match (seq, field) {
            (Some(seq), Some(field)) => Ok(Common {
                seq,
                field,
                seq_first,
            }),
            _ => Err(de::Error::custom("not a common reply")),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Whether `line` was read as a common shape; panics where the two readings differ.
    fn agree(line: &str) -> bool {
        let tree = serde_json::from_str::<Value>(line).ok();
        agrees_with_tree(line.as_bytes(), tree.as_ref()).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The common shapes are read without a tree, in either order; every near miss falls back
    /// to the tree, and both readings agree on all of them.
    #[test]
    fn the_common_shapes_and_their_near_misses() {
        let common = [
            r#"{"seq":1,"user_hash":"ab"}"#,
            r#"{"user_hash":null,"seq":2}"#,
            r#"{"seq":3,"valid":true}"#,
            r#" { "valid" : false , "seq" : 18446744073709551615 } "#,
            r#"{"seq":0,"jwt":"a.b.c"}"#,
            r#"{"seq":4,"user_hash":"caf\u00e9 \"q\""}"#,
            r#"{"seq":5,"error":"bad"}"#,
            r#"{"skipped":"no","seq":6}"#,
        ];
        for line in common {
            assert!(agree(line), "{line} was not read as a common shape");
        }
        let near_misses = [
            r#"{"seq":1}"#,
            r#"{"user_hash":"ab"}"#,
            r#"{"seq":1,"user_hash":"ab","extra":1}"#,
            r#"{"seq":1,"user_hash":"ab","user_hash":"cd"}"#,
            r#"{"seq":1,"seq":2,"valid":true}"#,
            r#"{"seq":1,"valid":true,"seq":2}"#,
            r#"{"seq":1,"valid":true,"jwt":"x"}"#,
            r#"{"se\u0071":1,"valid":true}"#,
            r#"{"seq":1.0,"valid":true}"#,
            r#"{"seq":-1,"valid":true}"#,
            r#"{"seq":18446744073709551616,"valid":true}"#,
            r#"{"seq":1e0,"valid":true}"#,
            r#"{"seq":"1","valid":true}"#,
            r#"{"seq":1,"valid":"true"}"#,
            r#"{"seq":1,"user_hash":5}"#,
            r#"{"seq":1,"jwt":null}"#,
            r#"{"seq":1,"error":null}"#,
            r#"{"seq":1,"error":{"code":7}}"#,
            r#"{"seq":1,"skipped":false}"#,
            r#"{"seq":1,"error":"bad","skipped":"no"}"#,
            r#"{"seq":1,"user_hash":"ab","error":"bad"}"#,
            r#"{"seq":1,"valid":[[[[true]]]]}"#,
            r#"[1]"#,
            r#"null"#,
            r#"{}"#,
        ];
        for line in near_misses {
            assert!(!agree(line), "{line} was read as a common shape");
        }
        for garbage in [
            r#"{"seq":1,"valid":true} x"#,
            r#"{"seq":1,"valid":tru}"#,
            r#"{"seq":01,"valid":true}"#,
            "{\"seq\":1,\"user_hash\":\"a\u{1}b\"}",
            r#"{"seq":1,"valid":true"#,
            "",
        ] {
            assert!(!agree(garbage));
        }
        // Nested past the recursion limit: the tree's error is the one reported.
        let deep = format!(r#"{{"seq":1,"x":{}1{}}}"#, "[".repeat(200), "]".repeat(200));
        let error = Answer::decode(&deep).expect_err("too deep");
        assert!(
            error.to_string().starts_with("recursion limit exceeded"),
            "{error}"
        );
    }

    /// An entry made of the keys and values replies have, with and without escapes and
    /// whitespace.
    fn entries() -> impl Strategy<Value = String> {
        let key = prop::sample::select(vec![
            r#""seq""#,
            r#""user_hash""#,
            r#""valid""#,
            r#""jwt""#,
            r#""error""#,
            r#""skipped""#,
            r#""s\u0065q""#,
            r#""x""#,
        ]);
        let value = prop::sample::select(vec![
            "0",
            "1",
            "7",
            "-1",
            "-0",
            "1.0",
            "1e0",
            "18446744073709551615",
            "18446744073709551616",
            "01",
            "null",
            "true",
            "false",
            r#""""#,
            r#""ab""#,
            r#""\u00e9\n\"""#,
            "\"a\u{1}\"",
            "[]",
            r#"{"seq":1}"#,
        ]);
        let space = prop::sample::select(vec!["", " ", "\t", "\r\n"]);
        (key, space, value).prop_map(|(key, space, value)| format!("{space}{key}{space}:{value}"))
    }

    /// Reply lines: a common shape in either order, perhaps with more entries around it, or
    /// entries drawn at random.
    fn lines() -> impl Strategy<Value = String> {
        let field = prop_oneof![
            prop::option::of("[a-f0-9\"\\\\é]{0,4}").prop_map(|hash| format!(
                r#""user_hash":{}"#,
                serde_json::to_string(&hash).unwrap_or_default()
            )),
            any::<bool>().prop_map(|valid| format!(r#""valid":{valid}"#)),
            "[a-z.]{0,6}".prop_map(|token| format!(r#""jwt":"{token}""#)),
        ];
        // Any u64, and the numbers near it that are not one.
        let seq = prop_oneof![
            3 => any::<u64>().prop_map(|seq| seq.to_string()),
            1 => prop::sample::select(vec!["0", "01", "-1", "1.5", "1e3", "18446744073709551616"])
                .prop_map(str::to_owned),
        ];
        let shaped = (
            seq,
            field,
            any::<bool>(),
            prop::collection::vec(entries(), 0..2),
        )
            .prop_map(|(seq, field, seq_first, extra)| {
                let seq = format!(r#""seq":{seq}"#);
                let mut fields = if seq_first {
                    vec![seq, field]
                } else {
                    vec![field, seq]
                };
                fields.extend(extra);
                format!("{{{}}}", fields.join(","))
            });
        let mixed = prop::collection::vec(entries(), 0..4)
            .prop_map(|fields| format!("{{{}}}", fields.join(",")));
        prop_oneof![shaped, mixed]
    }

    proptest! {
        #[test]
        fn both_readings_agree_on_any_reply(line in lines()) {
            agree(&line);
        }

        #[test]
        fn the_plain_reader_reads_what_serde_json_reads_or_declines(line in lines()) {
            if let Some(common) = plain::read(&line) {
                prop_assert_eq!(Some(common), serde_json::from_str::<Common>(&line).ok());
            }
        }
    }

    /// The replies ports send, as they write them, are read by the plain reader.
    #[test]
    fn replies_as_ports_write_them_are_read_plainly() {
        for line in [
            r#"{"seq":1,"user_hash":"6b035aa0271382a82a6fc615daa3fefa597d9af5a08e43d9a20e3e97f5af45f8"}"#,
            r#"{"seq": 2, "valid": false}"#,
            r#"{"seq":3,"error":"secret must be a non-empty string"}"#,
            r#"{"seq":4,"jwt":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoiODcifQ.9duzx5X8"}"#,
            r#"{"user_hash":null,"seq":5}"#,
            r#"{"seq":6,"skipped":"verify is not implemented"}"#,
        ] {
            let plain = plain::read(line);
            assert!(plain.is_some(), "{line}");
            assert_eq!(plain, serde_json::from_str::<Common>(line).ok());
        }
    }
}
