//! Concurrency stress (issue 4): 8 threads × `HVAPI_STRESS_OPS` (default 100,000; 10,000 in a
//! debug build) mixed
//! operations on one client — Session_Query, GetLocalSummaryView, Disconnect, Logoff,
//! LogoffForced, SendMessage, Reset, Restart and their batch variants, home-site Create,
//! Delete, Get, List and Resolve, Event_Query, and some malformed requests — then the
//! invariants:
//! - exactly one event per attempted write item, except the contract's no-event cases
//!   (malformed requests, and a Create that returns an existing id; the administrator holds
//!   every privilege, so no item is refused for privilege), and event ids 1..=N in order;
//! - a session ended successfully was ended once (no two successes for one id) and is never
//!   found again, by GetLocalSummaryView (also checked while the threads run) or Session_Query;
//! - initial sessions = live sessions + successfully ended sessions, and the store's indexes
//!   (id → session, user → sessions) agree with the sessions;
//! - each thread's home sites (it alone works on its users) are exactly as it predicted.
//!
//! Threads draw ids from their own deterministic generator (seeded by thread number); the
//! interleaving is the scheduler's.

use hvapi::{Client, Fault};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

const THREADS: u64 = 8;
const SITES: u32 = 2;
const PODS_PER_SITE: u32 = 2;
const SESSIONS_PER_POD: u32 = 50_000;
const USERS: u32 = 20_000;
/// Users 1..=8 may have home sites in the demo; the threads' own users start after them.
const FIRST_OWN_USER: u32 = 9;
const OWN_USERS_PER_THREAD: u32 = 40;

/// `HVAPI_STRESS_OPS`, else 100,000 (a tenth of that in an unoptimized build, so that a
/// plain `cargo test` stays quick; CI runs `cargo test --release`).
fn ops_per_thread() -> u64 {
    let default = if cfg!(debug_assertions) { 10_000 } else { 100_000 };
    std::env::var("HVAPI_STRESS_OPS").ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

/// splitmix64: a small deterministic generator per thread.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn session_id(rng: &mut Rng) -> String {
    let (s, p) = (1 + rng.below(SITES as u64), 1 + rng.below(PODS_PER_SITE as u64));
    // Most ids from a hot range, so that threads contend for the same sessions.
    let j = if rng.below(4) == 0 { 1 + rng.below(SESSIONS_PER_POD as u64) } else { 1 + rng.below(2_000) };
    format!("Session/pod-{s}-{p}-{j:07}")
}

fn user_id(u: u32) -> String {
    format!("UserOrGroup/user{u:05}")
}

/// What one thread did and saw.
#[derive(Default)]
struct Tally {
    /// Events its calls must have recorded.
    events: u64,
    /// Sessions its calls ended (success of Logoff, LogoffForced, Reset, Restart).
    ended: Vec<String>,
    /// Its home sites: (user, entitlement or "") → (id, site).
    homes: HashMap<(u32, &'static str), (String, &'static str)>,
    ops: u64,
    failures: Vec<String>,
    answers: HashMap<String, u64>,
}

impl Tally {
    fn fail(&mut self, what: String) {
        if self.failures.len() < 20 {
            self.failures.push(what);
        }
    }
    fn saw(&mut self, answer: &Result<Value, Fault>) {
        let k = match answer {
            Ok(_) => "ok",
            Err(f) => f.type_name(),
        };
        *self.answers.entry(k.to_owned()).or_default() += 1;
    }
}

const ENDING: [&str; 4] = ["Session_Logoff", "Session_LogoffForced", "Session_Reset", "Session_Restart"];
const ENDING_BATCH: [&str; 4] = ["Session_LogoffSessions", "Session_LogoffSessionsForced", "Session_ResetSessions", "Session_RestartSessions"];
const SITE_IDS: [&str; 2] = ["Site/site-1", "Site/site-2"];
const SCOPES: [&str; 2] = ["", "GlobalEntitlement/ge-1"];
const MSG_TYPES: [&str; 3] = ["INFO", "WARNING", "ERROR"];

fn worker(client: &Client, t: u64, ops: u64) -> Tally {
    let mut rng = Rng(0x5eed_0000 + t);
    let mut tally = Tally::default();
    let own_user = |k: u64| FIRST_OWN_USER + (t as u32) + THREADS as u32 * (k as u32 % OWN_USERS_PER_THREAD);
    for op in 0..ops {
        tally.ops += 1;
        let roll = rng.below(100);
        match roll {
            // Reads.
            0..=11 => {
                let request = match rng.below(3) {
                    0 => {
                        json!({"filter": {"type": "Equals", "memberName": "namesData.userName", "value": format!("HVDEMO\\user{:05}", 1 + rng.below(USERS as u64))}})
                    }
                    1 => {
                        json!({"filter": {"type": "Equals", "memberName": "referenceData.user", "value": user_id(1 + rng.below(USERS as u64) as u32)}, "limit": 5})
                    }
                    _ => json!({"limit": 3, "startingOffset": rng.below(1000)}),
                };
                let a = client.invoke("Session_Query", &request.to_string());
                tally.saw(&a);
                if let Err(f) = a {
                    tally.fail(format!("Session_Query {request}: {}", f.to_json()));
                }
            }
            12..=25 => {
                // Now and then, one of the sessions this thread ended: it must stay gone.
                let (id, mine) = if !tally.ended.is_empty() && rng.below(3) == 0 {
                    (tally.ended[rng.below(tally.ended.len() as u64) as usize].clone(), true)
                } else {
                    (session_id(&mut rng), false)
                };
                let a = client.invoke("Session_GetLocalSummaryView", &json!({ "id": id }).to_string());
                tally.saw(&a);
                match a {
                    Ok(v) if mine => tally.fail(format!("{id} was ended and is found again: {v}")),
                    Ok(v) if v["id"] != id.as_str() => tally.fail(format!("GetLocalSummaryView {id} answered {v}")),
                    Err(f) if !matches!(f, Fault::EntityNotFound { .. }) => tally.fail(format!("GetLocalSummaryView {id}: {}", f.to_json())),
                    _ => {}
                }
            }
            26..=28 => {
                let a = client.invoke("Event_Query", r#"{"limit": 1}"#);
                tally.saw(&a);
                if a.is_err() {
                    tally.fail("Event_Query failed".into());
                }
            }
            // Single session writes: one event each.
            29..=62 => {
                let id = session_id(&mut rng);
                let (method, request) = match roll {
                    29..=36 => ("Session_Disconnect", json!({ "id": id })),
                    37..=44 => ("Session_SendMessage", json!({"id": id, "msgType": MSG_TYPES[op as usize % 3], "message": format!("stress {t}/{op}")})),
                    45..=52 => (ENDING[0], json!({ "id": id })),
                    53..=57 => (ENDING[1], json!({ "id": id })),
                    58..=60 => (ENDING[2], json!({ "id": id })),
                    _ => (ENDING[3], json!({ "id": id })),
                };
                let a = client.invoke(method, &request.to_string());
                tally.saw(&a);
                tally.events += 1;
                match a {
                    Ok(_) if ENDING.contains(&method) => tally.ended.push(id),
                    Ok(_) => {}
                    Err(Fault::PartialFailure { .. }) => tally.fail(format!("{method} {id}: a single call answered PartialFailureFault")),
                    Err(_) => {}
                }
            }
            // Batch session writes: one event per item.
            63..=74 => {
                let n = 1 + rng.below(8) as usize;
                let ids: Vec<String> = (0..n).map(|_| session_id(&mut rng)).collect();
                let k = rng.below(7) as usize;
                let method = match k {
                    0..=3 => ENDING_BATCH[k],
                    4 => "Session_DisconnectSessions",
                    _ => "Session_SendMessages",
                };
                let mut request = json!({ "ids": ids });
                if method == "Session_SendMessages" {
                    request["msgType"] = "INFO".into();
                    request["message"] = "batch".into();
                }
                let a = client.invoke(method, &request.to_string());
                tally.saw(&a);
                tally.events += n as u64;
                let ending = ENDING_BATCH.contains(&method);
                match a {
                    Ok(Value::Null) if ending => tally.ended.extend(ids),
                    Ok(Value::Null) => {}
                    Ok(v) => tally.fail(format!("{method} answered {v}")),
                    Err(Fault::PartialFailure { results }) => {
                        if results.len() != n {
                            tally.fail(format!("{method}: {} results for {n} ids", results.len()));
                        }
                        if ending {
                            tally.ended.extend(ids.into_iter().zip(results).filter(|(_, r)| r.is_none()).map(|(id, _)| id));
                        }
                    }
                    Err(f) => tally.fail(format!("{method} {request}: {}", f.to_json())),
                }
            }
            // Home sites on this thread's own users: every outcome is predictable.
            75..=90 => {
                let u = own_user(rng.below(OWN_USERS_PER_THREAD as u64));
                let scope = SCOPES[rng.below(2) as usize];
                let site = SITE_IDS[rng.below(2) as usize];
                let key = (u, scope);
                match rng.below(5) {
                    0 | 1 => {
                        let mut base = json!({"userOrGroup": user_id(u), "site": site});
                        if !scope.is_empty() {
                            base["globalEntitlement"] = scope.into();
                        }
                        let a = client.invoke("UserHomeSite_Create", &json!({ "base": base }).to_string());
                        tally.saw(&a);
                        match (tally.homes.get(&key).cloned(), a) {
                            (None, Ok(Value::String(id))) => {
                                tally.events += 1;
                                tally.homes.insert(key, (id, site));
                            }
                            (Some((id, s)), Ok(Value::String(got))) if s == site && got == id => {} // existing: no event
                            (Some((_, s)), Err(Fault::InvalidArgument { parameter_name: Some(p), .. })) if s != site && p == "base.site" => tally.events += 1,
                            (known, other) => {
                                tally.events += 1;
                                tally.fail(format!("Create {key:?} at {site} (known {known:?}): {other:?}"));
                            }
                        }
                    }
                    2 => {
                        let (id, known) = match tally.homes.get(&key) {
                            Some((id, _)) => (id.clone(), true),
                            None => (format!("UserHomeSite/none-{t}-{op}"), false),
                        };
                        let a = client.invoke("UserHomeSite_Delete", &json!({ "id": id }).to_string());
                        tally.saw(&a);
                        tally.events += 1;
                        match (known, a) {
                            (true, Ok(Value::Null)) => {
                                tally.homes.remove(&key);
                            }
                            (false, Err(Fault::EntityNotFound { .. })) => {}
                            (k, other) => tally.fail(format!("Delete {id} (known {k}): {other:?}")),
                        }
                    }
                    3 => {
                        let a = client.invoke("UserHomeSite_Resolve", &json!({"user": user_id(u), "globalEntitlement": "GlobalEntitlement/ge-1"}).to_string());
                        tally.saw(&a);
                        match (tally.homes.get(&(u, "GlobalEntitlement/ge-1")), a) {
                            // Tier 1: the user's own configuration for the entitlement wins.
                            (Some((id, _)), Ok(v)) if v[0]["id"] == id.as_str() && v.as_array().map_or(0, Vec::len) == 1 => {}
                            (Some((id, _)), other) => tally.fail(format!("Resolve {u}: expected {id}, got {other:?}")),
                            (None, Ok(_)) => {}
                            (None, Err(f)) => tally.fail(format!("Resolve {u}: {}", f.to_json())),
                        }
                    }
                    _ => {
                        let a = client.invoke("UserHomeSite_List", &json!({ "userOrGroup": user_id(u) }).to_string());
                        tally.saw(&a);
                        let mut want: Vec<&String> = tally.homes.iter().filter(|((x, _), _)| *x == u).map(|(_, (id, _))| id).collect();
                        want.sort();
                        match a {
                            Ok(Value::Array(list)) => {
                                let mut got: Vec<&str> = list.iter().filter_map(|i| i["id"].as_str()).collect();
                                got.sort();
                                if got != want.iter().map(|s| s.as_str()).collect::<Vec<_>>() {
                                    tally.fail(format!("List {u}: {got:?}, expected {want:?}"));
                                }
                            }
                            other => tally.fail(format!("List {u}: {other:?}")),
                        }
                    }
                }
            }
            // Malformed requests: refused for their text, no event.
            _ => {
                let (method, text) = match rng.below(5) {
                    0 => ("Session_Logoff", r#"{"id": 5}"#.to_owned()),
                    1 => ("Session_LogoffSessions", r#"{"ids": []}"#.to_owned()),
                    2 => ("Session_Disconnect", format!(r#"{{"id": "{}", "force": true}}"#, session_id(&mut rng))),
                    3 => ("Session_SendMessage", format!(r#"{{"id": "{}", "msgType": "LOUD", "message": "x"}}"#, session_id(&mut rng))),
                    _ => ("UserHomeSite_Create", r#"{"base": {"userOrGroup": "UserOrGroup/user00009"}}"#.to_owned()),
                };
                let a = client.invoke(method, &text);
                tally.saw(&a);
                match a {
                    Err(Fault::InvalidArgument { .. } | Fault::InvalidType { .. } | Fault::InvalidRequest { .. }) => {}
                    other => tally.fail(format!("{method} {text}: {other:?}")),
                }
            }
        }
    }
    tally
}

#[test]
fn eight_threads_of_mixed_operations_on_one_client() {
    let ops = ops_per_thread();
    let counts = json!({"sites": SITES, "podsPerSite": PODS_PER_SITE, "sessionsPerPod": SESSIONS_PER_POD, "users": USERS, "groups": 50});
    let client = Client::open(&json!({ "demo": counts })).expect("demo opens");
    let emb = client.embedded().expect("embedded");
    let (initial_sessions, initial_homes, initial_events) = {
        let f = emb.read();
        (f.sessions.live(), f.home_sites.live(), f.events.len())
    };
    assert_eq!(initial_sessions, (SITES * PODS_PER_SITE * SESSIONS_PER_POD) as usize);
    assert_eq!(initial_events, 0);

    let started = std::time::Instant::now();
    let tallies: Vec<Tally> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let c = &client;
                s.spawn(move || worker(c, t, ops))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("no thread panics")).collect()
    });
    let elapsed = started.elapsed().as_secs_f64();

    let failures: Vec<&String> = tallies.iter().flat_map(|t| &t.failures).collect();
    assert!(failures.is_empty(), "{} failures, first: {:#?}", failures.len(), &failures[..failures.len().min(10)]);

    let mut answers: HashMap<&str, u64> = HashMap::new();
    for t in &tallies {
        for (k, v) in &t.answers {
            *answers.entry(k.as_str()).or_default() += v;
        }
    }
    let f = emb.read();

    // One event per attempted write item, less the no-event cases; ids 1..=N in order.
    let expected_events: u64 = tallies.iter().map(|t| t.events).sum();
    assert_eq!(f.events.len() as u64, expected_events, "events recorded vs write items attempted");
    for (i, e) in f.events.iter().enumerate() {
        assert_eq!(e.id, i as u64 + 1, "event ids are 1..=N in order");
    }

    // Every successful end happened once, and the session is gone.
    let mut ended = HashSet::new();
    for t in &tallies {
        for id in &t.ended {
            assert!(ended.insert(id.as_str()), "{id} was ended successfully twice");
            assert!(f.sessions.find(id).is_none(), "{id} was ended and is still in the store");
        }
    }
    assert_eq!(initial_sessions, f.sessions.live() + ended.len(), "initial = live + ended");

    // The store's indexes agree with the sessions.
    let mut listed = 0;
    for (ux, u) in f.users_and_groups.items.iter().enumerate() {
        for &s in &u.sessions {
            assert_eq!(f.sessions.get(s).user as usize, ux, "a user lists another's session");
            listed += 1;
        }
    }
    assert_eq!(listed, f.sessions.live(), "user → sessions lists every live session once");
    for (ix, s) in f.sessions.iter() {
        assert_eq!(f.sessions.find(&s.id), Some(ix), "id → session for {}", s.id);
    }

    // Home sites: exactly what the threads predicted.
    let own: usize = tallies.iter().map(|t| t.homes.len()).sum();
    assert_eq!(f.home_sites.live(), initial_homes + own, "home sites = the demo's + the threads' own");
    for t in &tallies {
        for (id, _) in t.homes.values() {
            assert!(f.home_sites.find(id).is_some(), "{id} exists");
        }
    }
    let live = f.sessions.live();
    drop(f);

    // Session_Query never shows an ended session: every local session, once.
    let mut present = HashSet::new();
    let mut offset = 0;
    loop {
        let page = client.invoke("Session_Query", &json!({"startingOffset": offset, "limit": 20000}).to_string()).expect("query");
        let rows = page["results"].as_array().expect("results");
        for r in rows {
            let id = r["id"].as_str().expect("id").to_owned();
            assert!(!ended.contains(id.as_str()), "{id} was ended and Session_Query shows it");
            assert!(present.insert(id), "Session_Query shows a session twice");
        }
        offset += rows.len();
        if page["remainingCount"] == 0 || rows.is_empty() {
            break;
        }
    }
    let local_live = emb.read().sessions.iter().filter(|(_, s)| s.id.starts_with("Session/pod-1-1-")).count();
    assert_eq!(present.len(), local_live, "Session_Query shows every live local session");

    let total_ops: u64 = tallies.iter().map(|t| t.ops).sum();
    let mut answers: Vec<_> = answers.into_iter().collect();
    answers.sort();
    eprintln!(
        "stress: {THREADS} threads × {ops} ops = {total_ops} ops in {elapsed:.1} s ({:.0} ops/s); {} events; {} sessions ended, {live} live; answers {answers:?}",
        total_ops as f64 / elapsed,
        expected_events,
        ended.len()
    );
}
