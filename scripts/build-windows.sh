#!/usr/bin/env bash
# Builds hvapi.dll for Windows x64 (release) with Debian's Rust 1.63 and mingw-w64, then checks
# it: every function of include/hvapi.h is exported under its C name, and the DLL imports only
# Windows' own DLLs (nothing of mingw's runtime to ship beside it).
#
#   scripts/build-windows.sh
#
# Output: target/windows/x86_64-pc-windows-gnu/release/hvapi.dll (CARGO_TARGET_DIR=target/windows).
# Without the toolchain (scripts/setup.sh installs it) it says so and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

target=x86_64-pc-windows-gnu
out="$root/target/windows"
mingw_lib=/usr/x86_64-w64-mingw32/lib
objdump=x86_64-w64-mingw32-objdump

. scripts/tools.sh
dll="$root/$WINDOWS_DLL"
why=$(windows_toolchain_missing)
if [ -n "$why" ]; then
    echo "build-windows: skipped: $why"
    exit 0
fi

# Debian empties winapi-x86_64-pc-windows-gnu, so winapi's -lwinapi_<name> libraries do not
# exist: each is a link to mingw's lib<name>.a.
links="$out/winapi-libs"
mkdir -p "$links"
for a in "$mingw_lib"/lib*.a; do
    name="$(basename "$a" .a)"; name="${name#lib}"
    ln -sf "$a" "$links/libwinapi_$name.a"
done

echo "build-windows: /usr/bin/cargo build --release --lib --target $target --no-default-features"
CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_STRIP=symbols \
    CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
    CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUSTFLAGS="-L native=$links -C link-arg=-static-libgcc" \
    debian_cargo "$out" build --release --lib --target "$target" --no-default-features

[ -f "$dll" ] || { echo "build-windows: $dll was not built" >&2; exit 1; }

# The checks.
dump="$("$objdump" -p "$dll")"
exports="$(awk '/^\[Ordinal\/Name Pointer\] Table/{on=1; next} on && /^\t\[ *[0-9]+\]/{print $NF} on && /^$/{on=0}' <<<"$dump" | sort -u)"
wanted="$(grep -oE '\bhv_[a-z0-9_]+\(' include/hvapi.h | tr -d '(' | sort -u)"
status=0
missing_exports="$(comm -23 <(printf '%s\n' "$wanted") <(printf '%s\n' "$exports"))"
if [ -n "$missing_exports" ]; then
    echo "build-windows: FAILED: not exported: $(tr '\n' ' ' <<<"$missing_exports")" >&2
    status=1
fi
imports="$(awk '/DLL Name:/{print $3}' <<<"$dump" | sort -u)"
# Windows' own DLLs (System32); mingw's runtime (libgcc_s_seh-1, libwinpthread-1, libstdc++-6) is not.
system='^(kernel32|ntdll|advapi32|ws2_32|userenv|bcrypt|bcryptprimitives|crypt32|winhttp|msvcrt|ucrtbase|secur32|user32|shell32|ole32|oleaut32|api-ms-win-[a-z0-9-]+)\.dll$'
foreign="$(grep -viE "$system" <<<"$imports" || true)"
if [ -n "$foreign" ]; then
    echo "build-windows: FAILED: imports DLLs that are not Windows' own: $(tr '\n' ' ' <<<"$foreign")" >&2
    status=1
fi
if [ "$status" -ne 0 ]; then exit 1; fi
echo "build-windows: $dll ($(du -h "$dll" | cut -f1)): exports all $(wc -l <<<"$wanted") functions of include/hvapi.h; imports only $(tr '\n' ' ' <<<"$imports")"
