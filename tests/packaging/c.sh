#!/usr/bin/env bash
# C and C++ from an installed prefix, as a user gets them: scripts/install.sh --prefix into a
# temporary directory, then consumer.c built with `pkg-config --cflags --libs hvapi` (C) and
# the cmake/ project with find_package(hvapi CONFIG REQUIRED) (C++), both run. Checks the
# SONAME and its links, and that neither program needs the source tree: the repository's
# target/ and include/ are not on any command line, and the programs run from the prefix alone.
. "$(dirname "$0")/common.sh"
prefix="$work/prefix"

echo "== install.sh --prefix $prefix"
bash "$repo/scripts/install.sh" --prefix "$prefix"
lib="$prefix/lib"
major=${version%%.*} rest=${version#*.}
if [ "$major" = 0 ]; then soname="libhvapi.so.0.${rest%%.*}"; else soname="libhvapi.so.$major"; fi
[ "$(readlink "$lib/libhvapi.so")" = "$soname" ] || fail "lib/libhvapi.so -> $(readlink "$lib/libhvapi.so"), not $soname"
[ "$(readlink "$lib/$soname")" = "libhvapi.so.$version" ] || fail "lib/$soname -> $(readlink "$lib/$soname")"
[ -f "$lib/libhvapi.so.$version" ] && [ ! -L "$lib/libhvapi.so.$version" ] || fail "lib/libhvapi.so.$version is not a file"
got=$(readelf -d "$lib/libhvapi.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$got" = "$soname" ] || fail "SONAME is '$got', not $soname"
[ -f "$prefix/include/hvapi.h" ] || fail "include/hvapi.h missing"
cmp -s "$prefix/include/hvapi.h" "$repo/include/hvapi.h" || fail "include/hvapi.h differs from the repository's"
"$prefix/bin/hvapi" --help >/dev/null 2>&1 || fail "bin/hvapi --help failed"
echo "SONAME $soname; links libhvapi.so -> $soname -> libhvapi.so.$version"

# The programs live outside the repository, and see only the prefix.
cp "$here/consumer.c" "$work/consumer.c"
cp -r "$here/cmake" "$work/cmake"
export PKG_CONFIG_PATH="$lib/pkgconfig"
unset PKG_CONFIG_LIBDIR CMAKE_PREFIX_PATH LD_LIBRARY_PATH

echo "== pkg-config (C)"
[ "$(pkg-config --modversion hvapi)" = "$version" ] || fail "pkg-config --modversion hvapi is $(pkg-config --modversion hvapi), not $version"
flags=$(pkg-config --cflags --libs hvapi)
echo "pkg-config --cflags --libs hvapi: $flags"
case "$flags" in *"$repo"*) fail "pkg-config names the source tree: $flags" ;; esac
# shellcheck disable=SC2086 # the flags are words
cc -std=c11 -Wall -Wextra -Werror -DHVAPI_EXPECTED_VERSION="\"$version\"" "$work/consumer.c" -o "$work/consumer-c" \
  $flags -Wl,-rpath,"$(pkg-config --variable=libdir hvapi)"
needed=$(readelf -d "$work/consumer-c" | sed -n 's/.*(NEEDED).*\[\(libhvapi[^]]*\)\]/\1/p')
[ "$needed" = "$soname" ] || fail "the C program needs '$needed', not $soname"
loaded=$(ldd "$work/consumer-c" | awk '/libhvapi/{print $3}')
[ "$loaded" = "$lib/$soname" ] || fail "the C program loads '$loaded', not $lib/$soname"
(cd "$work" && ./consumer-c)

echo "== CMake find_package(hvapi CONFIG REQUIRED) (C++)"
cmake -S "$work/cmake" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DHVAPI_EXPECTED_VERSION="$version" -DCMAKE_BUILD_TYPE=Release >"$work/cmake.log" 2>&1 \
  || { cat "$work/cmake.log"; fail "cmake configure"; }
grep -- "-- hvapi $version from $prefix/lib/cmake/hvapi" "$work/cmake.log" || { cat "$work/cmake.log"; fail "find_package found another hvapi"; }
cmake --build "$work/cmake-build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "cmake build"; }
loaded=$(ldd "$work/cmake-build/consumer" | awk '/libhvapi/{print $3}')
[ "$loaded" = "$lib/$soname" ] || fail "the CMake program loads '$loaded', not $lib/$soname"
(cd "$work" && ./cmake-build/consumer)

echo "== find_package refuses a version this install does not satisfy"
if cmake -S "$work/cmake" -B "$work/cmake-bad" -DCMAKE_PREFIX_PATH="$prefix" \
     -DHVAPI_EXPECTED_VERSION="$((major + 1)).0.0" >"$work/bad.log" 2>&1; then
  fail "find_package(hvapi $((major + 1)).0.0) succeeded"
fi
grep -q "hvapiConfig.cmake, version: $version" "$work/bad.log" || { cat "$work/bad.log"; fail "no version refusal"; }
echo "c.sh: all passed"
