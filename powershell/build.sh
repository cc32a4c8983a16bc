#!/usr/bin/env bash
# Builds libhvapi (release) and the HvApi module, and lays out the ready-to-import module:
#   powershell/out/HvApi/  HvApi.psd1, HvApi.dll, HvApi.Format.ps1xml, en-US/HvApi.dll-Help.xml,
#                          runtimes/<os>-<arch>/native/libhvapi.so (.dylib, hvapi.dll),
#                          and runtimes/win-x64/native/hvapi.dll when the Windows toolchain is here
# Then `Import-Module <repo>/powershell/out/HvApi` works from any directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
cd "$repo"
bash scripts/setup.sh
. scripts/tools.sh

# The library, and the `hvapi` program the tests serve worlds with (`hvapi serve`).
cargo build --release --lib --bin hvapi --quiet

case "$(uname -s)" in
  Linux) os=linux lib=libhvapi.so ;;
  Darwin) os=osx lib=libhvapi.dylib ;;
  MINGW* | MSYS* | CYGWIN*) os=win lib=hvapi.dll ;;
  *) echo "build: unsupported OS $(uname -s)" >&2; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "build: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac

dotnet build "$here/src/HvApi/HvApi.csproj" -c Release -o "$here/build/bin" --nologo -v q -clp:NoSummary

out="$here/out/HvApi"
rm -rf "$out"
mkdir -p "$out/runtimes/$os-$arch/native" "$out/en-US"
cp "$here/build/bin/HvApi.dll" "$here/HvApi.psd1" "$here/HvApi.Format.ps1xml" "$out/"
cp "target/release/$lib" "$out/runtimes/$os-$arch/native/$lib"
# Windows x64 beside it: hvapi.dll, built when scripts/build-windows.sh finds its toolchain here
# (otherwise it says "skipped").
if [ "$os" != win ] && [ -f scripts/build-windows.sh ]; then
  bash scripts/build-windows.sh
  dll=$WINDOWS_DLL
  if [ -f "$dll" ]; then
    mkdir -p "$out/runtimes/win-x64/native"
    cp "$dll" "$out/runtimes/win-x64/native/hvapi.dll"
  fi
fi

# Help: the text comes from help/HvApi.Help.psd1, the syntax from the built cmdlets.
[ -n "${HVAPI_SKIP_HELP:-}" ] || "$PWSH" -NoLogo -NoProfile -NonInteractive -File "$here/help/Build-Help.ps1" \
  -ModulePath "$out" -Source "$here/help/HvApi.Help.psd1" -Output "$out/en-US/HvApi.dll-Help.xml"
echo "build: module ready at $out"

# The PowerCLI layer (README, "PowerCLI scripts"): out/compat/, a folder users put on PSModulePath
# on purpose, never by default. VMware.Hv.dll goes beside its module; HvApi is found as ../../HvApi.
dotnet build "$here/src/VMware.Hv/VMware.Hv.csproj" -c Release -o "$here/build/compat" --nologo -v q -clp:NoSummary
rm -rf "$here/out/compat"
cp -r "$here/compat" "$here/out/compat"
cp "$here/build/compat/VMware.Hv.dll" "$here/out/compat/VMware.VimAutomation.HorizonView/"
echo "build: PowerCLI layer ready at $here/out/compat"
