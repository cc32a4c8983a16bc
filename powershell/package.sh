#!/usr/bin/env bash
# Packs the HvApi module for a PowerShell repository:
#   powershell/out/feed/HvApi.<version>.nupkg
# a local file repository (a folder feed) that Install-PSResource installs from:
#   Register-PSResourceRepository -Name HvApi -Uri <repo>/powershell/out/feed -Trusted
#   Install-PSResource HvApi -Repository HvApi
# The package holds what build.sh lays out (HvApi.psd1, HvApi.dll, the format file, the help,
# runtimes/<os>-<arch>/native/ with every native library built: linux-x64 always, win-x64 when
# the Windows build put it there), LICENSE, and — when powershell/out/compat exists — the
# PowerCLI compatibility layer under compat/, a folder PowerShell never searches for modules
# unless the user adds it (compat/README.md says how). No test or build files.
# The manifest's ReleaseNotes are CHANGELOG.md's section for the version; Publish-PSResource
# (PSResourceGet, part of pwsh 7.4+) writes the package, from a temporary HOME so that the
# repository it registers to publish is not left in the user's settings.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
[ -n "${HVAPI_PACKAGE_NO_BUILD:-}" ] || bash "$here/build.sh"
. "$repo/scripts/tools.sh"

module="$here/out/HvApi"
[ -f "$module/HvApi.psd1" ] || { echo "package: $module is not built (powershell/build.sh)" >&2; exit 1; }
stage="$here/out/package"
feed="$here/out/feed"
rm -rf "$stage"
mkdir -p "$stage/HvApi" "$feed"
# The module's own files, by name: nothing else build.sh or a test may have left there.
for item in HvApi.psd1 HvApi.dll HvApi.Format.ps1xml en-US; do
  [ -e "$module/$item" ] || { echo "package: $module/$item is missing" >&2; exit 1; }
  cp -r "$module/$item" "$stage/HvApi/"
done
# Every native library built, without its debug information.
for lib in "$module"/runtimes/*/native/*; do
  [ -f "$lib" ] || continue
  rel=${lib#"$module"/}
  mkdir -p "$stage/HvApi/$(dirname "$rel")"
  ship_copy "$lib" "$stage/HvApi/$rel"
done
[ -f "$stage/HvApi/runtimes/linux-x64/native/libhvapi.so" ] || { echo "package: no linux-x64 library in $module" >&2; exit 1; }
cp "$repo/LICENSE" "$stage/HvApi/LICENSE"
if [ -d "$here/out/compat" ]; then
  mkdir -p "$stage/HvApi/compat"
  cp -r "$here/out/compat/." "$stage/HvApi/compat/"
  cp "$here/compat-README.md" "$stage/HvApi/compat/README.md"
fi

version=$(bash "$repo/scripts/version.sh")
rm -f "$feed/HvApi.$version.nupkg"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
# (From that HOME too: Publish-PSResource leaves a NuGet/NuGet.Config in the current directory.)
cd "$home"
env -u PSModulePath -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_CACHE_HOME HOME="$home" \
  "$PWSH" -NoLogo -NoProfile -NonInteractive -File "$here/Publish-Package.ps1" \
  -Module "$stage/HvApi" -Feed "$feed" -Version "$version" -Changelog "$repo/CHANGELOG.md"
nupkg="$feed/HvApi.$version.nupkg"
[ -f "$nupkg" ] || { echo "package: Publish-PSResource wrote no $nupkg" >&2; exit 1; }
echo "package: $nupkg ($(stat -c %s "$nupkg") bytes; runtimes: $(cd "$stage/HvApi/runtimes" && echo *))"
