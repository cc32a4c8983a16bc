//! Sign-in for the REST server: `POST /login` makes a caller on the served federation (the
//! world's administrators, matched as `hv_client_open`'s `login` is), and hands out a bearer
//! access token that expires after the server's access TTL and a refresh token that expires
//! after its refresh TTL or when `POST /logout` revokes it (with every access token it issued).
//!
//! Memory is bounded: only administrators can sign in, each holds at most
//! [`MAX_LOGINS_PER_ADMIN`] live logins (a new one revokes the oldest) and each login at most
//! [`MAX_ACCESS_PER_LOGIN`] live access tokens; expired tokens are forgotten. A token carries
//! its expiry under a MAC, so an expired one is told apart from an unknown one forever without
//! being remembered. Repeated failed logins for one user name are refused for a while, as an
//! AD lockout policy does behind a real Connection Server ([`Lockout`]).

use crate::client::Client;
use crate::fault::Fault;
use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

/// Live logins one administrator may hold; one more revokes the oldest.
pub const MAX_LOGINS_PER_ADMIN: usize = 1000;
/// Live access tokens one login may hold; one more (a refresh) revokes the oldest.
pub const MAX_ACCESS_PER_LOGIN: usize = 100;
/// Failed logins for one user name before it is locked.
pub const LOCKOUT_AFTER: u32 = 5;
/// The first lock; each further failure while failing doubles it, up to [`LOCKOUT_MAX`].
pub const LOCKOUT_FIRST: Duration = Duration::from_secs(1);
pub const LOCKOUT_MAX: Duration = Duration::from_secs(60);
/// User names whose failures are remembered at most (the oldest are forgotten first).
const LOCKOUT_NAMES: usize = 10_000;

/// One signed-in administrator: a client bound to that admin on the shared federation.
pub struct Login {
    pub client: Client,
    /// `DOMAIN\name` as given at login (for the request log).
    pub admin: String,
    refresh_token: String,
}

struct Session {
    login: Arc<Login>,
    expiry: Instant,
    /// Its live access tokens, oldest first.
    access: VecDeque<String>,
}

#[derive(Default)]
struct Tokens {
    access: HashMap<String, (Arc<Login>, Instant)>,
    refresh: HashMap<String, Session>,
    /// Per administrator (lower-cased `DOMAIN\name`): its refresh tokens, oldest first.
    by_admin: HashMap<String, VecDeque<String>>,
}

/// Failures per user name: (failures in a row, locked until).
#[derive(Default)]
struct Lockout {
    names: HashMap<String, (u32, Instant)>,
}

pub struct Auth {
    ttl: Duration,
    refresh_ttl: Duration,
    tokens: Mutex<Tokens>,
    lockout: Mutex<Lockout>,
    /// The MAC key of this server's tokens.
    key: RandomState,
}

/// Why a bearer token was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    Missing,
    Unknown,
    Expired,
}

/// Why a login was refused.
#[derive(Debug)]
pub enum LoginRefused {
    Fault(Fault),
    /// Too many failures for this user name: retry after this long.
    Locked(Duration),
}

impl From<Fault> for LoginRefused {
    fn from(f: Fault) -> Self {
        LoginRefused::Fault(f)
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn unix_secs(at: Instant) -> u64 {
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    (now + at.saturating_duration_since(Instant::now())).as_secs() + 1
}

impl Auth {
    pub fn new(ttl: Duration, refresh_ttl: Duration) -> Auth {
        Auth { ttl, refresh_ttl, tokens: Mutex::default(), lockout: Mutex::default(), key: RandomState::new() }
    }

    fn mac(&self, random: &str, expiry: u64) -> u64 {
        let mut h = self.key.build_hasher();
        h.write(random.as_bytes());
        h.write_u64(expiry);
        h.finish()
    }

    /// A fresh unguessable token that expires at `expiry`: 128 random bits (SipHash keyed by
    /// the OS's randomness, over a counter and the clock), the expiry (Unix seconds) and a
    /// MAC of both under this server's key. Opaque to clients, as Horizon's JWTs are to every
    /// client we know.
    fn new_token(&self, expiry: Instant) -> String {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let half = |salt: u64| {
            let mut h = RandomState::new().build_hasher();
            h.write_u64(n);
            h.write_u128(nanos);
            h.write_u64(salt);
            h.finish()
        };
        let random = format!("{:016x}{:016x}", half(1), half(2));
        let expiry = unix_secs(expiry);
        format!("{random}{expiry:016x}{:016x}", self.mac(&random, expiry))
    }

    /// Whether `token` is one of this server's whose expiry has passed.
    fn expired(&self, token: &str) -> bool {
        if token.len() != 64 || !token.is_ascii() {
            return false;
        }
        let (random, rest) = token.split_at(32);
        let (expiry, mac) = rest.split_at(16);
        match (u64::from_str_radix(expiry, 16), u64::from_str_radix(mac, 16)) {
            (Ok(e), Ok(m)) => m == self.mac(random, e) && e <= unix_secs(Instant::now()),
            _ => false,
        }
    }

    /// Forgets expired tokens.
    fn purge(t: &mut Tokens, now: Instant) {
        t.access.retain(|_, (_, expiry)| *expiry > now);
        let gone: Vec<String> = t.refresh.iter().filter(|(_, s)| s.expiry <= now).map(|(k, _)| k.clone()).collect();
        for token in gone {
            Self::revoke(t, &token);
        }
    }

    /// Revokes a refresh token and every access token issued from it.
    fn revoke(t: &mut Tokens, refresh: &str) -> bool {
        let session = match t.refresh.remove(refresh) {
            Some(s) => s,
            None => return false,
        };
        for a in &session.access {
            t.access.remove(a);
        }
        let admin = session.login.admin.to_lowercase();
        if let Some(list) = t.by_admin.get_mut(&admin) {
            list.retain(|r| r != refresh);
            if list.is_empty() {
                t.by_admin.remove(&admin);
            }
        }
        true
    }

    fn issue_access(&self, t: &mut Tokens, refresh: &str) -> Option<String> {
        let now = Instant::now();
        let expiry = now + self.ttl;
        let token = self.new_token(expiry);
        let session = t.refresh.get_mut(refresh).filter(|s| s.expiry > now)?;
        session.access.push_back(token.clone());
        let login = Arc::clone(&session.login);
        let oldest = if session.access.len() > MAX_ACCESS_PER_LOGIN { session.access.pop_front() } else { None };
        if let Some(old) = oldest {
            t.access.remove(&old);
        }
        t.access.insert(token.clone(), (login, expiry));
        Some(token)
    }

    /// Signs `domain\user` in on `root`'s federation: (access token, refresh token).
    pub fn login(&self, root: &Client, user: &str, domain: &str, password: &str) -> Result<(String, String), LoginRefused> {
        let name = format!("{domain}\\{user}").to_lowercase();
        let now = Instant::now();
        if let Some((failures, until)) = lock(&self.lockout).names.get(&name) {
            if *failures >= LOCKOUT_AFTER && *until > now {
                return Err(LoginRefused::Locked(*until - now));
            }
        }
        let client = match root.sign_in(user, domain, Some(password)) {
            Ok(c) => c,
            Err(f) => {
                self.failed(&name, now);
                return Err(f.into());
            }
        };
        lock(&self.lockout).names.remove(&name);
        let mut t = lock(&self.tokens);
        Self::purge(&mut t, now);
        let refresh_token = self.new_token(now + self.refresh_ttl);
        let login = Arc::new(Login { client, admin: format!("{domain}\\{user}"), refresh_token: refresh_token.clone() });
        t.refresh.insert(refresh_token.clone(), Session { login: Arc::clone(&login), expiry: now + self.refresh_ttl, access: VecDeque::new() });
        let list = t.by_admin.entry(name).or_default();
        list.push_back(refresh_token.clone());
        let oldest = if list.len() > MAX_LOGINS_PER_ADMIN { list.pop_front() } else { None };
        if let Some(old) = oldest {
            Self::revoke(&mut t, &old);
        }
        let access = self.issue_access(&mut t, &login.refresh_token).expect("the login was just made");
        Ok((access, refresh_token))
    }

    /// Counts a failed login for `name`: from the [`LOCKOUT_AFTER`]th in a row, the name is
    /// locked for [`LOCKOUT_FIRST`], doubling with each further failure up to [`LOCKOUT_MAX`].
    fn failed(&self, name: &str, now: Instant) {
        let mut l = lock(&self.lockout);
        if l.names.len() >= LOCKOUT_NAMES && !l.names.contains_key(name) {
            l.names.retain(|_, (_, until)| *until > now);
            if l.names.len() >= LOCKOUT_NAMES {
                let oldest = l.names.iter().min_by_key(|(_, (_, until))| *until).map(|(k, _)| k.clone());
                if let Some(k) = oldest {
                    l.names.remove(&k);
                }
            }
        }
        let entry = l.names.entry(name.to_owned()).or_insert((0, now));
        entry.0 = entry.0.saturating_add(1);
        if entry.0 >= LOCKOUT_AFTER {
            let doublings = (entry.0 - LOCKOUT_AFTER).min(16);
            entry.1 = now + (LOCKOUT_FIRST * 2u32.pow(doublings)).min(LOCKOUT_MAX);
        }
    }

    /// A new access token for a live refresh token; `None` if it is unknown, expired or revoked.
    pub fn refresh(&self, refresh_token: &str) -> Option<String> {
        let mut t = lock(&self.tokens);
        Self::purge(&mut t, Instant::now());
        self.issue_access(&mut t, refresh_token)
    }

    /// Revokes a refresh token and every access token issued from it; false if it was unknown.
    pub fn logout(&self, refresh_token: &str) -> bool {
        let mut t = lock(&self.tokens);
        Self::purge(&mut t, Instant::now());
        Self::revoke(&mut t, refresh_token)
    }

    /// The login of a bearer access token.
    pub fn check(&self, token: Option<&str>) -> Result<Arc<Login>, Refused> {
        let token = token.ok_or(Refused::Missing)?;
        let t = lock(&self.tokens);
        match t.access.get(token) {
            Some((login, expiry)) if *expiry > Instant::now() => Ok(Arc::clone(login)),
            _ if self.expired(token) => Err(Refused::Expired),
            _ => Err(Refused::Unknown),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_tokens_are_told_from_unknown_ones() {
        let a = Auth::new(Duration::ZERO, Duration::from_secs(60));
        let past = a.new_token(Instant::now());
        assert!(a.expired(&past));
        let future = a.new_token(Instant::now() + Duration::from_secs(60));
        assert!(!a.expired(&future));
        // Another server's token, or a forged expiry, is unknown.
        assert!(!Auth::new(Duration::ZERO, Duration::ZERO).expired(&past));
        let forged = format!("{}{:016x}{}", &past[..32], 1u64, &past[48..]);
        assert!(!a.expired(&forged));
        for _ in 0..3 {
            assert_eq!(a.check(Some(&past)).err(), Some(Refused::Expired));
        }
        assert_eq!(a.check(Some("nope")).err(), Some(Refused::Unknown));
    }
}
