//! The one fault type of hvapi.
//!
//! Every layer below the C boundary returns `Result<_, Fault>`. A fault knows its C status
//! ([`Fault::status`]), its contract type name ([`Fault::type_name`]) and its JSON form
//! ([`Fault::to_json`]); nothing else in the crate builds an error document by hand.

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// The status every hvapi C function returns. The numbers never change once released.
/// The status always equals the `type` of the fault written to `out_json`.
#[allow(non_camel_case_types)]
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HvStatus {
    /// Success: `out_json` holds `{"result": ...}`.
    HV_OK = 0,
    /// `EntityNotFound`: a well-formed id of the right type names no entity.
    HV_ENTITY_NOT_FOUND = 1,
    /// `InsufficientPermission`: the caller lacks every privilege that would suffice.
    HV_INSUFFICIENT_PERMISSION = 2,
    /// `InvalidArgument`: a bad, missing or unknown argument (also NULL pointers, bad UTF-8).
    HV_INVALID_ARGUMENT = 3,
    /// `InvalidState`: the entity is in a state that forbids the operation.
    HV_INVALID_STATE = 4,
    /// `InvalidType`: an argument of the wrong JSON kind or an id of the wrong type.
    HV_INVALID_TYPE = 5,
    /// `InvalidRequest`: the request is well formed but not allowed (e.g. a required id missing
    /// from a base object, an entitlement the user or group does not hold).
    HV_INVALID_REQUEST = 6,
    /// `PartialFailureFault`: one or more items of a batch failed; see `results`.
    HV_PARTIAL_FAILURE = 7,
    /// `UnexpectedFault`: an internal error (including a caught panic) or an unreachable pod.
    HV_UNEXPECTED = 8,
    /// `InvalidCredentials`: the login matches no administrator.
    HV_INVALID_CREDENTIALS = 9,
}

/// A contract fault (section 3.3 of the contract). `message` is one human sentence.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Fault {
    #[error("{message}")]
    EntityNotFound { id: String, message: String },
    #[error("{message}")]
    InsufficientPermission { privileges: Vec<&'static str>, resource: Option<String>, access_group: Option<String>, message: String },
    #[error("{message}")]
    InvalidArgument { parameter_name: Option<String>, message: String },
    #[error("{message}")]
    InvalidType { parameter_name: String, expected_type: String, message: String },
    #[error("{message}")]
    InvalidState { id: Option<String>, message: String },
    #[error("{message}")]
    InvalidRequest { message: String },
    #[error("{message}")]
    Unexpected { cause: Option<String>, message: String },
    #[error("{message}")]
    InvalidCredentials { message: String },
    /// One entry per input item, in input order: `None` where the item succeeded.
    #[error("{} of {} items failed", .results.iter().filter(|r| r.is_some()).count(), .results.len())]
    PartialFailure { results: Vec<Option<Fault>> },
}

impl Fault {
    pub fn entity_not_found(id: &str) -> Fault {
        Fault::EntityNotFound { id: id.to_owned(), message: format!("No entity with id {id} exists.") }
    }

    pub fn invalid_argument(parameter: &str, why: impl Into<String>) -> Fault {
        Fault::InvalidArgument { parameter_name: Some(parameter.to_owned()), message: why.into() }
    }

    pub fn invalid_type(parameter: &str, expected: &str) -> Fault {
        Fault::InvalidType {
            parameter_name: parameter.to_owned(),
            expected_type: expected.to_owned(),
            message: format!("Parameter {parameter} must be of type {expected}."),
        }
    }

    pub fn invalid_state(id: &str, why: impl Into<String>) -> Fault {
        Fault::InvalidState { id: Some(id.to_owned()), message: why.into() }
    }

    pub fn invalid_request(why: impl Into<String>) -> Fault {
        Fault::InvalidRequest { message: why.into() }
    }

    pub fn unexpected(cause: impl Into<String>) -> Fault {
        let cause = cause.into();
        Fault::Unexpected { message: format!("An unexpected error occurred: {cause}."), cause: Some(cause) }
    }

    pub fn invalid_credentials() -> Fault {
        Fault::InvalidCredentials { message: "The login matches no administrator.".to_owned() }
    }

    /// The C status of this fault.
    pub fn status(&self) -> HvStatus {
        match self {
            Fault::EntityNotFound { .. } => HvStatus::HV_ENTITY_NOT_FOUND,
            Fault::InsufficientPermission { .. } => HvStatus::HV_INSUFFICIENT_PERMISSION,
            Fault::InvalidArgument { .. } => HvStatus::HV_INVALID_ARGUMENT,
            Fault::InvalidType { .. } => HvStatus::HV_INVALID_TYPE,
            Fault::InvalidState { .. } => HvStatus::HV_INVALID_STATE,
            Fault::InvalidRequest { .. } => HvStatus::HV_INVALID_REQUEST,
            Fault::PartialFailure { .. } => HvStatus::HV_PARTIAL_FAILURE,
            Fault::Unexpected { .. } => HvStatus::HV_UNEXPECTED,
            Fault::InvalidCredentials { .. } => HvStatus::HV_INVALID_CREDENTIALS,
        }
    }

    /// The contract's `type` string.
    pub fn type_name(&self) -> &'static str {
        match self {
            Fault::EntityNotFound { .. } => "EntityNotFound",
            Fault::InsufficientPermission { .. } => "InsufficientPermission",
            Fault::InvalidArgument { .. } => "InvalidArgument",
            Fault::InvalidType { .. } => "InvalidType",
            Fault::InvalidState { .. } => "InvalidState",
            Fault::InvalidRequest { .. } => "InvalidRequest",
            Fault::PartialFailure { .. } => "PartialFailureFault",
            Fault::Unexpected { .. } => "UnexpectedFault",
            Fault::InvalidCredentials { .. } => "InvalidCredentials",
        }
    }

    /// The fault object: `{"type", "errorMessage", ...fields}` (the value under `"fault"`).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("type".into(), self.type_name().into());
        m.insert("errorMessage".into(), self.to_string().into());
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_owned(), v);
        };
        match self {
            Fault::EntityNotFound { id, .. } => put("id", id.as_str().into()),
            Fault::InsufficientPermission { privileges, resource, access_group, .. } => {
                put("privileges", privileges.clone().into());
                if let Some(r) = resource {
                    put("resource", r.as_str().into());
                }
                if let Some(a) = access_group {
                    put("accessGroup", a.as_str().into());
                }
            }
            Fault::InvalidArgument { parameter_name: Some(p), .. } => put("parameterName", p.as_str().into()),
            Fault::InvalidType { parameter_name, expected_type, .. } => {
                put("parameterName", parameter_name.as_str().into());
                put("expectedType", expected_type.as_str().into());
            }
            Fault::InvalidState { id: Some(id), .. } => put("id", id.as_str().into()),
            Fault::Unexpected { cause: Some(c), .. } => put("causeString", c.as_str().into()),
            Fault::PartialFailure { results } => {
                put("resultCount", results.len().into());
                put("successCount", results.iter().filter(|r| r.is_none()).count().into());
                let items = results.iter().map(|r| r.as_ref().map_or(Value::Null, Fault::to_json)).collect();
                put("results", Value::Array(items));
            }
            _ => {}
        }
        Value::Object(m)
    }
}

impl Serialize for Fault {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

/// Turns the per-item outcomes of a batch, in input order, into the contract's answer: `null`
/// when every item succeeded, otherwise a `PartialFailureFault` (even when every item failed).
/// Outcomes are taken as they come, and no list is kept while every item succeeds, so a
/// million-item batch that succeeds allocates nothing here.
pub fn batch_result(items: impl IntoIterator<Item = Result<(), Fault>>) -> Result<Value, Fault> {
    let mut failed: Option<Vec<Option<Fault>>> = None;
    for (i, outcome) in items.into_iter().enumerate() {
        match (outcome, &mut failed) {
            (Ok(()), None) => {}
            (outcome, Some(results)) => results.push(outcome.err()),
            (Err(fault), None) => {
                let mut results: Vec<Option<Fault>> = std::iter::repeat_with(|| None).take(i).collect();
                results.push(Some(fault));
                failed = Some(results);
            }
        }
    }
    failed.map_or(Ok(Value::Null), |results| Err(Fault::PartialFailure { results }))
}
