#!/usr/bin/env bash
# Builds and runs the C ABI test (abi_test.c) against libhvapi, as C and as C++, then again
# under valgrind. Fails on any failed check, memory error or definite/indirect leak.
#
#   tests/c/run.sh [LIBDIR]
#
# LIBDIR (the directory holding libhvapi.so) is, in order: the first argument, $HVAPI_LIB_DIR,
# or target/release of this repository (build it with `cargo build --release`).
# Build outputs go to tests/c/build/ (git-ignored). Set HVAPI_NO_VALGRIND=1 to skip valgrind.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
libdir="${1:-${HVAPI_LIB_DIR:-$root/target/release}}"
include="$root/include"
build="$here/build"

if [ ! -d "$libdir" ]; then
    echo "run.sh: library directory $libdir does not exist (cargo build --release?)" >&2
    exit 2
fi
libdir="$(cd "$libdir" && pwd)"
if [ ! -e "$libdir/libhvapi.so" ] && [ ! -e "$libdir/libhvapi.dylib" ]; then
    echo "run.sh: no libhvapi in $libdir (cargo build --release?)" >&2
    exit 2
fi
if [ ! -f "$include/hvapi.h" ]; then
    echo "run.sh: $include/hvapi.h is missing" >&2
    exit 2
fi
mkdir -p "$build"

CC="${CC:-cc}"
CXX="${CXX:-c++}"
link=(-L"$libdir" -Wl,-rpath,"$libdir" -lhvapi -pthread)

step() { printf '\n== %s\n' "$*"; }

step "header alone as C11"
"$CC" -std=c11 -Wall -Wextra -Werror -pedantic -fsyntax-only -x c "$include/hvapi.h"

step "header as C++17 (header_cxx.cpp)"
"$CXX" -std=c++17 -Wall -Wextra -Werror -I"$include" "$here/header_cxx.cpp" \
    -o "$build/header_cxx" "${link[@]}"
"$build/header_cxx"

step "abi_test.c as C11"
"$CC" -std=c11 -Wall -Wextra -Werror -pedantic -g -I"$include" "$here/abi_test.c" \
    -o "$build/abi_test_c" "${link[@]}"

step "abi_test.c as C++17"
"$CXX" -x c++ -std=c++17 -Wall -Wextra -Werror -g -I"$include" "$here/abi_test.c" \
    -o "$build/abi_test_cxx" "${link[@]}"

status=0
run() {
    local name="$1"; shift
    step "run: $name"
    if "$@"; then
        echo "== $name: passed"
    else
        local rc=$?
        echo "== $name: FAILED (exit $rc)"
        status=1
    fi
}

run "abi_test (C)" "$build/abi_test_c"
run "abi_test (C++)" "$build/abi_test_cxx"

if [ "${HVAPI_NO_VALGRIND:-0}" != 1 ]; then
    if ! command -v valgrind >/dev/null 2>&1; then
        echo "run.sh: valgrind not found (set HVAPI_NO_VALGRIND=1 to skip)" >&2
        exit 2
    fi
    vg=(valgrind --error-exitcode=99 --leak-check=full
        --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect)
    run "valgrind abi_test (C)" "${vg[@]}" "$build/abi_test_c"
    run "valgrind abi_test (C++)" "${vg[@]}" "$build/abi_test_cxx"
fi

if [ "$status" -eq 0 ]; then
    echo; echo "run.sh: all passed"
else
    echo; echo "run.sh: FAILED" >&2
fi
exit "$status"
