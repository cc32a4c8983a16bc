#!/usr/bin/env bash
# Builds what a Python user installs, into OUTDIR (default python/dist):
#   hvapi-<version>-py3-none-linux_x86_64.whl   with target/release/libhvapi.so inside
#                                               (cargo builds it when missing)
#   hvapi-<version>-py3-none-win_amd64.whl      with hvapi.dll inside, when the Windows build
#                                               (scripts/build-windows.sh) is present
#   hvapi-<version>.tar.gz                      the sdist (the package and the crate's sources)
# with Debian's pip and the in-tree backend (python/_build), offline.
#   python/build-wheels.sh [OUTDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
out=${1:-$here/dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)
pip=(/usr/bin/python3 -m pip wheel --no-deps --no-index --quiet --wheel-dir "$out")
"${pip[@]}" "$here"
. "$repo/scripts/tools.sh"
windows="$repo/$WINDOWS_DLL"
if [ -f "$windows" ]; then
  "${pip[@]}" --config-settings platform=win_amd64 "$here"
else
  echo "build-wheels: no win_amd64 wheel: $windows is not built (scripts/build-windows.sh)"
fi
/usr/bin/python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import hvapi_build; print(hvapi_build.build_sdist(sys.argv[2]))' \
  "$here/_build" "$out" >/dev/null
for f in "$out"/hvapi-*; do echo "build-wheels: $f ($(stat -c %s "$f") bytes)"; done
