<#
.SYNOPSIS
Runs the HvApi Pester tests (every *.Tests.ps1 here) against the built module in ../out/HvApi.
Prints one closing line, "pester: N passed, N failed, N skipped", and exits non-zero on failure.
-Skip names a .psd1 of tests not to run here, @{ '<Describe> <It>' (-like) = '<reason>' } (the
wine run's list, wine/Skipped.psd1): each is listed with its reason and counted as skipped.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [string] $Path = $PSScriptRoot, # several: comma-separated
    [string] $Skip
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$config = New-PesterConfiguration
$config.Run.Path = @($Path -split ',')
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$config.Output.RenderMode = 'Plaintext'

$skipped = @() # one line per listed name
$skippedCount = 0
if ($Skip) {
    # Discovery alone finds each listed test's file and line; the run then leaves those out.
    $reasons = Import-PowerShellDataFile $Skip
    $discovery = New-PesterConfiguration
    $discovery.Run.Path = $config.Run.Path.Value
    $discovery.Run.SkipRun = $true
    $discovery.Run.PassThru = $true
    $discovery.Output.Verbosity = 'None'
    $found = (Invoke-Pester -Configuration $discovery).Tests
    foreach ($name in $reasons.Keys) {
        $tests = @($found | Where-Object { ($_.Path -join ' ') -like $name })
        if (-not $tests -and $Path -eq $PSScriptRoot) { throw "The skip list $Skip names no test: '$name'" }
        if ($tests) { $skipped += "skipped: $name ($($tests.Count) tests): $($reasons[$name])" }
        $skippedCount += $tests.Count
        foreach ($t in $tests) {
            $config.Filter.ExcludeLine = @($config.Filter.ExcludeLine.Value) + "$($t.ScriptBlock.File):$($t.StartLine)"
        }
    }
}

$result = Invoke-Pester -Configuration $config
$skipped | Sort-Object
"pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount + $skippedCount) skipped"
if ($result.Result -ne 'Passed' -or $result.FailedCount -gt 0) { exit 1 }
exit 0
