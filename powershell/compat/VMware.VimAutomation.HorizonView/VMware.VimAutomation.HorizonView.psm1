# Loads HvApi (the one already loaded; else the one this folder ships in: ../.. in the HvApi
# package (HvApi/compat/), ../../HvApi in the build tree (out/compat/); else by name from
# PSModulePath), then VMware.Hv.dll, which makes HvApi's Connect-HvServer return ViewServerImpl
# connections, and re-exports that one cmdlet pair as Connect-HVServer / Disconnect-HVServer.
$hvapi = Get-Module HvApi | Select-Object -First 1
if (-not $hvapi) {
    $shipped = @('../../HvApi.psd1', '../../HvApi/HvApi.psd1') | ForEach-Object { Join-Path $PSScriptRoot $_ } | Where-Object { Test-Path $_ } | Select-Object -First 1
    $hvapi = if ($shipped) { Import-Module $shipped -PassThru -ErrorAction Stop } else { Import-Module HvApi -PassThru -ErrorAction Stop }
} else {
    Import-Module $hvapi -ErrorAction Stop
}
Add-Type -Path (Join-Path $PSScriptRoot 'VMware.Hv.dll')
[VMware.VimAutomation.HorizonView.Impl.V1.ViewServerImpl]::Register()
Export-ModuleMember -Cmdlet Connect-HvServer, Disconnect-HvServer
