//! Messenger JWTs: a port's token judged semantically, and the mistakes behind a wrong token
//! or a wrong verifier decision.
//!
//! A signed token is correct when its header says `alg: HS256`, its claims equal the expected
//! ones with their JSON types (numbers by value), and its signature is the HMAC-SHA256 of the
//! first two segments *as sent* under the secret's UTF-8 bytes; bytes, key order and JSON
//! whitespace are free. [`judge_token`] says what differs, in sentences, and names a mistake
//! only where the token itself proves it: padding, the standard alphabet, a numeric user_id, a
//! string NumericDate, or a signature that one of the key stage's deviations reproduces (the
//! user hash's key-handling names: a hex-decoded, trimmed or Latin-1 secret).
//!
//! [`diagnose_accepted_token`] names what a verifier that accepts a token the reference refuses
//! must be doing, from the reference's own reason and the token. Refusing a valid token proves
//! little on its own (it depends on what else the verifier accepted), so those names are given
//! across a run by the checker.

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use serde_json::{Map, Value};
use userhash::hmac::PreKeyed;
use userhash::jwt::{JwtError, JwtVerifier};

use crate::engine::{self, Apply, Stage};
use crate::Mistake;

/// base64url that forgives what ports get wrong (padding, spare bits), after `+` and `/` are
/// mapped to `-` and `_`: enough to read a wrong token and say how it is wrong.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

fn lenient_decode(segment: &str) -> Option<Vec<u8>> {
    let mapped: String = segment
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            other => other,
        })
        .collect();
    LENIENT.decode(mapped.trim_end_matches('=')).ok()
}

/// What is wrong with a port's token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenJudgement {
    /// What differs from a correct token, one sentence each (empty: the token is correct).
    pub problems: Vec<String>,
    /// The mistakes the token proves, most telling first.
    pub mistakes: Vec<Mistake>,
}

impl TokenJudgement {
    /// Whether the token is correct.
    pub fn is_correct(&self) -> bool {
        self.problems.is_empty()
    }

    fn problem(&mut self, sentence: String, mistake: Option<Mistake>) {
        self.problems.push(sentence);
        if let Some(mistake) = mistake {
            if !self.mistakes.contains(&mistake) {
                self.mistakes.push(mistake);
            }
        }
    }
}

/// The claims a NumericDate lives in (RFC 7519 §4.1).
const NUMERIC_DATES: [&str; 3] = ["exp", "nbf", "iat"];

/// JSON equality with numbers compared by value (`1900000000` = `1.9e9`).
fn same(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(a), Value::Number(b)) => {
            a == b || matches!((a.as_f64(), b.as_f64()), (Some(x), Some(y)) if x == y)
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, x)| b.get(key).is_some_and(|y| same(x, y)))
        }
        _ => left == right,
    }
}

fn clip(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

fn object(bytes: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice(bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// The key-stage deviations (a hex-decoded, base64-decoded, trimmed, Latin-1 … secret) whose
/// key signs `signed` as `signature`.
fn key_mistakes(secret: &str, signed: &[u8], signature: &[u8]) -> Vec<Mistake> {
    let mut found = Vec::new();
    for deviation in engine::deviations() {
        if deviation.stage() != Stage::Key {
            continue;
        }
        let Apply::Key(key_of) = deviation.apply else {
            continue;
        };
        let key = key_of(secret);
        if key == secret.as_bytes() {
            continue;
        }
        if PreKeyed::new(&key).tag(signed)[..] == *signature && !found.contains(&deviation.mistake)
        {
            found.push(deviation.mistake);
        }
    }
    found
}

/// Judges `token`, signed by a port for `expected_claims` under `secret`.
///
/// ```
/// use serde_json::json;
/// use userhash::jwt::JwtSigner;
/// use userhash_mistakes::{jwt::judge_token, Mistake};
/// let claims = json!({"user_id": "87"});
/// let claims = claims.as_object().expect("object");
/// let token = JwtSigner::new("secret")?.sign(claims)?;
/// assert!(judge_token("secret", claims, &token).is_correct());
/// let padded = format!("{token}=");
/// assert_eq!(judge_token("secret", claims, &padded).mistakes, [Mistake::PaddedBase64]);
/// # Ok::<(), userhash::jwt::JwtError>(())
/// ```
pub fn judge_token(
    secret: &str,
    expected_claims: &Map<String, Value>,
    token: &str,
) -> TokenJudgement {
    let mut judgement = TokenJudgement::default();
    let segments: Vec<&str> = token.split('.').collect();
    let [header_b64, payload_b64, _] = segments[..] else {
        judgement.problem(
            format!(
                "a JWT has three dot-separated segments; this one has {}",
                segments.len()
            ),
            None,
        );
        return judgement;
    };
    if segments.iter().any(|segment| segment.contains('=')) {
        judgement.problem(
            "its segments end in '=' padding, which JWS base64url never has".into(),
            Some(Mistake::PaddedBase64),
        );
    }
    if segments.iter().any(|segment| segment.contains(['+', '/'])) {
        judgement.problem(
            "its segments use '+' or '/' (standard base64), not base64url".into(),
            Some(Mistake::StandardBase64),
        );
    }
    let decoded: Vec<Option<Vec<u8>>> = segments.iter().map(|s| lenient_decode(s)).collect();
    let [Some(header), Some(payload), Some(signature)] = &decoded[..] else {
        judgement.problem("a segment is not base64 at all".into(), None);
        return judgement;
    };
    match object(header) {
        None => judgement.problem("the header is not a JSON object".into(), None),
        Some(header) => match header.get("alg") {
            Some(Value::String(alg)) if alg == "HS256" => {}
            other => judgement.problem(
                format!(
                    "the header's alg is {}, not \"HS256\"",
                    other.map_or_else(|| "missing".to_owned(), clip)
                ),
                None,
            ),
        },
    }
    match object(payload) {
        None => judgement.problem("the payload is not a UTF-8 JSON object".into(), None),
        Some(claims) => compare_claims(&mut judgement, expected_claims, &claims),
    }
    let signed = format!("{header_b64}.{payload_b64}");
    let correct = PreKeyed::new(secret.as_bytes()).tag(signed.as_bytes());
    if correct[..] != signature[..] {
        let keys = key_mistakes(secret, signed.as_bytes(), signature);
        let sentence = if keys.is_empty() {
            "the signature is not the HMAC-SHA256 of header.payload (as sent) under the secret's UTF-8 bytes".to_owned()
        } else {
            format!(
                "the signature is the HMAC under another key than the secret's UTF-8 bytes ({})",
                keys.iter()
                    .map(|m| m.name())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )
        };
        judgement.problem(sentence, None);
        // Two key mistakes that sign alike cannot be told apart here: name neither.
        if let [only] = keys[..] {
            judgement.mistakes.push(only);
        }
    }
    judgement
}

fn compare_claims(
    judgement: &mut TokenJudgement,
    expected: &Map<String, Value>,
    actual: &Map<String, Value>,
) {
    for (key, want) in expected {
        let Some(got) = actual.get(key) else {
            judgement.problem(format!("the claim {key:?} is missing"), None);
            continue;
        };
        if same(want, got) {
            continue;
        }
        let mistake = match (key.as_str(), want, got) {
            ("user_id", Value::String(text), Value::Number(n)) if *text == n.to_string() => {
                Some(Mistake::NumericUserId)
            }
            (date, Value::Number(n), Value::String(text))
                if NUMERIC_DATES.contains(&date) && text.parse::<f64>().ok() == n.as_f64() =>
            {
                Some(Mistake::ExpAsString)
            }
            _ => None,
        };
        judgement.problem(
            format!(
                "the claim {key:?} is {}, expected {}",
                clip(got),
                clip(want)
            ),
            mistake,
        );
    }
    for key in actual.keys().filter(|key| !expected.contains_key(*key)) {
        judgement.problem(
            format!("the token has a claim {key:?} the case does not"),
            None,
        );
    }
}

/// The claims of a token, read leniently (padding, the standard alphabet and spare bits
/// forgiven; no signature check): `None` when there is no JSON object to read.
pub fn claims_of(token: &str) -> Option<Map<String, Value>> {
    segment_object(token, 1)
}

/// The header of a token, read as leniently as [`claims_of`] reads the claims.
pub fn header_of(token: &str) -> Option<Map<String, Value>> {
    segment_object(token, 0)
}

fn segment_object(token: &str, index: usize) -> Option<Map<String, Value>> {
    object(&lenient_decode(token.split('.').nth(index)?)?)
}

/// How each variant of a key-handling mistake (the key stage's deviations: a hex-decoded,
/// trimmed, Latin-1 … secret) keys a secret; empty for any other mistake. A verifier making
/// one refuses the tokens whose secret its variant keys differently from the UTF-8 bytes.
pub fn key_variants(mistake: Mistake) -> Vec<fn(&str) -> Vec<u8>> {
    engine::of_mistake(mistake)
        .filter_map(|(_, deviation)| match deviation.apply {
            Apply::Key(key_of) => Some(key_of),
            _ => None,
        })
        .collect()
}

/// Why the reference refuses `token`, if it does.
pub fn reference_error(secret: &str, token: &str, now: i64) -> Option<JwtError> {
    JwtVerifier::new(secret)
        .and_then(|verifier| verifier.verify(token, now))
        .err()
}

/// The mistakes of a verifier that accepted `token`, which the reference refuses: each one
/// alone explains the acceptance (alternatives, most specific first).
///
/// ```
/// use userhash_mistakes::{jwt::diagnose_accepted_token, Mistake};
/// // {"alg":"none"} . {"user_id":"87"} . (no signature)
/// let none = "eyJhbGciOiJub25lIn0.eyJ1c2VyX2lkIjoiODcifQ.";
/// assert_eq!(diagnose_accepted_token("secret", none, 0), [Mistake::AlgNoneAccepted]);
/// ```
pub fn diagnose_accepted_token(secret: &str, token: &str, now: i64) -> Vec<Mistake> {
    let Some(error) = reference_error(secret, token, now) else {
        return Vec::new();
    };
    let segments: Vec<&str> = token.split('.').collect();
    match error {
        JwtError::Algorithm { .. } => {
            let header = segments
                .first()
                .and_then(|segment| lenient_decode(segment))
                .and_then(|bytes| object(&bytes));
            let alg = header
                .as_ref()
                .and_then(|header| header.get("alg"))
                .and_then(Value::as_str);
            let unsigned = segments
                .get(2)
                .is_some_and(|signature| signature.is_empty());
            if alg.is_some_and(|alg| alg.eq_ignore_ascii_case("none")) && unsigned {
                vec![Mistake::AlgNoneAccepted]
            } else {
                vec![Mistake::AlgNotPinned]
            }
        }
        JwtError::Signature => {
            let [header_b64, payload_b64, signature_b64] = segments[..] else {
                return Vec::new();
            };
            let Some(signature) = lenient_decode(signature_b64) else {
                return Vec::new();
            };
            if signature.len() < userhash::hmac::TAG_LEN {
                // Comparing only what was given, or nothing at all: both accept it.
                return vec![
                    Mistake::SignaturePrefixCompared,
                    Mistake::SignatureNotChecked,
                ];
            }
            // Signed under a wrongly handled secret: a verifier that keys the same wrong way
            // accepts it, and so does one that checks nothing. Both are told; the run decides
            // (the checker keeps the alternative its other cases prove).
            let signed = format!("{header_b64}.{payload_b64}");
            let mut names = key_mistakes(secret, signed.as_bytes(), &signature);
            names.push(Mistake::SignatureNotChecked);
            names
        }
        // Header and payload with no signature segment: nothing was checked.
        JwtError::Segments { found: 2 } => vec![Mistake::SignatureNotChecked],
        JwtError::Expired => vec![Mistake::ExpNotChecked],
        JwtError::NotYetValid => vec![Mistake::NbfNotChecked],
        JwtError::TimeType { claim: "exp" } => {
            // A string exp in the past: only a verifier that skips it accepts an expired token.
            let expired = segments
                .get(1)
                .and_then(|segment| lenient_decode(segment))
                .and_then(|bytes| object(&bytes))
                .and_then(|claims| claims.get("exp").and_then(Value::as_str).map(str::to_owned))
                .and_then(|exp| exp.trim().parse::<f64>().ok())
                .is_some_and(|exp| (now as f64) >= exp + userhash::jwt::DEFAULT_LEEWAY as f64);
            if expired {
                vec![Mistake::ExpNotChecked]
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use serde_json::json;
    use userhash::jwt::JwtSigner;

    fn claims(value: Value) -> Map<String, Value> {
        value.as_object().cloned().expect("an object")
    }

    fn token_over(secret: &[u8], header: &str, payload: &str) -> String {
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let tag = PreKeyed::new(secret).tag(signed.as_bytes());
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(tag))
    }

    const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

    #[test]
    fn any_correct_token_passes_whatever_its_bytes() {
        let want = claims(json!({"user_id": "87", "exp": 1900000000}));
        for payload in [
            r#"{"user_id":"87","exp":1900000000}"#,
            r#"{ "exp" : 1.9e9, "user_id" : "\u0038\u0037" }"#,
        ] {
            let token = token_over(b"secret", r#"{"typ":"JWT","alg":"HS256"}"#, payload);
            assert!(
                judge_token("secret", &want, &token).is_correct(),
                "{payload}"
            );
        }
    }

    #[test]
    fn signer_mistakes_are_named_from_the_token() {
        let want = claims(json!({"user_id": "87", "exp": 1900000000}));
        let numeric = token_over(b"secret", HEADER, r#"{"user_id":87,"exp":1900000000}"#);
        assert_eq!(
            judge_token("secret", &want, &numeric).mistakes,
            [Mistake::NumericUserId]
        );
        let string_exp = token_over(b"secret", HEADER, r#"{"user_id":"87","exp":"1900000000"}"#);
        assert_eq!(
            judge_token("secret", &want, &string_exp).mistakes,
            [Mistake::ExpAsString]
        );
        // Standard base64 with padding, signed over that text: both named, nothing else.
        let payload = r#"{"user_id":"87","exp":1900000000}"#;
        let signed = format!("{}.{}", STANDARD.encode(HEADER), STANDARD.encode(payload));
        let tag = PreKeyed::new(b"secret").tag(signed.as_bytes());
        let standard = format!("{signed}.{}", STANDARD.encode(tag));
        let judged = judge_token("secret", &want, &standard);
        assert!(
            judged.mistakes.contains(&Mistake::PaddedBase64),
            "{judged:?}"
        );
        assert!(
            judged.problems.iter().all(|p| !p.contains("signature")),
            "signed over its own text: only the encoding is wrong: {judged:?}"
        );
        // A secret of hex digits, hex-decoded before keying.
        let hex_secret = "6a1f0c8e2b7d4a9f";
        let decoded = [0x6a, 0x1f, 0x0c, 0x8e, 0x2b, 0x7d, 0x4a, 0x9f];
        let keyed = token_over(&decoded, HEADER, payload);
        assert_eq!(
            judge_token(hex_secret, &want, &keyed).mistakes,
            [Mistake::SecretHexDecoded]
        );
        // Wrong in a way nothing names: the problem is told, no name is guessed.
        let other = token_over(b"other", HEADER, payload);
        let judged = judge_token("secret", &want, &other);
        assert!(
            !judged.is_correct() && judged.mistakes.is_empty(),
            "{judged:?}"
        );
        let missing = token_over(b"secret", HEADER, r#"{"exp":1900000000}"#);
        let judged = judge_token("secret", &want, &missing);
        assert_eq!(judged.problems, ["the claim \"user_id\" is missing"]);
    }

    #[test]
    fn a_verifier_that_accepts_is_named_by_what_it_let_through() {
        let now = 1_800_000_000;
        let good = JwtSigner::new("secret")
            .and_then(|s| s.sign(&claims(json!({"user_id": "87"}))))
            .expect("signs");
        assert!(diagnose_accepted_token("secret", &good, now).is_empty());
        let (signed, signature) = good.rsplit_once('.').expect("segments");
        assert_eq!(
            diagnose_accepted_token("other", &good, now),
            [Mistake::SignatureNotChecked]
        );
        // A short signature is accepted by a prefix compare and by no check at all: both told.
        assert_eq!(
            diagnose_accepted_token("secret", &format!("{signed}.{}", &signature[..20]), now),
            [
                Mistake::SignaturePrefixCompared,
                Mistake::SignatureNotChecked
            ]
        );
        assert_eq!(
            diagnose_accepted_token("secret", signed, now),
            [Mistake::SignatureNotChecked]
        );
        let hs512 = token_over(b"secret", r#"{"alg":"HS512"}"#, r#"{"user_id":"87"}"#);
        assert_eq!(
            diagnose_accepted_token("secret", &hs512, now),
            [Mistake::AlgNotPinned]
        );
        let expired = token_over(b"secret", HEADER, r#"{"user_id":"87","exp":0}"#);
        assert_eq!(
            diagnose_accepted_token("secret", &expired, now),
            [Mistake::ExpNotChecked]
        );
        let past = token_over(b"secret", HEADER, r#"{"user_id":"87","exp":"1700000000"}"#);
        assert_eq!(
            diagnose_accepted_token("secret", &past, now),
            [Mistake::ExpNotChecked]
        );
        let future = token_over(b"secret", HEADER, r#"{"user_id":"87","exp":"1900000000"}"#);
        assert!(diagnose_accepted_token("secret", &future, now).is_empty());
        let early = token_over(b"secret", HEADER, r#"{"user_id":"87","nbf":1900000000}"#);
        assert_eq!(
            diagnose_accepted_token("secret", &early, now),
            [Mistake::NbfNotChecked]
        );
    }
}
