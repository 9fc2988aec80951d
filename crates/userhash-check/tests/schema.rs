//! The hand-written schema validator (`src/schema.rs`): it compiles the suite's schemas, accepts
//! the published files, and agrees with the `jsonschema` crate on thousands of mutations of them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proptest::prelude::RngExt;
use proptest::test_runner::{RngAlgorithm, TestRng};
use serde_json::{json, Value};
use userhash_check::schema::Schema;
use userhash_check::suite::EMBEDDED_SCHEMAS;

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors")
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("JSON")
}

/// Every published vector file, by name, with its schema (named by the file's `schema` field).
fn published() -> Vec<(String, Value, Value)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(vectors_dir()).expect("vectors/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|ext| ext == "json") {
            let document = parse(&std::fs::read_to_string(&path).expect("read"));
            let schema_name = document["schema"]
                .as_str()
                .expect("schema field")
                .to_owned();
            let schema_path = vectors_dir().join("schema").join(&schema_name);
            let schema = parse(&std::fs::read_to_string(schema_path).expect("schema file"));
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            files.push((name, document, schema));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

#[test]
fn the_checker_and_generator_schemas_compile() {
    let generator = userhash_vectors::SCHEMAS;
    for (name, text) in EMBEDDED_SCHEMAS.iter().chain(generator.iter()) {
        if let Err(error) = Schema::compile(&parse(text)) {
            panic!("{name}: {error}");
        }
    }
}

#[test]
fn every_published_file_validates() {
    let files = published();
    assert_eq!(
        files.len(),
        5,
        "{:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for (name, document, schema) in files {
        let schema = Schema::compile(&schema).expect("compiles");
        if let Err(error) = schema.validate(&document) {
            panic!("{name}: {error}");
        }
    }
}

/// A step of a JSON pointer.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn pointer(path: &[Step]) -> String {
    path.iter()
        .map(|step| match step {
            Step::Key(key) => format!("/{}", key.replace('~', "~0").replace('/', "~1")),
            Step::Index(index) => format!("/{index}"),
        })
        .collect()
}

fn at<'v>(value: &'v mut Value, path: &[Step]) -> &'v mut Value {
    path.iter().fold(value, |value, step| match step {
        Step::Key(key) => &mut value[key.as_str()],
        Step::Index(index) => &mut value[*index],
    })
}

fn nodes(value: &Value, path: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, Value)>) {
    out.push((path.clone(), value.clone()));
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                path.push(Step::Key(key.clone()));
                nodes(member, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(Step::Index(index));
                nodes(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// One change to a document; the path it touches is where the first error must be (or below).
#[derive(Clone, Debug)]
enum Mutation {
    Replace(Value),
    Remove(String),
    Insert(String, Value),
}

/// Every string an `enum` or `const` of the schemas allows: setting a field to another field's
/// allowed value is the likeliest hand edit.
fn allowed_strings(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(members) => {
            for (key, member) in members {
                match (key.as_str(), member) {
                    ("const", Value::String(text)) => out.push(text.clone()),
                    ("enum", Value::Array(choices)) => {
                        out.extend(choices.iter().filter_map(|c| c.as_str().map(str::to_owned)));
                    }
                    _ => allowed_strings(member, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| allowed_strings(item, out)),
        _ => {}
    }
}

/// What can be done to `value`: any other type, numbers at the edges of `integer`, `minimum`
/// and `enum`, strings that break a pattern, an enum or `minLength`, arrays that break
/// `uniqueItems`, objects missing a required property or with one too many (including ones
/// that make a `oneOf` match no branch, and names that break `propertyNames`).
fn mutations(value: &Value, allowed: &[String]) -> Vec<Mutation> {
    let mut out: Vec<Mutation> = [
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(1),
        json!(-1),
        json!(1.0),
        json!(-0.5),
        json!(2.5),
        json!(128),
        json!(128.0),
        json!(256.0),
        json!(1e300),
        json!(""),
        json!("x"),
        json!("\u{1D11E}"),
        json!([]),
        json!({}),
        json!(["A", "A"]),
        json!([1, 1.0]),
        json!({"Fine": {"bugType": "BASIC", "description": "d"}}),
    ]
    .into_iter()
    .map(Mutation::Replace)
    .collect();
    match value {
        Value::String(text) => {
            let mut strings: Vec<String> = allowed.to_vec();
            let mut chars = text.chars();
            chars.next_back();
            // A non-ASCII digit after the first character, where `\d` (not `[1-9]`) decides.
            let second = text.chars().next().map_or(0, char::len_utf8);
            let digit_inserted = |digit: char| {
                let mut text = text.clone();
                text.insert(second, digit);
                text
            };
            strings.extend([
                text.to_uppercase(),
                format!("{text}X"),
                format!("{text}0"),
                format!("0{text}"),
                format!("{text}\n"),
                chars.as_str().to_owned(),
                text.chars().skip(1).collect(),
                text.replacen(|c: char| c.is_ascii_digit(), "\u{661}", 1),
                digit_inserted('\u{661}'),
                digit_inserted('\u{FF11}'),
                text.replacen(|c: char| c.is_ascii_digit(), "\u{FF11}", 1),
                text.replacen('-', "_", 1),
                text.replacen('.', "", 1),
                "NewFlag".into(),
                "lower-case".into(),
                "Bad-Flag".into(),
                "1.0.0".into(),
                "01.0.0".into(),
                "1.0.0-".into(),
                "a".repeat(64),
                "0".repeat(64),
            ]);
            out.extend(
                strings
                    .into_iter()
                    .map(|s| Mutation::Replace(Value::String(s))),
            );
        }
        Value::Number(number) => {
            if let Some(float) = number.as_f64() {
                out.extend(
                    [
                        json!(float),
                        json!(-float),
                        json!(float + 0.5),
                        json!(float + 1.0),
                    ]
                    .into_iter()
                    .map(Mutation::Replace),
                );
            }
            if let Some(int) = number.as_i64() {
                out.extend(
                    [json!(-int), json!(int + 1)]
                        .into_iter()
                        .map(Mutation::Replace),
                );
            }
        }
        Value::Array(items) => {
            let with = |extra: &[Value]| {
                let mut items = items.clone();
                items.extend_from_slice(extra);
                Mutation::Replace(Value::Array(items))
            };
            if let Some(first) = items.first() {
                out.push(with(std::slice::from_ref(first)));
                out.push(Mutation::Replace(Value::Array(items[1..].to_vec())));
            }
            out.push(with(&[json!(1), json!(1.0)]));
            out.push(with(&[json!("NewFlag")]));
            out.push(with(&[json!("lowercase")]));
            out.push(with(&[json!(7)]));
        }
        Value::Object(members) => {
            out.extend(members.keys().map(|key| Mutation::Remove(key.clone())));
            let first = members.values().next().cloned().unwrap_or(json!({}));
            out.extend([
                Mutation::Insert("unexpectedProperty".into(), json!(1)),
                Mutation::Insert("error".into(), json!("empty_secret")),
                Mutation::Insert("identity".into(), json!("email")),
                Mutation::Insert("user_hash".into(), json!(null)),
                Mutation::Insert("lowercase".into(), first.clone()),
                Mutation::Insert("Bad-Name".into(), first.clone()),
                Mutation::Insert("NewName9".into(), first),
            ]);
        }
        Value::Null | Value::Bool(_) => {}
    }
    out
}

fn apply(document: &Value, path: &[Step], mutation: &Mutation) -> (Value, Vec<Step>) {
    let mut changed = document.clone();
    let target = at(&mut changed, path);
    let mut touched = path.to_vec();
    match mutation {
        Mutation::Replace(value) => *target = value.clone(),
        Mutation::Remove(key) => {
            if let Value::Object(members) = target {
                members.shift_remove(key);
            }
            touched.push(Step::Key(key.clone()));
        }
        Mutation::Insert(key, value) => {
            if let Value::Object(members) = target {
                members.insert(key.clone(), value.clone());
            }
            touched.push(Step::Key(key.clone()));
        }
    }
    (changed, touched)
}

/// Whether `prefix` is `path` or one of its ancestors, step by step (`/tests/1` is not an
/// ancestor of `/tests/10`).
fn is_at_or_above(prefix: &str, path: &str) -> bool {
    prefix == path || path.starts_with(&format!("{prefix}/")) || prefix.is_empty()
}

/// A node's place in the format: array indices and note names do not matter, the kind of value
/// (and an object's keys) do. The first node of each shape gets every mutation.
fn shape(path: &[Step], value: &Value) -> String {
    let mut shape = String::new();
    let mut parent_is_notes = false;
    for step in path {
        match step {
            Step::Key(_) if parent_is_notes => shape.push_str("/*"),
            Step::Key(key) => shape.push_str(&format!("/{key}")),
            Step::Index(_) => shape.push_str("/[]"),
        }
        parent_is_notes = matches!(step, Step::Key(key) if key == "notes");
    }
    let kind = match value {
        Value::Object(members) => format!("{:?}", members.keys().collect::<Vec<_>>()),
        Value::Array(_) => "array".into(),
        Value::String(_) => "string".into(),
        Value::Number(_) => "number".into(),
        Value::Bool(_) => "boolean".into(),
        Value::Null => "null".into(),
    };
    format!("{shape} {kind}")
}

/// Every node of every published file is mutated: the first node of each shape with every
/// mutation, the others with a few drawn by a seeded RNG (so every run checks the same
/// documents). Both validators must give the same verdict; when invalid, our first error must
/// point at the change or above it (or inside a replaced value).
///
/// Each document keeps the envelope and one test case: the schemas relate no test to another,
/// and the `jsonschema` crate is unoptimised in a debug build, so a whole file per mutation
/// would cost seventy times more for nothing.
#[test]
fn agrees_with_the_jsonschema_crate_on_mutated_vector_files() {
    const PER_NODE: usize = 4;
    let mut rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    let mut checked = 0;
    let mut invalid = 0;
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    let mut disagreements = Vec::new();
    let mut shapes = BTreeSet::new();
    for (name, document, schema_value) in published() {
        let ours = Schema::compile(&schema_value).expect("ours compiles");
        let theirs = jsonschema::draft202012::new(&schema_value).expect("theirs compiles");
        let mut allowed = Vec::new();
        allowed_strings(&schema_value, &mut allowed);
        allowed.sort();
        allowed.dedup();
        let tests = document["tests"].as_array().expect("tests").clone();
        for (index, case) in tests.into_iter().enumerate() {
            let mut reduced = document.clone();
            reduced["tests"] = Value::Array(vec![case]);
            let mut all = Vec::new();
            nodes(&reduced, &mut Vec::new(), &mut all);
            for (path, value) in all {
                // The envelope is mutated once, with the first case.
                let in_case = matches!(path.first(), Some(Step::Key(key)) if key == "tests")
                    && path.len() > 1;
                if index > 0 && !in_case {
                    continue;
                }
                let candidates = mutations(&value, &allowed);
                let chosen: Vec<&Mutation> = if shapes.insert((name.clone(), shape(&path, &value)))
                {
                    candidates.iter().collect()
                } else {
                    (0..PER_NODE)
                        .map(|_| &candidates[rng.random_range(0..candidates.len())])
                        .collect()
                };
                for mutation in chosen {
                    let (changed, touched) = apply(&reduced, &path, mutation);
                    let touched = pointer(&touched);
                    checked += 1;
                    let verdict = ours.validate(&changed);
                    let expected = theirs.is_valid(&changed);
                    let kind = match (&verdict, expected) {
                        (Ok(()), true) => "both valid",
                        (Err(_), false) => "both invalid",
                        _ => "disagree",
                    };
                    *by_kind.entry(kind).or_default() += 1;
                    match verdict {
                        Ok(()) if !expected => disagreements.push(format!(
                            "{name} test {index}: {mutation:?} at {touched}: ours valid, \
                             jsonschema: {:?}",
                            theirs.iter_errors(&changed).next().map(|e| e.to_string())
                        )),
                        Err(error) if expected => disagreements.push(format!(
                            "{name} test {index}: {mutation:?} at {touched}: jsonschema valid, \
                             ours: {error}"
                        )),
                        Err(error) => {
                            invalid += 1;
                            // A replaced value is changed throughout, so the error may be
                            // inside it; otherwise it is at the change or above.
                            let inside = matches!(mutation, Mutation::Replace(_))
                                && is_at_or_above(&touched, &error.pointer);
                            if !inside && !is_at_or_above(&error.pointer, &touched) {
                                disagreements.push(format!(
                                    "{name} test {index}: {mutation:?} at {touched}: our error \
                                     is elsewhere: {error}"
                                ));
                            }
                            assert!(!error.message.is_empty());
                        }
                        Ok(()) => {}
                    }
                }
            }
        }
    }
    eprintln!("{checked} mutated documents: {by_kind:?}");
    assert!(
        disagreements.is_empty(),
        "{} of {checked} documents:\n{}",
        disagreements.len(),
        disagreements
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Not vacuous: most mutations break the file, and some keep it valid.
    assert!(checked > 5000, "{checked}: {by_kind:?}");
    assert!(invalid > checked / 2, "{by_kind:?}");
    assert!(checked - invalid > 300, "{by_kind:?}");
}
