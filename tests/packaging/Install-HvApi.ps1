# Installs HvApi from the folder feed as a new user would, uses it, and uninstalls it.
# Run by powershell.sh in a pwsh with a temporary HOME and PSModulePath unset. Every check
# throws on failure; the script prints one line per check.
param(
    [Parameter(Mandatory)] [string] $Feed,
    [Parameter(Mandatory)] [string] $Version,
    [Parameter(Mandatory)] [string] $SourceTree
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$checks = 0
function Assert([bool] $Condition, [string] $What) {
    if (-not $Condition) { throw "FAILED: $What" }
    $script:checks++
    Write-Host "ok: $What"
}
$sep = [IO.Path]::PathSeparator
$userModules = Join-Path $HOME '.local/share/powershell/Modules'
$nupkg = Join-Path $Feed "HvApi.$Version.nupkg"

# -- the package itself -------------------------------------------------------------------
Add-Type -AssemblyName System.IO.Compression.FileSystem
$zip = [IO.Compression.ZipFile]::OpenRead($nupkg)
try { $entries = @($zip.Entries | ForEach-Object FullName) } finally { $zip.Dispose() }
foreach ($f in 'HvApi.psd1', 'HvApi.dll', 'HvApi.Format.ps1xml', 'en-US/HvApi.dll-Help.xml', 'LICENSE',
    'runtimes/linux-x64/native/libhvapi.so') {
    Assert ($entries -contains $f) "the package holds $f"
}
# Every runtime that was built is shipped (win-x64 when the Windows build laid it out).
foreach ($built in Get-ChildItem (Join-Path $SourceTree 'powershell/out/HvApi/runtimes/*/native/*') -File) {
    $rel = 'runtimes/{0}/native/{1}' -f $built.Directory.Parent.Name, $built.Name
    Assert ($entries -contains $rel) "the package holds the built $rel"
}
$notOurs = @($entries | Where-Object {
        $_ -notmatch '^(HvApi\.(psd1|dll|Format\.ps1xml|nuspec)|LICENSE|en-US/HvApi\.dll-Help\.xml|runtimes/[a-z]+-[a-z0-9]+/native/(lib)?hvapi\.(so|dll|dylib)|compat/.+|_rels/\.rels|package/services/metadata/core-properties/.+\.psmdcp|\[Content_Types\]\.xml)$' })
Assert ($notOurs.Count -eq 0) "the package holds nothing else$(if ($notOurs) { " (found: $($notOurs -join ', '))" })"
Assert (-not ($entries -match '(?i)(tests?|\.cs|\.csproj|\.pdb|build\.sh|\.Tests\.ps1)')) 'the package holds no test or build files'

# -- a clean profile ----------------------------------------------------------------------
Assert ($env:PSModulePath -split $sep -contains $userModules) "the user module path is $userModules"
Assert (-not (Test-Path $userModules) -or @(Get-ChildItem $userModules).Count -eq 0) 'the user module path is empty'
Assert (@(Get-Module -ListAvailable HvApi).Count -eq 0) 'no HvApi is available before the install'
Assert (@(Get-PSResourceRepository | Where-Object Uri -eq ([uri]$Feed)).Count -eq 0) 'the feed is not registered yet'
Assert (-not $PWD.Path.StartsWith($SourceTree)) "the current directory ($PWD) is outside the source tree"
Assert (-not ($env:PSModulePath -split $sep | Where-Object { $_.StartsWith($SourceTree) })) 'no PSModulePath entry is in the source tree'

# -- install from the feed ----------------------------------------------------------------
Register-PSResourceRepository -Name HvApiTest -Uri $Feed -Trusted
$found = @(Find-PSResource -Name HvApi -Repository HvApiTest)
Assert ($found.Count -eq 1 -and $found[0].Version -eq [version]$Version) "Find-PSResource finds HvApi $Version in the feed"
Assert ($found[0].ProjectUri -and $found[0].LicenseUri) 'the feed entry has project and license URIs'
Assert ($found[0].ReleaseNotes -match 'Added') 'the feed entry has the release notes from CHANGELOG.md'
Install-PSResource -Name HvApi -Repository HvApiTest -Scope CurrentUser -TrustRepository -Quiet
$installed = @(Get-InstalledPSResource -Name HvApi)
Assert ($installed.Count -eq 1 -and $installed[0].Version -eq [version]$Version) "Get-InstalledPSResource lists HvApi $Version"
$base = Join-Path $userModules "HvApi/$Version"
Assert (Test-Path (Join-Path $base 'HvApi.psd1')) "installed into $base"
$available = @(Get-Module -ListAvailable HvApi)
Assert ($available.Count -eq 1 -and $available[0].ModuleBase -eq $base) 'Get-Module -ListAvailable finds that one copy'
Assert (Test-Path (Join-Path $base 'runtimes/linux-x64/native/libhvapi.so')) 'the linux-x64 library is installed'

# The compatibility layer, when packaged, is installed but never on PSModulePath.
$compat = Join-Path $base 'compat'
if (Test-Path $compat) {
    foreach ($m in 'VMware.VimAutomation.HorizonView', 'VMware.VimAutomation.Core') {
        Assert (Test-Path (Join-Path $compat $m)) "compat/$m is installed"
        Assert (@(Get-Module -ListAvailable $m).Count -eq 0) "$m is not available until asked for"
    }
    Assert (@(Get-Command -Module VMware.VimAutomation.HorizonView -ErrorAction SilentlyContinue).Count -eq 0) 'no compat command autoloads'
    # The way compat/README.md documents, run as written there.
    $readme = Get-Content -Raw (Join-Path $compat 'README.md')
    $snippet = [regex]::Match($readme, '(?s)```powershell\r?\n(.*?)```').Groups[1].Value
    Assert ($snippet -match 'Import-Module VMware.VimAutomation.HorizonView') 'compat/README.md shows how to load the layer'
    $saved = $env:PSModulePath
    try {
        Invoke-Expression $snippet
        $loaded = Get-Module VMware.VimAutomation.HorizonView
        Assert ($loaded -and $loaded.ModuleBase -eq (Join-Path $compat 'VMware.VimAutomation.HorizonView')) 'the documented lines load it from compat/'
        Remove-Module VMware.VimAutomation.HorizonView, VMware.VimAutomation.Core, HvApi -ErrorAction SilentlyContinue
    } finally { $env:PSModulePath = $saved }
} else {
    Write-Host 'note: no compatibility layer was packaged (powershell/out/compat was not built)'
}

# -- use it by name, from elsewhere ---------------------------------------------------------
Import-Module HvApi
$module = Get-Module HvApi
Assert ($module.ModuleBase -eq $base) "Import-Module HvApi loads $base"
Assert ($module.Version -eq [version]$Version) "the loaded module is $Version"
Assert (-not $module.Path.StartsWith($SourceTree)) 'the module does not come from the source tree'
$server = Connect-HvServer -Demo -DemoCounts @{ sites = 1; podsPerSite = 1; sessionsPerPod = 50 }
Assert ($server.IsConnected) 'Connect-HvServer -Demo connects'
$maps = Get-Content "/proc/$PID/maps"
$libs = @($maps | Where-Object { $_ -match 'libhvapi\.so' } | ForEach-Object { ($_ -split '\s+', 6)[5] } | Sort-Object -Unique)
Assert ($libs.Count -eq 1 -and $libs[0] -eq (Join-Path $base 'runtimes/linux-x64/native/libhvapi.so')) "the process loaded the installed libhvapi.so only ($($libs -join ', '))"
Assert (-not ($maps -match [regex]::Escape($SourceTree))) 'nothing of the source tree is mapped into the process'
$sessions = @(Get-HvSession)
Assert ($sessions.Count -eq 50) "Get-HvSession lists the demo's 50 sessions (got $($sessions.Count))"
Assert ((Get-HvSession -Id $sessions[0].Id).Id -eq $sessions[0].Id) 'Get-HvSession -Id finds one'
$sessions[0..4] | Invoke-HvSessionLogoff -WhatIf
Assert (@(Get-HvSession).Count -eq 50) 'Invoke-HvSessionLogoff -WhatIf logs nothing off'
Assert (@(Get-HvEvent).Count -eq 0) 'and records no event'
$sessions[0] | Invoke-HvSessionLogoff -Confirm:$false -Force
Assert (@(Get-HvSession).Count -eq 49) 'Invoke-HvSessionLogoff -Confirm:$false logs one off'
Assert (@(Get-HvSession -Id $sessions[0].Id -ErrorAction SilentlyContinue).Count -eq 0) 'that session is gone'
$formats = Get-FormatData -TypeName ($sessions[1].PSObject.TypeNames[0])
Assert ($null -ne $formats) 'the format file is loaded'
$help = Get-Help Get-HvSession -Full
Assert ($help.Synopsis -and $help.Synopsis -notmatch '^\s*Get-HvSession') 'the help is installed (Get-Help has a synopsis)'
Disconnect-HvServer -Server $server -Confirm:$false
$manifest = Test-ModuleManifest -Path (Join-Path $base 'HvApi.psd1')
Assert ($manifest.Version -eq [version]$Version -and $manifest.CompatiblePSEditions -contains 'Core') 'Test-ModuleManifest passes on the installed manifest'
$psdata = $manifest.PrivateData.PSData
Assert ($psdata.ProjectUri -and $psdata.LicenseUri -and $psdata.ReleaseNotes -and ($psdata.Tags -contains 'Linux')) 'the manifest has URIs, release notes and platform tags'

# -- uninstall --------------------------------------------------------------------------------
Remove-Module HvApi
Uninstall-PSResource -Name HvApi -Version $Version
Assert (@(Get-InstalledPSResource -Name HvApi -ErrorAction SilentlyContinue).Count -eq 0) 'Uninstall-PSResource removes it'
Assert (-not (Test-Path $base)) "$base is gone"
Assert (@(Get-Module -ListAvailable HvApi).Count -eq 0) 'no HvApi is available after the uninstall'
Unregister-PSResourceRepository -Name HvApiTest

# -- the same package through PowerShellGet 2 (Install-Module), as older scripts do ----------
Register-PSRepository -Name HvApiTest -SourceLocation $Feed -InstallationPolicy Trusted
Install-Module HvApi -Repository HvApiTest -Scope CurrentUser
Assert ((Get-InstalledModule HvApi).InstalledLocation -eq $base) "Install-Module installs it into $base"
Import-Module HvApi
$null = Connect-HvServer -Demo -DemoCounts @{ sites = 1; podsPerSite = 1; sessionsPerPod = 7 }
Assert (@(Get-HvSession).Count -eq 7) 'and it works (Get-HvSession lists 7 sessions)'
Remove-Module HvApi
Uninstall-Module HvApi
Assert (-not (Test-Path $base)) 'Uninstall-Module removes it'
Unregister-PSRepository -Name HvApiTest
Write-Host "install test: $checks checks passed"
