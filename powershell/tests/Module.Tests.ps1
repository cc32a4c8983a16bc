BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:Manifest = Import-PowerShellDataFile (Join-Path $script:ModulePath 'HvApi.psd1')
    $script:Exported = @($script:Manifest.CmdletsToExport)

    function Complete([string] $Line) {
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches
    }
}

Describe 'The module' {
    It 'has a manifest for PowerShell 7.4+ Core that exports its cmdlets by name' {
        $m = Test-ModuleManifest (Join-Path $script:ModulePath 'HvApi.psd1')
        $m.PowerShellVersion | Should -Be '7.4'
        $m.CompatiblePSEditions | Should -Be @('Core')
        $script:Manifest.FormatsToProcess | Should -Be @('HvApi.Format.ps1xml')
        $script:Exported | Should -HaveCount 22
        $script:Exported | ForEach-Object { $_ | Should -Not -Match '\*' }
        (Get-Module HvApi).ExportedCmdlets.Keys | Sort-Object | Should -Be ($script:Exported | Sort-Object)
    }

    It 'uses approved verbs and Hv nouns only' {
        $verbs = (Get-Verb).Verb
        foreach ($name in $script:Exported) {
            $verb, $noun = $name -split '-', 2
            $verbs | Should -Contain $verb
            $noun | Should -BeLike 'Hv*'
        }
    }

    It 'declares [OutputType] on every cmdlet' {
        foreach ($name in $script:Exported) {
            (Get-Command $name).OutputType | Should -Not -BeNullOrEmpty -Because $name
        }
    }

    It 'supports ShouldProcess on every cmdlet that changes something' {
        foreach ($name in 'Disconnect-HvSession', 'Invoke-HvSessionLogoff', 'Reset-HvSession', 'Restart-HvSession', 'Send-HvSessionMessage',
            'New-HvUserHomeSite', 'Remove-HvUserHomeSite', 'Disconnect-HvServer', 'Invoke-HvMethod') {
            (Get-Command $name).Parameters.Keys | Should -Contain 'WhatIf' -Because $name
        }
    }

    It 'takes -Id (alias SessionId) by value and by property name on the session actions' {
        foreach ($name in 'Disconnect-HvSession', 'Invoke-HvSessionLogoff', 'Reset-HvSession', 'Restart-HvSession', 'Send-HvSessionMessage') {
            $p = (Get-Command $name).Parameters['Id']
            $p.Aliases | Should -Contain 'SessionId'
            $attr = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }
            $attr.ValueFromPipeline | Should -BeTrue
            $attr.ValueFromPipelineByPropertyName | Should -BeTrue
        }
    }

    It 'has a table view for each output type' {
        $xml = [xml](Get-Content -Raw (Join-Path $script:ModulePath 'HvApi.Format.ps1xml'))
        $viewed = $xml.Configuration.ViewDefinitions.View.ViewSelectedBy.TypeName
        foreach ($t in 'HvServer', 'HvSession', 'HvUserHomeSite', 'HvHomeSiteResolution', 'HvEvent', 'HvSite', 'HvPod', 'HvAccessGroup',
            'HvUserOrGroup', 'HvGlobalEntitlement', 'HvGlobalApplicationEntitlement', 'HvDesktop', 'HvFarm') {
            $viewed | Should -Contain "HvApi.$t"
        }
        $null = Connect-Corp
        (Get-HvSession | Format-Table | Out-String) | Should -Match 'Id\s+UserName\s+DesktopName'
        Reset-HvConnections
    }
}

Describe 'Help' {
    It '<Name> has a synopsis, a description, every parameter described and an example' -TestCases @(
        (Import-PowerShellDataFile (Join-Path $PSScriptRoot '../HvApi.psd1')).CmdletsToExport | ForEach-Object { @{ Name = $_ } }
    ) {
        $h = Get-Help $Name -Full
        $h.Synopsis | Should -Not -BeNullOrEmpty
        $h.Synopsis.Trim() | Should -Not -BeLike "$Name *" # not the generated syntax
        ($h.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($h.Examples.Example).Count | Should -BeGreaterOrEqual 1
        $h.Examples.Example[0].Code | Should -Not -BeNullOrEmpty
        $common = [System.Management.Automation.Cmdlet]::CommonParameters
        $params = (Get-Command $Name).Parameters.Keys | Where-Object { $common -notcontains $_ }
        foreach ($p in $params) {
            $ph = $h.Parameters.Parameter | Where-Object Name -EQ $p
            $ph | Should -Not -BeNullOrEmpty -Because "-$p of $Name"
            ($ph.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$p of $Name"
        }
    }
}

Describe 'Argument completion' {
    BeforeAll { $null = Connect-Corp }
    AfterAll { Reset-HvConnections }

    It 'completes users and groups as DOMAIN\name' {
        (Complete 'Get-HvUserHomeSite -UserOrGroup CORP\a').CompletionText | Should -Be @('CORP\alice', "'CORP\All Staff'")
        (Complete 'Resolve-HvUserHomeSite -User car').CompletionText | Should -Be 'CORP\carol'
        (Complete 'Get-HvSession -UserName LAB\').CompletionText | Should -Be 'LAB\alice'
    }

    It 'completes sites and entitlements, quoting names with spaces' {
        (Complete 'New-HvUserHomeSite -UserOrGroup CORP\dave -Site ').CompletionText | Should -Be @('London', "'New York'")
        (Complete 'New-HvUserHomeSite -UserOrGroup CORP\dave -Site Lo -GlobalEntitlement Off').CompletionText | Should -Be "'Office Desktop'"
        (Complete 'Resolve-HvUserHomeSite -User CORP\bob -GlobalApplicationEntitlement C').CompletionText | Should -Be 'Calculator'
    }

    It 'completes from the -Server being typed' {
        $global:demo = Connect-HvServer -Demo -NotDefault
        try {
            (Complete 'Get-HvUserHomeSite -Server $demo -UserOrGroup HVDEMO\user0000').CompletionText | Should -HaveCount 9
        } finally {
            Disconnect-HvServer -Server $global:demo
            Remove-Variable -Scope Global -Name demo
        }
    }

    It 'completes contract method names' {
        (Complete 'Invoke-HvMethod -Method Session_Logoff').CompletionText |
            Should -Be @('Session_Logoff', 'Session_LogoffForced', 'Session_LogoffSessions', 'Session_LogoffSessionsForced')
    }

    It 'completes nothing, quietly, without a connection' {
        Reset-HvConnections
        Complete 'Get-HvUserHomeSite -UserOrGroup CORP\a' | Should -BeNullOrEmpty
        $null = Connect-Corp
    }
}

Describe 'The native library' {
    BeforeAll {
        # The pwsh this runs in (test.sh passes its path: a .NET tool's process is dotnet).
        $script:Pwsh = if ($env:HVAPI_PWSH) { $env:HVAPI_PWSH } else { (Get-Command pwsh -ErrorAction Stop).Source }
        function Invoke-Child([string] $Script, [hashtable] $Environment = @{}) {
            $saved = @{}
            foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
            try {
                & $script:Pwsh -NoLogo -NoProfile -NonInteractive -Command $Script 2>&1 | Out-String
            } finally {
                foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
            }
        }
    }

    It 'is loaded from runtimes/OS-ARCH/native of the module: win-x64/native/hvapi.dll on Windows x64' {
        $s = Connect-HvServer -Demo -NotDefault
        Disconnect-HvServer -Server $s
        Get-LoadedLibraryPath | Should -Be $script:NativeLibrary
        Split-Path -Leaf (Split-Path (Split-Path $script:NativeLibrary)) | Should -Be $(if ($IsWindows) { 'win-x64' } else { 'linux-x64' })
    }

    It 'is found under runtimes/OS-ARCH/native from any directory' {
        $out = Invoke-Child "Set-Location '$TestDrive'; . '$PSScriptRoot/Common.ps1'; (Connect-HvServer -Demo).User; Get-LoadedLibraryPath"
        $out.Trim() -split '\r?\n' | Should -Be @('HVDEMO\administrator', $script:NativeLibrary)
    }

    It 'honours HVAPI_LIBRARY, and names it when it does not load' {
        $missing = Join-Path $TestDrive 'no' (Split-Path -Leaf $script:NativeLibrary)
        $out = Invoke-Child "Import-Module '$script:ModulePath'; try { Connect-HvServer -Demo } catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category; `$_.Exception.Message }" @{ HVAPI_LIBRARY = $missing }
        $out | Should -BeLike '*NativeLibraryNotFound,HvApi.Commands.ConnectHvServerCommand*'
        $out | Should -BeLike '*ResourceUnavailable*'
        $out | Should -BeLike "*$missing (no such file)*"
    }

    It 'lists every path it tried when the module has no native library' {
        $copy = Join-Path $TestDrive 'HvApi'
        Copy-Item -Recurse $script:ModulePath $copy
        Remove-Item -Recurse (Join-Path $copy 'runtimes')
        $out = Invoke-Child "Import-Module '$copy'; try { Connect-HvServer -Demo } catch { `$_.Exception.Message }" @{ HVAPI_LIBRARY = $null }
        $tried = foreach ($dir in $copy, $TestDrive) { "$(Join-Path $dir 'runtimes' '*' 'native' (Split-Path -Leaf $script:NativeLibrary)) (no such file)" }
        $out | Should -BeLike "*Paths tried: $($tried -join '; ')*"
        $out | Should -BeLike '*HVAPI_LIBRARY*'
    }

    It 'still imports, with help, when the library is missing' {
        $out = Invoke-Child "Import-Module '$script:ModulePath'; (Get-Help Get-HvSession).Synopsis" @{ HVAPI_LIBRARY = (Join-Path $TestDrive 'none.so') }
        $out.Trim() | Should -Not -BeNullOrEmpty
        $out | Should -Not -BeLike '*Get-HvSession `[*'
    }
}
