#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test hvapi (Debian packages; PowerShell
# 7.6.9 and Pester 6.2.0 from NuGet for the PowerShell module), and — only where crates.io is
# unreachable — points cargo at Debian's packaged crates through CARGO_HOME/config.toml.
# It never writes a .cargo/config.toml into the repository, so users with crates.io build
# normally. Safe to run again; it does nothing that is already done.
set -euo pipefail

DEBIAN_CRATES="librust-serde-dev librust-serde-derive-dev librust-serde-json-dev \
  librust-thiserror-dev librust-proptest+default-dev \
  librust-tokio-dev librust-hyper-dev librust-tokio-rustls-dev librust-rustls-pemfile-dev \
  librust-percent-encoding-dev librust-hyper-rustls-dev librust-rustls-native-certs-dev"
TOOLS="cbindgen valgrind g++ gcc make python3-pytest openssl curl"
# The packages (scripts/install.sh, the wheels, the PowerShell package) and their tests.
TOOLS="$TOOLS binutils patchelf pkg-config cmake python3-venv python3-pip"
# Windows x64 (scripts/build-windows.sh, tests/windows, powershell/tests/wine): Debian's Rust 1.63 with the Windows
# standard library, mingw-w64, winapi from Debian's crates, and wine to run the results.
WINDOWS="rustc cargo libstd-rust-dev-windows gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 binutils-mingw-w64-x86-64 \
  librust-winapi-dev wine wine64"

need=()
for p in $DEBIAN_CRATES $TOOLS $WINDOWS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "setup: installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# crates.io reachable? Then cargo works as shipped and we leave it alone.
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
marker="# hvapi: debian crate source"
if ! grep -qs "$marker" "$cargo_home/config.toml"; then
  if ! timeout 8 bash -c 'exec 3<>/dev/tcp/index.crates.io/443' 2>/dev/null; then
    echo "setup: crates.io unreachable; using Debian's crate registry (/usr/share/cargo/registry)"
    mkdir -p "$cargo_home"
    cat >> "$cargo_home/config.toml" <<CFG
$marker
[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "/usr/share/cargo/registry"
[net]
offline = true
CFG
  fi
fi

# PowerShell and Pester, for the HvApi module (powershell/): a pinned pwsh as a .NET tool and
# Pester restored from NuGet, both outside the repository (scripts/tools.sh says where).
. "$(dirname "$0")/tools.sh"
if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET SDK (dotnet) is not installed; the PowerShell module needs it" >&2
  exit 1
fi
if [ ! -x "$PWSH" ]; then
  echo "setup: installing PowerShell $PWSH_VERSION into $(dirname "$PWSH")"
  out=$(dotnet tool install --tool-path "$(dirname "$PWSH")" PowerShell --version "$PWSH_VERSION" 2>&1) || { echo "$out" >&2; exit 1; }
fi
if [ ! -f "$PESTER_PSD1" ]; then
  echo "setup: restoring Pester $PESTER_VERSION from NuGet"
  out=$(dotnet restore "$(dirname "$0")/../powershell/tests/tools/PesterRestore.csproj" --nologo 2>&1) || { echo "$out" >&2; exit 1; }
  [ -f "$PESTER_PSD1" ] || { echo "setup: Pester was restored but $PESTER_PSD1 is missing" >&2; exit 1; }
fi
# Windows PowerShell 7.6 for the wine run (powershell/tests/wine/PsHost): the SDK and the win-x64
# runtime packs its self-contained publish needs.
nuget="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
if [ ! -d "$nuget/microsoft.powershell.sdk/7.6.10" ] || [ ! -d "$nuget/microsoft.netcore.app.runtime.win-x64" ]; then
  echo "setup: restoring Microsoft.PowerShell.SDK 7.6.10 (win-x64) from NuGet"
  out=$(dotnet restore "$(dirname "$0")/../powershell/tests/wine/PsHost/PsHost.csproj" -r win-x64 --nologo 2>&1) || { echo "$out" >&2; exit 1; }
fi
