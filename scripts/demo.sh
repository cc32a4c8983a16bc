#!/usr/bin/env bash
# Runs the hvapi demo against the embedded default federation, doing its own set-up first.
# Extra arguments are demo counts as JSON, e.g. scripts/demo.sh '{"sessionsPerPod": 250000}'.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo run --quiet --release --example demo -- "$@"
