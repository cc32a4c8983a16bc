# The PowerCLI layer (powershell/out/compat): PowerCLI-style scripts run unchanged on the embedded
# simulator and, through $env:HVAPI_SERVERS, on `hvapi serve`. Scripts that depend on module
# autoloading run in a child pwsh with their own PSModulePath, since assemblies never unload.
BeforeDiscovery {
    $script:Backends = @('embedded', 'rest')
}

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:Out = (Resolve-Path (Join-Path $PSScriptRoot '../out')).Path
    $script:Compat = Join-Path $script:Out 'compat'
    $script:Corp = (Resolve-Path $script:CorpWorld).Path
    # The pwsh that runs the tests (powershell/test.sh sets it).
    $script:Pwsh = if ($env:HVAPI_PWSH) { $env:HVAPI_PWSH } else { 'pwsh' }
    $script:Sep = [IO.Path]::PathSeparator

    function Get-ServerMap([string] $Backend, $Serve) {
        # cs1 is the CORP world, on the embedded backend or behind hvapi serve.
        $cs1 = if ($Backend -eq 'rest') { @{ backend = 'rest'; url = $Serve.Url; domain = 'CORP' } } else { @{ worldFile = $script:Corp } }
        @{ cs1 = $cs1; big = @{ demo = @{ sites = 1; podsPerSite = 1; sessionsPerPod = 10000 } } } | ConvertTo-Json -Depth 5 -Compress
    }

    function Invoke-Child {
        # Runs a script file or command in a fresh pwsh with the given module path and server map.
        param([string] $ModulePath, [string] $Map, [string] $File, [string[]] $Arguments, [string] $Command)
        $info = [System.Diagnostics.ProcessStartInfo]::new($script:Pwsh)
        foreach ($a in '-NoLogo', '-NoProfile', '-NonInteractive') { $info.ArgumentList.Add($a) }
        if ($File) { $info.ArgumentList.Add('-File'); $info.ArgumentList.Add($File); foreach ($a in $Arguments) { $info.ArgumentList.Add($a) } }
        else { $info.ArgumentList.Add('-Command'); $info.ArgumentList.Add($Command) }
        $info.Environment['PSModulePath'] = $ModulePath
        $info.Environment['HVAPI_SERVERS'] = $Map
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.UseShellExecute = $false
        $p = [System.Diagnostics.Process]::Start($info)
        $stderr = $p.StandardError.ReadToEndAsync()
        $stdout = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        [pscustomobject]@{ Code = $p.ExitCode; Out = $stdout.Trim(); Err = $stderr.Result }
    }

    # Both module orders: the compat folder first, or HvApi's folder first (then HvApi's
    # Connect-HvServer is autoloaded and must give the same ViewServerImpl).
    $script:CompatFirst = "$script:Compat$script:Sep$script:Out$script:Sep$env:PSModulePath"
    $script:HvApiFirst = "$script:Out$script:Sep$script:Compat$script:Sep$env:PSModulePath"
}

Describe 'A PowerCLI-style script, unchanged, on <_>' -ForEach $script:Backends {
    BeforeAll {
        $script:Backend = $_
        $script:Serve = if ($_ -eq 'rest') { Start-HvSimulator }
        $script:Map = Get-ServerMap $_ $script:Serve
        $script:Script = Join-Path $PSScriptRoot 'compat/Invoke-SessionCleanup.ps1'
    }
    AfterAll {
        if ($script:Serve) { $script:Serve.Kill() }
    }

    It 'connects, logs off the disconnected sessions, pages, creates a home site and lists the federation (<order>)' -ForEach @(
        @{ order = 'compat first' }, @{ order = 'HvApi first' }) {
        $path = if ($order -eq 'compat first') { $script:CompatFirst } else { $script:HvApiFirst }
        if ($script:Backend -eq 'rest') {
            # Each run needs the CORP world as it starts.
            $script:Serve.Kill()
            $script:Serve = Start-HvSimulator
            $script:Map = Get-ServerMap 'rest' $script:Serve
        }
        $r = Invoke-Child -ModulePath $path -Map $script:Map -File $script:Script -Arguments @('-Server', 'cs1', '-User', 'administrator', '-Password', 'x', '-Domain', 'CORP')
        $r.Err | Should -BeNullOrEmpty
        $r.Code | Should -Be 0
        $o = $r.Out | ConvertFrom-Json
        $o.ConnectionType | Should -Be 'ViewServerImpl'
        $o.LoggedOff | Should -Be @('Session/c1')
        $o.Remaining | Should -Be @('Session/a1', 'Session/b1', 'Session/b2', 'Session/c2', 'Session/d1')
        $o.Users | Should -Be @('CORP\alice', 'CORP\bob', 'CORP\bob', 'CORP\carol', 'CORP\dave')
        $o.Pages | Should -Be 3
        $o.Group | Should -Be 'CORP\Engineering'
        $o.HomeSite | Should -Be @('UserHomeSiteId', 'UserOrGroup/g-eng', 'Site/ldn')
        $o.Federation.'London 1' | Sort-Object | Should -Be @('CORP\alice', 'CORP\bob', 'CORP\bob', 'CORP\carol', 'CORP\dave')
        $o.Federation.'New York 1' | Should -Be @('CORP\alice')
        $o.Federation.'New York 2' | Should -Be @('CORP\bob')
        $o.Left | Should -Be 0
    }

    It 'signs the built-in administrator in when no credentials are given' {
        $r = Invoke-Child -ModulePath $script:CompatFirst -Map $script:Map -Command '$c = Connect-HVServer cs1; $c.User; $c.IsConnected; $c.ExtensionData.GetType().FullName'
        $r.Out -split "`n" | ForEach-Object Trim | Should -Be @('CORP\administrator', 'True', 'VMware.Hv.Services')
    }

    It 'makes a failed login a terminating error' {
        $r = Invoke-Child -ModulePath $script:CompatFirst -Map $script:Map -Command 'try { Connect-HVServer -Server cs1 -User op -Password wrong -Domain CORP; "connected" } catch { "caught " + $_.FullyQualifiedErrorId }'
        $r.Out | Should -BeLike 'caught InvalidCredentials*'
    }
}

Describe 'The PowerCLI object model in this session' {
    BeforeAll {
        $script:Serve = Start-HvSimulator
        $env:HVAPI_SERVERS = @{
            lab   = @{ worldFile = $script:Corp }
            cs1   = @{ backend = 'rest'; url = $script:Serve.Url }
            big   = @{ demo = @{ sites = 1; podsPerSite = 1; sessionsPerPod = 10000 } }
            huge  = @{ demo = @{ sites = 1; podsPerSite = 1; users = 260000 } }
        } | ConvertTo-Json -Depth 5 -Compress
        Import-Module (Join-Path $script:Compat 'VMware.VimAutomation.HorizonView') -Force
        Import-Module (Join-Path $script:Compat 'VMware.VimAutomation.Core') -Force
        Import-Module (Join-Path $PSScriptRoot 'compat/HvHelperStyle.psm1') -Force
    }
    AfterAll {
        foreach ($s in @($global:DefaultHVServers)) { if ($s) { Disconnect-HVServer -Server $s -Confirm:$false } }
        $global:DefaultHVServers = @()
        $env:HVAPI_SERVERS = $null
        $script:Serve.Kill()
    }
    AfterEach {
        foreach ($s in @($global:DefaultHVServers)) { if ($s) { Disconnect-HVServer -Server $s -Confirm:$false } }
        $global:DefaultHVServers = @()
    }

    It 'connects as PowerCLI does: one ViewObjectImpl, newest first in $DefaultHVServers, printable' {
        [VMware.VimAutomation.HorizonView.Impl.V1.ViewObjectImpl] $a = Connect-HVServer -Server lab -User administrator -Password (ConvertTo-SecureString 'x' -AsPlainText -Force) -Domain CORP
        $b = Connect-HVServer lab -Credential ([pscredential]::new('CORP\auditor', (ConvertTo-SecureString 'audit' -AsPlainText -Force))) -Force
        $a.GetType().Name | Should -Be 'ViewServerImpl'
        "$b" | Should -Not -BeNullOrEmpty
        $global:DefaultHVServers[0] | Should -Be $b
        $global:DefaultHVServers[1] | Should -Be $a
        $b.User | Should -Be 'CORP\auditor'
        # Several defaults: Disconnect-HVServer must be told which.
        { Disconnect-HVServer -Confirm:$false } | Should -Throw -ErrorId 'AmbiguousServer*'
        Disconnect-HVServer -Server $b -Confirm:$false
        Disconnect-HVServer -Force
        @($global:DefaultHVServers).Count | Should -Be 0
        $a.IsConnected | Should -BeFalse
    }

    It 'disconnects by name and with *, as PowerCLI scripts do' {
        $a = Connect-HVServer lab
        $null = Connect-HVServer big
        $null = Connect-HVServer big
        Disconnect-HVServer -Server lab -Confirm:$false
        $a.IsConnected | Should -BeFalse
        { Disconnect-HVServer -Server nosuch -Confirm:$false } | Should -Throw '*nosuch*'
        Disconnect-HVServer -Server * -Force -Confirm:$false
        @($global:DefaultHVServers).Count | Should -Be 0
    }

    It 'keeps Set-PowerCLIConfiguration quiet' {
        $out = Set-PowerCLIConfiguration -InvalidCertificateAction Ignore -ParticipateInCeip:$false -Scope Session -Confirm:$false
        $out | Should -BeNullOrEmpty
    }

    It 'reads the REST server a name maps to, and refuses a bad map' {
        $c = Connect-HVServer -Server cs1 -User 'CORP\administrator' -Password 'any'
        $c.Backend | Should -Be 'rest'
        $old = $env:HVAPI_SERVERS
        try {
            $env:HVAPI_SERVERS = '{not json'
            { Connect-HVServer -Server cs1 } | Should -Throw -ErrorId 'InvalidServerMap*'
            $env:HVAPI_SERVERS = Join-Path $TestDrive 'servers.json'
            @{ lab2 = @{ worldFile = $script:Corp } } | ConvertTo-Json | Set-Content $env:HVAPI_SERVERS
            (Connect-HVServer lab2).Name | Should -Be 'lab2'
        } finally { $env:HVAPI_SERVERS = $old }
    }

    It 'gives typed rows: ids as objects, UTC times, $null when unset, type names as text' {
        $s = (Connect-HVServer lab).ExtensionData
        $qs = New-Object ('VMware.Hv.' + 'QueryServiceService')
        $f = New-Object VMware.Hv.QueryFilterEquals -Property @{ MemberName = 'namesData.userName'; Value = 'CORP\carol' }
        $rows = $qs.queryservice_query($s, (New-Object VMware.Hv.QueryDefinition -Property @{ QueryEntityType = 'SessionLocalSummaryView'; Filter = $f })).Results
        $rows.Count | Should -Be 2
        $rows[0].Id | Should -BeOfType VMware.Hv.SessionId
        "$($rows[0].Id)" | Should -Be 'VMware.Hv.SessionId'
        "$f" | Should -Be 'VMware.Hv.QueryFilterEquals'
        $rows[0].SessionData.StartTime | Should -BeOfType DateTime
        $rows[0].SessionData.StartTime.Kind | Should -Be 'Utc'
        $connected = $rows | Where-Object { $_.SessionData.SessionState -eq 'connected' }
        $connected.SessionData.DisconnectTime | Should -BeNullOrEmpty
        ($rows | Where-Object { $_.SessionData.SessionState -eq 'DISCONNECTED' }).SessionData.DisconnectTime | Should -BeOfType DateTime
        $rows[0].NamesData.ClientVersion | Should -BeNullOrEmpty
        $rows[0].NoSuchMember | Should -BeNullOrEmpty
        [VMware.Hv.SessionId[]] $ids = @()
        $ids += $rows[0].Id
        $ids.Count | Should -Be 1
    }

    It 'refuses a string where a SessionId is expected, as PowerCLI does, and accepts lower-case info' {
        $s = (Connect-HVServer lab).ExtensionData
        { $s.Session.Session_Logoff('Session/a1') } | Should -Throw '*Cannot convert*SessionId*'
        $id = New-Object VMware.Hv.SessionId
        $id.Id = 'Session/a1'
        $s.Session.Session_SendMessage($id, 'info', 'hello')
        $s.Session.Session_GetLocalSummaryView($id).NamesData.UserName | Should -Be 'CORP\alice'
    }

    It 'surfaces faults as exceptions a try/catch sees, with the fault type' {
        $s = (Connect-HVServer lab).ExtensionData
        $id = New-Object VMware.Hv.SessionId -Property @{ Id = 'Session/none' }
        $caught = $null
        try { $s.Session.Session_LogoffForced($id) } catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.Exception.InnerException.FaultType | Should -Be 'EntityNotFound'
        "$caught" | Should -BeLike '*EntityNotFound*Session/none*'
    }

    It 'runs all 13 Session methods and all 7 UserHomeSite methods' {
        $s = (Connect-HVServer lab).ExtensionData
        function Id($t, $v) { $i = New-Object "VMware.Hv.$t"; $i.Id = $v; $i }
        # Sessions on vCenter-managed machines (resettable), one per method, from the 10,000.
        $big = (Connect-HVServer big).ExtensionData
        $vc = New-Object VMware.Hv.QueryFilterEquals -Property @{ MemberName = 'namesData.desktopSource'; Value = 'INSTANT_CLONE_ENGINE' }
        $ids = (New-Object VMware.Hv.QueryServiceService).QueryService_Query($big, (New-Object VMware.Hv.QueryDefinition -Property @{ QueryEntityType = 'SessionLocalSummaryView'; Filter = $vc; Limit = 13 })).Results.Id
        $ids.Count | Should -Be 13
        $big.Session.Session_Disconnect($ids[0])
        $big.Session.Session_GetLocalSummaryView($ids[0]).SessionData.SessionState | Should -Be 'DISCONNECTED'
        $big.Session.Session_DisconnectSessions(@($ids[1], $ids[2]))
        $big.Session.Session_SendMessages(@($ids[3]), 'WARNING', 'bye')
        $big.Session.Session_Reset($ids[4])
        $big.Session.Session_ResetSessions(@($ids[5]))
        $big.Session.Session_Restart($ids[6])
        $big.Session.Session_RestartSessions(@($ids[7]))
        $big.Session.Session_Logoff($ids[8])
        $big.Session.Session_LogoffForced($ids[9])
        $big.Session.Session_LogoffSessionsForced(@($ids[10]))
        $big.Session.Session_LogoffSessions(@($ids[11]))
        { $s.Session.Session_LogoffSessions(@((Id SessionId 'Session/b1'), (Id SessionId 'Session/none'))) } | Should -Throw '*PartialFailureFault*'
        $base = New-Object VMware.Hv.UserHomeSiteBase -Property @{ UserOrGroup = (Id UserOrGroupId 'UserOrGroup/alice'); Site = (Id SiteId 'Site/ldn'); GlobalEntitlement = (Id GlobalEntitlementId 'GlobalEntitlement/office') }
        $hs = $s.UserHomeSite.UserHomeSite_Create($base)
        $s.UserHomeSite.UserHomeSite_Get($hs).Base.GlobalEntitlement.Id | Should -Be 'GlobalEntitlement/office'
        $s.UserHomeSite.UserHomeSite_GetInfos(@($hs)).Count | Should -Be 1
        ($s.UserHomeSite.UserHomeSite_List((Id UserOrGroupId 'UserOrGroup/alice')).Id.Id) | Should -Contain $hs.Id
        $s.UserHomeSite.UserHomeSite_Resolve((Id UserOrGroupId 'UserOrGroup/alice'), (Id GlobalEntitlementId 'GlobalEntitlement/office'))[0].Base.Site.Id | Should -Be 'Site/ldn'
        $gae = $s.GlobalApplicationEntitlement.GlobalApplicationEntitlement_List()
        $gae.Base.DisplayName | Should -Be 'Calculator'
        $s.UserHomeSite.UserHomeSite_ResolveForGAE((Id UserOrGroupId 'UserOrGroup/bob'), $gae[0].Id)[0] | Should -BeOfType VMware.Hv.UserHomeSiteInfo
        $s.GlobalApplicationEntitlement.GlobalApplicationEntitlement_Get($gae[0].Id).Members.Id | Should -Be 'UserOrGroup/bob'
        $s.UserHomeSite.UserHomeSite_Delete($hs)
        { $s.UserHomeSite.UserHomeSite_Get($hs) } | Should -Throw '*EntityNotFound*'
    }

    It 'answers the read-only lookups with .Id and .Base.DisplayName' {
        $s = (Connect-HVServer lab).ExtensionData
        ($s.Site.Site_List().Base.DisplayName | Sort-Object) | Should -Be @('London', 'New York')
        $s.Site.Site_Get($s.Site.Site_List()[0].Id).Pods.Count | Should -BeGreaterThan 0
        ($s.Pod.Pod_List() | Where-Object LocalPod).Id.Id | Should -Be 'Pod/ldn-1'
        $s.Pod.Pod_Get(($s.Pod.Pod_List())[0].Id).DisplayName | Should -Not -BeNullOrEmpty
        $u = New-Object VMware.Hv.UserOrGroupId -Property @{ Id = 'UserOrGroup/g-sales' }
        $ad = $s.ADUserOrGroup.ADUserOrGroup_Get($u)
        $ad.Base.DisplayName | Should -Be 'CORP\Sales'
        $ad.Base.Group | Should -BeTrue
        $ge = $s.GlobalEntitlement.GlobalEntitlement_List()
        $s.GlobalEntitlement.GlobalEntitlement_Get($ge[0].Id).Base.DisplayName | Should -Be $ge[0].Base.DisplayName
    }

    It 'queries each entity type with PowerCLI''s member paths' {
        $s = (Connect-HVServer lab).ExtensionData
        $qs = New-Object VMware.Hv.QueryServiceService
        function Q($type, $filter) { $qs.QueryService_Query($s, (New-Object VMware.Hv.QueryDefinition -Property @{ QueryEntityType = $type; Filter = $filter })).Results }
        function Eq($m, $v) { New-Object VMware.Hv.QueryFilterEquals -Property @{ MemberName = $m; Value = $v } }
        $desk = Q DesktopSummaryView (Eq 'desktopSummaryData.displayName' 'Office VC')
        @($desk).Count | Should -Be 1
        (Q SessionLocalSummaryView (Eq 'referenceData.desktop' $desk[0].Id)).Id.Id | Should -Be @('Session/a1', 'Session/b1')
        $alice = Q ADUserOrGroupSummaryView (Eq 'base.loginName' 'alice')
        (Q SessionLocalSummaryView (Eq 'referenceData.user' $alice[0].Id)).Id.Id | Should -Be 'Session/a1'
        (Q SessionLocalSummaryView (New-Object VMware.Hv.QueryFilterStartsWith -Property @{ MemberName = 'namesData.userName'; Value = 'CORP\c' })).Count | Should -Be 2
        (Q SessionLocalSummaryView (New-Object VMware.Hv.QueryFilterNot -Property @{ Filter = (Eq 'namesData.userName' 'CORP\carol') })).Count | Should -Be 4
        (Q SessionLocalSummaryView (New-Object VMware.Hv.QueryFilterOr -Property @{ Filters = @((Eq 'namesData.userName' 'CORP\carol'), (Eq 'namesData.userName' 'CORP\dave')) })).Count | Should -Be 3
        (Q ADUserOrGroupSummaryView (New-Object VMware.Hv.QueryFilterNotEquals -Property @{ MemberName = 'base.group'; Value = $true })).Count | Should -BeGreaterThan 3
        (Q ADUserOrGroupSummaryView (Eq 'base.domain' 'CORP')).Count | Should -BeGreaterThan 3
        @(Q UserHomeSiteInfo).Count | Should -BeGreaterThan 0
        @(Q GlobalEntitlementSummaryView).Base.DisplayName | Should -Not -BeNullOrEmpty
        @(Q GlobalApplicationEntitlementInfo) | Should -Not -BeNullOrEmpty
        @(Q SessionGlobalSummaryView).Count | Should -Be 8
        $qs.QueryService_Count($s, (New-Object VMware.Hv.QueryDefinition -Property @{ QueryEntityType = 'SessionLocalSummaryView' })) | Should -Be 6
        { Q NoSuchView } | Should -Throw '*InvalidArgument*'
    }

    It 'keeps query ids as server-side cursors: 10,000 sessions paged with GetNext, each row once, while logging off' {
        $s = (Connect-HVServer big).ExtensionData
        $qs = New-Object VMware.Hv.QueryServiceService
        $page = $qs.QueryService_Create($s, (New-Object VMware.Hv.QueryDefinition -Property @{ QueryEntityType = 'SessionLocalSummaryView' }))
        $seen = [System.Collections.Generic.HashSet[string]]::new()
        $count = 0
        while ($true) {
            foreach ($r in $page.Results) { $null = $seen.Add($r.Id.Id); $count++ }
            # Rows ending between pages must not shift the pages that follow.
            if ($page.Results.Count -gt 0) { $s.Session.Session_LogoffForced($page.Results[0].Id) }
            if ($page.RemainingCount -le 0) { break }
            $page = $qs.QueryService_GetNext($s, $page.Id)
        }
        $count | Should -Be 10000
        $seen.Count | Should -Be 10000
        $qs.QueryService_Delete($s, $page.Id)
        { $qs.QueryService_GetNext($s, $page.Id) } | Should -Throw '*EntityNotFound*'
    }

    It 'bounds what queries hold: 250,000 rows a query, and says so' {
        $s = (Connect-HVServer huge).ExtensionData
        $qs = New-Object VMware.Hv.QueryServiceService
        $caught = $null
        try { $null = $qs.QueryService_Create($s, (New-Object VMware.Hv.QueryDefinition -Property @{ QueryEntityType = 'ADUserOrGroupSummaryView' })) } catch { $caught = $_ }
        $caught.Exception.InnerException.FaultType | Should -Be 'InvalidArgument'
        "$caught" | Should -BeLike '*more than 250,000 rows*'
        # A narrower query is fine; one page of sessions never holds rows at all.
        $f = New-Object VMware.Hv.QueryFilterStartsWith -Property @{ MemberName = 'base.name'; Value = 'user00001' }
        $qs.QueryService_Count($s, (New-Object VMware.Hv.QueryDefinition -Property @{ QueryEntityType = 'ADUserOrGroupSummaryView'; Filter = $f })) | Should -Be 10  # user000010 to user000019
        $page = $qs.QueryService_Query($s, (New-Object VMware.Hv.QueryDefinition -Property @{ QueryEntityType = 'SessionLocalSummaryView'; StartingOffset = 20; Limit = 10 }))
        $page.Results.Count | Should -Be 5
        $page.RemainingCount | Should -Be 0
        $page.StartingOffset | Should -Be 20
    }

    It 'runs Hv.Helper-style functions: the ViewServerImpl check, paging, home sites, pipeline binding' {
        $c = Connect-HVServer lab
        (Get-ViewAPIServiceStyle -HvServer $c).GetType().FullName | Should -Be 'VMware.Hv.Services'
        $rows = Get-LocalSessionPaged -PageSize 2
        $rows.Count | Should -Be 6
        (Get-HomeSiteStyle -Group 'CORP\Sales').Site | Should -Not -BeNullOrEmpty
        (Get-HomeSiteStyle -Group 'CORP\Sales')[0].Missing | Should -BeNullOrEmpty
        $carol = Get-LocalSessionPaged -Filter (New-Object VMware.Hv.QueryFilterEquals -Property @{ MemberName = 'namesData.userName'; Value = 'CORP\carol' })
        $carol | Stop-SessionsOfDesktop -Forced | Should -Be 2
        (Get-LocalSessionPaged).Count | Should -Be 4
        { Get-ViewAPIServiceStyle -HvServer 'cs1' } | Should -Throw '*ViewServerImpl*'
    }

    It 'shows the world''s AD display and login names and desktop display names, over REST too' {
        $w = Get-CorpWorld
        ($w.usersAndGroups | Where-Object id -EQ 'UserOrGroup/alice').displayName = 'Alice Liddell'
        ($w.usersAndGroups | Where-Object id -EQ 'UserOrGroup/alice').loginName = 'aliddell'
        ($w.desktops | Where-Object id -EQ 'Desktop/vc').displayName = 'Office Desktops'
        $path = Join-Path $TestDrive 'named.json'
        $w | ConvertTo-Json -Depth 10 | Set-Content $path
        $serve = Start-HvSimulator -World $path
        $old = $env:HVAPI_SERVERS
        try {
            $env:HVAPI_SERVERS = @{ named = @{ worldFile = $path }; namedrest = @{ backend = 'rest'; url = $serve.Url; domain = 'CORP' } } | ConvertTo-Json -Compress
            foreach ($name in 'named', 'namedrest') {
                $s = (Connect-HVServer $name).ExtensionData
                $qs = New-Object VMware.Hv.QueryServiceService
                $ad = $qs.QueryService_Query($s, (New-Object VMware.Hv.QueryDefinition -Property @{ QueryEntityType = 'ADUserOrGroupSummaryView'; Filter = (New-Object VMware.Hv.QueryFilterEquals -Property @{ MemberName = 'base.displayName'; Value = 'Alice Liddell' }) })).Results
                $ad.Id.Id | Should -Be 'UserOrGroup/alice'
                $ad.Base.Name | Should -Be 'alice'
                if ($name -eq 'named') { $ad.Base.LoginName | Should -Be 'aliddell' }  # hvapi serve's login_name is the name (README)
                if ($name -eq 'named') {
                    # (The REST backend has no desktop inventory: README, "The REST backend".)
                    $desk = $qs.QueryService_Query($s, (New-Object VMware.Hv.QueryDefinition -Property @{ QueryEntityType = 'DesktopSummaryView'; Filter = (New-Object VMware.Hv.QueryFilterEquals -Property @{ MemberName = 'desktopSummaryData.displayName'; Value = 'Office Desktops' }) }))
                    $desk.Results.Id.Id | Should -Be 'Desktop/vc'
                }
                $a1 = $s.Session.Session_GetLocalSummaryView((New-Object VMware.Hv.SessionId -Property @{ Id = 'Session/a1' }))
                $a1.NamesData.DesktopName | Should -Be 'Office Desktops'
                $s.ADUserOrGroup.ADUserOrGroup_Get($ad.Id).Base.DisplayName | Should -Be 'Alice Liddell'
            }
        } finally {
            $env:HVAPI_SERVERS = $old
            $serve.Kill()
        }
    }

    It 'lists the federation''s sessions by pod, user and brokering pod, over REST too' {
        foreach ($name in 'lab', 'cs1') {
            $c = if ($name -eq 'cs1') { Connect-HVServer cs1 -User administrator -Password any -Domain CORP } else { Connect-HVServer lab }
            $s = $c.ExtensionData
            $g = New-Object VMware.Hv.GlobalSessionQueryServiceService
            $pod = New-Object VMware.Hv.PodId -Property @{ Id = 'Pod/nyc-1' }
            $r = $g.GlobalSessionQueryService_QueryWithSpec($s, (New-Object VMware.Hv.GlobalSessionQueryServiceQuerySpec -Property @{ Pod = $pod }))
            $r.Results.Id.Id | Should -Be 'Session/n1'
            $r.Results[0].ReferenceData.Pod.Id | Should -Be 'Pod/nyc-1'
            $r.Results[0].NamesData.SiteName | Should -Be 'New York'
            $user = New-Object VMware.Hv.UserOrGroupId -Property @{ Id = 'UserOrGroup/bob' }
            $r = $s.GlobalSessionQueryService.GlobalSessionQueryService_QueryWithSpec((New-Object VMware.Hv.GlobalSessionQueryServiceQuerySpec -Property @{ User = $user }))
            $r.Results.Id.Id | Sort-Object | Should -Be @('Session/b1', 'Session/b2', 'Session/n2')
            $r = $g.GlobalSessionQueryService_QueryWithSpec($s, (New-Object VMware.Hv.GlobalSessionQueryServiceQuerySpec -Property @{ BrokeringPod = $pod }))
            $r.Results.Count | Should -Be 1
            $g.GlobalSessionQueryService_Delete($s, $r.Id)
            { $g.GlobalSessionQueryService_QueryWithSpec($s, (New-Object VMware.Hv.GlobalSessionQueryServiceQuerySpec)) } | Should -Throw '*InvalidArgument*'
            Disconnect-HVServer -Server $c -Confirm:$false
        }
    }
}

Describe "README's PowerCLI-style script" {
    It 'is powershell/demo-powercli.ps1 (run by scripts/demo.sh), and prints what README shows' {
        $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
        $readme = Get-Content -Raw (Join-Path $root 'README.md')
        $demo = Join-Path $root 'powershell/demo-powercli.ps1'
        # The fenced block of the "PowerCLI scripts" section: the script, then its output as comments.
        $block = [regex]::Match($readme, '(?s)```powershell\n(\$env:PSModulePath = "\$PWD/powershell/out/compat".*?)```').Groups[1].Value
        $code = ($block -split "`n" | Where-Object { $_ -notmatch '^# ' }) -join "`n"
        $expected = @($block -split "`n" | Where-Object { $_ -match '^# HVDEMO' } | ForEach-Object { $_.Substring(2) })
        $expected.Count | Should -Be 4
        $script = (Get-Content -Raw $demo) -replace '(?m)^#.*\n', ''
        $script.Trim() | Should -BeExactly $code.Trim()

        $info = [System.Diagnostics.ProcessStartInfo]::new($script:Pwsh)
        foreach ($a in '-NoLogo', '-NoProfile', '-NonInteractive', '-File', $demo) { $info.ArgumentList.Add($a) }
        $info.WorkingDirectory = $root
        $info.RedirectStandardOutput = $true
        $info.UseShellExecute = $false
        $p = [System.Diagnostics.Process]::Start($info)
        $out = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        $p.ExitCode | Should -Be 0
        @($out.Trim() -split '\r?\n') | Should -Be $expected
    }
}
