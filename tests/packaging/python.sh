#!/usr/bin/env bash
# The Python package as a user gets it: python/build-wheels.sh makes the wheel(s) and the
# sdist; each is checked, the wheel is installed into a fresh venv (Debian's python3-venv),
# and so is `pip install ./python`; python_smoke.py then runs in each venv in isolated mode,
# from outside the source tree, with HVAPI_LIBRARY unset. Builds that must fail (no library,
# a library that is not libhvapi) are checked to fail loudly and write no wheel.
. "$(dirname "$0")/common.sh"
unset HVAPI_LIBRARY PYTHONPATH
py=/usr/bin/python3
# The members of an archive, one a line; has ARCHIVE MEMBER: whether it holds that member.
members() { $py -c 'import sys, tarfile, zipfile
p = sys.argv[1]
names = zipfile.ZipFile(p).namelist() if p.endswith(".whl") else tarfile.open(p).getnames()
print("\n".join(names))' "$1"; }
has() { members "$1" > "$work/members.txt" && grep -qx -- "$2" "$work/members.txt"; }

echo "== python/build-wheels.sh"
bash "$repo/python/build-wheels.sh" "$work/dist"
wheel="$work/dist/hvapi-$version-py3-none-linux_x86_64.whl"
[ -f "$wheel" ] || fail "no $(basename "$wheel") (got: $(ls "$work/dist"))"
[ -z "$(ls "$work/dist" | grep -- '-any\.whl$' || true)" ] || fail "a py3-none-any wheel was made"
members "$wheel" > "$work/wheel.txt"
grep -qx "hvapi/libhvapi.so" "$work/wheel.txt" || fail "the wheel lacks hvapi/libhvapi.so"
grep -qx "hvapi-$version.dist-info/WHEEL" "$work/wheel.txt" || fail "the wheel lacks its WHEEL file"
$py -c 'import sys, zipfile; w = zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode()
assert "Tag: py3-none-linux_x86_64" in w and "Root-Is-Purelib: false" in w, w' "$wheel" "hvapi-$version.dist-info/WHEEL" \
  || fail "the WHEEL file's tag"
echo "wheel: $(basename "$wheel"), $(wc -l < "$work/wheel.txt") files, libhvapi.so inside"
. "$repo/scripts/tools.sh"
windll="$repo/$WINDOWS_DLL"
if [ -f "$windll" ]; then
  win="$work/dist/hvapi-$version-py3-none-win_amd64.whl"
  [ -f "$win" ] || fail "$windll exists but no win_amd64 wheel was made"
  has "$win" hvapi/hvapi.dll || fail "the win_amd64 wheel lacks hvapi/hvapi.dll"
  ! has "$win" hvapi/libhvapi.so || fail "the win_amd64 wheel holds libhvapi.so"
  echo "wheel: $(basename "$win"), hvapi.dll inside"
else
  # No Windows build: the platform=win_amd64 path is checked with a stand-in PE file.
  standin=$(ls /usr/lib/gcc/x86_64-w64-mingw32/*/libgcc_s_seh-1.dll 2>/dev/null | head -n 1 || true)
  if [ -n "$standin" ]; then
    mkdir -p "$work/standin"
    cp "$standin" "$work/standin/hvapi.dll"
    $py -m pip wheel --no-deps --no-index --quiet --wheel-dir "$work/standin" \
      --config-settings platform=win_amd64 --config-settings library="$work/standin/hvapi.dll" "$repo/python"
    has "$work/standin/hvapi-$version-py3-none-win_amd64.whl" hvapi/hvapi.dll \
      || fail "the win_amd64 wheel lacks hvapi/hvapi.dll"
    echo "note: no Windows build ($windll); a win_amd64 wheel from a stand-in PE file has hvapi/hvapi.dll"
  else
    echo "note: no Windows build ($windll), so no win_amd64 wheel to check"
  fi
fi
sdist="$work/dist/hvapi-$version.tar.gz"
[ -f "$sdist" ] || fail "no sdist"
members "$sdist" > "$work/sdist.txt"
for m in pyproject.toml PKG-INFO LICENSE hvapi/__init__.py _build/hvapi_build.py rust/Cargo.toml rust/src/lib.rs; do
  grep -qx "hvapi-$version/$m" "$work/sdist.txt" || fail "the sdist lacks $m"
done
! grep -Eq '(lib)?hvapi\.(so|dll|dylib)$|__pycache__|/target/' "$work/sdist.txt" || fail "the sdist holds a built file"
echo "sdist: $(basename "$sdist"), $(wc -l < "$work/sdist.txt") members, the crate's sources under rust/"

echo "== a wheel from the sdist (the library given, as a packager would)"
tar -xzf "$sdist" -C "$work"
$py -m pip wheel --no-deps --no-index --quiet --wheel-dir "$work/from-sdist" \
  --config-settings library="$repo/target/release/libhvapi.so" "$work/hvapi-$version"
has "$work/from-sdist/hvapi-$version-py3-none-linux_x86_64.whl" hvapi/libhvapi.so \
  || fail "the wheel from the sdist lacks the library"

echo "== builds that must fail loudly"
expect_refusal() { # expect_refusal <message> <library>
  local log="$work/refused.log"
  rm -rf "$work/refused"
  if $py -m pip wheel --no-deps --no-index --wheel-dir "$work/refused" \
       --config-settings library="$2" "$repo/python" >"$log" 2>&1; then
    fail "a wheel was built with library=$2"
  fi
  grep -q "$1" "$log" || { cat "$log"; fail "the refusal does not say '$1'"; }
  [ -z "$(ls "$work/refused" 2>/dev/null)" ] || fail "a refused build left $(ls "$work/refused")"
  echo "refused ($1): library=$2"
}
expect_refusal "does not exist; no wheel built" "$work/nowhere/libhvapi.so"
mkdir -p "$work/fake"
printf 'not a library\n' > "$work/fake/libhvapi.so"
expect_refusal "is not a linux_x86_64 library" "$work/fake/libhvapi.so"
cp "$($py -c 'import _ctypes; print(_ctypes.__file__)')" "$work/fake/libhvapi.so"   # a loadable ELF, not libhvapi
expect_refusal "cannot be loaded" "$work/fake/libhvapi.so"
expect_refusal "carries libhvapi.so, not hvapi.dll" "$work/fake/hvapi.dll"

run_smoke() { # run_smoke <venv>
  cp "$here/python_smoke.py" "$work/smoke.py"
  (cd "$work" && env -u HVAPI_LIBRARY -u PYTHONPATH "$1/bin/python" -I smoke.py "$repo" "$1" "$version")
}
echo "== the wheel in a fresh venv"
$py -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --no-index --no-deps --quiet "$wheel"
run_smoke "$work/venv"
"$work/venv/bin/python" -m pip uninstall --yes --quiet hvapi
[ ! -e "$("$work/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')/hvapi" ] \
  || fail "pip uninstall left the package behind"

echo "== pip install ./python in a fresh venv"
$py -m venv "$work/venv2"
"$work/venv2/bin/python" -m pip install --no-index --no-deps --quiet "$repo/python"
run_smoke "$work/venv2"
echo "python.sh: all passed"
