@{
    # hvapi's stand-in for PowerCLI's core module: what Horizon scripts import it for.
    RootModule           = 'VMware.VimAutomation.Core.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '8e2d4b71-0c6a-4f3e-b5d9-1a7c3e9f2b60'
    Author               = 'hvapi'
    CompanyName          = 'hvapi'
    Copyright            = '(c) hvapi contributors. Apache-2.0.'
    Description          = 'hvapi''s stand-in for VMware.VimAutomation.Core: a quiet Set-PowerCLIConfiguration.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    FunctionsToExport    = @('Set-PowerCLIConfiguration', 'Get-PowerCLIConfiguration')
    CmdletsToExport      = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
}
