//! Starting `hvapi serve` for a test: the one place that spawns the program and reads the URL
//! it prints first. Shared by tests/common (the REST backend's suites) and tests/rest (the
//! server's own tests).

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

static WORLDS: AtomicU32 = AtomicU32::new(0);

/// Starts `hvapi serve <args> --listen 127.0.0.1:0 --quiet`; the child and the URL it printed.
pub fn spawn(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hvapi"))
        .arg("serve")
        .args(args)
        .args(["--listen", "127.0.0.1:0", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start hvapi serve");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).expect("first line");
    assert!(first.starts_with("http"), "hvapi serve printed {first:?} as its first line, not its URL");
    (child, first.trim().to_owned())
}

/// Serves a world object, from a temporary file removed once the server has read it (it reads
/// the world before it prints its URL).
pub fn spawn_world(world: &Value, extra: &[&str]) -> (Child, String) {
    let path = std::env::temp_dir().join(format!("hvapi-test-world-{}-{}.json", std::process::id(), WORLDS.fetch_add(1, Ordering::SeqCst)));
    std::fs::write(&path, world.to_string()).expect("write world");
    let mut args = vec!["--world", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let served = spawn(&args);
    let _ = std::fs::remove_file(&path);
    served
}
