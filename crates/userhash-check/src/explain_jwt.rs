//! `explain --jwt` and `jwt`: a token decoded, verified and diagnosed; a token signed for a
//! user. The secret is only ever used to key the HMAC: no output contains it.

use serde::Serialize;
use serde_json::{Map, Value};
use userhash::jwt::{JwtError, JwtSigner, JwtVerifier, DEFAULT_LEEWAY};
use userhash_mistakes::{jwt as jwt_mistakes, Mistake};

use crate::explain::Finding;
use crate::secret::Secret;

/// What `explain --jwt` found.
#[derive(Clone, Debug, Serialize)]
pub struct JwtExplanation {
    /// The verifier's clock, in Unix seconds.
    pub now: i64,
    /// Whether the reference verifier accepts the token.
    pub valid: bool,
    /// Why it does not (the vector files' error class), when it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The same, in a sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The header, read leniently (even from a token that is refused).
    pub header: Option<Map<String, Value>>,
    /// The claims, read leniently.
    pub claims: Option<Map<String, Value>>,
    /// Mistakes the token proves its signer (or a verifier that accepts it) made.
    pub diagnosis: Vec<Finding>,
    /// Other observations (expiry in words, a signature made with another key…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

fn finding(mistake: Mistake) -> Finding {
    Finding {
        mistake,
        variant: "default".to_owned(),
        hint: mistake.hint().to_owned(),
    }
}

/// Decodes, verifies and diagnoses `token` for `secret` at `now`.
pub fn explain(secret: &Secret, token: &str, now: i64) -> Result<JwtExplanation, String> {
    let verifier = JwtVerifier::new(secret.expose())
        .map_err(|_| "the secret is empty: give the Messenger secret".to_owned())?;
    let verdict = verifier.verify(token, now);
    let header = jwt_mistakes::header_of(token);
    let claims = jwt_mistakes::claims_of(token);
    let mut mistakes: Vec<Mistake> = Vec::new();
    let mut notes = Vec::new();
    if let Err(error) = &verdict {
        // What a signer got wrong, where the token shows it: judged against its own claims
        // with user_id as the reference would sign it.
        if let Some(claims) = &claims {
            let mut expected = claims.clone();
            if let Some(Value::Number(n)) = claims.get("user_id") {
                if n.is_i64() || n.is_u64() {
                    expected.insert("user_id".into(), Value::String(n.to_string()));
                }
            }
            for date in ["exp", "nbf", "iat"] {
                if let Some(Value::String(text)) = claims.get(date) {
                    if let Ok(number) = text.trim().parse::<i64>() {
                        expected.insert(date.into(), Value::from(number));
                    }
                }
            }
            let judged = jwt_mistakes::judge_token(secret.expose(), &expected, token);
            mistakes.extend(judged.mistakes);
            // No key mistake reproduces the signature: say what else it can be.
            if judged
                .problems
                .iter()
                .any(|problem| problem.starts_with("the signature is not"))
            {
                notes.push(
                    "the signature does not match under this secret: the token was signed with \
                     another secret (another workspace's or platform's?), or altered after signing"
                        .to_owned(),
                );
            }
        }
        match error {
            JwtError::MissingUserId => mistakes.push(Mistake::MissingUserId),
            JwtError::Algorithm { .. } => notes.push(
                "a verifier that accepts this token trusts the header's alg (ALG_NONE_ACCEPTED or \
                 ALG_NOT_PINNED); pin HS256"
                    .to_owned(),
            ),
            JwtError::Expired | JwtError::NotYetValid => {
                let at = |name: &str| claims.as_ref()?.get(name)?.as_f64();
                if let Some(exp) = at("exp") {
                    notes.push(format!(
                        "exp is {exp} ({} seconds before now {now}, leeway {DEFAULT_LEEWAY} s)",
                        now as f64 - exp
                    ));
                }
                if let Some(nbf) = at("nbf") {
                    notes.push(format!("nbf is {nbf}, now is {now}"));
                }
            }
            _ => {}
        }
    }
    mistakes.dedup();
    let (valid, error, reason) = match &verdict {
        Ok(_) => (true, None, None),
        Err(error) => (
            false,
            Some(error.class().to_owned()),
            Some(error.to_string()),
        ),
    };
    Ok(JwtExplanation {
        now,
        valid,
        error,
        reason,
        header,
        claims,
        diagnosis: mistakes.into_iter().map(finding).collect(),
        notes,
    })
}

/// The readable form of an explanation.
pub fn render_human(explanation: &JwtExplanation) -> String {
    let mut out = String::new();
    let show = |map: &Option<Map<String, Value>>| {
        map.as_ref().map_or_else(
            || "(not a base64url JSON object)".to_owned(),
            |map| Value::Object(map.clone()).to_string(),
        )
    };
    out.push_str(&format!("header:  {}\n", show(&explanation.header)));
    out.push_str(&format!("claims:  {}\n", show(&explanation.claims)));
    match &explanation.reason {
        None => out.push_str(&format!(
            "valid:   yes, at now = {} (HS256, signature verified)\n",
            explanation.now
        )),
        Some(reason) => out.push_str(&format!(
            "valid:   no, at now = {}: {reason} ({})\n",
            explanation.now,
            explanation.error.as_deref().unwrap_or_default()
        )),
    }
    for finding in &explanation.diagnosis {
        out.push_str(&format!(
            "mistake: {} — {}\n",
            finding.mistake.name(),
            finding.hint
        ));
    }
    for note in &explanation.notes {
        out.push_str(&format!("note:    {note}\n"));
    }
    out
}

/// The token the reference signs for a user.
pub fn sign(secret: &Secret, claims: &Map<String, Value>) -> Result<String, String> {
    JwtSigner::new(secret.expose())
        .and_then(|signer| signer.sign(claims))
        .map_err(|error| match error {
            JwtError::MissingUserId => {
                "a Messenger JWT needs a user_id: give --user-id or --user-id-int (an email alone \
                 is not enough)"
                    .to_owned()
            }
            other => other.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn secret(text: &str) -> Secret {
        crate::secret::check(text.to_owned(), "test", false).expect("a secret")
    }

    #[test]
    fn a_valid_token_is_decoded_and_accepted() {
        let claims = json!({"user_id": "87", "exp": 2_000_000_000});
        let token = sign(&secret("s3cret"), claims.as_object().expect("object")).expect("signs");
        let explained = explain(&secret("s3cret"), &token, 1_800_000_000).expect("explains");
        assert!(explained.valid);
        assert_eq!(explained.claims.as_ref(), claims.as_object());
        assert!(explained.diagnosis.is_empty());
        let text = render_human(&explained);
        assert!(text.contains("valid:   yes"), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
    }

    #[test]
    fn a_wrong_token_is_named_for_what_it_shows() {
        let claims = json!({"user_id": 87});
        // Signed by hand with a numeric user_id and padding, as a port might.
        use base64::Engine as _;
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE.encode(bytes);
        let signed = format!(
            "{}.{}",
            b64(br#"{"alg":"HS256","typ":"JWT"}"#),
            b64(claims.to_string().as_bytes())
        );
        let tag = userhash::hmac::PreKeyed::new(b"s3cret").tag(signed.as_bytes());
        let token = format!("{signed}.{}", b64(&tag));
        let explained = explain(&secret("s3cret"), &token, 0).expect("explains");
        assert!(!explained.valid);
        let names: Vec<&str> = explained
            .diagnosis
            .iter()
            .map(|f| f.mistake.name())
            .collect();
        assert!(names.contains(&"PADDED_BASE64"), "{names:?}");
        assert!(names.contains(&"NUMERIC_USER_ID"), "{names:?}");
        let other = explain(&secret("another"), &token, 0).expect("explains");
        assert!(
            other.notes.iter().any(|n| n.contains("another secret")),
            "{other:?}"
        );
    }

    #[test]
    fn signing_needs_a_user_id() {
        let claims = json!({"email": "ada@example.com"});
        let error = sign(&secret("s3cret"), claims.as_object().expect("object")).unwrap_err();
        assert!(error.contains("needs a user_id"), "{error}");
    }
}
