#!/usr/bin/env bash
# hvapi.dll under wine: the C ABI program (tests/c/abi_test.c, built with mingw as C and as
# C++) and the REST backend through WinHTTP against `hvapi serve` running natively on
# 127.0.0.1 (tests/windows/rest_wine.c).
#
#   tests/windows/run.sh abi    # the C ABI program
#   tests/windows/run.sh rest   # the REST backend through WinHTTP
#
# Needs target/windows/x86_64-pc-windows-gnu/release/hvapi.dll (scripts/build-windows.sh) and,
# for rest, target/release/hvapi (cargo build --release). Wine's prefix is scripts/tools.sh's
# wine_prefix (target/windows/wineprefix), shared with powershell/tests/wine. Without the toolchain or wine it says
# "skipped" and exits 0, as scripts/build-windows.sh does.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
what="${1:?usage: tests/windows/run.sh abi|rest}"

. "$root/scripts/tools.sh"
dll="$root/$WINDOWS_DLL"
build="$root/target/windows/tests"
why=$(windows_wine_missing)
if [ -n "$why" ]; then
    echo "windows tests: skipped: $why"
    exit 0
fi
[ -f "$dll" ] || { echo "windows tests: $dll is missing (scripts/build-windows.sh)" >&2; exit 1; }
mkdir -p "$build"
cp "$dll" "$build/hvapi.dll"
wine_prefix "$root"

cflags=(-Wall -Wextra -Werror -O1 -I"$root/include")
# -static: mingw's own runtime (libgcc, winpthread) goes into the test programs, not beside them.
link=("$build/hvapi.dll" -static -lpthread)

run() {
    local name="$1"; shift
    printf '\n== run under wine: %s\n' "$name"
    if (cd "$build" && wine "$@"); then
        echo "== $name: passed"
    else
        echo "== $name: FAILED (exit $?)"
        return 1
    fi
}

case "$what" in
abi)
    printf '== abi_test.c with x86_64-w64-mingw32-gcc (C11) and -g++ (C++17), linked against hvapi.dll\n'
    x86_64-w64-mingw32-gcc -std=c11 "${cflags[@]}" -pedantic -Wno-pedantic-ms-format "$root/tests/c/abi_test.c" -o "$build/abi_test_c.exe" "${link[@]}"
    x86_64-w64-mingw32-g++ -x c++ -std=c++17 "${cflags[@]}" "$root/tests/c/abi_test.c" -x none -o "$build/abi_test_cxx.exe" "${link[@]}"
    x86_64-w64-mingw32-g++ -std=c++17 "${cflags[@]}" "$root/tests/c/header_cxx.cpp" -o "$build/header_cxx.exe" "${link[@]}"
    status=0
    run "header_cxx (C++)" ./header_cxx.exe || status=1
    run "abi_test (C)" ./abi_test_c.exe || status=1
    run "abi_test (C++)" ./abi_test_cxx.exe || status=1
    exit "$status"
    ;;
rest)
    hvapi="${HVAPI_BIN:-$root/target/release/hvapi}"
    [ -x "$hvapi" ] || { echo "windows tests: $hvapi is missing (cargo build --release)" >&2; exit 1; }
    x86_64-w64-mingw32-gcc -std=c11 "${cflags[@]}" "$here/rest_wine.c" -o "$build/rest_wine.exe" "${link[@]}"

    work="$(mktemp -d)"
    pids=()
    cleanup() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        wait 2>/dev/null || true
        rm -rf "$work"
    }
    trap cleanup EXIT

    # A test CA and a certificate of it for localhost; another CA.
    ca() {
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=hvapi wine test CA $1" \
            -keyout "$work/$1-ca.key" -out "$work/$1-ca.pem" 2>/dev/null
    }
    ca right
    ca wrong
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' >"$work/ext"
    openssl x509 -req -in "$work/server.csr" -CA "$work/right-ca.pem" -CAkey "$work/right-ca.key" -CAcreateserial \
        -days 2 -out "$work/server.pem" -extfile "$work/ext" 2>/dev/null

    # `hvapi serve` (or another server) on 127.0.0.1:0; its URL is the first line it prints: $url.
    start() {
        local name="$1"; shift
        "$@" >"$work/$name.url" 2>"$work/$name.log" &
        pids+=($!)
        for _ in $(seq 100); do [ -s "$work/$name.url" ] && break; sleep 0.1; done
        url="$(head -n 1 "$work/$name.url")"
        [ -n "$url" ] || { echo "windows tests: $name did not start" >&2; cat "$work/$name.log" >&2; exit 1; }
    }
    ttl=3
    start plain "$hvapi" serve --demo '{"sessionsPerPod":2500}' --token-ttl "$ttl" --listen 127.0.0.1:0; plain="$url"
    start rate "$hvapi" serve --demo --rate-limit 2 --listen 127.0.0.1:0; rate="$url"
    start tls "$hvapi" serve --demo --tls-cert "$work/server.pem" --tls-key "$work/server.key" --listen 127.0.0.1:0
    tls="${url/127.0.0.1/localhost}"
    # A server that accepts connections and never answers.
    start dead python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print("http://127.0.0.1:%d" % s.getsockname()[1], flush=True)
held = []
while True:
    c, _ = s.accept(); held.append(c)
'
    dead="$url"
    echo "servers: plain $plain, rate-limited $rate, tls $tls, dead $dead"

    status=0
    run "rest_wine (WinHTTP)" ./rest_wine.exe "$plain" "$rate" "$dead" "$tls" \
        "$(winepath -w "$work/right-ca.pem")" "$(winepath -w "$work/wrong-ca.pem")" "$ttl" || status=1

    # What the servers saw: the 401 and the refresh, the 429s, the pages.
    seen() {
        local name="$1" pattern="$2" what="$3"
        if grep -qE "$pattern" "$work/$name.log"; then
            echo "ok - server log: $what"
        else
            echo "FAIL - server log: $what (no line matching $pattern in $name.log)"
            sed 's/^/    /' "$work/$name.log" | tail -n 20
            status=1
        fi
    }
    seen plain ' GET /rest/inventory/v7/sessions\?[^ ]*page=2&size=1000 200 ' "the query read page 2"
    seen plain ' GET /rest/inventory/v7/sessions\?[^ ]*page=3&size=1000 200 ' "the query read page 3"
    seen plain ' POST /rest/inventory/v1/global-sessions/action/logoff\?forced=true 200 ' "the remote id went to the global-session endpoint"
    seen plain ' GET /rest/inventory/v7/sessions/[^ ]+ 401 ' "the expired token was refused (401)"
    seen plain ' POST /rest/refresh 200 ' "then refreshed"
    seen rate ' 429 ' "the rate limit refused some requests (429)"
    exit "$status"
    ;;
*)
    echo "usage: tests/windows/run.sh abi|rest" >&2
    exit 2
    ;;
esac
