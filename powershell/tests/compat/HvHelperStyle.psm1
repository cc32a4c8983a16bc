# Functions in the style of VMware.Hv.Helper (written for hvapi's tests, not copied): every
# function takes -HvServer, falls back to $global:DefaultHVServers[0], checks the connection's
# type name and IsConnected, and pages QueryService results with GetNext.

function Get-ViewAPIServiceStyle {
    param($HvServer)
    if ($null -ne $HvServer) {
        if ($HvServer.GetType().Name -ne 'ViewServerImpl') {
            throw 'Expected a ViewServerImpl connection.'
        }
        if (-not $HvServer.IsConnected) { throw 'The connection is closed.' }
        return $HvServer.ExtensionData
    }
    if ($global:DefaultHVServers.Length -gt 0 -and $global:DefaultHVServers[0].IsConnected) {
        return $global:DefaultHVServers[0].ExtensionData
    }
    return $null
}

function Get-LocalSessionPaged {
    # Every local session, a page at a time (QueryService_Create, then GetNext while rows remain).
    param($HvServer = $null, [int] $PageSize = 1000, [VMware.Hv.QueryFilter] $Filter)
    $services = Get-ViewAPIServiceStyle -HvServer $HvServer
    if (-not $services) { throw 'Not connected.' }
    $query_service_helper = New-Object 'VMware.Hv.QueryServiceService'
    $query = New-Object 'VMware.Hv.QueryDefinition'
    $query.queryEntityType = 'SessionLocalSummaryView'
    $query.MaxPageSize = $PageSize
    if ($Filter) { $query.Filter = $Filter }
    $queryResults = $query_service_helper.QueryService_Create($services, $query)
    $results = New-Object System.Collections.Generic.List[VMware.Hv.SessionLocalSummaryView]
    foreach ($r in $queryResults.Results) { $results.Add($r) }
    while ($queryResults.RemainingCount -gt 0) {
        $queryResults = $query_service_helper.QueryService_GetNext($services, $queryResults.Id)
        foreach ($r in $queryResults.Results) { $results.Add($r) }
    }
    $query_service_helper.QueryService_Delete($services, $queryResults.Id)
    return $results
}

function Get-HomeSiteStyle {
    param($HvServer = $null, [string] $Group)
    $services = Get-ViewAPIServiceStyle -HvServer $HvServer
    $qs = New-Object VMware.Hv.QueryServiceService
    $rows = $qs.QueryService_Query($services, (New-Object VMware.Hv.QueryDefinition -Property @{ QueryEntityType = 'UserHomeSiteInfo' })).Results
    foreach ($row in $rows) {
        $who = $services.ADUserOrGroup.ADUserOrGroup_Get($row.Base.UserOrGroup)
        if ($Group -and $who.Base.DisplayName -ne $Group) { continue }
        [pscustomobject]@{
            Group   = $who.Base.DisplayName
            Site    = $services.Site.Site_Get($row.Base.Site).Base.DisplayName
            # Hv.Helper reads a property that does not exist; it reads $null.
            Missing = $row.Base.NoSuchProperty
            GE      = if ($row.Base.GlobalEntitlement) { $services.GlobalEntitlement.GlobalEntitlement_Get($row.Base.GlobalEntitlement).Base.DisplayName }
        }
    }
}

function Stop-SessionsOfDesktop {
    # Logs off every session of one desktop, found by display name, batched.
    param([Parameter(ValueFromPipeline)] [VMware.Hv.SessionLocalSummaryView] $Session, [switch] $Forced)
    begin { [VMware.Hv.SessionId[]] $ids = @() }
    process { $ids += $Session.Id }
    end {
        $services = Get-ViewAPIServiceStyle
        if ($Forced) { $services.Session.Session_LogoffSessionsForced($ids) } else { $services.Session.Session_LogoffSessions($ids) }
        $ids.Count
    }
}

Export-ModuleMember -Function Get-ViewAPIServiceStyle, Get-LocalSessionPaged, Get-HomeSiteStyle, Stop-SessionsOfDesktop
