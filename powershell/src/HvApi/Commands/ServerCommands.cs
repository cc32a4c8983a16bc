// Connections, as PowerCLI's Connect-HVServer / Disconnect-HVServer have them: each new one is
// put first in $global:DefaultHVServers (unless -NotDefault) and every other cmdlet uses the
// first connected one there when -Server is not given.
//
// Parameter sets name where the federation comes from: -Demo (the default), -WorldPath, -World
// (the embedded simulator), or -Server <Uri> with -Credential: the library's REST backend,
// talking to a Connection Server (or to `hvapi serve`) over the Horizon REST API.
using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;

namespace HvApi.Commands;

[Cmdlet(VerbsCommunications.Connect, "HvServer", DefaultParameterSetName = DemoSet)]
[OutputType(typeof(HvServer))]
public sealed class ConnectHvServerCommand : HvCommand
{
    const string DemoSet = "Demo", WorldPathSet = "WorldPath", WorldSet = "World", ServerSet = "Server";

    /// <summary>A Connection Server's address, e.g. https://cs1.corp.example.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ServerSet)]
    [ValidateNotNull]
    public Uri? Server { get; set; }

    /// <summary>Accept any TLS certificate (a lab's self-signed one). Never against production.</summary>
    [Parameter(ParameterSetName = ServerSet)]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>Seconds to wait for the server before a call fails.</summary>
    [Parameter(ParameterSetName = ServerSet)]
    [ValidateRange(1, 3600)]
    public int TimeoutSeconds { get; set; }

    /// <summary>Opens the library's deterministic demo federation.</summary>
    [Parameter(ParameterSetName = DemoSet)]
    public SwitchParameter Demo { get; set; }

    /// <summary>Demo counts, e.g. @{ sites = 1; sessionsPerPod = 10000 }.</summary>
    [Parameter(ParameterSetName = DemoSet)]
    [ValidateNotNull]
    public Hashtable? DemoCounts { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = WorldPathSet)]
    [ValidateNotNullOrEmpty]
    [Alias("Path")]
    public string WorldPath { get; set; } = "";

    /// <summary>A world object: a hashtable, PSCustomObject or JSON text.</summary>
    [Parameter(Mandatory = true, ParameterSetName = WorldSet)]
    [ValidateNotNull]
    public object World { get; set; } = "";

    [Parameter(ParameterSetName = DemoSet)]
    [Parameter(ParameterSetName = WorldPathSet)]
    [Parameter(ParameterSetName = WorldSet)]
    [Parameter(Mandatory = true, ParameterSetName = ServerSet)]
    [Credential]
    [ValidateNotNull]
    public PSCredential? Credential { get; set; }

    /// <summary>The administrator's domain when the credential's user name has none.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Domain { get; set; }

    [Parameter]
    public SwitchParameter NotDefault { get; set; }

    protected override void End()
    {
        var (name, config) = Config();
        if (ParameterSetName == ServerSet)
        {
            // The REST backend signs in itself: username, password and domain at the top level.
            foreach (var (key, value) in Login(Credential!)) config[key == "user" ? "username" : key] = value?.DeepClone();
        }
        else if (Credential != null && Credential != PSCredential.Empty)
        {
            config["login"] = Login(Credential);
        }
        var connection = HvConnection.Open(config);
        ModuleState.Track(connection);
        var server = new HvServer(name, connection);
        if (!NotDefault)
        {
            var others = ModuleState.DefaultServers(SessionState).Where(s => !ReferenceEquals(s, server));
            ModuleState.SetDefaultServers(SessionState, others.Prepend(server));
        }
        WriteObject(server);
    }

    (string Name, JsonObject Config) Config()
    {
        var config = new JsonObject { ["backend"] = "embedded" };
        switch (ParameterSetName)
        {
            case ServerSet:
                // A bare host name, as PowerCLI takes it, means https.
                var uri = Server!.IsAbsoluteUri ? Server : Uri.TryCreate("https://" + Server.OriginalString, UriKind.Absolute, out var u) ? u : Server;
                if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                    throw new HvModuleException("InvalidServerUri", ErrorCategory.InvalidArgument, $"-Server must be a host name or an http(s) address such as https://cs1.corp.example; '{Server}' is neither.");
                config["backend"] = "rest";
                config["url"] = uri.AbsoluteUri.TrimEnd('/');
                config["verifyTls"] = !SkipCertificateCheck.IsPresent;
                if (TimeoutSeconds > 0) config["timeoutSeconds"] = TimeoutSeconds;
                return (uri.Host, config);
            case WorldPathSet:
                var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(WorldPath);
                if (!File.Exists(path))
                    throw new HvModuleException("WorldFileNotFound", ErrorCategory.ObjectNotFound, $"The world file '{path}' does not exist.");
                config["worldFile"] = path;
                return (path, config);
            case WorldSet:
                config["world"] = Json.FromUser(World, nameof(World));
                return ("world", config);
            default:
                config["demo"] = DemoCounts == null ? new JsonObject() : Json.ToNode(DemoCounts, nameof(DemoCounts));
                return ("demo", config);
        }
    }

    /// <summary>The contract's login from a credential: DOMAIN\name, name@DOMAIN, or name with -Domain.</summary>
    JsonObject Login(PSCredential credential)
    {
        var (domain, user) = Inventory.SplitAccount(credential.UserName);
        domain ??= Domain;
        if (string.IsNullOrEmpty(domain))
        {
            throw new HvModuleException("CredentialDomainMissing", ErrorCategory.InvalidArgument,
                $"The user name '{credential.UserName}' has no domain: write it DOMAIN\\name or name@DOMAIN, or give -Domain.");
        }
        return new JsonObject
        {
            ["user"] = user,
            ["domain"] = domain,
            ["password"] = credential.GetNetworkCredential().Password,
        };
    }
}

[Cmdlet(VerbsCommunications.Disconnect, "HvServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class DisconnectHvServerCommand : HvCommand
{
    /// <summary>The connections to close; default: the first of $global:DefaultHVServers.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public HvServer[]? Server { get; set; }

    protected override void Process()
    {
        var servers = Server ?? ModuleState.DefaultServers(SessionState).Take(1).ToArray();
        foreach (var server in servers)
        {
            if (!ShouldProcess(server.ToString(), "Disconnect")) continue;
            server.Connection.Dispose();
            ModuleState.SetDefaultServers(SessionState, ModuleState.DefaultServers(SessionState).Where(s => !ReferenceEquals(s, server)));
        }
    }
}
