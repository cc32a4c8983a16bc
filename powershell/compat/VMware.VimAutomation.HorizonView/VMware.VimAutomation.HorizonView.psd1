@{
    # hvapi's stand-in for PowerCLI's Horizon module: Connect-HVServer and Disconnect-HVServer are
    # HvApi's own cmdlets (one name to PowerShell), returning ViewServerImpl connections whose
    # ExtensionData is VMware.Hv.Services. Never on PSModulePath unless the user puts
    # powershell/out/compat there (README, "PowerCLI scripts").
    RootModule           = 'VMware.VimAutomation.HorizonView.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '3c0a9f5e-7b1d-4e55-9a3e-5d2b8c6f1e47'
    Author               = 'hvapi'
    CompanyName          = 'hvapi'
    Copyright            = '(c) hvapi contributors. Apache-2.0.'
    Description          = 'hvapi''s PowerCLI layer: VMware.Hv objects and Connect-HVServer over libhvapi, so PowerCLI Horizon scripts run against the simulator or a Connection Server.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    CmdletsToExport      = @('Connect-HvServer', 'Disconnect-HvServer')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{ PSData = @{ Tags = @('Horizon', 'PowerCLI', 'hvapi') } }
}
