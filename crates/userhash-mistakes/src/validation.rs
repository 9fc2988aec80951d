//! Mistakes of input validation: answering where the reference rejects (an empty secret, an
//! identifier of a JSON type it does not accept), and rejecting where it answers (an integer
//! user_id). The hash catalogue recomputes wrong answers to valid input; these recompute what a
//! port that skips a check answers instead, so such failures get a name like any other.

use serde_json::Value;
use userhash::hmac::hmac_sha256;
use userhash::profile::{email_from_json, user_id_from_json};
use userhash::{Identity, Signer, UserId};

use crate::coerce::COERCIONS;
use crate::{hex, Answer, Input, Mistake, Variant};

/// The reference's reading of an identifier field, or `None` when it rejects the field's type.
enum Field<'a> {
    /// Absent, null or `""`.
    Absent,
    /// Text to hash.
    Text(String),
    /// A type the reference rejects.
    Unsupported(&'a Value),
}

fn user_id_field(value: Option<&Value>) -> Field<'_> {
    match (user_id_from_json(value), value) {
        (Ok(Some(user_id)), _) => user_id
            .to_message()
            .map_or(Field::Absent, |text| Field::Text(text.into_owned())),
        (Ok(None), _) => Field::Absent,
        (Err(_), Some(value)) => Field::Unsupported(value),
        (Err(_), None) => Field::Absent,
    }
}

fn email_field(value: Option<&Value>) -> Field<'_> {
    match (email_from_json(value), value) {
        (Ok(Some("")) | Ok(None), _) => Field::Absent,
        (Ok(Some(text)), _) => Field::Text(text.to_owned()),
        (Err(_), Some(value)) => Field::Unsupported(value),
        (Err(_), None) => Field::Absent,
    }
}

/// The reference selection over fields already turned into text: user_id wins, `""` is absent.
fn select(user_id: Option<String>, email: Option<String>) -> Option<String> {
    user_id
        .filter(|text| !text.is_empty())
        .or(email.filter(|text| !text.is_empty()))
}

fn hash(key: &[u8], message: Option<String>) -> Answer {
    message.map(|message| hex(&hmac_sha256(key, message.as_bytes())))
}

/// Whether the reference rejects `input`.
pub(crate) fn rejected(input: &Input<'_>) -> bool {
    Signer::new(input.secret).is_err() || Identity::from_json(input.user_id, input.email).is_err()
}

/// Every recomputed variant of a validation mistake on an input the reference rejects, in
/// [`Mistake::variants`] order; empty when the mistake cannot show on this input.
pub(crate) fn answers_on_rejected(mistake: Mistake, input: &Input<'_>) -> Vec<Variant> {
    if !rejected(input) {
        return Vec::new();
    }
    let (user_id, email) = (user_id_field(input.user_id), email_field(input.email));
    let answers: Vec<Answer> = match mistake {
        // The reference checks the secret first; a port that skips that check keys the HMAC
        // with nothing and otherwise follows the reference (a bad type is rejected as usual).
        Mistake::EmptySecretAccepted if input.secret.is_empty() => {
            match (&user_id, &email) {
                (Field::Unsupported(_), _) | (_, Field::Unsupported(_)) => return Vec::new(),
                _ => {}
            }
            let text = |field: Field<'_>| match field {
                Field::Text(text) => Some(text),
                _ => None,
            };
            vec![hash(b"", select(text(user_id), text(email)))]
        }
        Mistake::TypeCoerced if !input.secret.is_empty() => {
            let key = input.secret.as_bytes();
            // "ignored": the unsupported field counts as absent; then each language's
            // conversion of it to text.
            let as_text = |field: &Field<'_>, coerce: Option<crate::coerce::Coercion>| match field {
                Field::Absent => None,
                Field::Text(text) => Some(text.clone()),
                Field::Unsupported(value) => coerce.map(|coerce| coerce(value)),
            };
            std::iter::once(None)
                .chain(COERCIONS.iter().map(|(_, coerce)| Some(*coerce)))
                .map(|coerce| {
                    hash(
                        key,
                        select(as_text(&user_id, coerce), as_text(&email, coerce)),
                    )
                })
                .collect()
        }
        _ => return Vec::new(),
    };
    mistake
        .variants()
        .iter()
        .zip(answers)
        .map(|(&variant, answer)| Variant {
            mistake,
            variant,
            answer,
        })
        .collect()
}

/// For an input the reference rejects, to which the port answered `observed` instead of an
/// error: the validation mistake that explains it, with the first recomputed variant that
/// matches, or the rule-based variant `"other"` (the port answered, so it did skip the check,
/// whatever it then hashed). Nothing for an input the reference accepts.
///
/// An empty secret is named before a type (the reference checks the secret first).
///
/// ```
/// use serde_json::json;
/// use userhash_mistakes::{diagnose_unrejected, Input, Mistake};
/// let user_id = json!(true);
/// let input = Input { secret: "secret", user_id: Some(&user_id), email: None };
/// // Python's str(True) hashed as the user_id.
/// let observed = Some(userhash::Signer::new("secret")?.sign_message(b"True").to_string());
/// let found = diagnose_unrejected(&input, &observed);
/// assert_eq!((found[0].mistake, found[0].variant), (Mistake::TypeCoerced, "python"));
/// # Ok::<(), userhash::Error>(())
/// ```
pub fn diagnose_unrejected(input: &Input<'_>, observed: &Answer) -> Vec<Variant> {
    if !rejected(input) {
        return Vec::new();
    }
    let mistake = if input.secret.is_empty() {
        Mistake::EmptySecretAccepted
    } else {
        Mistake::TypeCoerced
    };
    let variant = answers_on_rejected(mistake, input)
        .into_iter()
        .find(|variant| variant.answer == *observed)
        .unwrap_or(Variant {
            mistake,
            variant: "other",
            answer: observed.clone(),
        });
    vec![variant]
}

/// For an input the reference accepts, which the port rejected with an error: the validation
/// mistakes that explain the rejection. Today one: an integer user_id
/// ([`Mistake::IntegerUserIdRejected`]). Nothing when the reference rejects the input too.
///
/// A port that rejects every input would be named here on each integer case, wrongly; callers
/// that see a run as a whole (the checker does) keep the name only when the port does answer
/// some string user_id.
///
/// ```
/// use serde_json::json;
/// use userhash_mistakes::{diagnose_error, Input, Mistake};
/// let (int, text) = (json!(42), json!("42"));
/// let by_int = Input { secret: "secret", user_id: Some(&int), email: None };
/// assert_eq!(diagnose_error(&by_int)[0].mistake, Mistake::IntegerUserIdRejected);
/// let by_text = Input { secret: "secret", user_id: Some(&text), email: None };
/// assert!(diagnose_error(&by_text).is_empty());
/// ```
pub fn diagnose_error(input: &Input<'_>) -> Vec<Variant> {
    if rejected(input) {
        return Vec::new();
    }
    match user_id_from_json(input.user_id) {
        Ok(Some(UserId::Integer(_))) => vec![Variant {
            mistake: Mistake::IntegerUserIdRejected,
            variant: "default",
            answer: None,
        }],
        _ => Vec::new(),
    }
}
