//! Sign-in for the REST server: `POST /login` makes a caller on the served federation (the
//! world's administrators, matched as `hv_client_open`'s `login` is), and hands out a bearer
//! access token that expires after the server's TTL and a refresh token that lasts until
//! `POST /logout` revokes it (with every access token it issued).

use crate::client::Client;
use crate::fault::Fault;
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

/// One signed-in administrator: a client bound to that admin on the shared federation.
pub struct Login {
    pub client: Client,
    /// `DOMAIN\name` as given at login (for the request log).
    pub admin: String,
    refresh_token: String,
}

struct Tokens {
    access: HashMap<String, (Arc<Login>, Instant)>,
    refresh: HashMap<String, Arc<Login>>,
}

pub struct Auth {
    ttl: Duration,
    tokens: Mutex<Tokens>,
}

/// Why a bearer token was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    Missing,
    Unknown,
    Expired,
}

/// A fresh unguessable token: 128 bits from SipHash keyed by the OS's randomness (std's
/// `RandomState`), over a counter and the clock. Opaque to clients, as Horizon's JWTs are to
/// every client we know.
fn new_token() -> String {
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
    format!("{:016x}{:016x}", half(1), half(2))
}

impl Auth {
    pub fn new(ttl: Duration) -> Auth {
        Auth { ttl, tokens: Mutex::new(Tokens { access: HashMap::new(), refresh: HashMap::new() }) }
    }

    fn lock(&self) -> MutexGuard<'_, Tokens> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn issue_access(&self, t: &mut Tokens, login: Arc<Login>) -> String {
        let now = Instant::now();
        t.access.retain(|_, (_, expiry)| *expiry > now);
        let token = new_token();
        t.access.insert(token.clone(), (login, now + self.ttl));
        token
    }

    /// Signs `domain\user` in on `root`'s federation: (access token, refresh token).
    pub fn login(&self, root: &Client, user: &str, domain: &str, password: &str) -> Result<(String, String), Fault> {
        let client = root.sign_in(user, domain, Some(password))?;
        let refresh_token = new_token();
        let login = Arc::new(Login { client, admin: format!("{domain}\\{user}"), refresh_token: refresh_token.clone() });
        let mut t = self.lock();
        t.refresh.insert(refresh_token.clone(), Arc::clone(&login));
        Ok((self.issue_access(&mut t, login), refresh_token))
    }

    /// A new access token for a live refresh token; `None` if it is unknown or revoked.
    pub fn refresh(&self, refresh_token: &str) -> Option<String> {
        let mut t = self.lock();
        let login = Arc::clone(t.refresh.get(refresh_token)?);
        Some(self.issue_access(&mut t, login))
    }

    /// Revokes a refresh token and every access token issued from it; false if it was unknown.
    pub fn logout(&self, refresh_token: &str) -> bool {
        let mut t = self.lock();
        let login = match t.refresh.remove(refresh_token) {
            Some(login) => login,
            _ => return false,
        };
        t.access.retain(|_, (l, _)| l.refresh_token != login.refresh_token);
        true
    }

    /// The login of a bearer access token.
    pub fn check(&self, token: Option<&str>) -> Result<Arc<Login>, Refused> {
        let token = token.ok_or(Refused::Missing)?;
        let mut t = self.lock();
        let (login, expiry) = t.access.get(token).ok_or(Refused::Unknown)?;
        if *expiry <= Instant::now() {
            t.access.remove(token);
            return Err(Refused::Expired);
        }
        Ok(Arc::clone(login))
    }
}
