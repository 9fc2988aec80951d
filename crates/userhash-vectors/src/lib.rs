//! The published userhash test vectors: their format and their generator.
//!
//! [`generate`] returns every file of `vectors/` as bytes; the `userhash-vectors` binary writes
//! them. Output is deterministic (no time stamps, no hash-map order), so the committed files can
//! be checked for drift by regenerating and comparing byte for byte.
#![warn(missing_docs)]
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

pub mod cases;
pub mod format;
pub mod notes;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use sha2::{Digest, Sha256};

use format::{
    GenerationCase, Generator, HmacCase, JwtCase, JwtVerifyCase, VectorFile, VerifyCase, SUITE_NAME,
};

/// The suite's SemVer version. Bump it (and `assets/CHANGELOG.md`) with every change to the files:
/// minor for added cases, major for changed expectations or format.
pub const SUITE_VERSION: &str = "2.3.0";

/// The vector files, by name.
pub const USER_HASH_FILE: &str = "user_hash.json";
/// Verification cases.
pub const VERIFY_FILE: &str = "user_hash_verify.json";
/// RFC 4231 cases.
pub const HMAC_FILE: &str = "hmac_sha256.json";
/// Messenger-security JWT signing cases.
pub const JWT_FILE: &str = "user_jwt.json";
/// Messenger-security JWT verification cases.
pub const JWT_VERIFY_FILE: &str = "user_jwt_verify.json";

/// The JSON Schemas, embedded so the generator and the checker ship the same ones.
pub const SCHEMAS: [(&str, &str); 5] = [
    (
        "user_hash.schema.json",
        include_str!("../schema/user_hash.schema.json"),
    ),
    (
        "user_hash_verify.schema.json",
        include_str!("../schema/user_hash_verify.schema.json"),
    ),
    (
        "hmac_sha256.schema.json",
        include_str!("../schema/hmac_sha256.schema.json"),
    ),
    (
        "user_jwt.schema.json",
        include_str!("../schema/user_jwt.schema.json"),
    ),
    (
        "user_jwt_verify.schema.json",
        include_str!("../schema/user_jwt_verify.schema.json"),
    ),
];

/// A generated file: its path relative to `vectors/`, and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the vectors directory, with `/` separators.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// The generation cases.
pub fn user_hash_file() -> VectorFile<GenerationCase> {
    let tests = cases::generation::cases();
    envelope(
        "user_hash.schema.json",
        "Which identifier a port hashes for a user, and the lowercase hex HMAC-SHA256 it must produce; input it must reject.",
        tests,
        |case| &case.flags,
    )
}

/// The verification cases.
pub fn verify_file() -> VectorFile<VerifyCase> {
    envelope(
        "user_hash_verify.schema.json",
        "Which presented user hashes an auth server must accept or refuse.",
        cases::verify::cases(),
        |case| &case.flags,
    )
}

/// The RFC 4231 HMAC-SHA-256 cases.
pub fn hmac_file() -> VectorFile<HmacCase> {
    envelope(
        "hmac_sha256.schema.json",
        "RFC 4231 HMAC-SHA-256 test cases (keys and messages in hex), for ports with a hand-written HMAC.",
        cases::hmac::cases(),
        |case| &case.flags,
    )
}

/// The Messenger-security JWT signing cases.
pub fn jwt_file() -> VectorFile<JwtCase> {
    envelope(
        "user_jwt.schema.json",
        "Messenger-security JWTs (HS256) a port must sign for a user's claims, judged semantically (header alg, claims with their JSON types, signature); claims it must refuse to sign.",
        cases::jwt::signing_cases(),
        |case| &case.flags,
    )
}

/// The Messenger-security JWT verification cases.
pub fn jwt_verify_file() -> VectorFile<JwtVerifyCase> {
    envelope(
        "user_jwt_verify.schema.json",
        "Which Messenger-security JWTs a verifier must accept or refuse at a fixed time (input.now), with the reference's 60-second leeway.",
        cases::jwt::verify_cases(),
        |case| &case.flags,
    )
}

fn envelope<Case>(
    schema: &str,
    description: &str,
    tests: Vec<Case>,
    flags_of: impl Fn(&Case) -> &Vec<String>,
) -> VectorFile<Case> {
    let used: BTreeSet<&String> = tests.iter().flat_map(&flags_of).collect();
    let notes: BTreeMap<String, format::Note> = used
        .into_iter()
        .map(|name| {
            let flag = notes::flag(name)
                .unwrap_or_else(|| panic!("flag {name} has no entry in notes::FLAGS"));
            (name.clone(), flag.note())
        })
        .collect();
    VectorFile {
        suite: SUITE_NAME.to_owned(),
        version: SUITE_VERSION.to_owned(),
        schema: schema.to_owned(),
        generator: Generator {
            name: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        description: description.to_owned(),
        number_of_tests: tests.len(),
        notes,
        tests,
    }
}

fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("the vector types serialize to JSON");
    bytes.push(b'\n');
    bytes
}

/// Every file of `vectors/`, in a stable order, `SHA256SUMS` last.
pub fn generate() -> Vec<GeneratedFile> {
    let mut files = vec![
        GeneratedFile {
            path: USER_HASH_FILE.to_owned(),
            bytes: to_json(&user_hash_file()),
        },
        GeneratedFile {
            path: VERIFY_FILE.to_owned(),
            bytes: to_json(&verify_file()),
        },
        GeneratedFile {
            path: HMAC_FILE.to_owned(),
            bytes: to_json(&hmac_file()),
        },
        GeneratedFile {
            path: JWT_FILE.to_owned(),
            bytes: to_json(&jwt_file()),
        },
        GeneratedFile {
            path: JWT_VERIFY_FILE.to_owned(),
            bytes: to_json(&jwt_verify_file()),
        },
    ];
    for (name, schema) in SCHEMAS {
        files.push(GeneratedFile {
            path: format!("schema/{name}"),
            bytes: schema.as_bytes().to_vec(),
        });
    }
    files.push(GeneratedFile {
        path: "README.md".to_owned(),
        bytes: include_str!("../assets/README.md").as_bytes().to_vec(),
    });
    files.push(GeneratedFile {
        path: "CHANGELOG.md".to_owned(),
        bytes: include_str!("../assets/CHANGELOG.md").as_bytes().to_vec(),
    });
    let sums = sha256sums(&files);
    files.push(GeneratedFile {
        path: "SHA256SUMS".to_owned(),
        bytes: sums.into_bytes(),
    });
    files
}

/// `sha256sum`-compatible lines for `files`, sorted by path, so `sha256sum -c SHA256SUMS` works
/// in the vectors directory.
fn sha256sums(files: &[GeneratedFile]) -> String {
    let mut sorted: Vec<&GeneratedFile> = files.iter().collect();
    sorted.sort_by(|left, right| left.path.cmp(&right.path));
    sorted
        .iter()
        .map(|file| {
            format!(
                "{}  {}\n",
                cases::to_hex(&Sha256::digest(&file.bytes)),
                file.path
            )
        })
        .collect()
}
