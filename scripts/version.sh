#!/usr/bin/env bash
# hvapi's one version is Cargo.toml's [package] version. Everything else follows from it:
# hv_version() (compiled in from CARGO_PKG_VERSION), hvapi.pc and the CMake version file
# (written by scripts/install.sh from it), and these files, which hold a copy:
# python/pyproject.toml, python/hvapi/__init__.py (__version__), powershell/HvApi.psd1
# (ModuleVersion) and CHANGELOG.md (its section).
#
#   scripts/version.sh            prints the version
#   scripts/version.sh --check    fails (exit 1) naming every copy that differs, and
#                                 hv_version() of target/release/libhvapi.so
set -euo pipefail
cd "$(dirname "$0")/.."

# The first `version = "..."` of Cargo.toml's [package] table.
version=$(awk '/^\[/{p=($0=="[package]")} p&&/^version *=/{gsub(/.*= *"|".*/,"");print;exit}' Cargo.toml)
[ -n "$version" ] || { echo "version: no [package] version in Cargo.toml" >&2; exit 2; }
if [ "${1:-}" != "--check" ]; then
  echo "$version"
  exit 0
fi

bad=0
same() { # same <where> <found>
  if [ "$2" = "$version" ]; then
    printf 'version: %-52s %s\n' "$1" "$2"
  else
    printf 'version: %-52s %s, but Cargo.toml says %s\n' "$1" "${2:-(none)}" "$version" >&2
    bad=1
  fi
}
same "python/pyproject.toml [project] version" \
  "$(awk '/^\[/{p=($0=="[project]")} p&&/^version *=/{gsub(/.*= *"|".*/,"");print;exit}' python/pyproject.toml)"
same "python/hvapi/__init__.py __version__" \
  "$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' python/hvapi/__init__.py)"
same "powershell/HvApi.psd1 ModuleVersion" \
  "$(sed -n "s/^ *ModuleVersion *= *'\(.*\)'.*/\1/p" powershell/HvApi.psd1)"
same "CHANGELOG.md newest release" \
  "$(sed -n 's/^## \[\([0-9][^]]*\)\].*/\1/p' CHANGELOG.md | head -n 1)"
lib=target/release/libhvapi.so
if [ -f "$lib" ]; then
  same "hv_version() of $lib" "$(python3 -c 'import ctypes,sys
l=ctypes.CDLL(sys.argv[1]); l.hv_version.restype=ctypes.c_char_p; print(l.hv_version().decode())' "$lib")"
else
  echo "version: $lib is missing (cargo build --release --lib)" >&2
  bad=1
fi
[ "$bad" -eq 0 ] && echo "version: every copy is $version"
exit "$bad"
