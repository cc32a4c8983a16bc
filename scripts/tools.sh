# Sourced by the scripts: where scripts/setup.sh puts the tools it installs outside Debian's
# packages (PowerShell 7.6.9 as a .NET tool, Pester 6.2.0 from NuGet). HVAPI_TOOLS moves them.
HVAPI_TOOLS="${HVAPI_TOOLS:-$HOME/.cache/hvapi}"
PWSH_VERSION=7.6.9
PESTER_VERSION=6.2.0
PWSH="$HVAPI_TOOLS/pwsh-$PWSH_VERSION/pwsh"
PESTER_PSD1="${NUGET_PACKAGES:-$HOME/.nuget/packages}/pester/$PESTER_VERSION/tools/Pester.psd1"

# Where scripts/build-windows.sh puts hvapi.dll, relative to the repository (CARGO_TARGET_DIR
# target/windows); every script that takes the DLL from there names it through this.
WINDOWS_DLL=target/windows/x86_64-pc-windows-gnu/release/hvapi.dll

# Windows x64 on this machine, in one place for every script that builds or runs it:
# windows_toolchain_missing prints what is missing to build hvapi.dll (scripts/build-windows.sh:
# Debian's rustc and cargo with the Windows std, mingw-w64), windows_wine_missing that or wine.
# Each prints nothing when everything is there.
windows_toolchain_missing() {
  local m=() libdir t
  { [ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ]; } || m+=("Debian's rustc and cargo (rustc, cargo)")
  libdir=$(/usr/bin/rustc --print target-libdir --target x86_64-pc-windows-gnu 2>/dev/null) || libdir=""
  [ -n "$libdir" ] && compgen -G "$libdir/libstd-*.rlib" >/dev/null || m+=("Debian's Rust std for Windows (libstd-rust-dev-windows)")
  for t in x86_64-w64-mingw32-gcc x86_64-w64-mingw32-g++ x86_64-w64-mingw32-objdump; do
    command -v "$t" >/dev/null 2>&1 || m+=("$t (gcc-mingw-w64-x86-64, g++-mingw-w64-x86-64)")
  done
  [ -d /usr/x86_64-w64-mingw32/lib ] || m+=("/usr/x86_64-w64-mingw32/lib (mingw-w64-x86-64-dev)")
  [ "${#m[@]}" -eq 0 ] || echo "toolchain missing: ${m[*]} (scripts/setup.sh installs it)"
}
windows_wine_missing() {
  local why
  why=$(windows_toolchain_missing)
  { command -v wine >/dev/null 2>&1 && command -v wineboot >/dev/null 2>&1; } || why="${why:+$why; }wine missing (wine64)"
  [ -z "$why" ] || echo "$why"
}

# Debian's cargo 1.65 with its rustc 1.63 (Cargo.toml's rust-version), in a target directory of
# their own. Cargo 1.65 reads lockfiles up to version 3; a version 4 lockfile of registry crates
# says nothing more, so it is written as version 3 (Cargo.lock is not committed).
debian_cargo() { # debian_cargo TARGET_DIR CARGO_ARGS...
  local dir="$1"
  shift
  if [ -f Cargo.lock ] && grep -q '^version = 4$' Cargo.lock; then sed -i 's/^version = 4$/version = 3/' Cargo.lock; fi
  PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc CARGO_TARGET_DIR="$dir" /usr/bin/cargo "$@"
}

# The one wine prefix of the Windows runs (tests/windows, powershell/tests/wine), under the build
# directory: exports WINEPREFIX and WINEDEBUG, and makes the prefix when it is not there (about
# 10 s; a fresh checkout makes it once per run). Without wine-mono or wine-gecko: the C programs
# need neither and .NET brings its own runtime (the override holds for wineboot only: an IL image
# run later needs mscoree).
wine_prefix() { # wine_prefix REPO_ROOT
  export WINEPREFIX="$1/target/windows/wineprefix" WINEDEBUG=-all
  if [ ! -f "$WINEPREFIX/system.reg" ]; then
    echo "wine: making the prefix $WINEPREFIX"
    mkdir -p "$(dirname "$WINEPREFIX")"
    WINEDLLOVERRIDES="mscoree,mshtml=" wineboot -i >/dev/null 2>&1 || true
    wineserver -w 2>/dev/null || true
  fi
}

# Copies a built library or program into a package or an install (install.sh, package.sh)
# without its debug information, which the release profile keeps for valgrind and the
# benches: libhvapi.so 30 MB -> 5 MB. Debian's strip reads ELF and PE (hvapi.dll) alike.
ship_copy() { # ship_copy SOURCE DEST
  install -m 755 "$1" "$2"
  strip --strip-debug "$2"
}
