# Dot-sourced by every test file: imports the built module (powershell/out/HvApi) and gives the
# tests their worlds and a few helpers. Each test opens its own connection, so no test sees
# another's changes.
$script:ModulePath = Join-Path $PSScriptRoot '../out/HvApi'
$script:CorpWorld = Join-Path $PSScriptRoot 'worlds/corp.json'
# The native library this platform should load: runtimes/<os>-<arch>/native/<file> of the module.
$script:NativeLibrary = [IO.Path]::GetFullPath((Join-Path $script:ModulePath 'runtimes' (
            $(if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }) + '-' +
            [Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant()
        ) 'native' $(if ($IsWindows) { 'hvapi.dll' } elseif ($IsMacOS) { 'libhvapi.dylib' } else { 'libhvapi.so' })))
Import-Module $script:ModulePath -Force -ErrorAction Stop

function Connect-Corp {
    # The CORP world (worlds/corp.json) as its built-in administrator, or as one of its admins.
    param([string] $User, [string] $Password, [switch] $NotDefault)
    $params = @{ WorldPath = $script:CorpWorld; NotDefault = $NotDefault }
    if ($User) { $params.Credential = [pscredential]::new($User, (ConvertTo-SecureString $Password -AsPlainText -Force)) }
    Connect-HvServer @params
}

function Get-CorpWorld {
    # The CORP world as a hashtable, to change before connecting.
    Get-Content -Raw $script:CorpWorld | ConvertFrom-Json -AsHashtable
}

function Reset-HvConnections {
    # Closes every connection the tests opened and empties the default list.
    foreach ($s in @($global:DefaultHVServers)) { if ($s) { Disconnect-HvServer -Server $s -Confirm:$false } }
    $global:DefaultHVServers = @()
}

function Get-OpenClientCount {
    # How many library clients this process has open (the leak check).
    $t = [HvApi.HvServer].Assembly.GetType('HvApi.HvConnection')
    $t.GetProperty('OpenCount', [Reflection.BindingFlags]'Static,Public,NonPublic').GetValue($null)
}

function Get-LoadedLibraryPath {
    # The file the module's resolver loaded the native library from (none yet: $null).
    $t = [HvApi.HvServer].Assembly.GetType('HvApi.Native.NativeLibraryResolver')
    $t.GetProperty('LoadedPath', [Reflection.BindingFlags]'Static,Public,NonPublic').GetValue($null)
}

function Invoke-Captured {
    # Runs a script block; returns its output, its non-terminating errors and its terminating
    # error (if any), apart.
    param([scriptblock] $Script)
    $ErrorActionPreference = 'Continue'
    $terminating = $null
    $all = @()
    try {
        $all = @(& $Script 2>&1)
    } catch {
        $terminating = $_
    }
    [pscustomobject]@{
        Output      = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
        Errors      = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        Terminating = $terminating
    }
}
