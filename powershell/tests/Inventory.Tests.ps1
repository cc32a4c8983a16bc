BeforeAll {
    . $PSScriptRoot/Common.ps1
}

Describe 'The inventory cmdlets' {
    BeforeAll { $null = Connect-Corp }
    AfterAll { Reset-HvConnections }

    It '<Command> lists every <Type> as typed objects' -TestCases @(
        @{ Command = 'Get-HvSite'; Type = 'HvApi.HvSite'; Count = 2 }
        @{ Command = 'Get-HvPod'; Type = 'HvApi.HvPod'; Count = 3 }
        @{ Command = 'Get-HvAccessGroup'; Type = 'HvApi.HvAccessGroup'; Count = 3 }
        @{ Command = 'Get-HvUserOrGroup'; Type = 'HvApi.HvUserOrGroup'; Count = 8 }
        @{ Command = 'Get-HvGlobalEntitlement'; Type = 'HvApi.HvGlobalEntitlement'; Count = 2 }
        @{ Command = 'Get-HvGlobalApplicationEntitlement'; Type = 'HvApi.HvGlobalApplicationEntitlement'; Count = 1 }
        @{ Command = 'Get-HvDesktop'; Type = 'HvApi.HvDesktop'; Count = 5 }
        @{ Command = 'Get-HvFarm'; Type = 'HvApi.HvFarm'; Count = 1 }
    ) {
        $all = & $Command
        $all | Should -HaveCount $Count
        $all | ForEach-Object { $_ | Should -BeOfType $Type }
    }

    It 'finds by name with wildcards, without regard to case' {
        (Get-HvSite -Name 'lon*').Id | Should -Be 'Site/ldn'
        (Get-HvSite -Name 'NEW YORK').Id | Should -Be 'Site/nyc'
        (Get-HvDesktop -Name '*desktop').Id | Should -Be @('Desktop/nyc', 'Desktop/nyc2')
        (Get-HvPod -Name 'New York ?').Id | Should -Be @('Pod/nyc-1', 'Pod/nyc-2')
        Get-HvSite -Name Paris | Should -BeNullOrEmpty
    }

    It 'finds users and groups as DOMAIN\name' {
        (Get-HvUserOrGroup -Name 'LAB\*').Id | Should -Be 'UserOrGroup/lab-alice'
        (Get-HvUserOrGroup -Name 'alice').Id | Should -Be @('UserOrGroup/alice', 'UserOrGroup/lab-alice')
        $g = Get-HvUserOrGroup -Name 'corp\sales'
        $g.Group | Should -BeTrue
        $g.DisplayName | Should -Be 'CORP\Sales'
        $g.Members | Should -Be @('UserOrGroup/alice', 'UserOrGroup/bob')
    }

    It 'finds by id' {
        (Get-HvPod -Id Pod/nyc-2).Reachable | Should -BeFalse
        (Get-HvAccessGroup -Id AccessGroup/eng).Parent | Should -Be 'AccessGroup/root'
        (Get-HvDesktop -Id Desktop/ic, Desktop/vc).DesktopSource | Should -Be @('VIRTUAL_CENTER', 'INSTANT_CLONE_ENGINE')
        (Get-HvGlobalEntitlement -Id GlobalEntitlement/dev).Name | Should -Be 'Dev Desktop'
        (Get-HvFarm -Id Farm/apps).Pod | Should -Be 'Pod/ldn-1'
    }

    It 'pipes into the home-site cmdlets by name' {
        (Get-HvUserOrGroup -Name 'CORP\Sales' | Get-HvUserHomeSite).Site | Should -Be 'Site/nyc'
        (Get-HvUserOrGroup -Name 'CORP\Sales', 'CORP\Engineering' | Get-HvUserHomeSite).Id | Should -Be @('UserHomeSite/sales-global', 'UserHomeSite/eng-global')
    }
}

Describe 'Get-HvEvent' {
    BeforeAll {
        $null = Connect-Corp
        Invoke-HvSessionLogoff -Id Session/a1, Session/b1, Session/nope -Confirm:$false -ErrorAction SilentlyContinue
        Send-HvSessionMessage -Id Session/c2 -Message 'hello'
    }
    AfterAll { Reset-HvConnections }

    It 'returns the audit trail oldest first, as typed events' {
        $e = Get-HvEvent
        $e | Should -HaveCount 4
        $e | ForEach-Object { $_ | Should -BeOfType HvApi.HvEvent }
        $e.Id | Should -Be @($e.Id | Sort-Object)
        $e[0].Admin | Should -Be 'CORP\administrator'
        $e[0].Time | Should -BeOfType datetime
        $e[0].Severity | Should -Be 'AUDIT_SUCCESS'
    }

    It 'filters by type, with wildcards' {
        (Get-HvEvent -Type '*LOGOFF_FAILED').Session | Should -Be @('Session/b1', 'Session/nope')
        @(Get-HvEvent -Type 'admin_desktop_session_logoff') | Should -HaveCount 1
        @(Get-HvEvent -Type '*SENDMSG', '*LOGOFF') | Should -HaveCount 2
    }

    It 'filters by session and takes the first N' {
        (Get-HvEvent -Session Session/c2).Type | Should -Be 'ADMIN_SESSION_SENDMSG'
        (Get-HvEvent -First 2).Session | Should -Be @('Session/a1', 'Session/b1')
        (Get-HvEvent -Type *FAILED -First 1).Session | Should -Be 'Session/b1'
    }
}

Describe 'Invoke-HvMethod' {
    BeforeEach { $null = Connect-Corp }
    AfterEach { Reset-HvConnections }

    It 'calls a method with a hashtable and returns objects' {
        $page = Invoke-HvMethod -Method Session_Query -Request @{ limit = 2; filter = @{ type = 'Equals'; memberName = 'namesData.userName'; value = 'CORP\carol' } }
        $page.results | Should -HaveCount 2
        $page.results[0].namesData.userName | Should -Be 'CORP\carol'
        $page.remainingCount | Should -Be 0
    }

    It 'calls a method with JSON text, and returns arrays item by item' {
        $list = Invoke-HvMethod UserHomeSite_List '{"userOrGroup": "UserOrGroup/g-sales"}'
        $list.id | Should -Be 'UserHomeSite/sales-global'
        $list.base.site | Should -Be 'Site/nyc'
        Invoke-HvMethod Session_Logoff @{ id = 'Session/a1' } | Should -BeNullOrEmpty
        (Get-HvEvent).Type | Should -Be 'ADMIN_DESKTOP_SESSION_LOGOFF'
    }

    It 'turns a PartialFailureFault into one error per failed id' {
        $r = Invoke-Captured { Invoke-HvMethod Session_LogoffSessions @{ ids = @('Session/a1', 'Session/nope', 'Session/b1') } }
        $r.Errors.TargetObject | Should -Be @('Session/nope', 'Session/b1')
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'EntityNotFound,HvApi.Commands.InvokeHvMethodCommand'
        $r.Errors[1].FullyQualifiedErrorId | Should -BeLike 'InvalidState,*'
    }

    It 'fails as a whole for an unknown method or a malformed request' {
        $r = Invoke-Captured { Invoke-HvMethod Session_Nope }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        $r.Terminating.Exception.ParameterName | Should -Be 'method'
        $r = Invoke-Captured { Invoke-HvMethod Session_Logoff @{ id = 'Session/a1'; extra = 1 } }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        $r = Invoke-Captured { Invoke-HvMethod Session_Logoff @{ id = 5 } }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'InvalidType,*'
        $r = Invoke-Captured { Invoke-HvMethod Session_Logoff '{"id": ' }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'InvalidJson,*'
        Get-HvEvent | Should -BeNullOrEmpty
    }

    It 'refuses a cyclic request instead of overflowing the stack' {
        $cycle = @{ id = 'Session/a1' }
        $cycle.self = $cycle
        $r = Invoke-Captured { Invoke-HvMethod Session_Logoff $cycle }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'RequestTooDeep,*'
        $r.Terminating.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'answers any junk with errors, never a crash, and changes nothing' {
        $junk = @('', 'null', '[]', '"text"', '{"ids": []}', '{"ids": [null]}', '{"id": "Session/"}', "{`"id`": `"Session/\u0000`"}",
            '{"filter": {"type": "Nope"}}', '{"limit": -1}', ('[' * 70) + (']' * 70), '{"id": "' + ('x' * 100000) + '"}')
        foreach ($method in 'Session_Logoff', 'Session_LogoffSessions', 'Session_Query', 'UserHomeSite_Create', 'Inventory_Query') {
            foreach ($request in $junk) {
                $r = Invoke-Captured { Invoke-HvMethod $method $request }
                [bool]($r.Terminating -or $r.Errors) | Should -BeTrue -Because "$method $($request.Substring(0, [Math]::Min(40, $request.Length)))"
            }
        }
        Get-HvSession | Should -HaveCount 6
        Get-HvEvent | Should -BeNullOrEmpty
    }

    It 'changes nothing with -WhatIf' {
        Invoke-HvMethod Session_Logoff @{ id = 'Session/a1' } -WhatIf
        Get-HvSession -Id Session/a1 | Should -Not -BeNullOrEmpty
    }
}

Describe 'Every fault type as a PowerShell error' {
    AfterEach { Reset-HvConnections }

    It '<Fault> has errorId <Fault> and category <Category>' -TestCases @(
        @{ Fault = 'EntityNotFound'; Category = 'ObjectNotFound'; Script = { Invoke-HvSessionLogoff -Id Session/nope -Confirm:$false } }
        @{ Fault = 'InsufficientPermission'; Category = 'PermissionDenied'; Script = {
                $null = Connect-Corp -User 'CORP\op' -Password op-pass
                Invoke-HvSessionLogoff -Id Session/c1 -Confirm:$false } }
        @{ Fault = 'InvalidArgument'; Category = 'InvalidArgument'; Script = { Reset-HvSession -Id Session/b2 -Confirm:$false } }
        @{ Fault = 'InvalidType'; Category = 'InvalidArgument'; Script = { Disconnect-HvSession -Id Site/ldn } }
        @{ Fault = 'InvalidRequest'; Category = 'InvalidArgument'; Script = { New-HvUserHomeSite -UserOrGroup 'CORP\dave' -Site London -GlobalEntitlement 'Dev Desktop' } }
        @{ Fault = 'InvalidState'; Category = 'InvalidOperation'; Script = { Disconnect-HvSession -Id Session/c1 } }
        @{ Fault = 'UnexpectedFault'; Category = 'ResourceUnavailable'; Script = { Send-HvSessionMessage -Id Session/n2 -Message hi } }
    ) {
        $null = Connect-Corp
        $r = Invoke-Captured $Script
        $r.Terminating | Should -BeNullOrEmpty
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike "$Fault,HvApi.Commands.*"
        $r.Errors[0].CategoryInfo.Category | Should -Be $Category
        $r.Errors[0].Exception | Should -BeOfType HvApi.HvFaultException
        $r.Errors[0].Exception.Type | Should -Be $Fault
        $r.Errors[0].Exception.Json | Should -BeLike "*`"type`":`"$Fault`"*"
    }

    It 'maps every fault type in one table' {
        $map = [HvApi.HvFaultException]::Categories
        $map['InvalidCredentials'] | Should -Be 'AuthenticationError'
        $map.Count | Should -Be 9
    }
}
