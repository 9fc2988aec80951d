//! `explain` and `hash`: the correct hash for an input, and why an observed one is wrong.

use serde::Serialize;
use serde_json::Value;
use userhash::{Identity, Signer};
use userhash_mistakes::{Input, Mistake};

use crate::secret::Secret;

/// What to explain.
#[derive(Debug)]
pub struct Question {
    /// The secret.
    pub secret: Secret,
    /// Other platforms' secrets, with the env var each came from.
    pub others: Vec<(String, Secret)>,
    /// `user_id` as JSON (`None` = absent).
    pub user_id: Option<Value>,
    /// `email` as JSON (`None` = absent).
    pub email: Option<Value>,
}

/// One explaining mistake.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// Mistake name.
    pub mistake: Mistake,
    /// Variant (for WRONG_PLATFORM_SECRET: the env var whose secret matches).
    pub variant: String,
    /// The fix.
    pub hint: String,
}

/// The answer.
#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    /// `user_id`, `email` or `none`.
    pub identity: &'static str,
    /// The exact string hashed (`None` for an unidentified user).
    pub message: Option<String>,
    /// Its UTF-8 bytes in hex.
    pub message_utf8_hex: Option<String>,
    /// The correct user hash (`None` for an unidentified user: no hash).
    pub user_hash: Option<String>,
    /// The observed hash, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed: Option<String>,
    /// Whether the observed hash is the correct one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correct: Option<bool>,
    /// Mistakes that produce the observed hash.
    pub diagnosis: Vec<Finding>,
    /// What is off about the observed value itself (not hash-shaped, the secret itself).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// What an observed value looks like, when it is not 64 lowercase hex digits.
fn shape_note(observed: &str) -> Option<String> {
    if userhash::is_user_hash_shaped(observed) {
        return None;
    }
    let length = observed.chars().count();
    let is_hex = |c: char| c.is_ascii_hexdigit();
    let shape = if observed.is_empty() {
        "it is empty".to_owned()
    } else if observed.trim() != observed {
        "it has whitespace around it (a newline from a file or a template?)".to_owned()
    } else if observed.chars().all(is_hex) && length == 64 {
        "it is 64 hex digits, but not all lowercase".to_owned()
    } else if observed.chars().all(is_hex) {
        format!("it is {length} hex digits, not 64")
    } else if observed
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_'))
    {
        format!("it is {length} characters of the base64 alphabet, not hex")
    } else {
        format!("it is {length} characters, not all hex digits")
    };
    Some(format!(
        "the observed value is not even hash-shaped (64 lowercase hex digits): {shape}"
    ))
}

/// Computes the correct hash, and diagnoses `observed` if given.
pub fn explain(question: &Question, observed: Option<&str>) -> Result<Explanation, String> {
    let identity = Identity::from_json(question.user_id.as_ref(), question.email.as_ref())
        .map_err(|e| e.to_string())?;
    let signer = Signer::new(question.secret.expose()).map_err(|e| e.to_string())?;
    let user_hash = signer.user_hash(&identity).map(|h| h.to_string());
    let message = identity.message().map(str::to_owned);
    let mut explanation = Explanation {
        identity: identity.kind().as_str(),
        message_utf8_hex: message
            .as_ref()
            .map(|m| m.bytes().map(|b| format!("{b:02x}")).collect()),
        message,
        user_hash: user_hash.clone(),
        observed: observed.map(str::to_owned),
        correct: None,
        diagnosis: Vec::new(),
        notes: Vec::new(),
    };
    let Some(observed) = observed else {
        return Ok(explanation);
    };
    let correct = user_hash.as_deref() == Some(observed);
    explanation.correct = Some(correct);
    if correct {
        return Ok(explanation);
    }
    // Never echo a secret: the observed value may be the secret itself (or carry it), or
    // another platform's (--other-secret-env), which is just as secret.
    let carried =
        |secret: &Secret| !secret.expose().is_empty() && observed.contains(secret.expose());
    let leaked = if carried(&question.secret) {
        Some("the secret".to_owned())
    } else {
        question
            .others
            .iter()
            .find(|(_, secret)| carried(secret))
            .map(|(var, _)| format!("the secret in ${var}"))
    };
    if let Some(which) = leaked {
        explanation.observed = Some(format!("<redacted: it contains {which}>"));
        explanation.notes.push(format!(
            "WARNING: the observed value contains {which} itself. The secret must never reach \
             a browser, an app or a log: rotate it, and send the HMAC of the identifier instead"
        ));
    } else if let Some(note) = shape_note(observed) {
        explanation.notes.push(note);
    }
    let input = Input {
        secret: question.secret.expose(),
        user_id: question.user_id.as_ref(),
        email: question.email.as_ref(),
    };
    let others: Vec<&str> = question.others.iter().map(|(_, s)| s.expose()).collect();
    for index in userhash_mistakes::match_other_secrets(&input, observed, &others) {
        if let Some((var, _)) = question.others.get(index) {
            explanation.diagnosis.push(Finding {
                mistake: Mistake::WrongPlatformSecret,
                variant: var.clone(),
                hint: format!(
                    "{} (it matches the secret in ${var})",
                    Mistake::WrongPlatformSecret.hint()
                ),
            });
        }
    }
    for variant in userhash_mistakes::diagnose(&input, &Some(observed.to_owned())) {
        explanation.diagnosis.push(Finding {
            mistake: variant.mistake,
            variant: variant.variant.to_owned(),
            hint: variant.mistake.hint().to_owned(),
        });
    }
    Ok(explanation)
}

/// The human rendering of an explanation.
pub fn render_human(explanation: &Explanation) -> String {
    let mut out = String::new();
    match &explanation.user_hash {
        Some(hash) => out.push_str(&format!("correct user_hash: {hash}\n")),
        None => out.push_str("correct user_hash: none (an unidentified user gets no hash)\n"),
    }
    match (&explanation.message, &explanation.message_utf8_hex) {
        (Some(message), Some(hex)) => out.push_str(&format!(
            "hashed: the {} {:?} (UTF-8 bytes: {hex}), keyed with the secret's UTF-8 bytes\n",
            explanation.identity,
            crate::report::human::sanitize(message)
        )),
        _ => out.push_str("hashed: nothing (no user_id and no email)\n"),
    }
    if let (Some(observed), Some(correct)) = (&explanation.observed, explanation.correct) {
        let observed = crate::report::human::sanitize(observed);
        if correct {
            out.push_str(&format!("observed {observed}: correct\n"));
        } else {
            out.push_str(&format!("observed {observed}: INCORRECT\n"));
            for note in &explanation.notes {
                out.push_str(&format!("note: {note}\n"));
            }
            if explanation.diagnosis.is_empty() {
                out.push_str("diagnosis: no catalogued mistake produces this hash; compare the secret, the message bytes above and the algorithm (HMAC-SHA256, lowercase hex)\n");
            }
            for finding in &explanation.diagnosis {
                let name = if finding.variant == "default" {
                    finding.mistake.to_string()
                } else {
                    format!("{} ({})", finding.mistake, finding.variant)
                };
                out.push_str(&format!("diagnosis: {name}: {}\n", finding.hint));
            }
        }
    }
    out
}
