<#
.SYNOPSIS
Prints how fast the module moves sessions end to end, beside its targets.

.DESCRIPTION
For each size, a fresh demo federation of that many sessions (one site, one pod), then
`Get-HvSession | Invoke-HvSessionLogoff -Force` timed end to end: the query pages, the typed
objects, PowerShell's binding by property name, ShouldProcess, and one batch call per 1,000 ids.
Then the same work as a per-item loop, one cmdlet invocation (and one library call) per
session, and the ratio of the two rates. Every run checks that all sessions were logged off.
Figures, not a test: run it with powershell/bench.sh.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/HvApi'),
    [int[]] $PipelineSizes = @(10000, 100000),
    [int] $LoopSize = 1000
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

function New-Demo([int] $Sessions) {
    Connect-HvServer -Demo -NotDefault -DemoCounts @{ sites = 1; podsPerSite = 1; sessionsPerPod = $Sessions; users = [Math]::Min($Sessions, 100000) }
}

function Assert-Empty($Server, [int] $Expected) {
    $left = @(Get-HvSession -Server $Server).Count
    $events = @(Get-HvEvent -Server $Server -Type ADMIN_DESKTOP_SESSION_LOGOFF).Count
    if ($left -ne 0 -or $events -ne $Expected) { throw "expected every session logged off: $left left, $events events for $Expected" }
}

# Warm-up (not reported): the first run of each path pays for .NET's JIT.
$warm = New-Demo 2000
Get-HvSession -Server $warm | Invoke-HvSessionLogoff -Force -Server $warm
$warm = New-Demo 200
foreach ($s in Get-HvSession -Server $warm) { Invoke-HvSessionLogoff -Id $s.Id -Force -Server $warm }
Disconnect-HvServer -Server $warm

$rows = [System.Collections.Generic.List[object]]::new()
$rates = @{}
foreach ($n in $PipelineSizes) {
    $server = New-Demo $n
    [GC]::Collect()
    $watch = [Diagnostics.Stopwatch]::StartNew()
    Get-HvSession -Server $server | Invoke-HvSessionLogoff -Force -Server $server
    $watch.Stop()
    Assert-Empty $server $n
    Disconnect-HvServer -Server $server
    $rate = $n / $watch.Elapsed.TotalSeconds
    $rates[$n] = $rate
    $target = if ($n -ge 100000) { '>= 20,000 sessions/s' } else { '' }
    $met = if ($n -ge 100000) { if ($rate -ge 20000) { 'met' } else { 'missed' } } else { '' }
    $rows.Add([pscustomobject]@{ Figure = "Get-HvSession | Invoke-HvSessionLogoff -Force, $('{0:N0}' -f $n) sessions"; Measured = ('{0:N0} sessions/s ({1:N2} s)' -f $rate, $watch.Elapsed.TotalSeconds); Target = $target; Result = $met })
}

$server = New-Demo $LoopSize
[GC]::Collect()
$watch = [Diagnostics.Stopwatch]::StartNew()
foreach ($s in Get-HvSession -Server $server) { Invoke-HvSessionLogoff -Id $s.Id -Force -Server $server }
$watch.Stop()
Assert-Empty $server $LoopSize
Disconnect-HvServer -Server $server
$loopRate = $LoopSize / $watch.Elapsed.TotalSeconds
$rows.Add([pscustomobject]@{ Figure = "foreach (`$s in Get-HvSession) { Invoke-HvSessionLogoff -Id `$s.Id -Force }, $('{0:N0}' -f $LoopSize) sessions"; Measured = ('{0:N0} sessions/s ({1:N2} s)' -f $loopRate, $watch.Elapsed.TotalSeconds); Target = ''; Result = '' })
$largest = [int]($PipelineSizes | Measure-Object -Maximum).Maximum
$ratio = $rates[$largest] / $loopRate
$rows.Add([pscustomobject]@{ Figure = "pipeline ($('{0:N0}' -f $largest)) / loop"; Measured = ('{0:N1}x' -f $ratio); Target = '>= 8x'; Result = $(if ($ratio -ge 8) { 'met' } else { 'missed' }) })

"PowerShell $($PSVersionTable.PSVersion), $([Environment]::ProcessorCount) cores, HvApi $((Get-Module HvApi).Version)"
$rows | Format-Table -AutoSize | Out-String -Width 200
