//! Queries (contract section 7): parsing a query against the fields an entity has, then
//! filtering, sorting and paging rows. Rows are JSON objects; `memberName` is a dotted path.

use crate::fault::Fault;
use crate::model::reader::Obj;
use serde_json::{json, Value};
use std::cmp::Ordering;

/// The keys a query request may carry (besides `entityType` for the inventory).
pub const QUERY_KEYS: [&str; 5] = ["filter", "sortBy", "sortDescending", "startingOffset", "limit"];
pub const DEFAULT_LIMIT: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    Equals,
    NotEquals,
    Contains,
    StartsWith,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Compare {
        op: Compare,
        member: String,
        value: Value,
    },
    /// `fromValue <= member <= toValue` (an extension of the View API's filters): both bounds
    /// numbers or both strings.
    Between {
        member: String,
        from: Value,
        to: Value,
    },
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub filter: Option<Filter>,
    pub sort_by: Option<String>,
    pub sort_descending: bool,
    pub starting_offset: usize,
    pub limit: usize,
}

fn bad_filter(why: impl Into<String>) -> Fault {
    Fault::invalid_argument("filter", why)
}

fn member_name(o: &Obj, ty: &str, fields: &[&str]) -> Result<String, Fault> {
    match o.get("memberName") {
        Some(Value::String(m)) if fields.contains(&m.as_str()) => Ok(m.clone()),
        Some(Value::String(m)) => Err(bad_filter(format!("Unknown memberName {m:?}."))),
        _ => Err(bad_filter(format!("A {ty} filter needs a memberName string."))),
    }
}

fn parse_filter(v: &Value, fields: &[&str]) -> Result<Filter, Fault> {
    let o = Obj::nested(v, "filter".into(), "QueryFilter")?;
    let ty = o.opt_str("type").map_err(|_| bad_filter("A filter's type must be a string."))?.ok_or_else(|| bad_filter("Every filter needs a type."))?;
    let list = |o: &Obj| -> Result<Vec<Filter>, Fault> {
        o.only(&["type", "filters"]).map_err(|_| bad_filter(format!("A {ty} filter takes only type and filters.")))?;
        match o.get("filters") {
            Some(Value::Array(a)) if !a.is_empty() => a.iter().map(|f| parse_filter(f, fields)).collect(),
            _ => Err(bad_filter(format!("A {ty} filter needs a non-empty array of filters."))),
        }
    };
    let op = match ty {
        "And" => return Ok(Filter::And(list(&o)?)),
        "Or" => return Ok(Filter::Or(list(&o)?)),
        "Not" => {
            o.only(&["type", "filter"]).map_err(|_| bad_filter("A Not filter takes only type and filter."))?;
            let inner = o.get("filter").ok_or_else(|| bad_filter("A Not filter needs a filter."))?;
            return Ok(Filter::Not(Box::new(parse_filter(inner, fields)?)));
        }
        "Between" => {
            o.only(&["type", "memberName", "fromValue", "toValue"])
                .map_err(|_| bad_filter("A Between filter takes only type, memberName, fromValue and toValue."))?;
            let member = member_name(&o, ty, fields)?;
            return match (o.get("fromValue"), o.get("toValue")) {
                (Some(from @ Value::Number(_)), Some(to @ Value::Number(_))) | (Some(from @ Value::String(_)), Some(to @ Value::String(_))) => {
                    Ok(Filter::Between { member, from: from.clone(), to: to.clone() })
                }
                _ => Err(bad_filter("A Between filter needs fromValue and toValue, both numbers or both strings.")),
            };
        }
        "Equals" => Compare::Equals,
        "NotEquals" => Compare::NotEquals,
        "Contains" => Compare::Contains,
        "StartsWith" => Compare::StartsWith,
        other => return Err(bad_filter(format!("Unknown filter type {other:?}."))),
    };
    o.only(&["type", "memberName", "value"]).map_err(|_| bad_filter(format!("A {ty} filter takes only type, memberName and value.")))?;
    let member = member_name(&o, ty, fields)?;
    let value = match (op, o.get("value")) {
        (Compare::Contains | Compare::StartsWith, Some(v @ Value::String(_))) => v.clone(),
        (Compare::Contains | Compare::StartsWith, _) => return Err(bad_filter(format!("A {ty} filter needs a string value."))),
        (_, Some(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_)))) => v.clone(),
        _ => return Err(bad_filter(format!("A {ty} filter needs a string, number or boolean value."))),
    };
    Ok(Filter::Compare { op, member, value })
}

/// Parses the query keys of `o` (the caller has already refused unknown keys). `fields` are
/// the dotted paths the rows have.
pub fn parse(o: &Obj, fields: &[&str]) -> Result<Query, Fault> {
    let filter = o.get("filter").map(|f| parse_filter(f, fields)).transpose()?;
    let sort_by = match o.opt_str("sortBy")? {
        Some(s) if fields.contains(&s) => Some(s.to_owned()),
        Some(s) => return Err(Fault::invalid_argument("sortBy", format!("Unknown sortBy member {s:?}."))),
        None => None,
    };
    let limit = o.opt_int_in("limit", 1, u32::MAX as u64)?.unwrap_or(DEFAULT_LIMIT as u64) as usize;
    Ok(Query {
        filter,
        sort_by,
        sort_descending: o.opt_bool("sortDescending")?.unwrap_or(false),
        starting_offset: o.opt_count("startingOffset", u32::MAX as u64)?.unwrap_or(0) as usize,
        limit,
    })
}

/// The value at a dotted path of a row.
pub fn member<'a>(row: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(row, |v, k| v.get(k)).filter(|v| !v.is_null())
}

fn scalar_matches(op: Compare, have: &Value, want: &Value) -> bool {
    match (op, have, want) {
        (Compare::Equals | Compare::NotEquals, Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Compare::Equals | Compare::NotEquals, a, b) => a == b,
        // Contains and StartsWith compare strings without regard to case, as Horizon's do.
        (Compare::Contains, Value::String(a), Value::String(b)) => a.to_lowercase().contains(&b.to_lowercase()),
        (Compare::StartsWith, Value::String(a), Value::String(b)) => a.to_lowercase().starts_with(&b.to_lowercase()),
        _ => false,
    }
}

/// Is `have` within `from..=to`? Numbers compare as numbers, strings as strings; a value of
/// another kind than the bounds is never within them.
fn in_range(have: &Value, from: &Value, to: &Value) -> bool {
    match (have, from, to) {
        (Value::Number(v), Value::Number(a), Value::Number(b)) => {
            let (v, a, b) = (v.as_f64(), a.as_f64(), b.as_f64());
            a <= v && v <= b
        }
        (Value::String(v), Value::String(a), Value::String(b)) => a <= v && v <= b,
        _ => false,
    }
}

impl Filter {
    /// Does the row pass? An array member passes a comparison when any element does.
    pub fn matches(&self, row: &Value) -> bool {
        match self {
            Filter::And(fs) => fs.iter().all(|f| f.matches(row)),
            Filter::Or(fs) => fs.iter().any(|f| f.matches(row)),
            Filter::Not(f) => !f.matches(row),
            Filter::Between { member: m, from, to } => match member(row, m) {
                None => false,
                Some(Value::Array(items)) => items.iter().any(|v| in_range(v, from, to)),
                Some(v) => in_range(v, from, to),
            },
            Filter::Compare { op, member: m, value } => {
                let hit = match member(row, m) {
                    None => false,
                    Some(Value::Array(items)) => items.iter().any(|v| scalar_matches(*op, v, value)),
                    Some(v) => scalar_matches(*op, v, value),
                };
                if *op == Compare::NotEquals {
                    !hit
                } else {
                    hit
                }
            }
        }
    }
}

fn compare_members(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater, // missing values sort last
        (Some(_), None) => Ordering::Less,
        (Some(Value::Number(x)), Some(Value::Number(y))) => x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(Ordering::Equal),
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (Some(x), Some(y)) => x.to_string().cmp(&y.to_string()),
    }
}

/// Runs a query over rows given in their natural order. Rows are made lazily by `make`, so
/// an unfiltered, unsorted query builds only the page it returns.
pub fn run<R>(q: &Query, rows: impl Iterator<Item = R>, make: impl Fn(&R) -> Value) -> Value {
    let page = |results: Vec<Value>, total: usize| {
        let remaining = total.saturating_sub(q.starting_offset + results.len());
        json!({"results": results, "startingOffset": q.starting_offset, "remainingCount": remaining})
    };
    let end = q.starting_offset.saturating_add(q.limit);
    match (&q.filter, &q.sort_by) {
        (None, None) => {
            // Rows whose number is known (the event log, inventory tables): build the page only.
            if let (lower, Some(upper)) = rows.size_hint() {
                if lower == upper {
                    let results = rows.skip(q.starting_offset).take(q.limit).map(|r| make(&r)).collect();
                    return page(results, lower);
                }
            }
            let mut results = Vec::new();
            let mut total = 0;
            for r in rows {
                if total >= q.starting_offset && total < end {
                    results.push(make(&r));
                }
                total += 1;
            }
            page(results, total)
        }
        (filter, None) => {
            let mut results = Vec::new();
            let mut total = 0;
            for r in rows {
                let v = make(&r);
                if filter.as_ref().map_or(true, |f| f.matches(&v)) {
                    if total >= q.starting_offset && total < end {
                        results.push(v);
                    }
                    total += 1;
                }
            }
            page(results, total)
        }
        (filter, Some(key)) => {
            let mut all: Vec<Value> = rows.map(|r| make(&r)).filter(|v| filter.as_ref().map_or(true, |f| f.matches(v))).collect();
            all.sort_by(|a, b| {
                let o = compare_members(member(a, key), member(b, key));
                if q.sort_descending {
                    o.reverse()
                } else {
                    o
                }
            });
            let total = all.len();
            let results = all.into_iter().skip(q.starting_offset).take(q.limit).collect();
            page(results, total)
        }
    }
}

/// The members of a `SessionLocalSummaryView` that a session query may name.
pub const SESSION_FIELDS: [&str; 28] = [
    "id",
    "namesData.userName",
    "namesData.machineOrRDSServerName",
    "namesData.machineOrRDSServerDNS",
    "namesData.desktopName",
    "namesData.desktopType",
    "namesData.desktopSource",
    "namesData.farmName",
    "namesData.clientName",
    "namesData.clientAddress",
    "namesData.clientType",
    "namesData.applicationNames",
    "referenceData.user",
    "referenceData.groups",
    "referenceData.accessGroup",
    "referenceData.desktop",
    "referenceData.farm",
    "referenceData.machine",
    "referenceData.rdsServer",
    "sessionData.sessionType",
    "sessionData.sessionProtocol",
    "sessionData.sessionState",
    "sessionData.startTime",
    "sessionData.disconnectTime",
    "sessionData.lastSessionDurationMS",
    "sessionData.brokeredRemotely",
    "sessionData.resourcedRemotely",
    "sessionData.idleDuration",
];

pub const EVENT_FIELDS: [&str; 10] = ["id", "time", "type", "severity", "admin", "message", "session", "userHomeSite", "user", "pod"];

/// The inventory entity types and their members (the world objects of section 6).
pub const INVENTORY: [(&str, &[&str]); 8] = [
    ("UserOrGroup", &["id", "name", "domain", "group", "members"]),
    ("Site", &["id", "name"]),
    ("Pod", &["id", "name", "site", "reachable"]),
    ("AccessGroup", &["id", "name", "parent"]),
    ("GlobalEntitlement", &["id", "name", "members"]),
    ("GlobalApplicationEntitlement", &["id", "name", "members"]),
    ("Desktop", &["id", "name", "pod", "accessGroup", "desktopType", "desktopSource"]),
    ("Farm", &["id", "name", "pod", "accessGroup"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn q(v: Value) -> Result<Query, Fault> {
        parse(&Obj::top(&v, "request").unwrap(), &["a", "b.c"])
    }

    #[test]
    fn filters() {
        let row = json!({"a": "Hello", "b": {"c": [1, 2]}});
        let f = |v: Value| q(json!({ "filter": v })).unwrap().filter.unwrap();
        assert!(f(json!({"type": "Equals", "memberName": "a", "value": "Hello"})).matches(&row));
        assert!(!f(json!({"type": "Equals", "memberName": "a", "value": "hello"})).matches(&row));
        assert!(f(json!({"type": "Contains", "memberName": "a", "value": "ELL"})).matches(&row));
        assert!(f(json!({"type": "Equals", "memberName": "b.c", "value": 2})).matches(&row));
        assert!(f(json!({"type": "Not", "filter": {"type": "StartsWith", "memberName": "a", "value": "x"}})).matches(&row));
        assert!(q(json!({"filter": {"type": "Equals", "memberName": "zzz", "value": 1}})).is_err());
        let between = |from: Value, to: Value| f(json!({"type": "Between", "memberName": "b.c", "fromValue": from, "toValue": to}));
        assert!(between(json!(2), json!(5)).matches(&row), "any element of an array");
        assert!(!between(json!(3), json!(5)).matches(&row));
        assert!(between(json!(0.5), json!(1)).matches(&row), "inclusive, numbers compared as numbers");
        assert!(f(json!({"type": "Between", "memberName": "a", "fromValue": "H", "toValue": "Hello"})).matches(&row));
        assert!(!f(json!({"type": "Between", "memberName": "a", "fromValue": "h", "toValue": "z"})).matches(&row), "strings compare as strings");
        assert!(!between(json!("1"), json!("3")).matches(&row), "a number is not within strings");
        for bad in [
            json!({"fromValue": 1}),
            json!({"fromValue": 1, "toValue": "2"}),
            json!({"fromValue": true, "toValue": true}),
            json!({"fromValue": 1, "toValue": 2, "value": 1}),
        ] {
            let mut v = json!({"type": "Between", "memberName": "b.c"});
            v.as_object_mut().unwrap().extend(bad.as_object().unwrap().clone());
            assert!(q(json!({ "filter": v })).is_err(), "{v}");
        }
        assert!(q(json!({"limit": 0})).is_err());
    }
}
