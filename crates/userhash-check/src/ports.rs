//! The bundled reference ports' manifest, `crates/userhash-check/adapters/ports.json`.
//!
//! Paths are relative to the workspace root; `${BUILD_DIR}` stands for a scratch directory.

use std::path::Path;
use std::process::{Command, Stdio};

use serde::Deserialize;

/// Where the manifest lives, relative to the workspace root.
pub const MANIFEST: &str = "crates/userhash-check/adapters/ports.json";

/// The manifest.
#[derive(Clone, Debug, Deserialize)]
pub struct Manifest {
    /// The ports.
    pub ports: Vec<Port>,
}

/// One reference port.
#[derive(Clone, Debug, Deserialize)]
pub struct Port {
    /// Language, e.g. `python`.
    pub language: String,
    /// The runtime or compiler it needs, e.g. `python3`.
    pub runtime: String,
    /// A command that succeeds when the runtime is installed.
    pub version_command: Vec<String>,
    /// A build step, if any.
    #[serde(default)]
    pub build: Option<Vec<String>>,
    /// The adapter command.
    pub command: Vec<String>,
}

impl Manifest {
    /// Parses the manifest text.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        serde_json::from_str(text).map_err(|e| format!("{MANIFEST}: {e}"))
    }

    /// Reads the manifest of the workspace at `root`.
    pub fn load(root: &Path) -> Result<Manifest, String> {
        let path = root.join(MANIFEST);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Manifest::parse(&text)
    }
}

/// Replaces `${BUILD_DIR}` in every argument.
pub fn substitute(argv: &[String], build_dir: &Path) -> Vec<String> {
    let dir = build_dir.display().to_string();
    argv.iter()
        .map(|arg| arg.replace("${BUILD_DIR}", &dir))
        .collect()
}

fn run_quietly(argv: &[String], root: &Path) -> Result<(), String> {
    let (program, args) = argv.split_first().ok_or("empty command")?;
    let output = Command::new(program)
        .args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{}: {e}", argv.join(" ")))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} failed ({}):\n{}{}",
            argv.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

impl Port {
    /// Whether the runtime is installed (its version command succeeds).
    pub fn runtime_available(&self, root: &Path) -> bool {
        run_quietly(&self.version_command, root).is_ok()
    }

    /// Runs the build step, if any, in `root`.
    pub fn build(&self, root: &Path, build_dir: &Path) -> Result<(), String> {
        match &self.build {
            Some(build) => run_quietly(&substitute(build, build_dir), root),
            None => Ok(()),
        }
    }

    /// The adapter command, with `${BUILD_DIR}` substituted (run it from `root`).
    pub fn command(&self, build_dir: &Path) -> Vec<String> {
        substitute(&self.command, build_dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_substitutes() {
        let manifest = Manifest::parse(
            r#"{"ports":[{"language":"python","runtime":"python3","version_command":["python3","--version"],"build":null,"command":["python3","a.py"]},
                {"language":"c","runtime":"cc","version_command":["cc","--version"],"build":["make","OUT=${BUILD_DIR}/x"],"command":["${BUILD_DIR}/x"]}]}"#,
        )
        .expect("valid");
        assert_eq!(manifest.ports.len(), 2);
        let c = &manifest.ports[1];
        assert_eq!(c.command(Path::new("/tmp/b")), ["/tmp/b/x"]);
        assert_eq!(
            substitute(c.build.as_deref().unwrap_or_default(), Path::new("/b")),
            ["make", "OUT=/b/x"]
        );
        assert!(Manifest::parse("{}").is_err());
    }
}
