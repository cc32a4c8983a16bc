<#
.SYNOPSIS
Runs the HvApi Pester tests (every *.Tests.ps1 here) against the built module in ../out/HvApi.
Prints one closing line, "pester: N passed, N failed, N skipped", and exits non-zero on failure.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [string] $Path = $PSScriptRoot # several: comma-separated
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$config = New-PesterConfiguration
$config.Run.Path = @($Path -split ',')
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$config.Output.RenderMode = 'Plaintext'
$result = Invoke-Pester -Configuration $config
"pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
if ($result.Result -ne 'Passed' -or $result.FailedCount -gt 0) { exit 1 }
exit 0
