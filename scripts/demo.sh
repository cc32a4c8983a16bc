#!/usr/bin/env bash
# Runs the hvapi demo against the embedded default federation, doing its own set-up first:
# the Rust tour of the library (examples/demo.rs), then the PowerShell quick start of README.md
# (powershell/demo.ps1) with the HvApi module built by powershell/build.sh, and the PowerCLI-style
# script of README.md (powershell/demo-powercli.ps1) through the compatibility layer.
# Extra arguments are demo counts as JSON for the Rust tour, e.g.
# scripts/demo.sh '{"sessionsPerPod": 250000}'.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo run --quiet --release --example demo -- "$@"
printf '\n==== The same federation from PowerShell (HvApi module)\n'
bash powershell/build.sh >/dev/null
. scripts/tools.sh
"$PWSH" -NoLogo -NoProfile -NonInteractive -File powershell/demo.ps1
printf '\n==== A PowerCLI-style script, unchanged (Connect-HVServer, ExtensionData, QueryService)\n'
"$PWSH" -NoLogo -NoProfile -NonInteractive -File powershell/demo-powercli.ps1
