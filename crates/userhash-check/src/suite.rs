//! The test suite: the embedded vectors, or a directory given with `--vectors`, validated.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;
use userhash_vectors::format::{
    GenerationCase, HmacCase, JwtCase, JwtVerifyCase, VectorFile, VerifyCase, SUITE_NAME,
};

use crate::outcome::CaseKind;
use crate::schema::Schema;

/// Expands to the text of a committed vector file, embedded at build time.
macro_rules! vectors_file {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../vectors/",
            $name
        ))
    };
}

/// The embedded vector files, as (file name, text).
pub const EMBEDDED_VECTORS: [(&str, &str); 5] = [
    ("user_hash.json", vectors_file!("user_hash.json")),
    (
        "user_hash_verify.json",
        vectors_file!("user_hash_verify.json"),
    ),
    ("hmac_sha256.json", vectors_file!("hmac_sha256.json")),
    ("user_jwt.json", vectors_file!("user_jwt.json")),
    (
        "user_jwt_verify.json",
        vectors_file!("user_jwt_verify.json"),
    ),
];

/// The embedded JSON Schemas (draft 2020-12), as (file name, text).
pub const EMBEDDED_SCHEMAS: [(&str, &str); 5] = [
    (
        "user_hash.schema.json",
        vectors_file!("schema/user_hash.schema.json"),
    ),
    (
        "user_hash_verify.schema.json",
        vectors_file!("schema/user_hash_verify.schema.json"),
    ),
    (
        "hmac_sha256.schema.json",
        vectors_file!("schema/hmac_sha256.schema.json"),
    ),
    (
        "user_jwt.schema.json",
        vectors_file!("schema/user_jwt.schema.json"),
    ),
    (
        "user_jwt_verify.schema.json",
        vectors_file!("schema/user_jwt_verify.schema.json"),
    ),
];

/// A vector file that cannot be used, with where and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuiteError {
    /// The file, as given.
    pub file: String,
    /// JSON pointer to the offending value (`""` = the whole file).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl fmt::Display for SuiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if !self.pointer.is_empty() {
            write!(f, " at {}", self.pointer)?;
        }
        write!(f, ": {}\n  fix: {}", self.message, self.fix)
    }
}

impl std::error::Error for SuiteError {}

/// One case of the suite, borrowed.
#[derive(Clone, Copy, Debug)]
pub enum Case<'a> {
    /// A `user_hash.json` case.
    UserHash(&'a GenerationCase),
    /// A `user_hash_verify.json` case.
    Verify(&'a VerifyCase),
    /// A `user_jwt.json` case.
    Jwt(&'a JwtCase),
    /// A `user_jwt_verify.json` case.
    JwtVerify(&'a JwtVerifyCase),
}

impl<'a> Case<'a> {
    /// The case id.
    pub fn id(&self) -> &'a str {
        match self {
            Case::UserHash(case) => &case.id,
            Case::Verify(case) => &case.id,
            Case::Jwt(case) => &case.id,
            Case::JwtVerify(case) => &case.id,
        }
    }

    /// The kind of case.
    pub fn kind(&self) -> CaseKind {
        match self {
            Case::UserHash(_) => CaseKind::UserHash,
            Case::Verify(_) => CaseKind::Verify,
            Case::Jwt(_) => CaseKind::Jwt,
            Case::JwtVerify(_) => CaseKind::JwtVerify,
        }
    }

    /// The case description.
    pub fn description(&self) -> &'a str {
        match self {
            Case::UserHash(case) => &case.description,
            Case::Verify(case) => &case.description,
            Case::Jwt(case) => &case.description,
            Case::JwtVerify(case) => &case.description,
        }
    }

    /// The case's flags (keys into its file's `notes`).
    pub fn flags(&self) -> &'a [String] {
        match self {
            Case::UserHash(case) => &case.flags,
            Case::Verify(case) => &case.flags,
            Case::Jwt(case) => &case.flags,
            Case::JwtVerify(case) => &case.flags,
        }
    }

    /// The case's secret.
    pub fn secret(&self) -> &'a str {
        match self {
            Case::UserHash(case) => &case.input.secret,
            Case::Verify(case) => &case.input.secret,
            Case::Jwt(case) => &case.input.secret,
            Case::JwtVerify(case) => &case.input.secret,
        }
    }
}

/// The loaded suite.
#[derive(Clone, Debug)]
pub struct Suite {
    /// Always `userhash`.
    pub name: String,
    /// The suite version (the same in every file).
    pub version: String,
    /// Whether these are the vectors embedded in this binary.
    pub embedded: bool,
    /// Where the vectors came from (`embedded` or the directory).
    pub source: String,
    /// `user_hash.json` cases.
    pub generation: Vec<GenerationCase>,
    /// `user_hash_verify.json` cases.
    pub verify: Vec<VerifyCase>,
    /// `user_jwt.json` cases (none for a `--vectors` directory from before suite 2.3.0).
    pub jwt: Vec<JwtCase>,
    /// `user_jwt_verify.json` cases.
    pub jwt_verify: Vec<JwtVerifyCase>,
    /// Number of `hmac_sha256.json` cases (never sent over the protocol).
    pub hmac_cases: usize,
    public_secrets: HashSet<String>,
}

impl Suite {
    /// The vectors embedded in this binary.
    pub fn embedded() -> Result<Suite, SuiteError> {
        let [(gen_name, gen_text), (ver_name, ver_text), (hmac_name, hmac_text), (jwt_name, jwt_text), (jwt_verify_name, jwt_verify_text)] =
            EMBEDDED_VECTORS;
        let generation: VectorFile<GenerationCase> =
            parse_typed(&format!("<embedded>/{gen_name}"), gen_text)?;
        let verify: VectorFile<VerifyCase> =
            parse_typed(&format!("<embedded>/{ver_name}"), ver_text)?;
        let hmac: VectorFile<HmacCase> =
            parse_typed(&format!("<embedded>/{hmac_name}"), hmac_text)?;
        let jwt: VectorFile<JwtCase> = parse_typed(&format!("<embedded>/{jwt_name}"), jwt_text)?;
        let jwt_verify: VectorFile<JwtVerifyCase> =
            parse_typed(&format!("<embedded>/{jwt_verify_name}"), jwt_verify_text)?;
        let mut suite = assemble(
            Files {
                generation,
                verify,
                jwt: Some(jwt),
                jwt_verify: Some(jwt_verify),
            },
            hmac.tests.len(),
            "<embedded>",
        )?;
        suite.embedded = true;
        suite.public_secrets = suite.secrets();
        Ok(suite)
    }

    /// The vectors in `dir` (`user_hash.json`, `user_hash_verify.json`, and `hmac_sha256.json`,
    /// `user_jwt.json` and `user_jwt_verify.json` if present), each validated against the
    /// embedded JSON Schema first.
    pub fn from_dir(dir: &Path) -> Result<Suite, SuiteError> {
        let generation: VectorFile<GenerationCase> =
            load_file(&dir.join("user_hash.json"), "user_hash.schema.json")?;
        let verify: VectorFile<VerifyCase> = load_file(
            &dir.join("user_hash_verify.json"),
            "user_hash_verify.schema.json",
        )?;
        let hmac_path = dir.join("hmac_sha256.json");
        let hmac_cases = if hmac_path.exists() {
            let hmac: VectorFile<HmacCase> = load_file(&hmac_path, "hmac_sha256.schema.json")?;
            hmac.tests.len()
        } else {
            0
        };
        let optional = |name: &str| dir.join(name).exists().then(|| dir.join(name));
        let jwt = optional("user_jwt.json")
            .map(|path| load_file(&path, "user_jwt.schema.json"))
            .transpose()?;
        let jwt_verify = optional("user_jwt_verify.json")
            .map(|path| load_file(&path, "user_jwt_verify.schema.json"))
            .transpose()?;
        let mut suite = assemble(
            Files {
                generation,
                verify,
                jwt,
                jwt_verify,
            },
            hmac_cases,
            &dir.display().to_string(),
        )?;
        suite.public_secrets = Suite::embedded().map(|s| s.secrets()).unwrap_or_default();
        Ok(suite)
    }

    /// `from_dir` when a directory is given, else the embedded vectors.
    pub fn load(dir: Option<&Path>) -> Result<Suite, SuiteError> {
        match dir {
            Some(dir) => Suite::from_dir(dir),
            None => Suite::embedded(),
        }
    }

    /// Every case sent over the protocol, in file order (generation first).
    pub fn cases(&self) -> Vec<Case<'_>> {
        self.generation
            .iter()
            .map(Case::UserHash)
            .chain(self.verify.iter().map(Case::Verify))
            .chain(self.jwt.iter().map(Case::Jwt))
            .chain(self.jwt_verify.iter().map(Case::JwtVerify))
            .collect()
    }

    /// Whether a secret may be shown in reports: every secret of the embedded vectors is a
    /// public test secret; any other secret (from `--vectors`) is redacted.
    pub fn is_public_secret(&self, secret: &str) -> bool {
        self.embedded || self.public_secrets.contains(secret)
    }

    /// The secrets of this suite that are not public test secrets (from `--vectors`): they
    /// must never appear in a report.
    pub fn private_secrets(&self) -> Vec<&str> {
        let mut secrets: Vec<&str> = self
            .cases()
            .iter()
            .map(|case| case.secret())
            .filter(|secret| !self.is_public_secret(secret))
            .collect();
        secrets.sort_unstable();
        secrets.dedup();
        secrets
    }

    fn secrets(&self) -> HashSet<String> {
        self.cases()
            .iter()
            .map(|case| case.secret().to_owned())
            .collect()
    }
}

/// The files of one suite, before they are checked against each other.
struct Files {
    generation: VectorFile<GenerationCase>,
    verify: VectorFile<VerifyCase>,
    jwt: Option<VectorFile<JwtCase>>,
    jwt_verify: Option<VectorFile<JwtVerifyCase>>,
}

fn assemble(files: Files, hmac_cases: usize, source: &str) -> Result<Suite, SuiteError> {
    let Files {
        generation,
        verify,
        jwt,
        jwt_verify,
    } = files;
    let versions = [
        ("user_hash_verify.json", Some(&verify.version)),
        ("user_jwt.json", jwt.as_ref().map(|file| &file.version)),
        (
            "user_jwt_verify.json",
            jwt_verify.as_ref().map(|file| &file.version),
        ),
    ];
    for (name, version) in versions {
        if let Some(version) = version.filter(|version| **version != generation.version) {
            return Err(SuiteError {
                file: format!("{source}/{name}"),
                pointer: "/version".into(),
                message: format!(
                    "version {version:?} differs from user_hash.json's {:?}",
                    generation.version
                ),
                fix: "use vector files from one release of the suite".into(),
            });
        }
    }
    let jwt = jwt.map(|file| file.tests).unwrap_or_default();
    let jwt_verify = jwt_verify.map(|file| file.tests).unwrap_or_default();
    let mut seen = HashSet::new();
    let ids = [
        (
            "user_hash.json",
            generation.tests.iter().map(|c| &c.id).collect::<Vec<_>>(),
        ),
        (
            "user_hash_verify.json",
            verify.tests.iter().map(|c| &c.id).collect(),
        ),
        ("user_jwt.json", jwt.iter().map(|c| &c.id).collect()),
        (
            "user_jwt_verify.json",
            jwt_verify.iter().map(|c| &c.id).collect(),
        ),
    ];
    for (file, file_ids) in ids {
        for (index, id) in file_ids.into_iter().enumerate() {
            if !seen.insert(id.clone()) {
                return Err(SuiteError {
                    file: format!("{source}/{file}"),
                    pointer: format!("/tests/{index}/id"),
                    message: format!("duplicate case id {id:?}"),
                    fix: "case ids must be unique across the suite; rename one of them".into(),
                });
            }
        }
    }
    Ok(Suite {
        name: generation.suite.clone(),
        version: generation.version.clone(),
        embedded: false,
        source: source.to_owned(),
        generation: generation.tests,
        verify: verify.tests,
        jwt,
        jwt_verify,
        hmac_cases,
        public_secrets: HashSet::new(),
    })
}

fn schema_text(schema_name: &str) -> Option<&'static str> {
    EMBEDDED_SCHEMAS
        .iter()
        .find(|(name, _)| *name == schema_name)
        .map(|(_, text)| *text)
}

/// Validates `value` against the embedded schema `schema_name`; the first error wins.
pub fn validate_against_schema(
    file: &str,
    schema_name: &str,
    value: &Value,
) -> Result<(), SuiteError> {
    let internal = |message: String| SuiteError {
        file: format!("<embedded>/schema/{schema_name}"),
        pointer: String::new(),
        message,
        fix: "this is a bug in userhash-check; please report it".into(),
    };
    let text = schema_text(schema_name).ok_or_else(|| internal("no such schema".into()))?;
    let schema: Value = serde_json::from_str(text).map_err(|e| internal(e.to_string()))?;
    let schema = Schema::compile(&schema).map_err(|e| internal(e.to_string()))?;
    if let Err(error) = schema.validate(value) {
        return Err(SuiteError {
            file: file.to_owned(),
            pointer: error.pointer,
            message: error.message,
            fix: format!(
                "make the value at that JSON pointer match schema/{schema_name} (the schema \
                 published with the vectors), or leave out --vectors to use the vectors built \
                 into userhash-check"
            ),
        });
    }
    Ok(())
}

fn load_file<Case: DeserializeOwned>(
    path: &Path,
    schema_name: &str,
) -> Result<VectorFile<Case>, SuiteError> {
    let file = path.display().to_string();
    let text = crate::files::read_text(path, crate::files::MAX_VECTOR_FILE).map_err(|message| {
        SuiteError {
            file: file.clone(),
            pointer: String::new(),
            message,
            fix: "--vectors DIR must contain user_hash.json and user_hash_verify.json (and \
                  optionally hmac_sha256.json, user_jwt.json and user_jwt_verify.json), as \
                  published in the suite's vectors/ directory"
                .into(),
        }
    })?;
    let value = parse_json(&file, &text)?;
    validate_against_schema(&file, schema_name, &value)?;
    typed(&file, value)
}

fn parse_json(file: &str, text: &str) -> Result<Value, SuiteError> {
    serde_json::from_str(text).map_err(|e| SuiteError {
        file: file.to_owned(),
        pointer: String::new(),
        message: format!("not valid JSON: {e}"),
        fix: "fix the JSON syntax at that line and column".into(),
    })
}

fn parse_typed<Case: DeserializeOwned>(
    file: &str,
    text: &str,
) -> Result<VectorFile<Case>, SuiteError> {
    typed(file, parse_json(file, text)?)
}

fn typed<Case: DeserializeOwned>(file: &str, value: Value) -> Result<VectorFile<Case>, SuiteError> {
    let parsed: VectorFile<Case> = serde_json::from_value(value).map_err(|e| SuiteError {
        file: file.to_owned(),
        pointer: String::new(),
        message: format!("does not match the vector format: {e}"),
        fix: "compare the file with the published schema in vectors/schema/".into(),
    })?;
    if parsed.suite != SUITE_NAME {
        return Err(SuiteError {
            file: file.to_owned(),
            pointer: "/suite".into(),
            message: format!("suite is {:?}, not {SUITE_NAME:?}", parsed.suite),
            fix: "use the userhash suite's vector files".into(),
        });
    }
    if parsed.number_of_tests != parsed.tests.len() {
        return Err(SuiteError {
            file: file.to_owned(),
            pointer: "/numberOfTests".into(),
            message: format!(
                "numberOfTests is {} but the file has {} tests (truncated or edited by hand?)",
                parsed.number_of_tests,
                parsed.tests.len()
            ),
            fix: format!(
                "set numberOfTests to {} if the tests are complete, or restore the missing tests",
                parsed.tests.len()
            ),
        });
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_vectors_match_their_schemas() {
        for ((file, text), (schema, _)) in EMBEDDED_VECTORS.iter().zip(EMBEDDED_SCHEMAS.iter()) {
            let value: Value = serde_json::from_str(text).expect("embedded JSON");
            validate_against_schema(file, schema, &value).expect("embedded vectors are valid");
        }
        let suite = Suite::embedded().expect("embedded suite");
        assert!(suite.embedded);
        assert!(!suite.generation.is_empty() && !suite.verify.is_empty());
        assert!(suite.hmac_cases > 0);
    }

    #[test]
    fn secrets_from_other_vectors_are_redacted() {
        let dir = std::env::temp_dir().join(format!("userhash-check-suite-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        for (name, text) in EMBEDDED_VECTORS {
            let mut value: Value = serde_json::from_str(text).expect("json");
            if name == "user_hash.json" {
                value["tests"][0]["input"]["secret"] = Value::from("private-secret");
            }
            std::fs::write(dir.join(name), value.to_string()).expect("write");
        }
        let suite = Suite::from_dir(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        let suite = suite.expect("valid dir");
        assert!(!suite.embedded);
        assert!(!suite.is_public_secret("private-secret"));
        let public = Suite::embedded().expect("embedded");
        let shared = public.generation[1].input.secret.clone();
        assert!(suite.is_public_secret(&shared));
        assert!(public.is_public_secret("anything from the embedded vectors"));
    }

    #[test]
    fn schema_errors_name_the_pointer() {
        let mut value: Value = serde_json::from_str(EMBEDDED_VECTORS[0].1).expect("json");
        value["tests"][2]["result"] = Value::from("maybe");
        let error = validate_against_schema("x.json", "user_hash.schema.json", &value)
            .expect_err("invalid");
        assert_eq!(error.pointer, "/tests/2/result", "{error}");
        assert_eq!(
            error.message,
            r#""maybe" is not one of "valid", "acceptable", "invalid""#
        );
        assert!(error.to_string().contains("fix:"));
    }
}
