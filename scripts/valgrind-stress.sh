#!/usr/bin/env bash
# Memory safety under load: builds examples/stress_ffi.rs (4 threads driving the C exports:
# open and close clients, queries, logoffs, a fault of every kind, NULLs, every returned
# string freed) and runs it under valgrind's memcheck. Exits non-zero on any memory error,
# any definite or indirect leak, or any answer that is not what the contract says.
#
# Usage: scripts/valgrind-stress.sh [rounds per thread]   (default 250: about a minute)
set -euo pipefail
cd "$(dirname "$0")/.."

rounds="${1:-${HVAPI_VALGRIND_ROUNDS:-250}}"
command -v valgrind >/dev/null || { echo "valgrind-stress: valgrind is not installed (scripts/setup.sh installs it)" >&2; exit 2; }

cargo build --release --example stress_ffi
bin=target/release/examples/stress_ffi

log="$(mktemp -t hvapi-valgrind.XXXXXX)"
trap 'rm -f "$log"' EXIT
set +e
valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
  --show-leak-kinds=definite,indirect --track-origins=yes --fair-sched=yes \
  --log-file="$log" "$bin" "$rounds"
status=$?
set -e
# The summary lines, always; the whole log when something is wrong.
grep -E "ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable|All heap blocks" "$log" | sed 's/^==[0-9]*== */valgrind: /'
if [ "$status" -ne 0 ]; then
  cat "$log" >&2
  echo "valgrind-stress: FAILED (exit $status)" >&2
  exit "$status"
fi
echo "valgrind-stress: OK ($rounds rounds × 4 threads, no memory errors, no definite or indirect leaks)"
