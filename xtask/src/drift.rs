//! Byte-for-byte comparison of two directory trees: the vectors the generator
//! writes now (`expected`) against the committed `vectors/` (`actual`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// Where a file first differs: 1-based line number and the two lines (with
/// their line ending, if any; `None` past the end of that file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstDiff {
    pub line: usize,
    pub expected: Option<String>,
    pub actual: Option<String>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drift {
    /// In `expected` but not in `actual`: the generator writes it, it is not committed.
    pub missing: Vec<PathBuf>,
    /// In `actual` but not in `expected`: committed, but the generator no longer writes it.
    pub extra: Vec<PathBuf>,
    /// In both, with different bytes.
    pub differing: Vec<(PathBuf, FirstDiff)>,
}

impl Drift {
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.differing.is_empty()
    }

    /// How many files drifted, in all.
    pub fn count(&self) -> usize {
        self.missing.len() + self.extra.len() + self.differing.len()
    }

    /// A human report; `actual_name` is how to call the committed tree (`vectors/`).
    pub fn report(&self, actual_name: &str) -> String {
        let mut out = String::new();
        for p in &self.missing {
            let _ = writeln!(
                out,
                "missing: {actual_name}{} (the generator writes it; it is not in {actual_name})",
                p.display()
            );
        }
        for p in &self.extra {
            let _ = writeln!(
                out,
                "extra:   {actual_name}{} (in {actual_name} but the generator no longer writes it)",
                p.display()
            );
        }
        for (p, d) in &self.differing {
            let _ = writeln!(
                out,
                "differs: {actual_name}{} first at line {}",
                p.display(),
                d.line
            );
            let _ = writeln!(out, "    committed: {}", show_line(d.actual.as_deref()));
            let _ = writeln!(out, "    generated: {}", show_line(d.expected.as_deref()));
        }
        out
    }
}

fn show_line(line: Option<&str>) -> String {
    match line {
        None => "<end of file>".to_string(),
        Some(l) => {
            let shown: String = l.chars().take(160).collect();
            let more = if shown.len() < l.len() { "…" } else { "" };
            format!("{shown:?}{more}")
        }
    }
}

/// Compares the trees under `expected` and `actual`, file by file.
pub fn compare(expected: &Path, actual: &Path) -> Result<Drift, String> {
    let exp = list_files(expected)?;
    let act = if actual.exists() {
        list_files(actual)?
    } else {
        BTreeMap::new()
    };
    let mut drift = Drift::default();
    for (rel, exp_path) in &exp {
        match act.get(rel) {
            None => drift.missing.push(rel.clone()),
            Some(act_path) => {
                let e = read(exp_path)?;
                let a = read(act_path)?;
                if e != a {
                    drift.differing.push((rel.clone(), first_diff(&e, &a)));
                }
            }
        }
    }
    drift.extra = act
        .keys()
        .filter(|k| !exp.contains_key(*k))
        .cloned()
        .collect();
    Ok(drift)
}

fn read(p: &Path) -> Result<Vec<u8>, String> {
    fs::read(p).map_err(|e| format!("reading {}: {e}", p.display()))
}

/// Relative path → full path of every regular file under `root`, sorted.
pub fn list_files(root: &Path) -> Result<BTreeMap<PathBuf, PathBuf>, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = fs::read_dir(&dir).map_err(|e| format!("listing {}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("listing {}: {e}", dir.display()))?;
            let path = entry.path();
            let ty = entry
                .file_type()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if ty.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .expect("walked from root")
                    .to_path_buf();
                out.insert(rel, path);
            }
        }
    }
    Ok(out)
}

/// First differing line of two byte strings known to differ.
pub fn first_diff(expected: &[u8], actual: &[u8]) -> FirstDiff {
    let mut e = expected.split_inclusive(|&b| b == b'\n');
    let mut a = actual.split_inclusive(|&b| b == b'\n');
    let mut line = 1;
    loop {
        match (e.next(), a.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            (x, y) => {
                let text = |s: Option<&[u8]>| s.map(|s| String::from_utf8_lossy(s).into_owned());
                return FirstDiff {
                    line,
                    expected: text(x),
                    actual: text(y),
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::TempDir;

    fn write(root: &Path, rel: &str, contents: &str) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, contents).unwrap();
    }

    #[test]
    fn identical_trees_are_clean() {
        let a = TempDir::new("drift-a").unwrap();
        let b = TempDir::new("drift-b").unwrap();
        for root in [a.path(), b.path()] {
            write(root, "user_hash.json", "{\n  \"cases\": []\n}\n");
            write(root, "schema/user_hash.schema.json", "{}\n");
        }
        let d = compare(a.path(), b.path()).unwrap();
        assert!(d.is_clean(), "{d:?}");
        assert_eq!(d.report("vectors/"), "");
    }

    #[test]
    fn missing_extra_and_differing_files_are_all_named() {
        let gen = TempDir::new("drift-gen").unwrap();
        let com = TempDir::new("drift-com").unwrap();
        write(
            gen.path(),
            "user_hash.json",
            "{\n  \"a\": 1,\n  \"b\": 2\n}\n",
        );
        write(
            com.path(),
            "user_hash.json",
            "{\n  \"a\": 1,\n  \"b\": 3\n}\n",
        );
        write(gen.path(), "schema/new.schema.json", "{}\n");
        write(com.path(), "old.json", "[]\n");
        write(gen.path(), "SHA256SUMS", "same\n");
        write(com.path(), "SHA256SUMS", "same\n");

        let d = compare(gen.path(), com.path()).unwrap();
        assert_eq!(d.missing, vec![PathBuf::from("schema/new.schema.json")]);
        assert_eq!(d.extra, vec![PathBuf::from("old.json")]);
        assert_eq!(d.differing.len(), 1);
        let (path, diff) = &d.differing[0];
        assert_eq!(path, &PathBuf::from("user_hash.json"));
        assert_eq!(diff.line, 3);
        assert_eq!(diff.expected.as_deref(), Some("  \"b\": 2\n"));
        assert_eq!(diff.actual.as_deref(), Some("  \"b\": 3\n"));
        assert_eq!(d.count(), 3);

        let report = d.report("vectors/");
        assert!(
            report.contains("missing: vectors/schema/new.schema.json"),
            "{report}"
        );
        assert!(report.contains("extra:   vectors/old.json"), "{report}");
        assert!(
            report.contains("differs: vectors/user_hash.json first at line 3"),
            "{report}"
        );
        assert!(report.contains(r#"committed: "  \"b\": 3\n""#), "{report}");
    }

    #[test]
    fn absent_committed_tree_means_everything_is_missing() {
        let gen = TempDir::new("drift-gen2").unwrap();
        write(gen.path(), "README.md", "# vectors\n");
        let d = compare(gen.path(), &gen.path().join("nope")).unwrap();
        assert_eq!(d.missing, vec![PathBuf::from("README.md")]);
    }

    #[test]
    fn first_diff_edge_cases() {
        // Only the trailing newline differs.
        let d = first_diff(b"a\nb\n", b"a\nb");
        assert_eq!(d.line, 2);
        assert_eq!(d.expected.as_deref(), Some("b\n"));
        assert_eq!(d.actual.as_deref(), Some("b"));
        // One file is a prefix of the other.
        let d = first_diff(b"a\nb\nc\n", b"a\n");
        assert_eq!((d.line, d.actual), (2, None));
        // Empty vs non-empty.
        let d = first_diff(b"", b"x");
        assert_eq!((d.line, d.expected), (1, None));
    }
}
