"""Run by python.sh with a venv's interpreter in isolated mode (-I), from a directory outside
the source tree: uses the installed hvapi as a user would. argv: source tree, venv, version."""

import os
import sys

source, venv, version = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2]), sys.argv[3]


def check(condition: bool, what: str) -> None:
    if not condition:
        sys.exit(f"python_smoke: FAILED: {what}")
    print(f"ok: {what}")


check("HVAPI_LIBRARY" not in os.environ, "HVAPI_LIBRARY is unset")
check(not any(os.path.realpath(p or ".").startswith(source) for p in sys.path),
      "no sys.path entry is in the source tree")

import hvapi  # noqa: E402

package = os.path.dirname(os.path.realpath(hvapi.__file__))
check(package.startswith(venv) and "site-packages" in package, f"hvapi is imported from the venv ({package})")
library = hvapi.find_library()
check(library == os.path.join(package, "libhvapi.so"), f"the library is the wheel's ({library})")
check(hvapi.__version__ == version and hvapi.library_version() == version, f"package and library are {version}")

with hvapi.connect(demo={"sites": 1, "podsPerSite": 1, "sessionsPerPod": 20}) as client:
    ids = [s.id for s in client.sessions()]
    check(len(ids) == 20, f"the demo lists 20 sessions (got {len(ids)})")
    client.session.logoff(ids[0])
    after = [s.id for s in client.sessions()]
    check(len(after) == 19 and ids[0] not in after, f"{ids[0]} is logged off")
    try:
        client.session.logoff(ids[0])
    except hvapi.EntityNotFound as fault:
        check(fault.id == ids[0] and fault.status == 1, f"logging it off again raises EntityNotFound for {fault.id}")
    else:
        check(False, "logging it off again raises")
    try:
        client.session.logoff("Site/site-1")
    except hvapi.InvalidType as fault:
        check(fault.expected_type == "SessionId", "a site id raises InvalidType (expected SessionId)")
    else:
        check(False, "a site id raises")
    check(len(list(client.sessions())) == 19, "the failed calls changed nothing")

loaded = [line.split()[-1] for line in open("/proc/self/maps") if "libhvapi" in line]
check(set(loaded) == {library}, f"the process mapped the wheel's library only ({sorted(set(loaded))})")
print("python_smoke: all passed")
