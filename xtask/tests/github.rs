//! Every YAML file under `.github/` parses, and has the structure GitHub
//! expects: workflows have `on` and `jobs` (each job `runs-on` and steps that
//! `run` or `uses`), composite actions have `runs.using: composite`, a `shell`
//! on each `run` step, and declare every input they use and use every input they
//! declare. actionlint (the CI step `actionlint`, when installed) goes further on
//! the workflows. The release workflow and the composite action that downloads
//! its binaries are checked against each other below.

use std::fs;
use std::path::{Path, PathBuf};

use yaml_rust2::{Yaml, YamlLoader};

fn github_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join(".github")
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yml" || x == "yaml") {
            out.push(p);
        }
    }
    out.sort();
}

fn load(path: &Path) -> Yaml {
    let text = fs::read_to_string(path).unwrap();
    let mut docs = YamlLoader::load_from_str(&text)
        .unwrap_or_else(|e| panic!("{}: invalid YAML: {e}", path.display()));
    assert_eq!(
        docs.len(),
        1,
        "{}: expected one YAML document",
        path.display()
    );
    docs.remove(0)
}

fn get<'a>(y: &'a Yaml, key: &str) -> &'a Yaml {
    &y[key]
}

fn has(y: &Yaml, key: &str) -> bool {
    !get(y, key).is_badvalue()
}

fn check_steps(steps: &Yaml, what: &str, composite: bool) {
    let steps = steps
        .as_vec()
        .unwrap_or_else(|| panic!("{what}: `steps` must be a list"));
    assert!(!steps.is_empty(), "{what}: no steps");
    for (i, step) in steps.iter().enumerate() {
        let (run, uses) = (has(step, "run"), has(step, "uses"));
        assert!(
            run ^ uses,
            "{what}: step {i} must have exactly one of `run` and `uses`"
        );
        if composite && run {
            assert!(
                has(step, "shell"),
                "{what}: step {i}: a composite action's `run` step needs `shell`"
            );
        }
        if uses {
            let u = get(step, "uses").as_str().unwrap();
            assert!(
                u.starts_with("./") || u.contains('@'),
                "{what}: step {i}: `uses: {u}` has no version (@ref)"
            );
        }
    }
}

fn check_workflow(path: &Path, y: &Yaml) {
    let what = path.display().to_string();
    // YAML 1.2 keeps `on` a string; a YAML 1.1 reader would make it `true`.
    let on = get(y, "on");
    assert!(!on.is_badvalue(), "{what}: no `on`");
    let jobs = get(y, "jobs")
        .as_hash()
        .unwrap_or_else(|| panic!("{what}: `jobs` must be a mapping"));
    assert!(!jobs.is_empty(), "{what}: no jobs");
    for (name, job) in jobs {
        let what = format!("{what}: job {}", name.as_str().unwrap_or("?"));
        if has(job, "uses") {
            continue; // a reusable-workflow call has no steps of its own
        }
        assert!(has(job, "runs-on"), "{what}: no `runs-on`");
        check_steps(get(job, "steps"), &what, false);
    }
}

/// `${{ inputs.NAME }}` references in `text`.
fn input_refs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("inputs.") {
        let tail = &rest[i + "inputs.".len()..];
        let name: String = tail
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        if !name.is_empty() {
            out.push(name);
        }
        rest = tail;
    }
    out
}

fn check_action(path: &Path, y: &Yaml) {
    let what = path.display().to_string();
    assert!(get(y, "name").as_str().is_some(), "{what}: no `name`");
    assert!(
        get(y, "description").as_str().is_some(),
        "{what}: no `description`"
    );
    let runs = get(y, "runs");
    assert_eq!(
        get(runs, "using").as_str(),
        Some("composite"),
        "{what}: `runs.using` must be composite"
    );
    check_steps(get(runs, "steps"), &what, true);
    let inputs = get(y, "inputs").as_hash().cloned().unwrap_or_default();
    let text = fs::read_to_string(path).unwrap();
    let used = input_refs(&text);
    for name in &used {
        assert!(
            inputs.contains_key(&Yaml::String(name.clone())),
            "{what}: uses undeclared input `{name}`"
        );
    }
    for name in inputs.keys() {
        let name = name.as_str().unwrap_or("?");
        assert!(
            used.iter().any(|u| u == name),
            "{what}: declares input `{name}` but never uses it (no `inputs.{name}`)"
        );
    }
}

#[test]
fn every_github_yaml_file_is_well_formed() {
    let dir = github_dir();
    let mut files = Vec::new();
    yaml_files(&dir, &mut files);
    assert!(!files.is_empty(), "no YAML under {}", dir.display());
    let (mut workflows, mut actions) = (0, 0);
    for path in &files {
        let y = load(path);
        let rel = path.strip_prefix(&dir).unwrap();
        if rel.starts_with("workflows") {
            check_workflow(path, &y);
            workflows += 1;
        } else if rel.starts_with("actions") {
            assert!(
                rel.file_name()
                    .is_some_and(|n| n == "action.yml" || n == "action.yaml"),
                "{}: files under .github/actions must be action.yml",
                path.display()
            );
            check_action(path, &y);
            actions += 1;
        }
    }
    assert!(workflows > 0, "no workflows checked");
    assert!(actions > 0, "no actions checked");
}

#[test]
fn ci_workflow_runs_the_one_ci_command() {
    let path = github_dir().join("workflows/ci.yml");
    let y = load(&path);
    assert_eq!(get(get(&y, "env"), "CI").as_str(), Some("true"));
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("run: cargo xtask ci\n"));
}

#[test]
fn vectors_workflow_publishes_on_tags_only() {
    let y = load(&github_dir().join("workflows/vectors.yml"));
    let on = get(&y, "on");
    let tags = get(get(on, "push"), "tags").as_vec().unwrap();
    assert_eq!(tags, &vec![Yaml::String("vectors-v*".into())]);
    assert!(!has(get(on, "push"), "branches"));
    assert_eq!(
        get(get(&y, "permissions"), "contents").as_str(),
        Some("write")
    );
}

#[test]
fn input_references_are_found() {
    assert_eq!(
        input_refs("a ${{ inputs.junit-path }} b ${{inputs.x_y}} inputs."),
        vec!["junit-path", "x_y"]
    );
}

/// Whether GitHub's filter pattern `pattern` (as in `on.push.tags`, or a release's
/// `files`) matches `name`. Only the syntax our workflows use: `*` (any characters but
/// `/`), `**` (any characters), `[0-9a-z]` classes with ranges, and literals. `?`, `+`
/// and `!` mean something else in GitHub's syntax than in a shell, so they are refused.
fn glob_match(pattern: &str, name: &str) -> bool {
    assert!(
        !pattern.contains(['?', '+', '!']),
        "glob_match: `{pattern}` uses syntax this test does not implement"
    );
    fn go(p: &[char], n: &[char]) -> bool {
        match p {
            [] => n.is_empty(),
            ['*', '*', rest @ ..] => (0..=n.len()).any(|i| go(rest, &n[i..])),
            ['*', rest @ ..] => (0..=n.len())
                .take_while(|&i| i == 0 || n[i - 1] != '/')
                .any(|i| go(rest, &n[i..])),
            ['[', rest @ ..] => {
                let end = rest
                    .iter()
                    .position(|&c| c == ']')
                    .expect("glob_match: unclosed `[`");
                let (class, rest) = (&rest[..end], &rest[end + 1..]);
                let Some((&c, n)) = n.split_first() else {
                    return false;
                };
                let mut hit = false;
                let mut i = 0;
                while i < class.len() {
                    if i + 2 < class.len() && class[i + 1] == '-' {
                        hit |= (class[i]..=class[i + 2]).contains(&c);
                        i += 3;
                    } else {
                        hit |= class[i] == c;
                        i += 1;
                    }
                }
                hit && go(rest, n)
            }
            [c, rest @ ..] => n.first() == Some(c) && go(rest, &n[1..]),
        }
    }
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    go(&p, &n)
}

#[test]
fn glob_match_follows_github_filter_syntax() {
    assert!(glob_match("v[0-9]*", "v0.1.0"));
    assert!(glob_match("v[0-9]*", "v12.0.0-rc.1"));
    assert!(!glob_match("v[0-9]*", "vectors-v1.0.0"));
    assert!(!glob_match("v[0-9]*", "v"));
    assert!(glob_match("v*", "vectors-v1.0.0"), "why v* is not used");
    assert!(glob_match("vectors-v*", "vectors-v1.0.0"));
    assert!(!glob_match("vectors-v*", "v1.0.0"));
    assert!(glob_match("dist/*.tar.gz", "dist/a.tar.gz"));
    assert!(!glob_match("dist/*.tar.gz", "dist/a.tar.gz.sha256"));
    assert!(!glob_match("*.zip", "dist/a.zip"), "`*` stops at `/`");
    assert!(glob_match("**.zip", "dist/a.zip"));
    assert!(glob_match("[a-c-]x", "-x"));
}

/// The five targets a release ships, as (target, archive extension).
const RELEASE_TARGETS: [(&str, &str); 5] = [
    ("x86_64-unknown-linux-musl", "tar.gz"),
    ("aarch64-unknown-linux-gnu", "tar.gz"),
    ("x86_64-apple-darwin", "tar.gz"),
    ("aarch64-apple-darwin", "tar.gz"),
    ("x86_64-pc-windows-msvc", "zip"),
];

fn str_list(y: &Yaml, what: &str) -> Vec<String> {
    match y {
        Yaml::String(s) => vec![s.clone()],
        Yaml::Array(items) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .unwrap_or_else(|| panic!("{what}: not a list of strings"))
                    .to_owned()
            })
            .collect(),
        _ => panic!("{what}: expected a string or a list of strings"),
    }
}

/// A job's or an action's steps, with each step's `run` script ("" for a `uses` step).
fn steps_of(owner: &Yaml) -> Vec<(&Yaml, &str)> {
    get(owner, "steps")
        .as_vec()
        .map(|steps| {
            steps
                .iter()
                .map(|s| (s, get(s, "run").as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default()
}

fn uses(step: &Yaml) -> &str {
    get(step, "uses").as_str().unwrap_or("")
}

#[test]
fn release_workflow_triggers_on_version_tags_only() {
    let y = load(&github_dir().join("workflows/release.yml"));
    let on = get(&y, "on")
        .as_hash()
        .expect("release.yml: `on` must be a mapping");
    assert_eq!(
        on.keys().filter_map(Yaml::as_str).collect::<Vec<_>>(),
        ["push"],
        "release.yml: must run on push only (no pull_request, no workflow_dispatch)"
    );
    let push = get(get(&y, "on"), "push");
    assert!(
        !has(push, "branches"),
        "release.yml: a branch push must not release"
    );
    let tags = str_list(get(push, "tags"), "release.yml: on.push.tags");
    let triggers = |tag: &str| tags.iter().any(|p| glob_match(p, tag));
    for tag in ["v0.1.0", "v1.2.3", "v10.0.0-rc.1"] {
        assert!(
            triggers(tag),
            "release.yml: tag {tag} must trigger a release ({tags:?})"
        );
    }
    for tag in ["vectors-v1.0.0", "vectors-v0.1.0", "version-1", "v"] {
        assert!(
            !triggers(tag),
            "release.yml: tag {tag} must not trigger a release ({tags:?}); \
             vectors-v* tags are vectors.yml's"
        );
    }
    let text = fs::read_to_string(github_dir().join("workflows/release.yml")).unwrap();
    assert!(
        text.contains("github.ref_name") && text.contains("::error"),
        "release.yml: the tag must be compared with the crate version, failing with ::error::"
    );
}

#[test]
fn release_workflow_builds_every_target_with_checksums() {
    let y = load(&github_dir().join("workflows/release.yml"));
    assert_eq!(
        get(get(&y, "permissions"), "contents").as_str(),
        Some("read"),
        "release.yml: the workflow's default permissions must be contents: read"
    );
    let jobs = get(&y, "jobs").as_hash().expect("release.yml: no jobs");
    let name = |k: &Yaml| k.as_str().unwrap_or("?").to_owned();

    // Build jobs: those with a matrix of targets.
    let mut targets = Vec::new();
    let mut build_jobs = Vec::new();
    for (key, job) in jobs {
        let include = get(get(get(job, "strategy"), "matrix"), "include");
        let Some(include) = include.as_vec() else {
            continue;
        };
        build_jobs.push(name(key));
        targets.extend(
            include
                .iter()
                .filter_map(|e| get(e, "target").as_str().map(str::to_owned)),
        );
        let steps = steps_of(job);
        let package = steps
            .iter()
            .map(|(_, run)| *run)
            .find(|run| run.contains(".tar.gz"))
            .unwrap_or_else(|| {
                panic!("release.yml: job {}: no step packages a .tar.gz", name(key))
            });
        for needle in [".zip", "userhash-check-$TAG-$TARGET", ".sha256"] {
            assert!(
                package.contains(needle),
                "release.yml: job {}: the packaging step must mention `{needle}` \
                 (one archive per target, .zip on Windows, a .sha256 for each)",
                name(key)
            );
        }
        let tar = package.find("tar czf").expect("release.yml: no `tar czf`");
        let zip = package.find("7z a").expect("release.yml: no `7z a`");
        let sum = package
            .rfind(".sha256\"")
            .expect("release.yml: no .sha256 written");
        assert!(
            tar < sum && zip < sum,
            "release.yml: the checksum must be written after the archive"
        );
        assert!(
            steps
                .iter()
                .any(|(s, _)| uses(s).starts_with("actions/upload-artifact@")),
            "release.yml: job {}: the archives must be uploaded for the release job",
            name(key)
        );
    }
    let mut expected: Vec<String> = RELEASE_TARGETS.iter().map(|(t, _)| t.to_string()).collect();
    expected.sort();
    targets.sort();
    assert_eq!(
        targets, expected,
        "release.yml: the build matrix must cover exactly the five release targets"
    );

    // The release job: the one that publishes, after every build job.
    let (key, job) = jobs
        .iter()
        .find(|(_, job)| {
            steps_of(job)
                .iter()
                .any(|(s, _)| uses(s).starts_with("softprops/action-gh-release@"))
        })
        .expect("release.yml: no job publishes a release (softprops/action-gh-release)");
    let what = format!("release.yml: job {}", name(key));
    let needs = str_list(get(job, "needs"), &format!("{what}: needs"));
    for build in &build_jobs {
        assert!(
            needs.contains(build),
            "{what}: must `needs` the build job {build} (has {needs:?})"
        );
    }
    assert_eq!(
        get(get(job, "permissions"), "contents").as_str(),
        Some("write"),
        "{what}: publishing needs contents: write"
    );
    let steps = steps_of(job);
    assert!(
        steps.iter().any(|(_, run)| run.contains("SHA256SUMS")),
        "{what}: must write a combined SHA256SUMS"
    );
    let publish = steps
        .iter()
        .map(|(s, _)| *s)
        .find(|s| uses(s).starts_with("softprops/action-gh-release@"))
        .expect("publish step");
    let with = get(publish, "with");
    assert_eq!(
        get(with, "fail_on_unmatched_files").as_bool(),
        Some(true),
        "{what}: a missing asset must fail the release"
    );
    let files: Vec<String> = get(with, "files")
        .as_str()
        .expect("release files")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let attached = |asset: &str| {
        files
            .iter()
            .any(|p| glob_match(p, &format!("dist/{asset}")))
    };
    for (target, ext) in RELEASE_TARGETS {
        let archive = format!("userhash-check-v0.1.0-{target}.{ext}");
        assert!(
            attached(&archive),
            "{what}: {archive} is not attached ({files:?})"
        );
        assert!(
            attached(&format!("{archive}.sha256")),
            "{what}: {archive}.sha256 is not attached ({files:?})"
        );
    }
    assert!(attached("SHA256SUMS"), "{what}: SHA256SUMS is not attached");
}

fn action() -> (Yaml, String) {
    let path = github_dir().join("actions/userhash-check/action.yml");
    (load(&path), fs::read_to_string(&path).unwrap())
}

/// Lines of `script` that run the checker: `"$UH_BIN" run …` (any quoting).
fn checker_runs(script: &str) -> Vec<&str> {
    script
        .lines()
        .map(str::trim)
        .filter(|l| {
            let l = l.trim_start_matches('"');
            (l.starts_with("$UH_BIN") || l.starts_with("${UH_BIN}"))
                && l.trim_start_matches("${UH_BIN}")
                    .trim_start_matches("$UH_BIN")
                    .trim_start_matches('"')
                    .trim_start()
                    .starts_with("run ")
        })
        .collect()
}

#[test]
fn action_runs_the_checker_once_with_every_report() {
    let (y, _) = action();
    let steps = steps_of(get(&y, "runs"));
    let runs: Vec<&str> = steps
        .iter()
        .flat_map(|(_, run)| checker_runs(run))
        .collect();
    assert_eq!(
        runs.len(),
        1,
        "action.yml: the adapter must run exactly once (one `\"$UH_BIN\" run`), found {runs:#?}"
    );
    let run = runs[0];
    for needle in [
        "--format github",
        "--report \"junit=$UH_JUNIT\"",
        "-- \"${cmd[@]}\"",
    ] {
        assert!(
            run.contains(needle),
            "action.yml: the checker's run must pass `{needle}`: {run}"
        );
    }
    let (check, script) = steps
        .iter()
        .find(|(_, run)| !checker_runs(run).is_empty())
        .expect("the run step");
    assert!(
        script.contains("--annotation-file \"$UH_ADAPTER_FILE\""),
        "action.yml: adapter-file must become --annotation-file"
    );
    let env = get(check, "env");
    assert_eq!(
        get(env, "UH_ADAPTER_FILE").as_str(),
        Some("${{ inputs.adapter-file }}")
    );
    assert!(
        script.contains("exit-code=$code") && get(check, "id").as_str() == Some("check"),
        "action.yml: the run step (id: check) must record the exit code"
    );
}

#[test]
fn action_downloads_a_verified_release_and_can_build_from_source() {
    let (y, text) = action();
    let steps = steps_of(get(&y, "runs"));

    // The download: a checksum is compared before the archive is unpacked or run.
    let (download, script) = steps
        .iter()
        .find(|(_, run)| run.contains("curl "))
        .expect("action.yml: no step downloads the prebuilt checker (curl)");
    let id = get(download, "id")
        .as_str()
        .expect("action.yml: the download step needs an id");
    let pos = |needle: &str| {
        script
            .find(needle)
            .unwrap_or_else(|| panic!("action.yml: the download step has no `{needle}`"))
    };
    let verified = pos("[[ \"$actual\" == \"$expected\" ]]");
    for before in ["sha256sum", "shasum -a 256", ".sha256"] {
        assert!(
            pos(before) < verified,
            "action.yml: `{before}` must come before the comparison"
        );
    }
    for after in ["tar -xzf", "unzip", "\"$bin\" --version", "bin=$bin"] {
        assert!(
            verified < pos(after),
            "action.yml: `{after}` must come after the checksum is verified"
        );
    }

    // The fallback: cargo install --locked, when the download did not work out.
    let (source, _) = steps
        .iter()
        .find(|(_, run)| run.contains("cargo install --locked"))
        .expect("action.yml: no from-source fallback (`cargo install --locked`)");
    let condition = get(source, "if").as_str().unwrap_or("");
    assert!(
        condition.contains(&format!("steps.{id}.outputs.ok != 'true'")),
        "action.yml: the source build must run when the download did not (if: {condition})"
    );
    assert!(
        steps
            .iter()
            .any(|(s, _)| uses(s).starts_with("actions/cache@")),
        "action.yml: the source build keeps its cache"
    );

    // The runner → target map and the archive names agree with release.yml.
    for (target, _) in RELEASE_TARGETS {
        assert!(
            text.contains(&format!("target={target} ;;")),
            "action.yml: no runner maps to release target {target}"
        );
    }
    let release = fs::read_to_string(github_dir().join("workflows/release.yml")).unwrap();
    assert!(
        release.contains("userhash-check-$TAG-$TARGET")
            && text.contains("userhash-check-$tag-$target.tar.gz")
            && text.contains("userhash-check-$tag-$target.zip"),
        "action.yml and release.yml must name the archives alike"
    );
    assert!(
        text.contains("exe=userhash-check.exe"),
        "action.yml: the binary is userhash-check.exe on Windows"
    );
    for (step, run) in &steps {
        if !run.is_empty() {
            assert_eq!(
                get(step, "shell").as_str(),
                Some("bash"),
                "action.yml: every run step uses bash (Git Bash on Windows)"
            );
        }
    }
}

#[test]
fn action_resolves_latest_from_tags_without_vectors_releases() {
    let (y, text) = action();
    assert_eq!(
        get(get(get(&y, "inputs"), "version"), "default").as_str(),
        Some("latest")
    );
    assert_eq!(
        get(get(get(&y, "inputs"), "ref"), "default").as_str(),
        Some(""),
        "action.yml: `ref` must default to empty, or it would always build from source"
    );
    assert!(
        text.contains("git ls-remote --tags --refs"),
        "action.yml: `latest` comes from git ls-remote --tags (no token), without peeled ^{{}} lines"
    );
    assert!(
        text.contains(r"refs/tags/\(v[0-9]"),
        "action.yml: `latest` must only consider vX.Y.Z tags (not vectors-v*)"
    );
}

#[test]
fn checker_runs_are_found() {
    let script =
        "x\n  \"$UH_BIN\" run --format github -- a\n\"$UH_BIN\" --version\n$UH_BIN run x\n";
    assert_eq!(checker_runs(script).len(), 2);
}
