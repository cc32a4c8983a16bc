@{
    RootModule           = 'HvApi.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0d6a52-3c1e-4f43-9d0b-2b7f3e0c9a11'
    Author               = 'hvapi'
    CompanyName          = 'hvapi'
    Copyright            = '(c) hvapi contributors. Apache-2.0.'
    Description          = 'Horizon Session and UserHomeSite services (View API) over libhvapi, with an embedded pod-federation simulator: find, log off, disconnect, reset, restart and message sessions; manage and resolve user home sites; read the audit trail.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('HvApi.Format.ps1xml')
    CmdletsToExport      = @(
        'Connect-HvServer'
        'Disconnect-HvServer'
        'Get-HvSession'
        'Disconnect-HvSession'
        'Invoke-HvSessionLogoff'
        'Reset-HvSession'
        'Restart-HvSession'
        'Send-HvSessionMessage'
        'Get-HvUserHomeSite'
        'New-HvUserHomeSite'
        'Remove-HvUserHomeSite'
        'Resolve-HvUserHomeSite'
        'Get-HvEvent'
        'Get-HvSite'
        'Get-HvPod'
        'Get-HvAccessGroup'
        'Get-HvUserOrGroup'
        'Get-HvGlobalEntitlement'
        'Get-HvGlobalApplicationEntitlement'
        'Get-HvDesktop'
        'Get-HvFarm'
        'Invoke-HvMethod'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            # package.sh adds the platform tags (Linux, Windows, MacOS) of the runtimes it ships.
            Tags         = @('Horizon', 'VMware', 'Omnissa', 'VDI', 'Session', 'HomeSite', 'PSEdition_Core')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ProjectUri   = 'https://github.com/hvapi/hvapi'
            # package.sh puts CHANGELOG.md's section for ModuleVersion here.
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
