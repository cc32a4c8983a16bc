<#
A PowerCLI-style admin script (written for hvapi's tests, in the style of public Horizon
scripts): connects with Connect-HVServer, finds the disconnected sessions with QueryService,
logs them off through ExtensionData.Session, pages through the rest with GetNext, gives the
engineering group a home site, and lists the federation's sessions pod by pod. It imports nothing:
Connect-HVServer comes from whichever module PSModulePath autoloads first.
Prints one JSON object summing up what it saw and did.
#>
param(
    [Parameter(Mandatory)] [string] $Server,
    [string] $User,
    [string] $Password,
    [string] $Domain
)
$ErrorActionPreference = 'Stop'

if ($User) {
    $hvServer = Connect-HVServer -Server $Server -User $User -Password $Password -Domain $Domain
} else {
    $hvServer = Connect-HVServer $Server
}
$services = $global:DefaultHVServers[0].ExtensionData
$queryService = New-Object VMware.Hv.QueryServiceService

# 1. Disconnected sessions, logged off.
$filter = New-Object VMware.Hv.QueryFilterEquals -Property @{ 'memberName' = 'sessionData.sessionState'; 'value' = 'DISCONNECTED' }
$defn = New-Object VMware.Hv.QueryDefinition
$defn.queryEntityType = 'SessionLocalSummaryView'
$defn.filter = $filter
$page = $queryService.QueryService_Create($services, $defn)
$loggedOff = @()
foreach ($row in $page.Results) {
    try {
        $services.Session.Session_LogoffForced($row.Id)
        $loggedOff += $row.Id.Id
    } catch {
        Write-Warning "could not log off $($row.NamesData.UserName): $_"
    }
}
$queryService.QueryService_Delete($services, $page.Id)

# 2. Every remaining session, two at a time.
$defn = New-Object VMware.Hv.QueryDefinition -Property @{ QueryEntityType = 'SessionLocalSummaryView'; MaxPageSize = 2; SortBy = 'namesData.userName' }
$page = $queryService.QueryService_Create($services, $defn)
$pages = 1
$remaining = @($page.Results)
while ($page.RemainingCount -gt 0) {
    $page = $queryService.QueryService_GetNext($services, $page.Id)
    $remaining += $page.Results
    $pages++
}
$queryService.QueryService_DeleteAll($services)

# 3. A home site for the engineering group at the first site.
$groupFilter = New-Object VMware.Hv.QueryFilterAnd -Property @{ Filters = @(
        (New-Object VMware.Hv.QueryFilterEquals -Property @{ MemberName = 'base.group'; Value = $true }),
        (New-Object VMware.Hv.QueryFilterContains -Property @{ MemberName = 'base.name'; Value = 'eng' })) }
$groups = $queryService.QueryService_Query($services, (New-Object VMware.Hv.QueryDefinition -Property @{ QueryEntityType = 'ADUserOrGroupSummaryView'; Filter = $groupFilter }))
$site = $services.Site.Site_List() | Select-Object -First 1
$base = New-Object VMware.Hv.UserHomeSiteBase
$base.UserOrGroup = $groups.Results[0].Id
$base.Site = $site.Id
$homeSiteId = $services.UserHomeSite.UserHomeSite_Create($base)
$homeSite = $services.UserHomeSite.UserHomeSite_Get($homeSiteId)

# 4. The federation's sessions, pod by pod.
$global = New-Object VMware.Hv.GlobalSessionQueryServiceService
$perPod = [ordered]@{}
foreach ($pod in $services.Pod.Pod_List()) {
    $spec = New-Object VMware.Hv.GlobalSessionQueryServiceQuerySpec
    $spec.Pod = $pod.Id
    $spec.MaxPageSize = 1
    $result = $global.GlobalSessionQueryService_QueryWithSpec($services, $spec)
    $rows = @($result.Results)
    while ($result.RemainingCount -gt 0) {
        $result = $global.GlobalSessionQueryService_GetNext($services, $result.Id)
        $rows += $result.Results
    }
    $global.GlobalSessionQueryService_Delete($services, $result.Id)
    $perPod[$pod.DisplayName] = @($rows | ForEach-Object { $_.NamesData.BaseNames.UserName })
}

Disconnect-HVServer -Server $hvServer -Confirm:$false
[ordered]@{
    ConnectionType = $hvServer.GetType().Name
    LoggedOff      = $loggedOff
    Remaining      = @($remaining | ForEach-Object { $_.Id.Id })
    Users          = @($remaining.NamesData.UserName)
    Pages          = $pages
    Group          = $groups.Results[0].Base.DisplayName
    HomeSite       = @($homeSiteId.GetType().Name, $homeSite.Base.UserOrGroup.Id, $homeSite.Base.Site.Id)
    Federation     = $perPod
    Left           = @($global:DefaultHVServers).Count
} | ConvertTo-Json -Depth 5 -Compress
