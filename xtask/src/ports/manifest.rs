//! The ports manifest, `crates/userhash-check/adapters/ports.json`:
//!
//! ```json
//! {"ports": [
//!   {"language": "python", "runtime": "python3",
//!    "version_command": ["python3", "--version"], "build": null,
//!    "command": ["python3", "crates/userhash-check/adapters/python/adapter.py"]},
//!   {"language": "c", "runtime": "cc", "version_command": ["openssl", "version"],
//!    "build": ["make", "-C", "crates/userhash-check/adapters/c", "OUT=${BUILD_DIR}/userhash-c-adapter"],
//!    "command": ["${BUILD_DIR}/userhash-c-adapter"]}
//! ]}
//! ```
//!
//! Paths are relative to the workspace root; `${BUILD_DIR}` is
//! `<target dir>/adapters`. The checker crate is to expose the same parser as
//! `userhash_check::ports`; when it does, replace [`load`]'s body with a call
//! to it and keep [`Port`] as the xtask-side view (or a re-export).

use std::path::Path;

use serde_json::Value;

pub const MANIFEST: &str = "crates/userhash-check/adapters/ports.json";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    pub language: String,
    /// Program that must be on `PATH` for this port to run at all.
    pub runtime: String,
    pub version_command: Vec<String>,
    pub build: Option<Vec<String>>,
    pub command: Vec<String>,
}

impl Port {
    /// `build` with `${BUILD_DIR}` replaced.
    pub fn build_argv(&self, build_dir: &Path) -> Option<Vec<String>> {
        self.build.as_ref().map(|b| expand(b, build_dir))
    }

    /// `command` with `${BUILD_DIR}` replaced.
    pub fn command_argv(&self, build_dir: &Path) -> Vec<String> {
        expand(&self.command, build_dir)
    }
}

fn expand(argv: &[String], build_dir: &Path) -> Vec<String> {
    let dir = build_dir.to_string_lossy();
    argv.iter()
        .map(|a| a.replace("${BUILD_DIR}", &dir))
        .collect()
}

/// Reads and parses the manifest at `root/MANIFEST`.
pub fn load(root: &Path) -> Result<Vec<Port>, String> {
    let path = root.join(MANIFEST);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read the ports manifest {}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn parse(text: &str) -> Result<Vec<Port>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let ports = v
        .get("ports")
        .and_then(Value::as_array)
        .ok_or("expected an object with a \"ports\" array")?;
    ports
        .iter()
        .enumerate()
        .map(|(i, p)| port(p).map_err(|e| format!("ports[{i}]: {e}")))
        .collect()
}

fn port(p: &Value) -> Result<Port, String> {
    let string = |key: &str| -> Result<String, String> {
        p.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| format!("\"{key}\" must be a non-empty string"))
    };
    let argv = |key: &str| -> Result<Option<Vec<String>>, String> {
        match p.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) if !items.is_empty() => items
                .iter()
                .map(|a| {
                    a.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| format!("\"{key}\" must be an array of strings"))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(format!(
                "\"{key}\" must be a non-empty array of strings or null"
            )),
        }
    };
    let language = string("language")?;
    let runtime = string("runtime")?;
    let command = argv("command")?.ok_or("\"command\" is required")?;
    let version_command = argv("version_command")?.unwrap_or_else(|| vec![runtime.clone()]);
    Ok(Port {
        language,
        runtime,
        version_command,
        build: argv("build")?,
        command,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const EXAMPLE: &str = r#"{"ports":[
      {"language":"python","runtime":"python3","version_command":["python3","--version"],"build":null,
       "command":["python3","crates/userhash-check/adapters/python/adapter.py"]},
      {"language":"c","runtime":"cc","version_command":["openssl","version"],
       "build":["make","-C","crates/userhash-check/adapters/c","OUT=${BUILD_DIR}/userhash-c-adapter"],
       "command":["${BUILD_DIR}/userhash-c-adapter"]}]}"#;

    #[test]
    fn parses_the_documented_example() {
        let ports = parse(EXAMPLE).unwrap();
        assert_eq!(ports.len(), 2);
        assert_eq!(ports[0].language, "python");
        assert_eq!(ports[0].build, None);
        let dir = PathBuf::from("/w/target/adapters");
        assert_eq!(
            ports[1].build_argv(&dir).unwrap()[3],
            "OUT=/w/target/adapters/userhash-c-adapter"
        );
        assert_eq!(
            ports[1].command_argv(&dir),
            vec!["/w/target/adapters/userhash-c-adapter"]
        );
    }

    #[test]
    fn rejects_bad_entries_with_their_index() {
        let e = parse(r#"{"ports":[{"language":"x","runtime":"x","command":[]}]}"#).unwrap_err();
        assert!(e.starts_with("ports[0]: \"command\""), "{e}");
        let e = parse(r#"{"ports":[{"runtime":"x","command":["x"]}]}"#).unwrap_err();
        assert!(e.contains("\"language\""), "{e}");
        assert!(parse("[]").is_err());
    }

    #[test]
    fn the_committed_manifest_parses_if_present() {
        let root = crate::util::workspace_root();
        if root.join(MANIFEST).exists() {
            let ports = load(&root).unwrap();
            assert!(!ports.is_empty());
        }
    }
}
