//! Backends: what answers a checked request. `embedded` is the simulated federation; a REST
//! client of a real Connection Server (`rest`) answers behind the same trait.

pub mod embedded;
pub mod rest;

use crate::fault::Fault;
use crate::service::{Json, Method, Request};
use serde_json::Value;

/// Answers checked requests. Implementations are shared across threads.
pub trait Backend: Send + Sync {
    /// Answers one request of `method` (its text already checked) with the result as JSON text.
    fn call(&self, method: Method, request: &Request) -> Result<Json, Fault>;

    /// What this client is connected to: `{"backend", ...}` (the REST backend adds `user`,
    /// `url`, `localPod`?, `localSite`?).
    fn describe(&self) -> Value {
        serde_json::json!({"backend": "embedded"})
    }

    /// The embedded federation, for direct Rust callers; `None` for remote backends.
    fn as_embedded(&self) -> Option<&embedded::Embedded> {
        None
    }
}
