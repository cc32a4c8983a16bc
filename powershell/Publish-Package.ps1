# Called by package.sh (with a temporary HOME): puts the release notes for -Version from the
# changelog into the staged manifest, checks the manifest, and publishes the staged module to
# the folder feed with Publish-PSResource.
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $Feed,
    [Parameter(Mandatory)] [string] $Version,
    [Parameter(Mandatory)] [string] $Changelog
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

# The changelog's section for this version: the lines after "## [<version>]" up to the next "## ".
$lines = Get-Content -LiteralPath $Changelog
$start = [Array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match "^## \[$([regex]::Escape($Version))\]" })
if ($start -lt 0) { throw "CHANGELOG.md has no section for $Version" }
# (The link definitions at the end, "[0.1.0]: https://...", are not notes.)
$notes = foreach ($l in $lines[($start + 1)..($lines.Count - 1)]) { if ($l -match '^## ') { break }; if ($l -notmatch '^\[[^\]]+\]: ') { $l } }
$notes = ($notes -join "`n").Trim()
if (-not $notes) { throw "CHANGELOG.md's section for $Version is empty" }

# The platform tags are those of the native runtimes shipped (runtimes/<os>-<arch>/native).
$platforms = @{ linux = 'Linux'; win = 'Windows'; osx = 'MacOS' }
$shipped = Get-ChildItem -Directory (Join-Path $Module 'runtimes') | ForEach-Object { $platforms[($_.Name -split '-')[0]] } |
    Where-Object { $_ } | Sort-Object -Unique
$manifest = Join-Path $Module 'HvApi.psd1'
$tags = @((Import-PowerShellDataFile $manifest).PrivateData.PSData.Tags) + @($shipped)
Update-ModuleManifest -Path $manifest -ReleaseNotes $notes -Tags $tags
$info = Test-ModuleManifest -Path $manifest
if ($info.Version -ne [version]$Version) { throw "HvApi.psd1 says $($info.Version), Cargo.toml says $Version" }

Register-PSResourceRepository -Name HvApiFeed -Uri $Feed -Trusted
Publish-PSResource -Path $Module -Repository HvApiFeed
