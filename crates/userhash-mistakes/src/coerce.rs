//! How languages turn a JSON value that is not a string into text, for
//! [`Mistake::TypeCoerced`](crate::Mistake::TypeCoerced): a port that does not reject a float,
//! boolean, array or object identifier hashes whatever its language's string conversion makes
//! of it, so recomputing that conversion names both the mistake and the language habit.
//!
//! Each function renders a value as decoded by that language's standard JSON reader: Python's
//! `str()` after `json.loads`, JavaScript's `String()` and `JSON.stringify` after `JSON.parse`,
//! Ruby's `to_s` after `JSON.parse`, PHP's `(string)` after `json_decode($s, true)`. The
//! renderings are cross-checked against the real runtimes in `tests/coerce_oracle.rs`. Where a
//! rendering is only approximated (Python's notion of a printable character, say), a port
//! simply matches no variant and the diagnosis falls back to the rule-based `other` variant,
//! never to a wrong name.

use serde_json::{Number, Value};

/// A language's conversion of a JSON value to text.
pub type Coercion = fn(&Value) -> String;

/// The conversions, by variant name, in the order [`Mistake::TypeCoerced`] reports them.
///
/// [`Mistake::TypeCoerced`]: crate::Mistake::TypeCoerced
pub const COERCIONS: [(&str, Coercion); 5] = [
    ("python", python_str),
    ("javascript", javascript_string),
    ("ruby", ruby_to_s),
    ("php", php_string),
    ("json", javascript_json),
];

/// The shortest decimal digits that read back as `x`, and the position of the decimal point:
/// `x = 0.d1 d2 … dk × 10^point`. `x` must be finite and non-zero.
fn shortest_digits(x: f64) -> (String, i32) {
    // `{:e}` prints the shortest round-tripping digits: "4.5e0", "1e21", "5e-324".
    let formatted = format!("{:e}", x.abs());
    let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    (digits, exponent + 1)
}

fn as_f64(number: &Number) -> f64 {
    number.as_f64().unwrap_or(0.0)
}

/// Whether the JSON reader of a language with separate integer and float types keeps this
/// number as an integer (no fraction, no exponent in the text, within 64 bits).
fn is_integer(number: &Number) -> bool {
    number.is_i64() || number.is_u64()
}

/// ECMAScript `Number::toString`.
pub fn javascript_number(x: f64) -> String {
    if x == 0.0 {
        return "0".to_owned();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let (digits, n) = shortest_digits(x);
    let k = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    let body = if k <= n && n <= 21 {
        format!(
            "{digits}{}",
            "0".repeat(usize::try_from(n - k).unwrap_or(0))
        )
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(usize::try_from(n).unwrap_or(0));
        format!("{int}.{frac}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat(usize::try_from(-n).unwrap_or(0)))
    } else {
        let exponent = n - 1;
        let sign = if exponent < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        let point = if rest.is_empty() { "" } else { "." };
        format!("{first}{point}{rest}e{sign}{}", exponent.abs())
    };
    format!("{sign}{body}")
}

/// Python's `repr(float)`: shortest digits, fixed notation for exponents -4..16 (with `.0`
/// when integral), else `d.ddde+XX`.
fn python_float(x: f64) -> String {
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.to_owned();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let (digits, n) = shortest_digits(x);
    let exponent = n - 1;
    let body = if (-4..16).contains(&exponent) {
        fixed(&digits, n, true)
    } else {
        let (first, rest) = digits.split_at(1);
        let point = if rest.is_empty() { "" } else { "." };
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{first}{point}{rest}e{sign}{:02}", exponent.abs())
    };
    format!("{sign}{body}")
}

/// Ruby's `Float#to_s`: fixed notation when the point falls within 15 digits or at most 3 zeros
/// after it (with `.0` when integral), else `d.de+XX` (always a fraction digit).
fn ruby_float(x: f64) -> String {
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.to_owned();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let (digits, n) = shortest_digits(x);
    let body = if (-3..=15).contains(&n) {
        fixed(&digits, n, true)
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        let exponent = n - 1;
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{first}.{rest}e{sign}{:02}", exponent.abs())
    };
    format!("{sign}{body}")
}

/// PHP's `(string)$float` with the default `precision=14`: 14 significant digits, trailing
/// zeros dropped, no `.0` for integral values, `d.dE+N` outside exponents -4..14.
fn php_float(x: f64) -> String {
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // Round to 14 significant digits first, as PHP's zend_gcvt does.
    let rounded = format!("{:.13e}", x.abs());
    let (mantissa, exponent) = rounded.split_once('e').unwrap_or((&rounded, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let body = if !(-4..14).contains(&exponent) {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{first}.{rest}E{sign}{}", exponent.abs())
    } else {
        fixed(digits, exponent + 1, false)
    };
    format!("{sign}{body}")
}

/// `0.d1…dk × 10^point` in fixed notation; `point_zero` adds `.0` to integral values.
fn fixed(digits: &str, point: i32, point_zero: bool) -> String {
    let k = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if point <= 0 {
        format!(
            "0.{}{digits}",
            "0".repeat(usize::try_from(-point).unwrap_or(0))
        )
    } else if point >= k {
        let zeros = "0".repeat(usize::try_from(point - k).unwrap_or(0));
        let suffix = if point_zero { ".0" } else { "" };
        format!("{digits}{zeros}{suffix}")
    } else {
        let (int, frac) = digits.split_at(usize::try_from(point).unwrap_or(0));
        format!("{int}.{frac}")
    }
}

/// How a language writes a decoded JSON value back as a literal of its own (Python's `repr`,
/// Ruby's `inspect`, JavaScript's `JSON.stringify`): one walk over the value, the spellings
/// from the table.
struct Literals {
    null: &'static str,
    /// `false`, then `true`.
    booleans: [&'static str; 2],
    /// A number its JSON reader keeps as an integer.
    integer: fn(&Number) -> String,
    float: fn(f64) -> String,
    string: fn(&str) -> String,
    /// Between list items and between map entries.
    separator: &'static str,
    /// Between a map key and its value.
    key_value: &'static str,
}

const PYTHON_REPR: Literals = Literals {
    null: "None",
    booleans: ["False", "True"],
    integer: Number::to_string,
    float: python_float,
    string: python_repr_str,
    separator: ", ",
    key_value: ": ",
};

/// Hash#inspect before Ruby 3.4 (`=>` without spaces).
const RUBY_INSPECT: Literals = Literals {
    null: "nil",
    booleans: ["false", "true"],
    integer: Number::to_string,
    float: ruby_float,
    string: ruby_inspect_str,
    separator: ", ",
    key_value: "=>",
};

/// Every number is a double to JavaScript.
const JAVASCRIPT_JSON: Literals = Literals {
    null: "null",
    booleans: ["false", "true"],
    integer: |number| javascript_number(as_f64(number)),
    float: javascript_number,
    string: json_string,
    separator: ",",
    key_value: ":",
};

fn literal(value: &Value, syntax: &Literals) -> String {
    match value {
        Value::Null => syntax.null.to_owned(),
        Value::Bool(flag) => syntax.booleans[usize::from(*flag)].to_owned(),
        Value::Number(number) if is_integer(number) => (syntax.integer)(number),
        Value::Number(number) => (syntax.float)(as_f64(number)),
        Value::String(text) => (syntax.string)(text),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|item| literal(item, syntax)).collect();
            format!("[{}]", items.join(syntax.separator))
        }
        Value::Object(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(key, value)| {
                    format!(
                        "{}{}{}",
                        (syntax.string)(key),
                        syntax.key_value,
                        literal(value, syntax)
                    )
                })
                .collect();
            format!("{{{}}}", entries.join(syntax.separator))
        }
    }
}

/// Python's `repr(str)`: single quotes unless the text has a single quote and no double one.
fn python_repr_str(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python 3: `str(json.loads(text))`.
pub fn python_str(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => literal(other, &PYTHON_REPR),
    }
}

/// JavaScript: `String(JSON.parse(text))`. Arrays join their elements with `,` (null → ``),
/// objects are `[object Object]`, every number is a double.
pub fn javascript_string(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => javascript_number(as_f64(number)),
        Value::String(text) => text.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Null => String::new(),
                other => javascript_string(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".to_owned(),
    }
}

fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// JavaScript: `JSON.stringify(JSON.parse(text))` (compact; numbers as doubles).
pub fn javascript_json(value: &Value) -> String {
    literal(value, &JAVASCRIPT_JSON)
}

/// Ruby's `String#inspect`, for the UTF-8 text JSON gives.
fn ruby_inspect_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            '\u{8}' => out.push_str("\\b"),
            '\u{7}' => out.push_str("\\a"),
            '\u{1b}' => out.push_str("\\e"),
            '#' if matches!(chars.peek(), Some('{' | '$' | '@')) => out.push_str("\\#"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02X}", c as u32));
            }
            c if (0x80..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Ruby: `JSON.parse(text).to_s` (nil → ``, arrays and hashes as `inspect`).
pub fn ruby_to_s(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        _ => literal(value, &RUBY_INSPECT),
    }
}

/// PHP: `(string) json_decode($text, true)`: true → `1`, false and null → ``, arrays (objects
/// decode to arrays) → `Array`.
pub fn php_string(value: &Value) -> String {
    match value {
        Value::Null | Value::Bool(false) => String::new(),
        Value::Bool(true) => "1".to_owned(),
        Value::Number(number) if is_integer(number) => number.to_string(),
        Value::Number(number) => php_float(as_f64(number)),
        Value::String(text) => text.clone(),
        Value::Array(_) | Value::Object(_) => "Array".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_as_each_language_prints_them() {
        let cases: [(f64, &str, &str, &str, &str); 9] = [
            // (value, JavaScript, Python, Ruby, PHP)
            (4.5, "4.5", "4.5", "4.5", "4.5"),
            (42.0, "42", "42.0", "42.0", "42"),
            (-0.5, "-0.5", "-0.5", "-0.5", "-0.5"),
            (1e16, "10000000000000000", "1e+16", "1.0e+16", "1.0E+16"),
            (1e21, "1e+21", "1e+21", "1.0e+21", "1.0E+21"),
            (0.0001, "0.0001", "0.0001", "0.0001", "0.0001"),
            (0.00001, "0.00001", "1e-05", "1.0e-05", "1.0E-5"),
            (1e-7, "1e-7", "1e-07", "1.0e-07", "1.0E-7"),
            (
                0.1 + 0.2,
                "0.30000000000000004",
                "0.30000000000000004",
                "0.30000000000000004",
                "0.3",
            ),
        ];
        for (x, js, py, rb, php) in cases {
            assert_eq!(javascript_number(x), js, "JavaScript {x}");
            assert_eq!(python_float(x), py, "Python {x}");
            assert_eq!(ruby_float(x), rb, "Ruby {x}");
            assert_eq!(php_float(x), php, "PHP {x}");
        }
        assert_eq!(
            javascript_number(18_446_744_073_709_551_615.0),
            "18446744073709552000"
        );
    }

    #[test]
    fn containers() {
        let array = json!(["42", null, 1.5, true]);
        assert_eq!(python_str(&array), "['42', None, 1.5, True]");
        assert_eq!(javascript_string(&array), "42,,1.5,true");
        assert_eq!(ruby_to_s(&array), "[\"42\", nil, 1.5, true]");
        assert_eq!(php_string(&array), "Array");
        assert_eq!(javascript_json(&array), "[\"42\",null,1.5,true]");
        let object = json!({"id": "42", "n": 7});
        assert_eq!(python_str(&object), "{'id': '42', 'n': 7}");
        assert_eq!(javascript_string(&object), "[object Object]");
        assert_eq!(ruby_to_s(&object), "{\"id\"=>\"42\", \"n\"=>7}");
        assert_eq!(javascript_json(&object), "{\"id\":\"42\",\"n\":7}");
        assert_eq!(python_str(&json!(["it's"])), "[\"it's\"]");
    }
}
