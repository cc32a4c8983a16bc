#!/usr/bin/env bash
# Installs libhvapi for C and C++ users under a prefix:
#   lib/libhvapi.so.X.Y.Z          the library, with its SONAME set (see below)
#   lib/libhvapi.so.<soname>       -> libhvapi.so.X.Y.Z (what programs load)
#   lib/libhvapi.so                -> the SONAME link (what -lhvapi finds)
#   include/hvapi.h
#   lib/pkgconfig/hvapi.pc         pkg-config --cflags --libs hvapi
#   lib/cmake/hvapi/hvapiConfig.cmake, hvapiConfigVersion.cmake
#                                  find_package(hvapi CONFIG REQUIRED) -> target hvapi::hvapi
#   bin/hvapi                      the program (hvapi serve)
# (the library and the program without their debug information).
#
#   scripts/install.sh [--prefix DIR]     (default /usr/local; $DESTDIR is honoured)
#
# The version is Cargo.toml's (scripts/version.sh). The SONAME follows semver as cargo-c does:
# libhvapi.so.MAJOR, or libhvapi.so.0.MINOR while the major version is 0 (where a minor
# release may break the ABI). It is set on the installed copy with patchelf, so the library in
# target/release (which the tests link and load by path) stays as cargo built it. The library
# and the program are built (cargo build --release) when target/release lacks them.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
prefix=/usr/local
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "install: --prefix needs a directory" >&2; exit 2; }; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "install: unknown argument $1 (usage: scripts/install.sh [--prefix DIR])" >&2; exit 2 ;;
  esac
done
case "$prefix" in /*) ;; *) prefix="$PWD/$prefix" ;; esac
. "$repo/scripts/tools.sh"
command -v patchelf >/dev/null || { echo "install: patchelf is missing (apt-get install patchelf, or scripts/setup.sh)" >&2; exit 1; }

version=$(bash "$repo/scripts/version.sh")
major=${version%%.*} rest=${version#*.}
minor=${rest%%.*}
if [ "$major" = 0 ]; then soversion="0.$minor"; else soversion="$major"; fi
soname="libhvapi.so.$soversion"

release="${CARGO_TARGET_DIR:-$repo/target}/release"
if [ ! -f "$release/libhvapi.so" ] || [ ! -f "$release/hvapi" ]; then
  (cd "$repo" && cargo build --release --lib --bin hvapi)
fi

root="${DESTDIR:-}$prefix"
mkdir -p "$root/lib/pkgconfig" "$root/lib/cmake/hvapi" "$root/include" "$root/bin"
rm -f "$root/lib/libhvapi.so" "$root/lib/$soname" "$root/lib/libhvapi.so.$version"
ship_copy "$release/libhvapi.so" "$root/lib/libhvapi.so.$version"
patchelf --set-soname "$soname" "$root/lib/libhvapi.so.$version"
ln -s "libhvapi.so.$version" "$root/lib/$soname"
ln -s "$soname" "$root/lib/libhvapi.so"
install -m 644 "$repo/include/hvapi.h" "$root/include/hvapi.h"
ship_copy "$release/hvapi" "$root/bin/hvapi"

cat > "$root/lib/pkgconfig/hvapi.pc" <<PC
prefix=$prefix
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: hvapi
Description: Horizon Session and UserHomeSite services (C ABI, JSON in and out) with an embedded pod-federation simulator
Version: $version
URL: https://github.com/hvapi/hvapi
Libs: -L\${libdir} -lhvapi
Cflags: -I\${includedir}
PC

# The package's files are found from this file's place, so the prefix can move.
cat > "$root/lib/cmake/hvapi/hvapiConfig.cmake" <<CMAKE
# hvapi $version: find_package(hvapi CONFIG REQUIRED) defines the imported target hvapi::hvapi
# (libhvapi and include/hvapi.h). Written by scripts/install.sh.
get_filename_component(_hvapi_prefix "\${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET hvapi::hvapi)
  add_library(hvapi::hvapi SHARED IMPORTED)
  set_target_properties(hvapi::hvapi PROPERTIES
    IMPORTED_LOCATION "\${_hvapi_prefix}/lib/libhvapi.so.$version"
    IMPORTED_SONAME "$soname"
    INTERFACE_INCLUDE_DIRECTORIES "\${_hvapi_prefix}/include")
endif()
set(hvapi_INCLUDE_DIRS "\${_hvapi_prefix}/include")
set(hvapi_LIBRARIES hvapi::hvapi)
unset(_hvapi_prefix)
CMAKE

# Any 0.MINOR.x satisfies a request for 0.MINOR (MAJOR.x for MAJOR >= 1), as the SONAME says.
cat > "$root/lib/cmake/hvapi/hvapiConfigVersion.cmake" <<CMAKE
# hvapi's version for find_package (written by scripts/install.sh).
set(PACKAGE_VERSION "$version")
if(NOT CMAKE_SIZEOF_VOID_P STREQUAL "8")
  set(PACKAGE_VERSION_UNSUITABLE TRUE)
  set(PACKAGE_VERSION "\${PACKAGE_VERSION} (64-bit)")
  return()
endif()
set(PACKAGE_VERSION_COMPATIBLE FALSE)
if(NOT PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  if("$major" STREQUAL "0")
    if(PACKAGE_FIND_VERSION_MAJOR STREQUAL "0" AND PACKAGE_FIND_VERSION_MINOR STREQUAL "$minor")
      set(PACKAGE_VERSION_COMPATIBLE TRUE)
    endif()
  elseif(PACKAGE_FIND_VERSION_MAJOR STREQUAL "$major")
    set(PACKAGE_VERSION_COMPATIBLE TRUE)
  endif()
endif()
if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
  set(PACKAGE_VERSION_EXACT TRUE)
endif()
CMAKE
echo "install: hvapi $version in $root ($soname)"
