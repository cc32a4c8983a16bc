#!/usr/bin/env bash
# Builds the HvApi module and runs its Pester tests in real PowerShell 7.6.9 (both installed by
# scripts/setup.sh). Extra arguments are test files to run instead of all of them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/build.sh"
. "$here/../scripts/tools.sh"
args=()
[ "$#" -gt 0 ] && args=(-Path "$(IFS=,; echo "$*")")
HVAPI_PWSH="$PWSH" exec "$PWSH" -NoLogo -NoProfile -NonInteractive -File "$here/tests/Run-Tests.ps1" -PesterPath "$PESTER_PSD1" "${args[@]}"
