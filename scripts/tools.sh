# Sourced by the scripts: where scripts/setup.sh puts the tools it installs outside Debian's
# packages (PowerShell 7.6.9 as a .NET tool, Pester 6.2.0 from NuGet). HVAPI_TOOLS moves them.
HVAPI_TOOLS="${HVAPI_TOOLS:-$HOME/.cache/hvapi}"
PWSH_VERSION=7.6.9
PESTER_VERSION=6.2.0
PWSH="$HVAPI_TOOLS/pwsh-$PWSH_VERSION/pwsh"
PESTER_PSD1="${NUGET_PACKAGES:-$HOME/.nuget/packages}/pester/$PESTER_VERSION/tools/Pester.psd1"
