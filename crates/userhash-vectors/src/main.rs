//! `userhash-vectors --out-dir DIR`: writes the published vector files into DIR.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: userhash-vectors --out-dir DIR

Writes the userhash test vectors (user_hash.json, user_hash_verify.json, hmac_sha256.json,
schema/, README.md, CHANGELOG.md, SHA256SUMS) into DIR, creating it if needed.
`cargo xtask vectors` runs this with DIR = vectors/.";

fn parse_args() -> Result<PathBuf, String> {
    let mut args = std::env::args().skip(1);
    let mut out_dir = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out-dir" => out_dir = Some(args.next().ok_or("--out-dir needs a directory")?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    out_dir
        .map(PathBuf::from)
        .ok_or_else(|| "--out-dir is required".to_owned())
}

fn main() -> ExitCode {
    let out_dir = match parse_args() {
        Ok(dir) => dir,
        Err(message) => {
            if message.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    for file in userhash_vectors::generate() {
        let path = out_dir.join(&file.path);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, &file.bytes));
        if let Err(error) = written {
            eprintln!("error: cannot write {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
