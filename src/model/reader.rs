//! A strict reader over JSON objects that knows the path it reads, so that every refusal names
//! the parameter (`"ids"`, `"base.site"`) or the world path (`"sessions[3].desktop"`).
//! Requests and world files both go through it: unknown keys are refused, `null` counts as
//! missing, and wrong JSON kinds give `InvalidType`.

use crate::fault::Fault;
use crate::model::id::{expect_id, IdType};
use serde_json::{Map, Value};

pub struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Obj<'a> {
    /// The top of a request or world: anything but an object is an `InvalidArgument`.
    pub fn top(value: &'a Value, what: &str) -> Result<Obj<'a>, Fault> {
        match value {
            Value::Object(map) => Ok(Obj { map, path: String::new() }),
            _ => Err(Fault::InvalidArgument { parameter_name: None, message: format!("The {what} must be a JSON object.") }),
        }
    }

    /// A nested object at `path`: anything but an object is an `InvalidType`.
    pub fn nested(value: &'a Value, path: String, expected: &str) -> Result<Obj<'a>, Fault> {
        match value {
            Value::Object(map) => Ok(Obj { map, path }),
            _ => Err(Fault::invalid_type(&path, expected)),
        }
    }

    /// The path of a key of this object.
    pub fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// Refuses any key not in `allowed` (`InvalidArgument` naming the key).
    pub fn only(&self, allowed: &[&str]) -> Result<&Self, Fault> {
        if let Some(k) = self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            let p = self.path_of(k);
            return Err(Fault::invalid_argument(&p, format!("Unknown parameter {p}.")));
        }
        Ok(self)
    }

    /// The value of `key`, `None` when absent or null.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn missing(&self, key: &str) -> Fault {
        let p = self.path_of(key);
        Fault::invalid_argument(&p, format!("Parameter {p} is required."))
    }

    pub fn req(&self, key: &str) -> Result<&'a Value, Fault> {
        self.get(key).ok_or_else(|| self.missing(key))
    }

    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, Fault> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(Fault::invalid_type(&self.path_of(key), "string")),
        }
    }

    pub fn str(&self, key: &str) -> Result<&'a str, Fault> {
        self.opt_str(key)?.ok_or_else(|| self.missing(key))
    }

    /// A required string that must not be empty.
    pub fn name(&self, key: &str) -> Result<&'a str, Fault> {
        let s = self.str(key)?;
        if s.is_empty() {
            let p = self.path_of(key);
            return Err(Fault::invalid_argument(&p, format!("Parameter {p} must not be empty.")));
        }
        Ok(s)
    }

    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, Fault> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(Fault::invalid_type(&self.path_of(key), "boolean")),
        }
    }

    /// An optional non-negative integer no larger than `max`.
    pub fn opt_count(&self, key: &str, max: u64) -> Result<Option<u64>, Fault> {
        self.opt_int_in(key, 0, max)
    }

    /// An optional integer from `min` to `max`.
    pub fn opt_int_in(&self, key: &str, min: u64, max: u64) -> Result<Option<u64>, Fault> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(v) if (min..=max).contains(&v) => Ok(Some(v)),
                _ => {
                    let p = self.path_of(key);
                    Err(Fault::invalid_argument(&p, format!("Parameter {p} must be an integer from {min} to {max}.")))
                }
            },
            Some(_) => Err(Fault::invalid_type(&self.path_of(key), "int")),
        }
    }

    pub fn id(&self, key: &str, ty: IdType) -> Result<&'a str, Fault> {
        expect_id(self.req(key)?, &self.path_of(key), ty)
    }

    pub fn opt_id(&self, key: &str, ty: IdType) -> Result<Option<&'a str>, Fault> {
        self.get(key).map(|v| expect_id(v, &self.path_of(key), ty)).transpose()
    }

    /// A non-empty array of ids of one type (`ids` parameters). An element of the wrong kind or
    /// type is an `InvalidType` of the parameter; the message names the index.
    pub fn ids(&self, key: &str, ty: IdType) -> Result<Vec<&'a str>, Fault> {
        let p = self.path_of(key);
        let items = match self.req(key)? {
            Value::Array(a) => a,
            _ => return Err(Fault::invalid_type(&p, &format!("{}[]", ty.expected()))),
        };
        if items.is_empty() {
            return Err(Fault::invalid_argument(&p, format!("Parameter {p} must not be empty.")));
        }
        items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                expect_id(v, &p, ty).map_err(|f| match f {
                    Fault::InvalidType { parameter_name, expected_type, .. } => {
                        Fault::InvalidType { message: format!("Element {i} of {p} must be of type {expected_type}."), parameter_name, expected_type }
                    }
                    Fault::InvalidArgument { parameter_name, .. } => {
                        Fault::InvalidArgument { message: format!("Element {i} of {p} is not a well-formed id."), parameter_name }
                    }
                    other => other,
                })
            })
            .collect()
    }

    /// An optional array of ids (world `members`), each checked with its own path.
    pub fn id_list(&self, key: &str, ty: IdType) -> Result<Vec<&'a str>, Fault> {
        let p = self.path_of(key);
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(a)) => a.iter().enumerate().map(|(i, v)| expect_id(v, &format!("{p}[{i}]"), ty)).collect(),
            Some(_) => Err(Fault::invalid_type(&p, &format!("{}[]", ty.expected()))),
        }
    }

    /// An optional array of strings.
    pub fn str_list(&self, key: &str) -> Result<Option<Vec<&'a str>>, Fault> {
        let p = self.path_of(key);
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, v)| v.as_str().ok_or_else(|| Fault::invalid_type(&format!("{p}[{i}]"), "string")))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(Fault::invalid_type(&p, "string[]")),
        }
    }

    /// An optional array of objects (world tables), each with its path `key[i]`.
    pub fn objects(&self, key: &str, expected: &str) -> Result<Vec<Obj<'a>>, Fault> {
        let p = self.path_of(key);
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(a)) => a.iter().enumerate().map(|(i, v)| Obj::nested(v, format!("{p}[{i}]"), expected)).collect(),
            Some(_) => Err(Fault::invalid_type(&p, &format!("{expected}[]"))),
        }
    }
}
