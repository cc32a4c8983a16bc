BeforeAll {
    . $PSScriptRoot/Common.ps1
}

Describe 'Get-HvUserHomeSite' {
    BeforeAll { $null = Connect-Corp }
    AfterAll { Reset-HvConnections }

    It 'lists the home sites made directly on a user or group, by name or by id, with names' {
        $h = Get-HvUserHomeSite -UserOrGroup 'CORP\Sales'
        $h | Should -BeOfType HvApi.HvUserHomeSite
        $h.Id | Should -Be 'UserHomeSite/sales-global'
        $h.UserOrGroup | Should -Be 'UserOrGroup/g-sales'
        $h.UserOrGroupName | Should -Be 'CORP\Sales'
        $h.Site | Should -Be 'Site/nyc'
        $h.SiteName | Should -Be 'New York'
        $h.Scope | Should -Be 'Global'
        $h.Base.UserOrGroup | Should -Be 'UserOrGroup/g-sales'
        (Get-HvUserHomeSite -UserOrGroup UserOrGroup/g-sales).Id | Should -Be 'UserHomeSite/sales-global'
        (Get-HvUserHomeSite -UserOrGroup 'sales').Id | Should -Be 'UserHomeSite/sales-global'
        Get-HvUserHomeSite -UserOrGroup 'CORP\bob' | Should -BeNullOrEmpty
    }

    It 'names the entitlement of an entitlement home site' {
        $h = Get-HvUserHomeSite -UserOrGroup 'CORP\alice'
        $h.GlobalEntitlement | Should -Be 'GlobalEntitlement/office'
        $h.EntitlementName | Should -Be 'Office Desktop'
        $h.Scope | Should -Be 'GlobalEntitlement/office'
    }

    It 'gets home sites by id, each unknown id its own error' {
        $r = Invoke-Captured { Get-HvUserHomeSite -Id UserHomeSite/sales-global, UserHomeSite/nope, UserHomeSite/eng-global }
        $r.Output.Id | Should -Be @('UserHomeSite/sales-global', 'UserHomeSite/eng-global')
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].TargetObject | Should -Be 'UserHomeSite/nope'
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'EntityNotFound,*'
        (Get-HvUserHomeSite -Id UserHomeSite/eng-global).SiteName | Should -Be 'London'
    }

    It 'reports an unknown or ambiguous name as ObjectNotFound' {
        $r = Invoke-Captured { Get-HvUserHomeSite -UserOrGroup 'CORP\nobody' }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'UserOrGroupNotFound,*'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $r.Errors[0].TargetObject | Should -Be 'CORP\nobody'
        $r = Invoke-Captured { Get-HvUserHomeSite -UserOrGroup alice }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'UserOrGroupNameAmbiguous,*'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $r.Errors[0].Exception.Message | Should -BeLike '*UserOrGroup/alice*UserOrGroup/lab-alice*'
    }
}

Describe 'New-HvUserHomeSite' {
    BeforeEach { $null = Connect-Corp }
    AfterEach { Reset-HvConnections }

    It 'creates a global home site by names and outputs it' {
        $h = New-HvUserHomeSite -UserOrGroup 'CORP\dave' -Site London
        $h | Should -BeOfType HvApi.HvUserHomeSite
        $h.UserOrGroup | Should -Be 'UserOrGroup/dave'
        $h.Site | Should -Be 'Site/ldn'
        $h.SiteName | Should -Be 'London'
        $h.Scope | Should -Be 'Global'
        (Get-HvEvent -Type VLSI_USER_HOME_SITE_ADDED).UserHomeSite | Should -Be $h.Id
    }

    It 'creates an entitlement home site and returns the same one when asked again' {
        $a = New-HvUserHomeSite -UserOrGroup 'CORP\Sales' -Site 'New York' -GlobalEntitlement 'Office Desktop'
        $a.GlobalEntitlement | Should -Be 'GlobalEntitlement/office'
        $b = New-HvUserHomeSite -UserOrGroup UserOrGroup/g-sales -Site Site/nyc -GlobalEntitlement GlobalEntitlement/office
        $b.Id | Should -Be $a.Id
        @(Get-HvEvent -Type VLSI_USER_HOME_SITE_ADDED) | Should -HaveCount 1
    }

    It 'creates an application entitlement home site' {
        $h = New-HvUserHomeSite -UserOrGroup 'CORP\bob' -Site London -GlobalApplicationEntitlement Calculator
        $h.GlobalApplicationEntitlement | Should -Be 'GlobalApplicationEntitlement/calc'
        $h.EntitlementName | Should -Be 'Calculator'
    }

    It 'refuses a group not entitled to the entitlement (InvalidRequest) and records the failure' {
        $r = Invoke-Captured { New-HvUserHomeSite -UserOrGroup 'CORP\All Staff' -Site London -GlobalEntitlement 'Dev Desktop' }
        $r.Terminating | Should -BeNullOrEmpty
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidRequest,HvApi.Commands.NewHvUserHomeSiteCommand'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Get-HvEvent).Type | Should -Be 'VLSI_USER_HOME_SITE_ADD_FAILED'
    }

    It 'refuses another site for the same scope (InvalidArgument base.site)' {
        $r = Invoke-Captured { New-HvUserHomeSite -UserOrGroup 'CORP\Sales' -Site London }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        $r.Errors[0].Exception.ParameterName | Should -Be 'base.site'
    }

    It 'refuses an unknown site name before sending anything (no event)' {
        $r = Invoke-Captured { New-HvUserHomeSite -UserOrGroup 'CORP\dave' -Site Paris }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'SiteNotFound,*'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-HvEvent | Should -BeNullOrEmpty
    }

    It 'reports an unknown id from the library (EntityNotFound)' {
        $r = Invoke-Captured { New-HvUserHomeSite -UserOrGroup UserOrGroup/ghost -Site London }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'EntityNotFound,*'
        $r.Errors[0].Exception.Id | Should -Be 'UserOrGroup/ghost'
    }

    It 'changes nothing and records no event with -WhatIf' {
        New-HvUserHomeSite -UserOrGroup 'CORP\dave' -Site London -WhatIf | Should -BeNullOrEmpty
        Get-HvUserHomeSite -UserOrGroup 'CORP\dave' | Should -BeNullOrEmpty
        Get-HvEvent | Should -BeNullOrEmpty
    }

    It 'takes its parameters from the pipeline by property name' {
        $copies = [pscustomobject]@{ UserOrGroup = 'CORP\dave'; Site = 'London' }, [pscustomobject]@{ UserOrGroup = 'CORP\carol'; Site = 'New York' }
        ($copies | New-HvUserHomeSite).SiteName | Should -Be @('London', 'New York')
    }
}

Describe 'Remove-HvUserHomeSite' {
    BeforeEach { $null = Connect-Corp }
    AfterEach { Reset-HvConnections }

    It 'removes what Get-HvUserHomeSite pipes to it: Get-HvUserHomeSite -UserOrGroup ''CORP\Sales'' | Remove-HvUserHomeSite -Confirm:$false' {
        Get-HvUserHomeSite -UserOrGroup 'CORP\Sales' | Remove-HvUserHomeSite -Confirm:$false
        Get-HvUserHomeSite -UserOrGroup 'CORP\Sales' | Should -BeNullOrEmpty
        (Get-HvEvent).Type | Should -Be 'VLSI_USER_HOME_SITE_DELETED'
    }

    It 'is high impact, and -WhatIf removes nothing' {
        (Get-Command Remove-HvUserHomeSite).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact |
            Should -Be 'High'
        Remove-HvUserHomeSite -Id UserHomeSite/sales-global -WhatIf
        Get-HvUserHomeSite -Id UserHomeSite/sales-global | Should -Not -BeNullOrEmpty
        Get-HvEvent | Should -BeNullOrEmpty
    }

    It 'reports an unknown id against that id and removes the others' {
        $r = Invoke-Captured { Remove-HvUserHomeSite -Id UserHomeSite/nope, UserHomeSite/eng-global -Confirm:$false }
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].TargetObject | Should -Be 'UserHomeSite/nope'
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'EntityNotFound,HvApi.Commands.RemoveHvUserHomeSiteCommand'
        Get-HvUserHomeSite -UserOrGroup 'CORP\Engineering' | Should -BeNullOrEmpty
    }
}

Describe 'Resolve-HvUserHomeSite' {
    BeforeEach { $null = Connect-Corp }
    AfterEach { Reset-HvConnections }

    It 'resolves the tier <Source>' -TestCases @(
        @{ Source = 'USER_OVERRIDE'; User = 'CORP\alice'; Entitlement = 'Office Desktop'; Site = 'Site/ldn'; Setup = {} }
        @{ Source = 'GROUP_DEFAULT'; User = 'CORP\bob'; Entitlement = 'Office Desktop'; Site = 'Site/nyc'; Setup = {} }
        @{ Source = 'GROUP_OVERRIDE'; User = 'CORP\bob'; Entitlement = 'Office Desktop'; Site = 'Site/ldn'
            Setup = { $null = New-HvUserHomeSite -UserOrGroup 'CORP\Sales' -Site London -GlobalEntitlement 'Office Desktop' } }
        @{ Source = 'USER_DEFAULT'; User = 'CORP\carol'; Entitlement = 'Office Desktop'; Site = 'Site/nyc'
            Setup = { $null = New-HvUserHomeSite -UserOrGroup 'CORP\carol' -Site 'New York' } }
        @{ Source = 'NONE'; User = 'CORP\dave'; Entitlement = 'Office Desktop'; Site = $null; Setup = {} }
    ) {
        & $Setup
        $r = Resolve-HvUserHomeSite -User $User -GlobalEntitlement $Entitlement
        $r | Should -BeOfType HvApi.HvHomeSiteResolution
        $r.Source | Should -Be $Source
        $r.Site | Should -Be $Site
        $r.Entitlement | Should -Be 'GlobalEntitlement/office'
        $r.EntitlementName | Should -Be 'Office Desktop'
        $r.UserName | Should -Be $User
        if ($Site) { $r.Resolved.Site | Should -Be $Site } else { $r.Resolved | Should -BeNullOrEmpty }
    }

    It 'lists the conflicts of the winning tier' {
        # alice is in Sales (New York) and Engineering (London): Engineering sorts first.
        $r = Resolve-HvUserHomeSite -User 'CORP\alice' -GlobalEntitlement 'Dev Desktop'
        $r.Source | Should -Be 'GROUP_DEFAULT'
        $r.SiteName | Should -Be 'London'
        $r.Resolved.Id | Should -Be 'UserHomeSite/eng-global'
        $r.Conflicts.Id | Should -Be @('UserHomeSite/sales-global')
        $r.Conflicts[0].SiteName | Should -Be 'New York'
    }

    It 'resolves for an application entitlement' {
        $r = Resolve-HvUserHomeSite -User 'CORP\bob' -GlobalApplicationEntitlement Calculator
        $r.Entitlement | Should -Be 'GlobalApplicationEntitlement/calc'
        $r.Source | Should -Be 'GROUP_DEFAULT'
    }

    It 'takes the user from a session in the pipeline' {
        (Get-HvSession -Id Session/a1 | Resolve-HvUserHomeSite -GlobalEntitlement 'Office Desktop').Source | Should -Be 'USER_OVERRIDE'
    }

    It 'refuses a group or a user not entitled (InvalidArgument)' {
        $r = Invoke-Captured { Resolve-HvUserHomeSite -User 'CORP\Sales' -GlobalEntitlement 'Office Desktop' }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        $r.Errors[0].Exception.ParameterName | Should -Be 'user'
        $r = Invoke-Captured { Resolve-HvUserHomeSite -User 'CORP\dave' -GlobalEntitlement 'Dev Desktop' }
        $r.Errors[0].Exception.ParameterName | Should -Be 'globalEntitlement'
    }
}

Describe 'Home sites without privilege or federation' {
    AfterEach { Reset-HvConnections }

    It 'gives a caller without FEDERATED_LDAP_* one terminating PermissionDenied error' {
        $null = Connect-Corp -User 'CORP\op' -Password op-pass
        $r = Invoke-Captured { Get-HvUserHomeSite -UserOrGroup UserOrGroup/g-sales }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'InsufficientPermission,*'
        $r.Terminating.Exception.Privileges | Should -Be @('FEDERATED_LDAP_VIEW')
    }

    It 'refuses every home-site call while the federation is not initialized (InvalidState, terminating)' {
        $world = Get-CorpWorld
        $world.federationInitialized = $false
        $null = Connect-HvServer -World $world
        $r = Invoke-Captured { New-HvUserHomeSite -UserOrGroup UserOrGroup/dave -Site Site/ldn }
        $r.Terminating.FullyQualifiedErrorId | Should -BeLike 'InvalidState,*'
        $r.Terminating.CategoryInfo.Category | Should -Be 'InvalidOperation'
    }
}
