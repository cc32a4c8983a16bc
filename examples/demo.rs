//! A tour of hvapi against the embedded demo federation: find sessions, read one, message and
//! log off sessions, manage and resolve home sites, and read the audit events.
//!
//! Run: `cargo run --example demo` (or pass demo counts: `cargo run --example demo -- '{"sessionsPerPod": 1000}'`).

use hvapi::{Client, Fault};
use serde_json::{json, Value};

fn call(client: &Client, method: &str, request: Value) -> Result<Value, Fault> {
    let answer = client.invoke(method, &request.to_string());
    match &answer {
        Ok(v) => println!("  {method} -> ok {}", short(v)),
        Err(f) => println!("  {method} -> {} {}", f.type_name(), short(&f.to_json())),
    }
    answer
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 160 {
        format!("{}…", &s[..s.char_indices().take_while(|(i, _)| *i < 160).last().map_or(0, |(i, _)| i)])
    } else {
        s
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let counts: Value = std::env::args().nth(1).map(|a| serde_json::from_str(&a)).transpose()?.unwrap_or(json!({}));
    let started = std::time::Instant::now();
    let client = Client::open(&json!({"backend": "embedded", "demo": counts}))?;
    println!("hvapi {} — embedded demo federation opened in {:?}", env!("CARGO_PKG_VERSION"), started.elapsed());

    println!("\nInventory:");
    for ty in ["Site", "Pod", "UserOrGroup", "GlobalEntitlement", "Desktop", "Farm"] {
        let page = client.call(hvapi::Method::InventoryQuery, &json!({"entityType": ty, "limit": 1}))?;
        let total = page["remainingCount"].as_u64().unwrap_or(0) + page["results"].as_array().map_or(0, |r| r.len() as u64);
        println!("  {ty:<18} {total:>8}   e.g. {}", short(&page["results"][0]));
    }

    let user = client.call(hvapi::Method::InventoryQuery, &json!({"entityType": "UserOrGroup", "limit": 1}))?["results"][0].clone();
    let user_name = format!("{}\\{}", user["domain"].as_str().unwrap_or(""), user["name"].as_str().unwrap_or(""));
    println!("\nSessions of {user_name} (Session_Query, Equals on namesData.userName):");
    let page = call(&client, "Session_Query", json!({"filter": {"type": "Equals", "memberName": "namesData.userName", "value": user_name}}))?;
    for s in page["results"].as_array().into_iter().flatten() {
        println!("    {}  {}  {}  {}", s["id"], s["namesData"]["desktopName"], s["sessionData"]["sessionState"], s["namesData"]["machineOrRDSServerName"]);
    }

    let first = client.call(hvapi::Method::SessionQuery, &json!({"limit": 3}))?;
    let ids: Vec<Value> = first["results"].as_array().unwrap().iter().map(|s| s["id"].clone()).collect();
    println!("\nActing on {}:", Value::Array(ids.clone()));
    call(&client, "Session_GetLocalSummaryView", json!({"id": ids[0]}))?;
    let _ = call(&client, "Session_SendMessages", json!({"ids": ids, "msgType": "WARNING", "message": "Maintenance in 10 minutes: please save your work."}));
    let _ = call(&client, "Session_Disconnect", json!({"id": ids[1]}));
    let _ = call(&client, "Session_LogoffSessions", json!({"ids": [ids[0], ids[2], "Session/no-such-session"]}));
    let _ = call(&client, "Session_GetLocalSummaryView", json!({"id": ids[0]}));

    println!("\nHome sites:");
    let _ = call(&client, "UserHomeSite_List", json!({"userOrGroup": "UserOrGroup/group-1"}));
    let _ = call(&client, "UserHomeSite_Resolve", json!({"user": "UserOrGroup/user00005", "globalEntitlement": "GlobalEntitlement/ge-1"}));
    let id = call(
        &client,
        "UserHomeSite_Create",
        json!({"base": {"userOrGroup": "UserOrGroup/user00005", "site": "Site/site-2", "globalEntitlement": "GlobalEntitlement/ge-1"}}),
    );
    let _ = call(&client, "UserHomeSite_Resolve", json!({"user": "UserOrGroup/user00005", "globalEntitlement": "GlobalEntitlement/ge-1"}));
    if let Ok(id) = id {
        let _ = call(&client, "UserHomeSite_Delete", json!({"id": id}));
    }

    println!("\nAs HVDEMO\\helpdesk (Inventory Administrators on the first site's access group):");
    let helpdesk = Client::open(&json!({"demo": {}, "login": {"user": "helpdesk", "domain": "HVDEMO", "password": "helpdesk"}}))?;
    let _ = call(&helpdesk, "UserHomeSite_List", json!({"userOrGroup": "UserOrGroup/group-1"}));
    let _ = call(&helpdesk, "Session_Logoff", json!({"id": "Session/pod-2-1-0000001"}));

    println!("\nAudit events:");
    let events = client.call(hvapi::Method::EventQuery, &json!({}))?;
    for e in events["results"].as_array().into_iter().flatten() {
        println!("  #{} {} {:<13} {}", e["id"], e["type"].as_str().unwrap_or(""), e["severity"].as_str().unwrap_or(""), e["message"].as_str().unwrap_or(""));
    }
    Ok(())
}
