BeforeAll {
    . $PSScriptRoot/Common.ps1

    function Get-Cred([string] $User, [string] $Password) {
        [pscredential]::new($User, (ConvertTo-SecureString $Password -AsPlainText -Force))
    }
}

Describe 'Connect-HvServer -Server (the REST backend, against hvapi serve)' {
    BeforeEach {
        $script:Sim = Start-HvSimulator
        $script:Admin = Get-Cred 'CORP\administrator' 'any'
    }
    AfterEach {
        Reset-HvConnections
        $script:Sim.Kill()
    }

    It 'connects and describes the connection' {
        $s = Connect-HvServer -Server $script:Sim.Url -Credential $script:Admin
        $s.Backend | Should -Be 'rest'
        $s.User | Should -Be 'CORP\administrator'
        $s.Name | Should -Be '127.0.0.1'
        $s.LocalPod | Should -Be 'Pod/ldn-1'
        $s.IsConnected | Should -BeTrue
    }

    It 'refuses wrong credentials with InvalidCredentials' {
        $r = Invoke-Captured { Connect-HvServer -Server $script:Sim.Url -Credential (Get-Cred 'CORP\op' 'wrong') }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'InvalidCredentials,*'
        $r.Terminating.CategoryInfo.Category | Should -Be 'AuthenticationError'
    }

    It 'refuses an address that is not http(s)' {
        $r = Invoke-Captured { Connect-HvServer -Server 'ftp://cs1' -Credential $script:Admin }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'InvalidServerUri,*'
    }

    It 'runs the session cmdlets over the wire: query, filters, batches and per-item errors' {
        $null = Connect-HvServer -Server $script:Sim.Url -Credential $script:Admin
        @(Get-HvSession) | Should -HaveCount 6
        (Get-HvSession -UserName 'corp\carol').Id | Sort-Object | Should -Be @('Session/c1', 'Session/c2')
        (Get-HvSession -State Disconnected).Id | Should -Be 'Session/c1'
        (Get-HvSession -Id Session/a1).NamesData.UserName | Should -Be 'CORP\alice'
        $r = Invoke-Captured { Get-HvSession -UserName 'CORP\bob', 'CORP\alice' | Invoke-HvSessionLogoff -Confirm:$false }
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].TargetObject | Should -Be 'Session/b1'
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidState,*'
        (Get-HvSession).Id | Sort-Object | Should -Be @('Session/b1', 'Session/c1', 'Session/c2', 'Session/d1')
        Send-HvSessionMessage -Id Session/c2 -Message 'hello over REST'
        # The session and the administrator come from the events' extended attributes.
        $e = Get-HvEvent -Type ADMIN_SESSION_SENDMSG -Session Session/c2
        $e.Message | Should -BeLike '*hello over REST*'
        $e.Admin | Should -Be 'CORP\administrator'
    }

    It 'acts on other pods'' sessions through the global-session endpoints' {
        $null = Connect-HvServer -Server $script:Sim.Url -Credential $script:Admin
        # Session/n1 is on Pod/nyc-1, Session/n2 on the unreachable Pod/nyc-2, a1 local.
        $r = Invoke-Captured { 'Session/a1', 'Session/n1', 'Session/n2' | Disconnect-HvSession -Confirm:$false }
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].TargetObject | Should -Be 'Session/n2'
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'UnexpectedFault,*'
        (Get-HvEvent -Type VLSI_FEDERATED_DESKTOP_SESSION_DISCONNECT_REQUEST_SENT) | Should -HaveCount 1
        (Get-HvEvent -Type VLSI_FEDERATED_DESKTOP_SESSION_DISCONNECT_REQUEST_SEND_FAILED) | Should -HaveCount 1
        Invoke-HvSessionLogoff -Id Session/n1 -Force
        $r = Invoke-Captured { Invoke-HvSessionLogoff -Id Session/n1 -Force }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'EntityNotFound,*'
    }

    It 'stops at Ctrl+C while a server does not answer, and the connection stays usable' {
        $s = Connect-HvServer -Server $script:Sim.Url -Credential $script:Admin -TimeoutSeconds 60
        # The server is frozen (SIGSTOP): connections are accepted, nothing is answered.
        $script:Sim.Freeze()
        try {
            $ps = [powershell]::Create()
            $null = $ps.AddCommand('Import-Module').AddArgument($script:ModulePath).AddStatement()
            $null = $ps.AddCommand('Get-HvSession').AddParameter('Server', $s)
            $async = $ps.BeginInvoke()
            Start-Sleep -Milliseconds 500
            $async.IsCompleted | Should -BeFalse -Because 'the call waits on the frozen server'
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10 -Because 'Ctrl+C does not wait for the 60 s timeout'
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $ps.Dispose()
        } finally {
            $script:Sim.Thaw()
        }
        @(Get-HvSession -Server $s) | Should -HaveCount 6
    }

    It 'runs the home-site cmdlets over the wire' {
        $null = Connect-HvServer -Server $script:Sim.Url -Credential $script:Admin
        (Get-HvUserHomeSite -UserOrGroup 'CORP\Sales').SiteName | Should -Be 'New York'
        $h = New-HvUserHomeSite -UserOrGroup 'CORP\dave' -Site London
        $h.Site | Should -Be 'Site/ldn'
        (Resolve-HvUserHomeSite -User 'CORP\alice' -GlobalEntitlement 'Dev Desktop').Source | Should -Be 'GROUP_DEFAULT'
        $h | Remove-HvUserHomeSite -Confirm:$false
        Get-HvUserHomeSite -UserOrGroup 'CORP\dave' | Should -BeNullOrEmpty
    }

    It 'gives the privileges of the signed-in administrator' {
        $null = Connect-HvServer -Server $script:Sim.Url -Credential (Get-Cred 'CORP\nobody' 'nothing')
        $r = Invoke-Captured { Get-HvSession }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'InsufficientPermission,*'
        $r.Terminating.CategoryInfo.Category | Should -Be 'PermissionDenied'
    }

    It 'reports a server that went away as UnexpectedFault, a resource error' {
        $null = Connect-HvServer -Server $script:Sim.Url -Credential $script:Admin -TimeoutSeconds 5
        $script:Sim.Kill()
        $r = Invoke-Captured { Get-HvSession }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'UnexpectedFault,*'
        $r.Terminating.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        # On Windows the library talks through WinHTTP, and names its error.
        if ($IsWindows) { $r.Terminating.Exception.Message | Should -BeLike '*(ERROR_WINHTTP_*' }
    }
}
