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

    /// What the connection is, as `hv_client_open` answers it: `{"backend", "user",
    /// "localPod"?, "localSite"?}` (wrappers show it as their connection object; the REST
    /// backend adds `url`).
    fn describe(&self) -> Value;

    /// The embedded federation, for direct Rust callers; `None` for remote backends.
    fn as_embedded(&self) -> Option<&embedded::Embedded> {
        None
    }
}
