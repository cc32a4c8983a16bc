//! Home-site resolution (contract 5.4): the four tiers, immediate groups only, the
//! case-insensitive tie-break and the conflict list.

mod common;
use common::*;
use serde_json::{json, Value};

/// u is an immediate member of Alpha, beta, Gamma and Unentitled; Outer contains Alpha (so u
/// is only a nested member of Outer). E is held by Alpha, beta, Gamma and Outer.
fn world() -> World {
    World::empty()
        .site("Site/1", "One")
        .site("Site/2", "Two")
        .site("Site/3", "Three")
        .user("u")
        .user("v")
        .group("Alpha", &["u"])
        .group("beta", &["u"])
        .group("Gamma", &["u"])
        .group("Unentitled", &["u"])
        .group("Outer", &["Alpha"])
        .ge("E", &["Alpha", "beta", "Gamma", "Outer"])
        .gae("A", &["v"])
}

fn resolve(c: &hvapi::Client, user: &str) -> Value {
    call(c, "UserHomeSite_Resolve", json!({"user": format!("UserOrGroup/{user}"), "globalEntitlement": "GlobalEntitlement/E"})).unwrap()
}

/// The ids of a resolution (`null` → empty).
fn ids(v: &Value) -> Vec<String> {
    v.as_array().map_or(Vec::new(), |a| a.iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect())
}

#[test]
fn the_first_non_empty_tier_wins() {
    let w = world()
        .home_site("UserHomeSite/u-E", "u", "Site/3", "GlobalEntitlement/E")
        .home_site("UserHomeSite/Alpha-E", "Alpha", "Site/1", "GlobalEntitlement/E")
        .home_site("UserHomeSite/beta-E", "beta", "Site/2", "GlobalEntitlement/E")
        .home_site("UserHomeSite/Gamma-E", "Gamma", "Site/1", "GlobalEntitlement/E")
        .home_site("UserHomeSite/Unentitled-E", "Unentitled", "Site/3", "GlobalEntitlement/E")
        .home_site("UserHomeSite/Outer-E", "Outer", "Site/3", "GlobalEntitlement/E")
        .home_site("UserHomeSite/u-global", "u", "Site/2", "")
        .home_site("UserHomeSite/Gamma-global", "Gamma", "Site/3", "")
        .home_site("UserHomeSite/Unentitled-global", "Unentitled", "Site/1", "")
        .home_site("UserHomeSite/Outer-global", "Outer", "Site/2", "");
    let c = w.open();

    // Tier 1: the user's own configuration for E, alone.
    let r = resolve(&c, "u");
    assert_eq!(ids(&r), ["UserHomeSite/u-E"]);
    assert_eq!(r[0]["base"], json!({"userOrGroup": "UserOrGroup/u", "site": "Site/3", "globalEntitlement": "GlobalEntitlement/E"}));

    // Tier 2: immediate groups entitled to E. Alpha wins (alpha < beta < gamma without case);
    // Gamma agrees with Alpha's site, so only beta conflicts. Unentitled is not entitled and
    // Outer is only a nested group: neither counts.
    call(&c, "UserHomeSite_Delete", json!({"id": "UserHomeSite/u-E"})).unwrap();
    assert_eq!(ids(&resolve(&c, "u")), ["UserHomeSite/Alpha-E", "UserHomeSite/beta-E"]);

    // With Alpha gone, beta wins and Gamma (another site) conflicts.
    call(&c, "UserHomeSite_Delete", json!({"id": "UserHomeSite/Alpha-E"})).unwrap();
    assert_eq!(ids(&resolve(&c, "u")), ["UserHomeSite/beta-E", "UserHomeSite/Gamma-E"]);

    // Tier 3: the user's global configuration.
    call(&c, "UserHomeSite_Delete", json!({"id": "UserHomeSite/beta-E"})).unwrap();
    call(&c, "UserHomeSite_Delete", json!({"id": "UserHomeSite/Gamma-E"})).unwrap();
    assert_eq!(ids(&resolve(&c, "u")), ["UserHomeSite/u-global"]);

    // Tier 4: global configurations of immediate groups, entitled or not; Outer never counts.
    call(&c, "UserHomeSite_Delete", json!({"id": "UserHomeSite/u-global"})).unwrap();
    assert_eq!(ids(&resolve(&c, "u")), ["UserHomeSite/Gamma-global", "UserHomeSite/Unentitled-global"]);

    call(&c, "UserHomeSite_Delete", json!({"id": "UserHomeSite/Gamma-global"})).unwrap();
    assert_eq!(ids(&resolve(&c, "u")), ["UserHomeSite/Unentitled-global"]);

    // Nothing left that counts: null (Outer's configurations are nested-only).
    call(&c, "UserHomeSite_Delete", json!({"id": "UserHomeSite/Unentitled-global"})).unwrap();
    assert_eq!(resolve(&c, "u"), Value::Null);
}

#[test]
fn a_tier_without_conflicts_returns_only_the_resolved_site() {
    let c = world()
        .home_site("UserHomeSite/a", "Alpha", "Site/1", "GlobalEntitlement/E")
        .home_site("UserHomeSite/b", "beta", "Site/1", "GlobalEntitlement/E")
        .open();
    assert_eq!(ids(&resolve(&c, "u")), ["UserHomeSite/a"]);
}

#[test]
fn conflicts_keep_the_tie_break_order() {
    let c = world()
        .home_site("UserHomeSite/g", "Gamma", "Site/3", "")
        .home_site("UserHomeSite/b", "beta", "Site/2", "")
        .home_site("UserHomeSite/a", "Alpha", "Site/1", "")
        .open();
    assert_eq!(ids(&resolve(&c, "u")), ["UserHomeSite/a", "UserHomeSite/b", "UserHomeSite/g"]);
}

#[test]
fn names_tie_without_case_then_sort_by_id() {
    let c = World::empty()
        .site("Site/1", "One")
        .site("Site/2", "Two")
        .user("u")
        // One name per domain (as in Active Directory); the same name in two domains ties.
        .push_group("UserOrGroup/z-team", "TEAM", "CORP", &["UserOrGroup/u"])
        .push_group("UserOrGroup/a-team", "team", "EMEA", &["UserOrGroup/u"])
        .ge("E", &["u"])
        .home_site("UserHomeSite/z", "z-team", "Site/1", "")
        .home_site("UserHomeSite/a", "a-team", "Site/2", "")
        .open();
    assert_eq!(ids(&resolve(&c, "u")), ["UserHomeSite/a", "UserHomeSite/z"]);
}

#[test]
fn configurations_made_through_the_api_resolve() {
    let c = world().open();
    let create = |owner: &str, site: &str, ent: Option<&str>| {
        let mut base = json!({"userOrGroup": format!("UserOrGroup/{owner}"), "site": site});
        if let Some(e) = ent {
            base["globalEntitlement"] = e.into();
        }
        call(&c, "UserHomeSite_Create", json!({ "base": base })).unwrap()
    };
    assert_eq!(resolve(&c, "u"), Value::Null);
    let g = create("Gamma", "Site/1", None);
    assert_eq!(ids(&resolve(&c, "u")), [g.as_str().unwrap()]);
    let e = create("beta", "Site/2", Some("GlobalEntitlement/E"));
    assert_eq!(ids(&resolve(&c, "u")), [e.as_str().unwrap()], "an entitlement override beats the global tiers");
    let own = create("u", "Site/3", Some("GlobalEntitlement/E"));
    assert_eq!(ids(&resolve(&c, "u")), [own.as_str().unwrap()]);
}

#[test]
fn resolve_for_application_entitlements() {
    let c = world().home_site("UserHomeSite/v-A", "v", "Site/2", "GlobalApplicationEntitlement/A").home_site("UserHomeSite/v-g", "v", "Site/1", "").open();
    let r = call(&c, "UserHomeSite_ResolveForGAE", json!({"user": "UserOrGroup/v", "globalApplicationEntitlement": "GlobalApplicationEntitlement/A"})).unwrap();
    assert_eq!(ids(&r), ["UserHomeSite/v-A"]);
    assert_eq!(r[0]["base"]["globalApplicationEntitlement"], "GlobalApplicationEntitlement/A");
    call(&c, "UserHomeSite_Delete", json!({"id": "UserHomeSite/v-A"})).unwrap();
    let r = call(&c, "UserHomeSite_ResolveForGAE", json!({"user": "UserOrGroup/v", "globalApplicationEntitlement": "GlobalApplicationEntitlement/A"})).unwrap();
    assert_eq!(ids(&r), ["UserHomeSite/v-g"], "the global tier applies to application entitlements too");
}

trait PushGroup {
    fn push_group(self, id: &str, name: &str, domain: &str, members: &[&str]) -> Self;
}

impl PushGroup for World {
    fn push_group(mut self, id: &str, name: &str, domain: &str, members: &[&str]) -> World {
        self.0
            .as_object_mut()
            .unwrap()
            .entry("usersAndGroups")
            .or_insert_with(|| json!([]))
            .as_array_mut()
            .unwrap()
            .push(json!({"id": id, "name": name, "domain": domain, "group": true, "members": members}));
        self
    }
}
