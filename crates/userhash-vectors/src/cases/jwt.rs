//! `user_jwt.json` and `user_jwt_verify.json`: Messenger-security JWTs (HS256), signed and
//! verified.
//!
//! Every expectation comes from `userhash::jwt`; the tokens a verifier must judge are built
//! here byte by byte (a header and payload as text, signed with any algorithm and key), since
//! the point of most of them is that the reference would never write them.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
use sha2::{Sha256, Sha384, Sha512};
use userhash::jwt::{JwtSigner, JwtVerifier};

use super::DEFAULT_SECRET;
use crate::format::{
    ExpectedError, ExpectedToken, JwtCase, JwtExpected, JwtInput, JwtVerifyCase, JwtVerifyExpected,
    JwtVerifyInput, Verdict,
};

/// The verifier's clock in every verification case: 2027-01-15T08:00:00Z.
pub const NOW: i64 = 1_800_000_000;

const USER: &str = "user_8f3a2c";
const EMAIL: &str = "ada@example.com";

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("claims must be an object, got {other}"),
    }
}

/// What the reference signs for `claims`, or the error class it refuses them with.
fn reference_sign(secret: &str, claims: &Map<String, Value>) -> JwtExpected {
    let signed = JwtSigner::new(secret).and_then(|signer| signer.sign(claims));
    match signed {
        Err(error) => JwtExpected::Error(ExpectedError {
            error: error.class().to_owned(),
        }),
        Ok(jwt) => {
            let mut parts = jwt.split('.');
            let mut decode = |what: &str| -> Map<String, Value> {
                let segment = parts.next().unwrap_or_else(|| panic!("a {what}"));
                let bytes = URL_SAFE_NO_PAD.decode(segment).expect("base64url");
                object(serde_json::from_slice(&bytes).expect("JSON"))
            };
            let header = decode("header");
            let claims = decode("payload");
            JwtExpected::Token(ExpectedToken {
                header,
                claims,
                jwt,
            })
        }
    }
}

#[derive(Default)]
struct SigningCases {
    cases: Vec<JwtCase>,
}

impl SigningCases {
    fn add(
        &mut self,
        result: Verdict,
        id: &str,
        description: &str,
        flags: &[&str],
        secret: &str,
        claims: Value,
    ) {
        let claims = object(claims);
        let expected = reference_sign(secret, &claims);
        let refused = matches!(expected, JwtExpected::Error(_));
        assert!(
            (result == Verdict::Invalid) == refused || result == Verdict::Acceptable,
            "case {id}: verdict {result:?} but the reference {} it",
            if refused { "refuses" } else { "signs" }
        );
        self.cases.push(JwtCase {
            id: id.to_owned(),
            description: description.to_owned(),
            flags: flags.iter().map(|flag| (*flag).to_owned()).collect(),
            result,
            input: JwtInput {
                secret: secret.to_owned(),
                claims,
            },
            expected,
        });
    }

    fn valid(&mut self, id: &str, description: &str, flags: &[&str], claims: Value) {
        self.add(
            Verdict::Valid,
            id,
            description,
            flags,
            DEFAULT_SECRET,
            claims,
        );
    }
}

/// A user_id that makes the reference's signed text (`header.payload`) exactly `len` bytes.
fn user_id_for_signed_len(len: usize) -> String {
    let mut user_id = String::from("u");
    loop {
        let claims = object(json!({ "user_id": user_id }));
        let token = JwtSigner::new(DEFAULT_SECRET)
            .and_then(|signer| signer.sign(&claims))
            .expect("signs");
        let signed = token.rsplit_once('.').expect("three segments").0.len();
        if signed == len {
            return user_id;
        }
        assert!(signed < len, "no user_id gives a {len}-byte signed text");
        user_id.push('0');
    }
}

/// All signing cases, in file order.
pub fn signing_cases() -> Vec<JwtCase> {
    let mut c = SigningCases::default();
    c.valid(
        "jwt-user-id-only",
        "The smallest token Intercom accepts: a string user_id and nothing else.",
        &["BasicClaims"],
        json!({ "user_id": "87" }),
    );
    c.valid(
        "jwt-user-id-email-exp",
        "The documented payload: user_id, email and an exp in Unix seconds, each kept with its type.",
        &["BasicClaims"],
        json!({ "user_id": USER, "email": EMAIL, "exp": 1_900_000_000 }),
    );
    c.valid(
        "jwt-integer-user-id",
        "An integer user_id is signed as a string of its decimal digits, as the user hash hashes it: Intercom requires a string.",
        &["UserIdAsString"],
        json!({ "user_id": 87, "email": EMAIL }),
    );
    c.valid(
        "jwt-negative-integer-user-id",
        "A negative integer user_id becomes \"-7\".",
        &["UserIdAsString"],
        json!({ "user_id": -7 }),
    );
    c.valid(
        "jwt-zero-user-id",
        "0 is an id, not a missing one: signed as \"0\" (a truthiness test refuses it).",
        &["UserIdAsString"],
        json!({ "user_id": 0 }),
    );
    c.add(
        Verdict::Acceptable,
        "jwt-large-integer-user-id",
        "An integer above 2^53 is signed with its exact digits; a JSON reader that uses doubles cannot hold it. Sending such ids as strings avoids the problem.",
        &["UserIdAsString", "JwtLargeInteger"],
        DEFAULT_SECRET,
        json!({ "user_id": 18_446_744_073_709_551_615u64 }),
    );
    c.valid(
        "jwt-numeric-string-user-id",
        "A user_id that is a string of digits with a leading zero stays that string: \"007\", never 7.",
        &["UserIdAsString"],
        json!({ "user_id": "007" }),
    );
    c.valid(
        "jwt-whitespace-user-id",
        "Spaces around a user_id are part of it: the claim is signed as given, never trimmed.",
        &["BasicClaims"],
        json!({ "user_id": " 87 " }),
    );
    c.valid(
        "jwt-unicode-claims",
        "Non-ASCII claims are JSON strings in UTF-8: any escaping is free, but the values must survive (no Latin-1, no mangled astral characters).",
        &["UnicodeClaims"],
        json!({ "user_id": "ユーザー-42", "name": "Zoë 👩‍💻", "email": "zoë@exämple.com" }),
    );
    c.valid(
        "jwt-json-escapes",
        "Quotes, backslashes, a slash, a newline and markup in claim values are escaped as JSON requires and read back exactly.",
        &["JsonEscaping"],
        json!({ "user_id": "a\"b\\c/d\n", "name": "</script><b>Ada</b>" }),
    );
    c.valid(
        "jwt-float-exp",
        "exp is a NumericDate, which may have a fraction (RFC 7519 §2): kept as a number.",
        &["TimeClaims"],
        json!({ "user_id": USER, "exp": 1_900_000_000.5 }),
    );
    c.valid(
        "jwt-time-claims",
        "iat, nbf and exp are numbers, never strings or milliseconds.",
        &["TimeClaims"],
        json!({ "user_id": USER, "iat": 1_800_000_000, "nbf": 1_800_000_000, "exp": 1_800_003_600 }),
    );
    c.valid(
        "jwt-nested-attributes",
        "Other attributes are signed as given, nested objects, arrays, booleans and null included.",
        &["NestedClaims"],
        json!({
            "user_id": USER,
            "name": "Ada Lovelace",
            "custom_attributes": { "plan": "pro", "seats": 3, "beta": true, "tags": ["a", "b"], "manager": null }
        }),
    );
    c.add(
        Verdict::Valid,
        "jwt-secret-non-ascii",
        "The secret is keyed as its UTF-8 bytes, as for the user hash.",
        &["JwtSecretEncoding"],
        "sécret-🔑",
        json!({ "user_id": USER }),
    );
    c.add(
        Verdict::Valid,
        "jwt-secret-hex-looking",
        "A secret of hex digits is still text: keyed as those 64 ASCII bytes, never hex-decoded.",
        &["JwtSecretEncoding"],
        "6a1f0c8e2b7d4a9f3e5c1b8a7d6f4e2c9b0a1d3e5f7c9b2a4d6e8f0a1c3e5b7d",
        json!({ "user_id": USER }),
    );
    c.add(
        Verdict::Valid,
        "jwt-secret-base64-looking",
        "A secret that happens to be valid base64 is keyed as its text, never base64-decoded.",
        &["JwtSecretEncoding"],
        "c2VjcmV0LWtleS0xMjM0NTY3ODkwYWJjZGVm",
        json!({ "user_id": USER }),
    );
    c.add(
        Verdict::Valid,
        "jwt-secret-longer-than-block",
        "A 100-byte secret is longer than SHA-256's 64-byte block, so HMAC hashes it first.",
        &["JwtSecretLength"],
        &super::ascii_of_len("long-secret-", 100),
        json!({ "user_id": USER }),
    );
    c.add(
        Verdict::Valid,
        "jwt-secret-trailing-newline",
        "A secret read from a file may end in a newline; the suite gives it with one, and it is keyed with it.",
        &["JwtSecretEncoding"],
        "userhash-test-secret\n",
        json!({ "user_id": USER }),
    );
    for (len, position) in [(119, "ends 9 bytes before"), (120, "ends 8 bytes before")] {
        c.valid(
            &format!("jwt-signed-text-{len}-bytes"),
            &format!(
                "header.payload is {len} bytes, so the HMAC's inner message {position} the end of its second block: its length padding spills into a new block (or just fits)."
            ),
            &["BlockBoundary"],
            json!({ "user_id": user_id_for_signed_len(len) }),
        );
    }
    let refuse = |c: &mut SigningCases, id: &str, description: &str, flags: &[&str], claims| {
        c.add(
            Verdict::Invalid,
            id,
            description,
            flags,
            DEFAULT_SECRET,
            claims,
        );
    };
    refuse(
        &mut c,
        "jwt-email-without-user-id",
        "Only an email: unlike the user hash, a Messenger JWT needs a user_id, and a token without one is rejected, so the signer must refuse.",
        &["MissingUserId"],
        json!({ "email": EMAIL }),
    );
    refuse(
        &mut c,
        "jwt-empty-user-id",
        "An empty user_id is no user_id.",
        &["MissingUserId"],
        json!({ "user_id": "", "email": EMAIL }),
    );
    refuse(
        &mut c,
        "jwt-null-user-id",
        "A null user_id is no user_id (never the text \"null\").",
        &["MissingUserId"],
        json!({ "user_id": null, "email": EMAIL }),
    );
    refuse(
        &mut c,
        "jwt-no-claims",
        "No claims at all: nothing to sign.",
        &["MissingUserId"],
        json!({}),
    );
    c.add(
        Verdict::Invalid,
        "jwt-empty-secret",
        "An empty secret signs with nothing (anyone can forge the token): refuse it.",
        &["JwtEmptySecret"],
        "",
        json!({ "user_id": USER }),
    );
    for (id, value, what) in [
        ("jwt-float-user-id", json!(42.0), "a float (42.0)"),
        ("jwt-boolean-user-id", json!(true), "a boolean"),
        ("jwt-object-user-id", json!({ "id": 42 }), "an object"),
    ] {
        c.add(
            Verdict::Acceptable,
            id,
            &format!(
                "A user_id that is {what}: the reference refuses it, since no string form is obviously right; signing some string of it is only a warning."
            ),
            &["JwtUserIdType"],
            DEFAULT_SECRET,
            json!({ "user_id": value }),
        );
    }
    c.cases
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// How a hand-built token is signed.
#[derive(Clone, Copy)]
enum Signature<'a> {
    Hs256(&'a [u8]),
    Hs384(&'a [u8]),
    Hs512(&'a [u8]),
    Empty,
}

fn tag(signature: Signature<'_>, signed: &[u8]) -> Vec<u8> {
    fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], signed: &[u8]) -> Vec<u8> {
        let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(key).expect("any key length");
        mac.update(signed);
        mac.finalize().into_bytes().to_vec()
    }
    match signature {
        Signature::Hs256(key) => mac::<Hmac<Sha256>>(key, signed),
        Signature::Hs384(key) => mac::<Hmac<Sha384>>(key, signed),
        Signature::Hs512(key) => mac::<Hmac<Sha512>>(key, signed),
        Signature::Empty => Vec::new(),
    }
}

/// A token over any header and payload bytes.
fn token(header: &str, payload: &[u8], signature: Signature<'_>) -> String {
    let signed = format!("{}.{}", b64(header.as_bytes()), b64(payload));
    let tag = tag(signature, signed.as_bytes());
    format!("{signed}.{}", b64(&tag))
}

fn secret() -> Signature<'static> {
    Signature::Hs256(DEFAULT_SECRET.as_bytes())
}

const HS256: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// A well-formed payload for the default user, with `exp` an hour after [`NOW`].
fn payload() -> String {
    format!(
        r#"{{"user_id":"{USER}","email":"{EMAIL}","exp":{}}}"#,
        NOW + 3600
    )
}

/// A good token for the default user: what the other cases start from.
fn good() -> String {
    token(HS256, payload().as_bytes(), secret())
}

#[derive(Default)]
struct VerifyCases {
    cases: Vec<JwtVerifyCase>,
}

impl VerifyCases {
    fn add(
        &mut self,
        result: Verdict,
        id: &str,
        description: &str,
        flags: &[&str],
        secret: &str,
        jwt: String,
    ) {
        let verdict = JwtVerifier::new(secret)
            .expect("verification cases use a non-empty secret")
            .verify(&jwt, NOW);
        let expected = JwtVerifyExpected {
            valid: verdict.is_ok(),
            error: verdict.err().map(|error| error.class().to_owned()),
        };
        assert!(
            match result {
                Verdict::Valid => expected.valid,
                Verdict::Invalid => !expected.valid,
                Verdict::Acceptable => true,
            },
            "case {id}: verdict {result:?} but the reference says {expected:?}"
        );
        self.cases.push(JwtVerifyCase {
            id: id.to_owned(),
            description: description.to_owned(),
            flags: flags.iter().map(|flag| (*flag).to_owned()).collect(),
            result,
            input: JwtVerifyInput {
                secret: secret.to_owned(),
                jwt,
                now: NOW,
            },
            expected,
        });
    }

    fn case(&mut self, result: Verdict, id: &str, description: &str, flags: &[&str], jwt: String) {
        self.add(result, id, description, flags, DEFAULT_SECRET, jwt);
    }
}

/// Replaces `+`/`/` by `-`/`_` and back, and pads: the standard alphabet's form of a segment.
fn standard(segment_bytes: &[u8]) -> String {
    STANDARD.encode(segment_bytes)
}

/// All verification cases, in file order.
pub fn verify_cases() -> Vec<JwtVerifyCase> {
    use Verdict::{Acceptable, Invalid, Valid};
    let mut c = VerifyCases::default();
    let good = good();
    let (signed, signature_b64) = good.rsplit_once('.').expect("three segments");
    let (header_b64, payload_b64) = signed.split_once('.').expect("two segments");

    // -- tokens that must be accepted
    c.case(
        Valid,
        "jwt-verify-valid",
        "A token as the reference signs it: user_id, email and an exp an hour ahead.",
        &["BasicClaims"],
        good.clone(),
    );
    c.case(
        Valid,
        "jwt-verify-no-exp",
        "exp is optional for Intercom: a verifier that requires it (the Rust jsonwebtoken crate does by default) rejects every such user.",
        &["NoExp"],
        token(HS256, format!(r#"{{"user_id":"{USER}"}}"#).as_bytes(), secret()),
    );
    for (id, header, what) in [
        (
            "jwt-verify-header-without-typ",
            r#"{"alg":"HS256"}"#,
            "no typ (it is optional)",
        ),
        (
            "jwt-verify-header-typ-first",
            r#"{"typ":"JWT","alg":"HS256"}"#,
            "typ before alg, as jsonwebtoken writes it",
        ),
        (
            "jwt-verify-header-with-kid",
            r#"{"alg":"HS256","typ":"JWT","kid":"2026-11"}"#,
            "a key id, as secret rotation adds",
        ),
        (
            "jwt-verify-header-with-spaces",
            r#"{ "alg" : "HS256", "typ" : "JWT" }"#,
            "whitespace inside the JSON",
        ),
    ] {
        c.case(
            Valid,
            id,
            &format!("The header has {what}: any JSON object with alg HS256 and no crit is fine; comparing the header segment with one fixed string rejects it."),
            &["HeaderForms"],
            token(header, payload().as_bytes(), secret()),
        );
    }
    c.case(
        Valid,
        "jwt-verify-float-exp",
        "exp with a fraction is a NumericDate too.",
        &["TimeClaims"],
        token(
            HS256,
            format!(r#"{{"user_id":"{USER}","exp":{}.5}}"#, NOW + 3600).as_bytes(),
            secret(),
        ),
    );
    c.case(
        Valid,
        "jwt-verify-nbf-and-iat-past",
        "nbf and iat ten minutes ago: valid now.",
        &["TimeClaims"],
        token(
            HS256,
            format!(
                r#"{{"user_id":"{USER}","iat":{0},"nbf":{0},"exp":{1}}}"#,
                NOW - 600,
                NOW + 3600
            )
            .as_bytes(),
            secret(),
        ),
    );
    c.case(
        Valid,
        "jwt-verify-unicode-claims",
        "Non-ASCII claims, some as raw UTF-8 and some as \\u escapes.",
        &["UnicodeClaims"],
        token(
            HS256,
            r#"{"user_id":"ユーザー-42","name":"Zo\u00eb \ud83d\udc69\u200d\ud83d\udcbb"}"#
                .as_bytes(),
            secret(),
        ),
    );
    for (id, secret_text, what, flag) in [
        ("jwt-verify-secret-hex-looking", "6a1f0c8e2b7d4a9f3e5c1b8a7d6f4e2c9b0a1d3e5f7c9b2a4d6e8f0a1c3e5b7d", "of hex digits, keyed as text", "JwtSecretEncoding"),
        ("jwt-verify-secret-non-ascii", "sécret-🔑", "with non-ASCII characters, keyed as UTF-8", "JwtSecretEncoding"),
        ("jwt-verify-secret-longer-than-block", "long-secret-0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567", "of 100 bytes (HMAC hashes it first)", "JwtSecretLength"),
    ] {
        c.add(
            Valid,
            id,
            &format!("A good token under a secret {what}."),
            &[flag],
            secret_text,
            token(HS256, payload().as_bytes(), Signature::Hs256(secret_text.as_bytes())),
        );
    }
    c.case(
        Acceptable,
        "jwt-verify-exp-within-leeway",
        "exp was 30 seconds ago: within the reference's 60-second leeway for clock skew, so accepted; a verifier with no leeway refuses it, which is only a warning.",
        &["Leeway"],
        token(HS256, format!(r#"{{"user_id":"{USER}","exp":{}}}"#, NOW - 30).as_bytes(), secret()),
    );
    c.case(
        Acceptable,
        "jwt-verify-nbf-within-leeway",
        "nbf is 30 seconds ahead: within the leeway, so accepted; refusing it is only a warning.",
        &["Leeway"],
        token(
            HS256,
            format!(r#"{{"user_id":"{USER}","nbf":{}}}"#, NOW + 30).as_bytes(),
            secret(),
        ),
    );

    // -- forgeries and stale tokens: accepting any of these lets a wrong token through
    for (id, alg) in [
        ("jwt-verify-alg-none", "none"),
        ("jwt-verify-alg-none-capitalised", "None"),
        ("jwt-verify-alg-none-uppercase", "NONE"),
    ] {
        c.case(
            Invalid,
            id,
            &format!("alg \"{alg}\" and no signature: anyone can write this token. The verifier must pin HS256 (RFC 8725 §3.1), never trust the header."),
            &["AlgNone"],
            token(&format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#), payload().as_bytes(), Signature::Empty),
        );
    }
    c.case(
        Invalid,
        "jwt-verify-wrong-secret",
        "Signed with another secret.",
        &["BadSignature"],
        token(
            HS256,
            payload().as_bytes(),
            Signature::Hs256(b"another-secret"),
        ),
    );
    let admin = b64(format!(
        r#"{{"user_id":"admin","email":"{EMAIL}","exp":{}}}"#,
        NOW + 3600
    )
    .as_bytes());
    c.case(
        Invalid,
        "jwt-verify-tampered-payload",
        "The payload swapped for another user's, the signature kept: a forgery if the signature is not checked.",
        &["BadSignature"],
        format!("{header_b64}.{admin}.{signature_b64}"),
    );
    let kid_header = b64(br#"{"alg":"HS256","typ":"JWT","kid":"x"}"#);
    c.case(
        Invalid,
        "jwt-verify-tampered-header",
        "The header changed, the signature kept: the signature covers the header too.",
        &["BadSignature"],
        format!("{kid_header}.{payload_b64}.{signature_b64}"),
    );
    let other = token(
        HS256,
        format!(r#"{{"user_id":"admin","exp":{}}}"#, NOW + 3600).as_bytes(),
        secret(),
    );
    c.case(
        Invalid,
        "jwt-verify-other-tokens-signature",
        "This user's header and payload with another valid token's signature.",
        &["BadSignature"],
        format!(
            "{signed}.{}",
            other.rsplit_once('.').expect("three segments").1
        ),
    );
    c.case(
        Invalid,
        "jwt-verify-empty-signature",
        "A signature segment that is empty: never \"nothing to check\".",
        &["BadSignature"],
        format!("{signed}."),
    );
    c.case(
        Invalid,
        "jwt-verify-truncated-signature",
        "The signature cut to its first 20 characters: a verifier that compares only as many bytes as it was given accepts it.",
        &["BadSignature"],
        format!("{signed}.{}", &signature_b64[..20]),
    );
    let hex_secret = "6a1f0c8e2b7d4a9f3e5c1b8a7d6f4e2c9b0a1d3e5f7c9b2a4d6e8f0a1c3e5b7d";
    let decoded: Vec<u8> = (0..hex_secret.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex_secret[i..i + 2], 16).expect("hex"))
        .collect();
    c.add(
        Invalid,
        "jwt-verify-hex-secret-decoded",
        "Signed with the 32 bytes a hex-looking secret decodes to, verified with that secret: the right key is its 64 characters of text, so only a verifier that hex-decodes the secret accepts this.",
        &["JwtSecretEncoding"],
        hex_secret,
        token(HS256, payload().as_bytes(), Signature::Hs256(&decoded)),
    );
    c.case(
        Invalid,
        "jwt-verify-expired",
        "exp an hour ago.",
        &["Expired"],
        token(
            HS256,
            format!(r#"{{"user_id":"{USER}","exp":{}}}"#, NOW - 3600).as_bytes(),
            secret(),
        ),
    );
    c.case(
        Invalid,
        "jwt-verify-expired-five-minutes",
        "exp five minutes ago: past any small leeway.",
        &["Expired"],
        token(
            HS256,
            format!(r#"{{"user_id":"{USER}","exp":{}}}"#, NOW - 300).as_bytes(),
            secret(),
        ),
    );
    c.case(
        Invalid,
        "jwt-verify-exp-zero",
        "exp 0 (1970): expired. A verifier that tests `if exp:` skips the check for 0.",
        &["Expired"],
        token(
            HS256,
            format!(r#"{{"user_id":"{USER}","exp":0}}"#).as_bytes(),
            secret(),
        ),
    );
    c.case(
        Invalid,
        "jwt-verify-not-yet-valid",
        "nbf an hour ahead.",
        &["NotYetValid"],
        token(
            HS256,
            format!(r#"{{"user_id":"{USER}","nbf":{}}}"#, NOW + 3600).as_bytes(),
            secret(),
        ),
    );
    c.case(
        Invalid,
        "jwt-verify-exp-string-past",
        "exp \"1700000000\", a string, and in the past: a verifier that skips non-numeric exp accepts an expired token.",
        &["ExpType"],
        token(HS256, format!(r#"{{"user_id":"{USER}","exp":"{}"}}"#, NOW - 100_000_000).as_bytes(), secret()),
    );
    c.case(
        Invalid,
        "jwt-verify-two-segments",
        "Header and payload with no signature segment at all.",
        &["Segments"],
        signed.to_owned(),
    );
    c.case(
        Invalid,
        "jwt-verify-payload-only",
        "A bare base64url payload.",
        &["Segments"],
        payload_b64.to_owned(),
    );
    c.case(
        Invalid,
        "jwt-verify-empty-token",
        "The empty string.",
        &["Segments"],
        String::new(),
    );
    c.case(
        Invalid,
        "jwt-verify-not-a-token",
        "Text that is not a token.",
        &["Segments"],
        "not a jwt".to_owned(),
    );

    // -- what the reference refuses but a token holder signed: warnings
    c.case(
        Acceptable,
        "jwt-verify-alg-none-with-signature",
        "alg \"none\" but a correct HS256 signature: the reference refuses any alg but HS256; a verifier that ignores alg and checks HS256 anyway is not fooled by it, so accepting is a warning.",
        &["AlgNotPinned"],
        token(r#"{"alg":"none","typ":"JWT"}"#, payload().as_bytes(), secret()),
    );
    for (id, alg, signature) in [
        (
            "jwt-verify-alg-hs384",
            "HS384",
            Signature::Hs384(DEFAULT_SECRET.as_bytes()),
        ),
        (
            "jwt-verify-alg-hs512",
            "HS512",
            Signature::Hs512(DEFAULT_SECRET.as_bytes()),
        ),
        ("jwt-verify-alg-rs256-hmac-signed", "RS256", secret()),
        ("jwt-verify-alg-lowercase", "hs256", secret()),
    ] {
        c.case(
            Acceptable,
            id,
            &format!("alg \"{alg}\" with a signature made with the secret: only the secret's holder can write it, but a verifier that accepts it trusts the header's alg, the root of algorithm-confusion attacks (CVE-2015-9235). Pin HS256."),
            &["AlgNotPinned"],
            token(&format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#), payload().as_bytes(), signature),
        );
    }
    c.case(
        Acceptable,
        "jwt-verify-alg-missing",
        "A header with no alg, signed with HS256.",
        &["AlgNotPinned"],
        token(r#"{"typ":"JWT"}"#, payload().as_bytes(), secret()),
    );
    c.case(
        Acceptable,
        "jwt-verify-four-segments",
        "A good token followed by a fourth segment: not a JWS compact serialization.",
        &["Segments"],
        format!("{good}.e30"),
    );
    let padded = |segment: &str| format!("{segment}{}", "=".repeat((4 - segment.len() % 4) % 4));
    let padded_signed = format!("{}.{}", padded(header_b64), padded(payload_b64));
    assert!(
        padded_signed != signed,
        "the padding case must pad something"
    );
    c.case(
        Acceptable,
        "jwt-verify-padded-segments",
        "Segments padded with '=' (as a hand-written or standard encoder writes them), signed over that text: RFC 7515 forbids padding.",
        &["PaddedBase64"],
        {
            let tag = tag(secret(), padded_signed.as_bytes());
            format!("{padded_signed}.{}", padded(&b64(&tag)))
        },
    );
    c.case(
        Acceptable,
        "jwt-verify-padded-signature",
        "A good token whose signature segment alone gained its '=' padding.",
        &["PaddedBase64"],
        format!("{signed}.{}", padded(signature_b64)),
    );
    // A payload whose base64url has both '-' and '_', so the standard alphabet differs.
    let (standard_token, standard_payload) = (0..12)
        .map(|n| {
            // Shifting "??>>" by one character at a time moves it through the three byte
            // positions of a base64 group, so one of the first few gives both characters.
            let text = format!(
                r#"{{"user_id":"{USER}","name":"{}??>>","exp":{}}}"#,
                "~".repeat(n),
                NOW + 3600
            );
            (standard(HS256.as_bytes()), standard(text.as_bytes()))
        })
        .find(|(_, p)| p.contains('+') && p.contains('/'))
        .map(|(h, p)| {
            let signed = format!("{}.{}", h.trim_end_matches('='), p.trim_end_matches('='));
            let tag = tag(secret(), signed.as_bytes());
            (
                format!("{signed}.{}", STANDARD.encode(tag).trim_end_matches('=')),
                p,
            )
        })
        .expect("some payload has + and /");
    assert!(standard_payload.contains('+'));
    c.case(
        Acceptable,
        "jwt-verify-standard-base64",
        "Segments in the standard base64 alphabet ('+', '/') instead of base64url, signed over that text.",
        &["StandardBase64"],
        standard_token,
    );
    c.case(
        Acceptable,
        "jwt-verify-trailing-newline",
        "A good token with a newline after it, as read from a header or file without trimming.",
        &["TokenWhitespace"],
        format!("{good}\n"),
    );
    c.case(
        Acceptable,
        "jwt-verify-space-inside",
        "A good token with a space after the first dot.",
        &["TokenWhitespace"],
        format!("{header_b64}. {payload_b64}.{signature_b64}"),
    );
    let last = signature_b64.chars().last().expect("a signature");
    let sibling = URL_SAFE_NO_PAD
        .decode(signature_b64)
        .ok()
        .and_then(|_| {
            const ALPHABET: &str =
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            // 43 characters carry 258 bits: the last character's low 2 bits are unused.
            let index = ALPHABET.find(last).expect("base64url");
            ALPHABET.chars().nth(index ^ 1)
        })
        .expect("a sibling character");
    c.case(
        Acceptable,
        "jwt-verify-non-canonical-signature",
        "The signature's last character changed in its unused low bits: lenient decoders read the same 32 bytes, so the token is malleable.",
        &["NonCanonicalBase64"],
        format!("{signed}.{}{sibling}", &signature_b64[..signature_b64.len() - 1]),
    );
    c.case(
        Acceptable,
        "jwt-verify-duplicate-user-id",
        "Two user_id claims, signed: parsers disagree on which wins (Python and JavaScript keep the last), so the reference refuses the token.",
        &["DuplicateClaims"],
        token(HS256, format!(r#"{{"user_id":"{USER}","user_id":"admin","exp":{}}}"#, NOW + 3600).as_bytes(), secret()),
    );
    c.case(
        Acceptable,
        "jwt-verify-duplicate-alg",
        "The header says alg twice (\"none\" then \"HS256\"), signed with HS256.",
        &["DuplicateClaims"],
        token(
            r#"{"alg":"none","alg":"HS256","typ":"JWT"}"#,
            payload().as_bytes(),
            secret(),
        ),
    );
    c.case(
        Acceptable,
        "jwt-verify-unknown-crit",
        "A header naming a critical extension no Messenger verifier implements: RFC 7515 §4.1.11 requires rejecting it.",
        &["CritHeader"],
        token(r#"{"alg":"HS256","typ":"JWT","crit":["exp-ms"],"exp-ms":true}"#, payload().as_bytes(), secret()),
    );
    c.case(
        Acceptable,
        "jwt-verify-exp-string-future",
        "exp as a string that is still ahead: the reference refuses a non-numeric exp whatever it says.",
        &["ExpType"],
        token(HS256, format!(r#"{{"user_id":"{USER}","exp":"{}"}}"#, NOW + 3600).as_bytes(), secret()),
    );
    c.case(
        Acceptable,
        "jwt-verify-numeric-user-id",
        "user_id 87, a number: Intercom requires a string; the reference refuses it.",
        &["JwtUserIdType"],
        token(HS256, br#"{"user_id":87}"#, secret()),
    );
    c.case(
        Acceptable,
        "jwt-verify-empty-user-id",
        "An empty user_id, signed: no user to sign in.",
        &["MissingUserId"],
        token(
            HS256,
            br#"{"user_id":"","email":"ada@example.com"}"#,
            secret(),
        ),
    );
    c.case(
        Acceptable,
        "jwt-verify-missing-user-id",
        "Only an email, signed: a Messenger JWT needs a user_id.",
        &["MissingUserId"],
        token(HS256, br#"{"email":"ada@example.com"}"#, secret()),
    );
    c.case(
        Acceptable,
        "jwt-verify-payload-not-object",
        "A payload that is a JSON string, not an object, signed.",
        &["MalformedJson"],
        token(HS256, format!(r#""{USER}""#).as_bytes(), secret()),
    );
    c.case(
        Acceptable,
        "jwt-verify-non-utf8-payload",
        "A payload with bytes that are not UTF-8 inside a string (ff fe), signed.",
        &["MalformedJson"],
        token(HS256, b"{\"user_id\":\"\xff\xfe\"}", secret()),
    );
    let name = "n".repeat(8192);
    c.case(
        Acceptable,
        "jwt-verify-over-8-kib",
        "A correctly signed token of over 8 KiB: the reference refuses tokens longer than 8192 bytes before decoding them (browsers and proxies cap headers near there).",
        &["TokenSize"],
        token(HS256, format!(r#"{{"user_id":"{USER}","name":"{name}"}}"#).as_bytes(), secret()),
    );
    c.cases
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_prefixed() {
        let mut ids: Vec<String> = signing_cases().into_iter().map(|case| case.id).collect();
        ids.extend(verify_cases().into_iter().map(|case| case.id));
        assert!(ids.iter().all(|id| id.starts_with("jwt-")));
        let count = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }

    #[test]
    fn block_boundary_user_ids_hit_their_lengths() {
        for len in [119, 120] {
            let id = user_id_for_signed_len(len);
            let claims = object(json!({ "user_id": id }));
            let token = JwtSigner::new(DEFAULT_SECRET)
                .and_then(|signer| signer.sign(&claims))
                .expect("signs");
            assert_eq!(token.rsplit_once('.').expect("segments").0.len(), len);
        }
    }
}
