BeforeAll {
    . $PSScriptRoot/Common.ps1

    function Get-Ids { param($Sessions) @($Sessions | ForEach-Object Id | Sort-Object) }
    function Get-EventTypes { param([string] $Session) @(Get-HvEvent -Session $Session | ForEach-Object Type) }
}

Describe 'Get-HvSession' {
    BeforeAll { $null = Connect-Corp }
    AfterAll { Reset-HvConnections }

    It 'lists the local sessions as typed objects' {
        $all = Get-HvSession
        $all | Should -HaveCount 6
        $all | ForEach-Object { $_ | Should -BeOfType HvApi.HvSession }
        Get-Ids $all | Should -Be @('Session/a1', 'Session/b1', 'Session/b2', 'Session/c1', 'Session/c2', 'Session/d1')
    }

    It 'has flat properties and the contract''s NamesData, ReferenceData and SessionData' {
        $s = Get-HvSession -Id Session/a1
        $s.UserName | Should -Be 'CORP\alice'
        $s.NamesData.UserName | Should -Be 'CORP\alice'
        $s.NamesData.userName | Should -Be 'CORP\alice'
        $s.DesktopName | Should -Be 'Office VC'
        $s.MachineName | Should -Be 'vc-01'
        $s.State | Should -Be 'Connected'
        $s.State | Should -BeOfType HvApi.HvSessionState
        $s.Protocol | Should -Be 'BLAST'
        $s.SessionType | Should -Be 'Desktop'
        $s.StartTime | Should -BeOfType datetime
        $s.StartTime.ToUniversalTime() | Should -Be ([datetime]::new(2026, 11, 22, 8, 15, 0, [DateTimeKind]::Utc))
        $s.ClientName | Should -Be 'alice-laptop'
        $s.ReferenceData.User | Should -Be 'UserOrGroup/alice'
        $s.ReferenceData.Groups | Should -Be @('UserOrGroup/g-eng', 'UserOrGroup/g-sales')
        $s.ReferenceData.AccessGroup | Should -Be 'AccessGroup/sales'
        $s.SessionData.SessionState | Should -Be 'CONNECTED'
        (Get-HvSession -Id Session/b2).ApplicationNames | Should -Be @('Calculator')
    }

    It 'gives the same sessions from a query page (read on first use) as one by one' {
        foreach ($s in Get-HvSession) {
            $one = Get-HvSession -Id $s.Id
            foreach ($part in 'NamesData', 'ReferenceData', 'SessionData') {
                ($s.$part | ConvertTo-Json -Compress) | Should -Be ($one.$part | ConvertTo-Json -Compress) -Because "$($s.Id) $part"
            }
            $s.State | Should -Be $one.State
        }
    }

    It 'reads a page''s rows safely from many threads at once' {
        $rows = Get-HvSession
        $states = $rows | ForEach-Object -Parallel { $_.SessionData.SessionState } -ThrottleLimit 8
        ($states | Sort-Object) | Should -Be (($rows | ForEach-Object { (Get-HvSession -Id $_.Id).SessionData.SessionState }) | Sort-Object)
    }

    It 'filters by <Name>' -TestCases @(
        @{ Name = 'exact user name, any case'; Params = @{ UserName = 'corp\CAROL' }; Expected = @('Session/c1', 'Session/c2') }
        @{ Name = 'user name wildcard'; Params = @{ UserName = '*\b*' }; Expected = @('Session/b1', 'Session/b2') }
        @{ Name = 'several user names'; Params = @{ UserName = 'CORP\alice', 'CORP\dave' }; Expected = @('Session/a1', 'Session/d1') }
        @{ Name = 'desktop name'; Params = @{ DesktopName = 'dev*' }; Expected = @('Session/c1', 'Session/c2') }
        @{ Name = 'machine name with ?'; Params = @{ MachineName = 'vc-0?' }; Expected = @('Session/a1', 'Session/b1') }
        @{ Name = 'machine name with []'; Params = @{ MachineName = 'ic-0[2-9]' }; Expected = @('Session/c2') }
        @{ Name = 'client name contains'; Params = @{ ClientName = '*-desk*' }; Expected = @('Session/b1') }
        @{ Name = 'state'; Params = @{ State = 'Disconnected' }; Expected = @('Session/c1') }
        @{ Name = 'states'; Params = @{ State = 'Disconnected', 'Pending' }; Expected = @('Session/c1', 'Session/d1') }
        @{ Name = 'type'; Params = @{ Type = 'Application' }; Expected = @('Session/b2') }
        @{ Name = 'user and state together'; Params = @{ UserName = 'CORP\carol'; State = 'Connected' }; Expected = @('Session/c2') }
        @{ Name = 'a name that matches nothing'; Params = @{ UserName = 'CORP\nobody' }; Expected = @() }
    ) {
        Get-Ids (Get-HvSession @Params) | Should -Be $Expected
    }

    It 'gets sessions by id, each missing one a non-terminating EntityNotFound error' {
        $r = Invoke-Captured { Get-HvSession -Id Session/a1, Session/nope, Session/n1, Session/c1 }
        Get-Ids $r.Output | Should -Be @('Session/a1', 'Session/c1')
        $r.Errors | Should -HaveCount 2
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'EntityNotFound,HvApi.Commands.GetHvSessionCommand'
        $r.Errors[0].TargetObject | Should -Be 'Session/nope'
        $r.Errors[1].TargetObject | Should -Be 'Session/n1' # remote: not visible (contract 5.2)
        $r.Errors[1].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $r.Terminating | Should -BeNullOrEmpty
    }

    It 'takes ids from the pipeline' {
        Get-Ids ('Session/a1', 'Session/b1' | Get-HvSession) | Should -Be @('Session/a1', 'Session/b1')
    }

    It 'pages through more sessions than one page holds' {
        $null = Connect-HvServer -Demo -DemoCounts @{ sites = 1; podsPerSite = 1; sessionsPerPod = 2500 } -NotDefault |
            Set-Variable -Name big -PassThru
        $all = Get-HvSession -Server $big
        $all | Should -HaveCount 2500
        ($all.Id | Sort-Object -Unique) | Should -HaveCount 2500
        Disconnect-HvServer -Server $big
    }
}

Describe 'Invoke-HvSessionLogoff' {
    BeforeEach { $null = Connect-Corp }
    AfterEach { Reset-HvConnections }

    It 'logs off a session and records the event' {
        Invoke-HvSessionLogoff -Id Session/a1 -Confirm:$false
        Get-HvSession -Id Session/a1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-EventTypes Session/a1 | Should -Be @('ADMIN_DESKTOP_SESSION_LOGOFF')
    }

    It 'changes nothing and records no event with -WhatIf' {
        Get-HvSession | Invoke-HvSessionLogoff -WhatIf
        Get-HvSession -Id Session/a1 | Invoke-HvSessionLogoff -Force -WhatIf
        Get-HvSession | Should -HaveCount 6
        Get-HvEvent | Should -BeNullOrEmpty
    }

    It 'refuses a locked session without -Force (InvalidState) and logs it off with -Force' {
        $r = Invoke-Captured { Invoke-HvSessionLogoff -Id Session/b1 -Confirm:$false }
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidState,*'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $r.Errors[0].TargetObject | Should -Be 'Session/b1'
        $r.Errors[0].Exception.Id | Should -Be 'Session/b1'
        Invoke-HvSessionLogoff -Id Session/b1 -Force
        Get-EventTypes Session/b1 | Should -Be @('ADMIN_DESKTOP_SESSION_LOGOFF_FAILED', 'ADMIN_DESKTOP_SESSION_LOGOFF')
    }

    It 'logs off what the pipeline gives it: Get-HvSession -State Disconnected | Invoke-HvSessionLogoff -Force' {
        Get-HvSession -State Disconnected | Invoke-HvSessionLogoff -Force
        Get-Ids (Get-HvSession) | Should -Be @('Session/a1', 'Session/b1', 'Session/b2', 'Session/c2', 'Session/d1')
    }

    It 'reports each failed item of a batch as its own error, against its id, and does the rest' {
        $r = Invoke-Captured { Invoke-HvSessionLogoff -Id Session/a1, Session/nope, Session/b1, Session/c1 -Confirm:$false }
        $r.Terminating | Should -BeNullOrEmpty
        $r.Errors | Should -HaveCount 2
        $r.Errors[0].TargetObject | Should -Be 'Session/nope'
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'EntityNotFound,HvApi.Commands.InvokeHvSessionLogoffCommand'
        $r.Errors[0].Exception | Should -BeOfType HvApi.HvFaultException
        $r.Errors[0].Exception.Id | Should -Be 'Session/nope'
        $r.Errors[1].TargetObject | Should -Be 'Session/b1'
        $r.Errors[1].FullyQualifiedErrorId | Should -BeLike 'InvalidState,*'
        Get-Ids (Get-HvSession) | Should -Be @('Session/b1', 'Session/b2', 'Session/c2', 'Session/d1')
    }

    It 'reports an id of another type as InvalidType against that id, and still does the others' {
        $r = Invoke-Captured { Invoke-HvSessionLogoff -Id Site/ldn, Session/a1, Session/c1 -Confirm:$false }
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidType,*'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $r.Errors[0].TargetObject | Should -Be 'Site/ldn'
        $r.Errors[0].Exception.ExpectedType | Should -Be 'SessionId'
        Get-HvSession | Should -HaveCount 4
    }

    It 'calls the batch method once per chunk of 1,000 ids, never once per item' {
        $big = Connect-HvServer -Demo -DemoCounts @{ sites = 1; podsPerSite = 1; sessionsPerPod = 2500 }
        $verbose = Get-HvSession | Invoke-HvSessionLogoff -Force -Verbose 4>&1
        @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) | Should -Be @(
            'Session_LogoffSessionsForced: ids 1 to 1000 of 2500'
            'Session_LogoffSessionsForced: ids 1001 to 2000 of 2500'
            'Session_LogoffSessionsForced: ids 2001 to 2500 of 2500'
        )
        Get-HvSession | Should -BeNullOrEmpty
        $events = Get-HvEvent
        $events | Should -HaveCount 2500
        @($events | Where-Object Type -NE 'ADMIN_DESKTOP_SESSION_LOGOFF') | Should -HaveCount 0
        # One batch is one atomic write: its events are consecutive and in the order of the ids.
        $ids = @(Get-HvEvent -First 1000 | ForEach-Object Session)
        $ids[0] | Should -Be 'Session/pod-1-1-0000001'
        $ids[999] | Should -Be 'Session/pod-1-1-0001000'
    }

    It 'shows progress past 100 ids' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$script:ModulePath'; `$null = Connect-HvServer -Demo -DemoCounts @{ sites = 1; podsPerSite = 1; sessionsPerPod = 150 }; Get-HvSession | Invoke-HvSessionLogoff -Force").Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $ps.Streams.Progress.Count | Should -BeGreaterThan 0
            $ps.Streams.Progress[-1].RecordType | Should -Be 'Completed'
        } finally {
            $ps.Dispose()
        }
    }

    It 'logs off a remote session through its pod, and fails for an unreachable pod (UnexpectedFault)' {
        Invoke-HvSessionLogoff -Id Session/n1 -Confirm:$false
        Get-EventTypes Session/n1 | Should -Be @('VLSI_FEDERATED_DESKTOP_SESSION_LOGOFF_REQUEST_SENT')
        $r = Invoke-Captured { Invoke-HvSessionLogoff -Id Session/n2 -Confirm:$false }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'UnexpectedFault,*'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $r.Errors[0].TargetObject | Should -Be 'Session/n2'
        Get-EventTypes Session/n2 | Should -Be @('VLSI_FEDERATED_DESKTOP_SESSION_LOGOFF_REQUEST_SEND_FAILED')
    }
}

Describe 'Disconnect-HvSession' {
    BeforeEach { $null = Connect-Corp }
    AfterEach { Reset-HvConnections }

    It 'disconnects, and refuses a session already disconnected' {
        Disconnect-HvSession -Id Session/a1
        (Get-HvSession -Id Session/a1).State | Should -Be 'Disconnected'
        $r = Invoke-Captured { Disconnect-HvSession -Id Session/a1, Session/c2 }
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].TargetObject | Should -Be 'Session/a1'
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidState,HvApi.Commands.DisconnectHvSessionCommand'
        (Get-HvSession -Id Session/c2).State | Should -Be 'Disconnected'
        Get-EventTypes Session/a1 | Should -Be @('ADMIN_DESKTOP_SESSION_DISCONNECTED', 'ADMIN_DESKTOP_SESSION_DISCONNECT_FAILED')
    }

    It 'does not ask for confirmation by default (medium impact)' {
        (Get-Command Disconnect-HvSession).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact |
            Should -Be 'Medium'
    }
}

Describe 'Reset-HvSession and Restart-HvSession' {
    BeforeEach { $null = Connect-Corp }
    AfterEach { Reset-HvConnections }

    It '<Command> ends a desktop session on a managed machine' -TestCases @(
        @{ Command = 'Reset-HvSession'; Event = 'ADMIN_DESKTOP_SESSION_REBOOTED' }
        @{ Command = 'Restart-HvSession'; Event = 'ADMIN_DESKTOP_SESSION_RESTARTED' }
    ) {
        & $Command -Id Session/c2 -Confirm:$false
        Get-HvSession -Id Session/c2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-EventTypes Session/c2 | Should -Be @($Event)
    }

    It '<Command> refuses application sessions and unmanaged machines (InvalidArgument per id)' -TestCases @(
        @{ Command = 'Reset-HvSession' }
        @{ Command = 'Restart-HvSession' }
    ) {
        $r = Invoke-Captured { & $Command -Id Session/b2, Session/d1, Session/a1 -Confirm:$false }
        $r.Errors.TargetObject | Should -Be @('Session/b2', 'Session/d1')
        $r.Errors | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*' }
        $r.Errors[0].Exception.ParameterName | Should -Be 'id'
        Get-HvSession -Id Session/a1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It '<Command> is high impact and changes nothing with -WhatIf' -TestCases @(
        @{ Command = 'Reset-HvSession' }
        @{ Command = 'Restart-HvSession' }
        @{ Command = 'Invoke-HvSessionLogoff' }
    ) {
        (Get-Command $Command).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact |
            Should -Be 'High'
        & $Command -Id Session/c2 -WhatIf
        Get-HvSession -Id Session/c2 | Should -Not -BeNullOrEmpty
        Get-HvEvent | Should -BeNullOrEmpty
    }
}

Describe 'Send-HvSessionMessage' {
    BeforeEach { $null = Connect-Corp }
    AfterEach { Reset-HvConnections }

    It 'sends an Info message by default, recording type and text' {
        Send-HvSessionMessage -Id Session/a1 -Message 'Maintenance at 18:00'
        $e = Get-HvEvent -Session Session/a1
        $e.Type | Should -Be 'ADMIN_SESSION_SENDMSG'
        $e.Message | Should -BeLike '*INFO*Maintenance at 18:00*'
    }

    It 'sends one batch to many sessions with -MessageType' {
        Get-HvSession -UserName 'CORP\carol' | Send-HvSessionMessage -Message 'Save your work' -MessageType Warning -Verbose 4>&1 |
            ForEach-Object Message | Where-Object { $_ -like 'Session_*' } | Should -Be 'Session_SendMessages: ids 1 to 2 of 2'
        @(Get-HvEvent -Type ADMIN_SESSION_SENDMSG) | Should -HaveCount 2
        (Get-HvEvent -Session Session/c1).Message | Should -BeLike '*WARNING*Save your work*'
    }

    It 'refuses an empty message with one terminating InvalidArgument error, sending nothing' {
        $r = Invoke-Captured { Get-HvSession | Send-HvSessionMessage -Message '' }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        $r.Terminating.Exception.ParameterName | Should -Be 'message'
        Get-HvEvent | Should -BeNullOrEmpty
    }

    It 'records nothing with -WhatIf' {
        Send-HvSessionMessage -Id Session/a1 -Message 'hi' -WhatIf
        Get-HvEvent | Should -BeNullOrEmpty
    }
}

Describe 'Privileges' {
    AfterEach { Reset-HvConnections }

    It 'gives a caller with no session privilege anywhere one terminating PermissionDenied error' {
        $null = Connect-Corp -User 'CORP\nobody' -Password nothing
        $r = Invoke-Captured { Invoke-HvSessionLogoff -Id Session/a1, Session/c1 -Confirm:$false }
        $r.Terminating.FullyQualifiedErrorId | Should -Be 'InsufficientPermission,HvApi.Commands.InvokeHvSessionLogoffCommand'
        $r.Terminating.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $r.Terminating.Exception.Privileges | Should -Contain 'MACHINE_MANAGE_VDI_SESSION'
        $r = Invoke-Captured { Get-HvSession }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'InsufficientPermission,*'
    }

    It 'reports a session outside the caller''s access groups as an item error with its resource' {
        $null = Connect-Corp -User 'CORP\op' -Password op-pass
        Get-Ids (Get-HvSession) | Should -Be @('Session/a1', 'Session/b1', 'Session/b2', 'Session/d1') # Sales only
        $r = Invoke-Captured { Invoke-HvSessionLogoff -Id Session/a1, Session/c2 -Confirm:$false }
        $r.Terminating | Should -BeNullOrEmpty
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].TargetObject | Should -Be 'Session/c2'
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InsufficientPermission,*'
        $r.Errors[0].Exception.Resource | Should -Be 'Session/c2'
        $r.Errors[0].Exception.AccessGroup | Should -Be 'AccessGroup/eng'
    }
}
