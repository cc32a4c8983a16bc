//! A plain HTTP/1.1 client over a loopback TcpStream (one request per connection), and the
//! `hvapi serve` program started per test world on 127.0.0.1:0.

use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command};

#[path = "../support/serve.rs"]
mod serve;

pub struct Response {
    pub status: u16,
    /// Header names lower-cased.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).map(String::as_str)
    }
}

/// Sends one request to `addr` and reads the whole answer.
pub fn request(addr: &str, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
    let mut s = TcpStream::connect(addr).expect("connect");
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).expect("write head");
    // A server that refuses a large body may close before reading it all.
    let _ = s.write_all(body);
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line).expect("status line");
    let status: u16 = line.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or_else(|| panic!("bad status line {line:?}"));
    let mut headers = HashMap::new();
    loop {
        line.clear();
        r.read_line(&mut line).expect("header");
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':').expect("header line");
        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
    }
    let mut body = Vec::new();
    match headers.get("content-length").and_then(|v| v.parse::<usize>().ok()) {
        Some(n) => {
            body.resize(n, 0);
            r.read_exact(&mut body).expect("body");
        }
        None => {
            let _ = r.read_to_end(&mut body);
        }
    }
    Response { status, headers, body }
}

/// A running `hvapi serve`; stopped (SIGTERM) when dropped.
pub struct Server {
    pub child: Child,
    /// The first line the program printed.
    pub url: String,
    /// host:port
    pub addr: String,
    /// The base path, `/rest`.
    pub base: String,
}

impl Server {
    /// Serves a world object with extra arguments.
    pub fn world(world: &Value, extra: &[&str]) -> Server {
        Server::new(serve::spawn_world(world, extra))
    }

    /// Serves the default demo federation.
    pub fn demo(extra: &[&str]) -> Server {
        let mut args = vec!["--demo"];
        args.extend_from_slice(extra);
        Server::start(&args)
    }

    pub fn start(args: &[&str]) -> Server {
        Server::new(serve::spawn(args))
    }

    fn new((child, url): (Child, String)) -> Server {
        let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://")).unwrap_or_else(|| panic!("first line is the URL, not {url:?}"));
        let (addr, base) = rest.split_at(rest.find('/').expect("a base path"));
        assert_eq!(base, "/rest");
        let (addr, base) = (addr.to_owned(), base.to_owned());
        Server { child, url, addr, base }
    }

    pub fn send(&self, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> Response {
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(a) = &auth {
            headers.push(("Authorization", a.as_str()));
        }
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        request(&self.addr, method, &format!("{}{path}", self.base), &headers, body.as_bytes())
    }

    /// Logs in and returns (access token, refresh token).
    pub fn login(&self, user: &str, domain: &str, password: &str) -> (String, String) {
        let r = self.send("POST", "/login", None, Some(&serde_json::json!({"username": user, "domain": domain, "password": password})));
        assert_eq!(r.status, 200, "login {domain}\\{user}: {}", String::from_utf8_lossy(&r.body));
        let v = r.json();
        (v["access_token"].as_str().unwrap().to_owned(), v["refresh_token"].as_str().unwrap().to_owned())
    }

    /// Sends SIGTERM and waits; true when the program exited successfully.
    pub fn stop(&mut self) -> bool {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        self.child.wait().map(|s| s.success()).unwrap_or(false)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
            let _ = self.child.wait();
        }
    }
}
