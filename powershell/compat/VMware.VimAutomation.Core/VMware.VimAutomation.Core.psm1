# PowerCLI's configuration, kept for the session only: scripts set it (certificate action,
# CEIP) before connecting; hvapi has nothing to configure, so it succeeds quietly.
$script:Configuration = [ordered]@{ InvalidCertificateAction = 'Unset'; ParticipateInCeip = $false; DefaultVIServerMode = 'Multiple' }

function Set-PowerCLIConfiguration {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [ValidateSet('Fail', 'Ignore', 'Prompt', 'Unset', 'Warn')] [string] $InvalidCertificateAction,
        [bool] $ParticipateInCeip,
        [ValidateSet('Single', 'Multiple')] [string] $DefaultVIServerMode,
        [ValidateSet('Session', 'User', 'AllUsers')] [string] $Scope = 'Session',
        [int] $WebOperationTimeoutSeconds,
        [switch] $DisplayDeprecationWarnings
    )
    foreach ($name in 'InvalidCertificateAction', 'ParticipateInCeip', 'DefaultVIServerMode') {
        if ($PSBoundParameters.ContainsKey($name)) { $script:Configuration[$name] = $PSBoundParameters[$name] }
    }
}

function Get-PowerCLIConfiguration {
    [CmdletBinding()]
    param([string] $Scope = 'Session')
    [pscustomobject]$script:Configuration
}
