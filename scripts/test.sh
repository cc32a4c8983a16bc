#!/usr/bin/env bash
# Runs every test of hvapi, doing its own set-up first (Debian crates, cbindgen, valgrind,
# pytest, PowerShell 7.6.9 and Pester 6.2.0): the header drift check, the Rust unit, contract,
# fuzz and stress tests, the REST server's tests (tests/rest: `hvapi serve` on 127.0.0.1:0,
# every answer checked against the OpenAPI file in ../shared/reference), the C program as C
# and C++ under valgrind, the Python package's tests, the one-version check, the PowerShell
# module's Pester tests in real pwsh, and each package (the C/C++ prefix, the Python wheels,
# the PowerShell .nupkg) installed and used from its artifacts alone (tests/packaging). The
# contract suites (Rust and Python) run twice: on the embedded backend, and with
# HVAPI_TEST_BACKEND=rest through the REST backend talking to `hvapi serve` over loopback
# (a server per test world). And hvapi.dll for Windows x64: built with Debian's Rust 1.63 and
# mingw-w64, its exports and imports checked, and run under wine (tests/windows/run.sh), with
# the PowerShell module's Pester tests in PowerShell 7.6 for Windows (powershell/tests/wine).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1

passed=0 failed=0 names=()
suite() {
  local name="$1"; shift
  printf '\n==== %s\n' "$name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); names+=("$name"); fi
}

suite "header drift (include/hvapi.h vs src/ffi)" scripts/gen-header.sh --check
if cargo fmt --version >/dev/null 2>&1; then
  suite "formatting (cargo fmt --check)" cargo fmt --check
fi
suite "cargo build --release" cargo build --release --all-targets
suite "cargo test --release (Rust unit, contract, fuzz, stress, REST server over loopback)" cargo test --release
suite "Rust contract suites through the REST backend (HVAPI_TEST_BACKEND=rest, hvapi serve per world)" \
  env HVAPI_TEST_BACKEND=rest cargo test --release --test contract --test privileges --test resolution --test queries
suite "C and C++ ABI program under valgrind" tests/c/run.sh target/release
if [ -x scripts/valgrind-stress.sh ]; then
  suite "FFI stress under valgrind" scripts/valgrind-stress.sh
fi
# Windows x64: hvapi.dll cross-built with Debian's Rust 1.63, then run under wine (its prefix in
# target/windows/wineprefix): the C program, and the REST backend through WinHTTP against
# `hvapi serve` running here. Each says "skipped" without the toolchain.
suite "rustc 1.63 (rust-version): the crate for Linux with Debian's rustc (cargo check)" scripts/check-msrv.sh
suite "Windows: hvapi.dll (Rust 1.63, x86_64-pc-windows-gnu): exports and imports" bash scripts/build-windows.sh
suite "Windows: the C and C++ ABI program under wine" tests/windows/run.sh abi
suite "Windows: the REST backend through WinHTTP under wine, against hvapi serve" tests/windows/run.sh rest
suite "Python package (pytest)" env HVAPI_LIBRARY="$PWD/target/release/libhvapi.so" python/run-tests.sh
suite "Python package through the REST backend (HVAPI_TEST_BACKEND=rest)" \
  env HVAPI_TEST_BACKEND=rest HVAPI_LIBRARY="$PWD/target/release/libhvapi.so" python/run-tests.sh
suite "one version (Cargo.toml = hv_version() = pyproject.toml = __version__ = HvApi.psd1 = CHANGELOG.md)" \
  scripts/version.sh --check
suite "C/C++ package: install.sh --prefix, programs built with pkg-config and find_package(hvapi)" \
  tests/packaging/c.sh
suite "Python package: wheels with the library and the sdist, installed in fresh venvs" \
  tests/packaging/python.sh

# The module's tests, counted: each run's closing line ("pester: N passed, ...") goes into the
# summary, after the prefix given.
pester_lines=()
pester_counted() {
  local prefix="$1" log rc
  shift
  log=$(mktemp)
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  pester_lines+=("$(grep -E '^pester: [0-9]+ passed' "$log" | tail -n 1 | sed "s/^pester:/$prefix/")")
  rm -f "$log"
  return "$rc"
}
suite "PowerShell module (Pester 6.2.0 in pwsh 7.6.9)" pester_counted "pester:" bash powershell/test.sh
suite "PowerShell package: HvApi.nupkg installed with Install-PSResource on a clean profile" \
  tests/packaging/powershell.sh

# The same tests in Windows PowerShell 7.6 under wine, against the module's win-x64 layout.
# Skipped (with the reason) only where wine or the Windows toolchain is missing.
. scripts/tools.sh
powershell_wine_tests() {
  local why
  why=$(windows_wine_missing)
  if [ -n "$why" ]; then echo "skipped: $why"; return 0; fi
  pester_counted "pester (Windows PowerShell 7.6 under wine):" bash powershell/tests/wine/run.sh
}
suite "PowerShell module on Windows x64 (Pester 6.2.0 in PowerShell 7.6 for Windows, under wine)" powershell_wine_tests

printf '\n'
for l in "${pester_lines[@]}"; do [ -n "${l#*:}" ] && printf '%s\n' "$l"; done
for n in "${names[@]}"; do printf 'FAILED: %s\n' "$n"; done
printf 'suites: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
