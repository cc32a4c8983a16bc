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

function Start-HvSimulator {
    # `hvapi serve` of a world file (default: the CORP world) on 127.0.0.1:0, as an object with
    # .Url, .Kill() (the server goes away), .Freeze() (SIGSTOP: it accepts and answers nothing)
    # and .Thaw(). Started here from target/release/hvapi (built by powershell/build.sh), or,
    # where this PowerShell cannot start a Linux program (Windows under wine), by the service at
    # $env:HVAPI_TEST_SIMULATORS (tests/wine/simulators.py).
    param([string] $World = $script:CorpWorld)
    if ($env:HVAPI_TEST_SIMULATORS) {
        $started = Invoke-RestMethod -Method Post -Uri "$env:HVAPI_TEST_SIMULATORS/start" -ContentType 'application/json' -Body (Get-Content -Raw $World)
        $control = "$env:HVAPI_TEST_SIMULATORS/$($started.id)"
        $sim = [pscustomobject]@{ Url = $started.url; Control = $control }
        foreach ($action in 'Kill', 'Freeze', 'Thaw') {
            $sim | Add-Member ScriptMethod $action ([scriptblock]::Create("`$null = Invoke-RestMethod -Method Post -Uri '$control/$($action.ToLowerInvariant())'"))
        }
        return $sim
    }
    $info = [System.Diagnostics.ProcessStartInfo]::new((Join-Path $PSScriptRoot '../../target/release/hvapi'))
    foreach ($a in 'serve', '--world', $World, '--listen', '127.0.0.1:0', '--quiet') { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($info)
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(30000)) { $process.Kill(); throw 'hvapi serve printed no URL in 30 s' }
    $sim = [pscustomobject]@{ Url = $line.Result.Trim(); Process = $process }
    $sim | Add-Member ScriptMethod Kill { if (-not $this.Process.HasExited) { $this.Process.Kill() }; $this.Process.WaitForExit() }
    $sim | Add-Member ScriptMethod Freeze { & kill -STOP $this.Process.Id }
    $sim | Add-Member ScriptMethod Thaw { & kill -CONT $this.Process.Id }
    $sim
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
