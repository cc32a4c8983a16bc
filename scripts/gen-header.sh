#!/usr/bin/env bash
# Regenerates include/hvapi.h from src/ffi with cbindgen. `--check` fails (exit 1) when the
# committed header differs from what the code generates.
set -euo pipefail
cd "$(dirname "$0")/.."
out=include/hvapi.h
if [ "${1:-}" = "--check" ]; then
  tmp=$(mktemp)
  trap 'rm -f "$tmp"' EXIT
  cbindgen --quiet --config cbindgen.toml --output "$tmp"
  if ! diff -u "$out" "$tmp"; then
    echo "include/hvapi.h has drifted from src/ffi: run scripts/gen-header.sh and commit it." >&2
    exit 1
  fi
  echo "header: include/hvapi.h matches src/ffi"
else
  cbindgen --quiet --config cbindgen.toml --output "$out"
  echo "wrote $out"
fi
