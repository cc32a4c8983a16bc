//! A small checker of answers against the OpenAPI file
//! (`$CARGO_MANIFEST_DIR/../shared/reference/horizon-rest-2512-subset.openapi.json`): the
//! status must be one the operation documents (errors may also be the HTTP layer's), and the
//! body must match the documented schema exactly — types, enums, required fields, and no
//! field the schema does not name. Error bodies must be `APIError`s.

use serde_json::Value;

pub struct Spec {
    doc: Value,
}

/// Statuses any endpoint may answer with an `APIError` though the file does not list them.
const HTTP_LAYER: [u16; 12] = [400, 401, 403, 404, 405, 408, 409, 413, 414, 429, 431, 501];

impl Spec {
    pub fn load() -> Spec {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference/horizon-rest-2512-subset.openapi.json");
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        Spec { doc: serde_json::from_str(&text).expect("the OpenAPI file is JSON") }
    }

    /// The operation of a concrete path (below `/rest`, no query).
    fn operation(&self, method: &str, path: &str) -> Option<&Value> {
        let paths = self.doc["paths"].as_object()?;
        let segs: Vec<&str> = path.split('/').collect();
        let mut best = None;
        for (template, ops) in paths {
            let t: Vec<&str> = template.split('/').collect();
            if t.len() != segs.len() || !t.iter().zip(&segs).all(|(a, b)| (a.starts_with('{') && a.ends_with('}')) || a == b) {
                continue;
            }
            // Literal segments beat templates (action/resolve over {id}).
            let literal = t.iter().filter(|s| !s.starts_with('{')).count();
            if let Some(op) = ops.get(method.to_ascii_lowercase()) {
                if best.map_or(true, |(n, _)| literal > n) {
                    best = Some((literal, op));
                }
            }
        }
        best.map(|(_, op)| op)
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.strip_prefix("#/components/schemas/").expect("local refs");
                &self.doc["components"]["schemas"][name]
            }
            None => schema,
        }
    }

    /// Checks `value` against `schema`; the error names the path.
    pub fn validate(&self, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
        let schema = self.resolve(schema);
        let ty = schema.get("type").and_then(Value::as_str).unwrap_or(if schema.get("properties").is_some() { "object" } else { "any" });
        match (ty, value) {
            ("object", Value::Object(m)) => {
                if let Some(req) = schema.get("required").and_then(Value::as_array) {
                    for k in req.iter().filter_map(Value::as_str) {
                        if !m.contains_key(k) {
                            return Err(format!("{at}: required field {k} is missing"));
                        }
                    }
                }
                if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                    for (k, v) in m {
                        let p = props.get(k).ok_or_else(|| format!("{at}: field {k} is not in the schema"))?;
                        self.validate(p, v, &format!("{at}.{k}"))?;
                    }
                }
                Ok(())
            }
            ("array", Value::Array(items)) => {
                for (i, v) in items.iter().enumerate() {
                    self.validate(&schema["items"], v, &format!("{at}[{i}]"))?;
                }
                Ok(())
            }
            ("string", Value::String(s)) => match schema.get("enum").and_then(Value::as_array) {
                Some(e) if !e.iter().any(|x| x == s) => Err(format!("{at}: {s:?} is not one of {e:?}")),
                _ => Ok(()),
            },
            ("integer", Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(()),
            ("number", Value::Number(_)) | ("boolean", Value::Bool(_)) | ("any", _) => Ok(()),
            (ty, v) => Err(format!("{at}: expected {ty}, got {v}")),
        }
    }

    /// Checks an answer of `method path` (below `/rest`).
    pub fn check(&self, method: &str, path: &str, status: u16, body: &[u8]) -> Result<(), String> {
        let path = path.split('?').next().unwrap_or(path);
        let op = self.operation(method, path);
        let documented = op.and_then(|op| op["responses"].get(status.to_string()));
        if status < 400 && documented.is_none() {
            return Err(format!("{method} {path}: status {status} is not documented"));
        }
        if status >= 400 && documented.is_none() && !HTTP_LAYER.contains(&status) {
            return Err(format!("{method} {path}: status {status} is neither documented nor an HTTP-layer error"));
        }
        let schema = documented.and_then(|r| r.get("content")).and_then(|c| c.as_object()).and_then(|c| c.values().next()).map(|m| &m["schema"]);
        match schema {
            Some(schema) => {
                let v: Value = serde_json::from_slice(body).map_err(|e| format!("{method} {path}: body is not JSON: {e}"))?;
                self.validate(schema, &v, "body")
            }
            None if status >= 400 => {
                let v: Value = serde_json::from_slice(body).map_err(|e| format!("{method} {path} {status}: error body is not JSON: {e}"))?;
                self.validate(&serde_json::json!({"$ref": "#/components/schemas/APIError"}), &v, "error")?;
                match (v.get("error_key"), v.get("error_message")) {
                    (Some(Value::String(_)), Some(Value::String(_))) => Ok(()),
                    _ => Err(format!("{method} {path} {status}: an APIError has error_key and error_message")),
                }
            }
            None if body.is_empty() => Ok(()),
            None => Err(format!("{method} {path} {status}: the file documents no body, but one came")),
        }
    }
}
