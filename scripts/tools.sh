# Sourced by the scripts: where scripts/setup.sh puts the tools it installs outside Debian's
# packages (PowerShell 7.6.9 as a .NET tool, Pester 6.2.0 from NuGet). HVAPI_TOOLS moves them.
HVAPI_TOOLS="${HVAPI_TOOLS:-$HOME/.cache/hvapi}"
PWSH_VERSION=7.6.9
PESTER_VERSION=6.2.0
PWSH="$HVAPI_TOOLS/pwsh-$PWSH_VERSION/pwsh"
PESTER_PSD1="${NUGET_PACKAGES:-$HOME/.nuget/packages}/pester/$PESTER_VERSION/tools/Pester.psd1"

# Copies a built library or program into a package or an install (install.sh, package.sh)
# without its debug information, which the release profile keeps for valgrind and the
# benches: libhvapi.so 30 MB -> 5 MB. Debian's strip reads ELF and PE (hvapi.dll) alike.
ship_copy() { # ship_copy SOURCE DEST
  install -m 755 "$1" "$2"
  strip --strip-debug "$2"
}
