# Sourced by the scripts: where scripts/setup.sh puts the tools it installs outside Debian's
# packages (PowerShell 7.6.9 as a .NET tool, Pester 6.2.0 from NuGet). HVAPI_TOOLS moves them.
HVAPI_TOOLS="${HVAPI_TOOLS:-$HOME/.cache/hvapi}"
PWSH_VERSION=7.6.9
PESTER_VERSION=6.2.0
PWSH="$HVAPI_TOOLS/pwsh-$PWSH_VERSION/pwsh"
PESTER_PSD1="${NUGET_PACKAGES:-$HOME/.nuget/packages}/pester/$PESTER_VERSION/tools/Pester.psd1"

# Windows x64 on this machine: what is missing to build hvapi.dll (scripts/build-windows.sh:
# Debian's rustc with the Windows std, mingw-w64) and run it under wine. Prints nothing when
# everything is there.
windows_wine_missing() {
  local m=() libdir
  [ -f "$(dirname "${BASH_SOURCE[0]}")/build-windows.sh" ] || m+=("scripts/build-windows.sh")
  command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || m+=("mingw-w64 (gcc-mingw-w64-x86-64)")
  libdir=$(/usr/bin/rustc --print target-libdir --target x86_64-pc-windows-gnu 2>/dev/null) || libdir=""
  compgen -G "$libdir/libstd-*.rlib" >/dev/null || m+=("Debian's Rust std for Windows (libstd-rust-dev-windows)")
  command -v wine >/dev/null 2>&1 || m+=("wine (wine, wine64)")
  [ "${#m[@]}" -eq 0 ] || echo "no Windows toolchain: ${m[*]} missing"
}

# Copies a built library or program into a package or an install (install.sh, package.sh)
# without its debug information, which the release profile keeps for valgrind and the
# benches: libhvapi.so 30 MB -> 5 MB. Debian's strip reads ELF and PE (hvapi.dll) alike.
ship_copy() { # ship_copy SOURCE DEST
  install -m 755 "$1" "$2"
  strip --strip-debug "$2"
}
