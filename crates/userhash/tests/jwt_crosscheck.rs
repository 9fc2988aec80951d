//! The JWT module against an implementation that is not ours: the `jsonwebtoken` crate.
//!
//! Every token we sign must verify there with the same claims, every token it signs must verify
//! here, and the tokens both must refuse (`alg` none or HS512 under a pinned HS256, a wrong
//! secret, a tampered payload, an expired token) are refused by both. PyJWT checks the published
//! vectors the same way (`crates/userhash-vectors/tests/crosscheck.py`).

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use userhash::jwt::{JwtSigner, JwtVerifier, DEFAULT_LEEWAY};

const NOW: i64 = 1_800_000_000;

/// What `jsonwebtoken` needs to verify a Messenger token: HS256 pinned, `exp` optional (its
/// default requires one, which Intercom does not), the same leeway, and the clock at `NOW`
/// (it reads the system clock, so expiry is checked by hand against `NOW` below).
fn theirs_accepts(secret: &str, token: &str) -> Option<Map<String, Value>> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.leeway = DEFAULT_LEEWAY;
    let data = decode::<Map<String, Value>>(
        token,
        &DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )
    .ok()?;
    let claims = data.claims;
    let leeway = DEFAULT_LEEWAY as f64;
    if let Some(exp) = claims.get("exp").and_then(Value::as_f64) {
        if NOW as f64 >= exp + leeway {
            return None;
        }
    }
    Some(claims)
}

fn theirs_signs(secret: &str, claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("jsonwebtoken signs")
}

fn ours_signs(secret: &str, claims: &Value) -> String {
    JwtSigner::new(secret)
        .expect("secret")
        .sign(claims.as_object().expect("an object"))
        .expect("signs")
}

fn ours_accepts(secret: &str, token: &str) -> Option<Map<String, Value>> {
    JwtVerifier::new(secret)
        .expect("secret")
        .verify(token, NOW)
        .ok()
        .map(|verified| verified.claims())
}

#[test]
fn tokens_cross_verify_with_the_same_claims() {
    let claims = json!({
        "user_id": "87",
        "email": "ada@example.com",
        "exp": NOW + 3600,
        "name": "Zoë 👩‍💻",
        "custom": {"plan": "pro", "seats": 3}
    });
    let ours = ours_signs("s3cret", &claims);
    assert_eq!(theirs_accepts("s3cret", &ours).as_ref(), claims.as_object());
    let theirs = theirs_signs("s3cret", &claims);
    assert_eq!(ours_accepts("s3cret", &theirs).as_ref(), claims.as_object());
}

#[test]
fn an_integer_user_id_is_signed_as_the_token_theirs_signs_for_its_digits() {
    let ours = ours_signs("s3cret", &json!({"user_id": 18446744073709551615u64}));
    let claims = theirs_accepts("s3cret", &ours).expect("verifies");
    assert_eq!(claims["user_id"], "18446744073709551615");
}

#[test]
fn both_refuse_what_must_be_refused() {
    let claims = json!({"user_id": "87", "exp": NOW + 3600});
    let good = theirs_signs("s3cret", &claims);
    let (signed, _) = good.rsplit_once('.').expect("three segments");
    let (header, payload) = signed.split_once('.').expect("two parts");

    let hs512 = encode(
        &Header::new(Algorithm::HS512),
        &claims,
        &EncodingKey::from_secret(b"s3cret"),
    )
    .expect("signs");
    let none = format!("eyJhbGciOiJub25lIn0.{payload}.");
    let wrong_secret = theirs_signs("other", &claims);
    let tampered = format!(
        "{header}.{}.{}",
        theirs_signs("x", &json!({"user_id": "1", "exp": NOW + 3600}))
            .split('.')
            .nth(1)
            .expect("payload"),
        good.rsplit_once('.').expect("signature").1
    );
    let expired = theirs_signs("s3cret", &json!({"user_id": "87", "exp": NOW - 61}));
    for (what, token) in [
        ("HS512", &hs512),
        ("alg none", &none),
        ("wrong secret", &wrong_secret),
        ("tampered payload", &tampered),
        ("expired", &expired),
    ] {
        assert_eq!(
            theirs_accepts("s3cret", token),
            None,
            "jsonwebtoken: {what}"
        );
        assert_eq!(ours_accepts("s3cret", token), None, "ours: {what}");
    }
    let within_leeway = theirs_signs("s3cret", &json!({"user_id": "87", "exp": NOW - 59}));
    assert!(theirs_accepts("s3cret", &within_leeway).is_some());
    assert!(ours_accepts("s3cret", &within_leeway).is_some());
}

fn claims_strategy() -> impl Strategy<Value = Value> {
    (
        "\\PC{1,40}",
        proptest::option::of("[a-z0-9.+]{1,20}@[a-z]{1,10}\\.[a-z]{2,4}"),
        proptest::option::of(NOW + 61..NOW + 10_000_000),
        proptest::option::of("\\PC{0,60}"),
    )
        .prop_map(|(user_id, email, exp, name)| {
            let mut claims = Map::new();
            claims.insert("user_id".into(), Value::String(user_id));
            if let Some(email) = email {
                claims.insert("email".into(), Value::String(email));
            }
            if let Some(exp) = exp {
                claims.insert("exp".into(), json!(exp));
            }
            if let Some(name) = name {
                claims.insert("name".into(), Value::String(name));
            }
            Value::Object(claims)
        })
}

proptest! {
    #[test]
    fn any_claims_cross_verify(secret in "\\PC{1,100}", claims in claims_strategy()) {
        let ours = ours_signs(&secret, &claims);
        let expected = claims.as_object().cloned();
        prop_assert_eq!(theirs_accepts(&secret, &ours), expected.clone());
        let theirs = theirs_signs(&secret, &claims);
        prop_assert_eq!(ours_accepts(&secret, &theirs), expected);
        // Same claims, same secret: the signatures differ only because the header's key
        // order does ({"typ","alg"} there), so re-signing their header and payload here
        // gives their signature.
        let (their_signed, their_signature) = theirs.rsplit_once('.').expect("three segments");
        let tag = userhash::hmac::PreKeyed::new(secret.as_bytes()).tag(their_signed.as_bytes());
        use base64::Engine as _;
        prop_assert_eq!(
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag),
            their_signature
        );
    }
}
