//! The checker's own cost, as a ratio against the port it drives, measured in one run.
//!
//! - `python_port_alone`: the Python reference port answering the checker's recorded request
//!   stream, piped in, its replies going to `/dev/null`: the port's own time.
//! - `checker_with_python_port`: a full checker run against the same port.
//! - `checker_with_replay_adapter`: a full run against an adapter that replays the recorded
//!   replies (`cat`), so nearly all of the time is the checker's own: spawning, pipelining,
//!   classifying, diagnosing.
//!
//! The checker's overhead is `checker_with_python_port / python_port_alone - 1` (target: under
//! 5 %). `cargo xtask bench` reports it in docs/PERFORMANCE.md.
//!
//! Group `explore`: `userhash-check explore` (20,000 generated cases, as `cargo xtask proptest`
//! explores each port, `--verify`, fixed seed; the adapter's start and handshake included)
//! against the Python and the C reference ports; criterion's throughput gives cases per second.
//! `checker_cpu_c_port` times the same C-port run on the process's CPU clock instead of the
//! wall clock: the checker's own CPU per case, every thread counted, the port (a child) not;
//! `checker_cpu_c_port_hash_commands` the same with `--no-jwt` (`user_hash` and `verify`
//! only: the JWT commands cost the checker more per case, in tokens built and judged).

use std::io::Write;
use std::path::{Path, PathBuf};

/// The binary's allocator (src/main.rs), so that the checker measured here is the one that
/// ships.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::{Command, Stdio};

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};
use userhash_check::adapter::AdapterCommand;
use userhash_check::run::{run, RunOptions};
use userhash_check::suite::Suite;
use userhash_check::{classify, session};

fn python_port() -> Vec<String> {
    let adapter = Path::new(env!("CARGO_MANIFEST_DIR")).join("adapters/python/adapter.py");
    vec!["python3".to_owned(), adapter.display().to_string()]
}

/// The exact lines a full run sends: handshake, one request per case (seq from 1), stop.
fn recorded_requests(suite: &Suite) -> Vec<u8> {
    let mut lines = vec![json!({"cmd": "start", "protocol": 1}).to_string()];
    lines.extend(
        suite
            .cases()
            .iter()
            .zip(1..)
            .map(|(case, seq)| session::request_line(&classify::request(case), seq)),
    );
    lines.push(json!({"cmd": "stop"}).to_string());
    lines
        .iter()
        .flat_map(|line| format!("{line}\n").into_bytes())
        .collect()
}

/// The port's replies to `input`, piped in.
fn pipe_through(argv: &[String], input: &[u8]) -> Vec<u8> {
    feed(argv, input, Stdio::piped()).stdout
}

/// Runs the port on `input`, piped in, its stdout going to `stdout`.
fn feed(argv: &[String], input: &[u8], stdout: Stdio) -> std::process::Output {
    let mut child = Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::piped())
        .stdout(stdout)
        .spawn()
        .expect("the port starts");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_vec();
    // Write from another thread so a port that answers as it reads cannot deadlock the pipes.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("the port runs");
    writer
        .join()
        .expect("writer thread")
        .expect("requests written");
    assert!(output.status.success(), "the port failed");
    output
}

fn checker_run(suite: &Suite, argv: &[String]) {
    let command = AdapterCommand {
        argv: argv.to_vec(),
    };
    let report =
        run(suite, &command, &RunOptions::default(), &mut |_, _, _| {}).expect("the run starts");
    assert!(report.conformant, "the reference port must conform");
}

fn overhead(c: &mut Criterion) {
    let suite = Suite::embedded().expect("embedded vectors load");
    let requests = recorded_requests(&suite);
    let replies = pipe_through(&python_port(), &requests);
    let replies_value: Vec<Value> = replies
        .split(|byte| *byte == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| serde_json::from_slice(line).expect("the port replies JSON"))
        .collect();
    assert_eq!(
        replies_value.len(),
        suite.cases().len() + 1,
        "one reply per request plus the handshake"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let recorded: PathBuf = dir.path().join("replies.jsonl");
    std::fs::write(&recorded, &replies).expect("replies written");
    // Replays the replies, then keeps reading until the checker closes stdin, as an adapter does.
    let replay = vec![
        "sh".to_owned(),
        "-c".to_owned(),
        format!("cat '{}'; cat >/dev/null", recorded.display()),
    ];

    let mut group = c.benchmark_group("checker");
    group.sample_size(10);
    group.measurement_time(std::time::Duration::from_secs(5));
    group.bench_function("python_port_alone", |b| {
        // Its replies discarded, not read: a reader woken by every reply the port flushes
        // would be charged to the port alone, and flatter the checker's overhead.
        b.iter(|| feed(&python_port(), &requests, Stdio::null()))
    });
    group.bench_function("checker_with_python_port", |b| {
        b.iter(|| checker_run(&suite, &python_port()))
    });
    group.bench_function("checker_with_replay_adapter", |b| {
        b.iter(|| checker_run(&suite, &replay))
    });
    group.finish();
}

/// The C port, built into `dir`; `None` without a C compiler or OpenSSL's headers.
fn c_port(dir: &Path) -> Option<Vec<String>> {
    let out = dir.join("userhash-c-adapter");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("adapters/c");
    let built = Command::new("make")
        .arg("-s")
        .arg("-C")
        .arg(&source)
        .arg(format!("OUT={}", out.display()))
        .status()
        .is_ok_and(|status| status.success());
    built.then(|| vec![out.display().to_string()])
}

const EXPLORE_CASES: u64 = 20_000;

/// `explore --verify` of `argv`, with the JWT commands it announces or (`jwt` false, as
/// `--no-jwt`) the hash commands only.
fn explore_run(argv: &[String], jwt: bool) {
    let options = userhash_check::explore::ExploreOptions {
        cases: EXPLORE_CASES,
        seed: 20_261_128,
        time: None,
        verify: true,
        jwt,
        timeout: std::time::Duration::from_secs(5),
        handshake_timeout: std::time::Duration::from_secs(10),
        max_restarts: 3,
        shrink_budget: 0,
    };
    let command = AdapterCommand {
        argv: argv.to_vec(),
    };
    let report = userhash_check::explore::explore(&command, &options, &mut |_, _| {})
        .expect("the port starts");
    assert_eq!(report.exit_code(), 0, "the reference port explores clean");
}

/// CPU time used by this process so far, all threads.
#[cfg(unix)]
fn process_cpu() -> std::time::Duration {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    std::time::Duration::new(
        u64::try_from(now.tv_sec).unwrap_or(0),
        u32::try_from(now.tv_nsec).unwrap_or(0),
    )
}

fn explore(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut group = c.benchmark_group("explore");
    group.sample_size(10);
    group.measurement_time(std::time::Duration::from_secs(5));
    group.throughput(criterion::Throughput::Elements(EXPLORE_CASES));
    group.bench_function("python_port", |b| {
        b.iter(|| explore_run(&python_port(), true))
    });
    if let Some(c_port) = c_port(dir.path()) {
        group.bench_function("c_port", |b| b.iter(|| explore_run(&c_port, true)));
        #[cfg(unix)]
        for (name, jwt) in [
            ("checker_cpu_c_port", true),
            ("checker_cpu_c_port_hash_commands", false),
        ] {
            group.bench_function(name, |b| {
                b.iter_custom(|iterations| {
                    let start = process_cpu();
                    for _ in 0..iterations {
                        explore_run(&c_port, jwt);
                    }
                    process_cpu().saturating_sub(start)
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, overhead, explore);
criterion_main!(benches);
