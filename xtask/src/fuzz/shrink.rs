//! Shrinking a failing input before it is saved, bounded in time: a regression file should
//! show the failure, not 70 KB of vector file around it.
//!
//! Structure first, as proptest's `VecValueTree` deletes elements before it shrinks them: in
//! each part that is JSON, array elements and object members are removed one at a time while
//! the failure stays the same (a vector file's 72 tests become the one that matters). Then
//! bytes: chunks of halving size are cut out, ddmin-style, until none can go.

use std::time::Instant;

use serde_json::Value;

/// One step of a path into a JSON value.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// The smallest input found before `deadline` for which `same` still holds. `separator`
/// splits the input into parts that are shrunk as JSON each (none: the whole is one part).
pub fn shrink(
    input: &[u8],
    separator: Option<u8>,
    deadline: Instant,
    same: &dyn Fn(&[u8]) -> bool,
) -> Vec<u8> {
    let best = shrink_json(input, separator, deadline, same);
    shrink_bytes(best, deadline, same)
}

fn split(input: &[u8], separator: Option<u8>) -> Vec<Vec<u8>> {
    match separator {
        Some(sep) => input.split(|&b| b == sep).map(<[u8]>::to_vec).collect(),
        None => vec![input.to_vec()],
    }
}

fn join(parts: &[Vec<u8>], separator: Option<u8>) -> Vec<u8> {
    match separator {
        Some(sep) => parts.join(&sep),
        None => parts.concat(),
    }
}

fn shrink_json(
    input: &[u8],
    separator: Option<u8>,
    deadline: Instant,
    same: &dyn Fn(&[u8]) -> bool,
) -> Vec<u8> {
    let mut parts = split(input, separator);
    for index in 0..parts.len() {
        let Ok(mut value) = serde_json::from_slice::<Value>(&parts[index]) else {
            continue;
        };
        let with = |parts: &[Vec<u8>], value: &Value| -> Option<Vec<u8>> {
            let mut parts = parts.to_vec();
            parts[index] = serde_json::to_vec_pretty(value).ok()?;
            Some(join(&parts, separator))
        };
        // The part re-serialised must still fail the same way, or its layout matters.
        match with(&parts, &value) {
            Some(candidate) if same(&candidate) => {}
            _ => continue,
        }
        let mut next = 0;
        loop {
            let paths = removable(&value);
            let Some(path) = paths.get(next) else {
                break;
            };
            if Instant::now() >= deadline {
                break;
            }
            let mut smaller = value.clone();
            remove(&mut smaller, path);
            match with(&parts, &smaller) {
                Some(candidate) if same(&candidate) => value = smaller,
                _ => next += 1,
            }
        }
        if let Ok(text) = serde_json::to_vec_pretty(&value) {
            parts[index] = text;
        }
    }
    join(&parts, separator)
}

/// Every array element and object member, in pre-order (outer ones first: removing them
/// saves the most).
fn removable(value: &Value) -> Vec<Vec<Step>> {
    fn walk(value: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        let children: Vec<(Step, &Value)> = match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (Step::Index(i), v))
                .collect(),
            Value::Object(map) => map.iter().map(|(k, v)| (Step::Key(k.clone()), v)).collect(),
            _ => Vec::new(),
        };
        for (step, child) in children {
            path.push(step);
            out.push(path.clone());
            walk(child, path, out);
            path.pop();
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

fn remove(value: &mut Value, path: &[Step]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = value;
    for step in parents {
        let child = match (step, node) {
            (Step::Key(key), Value::Object(map)) => map.get_mut(key),
            (Step::Index(i), Value::Array(items)) => items.get_mut(*i),
            _ => None,
        };
        let Some(child) = child else {
            return;
        };
        node = child;
    }
    match (last, node) {
        (Step::Key(key), Value::Object(map)) => {
            map.shift_remove(key);
        }
        (Step::Index(i), Value::Array(items)) if *i < items.len() => {
            items.remove(*i);
        }
        _ => {}
    }
}

fn shrink_bytes(mut best: Vec<u8>, deadline: Instant, same: &dyn Fn(&[u8]) -> bool) -> Vec<u8> {
    let mut chunk = best.len().div_ceil(2);
    while chunk > 0 && Instant::now() < deadline {
        let mut start = 0;
        let mut removed = false;
        while start < best.len() && Instant::now() < deadline {
            let end = (start + chunk).min(best.len());
            let candidate = [&best[..start], &best[end..]].concat();
            if same(&candidate) {
                best = candidate;
                removed = true;
            } else {
                start = end;
            }
        }
        if !removed {
            chunk /= 2;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(10)
    }

    #[test]
    fn json_parts_lose_what_does_not_matter() {
        let input = br#"{"tests":[{"id":"a","x":1},{"id":"bad","x":2},{"id":"c"}],"n":3}"#;
        let same = |data: &[u8]| data.windows(5).any(|w| w == b"\"bad\"");
        let small = shrink(input, None, soon(), &same);
        assert_eq!(small, b"\"bad\"");
    }

    #[test]
    fn parts_are_shrunk_one_by_one_and_keep_their_separators() {
        let input = b"[1,2,3]\xff{\"k\":[4,5]}";
        let same = |data: &[u8]| {
            let parts: Vec<&[u8]> = data.split(|&b| b == 0xff).collect();
            parts.len() == 2 && parts[1].contains(&b'5')
        };
        let small = shrink(input, Some(0xff), soon(), &same);
        assert_eq!(small, b"\xff5");
    }

    #[test]
    fn removing_by_path() {
        let mut value: Value = serde_json::from_str(r#"{"a":[1,{"b":2,"c":3}]}"#).unwrap();
        assert_eq!(removable(&value).len(), 5);
        remove(
            &mut value,
            &[Step::Key("a".into()), Step::Index(1), Step::Key("b".into())],
        );
        assert_eq!(value, serde_json::json!({"a": [1, {"c": 3}]}));
    }
}
