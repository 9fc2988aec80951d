//! `--known-failures` files: one case id per line, `#` starts a comment.

use std::collections::BTreeSet;

/// The ids a port is expected to fail.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KnownFailures {
    ids: BTreeSet<String>,
}

impl KnownFailures {
    /// Parses a known-failures file; `Err` names the line of a malformed entry.
    pub fn parse(text: &str) -> Result<KnownFailures, String> {
        let mut ids = BTreeSet::new();
        for (number, line) in text.lines().enumerate() {
            let entry = line.split('#').next().unwrap_or("").trim();
            if entry.is_empty() {
                continue;
            }
            if entry.split_whitespace().count() > 1 {
                return Err(format!(
                    "line {}: {entry:?} is not one case id (one id per line; `#` starts a comment)",
                    number + 1
                ));
            }
            ids.insert(entry.to_owned());
        }
        Ok(KnownFailures { ids })
    }

    /// Checks every listed id is a case of the suite; `Err` lists the unknown ones.
    pub fn check_known<'a>(
        &self,
        suite_ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), String> {
        let suite: BTreeSet<&str> = suite_ids.into_iter().collect();
        let unknown: Vec<&str> = self
            .ids
            .iter()
            .map(String::as_str)
            .filter(|id| !suite.contains(id))
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        let described: Vec<String> = unknown
            .iter()
            .map(|id| match userhash_vectors::cases::retired::find(id) {
                Some(retired) => format!(
                    "{id} (retired in suite {}{})",
                    retired.since,
                    retired
                        .replaced_by
                        .map(|new| format!("; its successor is {new}"))
                        .unwrap_or_default()
                ),
                None => (*id).to_owned(),
            })
            .collect();
        Err(format!(
            "unknown case id{} in the known-failures file: {} (list the ids with `userhash-check list`; \
             remove ids the suite no longer has)",
            if unknown.len() == 1 { "" } else { "s" },
            described.join(", ")
        ))
    }

    /// Whether `id` is listed.
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// The listed ids, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(String::as_str)
    }

    /// How many ids are listed.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// A known-failures file listing `ids`, with a header comment.
    pub fn render<'a>(header: &str, ids: impl IntoIterator<Item = &'a str>) -> String {
        let mut text = String::new();
        for line in header.lines() {
            text.push_str("# ");
            text.push_str(line);
            text.push('\n');
        }
        for id in ids {
            text.push_str(id);
            text.push('\n');
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids_and_comments() {
        let list =
            KnownFailures::parse("# header\n\nbasic-1\n  basic-2  # flaky\n#x\n").expect("valid");
        assert_eq!(list.len(), 2);
        assert!(list.contains("basic-1") && list.contains("basic-2"));
        assert!(!list.contains("x"));
    }

    #[test]
    fn rejects_two_ids_on_a_line() {
        let err = KnownFailures::parse("a\nb c\n").expect_err("malformed");
        assert!(err.starts_with("line 2"), "{err}");
    }

    #[test]
    fn unknown_ids_are_named() {
        let list = KnownFailures::parse("a\nzzz\n").expect("valid");
        assert!(list
            .check_known(["a", "b"])
            .expect_err("unknown")
            .contains("zzz"));
        assert!(list.check_known(["a", "zzz"]).is_ok());
    }

    #[test]
    fn retired_ids_name_their_successor() {
        let list = KnownFailures::parse("user-id-float\n").expect("valid");
        let error = list
            .check_known(["user-id-type-float"])
            .expect_err("retired");
        assert!(
            error.contains(
                "user-id-float (retired in suite 2.0.0; its successor is user-id-type-float)"
            ),
            "{error}"
        );
    }

    #[test]
    fn render_round_trips() {
        let text = KnownFailures::render("written by a test\nsecond line", ["x", "y"]);
        assert!(text.starts_with("# written by a test\n# second line\n"));
        let list = KnownFailures::parse(&text).expect("valid");
        assert_eq!(list.len(), 2);
    }
}
