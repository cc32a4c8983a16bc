# Loads HvApi (the one already loaded, else the sibling build ../../HvApi, else by name from
# PSModulePath), then VMware.Hv.dll, which makes HvApi's Connect-HvServer return ViewServerImpl
# connections, and re-exports that one cmdlet pair as Connect-HVServer / Disconnect-HVServer.
$hvapi = Get-Module HvApi | Select-Object -First 1
if (-not $hvapi) {
    $sibling = Join-Path $PSScriptRoot '../../HvApi/HvApi.psd1'
    $hvapi = if (Test-Path $sibling) { Import-Module $sibling -PassThru -ErrorAction Stop } else { Import-Module HvApi -PassThru -ErrorAction Stop }
} else {
    Import-Module $hvapi -ErrorAction Stop
}
Add-Type -Path (Join-Path $PSScriptRoot 'VMware.Hv.dll')
[VMware.VimAutomation.HorizonView.Impl.V1.ViewServerImpl]::Register()
Export-ModuleMember -Cmdlet Connect-HvServer, Disconnect-HvServer
