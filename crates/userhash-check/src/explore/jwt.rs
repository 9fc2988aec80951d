//! Exploring Messenger JWTs: generated claims to sign, and tokens to verify made by mutating a
//! correct one, each judged by `userhash::jwt` with the vectors' rules of what is mandatory.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::{json, Map, Value};
use userhash::hmac::PreKeyed;
use userhash::jwt::{JwtError, JwtSigner, JwtVerifier, DEFAULT_LEEWAY};

use super::gen::{self, Tape, User};
use super::request;

/// The verifier's clock in every explored token: 2027-01-15T08:00:00Z, as in the vectors.
pub const NOW: i64 = 1_800_000_000;

/// Claims to sign: the user's identifiers, and some of `exp`, `nbf`, `iat`, a name and nested
/// attributes.
#[derive(Clone, Debug, PartialEq)]
pub struct JwtSign {
    /// The user (its secret signs).
    pub user: User,
    /// The claims, as the app has them.
    pub claims: Map<String, Value>,
}

/// A token to verify at [`NOW`], how it was made, and the reference's verdict on it.
#[derive(Clone, Debug, PartialEq)]
pub struct JwtCheck {
    /// The user (its secret verifies).
    pub user: User,
    /// The presented token.
    pub token: String,
    /// How it was made from a correct token.
    pub how: &'static str,
    /// What `userhash::jwt` decides of the token at [`NOW`] with the user's secret: judged
    /// when the token is made, by a verifier with the key that signed it (keying the secret
    /// again was a tenth of a `verify_jwt` case).
    pub verdict: Result<(), JwtError>,
}

/// Times around [`NOW`] where expiry and the leeway are decided.
const OFFSETS: [i64; 10] = [3600, 300, 61, 59, 1, 0, -30, -59, -61, -3600];

/// The claims for a user.
pub fn sign(tape: &mut Tape, user: User) -> JwtSign {
    // Sized for every claim drawn: grown from empty, the map was rehashed twice per probe.
    let mut claims = Map::with_capacity(6);
    if let Some(user_id) = &user.user_id {
        claims.insert("user_id".into(), user_id.clone());
    }
    if let Some(email) = &user.email {
        claims.insert("email".into(), email.clone());
    }
    if tape.draw(2) == 1 {
        claims.insert("exp".into(), json!(NOW + tape_offset(tape)));
    }
    if tape.draw(4) == 1 {
        claims.insert("iat".into(), json!(NOW - 600));
    }
    if tape.draw(3) == 1 {
        claims.insert("name".into(), json!(gen::any_text(tape)));
    }
    if tape.draw(5) == 1 {
        claims.insert(
            "custom_attributes".into(),
            json!({"plan": gen::any_text(tape), "seats": tape.draw(100), "beta": true}),
        );
    }
    JwtSign { user, claims }
}

fn tape_offset(tape: &mut Tape) -> i64 {
    OFFSETS[tape.draw(OFFSETS.len() as u64) as usize]
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `{"alg":"HS256","typ":"JWT"}`.
const HS256: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// `header.payload.signature` over any header and payload text, with HMAC-SHA-256 under `key`
/// (or no signature): the tokens the reference's signer does not make (another header, another
/// key, none). Encoded into one buffer sized once: `encode_string` goes through a chunked
/// writer and a copy per segment.
fn token(header: &str, payload: &str, key: Option<&PreKeyed>) -> String {
    let encoded_len = |len| base64::encoded_len(len, false).unwrap_or(0);
    let header_len = encoded_len(header.len());
    let signed_len = header_len + 1 + encoded_len(payload.len());
    let signature_len = key.map_or(0, |_| encoded_len(userhash::hmac::TAG_LEN));
    let mut token = vec![0u8; signed_len + 1 + signature_len];
    encode_into(header.as_bytes(), &mut token[..header_len]);
    token[header_len] = b'.';
    encode_into(payload.as_bytes(), &mut token[header_len + 1..signed_len]);
    token[signed_len] = b'.';
    if let Some(key) = key {
        let signature = key.tag(&token[..signed_len]);
        encode_into(&signature, &mut token[signed_len + 1..]);
    }
    // Base64url is ASCII.
    String::from_utf8(token).unwrap_or_default()
}

/// Encodes `input` into all of `out`, which is sized for it.
fn encode_into(input: &[u8], out: &mut [u8]) {
    // Sized from `encoded_len`: the encoding fits exactly.
    let _ = URL_SAFE_NO_PAD.encode_slice(input, out);
}

/// The claims of a token to verify, in the order it carries them. A struct rather than a map:
/// a quarter of explored cases build one, and a map cost two SipHashed inserts and an
/// allocation per key (the same JSON either way).
#[derive(Clone)]
#[cfg_attr(test, derive(serde::Serialize))]
struct CheckClaims<'a> {
    user_id: &'a str,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    email: Option<&'a str>,
    /// A number, or a string where a mutation makes it one.
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    exp: Option<Value>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    nbf: Option<i64>,
}

impl CheckClaims<'_> {
    /// The claims as JSON, byte for byte what `serde_json` makes of them (a test holds it to
    /// that), written by the request's writer: through `serde_json` they were a fifth of
    /// making a token to verify (perf).
    fn to_json(&self) -> String {
        let mut out =
            String::with_capacity(64 + self.user_id.len() + self.email.map_or(0, str::len));
        out.push_str("{\"user_id\":");
        request::write_str(&mut out, self.user_id);
        if let Some(email) = self.email {
            out.push_str(",\"email\":");
            request::write_str(&mut out, email);
        }
        if let Some(exp) = &self.exp {
            out.push_str(",\"exp\":");
            request::write_value(&mut out, exp);
        }
        if let Some(nbf) = self.nbf {
            out.push_str(",\"nbf\":");
            out.push_str(itoa::Buffer::new().format(nbf));
        }
        out.push('}');
        out
    }
}

/// A token for the user, made by mutating a correct one.
pub fn check(tape: &mut Tape, user: User) -> JwtCheck {
    let secret = user.secret.as_bytes();
    let number;
    let user_id = match &user.user_id {
        Some(Value::String(id)) if !id.is_empty() => id.as_str(),
        Some(Value::Number(n)) => {
            number = n.to_string();
            number.as_str()
        }
        _ => "u",
    };
    let time = tape.draw(3);
    let exp = (time >= 1).then(|| json!(NOW + tape_offset(tape)));
    let claims = CheckClaims {
        user_id,
        email: user.email.as_ref().and_then(Value::as_str),
        exp,
        nbf: (time == 2).then(|| NOW - tape_offset(tape)),
    };
    let payload = claims.to_json();
    // The reference keys the secret once: its signer signs the good tokens, and a verifier
    // with the same key judges the one presented. An empty secret has neither (the reference
    // refuses it); its tokens are signed with the empty key.
    let signer = JwtSigner::new(&user.secret);
    let signed = |payload: &str| match &signer {
        Ok(signer) => signer.sign_payload(payload.as_bytes()),
        Err(_) => token(HS256, payload, Some(&PreKeyed::new(b""))),
    };
    // Made only where a mutation starts from it: half of them sign something else.
    let good = || signed(&payload);
    // The secret keyed for the tokens with another header or encoding.
    let key = || PreKeyed::new(secret);
    let (how, token) = match tape.draw(14) {
        0 | 1 => ("as signed", good()),
        2 => (
            "alg none, no signature",
            token(r#"{"alg":"none"}"#, &payload, None),
        ),
        3 => (
            "signed with another secret",
            token(HS256, &payload, Some(&PreKeyed::new(b"another secret"))),
        ),
        4 => {
            let changed = format!("{user_id}x");
            let other = CheckClaims {
                user_id: &changed,
                ..claims.clone()
            };
            let good = good();
            let signature = good.rsplit_once('.').map_or("", |(_, s)| s);
            (
                "payload changed, signature kept",
                format!(
                    "{}.{}.{signature}",
                    b64(HS256.as_bytes()),
                    b64(other.to_json().as_bytes())
                ),
            )
        }
        5 => {
            let good = good();
            let (signed, signature) = good.rsplit_once('.').unwrap_or_default();
            let keep = tape.draw(signature.len() as u64) as usize;
            (
                "signature truncated",
                format!("{signed}.{}", &signature[..keep]),
            )
        }
        6 => {
            let signed = format!("{}.{}", b64(br#"{"alg":"HS512"}"#), b64(payload.as_bytes()));
            use hmac::Mac as _;
            let signature = hmac::Hmac::<sha2::Sha512>::new_from_slice(secret)
                .map(|mut mac| {
                    mac.update(signed.as_bytes());
                    b64(&mac.finalize().into_bytes())
                })
                .unwrap_or_default();
            (
                "alg HS512, signed with the secret",
                format!("{signed}.{signature}"),
            )
        }
        7 => {
            let signed = format!("{}.{}", STANDARD.encode(HS256), STANDARD.encode(&payload));
            let signature = STANDARD.encode(key().tag(signed.as_bytes()));
            (
                "standard base64 with padding, signed over it",
                format!("{signed}.{signature}"),
            )
        }
        8 => (
            "header typ first",
            token(r#"{"typ":"JWT","alg":"HS256"}"#, &payload, Some(&key())),
        ),
        9 => ("a fourth segment", format!("{}.e30", good())),
        10 => (
            "no signature segment",
            good()
                .rsplit_once('.')
                .map(|(signed, _)| signed.to_owned())
                .unwrap_or_default(),
        ),
        11 => ("a trailing newline", format!("{}\n", good())),
        12 => {
            let duplicated = format!(r#"{{"user_id":{},"user_id":"admin"}}"#, json!(user_id));
            ("user_id twice, signed", signed(&duplicated))
        }
        _ => {
            let stringly = CheckClaims {
                exp: Some(json!((NOW + tape_offset(tape)).to_string())),
                ..claims
            };
            ("exp as a string, signed", signed(&stringly.to_json()))
        }
    };
    let verdict = signer.and_then(|signer| {
        JwtVerifier::for_signer(&signer)
            .verify(&token, NOW)
            .map(|_| ())
    });
    JwtCheck {
        user,
        token,
        how,
        verdict,
    }
}

/// The token the reference signs for these claims, or the class of error it refuses them
/// with.
pub fn reference_token(sign: &JwtSign) -> Result<String, &'static str> {
    JwtSigner::new(&sign.user.secret)
        .and_then(|signer| signer.sign(&sign.claims))
        .map_err(|error| error.class())
}

/// Whether the token's `exp` or `nbf` is within two leeways of the clock, where verifiers may
/// reasonably differ (the vectors' within-leeway cases are `acceptable`).
fn near_the_clock(token: &str) -> bool {
    let claims = userhash_mistakes::jwt::claims_of(token).unwrap_or_default();
    let leeway = DEFAULT_LEEWAY as f64;
    let now = NOW as f64;
    let at = |name: &str| claims.get(name).and_then(Value::as_f64);
    at("exp").is_some_and(|exp| (now - 2.0 * leeway..=now + leeway).contains(&exp))
        || at("nbf").is_some_and(|nbf| (now - leeway..=now + 2.0 * leeway).contains(&nbf))
}

/// Whether a verifier may differ from the reference on this token with only a warning, by the
/// 401 principle the vectors apply: accepting a token the secret's holder never signed, or an
/// expired or not-yet-valid one (clear of the leeway), is mandatory to refuse; refusing a
/// valid token clear of the leeway is a 401.
pub fn check_is_acceptable(check: &JwtCheck) -> bool {
    if near_the_clock(&check.token) {
        return true;
    }
    match &check.verdict {
        Ok(()) => false,
        Err(JwtError::Signature | JwtError::Expired | JwtError::NotYetValid) => false,
        Err(JwtError::Segments { found }) => *found >= 3,
        Err(JwtError::Algorithm { .. }) => !check.token.ends_with('.'),
        Err(JwtError::TimeType { claim }) => {
            // A string exp in the past: accepting it means expiry is not checked.
            let claims = userhash_mistakes::jwt::claims_of(&check.token).unwrap_or_default();
            !claims
                .get(*claim)
                .and_then(Value::as_str)
                .and_then(|text| text.parse::<f64>().ok())
                .is_some_and(|exp| *claim == "exp" && (NOW as f64) >= exp + DEFAULT_LEEWAY as f64)
        }
        Err(_) => true,
    }
}

/// Whether signing these claims differently is only a warning: an integer user_id above 2^53
/// (JavaScript cannot hold it), as in the vectors.
pub fn sign_is_acceptable(sign: &JwtSign) -> bool {
    super::beyond_doubles(sign.claims.get("user_id"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::gen::SplitMix64;

    #[test]
    fn claims_to_verify_are_written_as_serde_json_writes_them() {
        let mut seeds = SplitMix64::new(11);
        for _ in 0..2000 {
            let mut tape = Tape::unrecorded(SplitMix64::new(seeds.next_u64()));
            let user = gen::user(&mut tape);
            let user_id = gen::any_text(&mut tape);
            for exp in [None, Some(json!(NOW + 61)), Some(json!("1800000061"))] {
                for nbf in [None, Some(NOW - 59)] {
                    let claims = CheckClaims {
                        user_id: &user_id,
                        email: user.email.as_ref().and_then(Value::as_str),
                        exp: exp.clone(),
                        nbf,
                    };
                    let expected = serde_json::to_string(&claims).expect("claims serialize");
                    assert_eq!(claims.to_json(), expected);
                }
            }
        }
    }

    /// The verdict judged with the signer's key, when the token is made, is the one a
    /// verifier keyed from the secret gives it.
    #[test]
    fn a_token_is_judged_as_a_verifier_from_the_secret_judges_it() {
        let mut seeds = SplitMix64::new(12);
        for _ in 0..3000 {
            let mut tape = Tape::unrecorded(SplitMix64::new(seeds.next_u64()));
            let user = gen::user(&mut tape);
            let made = check(&mut tape, user);
            let judged = JwtVerifier::new(&made.user.secret)
                .and_then(|verifier| verifier.verify(&made.token, NOW).map(|_| ()));
            assert_eq!(made.verdict, judged, "{} ({})", made.token, made.how);
        }
    }

    #[test]
    fn tokens_are_their_segments_encoded_and_signed() {
        let key = PreKeyed::new(b"secret");
        for header in [HS256, r#"{"alg":"none"}"#, r#"{"typ":"JWT","alg":"HS256"}"#] {
            for payload in ["", "{}", r#"{"user_id":"\u00e9\n"}"#, &"x".repeat(301)] {
                let signed = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
                let signature = b64(&userhash::hmac::hmac_sha256(b"secret", signed.as_bytes()));
                assert_eq!(
                    token(header, payload, Some(&key)),
                    format!("{signed}.{signature}")
                );
                assert_eq!(token(header, payload, None), format!("{signed}."));
            }
        }
        let good = token(HS256, r#"{"user_id":"87"}"#, Some(&key));
        let verified = JwtVerifier::new("secret").and_then(|v| v.verify(&good, NOW).map(|_| ()));
        assert_eq!(verified, Ok(()));
    }
}
