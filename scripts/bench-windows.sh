#!/usr/bin/env bash
# The Linux .so and the Windows DLL (under wine) side by side, on the same work: 100k forced
# logoffs (Session_LogoffSessionsForced, one call) in a demo world of 1M sessions, through the
# C ABI (benches/c/logoff_bench.c; only the call is timed, not the world's load). Each figure is
# printed beside its target: >= 1M items/s on each, and Windows <= 1.5x the Linux time.
#
#   scripts/bench-windows.sh [ROUNDS]     (default 3 rounds each; the median is reported)
#
# Builds what it needs: target/release/libhvapi.so (cargo build --release --lib) and hvapi.dll
# (scripts/build-windows.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
rounds="${1:-3}"
build="$root/target/windows/bench"
mkdir -p "$build"

cargo build --release --lib --quiet
. scripts/tools.sh
why=$(windows_wine_missing)
if [ -n "$why" ]; then
    echo "bench-windows: skipped: $why"
    exit 0
fi
bash scripts/build-windows.sh >/dev/null 2>&1 || { echo "bench-windows: scripts/build-windows.sh failed" >&2; exit 1; }
dll="$root/$WINDOWS_DLL"

cc -std=c11 -O2 -Wall -Werror -Iinclude benches/c/logoff_bench.c -o "$build/logoff_bench" \
    -L"$root/target/release" -Wl,-rpath,"$root/target/release" -lhvapi
cp "$dll" "$build/hvapi.dll"
x86_64-w64-mingw32-gcc -std=c11 -O2 -Wall -Werror -Iinclude benches/c/logoff_bench.c -o "$build/logoff_bench.exe" \
    "$build/hvapi.dll" -static

wine_prefix "$root"

echo "bench-windows: 100k forced logoffs in a 1M-session demo world, through the C ABI, median of $rounds"
read -r linux_s linux_rate < <("$build/logoff_bench" "$rounds")
read -r win_s win_rate < <(cd "$build" && wine ./logoff_bench.exe "$rounds" | tr -d '\r')

verdict() { if awk "BEGIN{exit !($1)}"; then echo PASS; else echo MISS; fi; }
ratio="$(awk "BEGIN{printf \"%.2f\", $win_s / $linux_s}")"
printf '%-44s %18s %18s %s\n' "figure" "value" "target" "verdict"
printf '%-44s %18s %18s %s\n' "Linux libhvapi.so: 100k logoffs" "$(awk "BEGIN{printf \"%.1f ms\", $linux_s*1000}")" "" ""
printf '%-44s %18s %18s %s\n' "Linux libhvapi.so: items/s" "$(awk "BEGIN{printf \"%.2fM/s\", $linux_rate/1e6}")" ">= 1M/s" "$(verdict "$linux_rate >= 1000000")"
printf '%-44s %18s %18s %s\n' "Windows hvapi.dll (wine): 100k logoffs" "$(awk "BEGIN{printf \"%.1f ms\", $win_s*1000}")" "" ""
printf '%-44s %18s %18s %s\n' "Windows hvapi.dll (wine): items/s" "$(awk "BEGIN{printf \"%.2fM/s\", $win_rate/1e6}")" ">= 1M/s" "$(verdict "$win_rate >= 1000000")"
printf '%-44s %18s %18s %s\n' "Windows time / Linux time" "${ratio}x" "<= 1.5x" "$(verdict "$ratio <= 1.5")"
