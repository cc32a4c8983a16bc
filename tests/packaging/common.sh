# Sourced by the package tests (c.sh, python.sh, powershell.sh): where things are, the one
# version, a work directory removed on exit, and fail.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
version=$(bash "$repo/scripts/version.sh")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "$(basename "$0"): FAILED: $*" >&2; exit 1; }
