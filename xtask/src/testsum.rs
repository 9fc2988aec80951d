//! Sums libtest's `test result:` lines over every test binary (and doctest
//! run) in a `cargo test` output, for a single closing line that CI reads:
//! `test: N passed, M failed, K skipped`.

use std::fmt;
use std::ops::AddAssign;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TestTotals {
    pub passed: u64,
    pub failed: u64,
    /// libtest's `ignored`.
    pub skipped: u64,
    /// How many `test result:` lines were seen (test binaries + doctest runs).
    pub runs: u64,
}

impl TestTotals {
    /// Parses every line like
    /// `test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s`
    /// (also `FAILED.`), ignoring everything else.
    pub fn parse(output: &str) -> TestTotals {
        let mut totals = TestTotals::default();
        for line in output.lines() {
            if let Some(t) = parse_line(line) {
                totals += t;
            }
        }
        totals
    }

    /// The closing line, `<label>: N passed, M failed, K skipped`.
    pub fn line(&self, label: &str) -> String {
        format!("{label}: {self}")
    }
}

impl AddAssign for TestTotals {
    fn add_assign(&mut self, o: TestTotals) {
        self.passed += o.passed;
        self.failed += o.failed;
        self.skipped += o.skipped;
        self.runs += o.runs;
    }
}

impl fmt::Display for TestTotals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

fn parse_line(line: &str) -> Option<TestTotals> {
    let rest = line.trim().strip_prefix("test result:")?;
    // Skip the verdict (`ok.` / `FAILED.`), then read `<n> <word>` pairs.
    let (_, counts) = rest.trim_start().split_once(". ")?;
    let mut t = TestTotals {
        runs: 1,
        ..TestTotals::default()
    };
    for part in counts.split(';') {
        let mut words = part.split_whitespace();
        let (Some(n), Some(word)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(n) = n.parse::<u64>() else { continue };
        match word {
            "passed" => t.passed = n,
            "failed" => t.failed = n,
            "ignored" => t.skipped = n,
            _ => {}
        }
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "\
   Compiling userhash v0.1.0 (/w/crates/userhash)
    Finished `test` profile [unoptimized + debuginfo] target(s) in 3.21s
     Running unittests src/lib.rs (target/debug/deps/userhash-0123)

running 3 tests
test hex::tests::roundtrip ... ok
test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

     Running tests/properties.rs (target/debug/deps/properties-abcd)

running 5 tests
test result: FAILED. 3 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out; finished in 1.50s

   Doc-tests userhash

running 2 tests
test result: ok. 2 passed; 0 failed; 4 ignored; 0 measured; 0 filtered out; finished in 0.10s

running 0 tests
test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
";

    #[test]
    fn sums_every_binary() {
        let t = TestTotals::parse(OUTPUT);
        assert_eq!(
            t,
            TestTotals {
                passed: 8,
                failed: 2,
                skipped: 5,
                runs: 4
            }
        );
        assert_eq!(t.line("test"), "test: 8 passed, 2 failed, 5 skipped");
    }

    #[test]
    fn nothing_to_parse() {
        assert_eq!(
            TestTotals::parse("error[E0425]: cannot find value"),
            TestTotals::default()
        );
        // Not a result line even though it mentions one.
        assert_eq!(
            TestTotals::parse("note: test result: lies"),
            TestTotals::default()
        );
    }

    #[test]
    fn tolerates_field_order_and_missing_fields() {
        let t = TestTotals::parse("test result: ok. 1 ignored; 7 passed; finished in 0.00s");
        assert_eq!((t.passed, t.failed, t.skipped, t.runs), (7, 0, 1, 1));
    }

    #[test]
    fn closing_line_shape_matches_what_ci_reads() {
        // 'N passed, N failed' alone on a line, one word with a colon before it,
        // ', N skipped' may follow.
        let line = TestTotals {
            passed: 1,
            failed: 0,
            skipped: 2,
            runs: 1,
        }
        .line("test");
        let (word, rest) = line.split_once(": ").unwrap();
        assert!(!word.contains(' '));
        assert_eq!(rest, "1 passed, 0 failed, 2 skipped");
    }
}
