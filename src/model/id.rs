//! Ids: `"<Type>/<key>"` (contract 3.1). The one place where id syntax and id types are checked.

use crate::fault::Fault;
use serde_json::Value;

/// The entity types an id may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdType {
    Session,
    UserHomeSite,
    UserOrGroup,
    Site,
    Pod,
    GlobalEntitlement,
    GlobalApplicationEntitlement,
    AccessGroup,
    Desktop,
    Farm,
    Machine,
    RDSServer,
}

impl IdType {
    pub const ALL: [IdType; 12] = [
        IdType::Session,
        IdType::UserHomeSite,
        IdType::UserOrGroup,
        IdType::Site,
        IdType::Pod,
        IdType::GlobalEntitlement,
        IdType::GlobalApplicationEntitlement,
        IdType::AccessGroup,
        IdType::Desktop,
        IdType::Farm,
        IdType::Machine,
        IdType::RDSServer,
    ];

    /// The `<Type>` prefix of the id.
    pub fn name(self) -> &'static str {
        match self {
            IdType::Session => "Session",
            IdType::UserHomeSite => "UserHomeSite",
            IdType::UserOrGroup => "UserOrGroup",
            IdType::Site => "Site",
            IdType::Pod => "Pod",
            IdType::GlobalEntitlement => "GlobalEntitlement",
            IdType::GlobalApplicationEntitlement => "GlobalApplicationEntitlement",
            IdType::AccessGroup => "AccessGroup",
            IdType::Desktop => "Desktop",
            IdType::Farm => "Farm",
            IdType::Machine => "Machine",
            IdType::RDSServer => "RDSServer",
        }
    }

    /// The View API type name used in `expectedType`, e.g. `"SessionId"`.
    pub fn expected(self) -> String {
        format!("{}Id", self.name())
    }

    pub fn from_name(name: &str) -> Option<IdType> {
        IdType::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// Parses id syntax: `Some(type)` for a well-formed id, `None` otherwise (empty, no `/`,
/// unknown type, empty key, or a control character).
pub fn id_type(s: &str) -> Option<IdType> {
    let (ty, key) = s.split_once('/')?;
    if key.is_empty() || s.chars().any(char::is_control) {
        return None;
    }
    IdType::from_name(ty)
}

/// Formats an id of the given type from its key.
pub fn make_id(ty: IdType, key: &str) -> String {
    format!("{}/{}", ty.name(), key)
}

/// Checks that `value` (the parameter `param`) is a well-formed id of type `ty` and returns it.
/// Wrong JSON kind or another id type → `InvalidType`; null, empty or malformed → `InvalidArgument`.
pub fn expect_id<'a>(value: &'a Value, param: &str, ty: IdType) -> Result<&'a str, Fault> {
    let s = match value {
        Value::String(s) => s.as_str(),
        Value::Null => return Err(Fault::invalid_argument(param, format!("Parameter {param} must not be null."))),
        _ => return Err(Fault::invalid_type(param, &ty.expected())),
    };
    match id_type(s) {
        None => Err(Fault::invalid_argument(param, format!("Parameter {param} is not a well-formed id: {s:?}."))),
        Some(t) if t != ty => Err(Fault::invalid_type(param, &ty.expected())),
        Some(_) => Ok(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax() {
        assert_eq!(id_type("Session/a/b"), Some(IdType::Session));
        assert_eq!(id_type("RDSServer/x"), Some(IdType::RDSServer));
        for bad in ["", "Session", "Session/", "Bogus/x", "/x", "Session/a\u{7}"] {
            assert_eq!(id_type(bad), None, "{bad:?}");
        }
    }
}
