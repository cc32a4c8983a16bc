@{
    # Used for a parameter that a cmdlet's own entry does not describe.
    CommonParameters = @{
        Server = 'The connection to use, as Connect-HvServer returns it. Default: the first connected server in $global:DefaultHVServers. With no connected server the cmdlet stops with the terminating error NotConnected (category ConnectionError).'
    }

    Cmdlets = @{

        # ------------------------------------------------------------------ connections

        'Connect-HvServer' = @{
            Synopsis    = 'Opens a connection to a Horizon pod federation; without parameters, to the embedded demo federation.'
            Description = @(
                'Connect-HvServer opens a client of the HvApi library and returns an HvServer object: Name ("demo", the world file''s path, "world", or the server''s host name), Backend ("embedded", the simulated federation, or "rest", a Connection Server reached over the Horizon REST API with -Server), User (the signed-in administrator, DOMAIN\name), LocalPod, LocalSite, ConnectedAt and IsConnected. -Demo (the default) generates the deterministic demo federation, -WorldPath reads a world from a JSON file and -World takes a world object. Each connection owns its own federation: changes made through one connection are not seen by another and are gone when it closes.'
                'As with PowerCLI''s Connect-HVServer, the new connection is put first in $global:DefaultHVServers unless -NotDefault is given. Every other HvApi cmdlet uses the first connected server in that list when -Server is not given; when there is none it stops with the terminating error NotConnected (category ConnectionError).'
                'Without -Credential you are the built-in administrator (HVDEMO\administrator in the demo), who holds every privilege. With -Credential you sign in as one of the federation''s administrators and hold only that administrator''s privileges (contract section 5.1). Credentials that match no administrator are the terminating error InvalidCredentials (category AuthenticationError).'
                'A connection stays open until Disconnect-HvServer closes it, or until the PowerShell session that opened it ends.'
            )
            Parameters  = @{
                Server     = 'A server: a name in $env:HVAPI_SERVERS (JSON, or the path of a JSON file, mapping names to hv_client_open configurations without the login, e.g. {"lab": {"demo": {}}, "cs1": {"backend": "rest", "url": "http://127.0.0.1:8443/rest"}}); else the address of a Horizon Connection Server: a host name (https://<name>/rest, as PowerCLI''s Connect-HVServer takes it) or an http(s) URL such as https://cs1.corp.example/rest, or the URL that hvapi serve prints for lab-less tests. The library''s REST backend then speaks the Horizon Server REST API to it: it logs in with -Credential (or -User and -Password), refreshes its token, and logs out when the connection closes. Without credentials the REST backend signs in the built-in administrator of -Domain (or of the map entry''s "domain"). A map that is not valid JSON, or an entry that is not an object, is the terminating error InvalidServerMap.'
                Force      = 'PowerCLI''s certificate override: the same as -SkipCertificateCheck.'
                User       = 'PowerCLI''s -User: the administrator''s name (DOMAIN\name, name@DOMAIN, or name with -Domain), with -Password.'
                Password   = 'PowerCLI''s -Password: a SecureString or a plain string (as PowerCLI scripts pass it).'
                SkipCertificateCheck = 'Accepts any TLS certificate from -Server. Only for a lab server with a self-signed certificate: without the check anyone on the network path can impersonate the Connection Server and capture the administrator''s password. Prefer adding the lab''s CA to the system''s trusted roots.'
                TimeoutSeconds = 'Seconds to wait for -Server before a call fails with UnexpectedFault (category ResourceUnavailable). Default: the library''s.'
                Demo       = 'Opens the demo federation. This is the default when neither -WorldPath nor -World is given; the switch only makes the choice explicit.'
                DemoCounts = 'The sizes of the demo federation, as a hashtable of counts: sites (default 2), podsPerSite (2), users (40), groups (6), globalEntitlements (4), globalApplicationEntitlements (2), sessionsPerPod (25), groupsPerUser (2). A count not given keeps its default. The same counts always give the same ids, names and times.'
                WorldPath  = 'The path of a JSON world file (contract section 6). Alias: Path. A path that does not exist is the terminating error WorldFileNotFound. A world with an unknown key, a wrong kind of value, a duplicate id or a reference to an undefined id is refused with InvalidArgument naming the offending path, for example sessions[3].desktop.'
                World      = 'A world object (contract section 6) as a hashtable, a PSCustomObject or JSON text. Text that is not valid JSON is the terminating error InvalidJson; a world the library refuses is InvalidArgument naming the offending path.'
                Credential = 'The administrator to sign in as, with the user name written DOMAIN\name or name@DOMAIN. Names compare without regard to case. The demo has HVDEMO\helpdesk (password helpdesk) and HVDEMO\auditor (password auditor). A user name without a domain needs -Domain, else the terminating error CredentialDomainMissing.'
                Domain     = 'The administrator''s domain, used when the user name in -Credential has none (for example -Domain HVDEMO with the user name helpdesk).'
                NotDefault = 'Does not add the connection to $global:DefaultHVServers. Keep the returned object and pass it to other cmdlets with -Server.'
            }
            Examples    = @(
                @{
                    Code    = 'Connect-HvServer'
                    Remarks = 'Opens the demo federation (sites New York and London, two pods each; the local pod is Pod/pod-1-1) as the built-in HVDEMO\administrator and makes it the default connection.'
                }
                @{
                    Code    = '$cred = [pscredential]::new(''HVDEMO\helpdesk'', (ConvertTo-SecureString ''helpdesk'' -AsPlainText -Force))
Connect-HvServer -Credential $cred'
                    Remarks = 'Signs in as the demo''s help-desk administrator, who holds Inventory Administrators on the New York access group: it can manage the local sessions of that access group, but not remote sessions or home sites. Get-Credential HVDEMO\helpdesk gives the same credential interactively.'
                }
                @{
                    Code    = 'Connect-HvServer -Server cs1.corp.example -Credential (Get-Credential CORP\horizonadmin)'
                    Remarks = 'Connects to a real Connection Server over the Horizon REST API (https, certificate verified). Every other cmdlet then works against production exactly as against the simulator.'
                }
                @{
                    Code    = 'Connect-HvServer -Demo -DemoCounts @{ sites = 1; podsPerSite = 1; sessionsPerPod = 10000 }'
                    Remarks = 'Opens a demo federation with one site, one pod and 10,000 sessions on it, for trying bulk operations.'
                }
                @{
                    Code    = '$lab = Connect-HvServer -NotDefault -World @{ sites = @(@{ id = ''Site/lab''; name = ''Lab'' }); pods = @(@{ id = ''Pod/lab-1''; name = ''Lab Pod 1''; site = ''Site/lab'' }) }
Get-HvPod -Server $lab'
                    Remarks = 'Opens a second, hand-written federation without changing the default connection, and lists its pod. The same object saved with ConvertTo-Json -Depth 10 to a file can be opened with -WorldPath.'
                }
            )
            Notes       = @(
                'Opens a library client (hv_client_open) with {"backend": "embedded"} and one of "demo", "worldFile" or "world", plus "login" when -Credential is given. Connecting needs no privilege; what the administrator may do is decided by each later call (contract section 5.1).'
                'Demo administrators: HVDEMO\administrator (built in, every privilege), HVDEMO\helpdesk (password helpdesk; Inventory Administrators on AccessGroup/site-1, New York desktops), HVDEMO\auditor (password auditor; read-only everywhere).'
                'With -Server it opens {"backend": "rest", "url", "username", "password", "domain", "verifyTls"} instead: the same cmdlets then drive a real Connection Server (or hvapi serve) over the Horizon REST API. What the REST API cannot carry is listed in the project README (the REST backend section).'
            )
            Links       = @('Disconnect-HvServer', 'Get-HvSession', 'Get-HvSite')
        }

        'Disconnect-HvServer' = @{
            Synopsis    = 'Closes HvApi connections and removes them from $global:DefaultHVServers.'
            Description = @(
                'Disconnect-HvServer closes each connection given with -Server or piped in, and removes it from $global:DefaultHVServers. Without -Server it closes the one connected server in that list; with several it stops with the terminating error AmbiguousServer (name one with -Server, or pipe $global:DefaultHVServers); when there is none it does nothing.'
                'Closing a connection discards its simulated federation, with every change and event made through it. The HvServer object then reports IsConnected False, and a cmdlet given it with -Server stops with the terminating error NotConnected.'
                'Disconnect-HvServer supports -WhatIf and -Confirm (impact Medium, so it does not prompt by default).'
            )
            Parameters  = @{
                Server = 'The connections to close, as Connect-HvServer returns them, or their names as PowerCLI takes them (wildcards allowed: * closes every connection in $global:DefaultHVServers; a name without wildcards that matches none is an error). Accepts pipeline input by value. Default: the only connected server in $global:DefaultHVServers.'
                Force  = 'Closes without asking for confirmation (PowerCLI''s -Force).'
            }
            Examples    = @(
                @{
                    Code    = 'Disconnect-HvServer'
                    Remarks = 'Closes the default connection (the only connected one in $global:DefaultHVServers).'
                }
                @{
                    Code    = '$lab = Connect-HvServer -NotDefault
Get-HvSession -Server $lab -State Disconnected
Disconnect-HvServer -Server $lab'
                    Remarks = 'Opens a second demo federation beside the default one, uses it, and closes it.'
                }
                @{
                    Code    = '$global:DefaultHVServers | Disconnect-HvServer'
                    Remarks = 'Closes every connection in $global:DefaultHVServers; the list is empty afterwards.'
                }
            )
            Notes       = 'Releases the library client. Needs no privilege. Connections a PowerShell session opened are also closed when that session ends or the module is removed.'
            Links       = @('Connect-HvServer')
        }

        # ------------------------------------------------------------------ sessions

        'Get-HvSession' = @{
            Synopsis    = 'Gets the sessions of the local pod, by id or by filters.'
            Description = @(
                'Get-HvSession returns HvSession objects, the contract''s SessionLocalSummaryView. Flat properties (Id, UserName, DesktopName, FarmName, MachineName, MachineDns, State, Protocol, SessionType, StartTime, DisconnectTime, IdleMinutes, ClientName, ClientAddress, ClientType, ApplicationNames, User, AccessGroup, Desktop, Farm) suit tables and pipelines. NamesData, ReferenceData and SessionData keep the contract''s property names, so $s.NamesData.UserName and $s.SessionData.SessionState work as on PowerCLI''s views. The Id property binds by property name to -Id of every session action, so Get-HvSession output can be piped to them.'
                'With -Id, each id is read with Session_GetLocalSummaryView. Otherwise one Session_Query runs with all filters combined (different parameters must all match; the values of one parameter are alternatives), and the results stream page by page, 1,000 sessions per page. Without any filter, every visible session is returned.'
                '-UserName, -DesktopName, -MachineName and -ClientName take wildcards (* ? []) and ignore case. Each is sent to the server as the narrowest StartsWith or Contains filter that keeps every match, then matched exactly on the client, so the result is what -like would give. User names are DOMAIN\name: write ''HVDEMO\user0003*'' or ''*user0003*'', not ''user0003*''.'
                'Only sessions on the connection''s local pod are visible (contract section 5.2): sessions of other pods are not listed, and their ids give EntityNotFound here, although the session actions accept them. An administrator with MACHINE_VIEW or POOL_VIEW on some access groups sees only the sessions of those access groups.'
            )
            Parameters  = @{
                Id          = 'Session ids, for example Session/pod-1-1-0000001. Alias: SessionId. Must be named (a value given by position is taken as -UserName), or piped in: accepts pipeline input by value and by property name. An unknown id, or the id of a session on another pod, is a non-terminating EntityNotFound error with the id as TargetObject; the other ids are still read.'
                UserName    = 'User names (NamesData.UserName, written DOMAIN\name), with wildcards, for example ''HVDEMO\user0003*''. Tab completion offers the users and groups of the connection.'
                DesktopName = 'Desktop pool names (NamesData.DesktopName), with wildcards, for example ''Win11 Instant Clone*''. Application sessions have no desktop name, so any -DesktopName leaves them out.'
                MachineName = 'Machine or RDS host names (NamesData.MachineOrRDSServerName), with wildcards, for example ''pod-1-1-ic-*'' or ''*rdsh*''.'
                ClientName  = 'Client device names (NamesData.ClientName), with wildcards, for example ''CLIENT-00*''. A pattern that starts with a wildcard is sent as a Contains filter, which the server answers by scanning every session: slower on large federations.'
                State       = 'Session states: Connected, Disconnected or Pending. Several values match any of them.'
                Type        = 'Session types: Desktop or Application. Several values match any of them.'
            }
            Examples    = @(
                @{
                    Code    = 'Get-HvSession | Format-Table Id, UserName, DesktopName, MachineName, State'
                    Remarks = 'Lists every session of the local pod (25 in the default demo, all on Pod/pod-1-1).'
                }
                @{
                    Code    = 'Get-HvSession -UserName ''HVDEMO\user0003*'' -State Connected -Type Desktop'
                    Remarks = 'Gets the connected desktop sessions of users user00030 to user00039.'
                }
                @{
                    Code    = '$s = Get-HvSession -Id ''Session/pod-1-1-0000001''
$s.NamesData.MachineOrRDSServerDNS
$s.SessionData'
                    Remarks = 'Reads one session and shows fields with the contract''s (and PowerCLI''s) property names.'
                }
                @{
                    Code    = 'Get-HvSession -State Disconnected | Invoke-HvSessionLogoff -Force'
                    Remarks = 'Logs off every disconnected session of the local pod, locked ones included, in one batch call and without prompting.'
                }
            )
            Notes       = @(
                'Methods: Session_Query (filters), Session_GetLocalSummaryView (-Id).'
                'Privileges: MACHINE_VIEW or POOL_VIEW on the session''s access group (Session_Query then returns only the sessions of those access groups), or FEDERATED_SESSIONS_VIEW (every local session). An administrator holding none of them anywhere gets one terminating InsufficientPermission error. Reading sessions records no events.'
            )
            Links       = @('Disconnect-HvSession', 'Invoke-HvSessionLogoff', 'Send-HvSessionMessage', 'Get-HvEvent')
        }

        'Disconnect-HvSession' = @{
            Synopsis    = 'Disconnects sessions, leaving them running on their machines.'
            Description = @(
                'Disconnect-HvSession disconnects each session whose id it receives: from -Id, from strings piped in, or from the Id property of piped objects such as Get-HvSession output. The session''s state becomes DISCONNECTED, its DisconnectTime is set and its protocol is cleared. A session that is already disconnected fails with InvalidState; a pending session can be disconnected. The cmdlet writes no output.'
                'It asks ShouldProcess for each id (impact Medium: no prompt by default; -Confirm prompts, -WhatIf only reports and records nothing). Nothing changes until the input ends; then the ids go to Session_DisconnectSessions, one call per chunk of up to 1,000 ids (a single id uses Session_Disconnect). Write-Progress is shown past 100 ids.'
                'Each failed session is its own non-terminating error: the error id is the contract fault type (EntityNotFound, InsufficientPermission, InvalidState, InvalidArgument, InvalidType, UnexpectedFault), TargetObject is the session id, and the exception is an HvFaultException carrying the fault''s fields (Type, Id, Privileges, Resource, AccessGroup, ParameterName, CauseString). The other sessions are still processed. A fault about the whole call, such as holding no session-management privilege anywhere, is one terminating error.'
                'Sessions of other pods (which Get-HvSession does not list) can be given by id: the request is sent to the session''s pod and recorded as a REQUEST_SENT event. If that pod is unreachable the item fails with UnexpectedFault.'
            )
            Parameters  = @{
                Id = 'Session ids, for example Session/pod-1-1-0000001. Alias: SessionId. Accepts pipeline input by value and by property name, so Get-HvSession output binds. An id of another type (for example Site/site-1) is an InvalidType error for that id.'
            }
            Examples    = @(
                @{
                    Code    = 'Disconnect-HvSession -Id ''Session/pod-1-1-0000001'''
                    Remarks = 'Disconnects one session of the local pod.'
                }
                @{
                    Code    = 'Get-HvSession -DesktopName ''Win11 Instant Clone*'' -State Connected | Disconnect-HvSession'
                    Remarks = 'Disconnects every connected session of the instant-clone pool, in one Session_DisconnectSessions call.'
                }
                @{
                    Code    = 'Disconnect-HvSession -Id ''Session/pod-2-1-0000001''
Get-HvEvent -Session ''Session/pod-2-1-0000001'''
                    Remarks = 'Disconnects a session on London Pod 1, a remote pod; the event recorded is VLSI_FEDERATED_DESKTOP_SESSION_DISCONNECT_REQUEST_SENT.'
                }
            )
            Notes       = @(
                'Methods: Session_Disconnect (one id), Session_DisconnectSessions (several).'
                'Privileges: MACHINE_MANAGE_VDI_SESSION or POOL_MANAGEMENT on the session''s access group, or FEDERATED_SESSIONS_MANAGE; a remote session needs FEDERATED_SESSIONS_MANAGE.'
                'Events, one per item: ADMIN_DESKTOP_SESSION_DISCONNECTED or ADMIN_DESKTOP_SESSION_DISCONNECT_FAILED; for a remote session VLSI_FEDERATED_DESKTOP_SESSION_DISCONNECT_REQUEST_SENT or VLSI_FEDERATED_DESKTOP_SESSION_DISCONNECT_REQUEST_SEND_FAILED. Items refused for want of privilege, and -WhatIf, record none.'
            )
            Links       = @('Get-HvSession', 'Invoke-HvSessionLogoff', 'Get-HvEvent')
        }

        'Invoke-HvSessionLogoff' = @{
            Synopsis    = 'Logs off sessions; with -Force, locked sessions too.'
            Description = @(
                'Invoke-HvSessionLogoff logs off each session whose id it receives: from -Id, from strings piped in, or from the Id property of piped objects such as Get-HvSession output. A logged-off session ends and is gone: a later call on its id gives EntityNotFound. A locked session fails with InvalidState unless -Force is given, which uses the forced logoff. The cmdlet writes no output.'
                'The impact is High, so it prompts for each session by default; -Confirm:$false or -Force skips the prompt, while -WhatIf (even with -Force) only reports and records nothing. Nothing changes until the input ends; then the ids go to Session_LogoffSessions (Session_LogoffSessionsForced with -Force), one call per chunk of up to 1,000 ids; a single id uses Session_Logoff (Session_LogoffForced). Write-Progress is shown past 100 ids.'
                'Each failed session is its own non-terminating error: the error id is the contract fault type (EntityNotFound, InsufficientPermission, InvalidState, InvalidArgument, InvalidType, UnexpectedFault), TargetObject is the session id, and the exception is an HvFaultException carrying the fault''s fields. The other sessions are still logged off. A fault about the whole call, such as holding no session-management privilege anywhere, is one terminating error.'
                'Sessions of other pods can be given by id: the request is sent to the session''s pod, which applies the same rules, and is recorded as a REQUEST_SENT event; an unreachable pod gives UnexpectedFault.'
            )
            Parameters  = @{
                Id    = 'Session ids, for example Session/pod-1-1-0000002. Alias: SessionId. Accepts pipeline input by value and by property name, so Get-HvSession output binds. An id of another type is an InvalidType error for that id.'
                Force = 'Uses the forced logoff (Session_LogoffForced, Session_LogoffSessionsForced), which also ends locked sessions, and skips the confirmation prompt. An explicit -Confirm still prompts; -WhatIf still only reports.'
            }
            Examples    = @(
                @{
                    Code    = 'Invoke-HvSessionLogoff -Id ''Session/pod-1-1-0000002'''
                    Remarks = 'Asks for confirmation, then logs off one session.'
                }
                @{
                    Code    = 'Get-HvSession -State Disconnected | Invoke-HvSessionLogoff -Force'
                    Remarks = 'Logs off every disconnected session without prompting, locked ones included, in one Session_LogoffSessionsForced call.'
                }
                @{
                    Code    = 'Get-HvSession -UserName ''HVDEMO\user0002*'' | Invoke-HvSessionLogoff -Confirm:$false -ErrorVariable failed
$failed | ForEach-Object { ''{0}: {1}'' -f $_.TargetObject, $_.Exception.Type }'
                    Remarks = 'Logs off the sessions of users user00020 to user00029 without prompting, then lists the ones that failed. In the demo, Session/pod-1-1-0000013 is locked and reports InvalidState; run again with -Force to end it.'
                }
                @{
                    Code    = 'Get-HvSession -DesktopName ''RDS Desktop*'' | Invoke-HvSessionLogoff -Force -WhatIf'
                    Remarks = 'Shows which sessions would be logged off, without logging any off or recording events.'
                }
            )
            Notes       = @(
                'Methods: Session_Logoff, Session_LogoffSessions; with -Force Session_LogoffForced, Session_LogoffSessionsForced.'
                'Privileges: MACHINE_MANAGE_VDI_SESSION or POOL_MANAGEMENT on the session''s access group, or FEDERATED_SESSIONS_MANAGE; a remote session needs FEDERATED_SESSIONS_MANAGE.'
                'Events, one per item (forced or not): ADMIN_DESKTOP_SESSION_LOGOFF or ADMIN_DESKTOP_SESSION_LOGOFF_FAILED; for a remote session VLSI_FEDERATED_DESKTOP_SESSION_LOGOFF_REQUEST_SENT or VLSI_FEDERATED_DESKTOP_SESSION_LOGOFF_REQUEST_SEND_FAILED. Items refused for want of privilege, and -WhatIf, record none.'
            )
            Links       = @('Get-HvSession', 'Disconnect-HvSession', 'Get-HvEvent')
        }

        'Reset-HvSession' = @{
            Synopsis    = 'Resets the virtual machines of desktop sessions.'
            Description = @(
                'Reset-HvSession resets the machine of each desktop session whose id it receives (from -Id, strings piped in, or the Id property of piped objects), as Reset in the Horizon console does: the machine is reset without a guest shutdown and the session ends. It applies only to desktop sessions on machines managed through vCenter (desktop source VIRTUAL_CENTER, VIEW_COMPOSER or INSTANT_CLONE_ENGINE); application sessions, RDS desktop sessions and unmanaged (manual) machines fail with InvalidArgument for that id. The cmdlet writes no output.'
                'The impact is High, so it prompts for each session by default; use -Confirm:$false to skip the prompt. -WhatIf only reports and records nothing. Nothing changes until the input ends; then the ids go to Session_ResetSessions, one call per chunk of up to 1,000 ids (a single id uses Session_Reset). Write-Progress is shown past 100 ids.'
                'Each failed session is its own non-terminating error: the error id is the contract fault type (EntityNotFound, InsufficientPermission, InvalidArgument, InvalidType, InvalidState, UnexpectedFault), TargetObject is the session id, and the exception is an HvFaultException carrying the fault''s fields. A fault about the whole call, such as holding no MACHINE_REBOOT or FEDERATED_SESSIONS_MANAGE anywhere, is one terminating error. Sessions of other pods can be given by id; the request is sent to their pod.'
            )
            Parameters  = @{
                Id = 'Session ids of desktop sessions on managed machines, for example Session/pod-1-1-0000001. Alias: SessionId. Accepts pipeline input by value and by property name, so Get-HvSession output binds.'
            }
            Examples    = @(
                @{
                    Code    = 'Reset-HvSession -Id ''Session/pod-1-1-0000001'' -Confirm:$false'
                    Remarks = 'Resets the instant-clone machine of one session without prompting; the session ends.'
                }
                @{
                    Code    = 'Get-HvSession -DesktopName ''Win11 Instant Clone*'' -UserName ''HVDEMO\user0003*'' | Reset-HvSession'
                    Remarks = 'Resets the instant-clone machines of users user00030 to user00039, prompting for each (answer A to confirm them all).'
                }
                @{
                    Code    = 'Reset-HvSession -Id ''Session/pod-1-1-0000009'' -Confirm:$false
Get-HvEvent -Session ''Session/pod-1-1-0000009'''
                    Remarks = 'Fails with InvalidArgument: the session is on an RDS desktop. The ADMIN_DESKTOP_SESSION_REBOOT_FAILED event records the attempt.'
                }
            )
            Notes       = @(
                'Methods: Session_Reset (one id), Session_ResetSessions (several).'
                'Privileges: MACHINE_REBOOT on the session''s access group, or FEDERATED_SESSIONS_MANAGE; a remote session needs FEDERATED_SESSIONS_MANAGE.'
                'Events, one per item: ADMIN_DESKTOP_SESSION_REBOOTED or ADMIN_DESKTOP_SESSION_REBOOT_FAILED; for a remote session VLSI_FEDERATED_DESKTOP_SESSION_RESET_REQUEST_SENT or VLSI_FEDERATED_DESKTOP_SESSION_RESET_REQUEST_SEND_FAILED. Items refused for want of privilege, and -WhatIf, record none.'
            )
            Links       = @('Restart-HvSession', 'Get-HvSession', 'Get-HvDesktop', 'Get-HvEvent')
        }

        'Restart-HvSession' = @{
            Synopsis    = 'Restarts the guest operating systems of desktop sessions'' machines.'
            Description = @(
                'Restart-HvSession restarts the machine of each desktop session whose id it receives (from -Id, strings piped in, or the Id property of piped objects), as Restart in the Horizon console does: the guest operating system restarts and the session ends. It applies only to desktop sessions on machines managed through vCenter (desktop source VIRTUAL_CENTER, VIEW_COMPOSER or INSTANT_CLONE_ENGINE); application sessions, RDS desktop sessions and unmanaged (manual) machines fail with InvalidArgument for that id. The cmdlet writes no output.'
                'The impact is High, so it prompts for each session by default; use -Confirm:$false to skip the prompt. -WhatIf only reports and records nothing. Nothing changes until the input ends; then the ids go to Session_RestartSessions, one call per chunk of up to 1,000 ids (a single id uses Session_Restart). Write-Progress is shown past 100 ids.'
                'Each failed session is its own non-terminating error: the error id is the contract fault type (EntityNotFound, InsufficientPermission, InvalidArgument, InvalidType, InvalidState, UnexpectedFault), TargetObject is the session id, and the exception is an HvFaultException carrying the fault''s fields. A fault about the whole call, such as holding no MACHINE_REBOOT or FEDERATED_SESSIONS_MANAGE anywhere, is one terminating error. Sessions of other pods can be given by id; the request is sent to their pod.'
            )
            Parameters  = @{
                Id = 'Session ids of desktop sessions on managed machines, for example Session/pod-1-1-0000003. Alias: SessionId. Accepts pipeline input by value and by property name, so Get-HvSession output binds.'
            }
            Examples    = @(
                @{
                    Code    = 'Restart-HvSession -Id ''Session/pod-1-1-0000003'' -Confirm:$false'
                    Remarks = 'Restarts the instant-clone machine of one session without prompting; the session ends.'
                }
                @{
                    Code    = 'Get-HvSession -MachineName ''pod-1-1-ic-00001*'' | Restart-HvSession -Confirm:$false'
                    Remarks = 'Restarts the instant-clone machines pod-1-1-ic-000010 to pod-1-1-ic-000019 that have sessions, in one Session_RestartSessions call.'
                }
                @{
                    Code    = 'Restart-HvSession -Id ''Session/pod-1-1-0000008'' -Confirm:$false'
                    Remarks = 'Fails with InvalidArgument: the session is on a machine of the manual pool, which vCenter does not manage. The error''s TargetObject is the session id.'
                }
            )
            Notes       = @(
                'Methods: Session_Restart (one id), Session_RestartSessions (several).'
                'Privileges: MACHINE_REBOOT on the session''s access group, or FEDERATED_SESSIONS_MANAGE; a remote session needs FEDERATED_SESSIONS_MANAGE.'
                'Events, one per item: ADMIN_DESKTOP_SESSION_RESTARTED or ADMIN_DESKTOP_SESSION_RESTART_FAILED; for a remote session VLSI_FEDERATED_DESKTOP_SESSION_RESTART_REQUEST_SENT or VLSI_FEDERATED_DESKTOP_SESSION_RESTART_REQUEST_SEND_FAILED. Items refused for want of privilege, and -WhatIf, record none.'
            )
            Links       = @('Reset-HvSession', 'Get-HvSession', 'Get-HvDesktop', 'Get-HvEvent')
        }

        'Send-HvSessionMessage' = @{
            Synopsis    = 'Sends a message to the users of sessions.'
            Description = @(
                'Send-HvSessionMessage shows a message in each session whose id it receives: from -Id, from strings piped in, or from the Id property of piped objects such as Get-HvSession output. Sending to a disconnected session succeeds. The message and its type are recorded in the event. The cmdlet writes no output.'
                'It asks ShouldProcess for each id (impact Medium: no prompt by default; -Confirm prompts, -WhatIf only reports and records nothing). Nothing is sent until the input ends; then the ids go to Session_SendMessages, one call per chunk of up to 1,000 ids (a single id uses Session_SendMessage). Write-Progress is shown past 100 ids.'
                'Each failed session is its own non-terminating error: the error id is the contract fault type (EntityNotFound, InsufficientPermission, InvalidType, UnexpectedFault, …), TargetObject is the session id, and the exception is an HvFaultException carrying the fault''s fields. A message that is empty or longer than 1,024 characters is refused for the whole call: one terminating InvalidArgument error, nothing sent, no event.'
            )
            Parameters  = @{
                Id          = 'Session ids, for example Session/pod-1-1-0000002. Alias: SessionId. Accepts pipeline input by value and by property name, so Get-HvSession output binds.'
                Message     = 'The message text, 1 to 1,024 characters. Position 1.'
                MessageType = 'Info (the default), Warning or Error; sent as INFO, WARNING or ERROR.'
            }
            Examples    = @(
                @{
                    Code    = 'Send-HvSessionMessage -Id ''Session/pod-1-1-0000002'' -Message ''Please save your work; this desktop restarts in 10 minutes.'''
                    Remarks = 'Sends an Info message to one session.'
                }
                @{
                    Code    = 'Get-HvSession -DesktopName ''Win11 Instant Clone*'' | Send-HvSessionMessage -Message ''The pool is updated at 18:00 UTC. Please log off before then.'' -MessageType Warning'
                    Remarks = 'Sends a warning to every session of the instant-clone pool, in one Session_SendMessages call.'
                }
                @{
                    Code    = 'Get-HvEvent -Type ADMIN_SESSION_SENDMSG | Format-Table Time, Session, Message'
                    Remarks = 'Shows the messages sent through this connection and the sessions that received them.'
                }
            )
            Notes       = @(
                'Methods: Session_SendMessage (one id), Session_SendMessages (several).'
                'Privileges: MACHINE_MANAGE_VDI_SESSION or POOL_MANAGEMENT on the session''s access group, or FEDERATED_SESSIONS_MANAGE; a remote session needs FEDERATED_SESSIONS_MANAGE.'
                'Events, one per item: ADMIN_SESSION_SENDMSG or ADMIN_SESSION_SENDMSG_FAILED; for a remote session VLSI_FEDERATED_DESKTOP_SESSION_SEND_MESSAGE_REQUEST_SENT or VLSI_FEDERATED_DESKTOP_SESSION_SEND_MESSAGE_REQUEST_SEND_FAILED. Items refused for want of privilege, a refused message text, and -WhatIf record none.'
            )
            Links       = @('Get-HvSession', 'Invoke-HvSessionLogoff', 'Get-HvEvent')
        }

        # ------------------------------------------------------------------ home sites

        'Get-HvUserHomeSite' = @{
            Synopsis    = 'Gets the home-site configurations of users or groups, or by home-site id.'
            Description = @(
                'Get-HvUserHomeSite returns HvUserHomeSite objects: Id, UserOrGroup, Site, GlobalEntitlement, GlobalApplicationEntitlement, Scope ("Global" for a home site of every entitlement, else the entitlement''s id), the display names UserOrGroupName, SiteName and EntitlementName, and Base (the contract''s UserHomeSiteBase).'
                'With -UserOrGroup, UserHomeSite_List runs once per user or group and returns only the configurations made directly on it: a user''s list does not include the home sites of its groups. To see which home site actually applies to a user, use Resolve-HvUserHomeSite.'
                'With -Id, one id is read with UserHomeSite_Get and several with one UserHomeSite_GetInfos call; if one of them does not exist, each is read alone, so that only the unknown id is an error (EntityNotFound, with the id as TargetObject). -Id must be named: a value given by position is taken as -UserOrGroup.'
                'Users and groups are accepted by name (DOMAIN\name, name@DOMAIN, or a bare name that is unique) or by id (UserOrGroup/user00005). A name that matches nothing, or more than one user or group, is a non-terminating error about that input (error id UserOrGroupNotFound or UserOrGroupNameAmbiguous, category ObjectNotFound).'
            )
            Parameters  = @{
                UserOrGroup = 'Users or groups, by name (''HVDEMO\Sales'', ''user00001@HVDEMO'') or by id (''UserOrGroup/group-1''). Accepts pipeline input by value (strings, and Get-HvUserOrGroup objects, which bind by their DOMAIN\name) and by the property name UserOrGroup. Tab completion offers the names of the connection''s users and groups.'
                Id          = 'Home-site ids, for example UserHomeSite/hs-1. Alias: UserHomeSiteId. Must be given by name. Accepts pipeline input by property name.'
            }
            Examples    = @(
                @{
                    Code    = 'Get-HvUserHomeSite -UserOrGroup ''HVDEMO\Sales'''
                    Remarks = 'Lists the configurations made on the group Sales: its global home site (New York) and its override for Windows 11 Desktop (London).'
                }
                @{
                    Code    = 'Get-HvUserHomeSite ''HVDEMO\user00001'', ''HVDEMO\user00002'' | Format-Table UserOrGroupName, SiteName, Scope'
                    Remarks = 'Lists the home sites set directly on two users.'
                }
                @{
                    Code    = 'Get-HvUserHomeSite -Id ''UserHomeSite/hs-1'', ''UserHomeSite/hs-2'''
                    Remarks = 'Reads two configurations by id with one UserHomeSite_GetInfos call.'
                }
                @{
                    Code    = 'Get-HvUserOrGroup | Where-Object Group | Get-HvUserHomeSite | Format-Table UserOrGroupName, SiteName, EntitlementName'
                    Remarks = 'Lists the home sites configured on every group of the federation.'
                }
            )
            Notes       = @(
                'Methods: UserHomeSite_List (-UserOrGroup), UserHomeSite_Get and UserHomeSite_GetInfos (-Id), and Inventory_Query to turn names into ids and ids into names.'
                'Privilege: FEDERATED_LDAP_VIEW on the federation; without it the cmdlet stops with one terminating InsufficientPermission error. FEDERATED_LDAP_MANAGE alone does not allow reading. If the federation is not initialized, the calls fail with InvalidState. Reading records no events.'
            )
            Links       = @('New-HvUserHomeSite', 'Remove-HvUserHomeSite', 'Resolve-HvUserHomeSite', 'Get-HvUserOrGroup')
        }

        'New-HvUserHomeSite' = @{
            Synopsis    = 'Sets the home site of a user or group, for every global entitlement or for one.'
            Description = @(
                'New-HvUserHomeSite creates a home-site configuration with UserHomeSite_Create and returns it as an HvUserHomeSite. Without an entitlement parameter it sets the global home site of the user or group, which applies to every global entitlement; with -GlobalEntitlement or -GlobalApplicationEntitlement it sets an override for that entitlement only.'
                'Users, groups, sites and entitlements are accepted by name or by id. A name that matches nothing, or more than one object, is a non-terminating ObjectNotFound error about that input (error id such as SiteNotFound or UserOrGroupNameAmbiguous), raised before anything is created.'
                'A user or group has at most one configuration per scope (global, or one entitlement). Setting the same site again returns the existing configuration and records no event; a different site fails with InvalidArgument (parameter base.site): there is no update, so remove the existing configuration with Remove-HvUserHomeSite first. With an entitlement, a group must be entitled to it directly, and a user directly or through one of its immediate groups; otherwise the call fails with InvalidRequest. Groups of a user that disagree never make the call fail.'
                'Input can come from the pipeline by property name (UserOrGroup, Site, GlobalEntitlement, GlobalApplicationEntitlement), for example from Import-Csv; each input object is one configuration, and each failure is its own non-terminating error. Impact Medium: no prompt by default; -WhatIf reports without creating anything.'
            )
            Parameters  = @{
                UserOrGroup                  = 'The user or group, by name (''HVDEMO\user00005'', ''user00005@HVDEMO'', ''HVDEMO\Sales'') or by id (''UserOrGroup/group-1''). Accepts pipeline input by property name. Tab completion offers names.'
                Site                         = 'The home site, by name (''London'') or by id (''Site/site-2''). Position 1. Accepts pipeline input by property name. Tab completion offers names.'
                GlobalEntitlement            = 'A global (desktop) entitlement, by name (''Windows 11 Desktop'') or by id (''GlobalEntitlement/ge-1''): the configuration then applies to that entitlement only. Cannot be combined with -GlobalApplicationEntitlement. Accepts pipeline input by property name. Tab completion offers names.'
                GlobalApplicationEntitlement = 'A global application entitlement, by name (''Microsoft Office'') or by id (''GlobalApplicationEntitlement/gae-1''): the configuration then applies to that entitlement only. Cannot be combined with -GlobalEntitlement. Accepts pipeline input by property name. Tab completion offers names.'
            }
            Examples    = @(
                @{
                    Code    = 'New-HvUserHomeSite -UserOrGroup ''HVDEMO\user00005'' -Site ''London'''
                    Remarks = 'Sets London as the global home site of user00005. Running it again returns the same configuration; running it with -Site ''New York'' fails until the existing one is removed.'
                }
                @{
                    Code    = 'New-HvUserHomeSite ''HVDEMO\user00017'' ''New York'' -GlobalEntitlement ''Windows 11 Desktop'''
                    Remarks = 'Gives user00017 New York as home site for the Windows 11 Desktop entitlement only, overriding its groups'' home sites for it.'
                }
                @{
                    Code    = 'New-HvUserHomeSite -UserOrGroup ''HVDEMO\Finance'' -Site ''New York'' -GlobalApplicationEntitlement ''Microsoft Office'''
                    Remarks = 'Sets a home site for the group Finance for the Microsoft Office application entitlement, to which the group is entitled directly.'
                }
                @{
                    Code    = '''UserOrGroup,Site,GlobalEntitlement'', ''HVDEMO\user00018,London,Windows 11 Desktop'', ''HVDEMO\user00019,New York,Windows 11 Desktop'' |
    ConvertFrom-Csv | New-HvUserHomeSite'
                    Remarks = 'Creates one configuration per CSV row; the columns bind by property name. Import-Csv works the same way with a file.'
                }
            )
            Notes       = @(
                'Methods: UserHomeSite_Create, then UserHomeSite_Get to return the result; Inventory_Query to resolve names.'
                'Privileges: FEDERATED_LDAP_MANAGE on the federation to create, and FEDERATED_LDAP_VIEW to read the result back (managing home sites does not imply viewing them). Without FEDERATED_LDAP_MANAGE the cmdlet stops with one terminating InsufficientPermission error.'
                'Events: VLSI_USER_HOME_SITE_ADDED or VLSI_USER_HOME_SITE_ADD_FAILED, one per attempt; none when the existing configuration is returned, when the request text is refused, or with -WhatIf.'
            )
            Links       = @('Get-HvUserHomeSite', 'Remove-HvUserHomeSite', 'Resolve-HvUserHomeSite', 'Get-HvSite', 'Get-HvGlobalEntitlement')
        }

        'Remove-HvUserHomeSite' = @{
            Synopsis    = 'Deletes home-site configurations.'
            Description = @(
                'Remove-HvUserHomeSite deletes each home-site configuration whose id it receives: from -Id, from strings piped in, or from the Id property of piped HvUserHomeSite objects. The contract has no batch delete, so after the input ends it calls UserHomeSite_Delete once per id, with Write-Progress past 100 ids. The cmdlet writes no output.'
                'The impact is High, so it prompts for each id by default; use -Confirm:$false to skip the prompt. -WhatIf only reports and records nothing.'
                'An unknown id is a non-terminating EntityNotFound error with the id as TargetObject; the other ids are still deleted. Deleting a group''s configuration changes the home site of all its members at once: check the effect with Resolve-HvUserHomeSite.'
            )
            Parameters  = @{
                Id = 'Home-site ids, for example UserHomeSite/hs-11. Alias: UserHomeSiteId. Accepts pipeline input by value and by property name, so Get-HvUserHomeSite and New-HvUserHomeSite output binds.'
            }
            Examples    = @(
                @{
                    Code    = 'Remove-HvUserHomeSite -Id ''UserHomeSite/hs-11'''
                    Remarks = 'Asks for confirmation, then deletes the global home site of user00001.'
                }
                @{
                    Code    = 'Get-HvUserHomeSite -UserOrGroup ''HVDEMO\user00001'' | Remove-HvUserHomeSite -Confirm:$false'
                    Remarks = 'Deletes every configuration made directly on user00001, without prompting. Its groups'' configurations then decide its home sites.'
                }
                @{
                    Code    = 'Get-HvUserHomeSite -UserOrGroup ''HVDEMO\Sales'' | Where-Object Scope -NE ''Global'' | Remove-HvUserHomeSite -WhatIf'
                    Remarks = 'Shows which entitlement overrides of the group Sales would be deleted, without deleting them.'
                }
            )
            Notes       = @(
                'Method: UserHomeSite_Delete, once per id.'
                'Privilege: FEDERATED_LDAP_MANAGE on the federation; without it the cmdlet stops with one terminating InsufficientPermission error.'
                'Events: VLSI_USER_HOME_SITE_DELETED or VLSI_USER_HOME_SITE_DELETE_FAILED, one per id (an unknown id gets the _FAILED event); none with -WhatIf.'
            )
            Links       = @('Get-HvUserHomeSite', 'New-HvUserHomeSite', 'Resolve-HvUserHomeSite')
        }

        'Resolve-HvUserHomeSite' = @{
            Synopsis    = 'Shows which home site applies to a user for one global entitlement, and why.'
            Description = @(
                'Resolve-HvUserHomeSite asks the federation which home site a user gets for a global entitlement (UserHomeSite_Resolve) or a global application entitlement (UserHomeSite_ResolveForGAE). It returns an HvHomeSiteResolution: User, UserName, Entitlement, EntitlementName, Site, SiteName, Source, Resolved (the winning HvUserHomeSite) and Conflicts.'
                'Candidates come in four tiers; the first tier that has any wins. (1) The user''s own configuration for the entitlement: Source USER_OVERRIDE. (2) Configurations for the entitlement on the user''s immediate groups that are themselves entitled to it: GROUP_OVERRIDE. (3) The user''s global configuration: USER_DEFAULT. (4) Global configurations on the user''s immediate groups: GROUP_DEFAULT. Nested groups never count. Within a group tier, the group whose name sorts first (ignoring case, then by id) wins. When no tier has a candidate, Source is NONE and Site is empty.'
                'Conflicts lists the other candidates of the winning tier whose site differs from the resolved one, typically when a user''s groups disagree. They do not change the answer; they show which configurations lost.'
                '-User must be a user (a group is InvalidArgument), entitled to the entitlement directly or through an immediate group (else InvalidArgument). Names that match nothing are ObjectNotFound errors. Each input is resolved on its own, and -User binds by property name, so Get-HvSession output (its User property) can be piped in.'
            )
            Parameters  = @{
                User                         = 'The user, by name (''HVDEMO\user00001'', ''user00001@HVDEMO'') or by id (''UserOrGroup/user00001''). Accepts pipeline input by property name (User, as on HvSession objects). Tab completion offers names.'
                GlobalEntitlement            = 'The global (desktop) entitlement to resolve for, by name (''Windows 11 Desktop'') or by id (''GlobalEntitlement/ge-1''). Position 1. Tab completion offers names.'
                GlobalApplicationEntitlement = 'The global application entitlement to resolve for, by name (''Microsoft Office'') or by id (''GlobalApplicationEntitlement/gae-1''). Use instead of -GlobalEntitlement. Tab completion offers names.'
            }
            Examples    = @(
                @{
                    Code    = 'Resolve-HvUserHomeSite -User ''HVDEMO\user00001'' -GlobalEntitlement ''Windows 11 Desktop'''
                    Remarks = 'Returns London with Source GROUP_OVERRIDE: the group Sales has an override for Windows 11 Desktop, which beats the user''s own global home site (tier 3).'
                }
                @{
                    Code    = 'Resolve-HvUserHomeSite ''HVDEMO\user00001'' -GlobalApplicationEntitlement ''Microsoft Office'''
                    Remarks = 'Returns London with Source USER_DEFAULT: no override exists for Microsoft Office, so the user''s global home site applies.'
                }
                @{
                    Code    = 'Get-HvSession -UserName ''HVDEMO\user0002*'' | Resolve-HvUserHomeSite -GlobalEntitlement ''Windows 11 Desktop'' |
    Format-Table UserName, SiteName, Source, @{ n = ''Conflicts''; e = { $_.Conflicts.SiteName -join '', '' } }'
                    Remarks = 'Resolves the home site of each user with a session, and shows which sites lost in the winning tier.'
                }
            )
            Notes       = @(
                'Methods: UserHomeSite_Resolve (-GlobalEntitlement), UserHomeSite_ResolveForGAE (-GlobalApplicationEntitlement); Inventory_Query to resolve names.'
                'Privilege: FEDERATED_LDAP_VIEW on the federation; without it the cmdlet stops with one terminating InsufficientPermission error. Records no events.'
            )
            Links       = @('Get-HvUserHomeSite', 'New-HvUserHomeSite', 'Remove-HvUserHomeSite')
        }

        # ------------------------------------------------------------------ events

        'Get-HvEvent' = @{
            Synopsis    = 'Gets the audit events recorded by the federation, oldest first.'
            Description = @(
                'Get-HvEvent reads the audit trail with Event_Query and returns HvEvent objects: Id (increasing), Time, Type, Severity (AUDIT_SUCCESS or AUDIT_FAIL), Admin (DOMAIN\name), Message, and where they apply Session, UserHomeSite, User and Pod. Events come oldest first and stream page by page.'
                'Every session action and home-site change records exactly one event per item: the success event or its _FAILED twin, named as in Horizon (ADMIN_DESKTOP_SESSION_LOGOFF, VLSI_USER_HOME_SITE_ADDED, …). A failure decided by looking at the federation (unknown id, locked session, unmanaged machine) gets the _FAILED event; items refused for want of privilege, requests refused for their text alone (a wrong id type, an empty message) and -WhatIf record none.'
                'Events are kept in memory for the life of the connection; each connection has its own trail.'
            )
            Parameters  = @{
                Type    = 'Event types, with wildcards (case-insensitive), for example ADMIN_DESKTOP_SESSION_LOGOFF, ''*LOGOFF*'' or ''*_FAILED''.'
                Session = 'Only the events about these session ids (exact ids, no wildcards).'
                First   = 'Returns at most this many events: the oldest that match. For the newest, pipe to Select-Object -Last.'
            }
            Examples    = @(
                @{
                    Code    = 'Get-HvEvent | Format-Table Id, Time, Type, Severity, Admin, Session'
                    Remarks = 'Lists every event recorded through the default connection.'
                }
                @{
                    Code    = 'Get-HvEvent -Type ''*FAILED'' | Format-Table Time, Type, Session, Message'
                    Remarks = 'Lists the failed operations, local and remote.'
                }
                @{
                    Code    = 'Invoke-HvSessionLogoff -Id ''Session/pod-1-1-0000013'' -Confirm:$false -ErrorAction SilentlyContinue
Invoke-HvSessionLogoff -Id ''Session/pod-1-1-0000013'' -Force
Get-HvEvent -Session ''Session/pod-1-1-0000013'''
                    Remarks = 'Shows what was done to one session: a logoff refused because the session is locked (ADMIN_DESKTOP_SESSION_LOGOFF_FAILED), then the forced logoff that ended it (ADMIN_DESKTOP_SESSION_LOGOFF).'
                }
                @{
                    Code    = 'Get-HvEvent -Type ''VLSI_USER_HOME_SITE*'' -First 10'
                    Remarks = 'Gets the first ten home-site events.'
                }
            )
            Notes       = @(
                'Method: Event_Query, open to every signed-in administrator.'
                'Event types (contract 5.3), success / failure, then remote success / failure: disconnect ADMIN_DESKTOP_SESSION_DISCONNECTED / ADMIN_DESKTOP_SESSION_DISCONNECT_FAILED, VLSI_FEDERATED_DESKTOP_SESSION_DISCONNECT_REQUEST_SENT / …_REQUEST_SEND_FAILED; logoff ADMIN_DESKTOP_SESSION_LOGOFF / ADMIN_DESKTOP_SESSION_LOGOFF_FAILED, VLSI_FEDERATED_DESKTOP_SESSION_LOGOFF_REQUEST_SENT / …_REQUEST_SEND_FAILED; reset ADMIN_DESKTOP_SESSION_REBOOTED / ADMIN_DESKTOP_SESSION_REBOOT_FAILED, VLSI_FEDERATED_DESKTOP_SESSION_RESET_REQUEST_SENT / …_REQUEST_SEND_FAILED; restart ADMIN_DESKTOP_SESSION_RESTARTED / ADMIN_DESKTOP_SESSION_RESTART_FAILED, VLSI_FEDERATED_DESKTOP_SESSION_RESTART_REQUEST_SENT / …_REQUEST_SEND_FAILED; message ADMIN_SESSION_SENDMSG / ADMIN_SESSION_SENDMSG_FAILED, VLSI_FEDERATED_DESKTOP_SESSION_SEND_MESSAGE_REQUEST_SENT / …_REQUEST_SEND_FAILED; home sites VLSI_USER_HOME_SITE_ADDED / VLSI_USER_HOME_SITE_ADD_FAILED, VLSI_USER_HOME_SITE_DELETED / VLSI_USER_HOME_SITE_DELETE_FAILED.'
                'A remote request''s event is REQUEST_SENT (AUDIT_SUCCESS) even when the remote pod refuses the item; the refusal is the cmdlet''s error.'
            )
            Links       = @('Invoke-HvSessionLogoff', 'Disconnect-HvSession', 'New-HvUserHomeSite', 'Remove-HvUserHomeSite')
        }

        # ------------------------------------------------------------------ inventory

        'Get-HvSite' = @{
            Synopsis    = 'Gets the sites of the federation.'
            Description = @(
                'Get-HvSite returns the federation''s sites as HvSite objects (Id, Name), from Inventory_Query with entityType Site. With -Name it returns the sites whose names match the patterns; with -Id, the sites with those ids; with neither, every site.'
                'Names take wildcards (* ? []) and ignore case. A pattern is sent to the server as a StartsWith or Contains filter and matched exactly on the client. An -Id that does not exist returns nothing, without an error.'
            )
            Parameters  = @{
                Name = 'Site names, with wildcards, for example ''London'' or ''New*''.'
                Id   = 'Site ids, for example Site/site-2. Accepts pipeline input by property name (Id).'
            }
            Examples    = @(
                @{
                    Code    = 'Get-HvSite'
                    Remarks = 'Lists every site: in the demo, Site/site-1 New York and Site/site-2 London.'
                }
                @{
                    Code    = 'Get-HvPod | Where-Object Site -EQ (Get-HvSite London).Id'
                    Remarks = 'Lists the pods of the London site.'
                }
                @{
                    Code    = 'Get-HvSite -Id $global:DefaultHVServers[0].LocalSite'
                    Remarks = 'Gets the site of the default connection''s local pod (New York in the demo).'
                }
            )
            Notes       = 'Method: Inventory_Query (entityType Site), open to every signed-in administrator. Records no events.'
            Links       = @('Get-HvPod', 'New-HvUserHomeSite')
        }

        'Get-HvPod' = @{
            Synopsis    = 'Gets the pods of the federation.'
            Description = @(
                'Get-HvPod returns the federation''s pods as HvPod objects (Id, Name, Site, Reachable), from Inventory_Query with entityType Pod. With -Name it returns the pods whose names match the patterns; with -Id, the pods with those ids; with neither, every pod.'
                'The connection''s local pod is the LocalPod of its HvServer object; Get-HvSession sees only that pod''s sessions. Actions on sessions of an unreachable pod (Reachable False) fail with UnexpectedFault.'
                'Names take wildcards (* ? []) and ignore case. An -Id that does not exist returns nothing, without an error.'
            )
            Parameters  = @{
                Name = 'Pod names, with wildcards, for example ''London*''.'
                Id   = 'Pod ids, for example Pod/pod-2-1. Accepts pipeline input by property name (Id).'
            }
            Examples    = @(
                @{
                    Code    = 'Get-HvPod'
                    Remarks = 'Lists every pod: in the demo, New York Pod 1 and 2 and London Pod 1 and 2, all reachable.'
                }
                @{
                    Code    = 'Get-HvPod -Id $global:DefaultHVServers[0].LocalPod'
                    Remarks = 'Gets the local pod of the default connection (Pod/pod-1-1, New York Pod 1, in the demo).'
                }
                @{
                    Code    = 'Get-HvPod ''London*'' | Where-Object -Not Reachable'
                    Remarks = 'Lists the London pods that cannot be reached (none in the demo).'
                }
            )
            Notes       = 'Method: Inventory_Query (entityType Pod), open to every signed-in administrator. Records no events.'
            Links       = @('Get-HvSite', 'Get-HvSession', 'Connect-HvServer')
        }

        'Get-HvAccessGroup' = @{
            Synopsis    = 'Gets the access groups of the federation.'
            Description = @(
                'Get-HvAccessGroup returns the federation''s access groups as HvAccessGroup objects (Id, Name, Parent), from Inventory_Query with entityType AccessGroup. With -Name it returns the access groups whose names match the patterns; with -Id, those with these ids; with neither, every access group.'
                'An administrator''s access-group privileges apply to an access group and its descendants; AccessGroup/root is the top. A session belongs to the access group of its desktop or farm (the AccessGroup property of HvSession).'
                'Names take wildcards (* ? []) and ignore case. An -Id that does not exist returns nothing, without an error.'
            )
            Parameters  = @{
                Name = 'Access group names, with wildcards, for example ''London*''.'
                Id   = 'Access group ids, for example AccessGroup/site-1. Accepts pipeline input by property name (Id).'
            }
            Examples    = @(
                @{
                    Code    = 'Get-HvAccessGroup'
                    Remarks = 'Lists every access group: in the demo, Root and one per site (New York desktops, London desktops).'
                }
                @{
                    Code    = 'Get-HvSession | Group-Object AccessGroup | ForEach-Object { [pscustomobject]@{ AccessGroup = (Get-HvAccessGroup -Id $_.Name).Name; Sessions = $_.Count } }'
                    Remarks = 'Counts the local sessions per access group, with the access group''s name.'
                }
            )
            Notes       = 'Method: Inventory_Query (entityType AccessGroup), open to every signed-in administrator. Records no events.'
            Links       = @('Get-HvDesktop', 'Get-HvFarm', 'Get-HvSession')
        }

        'Get-HvUserOrGroup' = @{
            Synopsis    = 'Gets the users and groups known to the federation.'
            Description = @(
                'Get-HvUserOrGroup returns users and groups as HvUserOrGroup objects: Id, Name, Domain, DisplayName (DOMAIN\name, as Horizon writes them), Group (True for a group) and Members (for a group, the ids of its immediate members, which may include nested groups). The data comes from Inventory_Query with entityType UserOrGroup.'
                'With -Name it returns the users and groups whose names match the patterns; with -Id, those with these ids; with neither, all of them. A pattern without a backslash matches the name alone (''user0001*'', ''Sales''); a pattern with one matches DOMAIN\name (''HVDEMO\user0001*''). Patterns take wildcards (* ? []) and ignore case. An -Id that does not exist returns nothing, without an error.'
                'Objects of this type cannot be piped to Get-HvUserHomeSite directly (their Id binds to its -Id); pipe their DisplayName instead.'
            )
            Parameters  = @{
                Name = 'User or group names, with wildcards: ''user0001*'' matches the name, ''HVDEMO\user0001*'' matches DOMAIN\name.'
                Id   = 'User or group ids, for example UserOrGroup/user00005 or UserOrGroup/group-1. Accepts pipeline input by property name (Id).'
            }
            Examples    = @(
                @{
                    Code    = 'Get-HvUserOrGroup ''HVDEMO\user0001*'''
                    Remarks = 'Gets the users user00010 to user00019.'
                }
                @{
                    Code    = 'Get-HvUserOrGroup | Where-Object Group | Format-Table DisplayName, Id, @{ n = ''Members''; e = { $_.Members.Count } }'
                    Remarks = 'Lists the groups (in the demo Sales, Engineering, Finance, Support, Marketing and HR, ids UserOrGroup/group-1 to group-6) and their sizes.'
                }
                @{
                    Code    = 'Get-HvUserOrGroup -Id (Get-HvGlobalEntitlement ''Windows 11 Desktop'').Members'
                    Remarks = 'Gets the users and groups entitled directly to Windows 11 Desktop.'
                }
            )
            Notes       = 'Method: Inventory_Query (entityType UserOrGroup), open to every signed-in administrator. Records no events.'
            Links       = @('Get-HvUserHomeSite', 'Resolve-HvUserHomeSite', 'Get-HvGlobalEntitlement')
        }

        'Get-HvGlobalEntitlement' = @{
            Synopsis    = 'Gets the global (desktop) entitlements of the federation.'
            Description = @(
                'Get-HvGlobalEntitlement returns global desktop entitlements as HvGlobalEntitlement objects (Id, Name, Members), from Inventory_Query with entityType GlobalEntitlement. Members lists the ids of the users and groups entitled directly. With -Name it returns the entitlements whose names match the patterns; with -Id, those with these ids; with neither, all of them.'
                'Names take wildcards (* ? []) and ignore case. An -Id that does not exist returns nothing, without an error.'
            )
            Parameters  = @{
                Name = 'Entitlement names, with wildcards, for example ''Windows 11 Desktop'' or ''*Desktop''.'
                Id   = 'Entitlement ids, for example GlobalEntitlement/ge-1. Accepts pipeline input by property name (Id).'
            }
            Examples    = @(
                @{
                    Code    = 'Get-HvGlobalEntitlement'
                    Remarks = 'Lists every global entitlement: in the demo Windows 11 Desktop (ge-1, which covers every group), Windows 10 Desktop, Developer Workstation and Call Center Desktop.'
                }
                @{
                    Code    = 'Get-HvGlobalEntitlement ''Windows 1*'' | Format-Table Name, @{ n = ''Members''; e = { $_.Members -join '', '' } }'
                    Remarks = 'Shows who is entitled directly to the Windows 10 and Windows 11 entitlements.'
                }
                @{
                    Code    = 'Get-HvGlobalEntitlement -Id GlobalEntitlement/ge-3'
                    Remarks = 'Gets one entitlement by id (Developer Workstation in the demo).'
                }
            )
            Notes       = 'Method: Inventory_Query (entityType GlobalEntitlement), open to every signed-in administrator. Records no events.'
            Links       = @('Get-HvGlobalApplicationEntitlement', 'New-HvUserHomeSite', 'Resolve-HvUserHomeSite')
        }

        'Get-HvGlobalApplicationEntitlement' = @{
            Synopsis    = 'Gets the global application entitlements of the federation.'
            Description = @(
                'Get-HvGlobalApplicationEntitlement returns global application entitlements as HvGlobalApplicationEntitlement objects (Id, Name, Members), from Inventory_Query with entityType GlobalApplicationEntitlement. Members lists the ids of the users and groups entitled directly. With -Name it returns the entitlements whose names match the patterns; with -Id, those with these ids; with neither, all of them.'
                'Names take wildcards (* ? []) and ignore case. An -Id that does not exist returns nothing, without an error.'
            )
            Parameters  = @{
                Name = 'Application entitlement names, with wildcards, for example ''Microsoft Office'' or ''Calc*''.'
                Id   = 'Application entitlement ids, for example GlobalApplicationEntitlement/gae-1. Accepts pipeline input by property name (Id).'
            }
            Examples    = @(
                @{
                    Code    = 'Get-HvGlobalApplicationEntitlement'
                    Remarks = 'Lists every global application entitlement: in the demo Microsoft Office (gae-1) and Calculator (gae-2).'
                }
                @{
                    Code    = '(Get-HvGlobalApplicationEntitlement ''Microsoft Office'').Members | ForEach-Object { Get-HvUserOrGroup -Id $_ } | Select-Object DisplayName, Group'
                    Remarks = 'Shows who is entitled directly to Microsoft Office.'
                }
            )
            Notes       = 'Method: Inventory_Query (entityType GlobalApplicationEntitlement), open to every signed-in administrator. Records no events.'
            Links       = @('Get-HvGlobalEntitlement', 'New-HvUserHomeSite', 'Resolve-HvUserHomeSite')
        }

        'Get-HvDesktop' = @{
            Synopsis    = 'Gets the desktop pools of the federation.'
            Description = @(
                'Get-HvDesktop returns the desktop pools of every pod as HvDesktop objects: Id, Name, Pod, AccessGroup, DesktopType (AUTOMATED, MANUAL or RDS) and DesktopSource (VIRTUAL_CENTER, VIEW_COMPOSER, INSTANT_CLONE_ENGINE, UNMANAGED or RDS). The data comes from Inventory_Query with entityType Desktop. With -Name it returns the pools whose names match the patterns; with -Id, those with these ids; with neither, all of them.'
                'DesktopSource decides whether Reset-HvSession and Restart-HvSession apply: only VIRTUAL_CENTER, VIEW_COMPOSER and INSTANT_CLONE_ENGINE machines can be reset or restarted.'
                'Names take wildcards (* ? []) and ignore case. An -Id that does not exist returns nothing, without an error.'
            )
            Parameters  = @{
                Name = 'Desktop pool names, with wildcards, for example ''Win11 Instant Clone*''.'
                Id   = 'Desktop pool ids, for example Desktop/pod-1-1-ic. Accepts pipeline input by property name (Id).'
            }
            Examples    = @(
                @{
                    Code    = 'Get-HvDesktop | Format-Table Name, Pod, DesktopType, DesktopSource'
                    Remarks = 'Lists every desktop pool: in the demo, an instant-clone pool, a manual pool of physical PCs and an RDS desktop pool on each pod.'
                }
                @{
                    Code    = 'Get-HvDesktop -Id (Get-HvSession -Id ''Session/pod-1-1-0000008'').Desktop'
                    Remarks = 'Gets the pool of a session: a MANUAL pool with source UNMANAGED, so the session cannot be reset or restarted.'
                }
                @{
                    Code    = 'Get-HvDesktop ''*Instant Clone*'''
                    Remarks = 'Gets the instant-clone pools of every pod.'
                }
            )
            Notes       = 'Method: Inventory_Query (entityType Desktop), open to every signed-in administrator. Records no events.'
            Links       = @('Get-HvFarm', 'Get-HvSession', 'Reset-HvSession', 'Restart-HvSession')
        }

        'Get-HvFarm' = @{
            Synopsis    = 'Gets the RDS farms of the federation.'
            Description = @(
                'Get-HvFarm returns the RDS farms of every pod as HvFarm objects (Id, Name, Pod, AccessGroup), from Inventory_Query with entityType Farm. Application sessions run on farms (the Farm and FarmName properties of HvSession). With -Name it returns the farms whose names match the patterns; with -Id, those with these ids; with neither, all of them.'
                'Names take wildcards (* ? []) and ignore case. An -Id that does not exist returns nothing, without an error.'
            )
            Parameters  = @{
                Name = 'Farm names, with wildcards, for example ''App Farm*''.'
                Id   = 'Farm ids, for example Farm/pod-1-1-apps. Accepts pipeline input by property name (Id).'
            }
            Examples    = @(
                @{
                    Code    = 'Get-HvFarm'
                    Remarks = 'Lists every farm: in the demo, one application farm per pod.'
                }
                @{
                    Code    = 'Get-HvSession -Type Application | Group-Object FarmName'
                    Remarks = 'Counts the local application sessions per farm.'
                }
            )
            Notes       = 'Method: Inventory_Query (entityType Farm), open to every signed-in administrator. Records no events.'
            Links       = @('Get-HvDesktop', 'Get-HvSession')
        }

        # ------------------------------------------------------------------ raw

        'Invoke-HvMethod' = @{
            Synopsis    = 'Calls any contract method by name with a raw request.'
            Description = @(
                'Invoke-HvMethod is the escape hatch beneath the other cmdlets: it sends -Request to the contract method named by -Method (the hv_invoke names of contract section 4, such as Session_LogoffSessions, UserHomeSite_Resolve or Session_Query) and returns the result as PowerShell objects: JSON objects become PSCustomObjects and arrays become arrays. A null result, as every action returns, writes nothing.'
                'Request keys are the contract''s parameter names (id, ids, msgType, message, base, user, globalEntitlement, entityType, filter, limit, …), and values are ids, not names: nothing is resolved or batched for you.'
                'Faults are errors as elsewhere: a PartialFailureFault is written as one non-terminating error per failed item, with the item''s id from the request''s ids as TargetObject (or its index); any other fault is one terminating error whose error id is the fault type.'
                'Invoke-HvMethod supports -WhatIf and -Confirm (impact Medium, no prompt by default) for every method, read-only ones included: -WhatIf shows the method and the request text without calling it.'
            )
            Parameters  = @{
                Method  = 'The contract method to call, for example Session_LogoffSessions or Inventory_Query. Tab completion offers the method names.'
                Request = 'The request: a hashtable, a PSCustomObject or JSON text. Position 1. Accepts pipeline input by value, one call per piped request. Default: {}. Text that is not valid JSON is the terminating error InvalidJson.'
            }
            Examples    = @(
                @{
                    Code    = 'Invoke-HvMethod -Method Session_LogoffSessionsForced -Request @{ ids = @(''Session/pod-1-1-0000002'', ''Session/pod-1-1-0000013'') }'
                    Remarks = 'Force-logs off two sessions in one batch call, without the confirmation Invoke-HvSessionLogoff would ask for.'
                }
                @{
                    Code    = '(Invoke-HvMethod Session_Query ''{"filter": {"type": "Equals", "memberName": "sessionData.sessionState", "value": "DISCONNECTED"}, "limit": 5}'').results.id'
                    Remarks = 'Runs a raw session query (contract section 7) and prints the ids of the first five disconnected sessions.'
                }
                @{
                    Code    = 'Invoke-HvMethod UserHomeSite_Resolve @{ user = ''UserOrGroup/user00001''; globalEntitlement = ''GlobalEntitlement/ge-1'' }'
                    Remarks = 'Returns the raw answer of a resolution: the winning UserHomeSiteInfo first, then the conflicts, or nothing when no home site applies.'
                }
                @{
                    Code    = 'Invoke-HvMethod Inventory_Query @{ entityType = ''UserOrGroup''; filter = @{ type = ''StartsWith''; memberName = ''name''; value = ''user0001'' }; limit = 3 }'
                    Remarks = 'Queries the inventory directly; the answer has results, startingOffset and remainingCount.'
                }
            )
            Notes       = @(
                'Calls the named method through the library (its own export, or hv_invoke). Privileges, faults and events are those of the method called (contract sections 3.3, 5.1 and 5.3).'
            )
            Links       = @('Get-HvSession', 'Get-HvEvent')
        }
    }
}
