#!/usr/bin/env bash
# Runs the Python wrapper's tests against a built libhvapi.
#   HVAPI_LIBRARY  the library file (default: ../target/release/libhvapi.so next to this script)
# Uses Debian's /usr/bin/python3, which owns pytest (apt-get install -y python3-pytest).
# Extra arguments go to pytest. Exits non-zero when a test fails or none ran.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export HVAPI_LIBRARY="${HVAPI_LIBRARY:-$here/../target/release/libhvapi.so}"
if [ ! -f "$HVAPI_LIBRARY" ]; then
  echo "run-tests.sh: no library at $HVAPI_LIBRARY (build it with cargo build [--release], or set HVAPI_LIBRARY)" >&2
  exit 2
fi
cd "$here/.."
exec /usr/bin/python3 -m pytest -q python/tests "$@"
