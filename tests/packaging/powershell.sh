#!/usr/bin/env bash
# The HvApi package as a user gets it: powershell/package.sh writes the .nupkg into the folder
# feed; Install-HvApi.ps1 then runs in a pwsh whose HOME is a new temporary directory (so the
# user module path is empty and no repository is registered), with PSModulePath unset, from
# another directory: it registers the feed, installs HvApi, uses it by name, and uninstalls it.
. "$(dirname "$0")/common.sh"
. "$repo/scripts/tools.sh"
bash "$repo/powershell/package.sh"
cd "$work"
env -u PSModulePath -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_CACHE_HOME -u HVAPI_LIBRARY HOME="$work" \
  "$PWSH" -NoLogo -NoProfile -NonInteractive -File "$here/Install-HvApi.ps1" \
  -Feed "$repo/powershell/out/feed" -Version "$version" -SourceTree "$repo"
