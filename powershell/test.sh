#!/usr/bin/env bash
# Builds the HvApi module and runs its Pester tests in real PowerShell 7.6.9 (both installed by
# scripts/setup.sh). Extra arguments are test files to run instead of all of them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/build.sh"
. "$here/../scripts/tools.sh"
# Test files are named as in powershell/tests (Compat.Tests.ps1) or by path. A name Pester cannot
# find would make it search below the current directory, and the wine prefix in target/ links
# its drive Z: to / (a search without end).
args=() files=()
for f in "$@"; do
  if [ -f "$f" ]; then files+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
  elif [ -f "$here/tests/$f" ]; then files+=("$here/tests/$f")
  else echo "test.sh: no test file $f (in powershell/tests)" >&2; exit 2
  fi
done
[ "${#files[@]}" -gt 0 ] && args=(-Path "$(IFS=,; echo "${files[*]}")")
HVAPI_PWSH="$PWSH" exec "$PWSH" -NoLogo -NoProfile -NonInteractive -File "$here/tests/Run-Tests.ps1" -PesterPath "$PESTER_PSD1" "${args[@]}"
