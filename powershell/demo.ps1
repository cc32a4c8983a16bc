<#
.SYNOPSIS
The PowerShell quick start of README.md, run against the embedded demo federation, then the
same cmdlets through the REST backend against `hvapi serve`.
Run by scripts/demo.sh after the module is built (powershell/build.sh).
#>
param([string] $ModulePath = (Join-Path $PSScriptRoot 'out/HvApi'))
$ErrorActionPreference = 'Stop'

function Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }

Import-Module $ModulePath

Step 'Connect-HvServer -Demo'
Connect-HvServer -Demo | Format-Table | Out-Host

Step "Get-HvSession -UserName 'HVDEMO\user0003*'"
Get-HvSession -UserName 'HVDEMO\user0003*' | Format-Table | Out-Host

Step "Get-HvSession -State Disconnected | Invoke-HvSessionLogoff -Force"
$before = @(Get-HvSession).Count
Get-HvSession -State Disconnected | Invoke-HvSessionLogoff -Force
Write-Host "$before sessions before, $(@(Get-HvSession).Count) after"

Step "Get-HvSession -DesktopName '*RDS*' | Send-HvSessionMessage -Message 'Maintenance at 18:00' -MessageType Warning"
Get-HvSession -DesktopName '*RDS*' | Send-HvSessionMessage -Message 'Maintenance at 18:00' -MessageType Warning

Step "Invoke-HvSessionLogoff -Id Session/pod-1-1-0000013, Session/nope -Confirm:`$false   (a locked session and an unknown one)"
Invoke-HvSessionLogoff -Id Session/pod-1-1-0000013, Session/nope -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failed
$failed | ForEach-Object { Write-Host ("{0,-16} {1,-24} {2}" -f $_.FullyQualifiedErrorId.Split(',')[0], $_.TargetObject, $_.CategoryInfo.Category) }

Step "Resolve-HvUserHomeSite -User 'HVDEMO\user00005' -GlobalEntitlement 'Windows 11 Desktop'"
Resolve-HvUserHomeSite -User 'HVDEMO\user00005' -GlobalEntitlement 'Windows 11 Desktop' | Format-List | Out-Host

Step "New-HvUserHomeSite -UserOrGroup 'HVDEMO\user00005' -Site London -GlobalEntitlement 'Windows 11 Desktop'"
New-HvUserHomeSite -UserOrGroup 'HVDEMO\user00005' -Site London -GlobalEntitlement 'Windows 11 Desktop' | Format-Table | Out-Host
(Resolve-HvUserHomeSite -User 'HVDEMO\user00005' -GlobalEntitlement 'Windows 11 Desktop').Source | Out-Host

Step 'Get-HvEvent | Group-Object Type'
Get-HvEvent | Group-Object Type | Format-Table Count, Name -AutoSize | Out-Host

Disconnect-HvServer

# The same cmdlets against a Connection Server's REST API: here `hvapi serve`, the simulator
# speaking that API over loopback, as a lab-less stand-in for https://cs1.corp.example.
$program = Join-Path $PSScriptRoot '../target/release/hvapi'
$info = [System.Diagnostics.ProcessStartInfo]::new($program)
foreach ($a in 'serve', '--demo', '--listen', '127.0.0.1:0', '--quiet') { $info.ArgumentList.Add($a) }
$info.RedirectStandardOutput = $true
$server = [System.Diagnostics.Process]::Start($info)
try {
    $url = $server.StandardOutput.ReadLine()
    Step "Connect-HvServer -Server $url -Credential HVDEMO\administrator   (the REST backend)"
    $cred = [pscredential]::new('HVDEMO\administrator', (ConvertTo-SecureString 'any' -AsPlainText -Force))
    Connect-HvServer -Server $url -Credential $cred | Format-Table | Out-Host
    Write-Host "$(@(Get-HvSession).Count) sessions on the local pod"

    Step "Disconnect-HvSession -Id Session/pod-1-2-0000001, Session/pod-2-1-0000002   (other pods' sessions: through the global-session endpoints)"
    Disconnect-HvSession -Id Session/pod-1-2-0000001, Session/pod-2-1-0000002 -Confirm:$false
    Get-HvEvent | ForEach-Object { Write-Host ("{0}`n    by {1} on {2}" -f $_.Type, $_.Admin, $_.Session) }
    Disconnect-HvServer
} finally {
    $server.Kill()
    $server.WaitForExit()
}
