#!/usr/bin/env bash
# Builds the module and prints its pipeline figures beside their targets (bench/Measure-HvPipeline.ps1).
# Arguments go to the script, e.g. powershell/bench.sh -PipelineSizes 10000 -LoopSize 500
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/build.sh" >/dev/null
. "$here/../scripts/tools.sh"
exec "$PWSH" -NoLogo -NoProfile -NonInteractive -File "$here/bench/Measure-HvPipeline.ps1" "$@"
