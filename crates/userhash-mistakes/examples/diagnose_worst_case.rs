//! Times the engine on its worst case: a run whose every answer is wrong and explained by
//! nothing, so every failure is searched. Run it with
//! `cargo run --release -p userhash-mistakes --example diagnose_worst_case`.

use std::time::Instant;

use serde_json::Value;
use userhash_mistakes::engine::explain_run;
use userhash_mistakes::Input;

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/user_hash.json");
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("cannot read {path}");
        std::process::exit(2);
    };
    let Ok(file) = serde_json::from_str::<Value>(&text) else {
        eprintln!("{path} is not JSON");
        std::process::exit(2);
    };
    let owned: Vec<(String, Option<Value>, Option<Value>)> = file["tests"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|case| {
            let input = &case["input"];
            (
                input["secret"].as_str().unwrap_or_default().to_owned(),
                input.get("user_id").cloned(),
                input.get("email").cloned(),
            )
        })
        .collect();
    let observations: Vec<(Input<'_>, Option<Option<String>>)> = owned
        .iter()
        .enumerate()
        .map(|(i, (secret, user_id, email))| {
            let input = Input {
                secret,
                user_id: user_id.as_ref(),
                email: email.as_ref(),
            };
            (input, Some(Some(format!("{i:064x}"))))
        })
        .collect();
    let started = Instant::now();
    let diagnosis = explain_run(&observations);
    println!(
        "{} cases, {} unexplained, diagnosed in {:?}",
        observations.len(),
        diagnosis.unexplained.len(),
        started.elapsed()
    );
}
