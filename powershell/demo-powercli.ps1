# The PowerCLI-style script of README.md ("PowerCLI scripts"), run by scripts/demo.sh from the
# repository's root on the embedded demo: PowerCLI's Connect-HVServer, ExtensionData, QueryService
# and GetNext paging, through hvapi's compatibility layer (powershell/out/compat).
$env:PSModulePath = "$PWD/powershell/out/compat" + [IO.Path]::PathSeparator + $env:PSModulePath
$env:HVAPI_SERVERS = '{"lab": {"demo": {}}}'

Import-Module VMware.VimAutomation.HorizonView
$hvServer = Connect-HVServer -Server lab            # no credentials: the built-in administrator
$services = $global:DefaultHVServers[0].ExtensionData
$queryService = New-Object VMware.Hv.QueryServiceService
$defn = New-Object VMware.Hv.QueryDefinition
$defn.queryEntityType = 'SessionLocalSummaryView'
$defn.filter = New-Object VMware.Hv.QueryFilterEquals -Property @{ memberName = 'sessionData.sessionState'; value = 'DISCONNECTED' }
$defn.MaxPageSize = 2
$page = $queryService.QueryService_Create($services, $defn)
while ($true) {
    foreach ($row in $page.Results) {
        "{0} on {1} since {2:u}" -f $row.NamesData.UserName, $row.NamesData.MachineOrRDSServerName, $row.SessionData.DisconnectTime
        $services.Session.Session_LogoffForced($row.Id)
    }
    if ($page.RemainingCount -le 0) { break }
    $page = $queryService.QueryService_GetNext($services, $page.Id)
}
$queryService.QueryService_Delete($services, $page.Id)
Disconnect-HVServer -Server $hvServer -Confirm:$false
