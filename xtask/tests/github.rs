//! Every YAML file under `.github/` parses, and has the structure GitHub
//! expects: workflows have `on` and `jobs` (each job `runs-on` and steps that
//! `run` or `uses`), composite actions have `runs.using: composite`, a `shell`
//! on each `run` step, and declare every input they use. actionlint (the CI
//! step `actionlint`, when installed) goes further on the workflows.

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
    for name in input_refs(&text) {
        assert!(
            inputs.contains_key(&Yaml::String(name.clone())),
            "{what}: uses undeclared input `{name}`"
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
