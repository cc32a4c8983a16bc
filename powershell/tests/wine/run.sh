#!/usr/bin/env bash
# Runs the HvApi module's Pester tests in Windows PowerShell 7.6 under wine, against the module's
# win-x64 layout (powershell/out/HvApi/runtimes/win-x64/native/hvapi.dll):
#   1. powershell/build.sh builds the module; it adds hvapi.dll when the Windows toolchain is here;
#   2. pshost.exe (PsHost/: Microsoft.PowerShell.SDK 7.6.10, self-contained win-x64) is published
#      into powershell/build/wine/pshost when its sources changed;
#   3. the wine prefix is scripts/tools.sh's wine_prefix (target/windows/wineprefix), made when missing;
#   4. simulators.py starts: Rest.Tests.ps1 asks it for `hvapi serve` servers, which run natively
#      (a Windows process cannot start a Linux program);
#   5. tests/Run-Tests.ps1 runs in pshost.exe: every test, none skipped.
# Extra arguments are test files (in powershell/tests) to run instead of all of them.
# Exit status 2, with one line, when wine or the Windows toolchain is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tests=$(dirname "$here")
ps_dir=$(dirname "$tests")
repo=$(dirname "$ps_dir")
. "$repo/scripts/tools.sh"
why=$(windows_wine_missing)
if [ -n "$why" ]; then echo "wine tests: skipped, $why"; exit 2; fi

bash "$ps_dir/build.sh"
dll="$ps_dir/out/HvApi/runtimes/win-x64/native/hvapi.dll"
[ -f "$dll" ] || { echo "wine tests: $dll was not built" >&2; exit 1; }

build="$ps_dir/build/wine"
host="$build/pshost"
if [ ! -f "$host/pshost.exe" ] || [ "$here/PsHost/Program.cs" -nt "$host/pshost.exe" ] || [ "$here/PsHost/PsHost.csproj" -nt "$host/pshost.exe" ]; then
  echo "wine tests: publishing pshost.exe (PowerShell 7.6, win-x64) into $host"
  rm -rf "$host"
  dotnet publish "$here/PsHost/PsHost.csproj" -c Release -r win-x64 --self-contained true \
    -p:PublishSingleFile=false -o "$host" --nologo -v q -clp:NoSummary
  # The SDK keeps PowerShell's own modules (Out-String, Get-ChildItem, ...) where no module path looks.
  cp -r "$host/runtimes/win/lib/net10.0/Modules" "$host/Modules"
fi

# Without it, loading Pester kills .NET under wine (Internal CLR error 0x80131506).
export DOTNET_EnableWriteXorExecute=0
unset PSModulePath
wine_prefix "$repo"

sims_out=$(mktemp)
/usr/bin/python3 "$here/simulators.py" "$repo/target/release/hvapi" >"$sims_out" &
sims=$!
trap 'kill "$sims" 2>/dev/null; wait "$sims" 2>/dev/null; rm -f "$sims_out"; WINEPREFIX="$WINEPREFIX" wineserver -k 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$sims_out" ] && break; sleep 0.1; done
[ -s "$sims_out" ] || { echo "wine tests: simulators.py printed no URL" >&2; exit 1; }

win() { printf 'Z:%s' "${1//\//\\}"; } # wine's Z: drive is the Linux root
args=()
if [ "$#" -gt 0 ]; then
  paths=()
  for f in "$@"; do paths+=("$(win "$tests/$f")"); done
  args=(-Path "$(IFS=,; echo "${paths[*]}")")
fi
start=$(date +%s)
set +e
HVAPI_TEST_SIMULATORS=$(head -n 1 "$sims_out") HVAPI_PWSH=$(win "$host/pshost.exe") \
  wine "$host/pshost.exe" -NoLogo -NoProfile -NonInteractive -File "$(win "$tests/Run-Tests.ps1")" \
  -PesterPath "$(win "$PESTER_PSD1")" "${args[@]}"
rc=$?
set -e
echo "wine tests: Pester ran in $(($(date +%s) - start)) s under wine"
exit "$rc"
