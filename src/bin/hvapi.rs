//! `hvapi`: the command-line program of the crate.
//!
//! `hvapi serve (--world FILE | --demo [COUNTS_JSON]) [--listen 127.0.0.1:8443]
//! [--tls-cert FILE --tls-key FILE] [--token-ttl SECONDS] [--refresh-token-ttl SECONDS]
//! [--rate-limit N] [--max-body BYTES] [--max-connections N] [--header-timeout SECONDS]
//! [--body-timeout SECONDS] [--idle-timeout SECONDS] [--event-capacity N] [--quiet]` serves the embedded federation over the Horizon Server REST API. It prints the
//! URL it serves as its first line on stdout, logs one line per request on stderr (unless
//! `--quiet`), and shuts down cleanly on SIGINT and SIGTERM.

use hvapi::rest::server::{Options, Server};
use hvapi::Client;
use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: hvapi serve (--world FILE | --demo [COUNTS_JSON]) [--listen 127.0.0.1:8443]
                   [--tls-cert FILE --tls-key FILE] [--token-ttl SECONDS]
                   [--refresh-token-ttl SECONDS] [--rate-limit N] [--max-body BYTES]
                   [--max-connections N] [--header-timeout SECONDS] [--body-timeout SECONDS]
                   [--idle-timeout SECONDS] [--event-capacity N] [--quiet]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("serve") => match serve(&args[1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("hvapi serve: {e}");
                ExitCode::from(1)
            }
        },
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn serve(args: &[String]) -> Result<(), String> {
    let mut options = Options::default();
    let mut source: Option<Value> = None;
    let (mut cert, mut key) = (None, None);
    let mut it = args.iter().peekable();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--world" => source = Some(json!({ "worldFile": value("--world")? })),
            "--demo" => {
                let counts = match it.peek() {
                    Some(next) if !next.starts_with("--") => {
                        let text = it.next().cloned().unwrap_or_default();
                        serde_json::from_str(&text).map_err(|e| format!("--demo COUNTS_JSON is not valid JSON: {e}"))?
                    }
                    _ => json!({}),
                };
                source = Some(json!({ "demo": counts }));
            }
            "--listen" => options.listen = value("--listen")?.parse().map_err(|e| format!("--listen: {e}"))?,
            "--tls-cert" => cert = Some(PathBuf::from(value("--tls-cert")?)),
            "--tls-key" => key = Some(PathBuf::from(value("--tls-key")?)),
            "--token-ttl" => options.token_ttl = seconds("--token-ttl", &value("--token-ttl")?)?,
            "--refresh-token-ttl" => options.refresh_ttl = seconds("--refresh-token-ttl", &value("--refresh-token-ttl")?)?,
            "--header-timeout" => options.deadlines.header = seconds("--header-timeout", &value("--header-timeout")?)?,
            "--body-timeout" => options.deadlines.body = seconds("--body-timeout", &value("--body-timeout")?)?,
            "--idle-timeout" => options.deadlines.idle = seconds("--idle-timeout", &value("--idle-timeout")?)?,
            "--max-connections" => {
                let n = value("--max-connections")?.parse().ok().filter(|n: &usize| (1..=1_000_000).contains(n));
                options.max_connections = Some(n.ok_or("--max-connections must be 1 to 1000000")?);
            }
            "--rate-limit" => options.rate_limit = Some(value("--rate-limit")?.parse().ok().filter(|&n: &u32| n > 0).ok_or("--rate-limit must be 1 or more")?),
            "--max-body" => options.max_body = value("--max-body")?.parse().map_err(|e| format!("--max-body: {e}"))?,
            "--event-capacity" => {
                let n = value("--event-capacity")?.parse().ok().filter(|n: &usize| *n > 0);
                options.event_capacity = n.ok_or("--event-capacity must be 1 or more")?;
            }
            "--quiet" => options.log = false,
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let source = source.ok_or_else(|| format!("give --world FILE or --demo\n{USAGE}"))?;
    options.tls = match (cert, key) {
        (Some(c), Some(k)) => Some((c, k)),
        (None, None) => None,
        _ => return Err("--tls-cert and --tls-key go together".into()),
    };
    let client = Client::open(&source).map_err(|f| format!("the federation cannot be opened: {}", f.to_json()))?;
    let log = options.log;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        // The handlers are in place before the URL is printed: a caller may signal at once.
        let stop = shutdown_signal().map_err(|e| format!("cannot handle signals: {e}"))?;
        let server = Server::bind(client, options).await.map_err(|e| format!("cannot listen: {e}"))?;
        let mut out = std::io::stdout();
        let _ = writeln!(out, "{}", server.url());
        let _ = out.flush();
        server.run(stop).await.map_err(|e| e.to_string())
    })?;
    if log {
        eprintln!("hvapi serve: stopped");
    }
    Ok(())
}

/// A duration flag: seconds, fractions allowed (`0.5`).
fn seconds(name: &str, text: &str) -> Result<Duration, String> {
    let s: f64 = text.parse().map_err(|e| format!("{name}: {e}"))?;
    if !(0.0..=1e9).contains(&s) {
        return Err(format!("{name} must be 0 to 1000000000 seconds"));
    }
    Ok(Duration::from_secs_f64(s))
}

/// Installs the SIGINT and SIGTERM handlers; the future completes on either.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let (mut int, mut term) = (signal(SignalKind::interrupt())?, signal(SignalKind::terminate())?);
    Ok(async move {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
    })
}
