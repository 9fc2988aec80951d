//! The mutator of `cargo xtask fuzz`: from a seed input, a new one, deterministically for a
//! given RNG state.
//!
//! Stable Rust has no coverage-guided fuzzer (cargo-fuzz and its `-Zsanitizer=fuzzer` are
//! nightly), so the mutations carry the knowledge instead: byte-level ones in the spirit of
//! libFuzzer's (bit flips, insert, delete, duplicate, splice two inputs, interesting bytes and
//! numbers), format tokens each target lists, the classic troublemakers (huge numbers, deep
//! nesting, `\u0000`, invalid UTF-8, very long strings), and a JSON-aware mutation that
//! parses the input and rewrites one node, so a 50 KB vector file stays JSON and reaches the
//! schema and the loader instead of stopping at the first syntax error. Hand-written because
//! no crate in the tree mutates bytes (`arbitrary` builds values *from* bytes, proptest
//! generates fresh values rather than mutating a corpus); `rand` supplies the RNG.

use rand::RngExt;
use serde_json::{Map, Number, Value};

/// Inputs never grow beyond this (the checker reads lines of at most 1 MiB).
pub const MAX_INPUT: usize = 1 << 20;

/// Tokens worth inserting into any input.
const GENERIC_TOKENS: &[&[u8]] = &[
    b"\x00",
    b"\\u0000",
    b"\\ud800",
    b"\\\"",
    b"\"",
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"0",
    b"-1",
    b"1e309",
    b"9223372036854775807",
    b"18446744073709551615",
    b"340282366920938463463374607431768211456",
    b"0.000000000000000000000000000001",
    b"NaN",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\x80",
    b"\xef\xbf\xbd",
    b"\xe2\x80\xae",
    b"\x1b]0;x\x07",
];

/// Numbers that break parsers and converters: past 2^53, 2^64 and f64, fractions.
const NUMBERS: &[&[u8]] = &[
    b"0",
    b"1",
    b"2",
    b"99999999999999999999999",
    b"9007199254740993",
    b"1e999",
    b"1.5",
    b"4294967296",
    b"-0.0",
    b"5e-324",
    b"1.7976931348623157e308",
    b"1e21",
    b"1e-7",
    b"123456789012345678",
];

/// Floats where languages' number-to-text conversions switch notation or lose digits.
const FLOATS: &[f64] = &[
    0.0,
    -0.0,
    5e-324,
    1e-7,
    0.1,
    1.5,
    1e15,
    1e16,
    1e21,
    9007199254740994.0,
    f64::MAX,
];

/// Values a JSON node may become.
fn interesting_value(rng: &mut impl RngExt) -> Value {
    match rng.random_range(0..16) {
        0 => Value::Null,
        1 => Value::Bool(rng.random()),
        2 => Value::from(rng.random::<i64>()),
        3 => Value::from(rng.random::<u64>()),
        4 => Number::from_f64(rng.random::<f64>() * 1e300).map_or(Value::Null, Value::Number),
        5 => Number::from_f64(*pick(rng, FLOATS)).map_or(Value::from(0), Value::Number),
        6 => Value::from(-1),
        7 => Value::String(String::new()),
        8 => Value::String("a".repeat(rng.random_range(1..70_000))),
        9 => Value::String("\u{0}\n\r\t\u{1b}[31m\u{7f}\u{85}\u{2028}".into()),
        10 => Value::String("Łukasz ✓ 🔑 e\u{301}".into()),
        11 => Value::Array(Vec::new()),
        12 => Value::Object(Map::new()),
        13 => nested(rng.random_range(1..200)),
        14 => Value::String("0".repeat(64)),
        _ => Value::String(
            "003a9666f8c43026072598aef3adfd2251f799697d2eba54f8d4ac3b0e30ea56".to_uppercase(),
        ),
    }
}

fn nested(depth: usize) -> Value {
    (0..depth).fold(Value::Null, |inner, _| Value::Array(vec![inner]))
}

/// The mutator's view of the inputs it may splice from and the target's tokens.
pub struct Mutator<'a, R> {
    pub rng: R,
    pub tokens: &'a [&'a [u8]],
    pub corpus: &'a [Vec<u8>],
}

impl<R: RngExt> Mutator<'_, R> {
    /// A new input from `seed`: one to eight stacked mutations, of one part when the target's
    /// inputs are parts split at `separator` (now and then of the whole, separators included).
    pub fn mutate(&mut self, seed: &[u8], separator: Option<u8>) -> Vec<u8> {
        let mut input = seed.to_vec();
        let rounds = 1 + (self.rng.random::<u32>() % 8).trailing_zeros().min(7);
        for _ in 0..rounds {
            match separator {
                Some(sep) if !self.rng.random_ratio(1, 20) => {
                    let mut parts: Vec<Vec<u8>> =
                        input.split(|&b| b == sep).map(<[u8]>::to_vec).collect();
                    let index = self.rng.random_range(0..parts.len());
                    self.mutate_once(&mut parts[index]);
                    input = parts.join(&sep);
                }
                _ => self.mutate_once(&mut input),
            }
        }
        input.truncate(MAX_INPUT);
        input
    }

    fn mutate_once(&mut self, input: &mut Vec<u8>) {
        // The JSON-aware mutation most of the time the input is JSON: it is the one that gets
        // past the parser.
        if self.rng.random_ratio(1, 3) && mutate_json(&mut self.rng, input) {
            return;
        }
        let len = input.len();
        match self.rng.random_range(0..12) {
            0 if len > 0 => {
                let i = self.rng.random_range(0..len);
                input[i] ^= 1 << self.rng.random_range(0..8);
            }
            1 if len > 0 => {
                let i = self.rng.random_range(0..len);
                input[i] = *pick(&mut self.rng, b"\x00\xff\x7f\x80\"\\\n\r\t {}[],:0-e.");
            }
            2 => {
                let i = self.rng.random_range(0..=len);
                let byte: u8 = self.rng.random();
                input.insert(i, byte);
            }
            3 if len > 0 => {
                let (start, end) = self.range(len);
                input.drain(start..end);
            }
            4 if len > 0 => {
                let (start, end) = self.range(len);
                let copy = input[start..end].to_vec();
                let at = self.rng.random_range(0..=len);
                input.splice(at..at, copy);
            }
            5 => {
                let token = if self.rng.random_ratio(2, 3) && !self.tokens.is_empty() {
                    pick(&mut self.rng, self.tokens)
                } else {
                    pick(&mut self.rng, GENERIC_TOKENS)
                };
                let at = self.rng.random_range(0..=len);
                input.splice(at..at, token.iter().copied());
            }
            6 if !self.corpus.is_empty() => {
                // Splice: a range of another input replaces a range of this one.
                let other = pick(&mut self.rng, self.corpus);
                if !other.is_empty() {
                    let (from, to) = self.range(other.len());
                    let (start, end) = if len > 0 { self.range(len) } else { (0, 0) };
                    input.splice(start..end, other[from..to].iter().copied());
                }
            }
            7 if len > 0 => input.truncate(self.rng.random_range(0..len)),
            8 => {
                let at = self.rng.random_range(0..=len);
                let n = self.rng.random_range(1..300);
                let open = *pick(&mut self.rng, b"[{\"");
                input.splice(at..at, std::iter::repeat_n(open, n));
            }
            9 => {
                let at = self.rng.random_range(0..=len);
                let n = self.rng.random_range(1..100_000);
                let fill = *pick(&mut self.rng, b"a0 \\\"\xff");
                input.splice(at..at, std::iter::repeat_n(fill, n));
            }
            10 => self.replace_number(input),
            _ if len > 0 => {
                // Swap two bytes: moves a quote or a brace without changing the length.
                let (a, b) = (self.rng.random_range(0..len), self.rng.random_range(0..len));
                input.swap(a, b);
            }
            _ => input.push(self.rng.random()),
        }
    }

    /// A non-empty range of `0..len`, short more often than long.
    fn range(&mut self, len: usize) -> (usize, usize) {
        let start = self.rng.random_range(0..len);
        let max = (len - start).min(if self.rng.random_ratio(1, 8) { len } else { 16 });
        let size = self.rng.random_range(1..=max.max(1));
        (start, (start + size).min(len))
    }

    /// Replaces a run of digits with an interesting number.
    fn replace_number(&mut self, input: &mut Vec<u8>) {
        let digits: Vec<usize> = (0..input.len())
            .filter(|&i| input[i].is_ascii_digit() && (i == 0 || !input[i - 1].is_ascii_digit()))
            .collect();
        if digits.is_empty() {
            return;
        }
        let start = *pick(&mut self.rng, &digits);
        let end = (start..input.len())
            .find(|&i| !input[i].is_ascii_digit())
            .unwrap_or(input.len());
        let number = pick(&mut self.rng, NUMBERS);
        input.splice(start..end, number.iter().copied());
    }
}

fn pick<'a, T>(rng: &mut impl RngExt, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Parses `input` as JSON and rewrites one node; `false` (input unchanged) when it is not
/// JSON.
fn mutate_json(rng: &mut impl RngExt, input: &mut Vec<u8>) -> bool {
    let Ok(mut value) = serde_json::from_slice::<Value>(input) else {
        return false;
    };
    let count = count_nodes(&value);
    let target = rng.random_range(0..count);
    let mut seen = 0;
    rewrite(rng, &mut value, target, &mut seen);
    let text = if rng.random_ratio(1, 2) {
        serde_json::to_vec_pretty(&value)
    } else {
        serde_json::to_vec(&value)
    };
    match text {
        Ok(text) => {
            *input = text;
            true
        }
        Err(_) => false,
    }
}

fn count_nodes(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(map) => map.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// Rewrites the `target`-th node (pre-order), counting in `seen`; `true` once done.
fn rewrite(rng: &mut impl RngExt, value: &mut Value, target: usize, seen: &mut usize) -> bool {
    if *seen == target {
        mutate_node(rng, value);
        return true;
    }
    *seen += 1;
    match value {
        Value::Array(items) => items
            .iter_mut()
            .any(|item| rewrite(rng, item, target, seen)),
        Value::Object(map) => map
            .values_mut()
            .any(|item| rewrite(rng, item, target, seen)),
        _ => false,
    }
}

fn mutate_node(rng: &mut impl RngExt, value: &mut Value) {
    match value {
        Value::Object(map) if !map.is_empty() && rng.random_ratio(1, 2) => {
            let index = rng.random_range(0..map.len());
            let key = map.keys().nth(index).cloned().unwrap_or_default();
            match rng.random_range(0..3) {
                0 => {
                    map.shift_remove(&key);
                }
                1 => {
                    // A key that differs by case or a space: schemas and serde see a stranger.
                    if let Some(inner) = map.shift_remove(&key) {
                        let renamed = if rng.random() {
                            key.to_uppercase()
                        } else {
                            format!("{key} ")
                        };
                        map.insert(renamed, inner);
                    }
                }
                _ => {
                    map.insert(format!("extra{index}"), interesting_value(rng));
                }
            }
        }
        Value::Array(items) if !items.is_empty() && rng.random_ratio(1, 2) => {
            let index = rng.random_range(0..items.len());
            match rng.random_range(0..3) {
                0 => {
                    items.remove(index);
                }
                1 => {
                    let copy = items[index].clone();
                    items.insert(index, copy);
                }
                _ => items.push(interesting_value(rng)),
            }
        }
        Value::String(text) if rng.random_ratio(1, 2) => {
            let edits: [fn(&str) -> String; 6] = [
                str::to_uppercase,
                |t| format!("{t}\n"),
                |t| format!(" {t}"),
                |t| t.chars().rev().collect(),
                |t| t.repeat(3),
                |t| t.chars().take(t.chars().count() / 2).collect(),
            ];
            *text = pick(rng, &edits)(text);
        }
        Value::Number(number) if rng.random_ratio(1, 2) => {
            let n = number.as_i64().unwrap_or(0);
            *value = match rng.random_range(0..4) {
                0 => Value::from(n.wrapping_add(1)),
                1 => Value::from(n.wrapping_neg()),
                2 => Value::from(i64::MAX),
                _ => Number::from_f64(n as f64 + 0.5).map_or(Value::Null, Value::Number),
            };
        }
        _ => *value = interesting_value(rng),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::Xoshiro256PlusPlus;
    use rand::SeedableRng;

    fn mutator<'a>(seed: u64, corpus: &'a [Vec<u8>]) -> Mutator<'a, Xoshiro256PlusPlus> {
        Mutator {
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
            tokens: &[b"\"seq\":"],
            corpus,
        }
    }

    #[test]
    fn the_same_seed_makes_the_same_inputs() {
        let corpus = vec![b"{\"seq\":1,\"user_hash\":null}".to_vec()];
        let run = |seed| {
            let mut m = mutator(seed, &corpus);
            (0..200)
                .map(|_| m.mutate(&corpus[0], None))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn mutations_change_inputs_and_keep_some_json() {
        let corpus = vec![br#"{"a":[1,2,{"b":"c"}],"d":null}"#.to_vec()];
        let mut m = mutator(1, &corpus);
        let outputs: Vec<Vec<u8>> = (0..500).map(|_| m.mutate(&corpus[0], None)).collect();
        let changed = outputs.iter().filter(|o| **o != corpus[0]).count();
        let json = outputs
            .iter()
            .filter(|o| serde_json::from_slice::<Value>(o).is_ok())
            .count();
        assert!(changed > 450, "{changed} of 500 changed");
        assert!(json > 100, "only {json} of 500 still JSON");
        assert!(outputs.iter().all(|o| o.len() <= MAX_INPUT));
    }

    #[test]
    fn parts_keep_their_separators_mostly() {
        let seed = b"one\xfftwo\xffthree".to_vec();
        let corpus = vec![seed.clone()];
        let mut m = mutator(3, &corpus);
        let kept = (0..400)
            .filter(|_| m.mutate(&seed, Some(0xff)).split(|&b| b == 0xff).count() == 3)
            .count();
        assert!(kept > 250, "{kept} of 400 kept three parts");
    }

    #[test]
    fn every_node_can_be_rewritten() {
        let value: Value = serde_json::from_str(r#"{"a":[1,{"b":true}],"c":"x"}"#).unwrap();
        assert_eq!(count_nodes(&value), 6);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(0);
        for target in 0..6 {
            let mut copy = value.clone();
            let mut seen = 0;
            assert!(rewrite(&mut rng, &mut copy, target, &mut seen), "{target}");
        }
    }
}
