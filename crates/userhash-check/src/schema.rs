//! A JSON Schema (draft 2020-12) validator for exactly the keywords of the suite's own schemas,
//! used to check vector files given with `--vectors DIR` before they are read.
//!
//! Why hand-written (measured, 2 cores, empty target dir, `cargo build --release -p
//! userhash-check --timings`): with the `jsonschema` crate the cold build took 96 s and compiled
//! 96 crates, 64 of them from `jsonschema`'s tree; `jsonschema` alone took 48.6 s at the end of
//! the critical path (after fancy-regex, referencing, num-bigint). Measured again back to back,
//! with no other build running: 89.2 s, 98 crates, 172 s of CPU before; 35.9 s, 53 crates, 70 s
//! of CPU with this module (release profile without `strip`). `boon` pulls `url`/`idna`/ICU,
//! so it is no lighter. The checker only ever validates against its three embedded schemas, so
//! a validator for the keywords they use is enough, on two conditions that this module keeps:
//!
//! - compiling a schema **refuses** any keyword it does not implement (other than pure
//!   annotations) and any `$ref` that does not resolve, so a schema edit that needs more fails
//!   the tests instead of being silently ignored;
//! - `tests/schema.rs` holds it to `jsonschema`'s verdicts (still a dev-dependency) on thousands
//!   of mutated vector files.
//!
//! Patterns are ECMA-262 regexes; `translate` turns them into `regex-automata` syntax (the
//! engine of the `regex` crate, already built for `globset`) or refuses what it cannot translate.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt::{self, Write as _};

use regex_automata::meta::Regex;
use serde_json::{Map, Number, Value};

/// The only dialect this module implements.
const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// A schema that cannot be compiled: it uses something this validator does not implement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// JSON pointer into the schema (`""` = the root).
    pub location: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "schema at #{}: {}", self.location, self.message)
    }
}

impl std::error::Error for CompileError {}

/// The first reason an instance does not match a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// JSON pointer to the offending value in the instance (`""` = the whole instance).
    pub pointer: String,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "at {}: {}", self.pointer, self.message)
        }
    }
}

impl std::error::Error for ValidationError {}

/// A compiled schema: every subschema once, `$ref`s resolved to indices, patterns compiled.
#[derive(Debug)]
pub struct Schema {
    nodes: Vec<Node>,
}

/// The root is always the first node compiled.
const ROOT: usize = 0;

#[derive(Debug)]
enum Node {
    /// `true`, or an object of annotations only.
    Any,
    /// `false`.
    Nothing,
    Checks(Box<Checks>),
}

#[derive(Debug, Default)]
struct Checks {
    reference: Option<usize>,
    types: Option<Types>,
    constant: Option<Value>,
    choices: Option<Vec<Value>>,
    min_length: Option<usize>,
    pattern: Option<Pattern>,
    minimum: Option<Number>,
    required: Vec<String>,
    property_names: Option<usize>,
    /// In schema order, which the "allowed" list of messages follows. A linear search: our
    /// objects have at most eight properties.
    properties: Vec<(String, usize)>,
    additional: Option<usize>,
    items: Option<usize>,
    unique_items: bool,
    one_of: Vec<usize>,
}

#[derive(Debug)]
struct Pattern {
    /// As written in the schema, for messages.
    source: String,
    regex: Regex,
}

impl Schema {
    /// Compiles a draft 2020-12 schema, refusing any keyword this validator does not implement.
    pub fn compile(schema: &Value) -> Result<Schema, CompileError> {
        let mut compiler = Compiler {
            root: schema,
            nodes: Vec::new(),
            locations: Vec::new(),
            by_location: HashMap::new(),
        };
        compiler.node(String::new(), schema)?;
        compiler.refuse_cycles()?;
        Ok(Schema {
            nodes: compiler.nodes,
        })
    }

    /// The first error of `instance` against this schema, in document order.
    pub fn validate(&self, instance: &Value) -> Result<(), ValidationError> {
        self.check(ROOT, instance, &Path::Root)
    }

    /// Whether `instance` matches.
    pub fn is_valid(&self, instance: &Value) -> bool {
        self.validate(instance).is_ok()
    }

    fn check(&self, node: usize, value: &Value, path: &Path<'_>) -> Result<(), ValidationError> {
        let checks = match &self.nodes[node] {
            Node::Any => return Ok(()),
            Node::Nothing => return Err(path.error("no value is allowed here".into())),
            Node::Checks(checks) => checks,
        };
        if let Some(target) = checks.reference {
            self.check(target, value, path)?;
        }
        if let Some(types) = checks.types {
            if !types.admits(value) {
                return Err(path.error(format!(
                    "expected {}, found {}",
                    types.describe(),
                    show(value)
                )));
            }
        }
        if let Some(constant) = &checks.constant {
            if !equal(constant, value) {
                return Err(path.error(format!(
                    "expected {}, found {}",
                    show(constant),
                    show(value)
                )));
            }
        }
        if let Some(choices) = &checks.choices {
            if !choices.iter().any(|choice| equal(choice, value)) {
                let list: Vec<String> = choices.iter().map(show).collect();
                return Err(path.error(format!(
                    "{} is not one of {}",
                    show(value),
                    list.join(", ")
                )));
            }
        }
        match value {
            Value::String(text) => self.check_string(checks, text, value, path)?,
            Value::Number(number) => {
                if let Some(minimum) = &checks.minimum {
                    if compare(number, minimum) == Some(Ordering::Less) {
                        return Err(
                            path.error(format!("{number} is less than the minimum, {minimum}"))
                        );
                    }
                }
            }
            Value::Object(members) => self.check_object(checks, members, path)?,
            Value::Array(items) => self.check_array(checks, items, path)?,
            Value::Null | Value::Bool(_) => {}
        }
        if !checks.one_of.is_empty() {
            self.check_one_of(&checks.one_of, value, path)?;
        }
        Ok(())
    }

    fn check_string(
        &self,
        checks: &Checks,
        text: &str,
        value: &Value,
        path: &Path<'_>,
    ) -> Result<(), ValidationError> {
        if let Some(min) = checks.min_length {
            // JSON Schema counts code points, not bytes; stop counting once there are enough.
            if text.chars().take(min).count() < min {
                let unit = if min == 1 { "character" } else { "characters" };
                return Err(path.error(format!(
                    "{} is too short: at least {min} {unit} required",
                    show(value)
                )));
            }
        }
        if let Some(pattern) = &checks.pattern {
            if !pattern.regex.is_match(text) {
                return Err(path.error(format!(
                    "{} does not match the pattern {}",
                    show(value),
                    pattern.source
                )));
            }
        }
        Ok(())
    }

    fn check_object(
        &self,
        checks: &Checks,
        members: &Map<String, Value>,
        path: &Path<'_>,
    ) -> Result<(), ValidationError> {
        for name in &checks.required {
            if !members.contains_key(name) {
                return Err(path.error(format!("missing required property {}", quote(name))));
            }
        }
        for (name, member) in members {
            let here = Path::Key(path, name);
            if let Some(names) = checks.property_names {
                let as_value = Value::String(name.clone());
                if let Err(error) = self.check(names, &as_value, &Path::Root) {
                    return Err(here.error(format!(
                        "property name {}: {}",
                        quote(name),
                        error.message
                    )));
                }
            }
            match checks.properties.iter().find(|(known, _)| known == name) {
                Some((_, schema)) => self.check(*schema, member, &here)?,
                None => match checks.additional {
                    Some(extra) if matches!(self.nodes[extra], Node::Nothing) => {
                        return Err(here.error(not_allowed(name, &checks.properties)));
                    }
                    Some(extra) => self.check(extra, member, &here)?,
                    None => {}
                },
            }
        }
        Ok(())
    }

    fn check_array(
        &self,
        checks: &Checks,
        items: &[Value],
        path: &Path<'_>,
    ) -> Result<(), ValidationError> {
        if let Some(schema) = checks.items {
            for (index, item) in items.iter().enumerate() {
                self.check(schema, item, &Path::Index(path, index))?;
            }
        }
        if checks.unique_items {
            if let Some((first, again)) = first_duplicate(items) {
                return Err(path.error(format!(
                    "items {first} and {again} are equal ({}); each item may appear only once",
                    show(&items[again])
                )));
            }
        }
        Ok(())
    }

    fn check_one_of(
        &self,
        branches: &[usize],
        value: &Value,
        path: &Path<'_>,
    ) -> Result<(), ValidationError> {
        let mut matched = Vec::new();
        let mut failures = Vec::new();
        let mut of_the_type = Vec::new();
        for (index, &branch) in branches.iter().enumerate() {
            match self.check(branch, value, path) {
                Ok(()) => matched.push(index + 1),
                Err(error) if self.wrong_type(branch, value) => failures.push(error),
                Err(error) => of_the_type.push(error),
            }
        }
        match matched.len() {
            1 => Ok(()),
            // A branch for the value's type is the one the author meant ("ABC" for "a hex
            // string or null" is a bad hex string, not a bad null).
            0 if !of_the_type.is_empty() => Err(closest(of_the_type, path)),
            0 => Err(closest(failures, path)),
            _ => {
                let numbers: Vec<String> = matched.iter().map(ToString::to_string).collect();
                Err(path.error(format!(
                    "{} matches more than one of the allowed forms (numbers {}); it must match \
                     exactly one",
                    show(value),
                    numbers.join(" and ")
                )))
            }
        }
    }

    /// Whether `node` (or what it refers to) requires another type than `value`'s.
    fn wrong_type(&self, node: usize, value: &Value) -> bool {
        match &self.nodes[node] {
            Node::Checks(checks) => {
                checks.types.is_some_and(|types| !types.admits(value))
                    || checks
                        .reference
                        .is_some_and(|target| self.wrong_type(target, value))
            }
            Node::Any | Node::Nothing => false,
        }
    }
}

/// The error to report when no `oneOf` branch matches: the branch that got deepest into the
/// value is most likely the one the author meant, so its error is the useful one; when no branch
/// got further than another, all of them are listed.
fn closest(mut failures: Vec<ValidationError>, path: &Path<'_>) -> ValidationError {
    let depth = |error: &ValidationError| error.pointer.matches('/').count();
    let deepest = failures.iter().map(depth).max().unwrap_or(0);
    let at_deepest = failures.iter().filter(|e| depth(e) == deepest).count();
    if at_deepest == 1 && deepest > path.depth() {
        if let Some(index) = failures.iter().position(|e| depth(e) == deepest) {
            return failures.swap_remove(index);
        }
    }
    let pointer = path.pointer();
    let mut reasons: Vec<String> = Vec::new();
    for failure in failures {
        let reason = if failure.pointer == pointer {
            failure.message
        } else {
            format!("at {}: {}", failure.pointer, failure.message)
        };
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    if reasons.len() == 1 {
        return ValidationError {
            pointer,
            message: reasons.remove(0),
        };
    }
    let listed: Vec<String> = reasons
        .iter()
        .enumerate()
        .map(|(index, reason)| format!("({}) {reason}", index + 1))
        .collect();
    ValidationError {
        pointer,
        message: format!("matches none of the allowed forms: {}", listed.join("; ")),
    }
}

fn not_allowed(name: &str, known: &[(String, usize)]) -> String {
    if known.is_empty() {
        return format!("property {} is not allowed: no properties are", quote(name));
    }
    let names: Vec<String> = known.iter().map(|(known, _)| quote(known)).collect();
    format!(
        "property {} is not allowed (allowed: {})",
        quote(name),
        names.join(", ")
    )
}

/// Where a value is in the instance, kept on the stack while validating; the pointer string is
/// only built for an error.
#[derive(Clone, Copy)]
enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl Path<'_> {
    fn pointer(&self) -> String {
        let mut pointer = String::new();
        self.write(&mut pointer);
        pointer
    }

    fn write(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(parent, key) => {
                parent.write(out);
                out.push('/');
                out.push_str(&escape(key));
            }
            Path::Index(parent, index) => {
                parent.write(out);
                let _ = write!(out, "/{index}");
            }
        }
    }

    fn depth(&self) -> usize {
        match self {
            Path::Root => 0,
            Path::Key(parent, _) | Path::Index(parent, _) => parent.depth() + 1,
        }
    }

    fn error(&self, message: String) -> ValidationError {
        ValidationError {
            pointer: self.pointer(),
            message,
        }
    }
}

/// A JSON pointer reference token.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A value as it is written in JSON (control characters escaped, so a message cannot drive the
/// terminal), cut short: messages quote user-supplied values, which can be long.
fn show(value: &Value) -> String {
    const LIMIT: usize = 60;
    let text = value.to_string();
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

fn quote(text: &str) -> String {
    show(&Value::String(text.to_owned()))
}

/// The JSON types, in the order of their bits in [`Types`] and of messages ("a string or null").
const TYPE_NAMES: [(&str, &str); 7] = [
    ("string", "a string"),
    ("integer", "an integer"),
    ("number", "a number"),
    ("boolean", "a boolean"),
    ("object", "an object"),
    ("array", "an array"),
    ("null", "null"),
];

#[derive(Debug, Clone, Copy)]
struct Types(u8);

impl Types {
    fn parse(value: &Value) -> Result<Types, String> {
        let names: Vec<&Value> = match value {
            Value::Array(names) if !names.is_empty() => names.iter().collect(),
            Value::String(_) => vec![value],
            _ => return Err("type must be a type name or a non-empty array of them".into()),
        };
        let mut bits = 0;
        for name in names {
            let index = TYPE_NAMES
                .iter()
                .position(|(known, _)| Some(*known) == name.as_str())
                .ok_or_else(|| format!("{} is not a JSON Schema type", show(name)))?;
            bits |= 1 << index;
        }
        Ok(Types(bits))
    }

    fn has(self, name: &str) -> bool {
        TYPE_NAMES
            .iter()
            .position(|(known, _)| *known == name)
            .is_some_and(|index| self.0 & (1 << index) != 0)
    }

    fn admits(self, value: &Value) -> bool {
        match value {
            Value::Null => self.has("null"),
            Value::Bool(_) => self.has("boolean"),
            Value::Object(_) => self.has("object"),
            Value::Array(_) => self.has("array"),
            Value::String(_) => self.has("string"),
            Value::Number(number) => {
                self.has("number") || (self.has("integer") && is_integral(number))
            }
        }
    }

    fn describe(self) -> String {
        let names: Vec<&str> = TYPE_NAMES
            .iter()
            .filter(|(name, _)| self.has(name))
            .map(|(_, described)| *described)
            .collect();
        match names.split_last() {
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => "nothing".to_owned(),
        }
    }
}

/// A JSON number as serde_json holds it: i128 holds every u64 and i64 exactly.
#[derive(Clone, Copy)]
enum Num {
    Int(i128),
    Float(f64),
}

fn num(number: &Number) -> Num {
    if let Some(int) = number.as_i64() {
        Num::Int(int.into())
    } else if let Some(int) = number.as_u64() {
        Num::Int(int.into())
    } else {
        Num::Float(number.as_f64().unwrap_or(f64::NAN))
    }
}

/// 2^127, exactly: every float at or beyond it is beyond every integer serde_json parses.
const I128_LIMIT: f64 = i128::MAX as f64;

/// JSON Schema's `integer`: any number whose fraction is zero, `1.0` included.
fn is_integral(number: &Number) -> bool {
    match num(number) {
        Num::Int(_) => true,
        Num::Float(float) => float.is_finite() && float.fract() == 0.0,
    }
}

/// Numeric order across integers and floats, exact (no rounding of large integers to f64).
fn compare(a: &Number, b: &Number) -> Option<Ordering> {
    match (num(a), num(b)) {
        (Num::Int(x), Num::Int(y)) => Some(x.cmp(&y)),
        (Num::Float(x), Num::Float(y)) => x.partial_cmp(&y),
        (Num::Float(x), Num::Int(y)) => float_vs_int(x, y),
        (Num::Int(x), Num::Float(y)) => float_vs_int(y, x).map(Ordering::reverse),
    }
}

fn float_vs_int(float: f64, int: i128) -> Option<Ordering> {
    if float.is_nan() {
        return None;
    }
    if float >= I128_LIMIT {
        return Some(Ordering::Greater);
    }
    if float < -I128_LIMIT {
        return Some(Ordering::Less);
    }
    // In range, the truncation is exact; the fraction breaks a tie between the whole parts.
    let whole = float.trunc() as i128;
    Some(
        whole
            .cmp(&int)
            .then(float.fract().partial_cmp(&0.0).unwrap_or(Ordering::Equal)),
    )
}

/// JSON Schema equality: numbers by value (`1` = `1.0`), objects regardless of member order.
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => compare(x, y) == Some(Ordering::Equal),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| equal(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, x)| y.get(key).is_some_and(|y| equal(x, y)))
        }
        _ => a == b,
    }
}

/// The first pair of equal items, by canonical form in a hash map: linear, where comparing
/// every pair would make a long array in a user's file quadratic.
fn first_duplicate(items: &[Value]) -> Option<(usize, usize)> {
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let mut key = String::new();
        canonical(item, &mut key);
        if let Some(&first) = seen.get(&key) {
            return Some((first, index));
        }
        seen.insert(key, index);
    }
    None
}

/// A text that is the same for two values exactly when [`equal`] holds: integral numbers as
/// integers, other floats by their shortest round-trip form, object members sorted, strings
/// length-prefixed so that no content can fake a delimiter.
fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push('n'),
        Value::Bool(flag) => out.push(if *flag { 't' } else { 'f' }),
        Value::Number(number) => {
            let _ = match num(number) {
                Num::Int(int) => write!(out, "i{int}"),
                Num::Float(float) if float.fract() == 0.0 && float.abs() < I128_LIMIT => {
                    write!(out, "i{}", float as i128)
                }
                Num::Float(float) => write!(out, "d{float:?}"),
            };
        }
        Value::String(text) => {
            let _ = write!(out, "s{}:{text}", text.len());
        }
        Value::Array(items) => {
            out.push('[');
            for item in items {
                canonical(item, out);
                out.push(',');
            }
            out.push(']');
        }
        Value::Object(members) => {
            let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (key, member) in sorted {
                let _ = write!(out, "{}:{key}=", key.len());
                canonical(member, out);
                out.push(',');
            }
            out.push('}');
        }
    }
}

struct Compiler<'s> {
    root: &'s Value,
    nodes: Vec<Node>,
    /// Where each node is in the schema, for compile errors.
    locations: Vec<String>,
    /// Every subschema is compiled once, whether reached by nesting or by `$ref`.
    by_location: HashMap<String, usize>,
}

impl<'s> Compiler<'s> {
    fn node(&mut self, location: String, schema: &'s Value) -> Result<usize, CompileError> {
        if let Some(&id) = self.by_location.get(&location) {
            return Ok(id);
        }
        // Registered before its children are compiled, so that a `$ref` back to it terminates.
        let id = self.nodes.len();
        self.nodes.push(Node::Any);
        self.locations.push(location.clone());
        self.by_location.insert(location.clone(), id);
        self.nodes[id] = match schema {
            Value::Bool(true) => Node::Any,
            Value::Bool(false) => Node::Nothing,
            Value::Object(keywords) => Node::Checks(Box::new(self.checks(&location, keywords)?)),
            other => {
                return Err(CompileError {
                    location,
                    message: format!(
                        "a schema must be an object or a boolean, not {}",
                        show(other)
                    ),
                })
            }
        };
        Ok(id)
    }

    fn checks(
        &mut self,
        location: &str,
        keywords: &'s Map<String, Value>,
    ) -> Result<Checks, CompileError> {
        let mut checks = Checks::default();
        let at_root = location.is_empty();
        for (keyword, value) in keywords {
            let here = format!("{location}/{}", escape(keyword));
            let fail = |message: String| CompileError {
                location: here.clone(),
                message,
            };
            match keyword.as_str() {
                "$schema" if at_root => {
                    if value != DRAFT_2020_12 {
                        return Err(fail(format!(
                            "only draft 2020-12 ({DRAFT_2020_12}) is supported, not {}",
                            show(value)
                        )));
                    }
                }
                // A nested `$id` or `$schema` would change how `$ref`s resolve, or the dialect.
                "$schema" | "$id" if !at_root => {
                    return Err(fail(format!("{keyword} is only supported at the root")));
                }
                "$id" | "title" | "description" | "format" => {
                    // Annotations: 2020-12 does not assert `format` by default, and neither
                    // `jsonschema` nor Python's jsonschema do.
                    if !value.is_string() {
                        return Err(fail(format!("{keyword} must be a string")));
                    }
                }
                "$defs" => {
                    let defs = value
                        .as_object()
                        .ok_or_else(|| fail("$defs must be an object".into()))?;
                    // Compiled even when unused, so that every keyword in the file is checked.
                    for (name, def) in defs {
                        self.node(format!("{here}/{}", escape(name)), def)?;
                    }
                }
                "$ref" => checks.reference = Some(self.reference(&here, value)?),
                "type" => checks.types = Some(Types::parse(value).map_err(fail)?),
                "const" => checks.constant = Some(value.clone()),
                "enum" => {
                    let choices = value
                        .as_array()
                        .filter(|choices| !choices.is_empty())
                        .ok_or_else(|| fail("enum must be a non-empty array".into()))?;
                    checks.choices = Some(choices.clone());
                }
                "minLength" => {
                    let min = value
                        .as_u64()
                        .and_then(|min| usize::try_from(min).ok())
                        .ok_or_else(|| fail("minLength must be a non-negative integer".into()))?;
                    checks.min_length = Some(min);
                }
                "pattern" => {
                    let source = value
                        .as_str()
                        .ok_or_else(|| fail("pattern must be a string".into()))?;
                    let translated = translate(source)
                        .map_err(|reason| fail(format!("pattern {}: {reason}", quote(source))))?;
                    let regex = Regex::new(&translated).map_err(|error| {
                        fail(format!(
                            "pattern {} does not compile: {error}",
                            quote(source)
                        ))
                    })?;
                    checks.pattern = Some(Pattern {
                        source: source.to_owned(),
                        regex,
                    });
                }
                "minimum" => match value {
                    Value::Number(min) => checks.minimum = Some(min.clone()),
                    _ => return Err(fail("minimum must be a number".into())),
                },
                "required" => {
                    let names = value
                        .as_array()
                        .ok_or_else(|| fail("required must be an array".into()))?;
                    for name in names {
                        let name = name
                            .as_str()
                            .ok_or_else(|| fail("required must list strings".into()))?;
                        checks.required.push(name.to_owned());
                    }
                }
                "properties" => {
                    let properties = value
                        .as_object()
                        .ok_or_else(|| fail("properties must be an object".into()))?;
                    for (name, schema) in properties {
                        let id = self.node(format!("{here}/{}", escape(name)), schema)?;
                        checks.properties.push((name.clone(), id));
                    }
                }
                "propertyNames" => checks.property_names = Some(self.node(here, value)?),
                "additionalProperties" => checks.additional = Some(self.node(here, value)?),
                // 2020-12's `items` is one schema (the array form is `prefixItems`, unsupported).
                "items" => checks.items = Some(self.node(here, value)?),
                "uniqueItems" => {
                    checks.unique_items = value
                        .as_bool()
                        .ok_or_else(|| fail("uniqueItems must be a boolean".into()))?;
                }
                "oneOf" => {
                    let branches = value
                        .as_array()
                        .filter(|branches| !branches.is_empty())
                        .ok_or_else(|| fail("oneOf must be a non-empty array".into()))?;
                    for (index, branch) in branches.iter().enumerate() {
                        checks
                            .one_of
                            .push(self.node(format!("{here}/{index}"), branch)?);
                    }
                }
                _ => {
                    return Err(fail(format!(
                        "keyword {} is not supported by userhash-check's validator \
                         (crates/userhash-check/src/schema.rs); implement it there or do not \
                         use it",
                        quote(keyword)
                    )))
                }
            }
        }
        Ok(checks)
    }

    fn reference(&mut self, here: &str, value: &'s Value) -> Result<usize, CompileError> {
        let fail = |message: String| CompileError {
            location: here.to_owned(),
            message,
        };
        let target = value
            .as_str()
            .ok_or_else(|| fail("$ref must be a string".into()))?;
        let pointer = target.strip_prefix('#').ok_or_else(|| {
            fail(format!(
                "$ref {} is not supported: only references inside the same schema (\"#/...\") are",
                quote(target)
            ))
        })?;
        if pointer.contains('%') {
            return Err(fail(format!(
                "$ref {}: percent-encoded references are not supported",
                quote(target)
            )));
        }
        let schema = self
            .root
            .pointer(pointer)
            .ok_or_else(|| fail(format!("$ref {} does not resolve", quote(target))))?;
        self.node(pointer.to_owned(), schema)
    }

    /// Refuses `$ref`/`oneOf` loops that never descend into the instance: validating with one
    /// would recurse forever.
    fn refuse_cycles(&self) -> Result<(), CompileError> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Open,
            Done,
        }
        fn visit(nodes: &[Node], marks: &mut [Mark], id: usize) -> Option<usize> {
            match marks[id] {
                Mark::Open => return Some(id),
                Mark::Done => return None,
                Mark::New => {}
            }
            marks[id] = Mark::Open;
            if let Node::Checks(checks) = &nodes[id] {
                for &next in checks.reference.iter().chain(&checks.one_of) {
                    if let Some(looped) = visit(nodes, marks, next) {
                        return Some(looped);
                    }
                }
            }
            marks[id] = Mark::Done;
            None
        }
        let mut marks = vec![Mark::New; self.nodes.len()];
        for id in 0..self.nodes.len() {
            if let Some(looped) = visit(&self.nodes, &mut marks, id) {
                return Err(CompileError {
                    location: self.locations[looped].clone(),
                    message: "this schema refers back to itself through $ref or oneOf without \
                              descending into the value"
                        .into(),
                });
            }
        }
        Ok(())
    }
}

/// Translates an ECMA-262 `pattern` into `regex-automata` syntax.
///
/// The two agree on literals, groups, alternation, quantifiers, anchors (without multi-line
/// mode `^` and `$` match only at the ends of the text in both) and plain classes. They differ on
/// `\d`, `\w` and `.` (ASCII and "not a line terminator" in ECMA, Unicode and "not `\n`" here),
/// which are translated, and on the `regex` syntax that is plain text in ECMA (nested classes,
/// `&&`, `~~` inside a class, escapes like `\<`), which is escaped. What has no exact translation
/// (`\s`, `\b`, `\p`, back-references, look-around, inline flags, `--` in a class) is refused, so
/// that a schema cannot silently mean something else here. ECMA's non-Unicode mode matches
/// UTF-16 code units where this matches code points; no pattern of ours tells them apart.
///
/// Nothing it emits needs `regex-syntax`'s Unicode tables, and that matters: the release build
/// does not have them (`globset` builds `regex-syntax` without), while test builds do (the
/// `jsonschema` dev-dependency enables them), so a pattern needing them would pass the tests
/// and fail to compile in the shipped binary.
fn translate(pattern: &str) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let escaped = chars.next().ok_or("it ends with a lone backslash")?;
                match escaped {
                    'd' => out.push_str("[0-9]"),
                    'D' => out.push_str("[^0-9]"),
                    'w' => out.push_str("[0-9A-Za-z_]"),
                    'W' => out.push_str("[^0-9A-Za-z_]"),
                    'n' | 'r' | 't' | 'f' | 'v' => {
                        out.push('\\');
                        out.push(escaped);
                    }
                    'x' => push_literal(&mut out, hex_escape(&mut chars, 2)?),
                    'u' => push_literal(&mut out, hex_escape(&mut chars, 4)?),
                    _ if escaped.is_ascii_punctuation() => push_literal(&mut out, escaped),
                    _ => return Err(format!("the escape \\{escaped} is not supported")),
                }
            }
            '[' if in_class => push_literal(&mut out, c),
            '[' => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                if chars.peek() == Some(&']') {
                    return Err("empty character classes ([] and [^]) are not supported".into());
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '-' if in_class && chars.peek() == Some(&'-') => {
                return Err("\"--\" inside a character class is not supported".into());
            }
            '&' | '~' if in_class => push_literal(&mut out, c),
            // ECMA (Annex B) reads a `]` outside a class as itself.
            ']' => push_literal(&mut out, c),
            '.' if !in_class => out.push_str(r"[^\n\r\x{2028}\x{2029}]"),
            '(' if !in_class && chars.peek() == Some(&'?') => {
                chars.next();
                match chars.next() {
                    Some(':') => out.push_str("(?:"),
                    Some('<') if !matches!(chars.peek(), Some('=' | '!')) => out.push_str("(?<"),
                    _ => return Err("look-around and inline flags are not supported".into()),
                }
            }
            _ => out.push(c),
        }
    }
    if in_class {
        return Err("a character class is not closed".into());
    }
    Ok(out)
}

/// `\xHH` or `\uHHHH`: exactly `digits` hex digits, as ECMA requires.
fn hex_escape(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    digits: usize,
) -> Result<char, String> {
    let mut code = 0;
    for _ in 0..digits {
        let digit = chars
            .next()
            .and_then(|c| c.to_digit(16))
            .ok_or_else(|| format!("a \\x or \\u escape needs {digits} hex digits"))?;
        code = code * 16 + digit;
    }
    char::from_u32(code).ok_or_else(|| format!("\\u{code:04X} is a lone surrogate"))
}

/// A character as a `\x{..}` escape, which means itself inside and outside classes.
fn push_literal(out: &mut String, c: char) {
    let _ = write!(out, "\\x{{{:X}}}", u32::from(c));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn compile(schema: Value) -> Schema {
        Schema::compile(&schema).unwrap_or_else(|e| panic!("{e}"))
    }

    fn error(schema: &Schema, instance: Value) -> ValidationError {
        schema
            .validate(&instance)
            .expect_err(&format!("{instance} should be invalid"))
    }

    #[test]
    fn integer_is_a_number_without_fraction() {
        let schema = compile(json!({"type": "integer"}));
        for valid in [
            json!(1),
            json!(1.0),
            json!(-0.0),
            json!(-7),
            json!(1e300),
            json!(u64::MAX),
        ] {
            assert!(schema.is_valid(&valid), "{valid}");
        }
        for invalid in [
            json!(1.5),
            json!(-0.25),
            json!("1"),
            json!(null),
            json!(true),
        ] {
            assert!(!schema.is_valid(&invalid), "{invalid}");
        }
        assert_eq!(
            error(&schema, json!(1.5)).message,
            "expected an integer, found 1.5"
        );
        let number = compile(json!({"type": "number"}));
        assert!(number.is_valid(&json!(3)) && number.is_valid(&json!(3.5)));
    }

    #[test]
    fn type_lists_describe_every_type() {
        let schema = compile(json!({"type": ["string", "null"]}));
        assert!(schema.is_valid(&json!("x")) && schema.is_valid(&json!(null)));
        assert_eq!(
            error(&schema, json!(5)).message,
            "expected a string or null, found 5"
        );
        let three = compile(json!({"type": ["boolean", "array", "object"]}));
        assert_eq!(
            error(&three, json!("x")).message,
            r#"expected a boolean, an object or an array, found "x""#
        );
    }

    #[test]
    fn unique_items_compares_numbers_by_value_and_objects_by_content() {
        let schema = compile(json!({"uniqueItems": true}));
        for invalid in [
            json!([1, 1.0]),
            json!([0, -0.0]),
            json!(["a", "b", "a"]),
            json!([{"a": 1, "b": [1.0]}, {"b": [1], "a": 1.0}]),
            json!([[null, true], [null, true]]),
        ] {
            assert!(!schema.is_valid(&invalid), "{invalid}");
        }
        for valid in [
            json!([]),
            json!([1, 1.5]),
            json!(["1", 1]),
            json!([true, 1]),
            json!([{"a": 1}, {"a": 1, "b": 1}]),
            json!(["s1:a", "a"]),
            json!([[1, 2], [2, 1]]),
            json!([null, "n", false, "f"]),
        ] {
            assert!(schema.is_valid(&valid), "{valid}");
        }
        let failure = error(&schema, json!(["A", "B", "A"]));
        assert_eq!(failure.pointer, "");
        assert_eq!(
            failure.message,
            r#"items 0 and 2 are equal ("A"); each item may appear only once"#
        );
        let off = compile(json!({"uniqueItems": false}));
        assert!(off.is_valid(&json!([1, 1])));
    }

    #[test]
    fn one_of_needs_exactly_one_match() {
        let schema = compile(json!({"oneOf": [{"type": "integer"}, {"type": "number"}]}));
        assert!(schema.is_valid(&json!(1.5)));
        let two = error(&schema, json!(1));
        assert!(two.message.contains("more than one"), "{}", two.message);
        assert!(two.message.contains("1 and 2"), "{}", two.message);
        let none = error(&schema, json!("x"));
        assert_eq!(
            none.message,
            r#"matches none of the allowed forms: (1) expected an integer, found "x"; (2) expected a number, found "x""#
        );
    }

    #[test]
    fn one_of_reports_the_branch_of_the_values_type() {
        let schema = compile(json!({
            "oneOf": [{"$ref": "#/$defs/hex"}, {"type": "null"}],
            "$defs": {"hex": {"type": "string", "pattern": "^([0-9a-f]{2})*$"}},
        }));
        assert!(schema.is_valid(&json!("00ff")) && schema.is_valid(&json!(null)));
        assert_eq!(
            error(&schema, json!("ABC")).message,
            r#""ABC" does not match the pattern ^([0-9a-f]{2})*$"#
        );
        assert_eq!(
            error(&schema, json!(5)).message,
            "matches none of the allowed forms: (1) expected a string, found 5; (2) expected \
             null, found 5"
        );
    }

    #[test]
    fn one_of_reports_the_branch_that_got_deepest() {
        let schema = compile(json!({"oneOf": [
            {"type": "object", "required": ["error"]},
            {"type": "object", "properties": {"hash": {"type": "string"}}, "required": ["hash"]},
        ]}));
        let failure = error(&schema, json!({"hash": 5}));
        assert_eq!(failure.pointer, "/hash");
        assert_eq!(failure.message, "expected a string, found 5");
        // The same message from every branch is said once.
        let same =
            compile(json!({"oneOf": [{"type": "object"}, {"type": "object", "minLength": 1}]}));
        assert_eq!(
            error(&same, json!(1)).message,
            "expected an object, found 1"
        );
    }

    #[test]
    fn min_length_counts_code_points() {
        let schema = compile(json!({"minLength": 2}));
        // One code point, four UTF-8 bytes, two UTF-16 units: too short.
        assert!(!schema.is_valid(&json!("\u{1D11E}")));
        assert!(schema.is_valid(&json!("\u{1D11E}\u{1D11E}")));
        assert!(!schema.is_valid(&json!("é")));
        assert!(schema.is_valid(&json!("ab")));
        // Only strings are measured.
        assert!(schema.is_valid(&json!(5)));
        let one = compile(json!({"minLength": 1}));
        assert!(one.is_valid(&json!("\u{1D11E}")));
        assert_eq!(
            error(&one, json!("")).message,
            r#""" is too short: at least 1 character required"#
        );
    }

    #[test]
    fn const_and_enum_use_deep_json_equality() {
        let schema = compile(json!({"const": {"a": [1, {"b": null}], "c": "x"}}));
        assert!(schema.is_valid(&json!({"c": "x", "a": [1.0, {"b": null}]})));
        for invalid in [
            json!({"a": [1, {"b": null}]}),
            json!({"a": [1, {"b": null}], "c": "x", "d": 1}),
            json!({"a": [true, {"b": null}], "c": "x"}),
            json!({"a": [1, {"b": false}], "c": "x"}),
            json!([1]),
        ] {
            assert!(!schema.is_valid(&invalid), "{invalid}");
        }
        let one = compile(json!({"const": 1}));
        assert!(one.is_valid(&json!(1.0)));
        assert!(!one.is_valid(&json!(true)) && !one.is_valid(&json!("1")));
        let choices = compile(json!({"enum": ["valid", "acceptable", "invalid"]}));
        assert_eq!(
            error(&choices, json!("maybe")).message,
            r#""maybe" is not one of "valid", "acceptable", "invalid""#
        );
        let bits = compile(json!({"enum": [128, 256]}));
        assert!(bits.is_valid(&json!(128.0)) && !bits.is_valid(&json!(129)));
    }

    #[test]
    fn additional_properties_false_or_a_schema() {
        let closed = compile(json!({
            "properties": {"secret": {"type": "string"}, "email": {}},
            "required": ["secret"],
            "additionalProperties": false,
        }));
        assert!(closed.is_valid(&json!({"secret": "k"})));
        let failure = error(&closed, json!({"secret": "k", "foo": 1}));
        assert_eq!(failure.pointer, "/foo");
        assert_eq!(
            failure.message,
            r#"property "foo" is not allowed (allowed: "secret", "email")"#
        );
        assert_eq!(
            error(&closed, json!({})).message,
            r#"missing required property "secret""#
        );
        let typed = compile(json!({
            "properties": {"a": {}},
            "additionalProperties": {"type": "integer"},
        }));
        assert!(typed.is_valid(&json!({"a": "anything", "b": 1, "c": 2.0})));
        let failure = error(&typed, json!({"a": 1, "b": "x"}));
        assert_eq!(failure.pointer, "/b");
        let open = compile(json!({"properties": {"a": {"type": "string"}}}));
        assert!(open.is_valid(&json!({"b": 1})));
        let none = compile(json!({"additionalProperties": false}));
        assert!(error(&none, json!({"x": 1}))
            .message
            .contains("no properties are"));
    }

    #[test]
    fn property_names_are_checked_against_their_schema() {
        let schema = compile(json!({"propertyNames": {"pattern": "^[A-Z][A-Za-z0-9]*$"}}));
        assert!(schema.is_valid(&json!({"EmptySecret": 1, "A9": 2})));
        let failure = error(&schema, json!({"Good": 1, "lower": 2}));
        assert_eq!(failure.pointer, "/lower");
        assert_eq!(
            failure.message,
            r#"property name "lower": "lower" does not match the pattern ^[A-Z][A-Za-z0-9]*$"#
        );
        assert!(!schema.is_valid(&json!({"Bad-Key": 1})));
    }

    #[test]
    fn patterns_have_ecma_semantics() {
        let version = compile(json!({
            "pattern": "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?$"
        }));
        assert!(version.is_valid(&json!("1.20.3")));
        assert!(version.is_valid(&json!("1.0.0-rc.1")));
        // `\d` is ASCII: Arabic-Indic and full-width digits are not digits.
        assert!(!version.is_valid(&json!("\u{661}.0.0")));
        assert!(!version.is_valid(&json!("\u{FF11}.0.0")));
        // `$` is the end of the text, not "before a final newline" (as in Python's re).
        assert!(!version.is_valid(&json!("1.0.0\n")));
        // Patterns are not anchored unless they say so.
        let unanchored = compile(json!({"pattern": "b\\d"}));
        assert!(unanchored.is_valid(&json!("ab1c")));
        // `.` does not match line terminators.
        let dot = compile(json!({"pattern": "^a.b$"}));
        assert!(dot.is_valid(&json!("a\u{e9}b")));
        for terminator in ["\n", "\r", "\u{2028}", "\u{2029}"] {
            assert!(!dot.is_valid(&json!(format!("a{terminator}b"))));
        }
        // `\w` is ASCII; in a class, `&&` is two ampersands and `[` is itself.
        let word = compile(json!({"pattern": "^\\w[&&[]$"}));
        assert!(word.is_valid(&json!("a&")) && word.is_valid(&json!("_[")));
        assert!(!word.is_valid(&json!("\u{e9}&")));
        let digits_in_class = compile(json!({"pattern": "^[\\d.]+$"}));
        assert!(digits_in_class.is_valid(&json!("1.2")));
        assert!(!digits_in_class.is_valid(&json!("\u{661}")));
        // `\<` is an escaped `<`, not a word boundary.
        let angle = compile(json!({"pattern": "^\\<\\/$"}));
        assert!(angle.is_valid(&json!("</")));
        let hex = compile(json!({"pattern": "^\\x41\\u00e9$"}));
        assert!(hex.is_valid(&json!("A\u{e9}")));
    }

    #[test]
    fn untranslatable_patterns_are_refused() {
        for pattern in [
            "\\s", "\\b", "\\p{L}", "(?=a)", "(?!a)", "(?<=a)", "(?i)a", "\\1", "[a--b]", "[]",
            "[^]", "[a", "a\\", "\\u00", "\\ud800",
        ] {
            let error = Schema::compile(&json!({"pattern": pattern}))
                .expect_err(&format!("{pattern} should be refused"));
            assert_eq!(error.location, "/pattern", "{pattern}");
        }
        // What the translation passes on but the engine cannot build is refused too.
        assert!(Schema::compile(&json!({"pattern": "a{"})).is_err());
        assert!(Schema::compile(&json!({"pattern": "(?<name>a)|(?:b)"})).is_ok());
    }

    #[test]
    fn minimum_compares_integers_and_floats_exactly() {
        let schema = compile(json!({"minimum": 0}));
        for valid in [
            json!(0),
            json!(0.0),
            json!(-0.0),
            json!(1e-300),
            json!(u64::MAX),
        ] {
            assert!(schema.is_valid(&valid), "{valid}");
        }
        for invalid in [json!(-1), json!(-0.5), json!(-1e300), json!(i64::MIN)] {
            assert!(!schema.is_valid(&invalid), "{invalid}");
        }
        assert_eq!(
            error(&schema, json!(-1)).message,
            "-1 is less than the minimum, 0"
        );
        // 2^53 + 1 is not a float; rounding it to one would call it equal to 2^53.
        let big = compile(json!({"minimum": 9_007_199_254_740_993_u64}));
        assert!(!big.is_valid(&json!(9_007_199_254_740_992.0)));
        assert!(big.is_valid(&json!(9_007_199_254_740_993_u64)));
        let fractional = compile(json!({"minimum": 0.5}));
        assert!(!fractional.is_valid(&json!(0)) && fractional.is_valid(&json!(1)));
    }

    #[test]
    fn items_and_pointers_to_nested_values() {
        let schema = compile(json!({
            "properties": {"tests": {"items": {"$ref": "#/$defs/case"}}},
            "$defs": {"case": {"properties": {"we/ird~key": {"type": "string"}}}},
        }));
        let failure = error(&schema, json!({"tests": [{}, {"we/ird~key": 1}]}));
        assert_eq!(failure.pointer, "/tests/1/we~1ird~0key");
    }

    #[test]
    fn unknown_keywords_are_refused_with_their_location() {
        let error = Schema::compile(&json!({
            "properties": {"version": {"type": "string", "maxLength": 10}}
        }))
        .expect_err("maxLength is not implemented");
        assert_eq!(error.location, "/properties/version/maxLength");
        assert!(error.message.contains("\"maxLength\""), "{error}");
        assert!(error
            .to_string()
            .starts_with("schema at #/properties/version/maxLength:"));

        let error = Schema::compile(&json!({"if": {}, "then": {}})).expect_err("if");
        assert_eq!(error.location, "/if");

        let error = Schema::compile(&json!({"$defs": {"unused": {"prefixItems": []}}}))
            .expect_err("unused definitions are checked too");
        assert_eq!(error.location, "/$defs/unused/prefixItems");

        let error = Schema::compile(&json!({"items": [{"type": "string"}]}))
            .expect_err("the array form of items");
        assert_eq!(error.location, "/items");

        // Annotations are accepted; a nested `$id` or another dialect is not.
        assert!(Schema::compile(&json!({
            "$schema": DRAFT_2020_12, "$id": "https://example.com/s.json", "title": "t",
            "description": "d", "properties": {"l": {"format": "uri"}}
        }))
        .is_ok());
        let nested = Schema::compile(&json!({"properties": {"a": {"$id": "x"}}}));
        assert_eq!(
            nested.map(|_| ()).unwrap_err().location,
            "/properties/a/$id"
        );
        let dialect = json!({"$schema": "http://json-schema.org/draft-07/schema#"});
        assert!(Schema::compile(&dialect).is_err());
    }

    #[test]
    fn references_must_resolve_and_must_not_loop() {
        let missing = Schema::compile(&json!({"properties": {"a": {"$ref": "#/$defs/nope"}}}))
            .expect_err("unresolved");
        assert_eq!(missing.location, "/properties/a/$ref");
        assert!(missing.message.contains("does not resolve"), "{missing}");
        let external = Schema::compile(&json!({"$ref": "other.json#/a"})).expect_err("external");
        assert!(
            external.message.contains("only references inside"),
            "{external}"
        );
        let looping =
            json!({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"oneOf": [{"$ref": "#/$defs/a"}]}}});
        assert!(Schema::compile(&looping).is_err());
        // Recursion through the value is fine: it ends with the value.
        let tree = compile(
            json!({"$defs": {"node": {"type": "array", "items": {"$ref": "#/$defs/node"}}}, "$ref": "#/$defs/node"}),
        );
        assert!(tree.is_valid(&json!([[], [[]]])));
        assert!(!tree.is_valid(&json!([[1]])));
        let root = compile(json!({"properties": {"next": {"$ref": "#"}}, "type": "object"}));
        assert!(!root.is_valid(&json!({"next": {"next": 1}})));
    }

    #[test]
    fn boolean_schemas() {
        let schema = compile(json!({"properties": {"yes": true, "no": false}}));
        assert!(schema.is_valid(&json!({"yes": [1]})));
        let failure = error(&schema, json!({"no": 1}));
        assert_eq!(failure.pointer, "/no");
        assert_eq!(failure.message, "no value is allowed here");
    }

    #[test]
    fn messages_quote_user_text_safely_and_briefly() {
        let schema = compile(json!({"type": "integer"}));
        let message = error(&schema, json!("\u{1b}[31m".repeat(40))).message;
        assert!(!message.contains('\u{1b}'), "{message}");
        assert!(message.chars().count() < 100, "{message}");
        assert!(message.ends_with('…'), "{message}");
    }
}
