"""World objects (contract section 6) that the tests build for themselves.

``federation()`` is a small federation whose every object has a purpose in some test:

* three pods: ``Pod/east-1`` (local), ``Pod/west-1`` (remote, reachable), ``Pod/west-2``
  (remote, unreachable);
* access groups ``AccessGroup/sales`` and ``AccessGroup/eng`` (children of root);
* users alice, bob, carol, dave (domain EXAMPLE); groups ``UserOrGroup/g-sales`` ("Sales":
  alice, bob), ``UserOrGroup/g-eng`` ("Engineering": alice, carol) and ``UserOrGroup/g-all``
  ("All", nesting g-sales: nested groups never count);
* global entitlement ``GlobalEntitlement/ge-office`` (alice, g-sales), ``.../ge-dev`` (g-eng);
  global application entitlement ``GlobalApplicationEntitlement/gae-calc`` (bob);
* desktops of every kind that matters for Reset/Restart, one farm, and sessions on them
  (see ``SESSIONS``);
* roles and admins for the privilege tests (``op`` manages sessions in Sales only,
  ``nobody`` holds nothing, ``ldapview`` may only view home sites).
"""

from __future__ import annotations

import copy
from typing import Any, Dict, List

DOMAIN = "EXAMPLE"

SITES = [{"id": "Site/east", "name": "East"}, {"id": "Site/west", "name": "West"}]
PODS = [
    {"id": "Pod/east-1", "name": "East 1", "site": "Site/east"},
    {"id": "Pod/west-1", "name": "West 1", "site": "Site/west", "reachable": True},
    {"id": "Pod/west-2", "name": "West 2", "site": "Site/west", "reachable": False},
]
ACCESS_GROUPS = [
    {"id": "AccessGroup/sales", "name": "Sales"},
    {"id": "AccessGroup/eng", "name": "Engineering"},
]
USERS = ["alice", "bob", "carol", "dave"]
GROUPS = [
    {"id": "UserOrGroup/g-sales", "name": "Sales", "members": ["UserOrGroup/alice", "UserOrGroup/bob"]},
    {"id": "UserOrGroup/g-eng", "name": "Engineering", "members": ["UserOrGroup/alice", "UserOrGroup/carol"]},
    {"id": "UserOrGroup/g-all", "name": "All", "members": ["UserOrGroup/g-sales"]},
]
DESKTOPS = [
    # (id, pod, access group, type, source)
    ("Desktop/vc", "Pod/east-1", "AccessGroup/sales", "AUTOMATED", "VIRTUAL_CENTER"),
    ("Desktop/ic", "Pod/east-1", "AccessGroup/eng", "AUTOMATED", "INSTANT_CLONE_ENGINE"),
    ("Desktop/composer", "Pod/east-1", "AccessGroup/eng", "AUTOMATED", "VIEW_COMPOSER"),
    ("Desktop/unmanaged", "Pod/east-1", "AccessGroup/sales", "MANUAL", "UNMANAGED"),
    ("Desktop/rds", "Pod/east-1", "AccessGroup/sales", "RDS", "RDS"),
    ("Desktop/west-vc", "Pod/west-1", "AccessGroup/sales", "AUTOMATED", "VIRTUAL_CENTER"),
    ("Desktop/west2-vc", "Pod/west-2", "AccessGroup/sales", "AUTOMATED", "VIRTUAL_CENTER"),
]
FARMS = [{"id": "Farm/apps", "name": "Apps", "pod": "Pod/east-1", "accessGroup": "AccessGroup/sales"}]

START = "2026-11-22T08:15:00Z"

#: Every session of ``federation()``, by id.
SESSIONS: Dict[str, Dict[str, Any]] = {
    # local, Sales access group, VIRTUAL_CENTER desktop, connected
    "Session/a1": {"user": "UserOrGroup/alice", "desktop": "Desktop/vc", "sessionType": "DESKTOP",
                   "sessionState": "CONNECTED", "sessionProtocol": "BLAST", "startTime": START,
                   "clientName": "alice-laptop", "clientAddress": "10.0.0.11"},
    # local, locked
    "Session/b1": {"user": "UserOrGroup/bob", "desktop": "Desktop/vc", "sessionType": "DESKTOP",
                   "sessionState": "CONNECTED", "sessionProtocol": "PCOIP", "locked": True,
                   "startTime": START},
    # local, Engineering access group, instant clone, disconnected
    "Session/c1": {"user": "UserOrGroup/carol", "desktop": "Desktop/ic", "sessionType": "DESKTOP",
                   "sessionState": "DISCONNECTED", "startTime": START},
    # local, Engineering, view composer
    "Session/c2": {"user": "UserOrGroup/carol", "desktop": "Desktop/composer",
                   "sessionType": "DESKTOP", "sessionState": "CONNECTED",
                   "sessionProtocol": "RDP", "startTime": START},
    # local, unmanaged machine
    "Session/d1": {"user": "UserOrGroup/dave", "desktop": "Desktop/unmanaged",
                   "sessionType": "DESKTOP", "sessionState": "CONNECTED",
                   "sessionProtocol": "BLAST", "startTime": START},
    # local, RDS desktop
    "Session/a2": {"user": "UserOrGroup/alice", "desktop": "Desktop/rds", "sessionType": "DESKTOP",
                   "sessionState": "CONNECTED", "sessionProtocol": "BLAST", "startTime": START},
    # local, application session on a farm
    "Session/b2": {"user": "UserOrGroup/bob", "farm": "Farm/apps", "machineName": "rds-01",
                   "sessionType": "APPLICATION", "sessionState": "CONNECTED",
                   "sessionProtocol": "BLAST", "applicationNames": ["Calculator"],
                   "startTime": START},
    # remote, reachable pod
    "Session/r1": {"user": "UserOrGroup/alice", "desktop": "Desktop/west-vc",
                   "sessionType": "DESKTOP", "sessionState": "CONNECTED",
                   "sessionProtocol": "BLAST", "startTime": START},
    # remote, reachable pod, locked
    "Session/r2": {"user": "UserOrGroup/bob", "desktop": "Desktop/west-vc",
                   "sessionType": "DESKTOP", "sessionState": "CONNECTED",
                   "sessionProtocol": "BLAST", "locked": True, "startTime": START},
    # remote, unreachable pod
    "Session/u1": {"user": "UserOrGroup/carol", "desktop": "Desktop/west2-vc",
                   "sessionType": "DESKTOP", "sessionState": "CONNECTED",
                   "sessionProtocol": "BLAST", "startTime": START},
}
LOCAL_SESSIONS = ["Session/a1", "Session/b1", "Session/c1", "Session/c2", "Session/d1",
                  "Session/a2", "Session/b2"]
REMOTE_SESSIONS = ["Session/r1", "Session/r2", "Session/u1"]

ROLES = [
    {"name": "Session Operator", "privileges": ["MACHINE_MANAGE_VDI_SESSION", "MACHINE_VIEW"]},
    {"name": "Home Site Viewer", "privileges": ["FEDERATED_LDAP_VIEW"]},
]
ADMINS = [
    {"name": "op", "domain": DOMAIN, "password": "op-secret",
     "permissions": [{"role": "Session Operator", "scope": "AccessGroup/sales"}]},
    {"name": "nobody", "domain": DOMAIN, "password": "nobody-secret", "permissions": []},
    {"name": "ldapview", "domain": DOMAIN, "password": "ldap-secret",
     "permissions": [{"role": "Home Site Viewer", "scope": "federation"}]},
]
LOGIN_OP = {"user": "op", "domain": DOMAIN, "password": "op-secret"}
LOGIN_NOBODY = {"user": "nobody", "domain": DOMAIN, "password": "nobody-secret"}
LOGIN_LDAPVIEW = {"user": "ldapview", "domain": DOMAIN, "password": "ldap-secret"}


def user(name: str) -> str:
    """``UserOrGroup/<name>``."""
    return f"UserOrGroup/{name}"


def federation(**overrides: Any) -> Dict[str, Any]:
    """A fresh copy of the test federation; keyword arguments replace top-level keys."""
    world: Dict[str, Any] = {
        "localPod": "Pod/east-1",
        "sites": SITES,
        "pods": PODS,
        "accessGroups": ACCESS_GROUPS,
        "usersAndGroups": (
            [{"id": user(n), "name": n, "domain": DOMAIN} for n in USERS]
            + [dict(g, domain=DOMAIN, group=True) for g in GROUPS]
        ),
        "globalEntitlements": [
            {"id": "GlobalEntitlement/ge-office", "name": "Office",
             "members": [user("alice"), "UserOrGroup/g-sales"]},
            {"id": "GlobalEntitlement/ge-dev", "name": "Dev", "members": ["UserOrGroup/g-eng"]},
        ],
        "globalApplicationEntitlements": [
            {"id": "GlobalApplicationEntitlement/gae-calc", "name": "Calc",
             "members": [user("bob")]},
        ],
        "desktops": [
            {"id": i, "name": i.split("/", 1)[1], "pod": p, "accessGroup": ag,
             "desktopType": t, "desktopSource": s}
            for i, p, ag, t, s in DESKTOPS
        ],
        "farms": FARMS,
        "sessions": [dict(s, id=i) for i, s in SESSIONS.items()],
        "roles": ROLES,
        "admins": ADMINS,
    }
    world.update(overrides)
    return copy.deepcopy(world)


def crowd(count: int) -> Dict[str, Any]:
    """A one-pod world with ``count`` connected sessions of ``count`` users
    (``UserOrGroup/u000``... and ``Session/s000``...), for paging and threads."""
    users = [{"id": f"UserOrGroup/u{i:03d}", "name": f"u{i:03d}", "domain": DOMAIN}
             for i in range(count)]
    sessions: List[Dict[str, Any]] = [
        {"id": f"Session/s{i:03d}", "user": f"UserOrGroup/u{i:03d}", "desktop": "Desktop/vc",
         "sessionType": "DESKTOP", "sessionState": "CONNECTED", "sessionProtocol": "BLAST",
         "startTime": START}
        for i in range(count)
    ]
    return {
        "sites": [SITES[0]],
        "pods": [PODS[0]],
        "accessGroups": [ACCESS_GROUPS[0]],
        "usersAndGroups": users,
        "desktops": [{"id": "Desktop/vc", "name": "vc", "pod": "Pod/east-1",
                      "accessGroup": "AccessGroup/sales", "desktopType": "AUTOMATED",
                      "desktopSource": "VIRTUAL_CENTER"}],
        "sessions": sessions,
    }
