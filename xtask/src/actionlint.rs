//! CI step `actionlint`: lint `.github/workflows` with actionlint when it is
//! installed (`go install github.com/rhysd/actionlint/cmd/actionlint@latest`).
//! A linter, not a runtime: when it is missing the step is skipped, also
//! under CI. The YAML structure is checked regardless by `xtask/tests/github.rs`.

use crate::ci::{self, Outcome};
use crate::{runtime, util};

pub fn step(_: &ci::Ctx) -> Outcome {
    if !util::workspace_root().join(".github/workflows").is_dir() {
        return Outcome::skip("no .github/workflows");
    }
    let Some(exe) = runtime::find_tool("actionlint") else {
        return Outcome::skip("actionlint not installed");
    };
    ci::command_step(util::cmd(exe).arg("-no-color"))
}
