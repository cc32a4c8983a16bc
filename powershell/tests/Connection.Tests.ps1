BeforeAll {
    . $PSScriptRoot/Common.ps1
}

Describe 'Connect-HvServer' {
    AfterEach { Reset-HvConnections }

    It 'connects to the demo federation by default and describes the connection' {
        $s = Connect-HvServer
        $s | Should -BeOfType HvApi.HvServer
        $s.Name | Should -Be 'demo'
        $s.Backend | Should -Be 'embedded'
        $s.User | Should -Be 'HVDEMO\administrator'
        $s.LocalPod | Should -Be 'Pod/pod-1-1'
        $s.LocalSite | Should -Be 'Site/site-1'
        $s.IsConnected | Should -BeTrue
    }

    It 'takes demo counts' {
        $null = Connect-HvServer -Demo -DemoCounts @{ sites = 1; podsPerSite = 1; sessionsPerPod = 7 }
        @(Get-HvSession).Count | Should -Be 7
    }

    It 'puts each new connection first in $DefaultHVServers' {
        $a = Connect-HvServer -Demo
        $b = Connect-Corp
        $global:DefaultHVServers[0] | Should -Be $b
        $global:DefaultHVServers[1] | Should -Be $a
        (Get-HvSession | Select-Object -First 1).UserName | Should -BeLike 'CORP\*'
    }

    It 'leaves $DefaultHVServers alone with -NotDefault, and -Server picks the connection' {
        $a = Connect-HvServer -Demo
        $b = Connect-Corp -NotDefault
        @($global:DefaultHVServers).Count | Should -Be 1
        $global:DefaultHVServers[0] | Should -Be $a
        (Get-HvSession -Server $b | Select-Object -First 1).UserName | Should -BeLike 'CORP\*'
        (Get-HvSession | Select-Object -First 1).UserName | Should -BeLike 'HVDEMO\*'
    }

    It 'resolves a relative -WorldPath against the PowerShell location' {
        Push-Location (Join-Path $PSScriptRoot 'worlds')
        try {
            $s = Connect-HvServer -WorldPath ./corp.json
        } finally {
            Pop-Location
        }
        $s.Name | Should -Be (Resolve-Path $script:CorpWorld).Path
        $s.LocalPod | Should -Be 'Pod/ldn-1'
    }

    It 'takes a world as a hashtable or as JSON text' {
        $world = Get-CorpWorld
        (Connect-HvServer -World $world).LocalPod | Should -Be 'Pod/ldn-1'
        $json = Get-Content -Raw $script:CorpWorld
        (Connect-HvServer -World $json).LocalSite | Should -Be 'Site/ldn'
    }

    It 'refuses a world with a dangling reference, naming the path' {
        $world = Get-CorpWorld
        $world.sessions[3].desktop = 'Desktop/missing'
        $r = Invoke-Captured { Connect-HvServer -World $world }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        $r.Terminating.Exception.ParameterName | Should -Be 'sessions[3].desktop'
        $r.Terminating.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'refuses JSON text that does not parse' {
        $r = Invoke-Captured { Connect-HvServer -World '{"sites": [' }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'InvalidJson,*'
    }

    It 'reports a missing world file' {
        $r = Invoke-Captured { Connect-HvServer -WorldPath (Join-Path $TestDrive 'nope.json') }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'WorldFileNotFound,*'
        $r.Terminating.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'signs in with a credential written <Form>' -TestCases @(
        @{ Form = 'DOMAIN\name'; User = 'HVDEMO\helpdesk'; Domain = $null }
        @{ Form = 'name@DOMAIN'; User = 'helpdesk@hvdemo'; Domain = $null }
        @{ Form = 'name with -Domain'; User = 'helpdesk'; Domain = 'HVDEMO' }
    ) {
        $cred = [pscredential]::new($User, (ConvertTo-SecureString 'helpdesk' -AsPlainText -Force))
        $params = @{ Demo = $true; Credential = $cred }
        if ($Domain) { $params.Domain = $Domain }
        (Connect-HvServer @params).User | Should -Be 'HVDEMO\helpdesk'
    }

    It 'refuses wrong credentials with InvalidCredentials, an authentication error' {
        $cred = [pscredential]::new('HVDEMO\helpdesk', (ConvertTo-SecureString 'wrong' -AsPlainText -Force))
        $r = Invoke-Captured { Connect-HvServer -Demo -Credential $cred }
        $r.Terminating | Should -Not -BeNullOrEmpty
        $r.Terminating.FullyQualifiedErrorId | Should -Be 'InvalidCredentials,HvApi.Commands.ConnectHvServerCommand'
        $r.Terminating.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $r.Terminating.Exception | Should -BeOfType HvApi.HvFaultException
        @($global:DefaultHVServers).Count | Should -Be 0
    }

    It 'asks for a domain when the user name has none' {
        $cred = [pscredential]::new('helpdesk', (ConvertTo-SecureString 'helpdesk' -AsPlainText -Force))
        $r = Invoke-Captured { Connect-HvServer -Demo -Credential $cred }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'CredentialDomainMissing,*'
    }
}

Describe 'Without a connection' {
    BeforeEach { Reset-HvConnections }

    It '<Command> fails with NotConnected, a connection error' -TestCases @(
        @{ Command = 'Get-HvSession'; Params = @{} }
        @{ Command = 'Get-HvSite'; Params = @{} }
        @{ Command = 'Get-HvEvent'; Params = @{} }
        @{ Command = 'Invoke-HvSessionLogoff'; Params = @{ Id = 'Session/a1'; Confirm = $false } }
        @{ Command = 'Invoke-HvMethod'; Params = @{ Method = 'Session_Query' } }
    ) {
        $r = Invoke-Captured { & $Command @Params }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
        $r.Terminating.CategoryInfo.Category | Should -Be 'ConnectionError'
    }
}

Describe 'Disconnect-HvServer' {
    AfterEach { Reset-HvConnections }

    It 'closes the connection and removes it from $DefaultHVServers' {
        $a = Connect-HvServer -Demo
        $b = Connect-Corp
        $before = Get-OpenClientCount
        Disconnect-HvServer -Server $b
        $b.IsConnected | Should -BeFalse
        Get-OpenClientCount | Should -Be ($before - 1)
        @($global:DefaultHVServers) | Should -Be @($a)
        $r = Invoke-Captured { Get-HvSession -Server $b }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
    }

    It 'disconnects the default server when none is named, and is harmless twice' {
        $a = Connect-HvServer -Demo
        Disconnect-HvServer
        $a.IsConnected | Should -BeFalse
        { Disconnect-HvServer -Server $a } | Should -Not -Throw
        { Disconnect-HvServer } | Should -Not -Throw
    }

    It 'takes servers from the pipeline' {
        $null = Connect-HvServer -Demo
        $null = Connect-Corp
        $global:DefaultHVServers | Disconnect-HvServer
        @($global:DefaultHVServers).Count | Should -Be 0
    }

    It 'changes nothing with -WhatIf' {
        $a = Connect-HvServer -Demo
        Disconnect-HvServer -WhatIf
        $a.IsConnected | Should -BeTrue
    }
}

Describe 'Connection lifetime' {
    It 'closes the clients of a runspace when the runspace closes' {
        $before = Get-OpenClientCount
        $ps = [powershell]::Create()
        try {
            $server = $ps.AddScript("Import-Module '$script:ModulePath'; Connect-HvServer -Demo; Connect-HvServer -Demo -NotDefault").Invoke()
            $server.Count | Should -Be 2
            Get-OpenClientCount | Should -Be ($before + 2)
            $ps.Runspace.Close()
            $server[0].IsConnected | Should -BeFalse
            $server[1].IsConnected | Should -BeFalse
            Get-OpenClientCount | Should -Be $before
        } finally {
            $ps.Dispose()
        }
    }

    It 'closes the clients of a runspace when the module is removed from it' {
        $before = Get-OpenClientCount
        $ps = [powershell]::Create()
        try {
            $server = $ps.AddScript("Import-Module '$script:ModulePath'; Connect-HvServer -Demo").Invoke()
            $ps.Commands.Clear()
            $null = $ps.AddScript('Remove-Module HvApi').Invoke()
            $server[0].IsConnected | Should -BeFalse
            Get-OpenClientCount | Should -Be $before
        } finally {
            $ps.Dispose()
        }
    }
}
