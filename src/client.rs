//! A client: one open backend. This is the Rust API the C boundary wraps; it takes and gives
//! JSON values and typed faults.

use crate::backend::embedded::Embedded;
use crate::backend::rest::Rest;
use crate::backend::Backend;
use crate::fault::Fault;
use crate::model::reader::Obj;
use crate::service::{Json, Method, Request};
use serde_json::Value;

pub struct Client {
    backend: Box<dyn Backend>,
}

impl Client {
    /// Opens a client from its configuration (contract 2 and 6):
    /// `{"backend": "embedded", "world" | "worldFile" | "demo": …, "login"?: …}` or
    /// `{"backend": "rest", "url", "username", "password", "domain", "verifyTls"?, "caFile"?,
    /// "timeoutSeconds"?}` (README, "The REST backend").
    pub fn open(config: &Value) -> Result<Client, Fault> {
        let o = Obj::top(config, "configuration")?;
        match o.opt_str("backend")?.unwrap_or("embedded") {
            "embedded" => {
                o.only(&["backend", "world", "worldFile", "demo", "login"])?;
                Ok(Client { backend: Box::new(Embedded::open(&o)?) })
            }
            "rest" => Ok(Client { backend: Box::new(Rest::open(&o)?) }),
            other => Err(Fault::invalid_argument("backend", format!("Unknown backend {other:?}; use \"embedded\" or \"rest\"."))),
        }
    }

    /// Opens a client from configuration text.
    pub fn open_str(config: &str) -> Result<Client, Fault> {
        Client::open(&parse_json(config, "config_json")?)
    }

    /// Calls a method with a JSON request; the result as JSON text (what the C boundary writes).
    pub fn call_json(&self, method: Method, request: &Value) -> Result<Json, Fault> {
        let request = Request::parse(method, request)?;
        self.backend.call(method, &request)
    }

    /// Calls a method with request text (what the C boundary does).
    pub fn call_text(&self, method: Method, text: &str) -> Result<Json, Fault> {
        let request = match Request::parse_ids_text(method, text) {
            Some(r) => r,
            None => Request::parse(method, &parse_json(text, "request_json")?)?,
        };
        self.backend.call(method, &request)
    }

    /// Calls a method with a JSON request.
    pub fn call(&self, method: Method, request: &Value) -> Result<Value, Fault> {
        let text = self.call_json(method, request)?;
        serde_json::from_str(text.get()).map_err(|e| Fault::unexpected(format!("a result could not be read back: {e}")))
    }

    /// Looks a method up by its `hv_invoke` name: an unknown name is an `InvalidArgument` of
    /// `"method"`.
    pub fn method(name: &str) -> Result<Method, Fault> {
        Method::from_name(name).ok_or_else(|| Fault::invalid_argument("method", format!("Unknown method {name:?}.")))
    }

    /// Calls a method by its `hv_invoke` name with request text.
    pub fn invoke(&self, method: &str, request: &str) -> Result<Value, Fault> {
        let text = self.call_text(Client::method(method)?, request)?;
        serde_json::from_str(text.get()).map_err(|e| Fault::unexpected(format!("a result could not be read back: {e}")))
    }

    /// What this connection is: `{"backend", "user" (DOMAIN\\name), "localPod"?, "localSite"?}`
    /// (the REST backend adds `url`); `hv_client_open` answers it.
    pub fn describe(&self) -> Value {
        self.backend.describe()
    }

    /// Another client on this client's federation, signed in as the administrator
    /// `domain\user` (the REST server's login). Only the embedded backend can do this; a
    /// login that matches no administrator is `InvalidCredentials`.
    pub fn sign_in(&self, user: &str, domain: &str, password: Option<&str>) -> Result<Client, Fault> {
        let embedded = self.embedded().ok_or_else(|| Fault::unexpected("only the embedded backend can sign another administrator in"))?;
        Ok(Client { backend: Box::new(embedded.sign_in(user, domain, password)?) })
    }

    /// The embedded federation behind this client, if that is its backend.
    pub fn embedded(&self) -> Option<&Embedded> {
        self.backend.as_embedded()
    }
}

/// Parses JSON text; unparsable text is an `InvalidArgument` of `parameter`.
pub fn parse_json(text: &str, parameter: &str) -> Result<Value, Fault> {
    serde_json::from_str(text).map_err(|e| Fault::invalid_argument(parameter, format!("{parameter} is not valid JSON: {e}.")))
}
