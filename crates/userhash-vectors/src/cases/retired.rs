//! Case ids that earlier releases published and later retired. A retired id is never reused:
//! loaders and `--known-failures` files that name it must get an error, not another case.

/// A retired case id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retired {
    /// The id as published.
    pub id: &'static str,
    /// The suite version that retired it.
    pub since: &'static str,
    /// The case that took its place, if one did.
    pub replaced_by: Option<&'static str>,
    /// Why, in a sentence.
    pub why: &'static str,
}

const TO_ACCEPTABLE: &str =
    "the reference still rejects the input, but deviating gives no real user a 401, so the case became acceptable (the 401 principle)";

/// Every retired id, oldest first.
pub const RETIRED: &[Retired] = &[
    Retired {
        id: "empty-secret-unidentified",
        since: "2.0.0",
        replaced_by: Some("empty-secret-without-identifier"),
        why: TO_ACCEPTABLE,
    },
    Retired {
        id: "user-id-float",
        since: "2.0.0",
        replaced_by: Some("user-id-type-float"),
        why: TO_ACCEPTABLE,
    },
    Retired {
        id: "user-id-boolean",
        since: "2.0.0",
        replaced_by: Some("user-id-type-boolean"),
        why: TO_ACCEPTABLE,
    },
    Retired {
        id: "user-id-array",
        since: "2.0.0",
        replaced_by: Some("user-id-type-array"),
        why: TO_ACCEPTABLE,
    },
    Retired {
        id: "user-id-object",
        since: "2.0.0",
        replaced_by: Some("user-id-type-object"),
        why: TO_ACCEPTABLE,
    },
    Retired {
        id: "email-number",
        since: "2.0.0",
        replaced_by: Some("email-type-number"),
        why: TO_ACCEPTABLE,
    },
    Retired {
        id: "email-boolean-with-user-id",
        since: "2.0.0",
        replaced_by: Some("email-type-boolean-unused"),
        why: TO_ACCEPTABLE,
    },
];

/// The retirement record of `id`, if it was retired.
///
/// ```
/// let retired = userhash_vectors::cases::retired::find("user-id-float").expect("retired");
/// assert_eq!(retired.replaced_by, Some("user-id-type-float"));
/// assert!(userhash_vectors::cases::retired::find("user-id-only").is_none());
/// ```
pub fn find(id: &str) -> Option<&'static Retired> {
    RETIRED.iter().find(|retired| retired.id == id)
}
