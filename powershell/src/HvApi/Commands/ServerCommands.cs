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
using System.Globalization;
using System.Net;
using System.Security;
using System.Text.Json.Nodes;

namespace HvApi.Commands;

[Cmdlet(VerbsCommunications.Connect, "HvServer", DefaultParameterSetName = DemoSet)]
[OutputType(typeof(HvServer))]
public sealed class ConnectHvServerCommand : HvCommand
{
    const string DemoSet = "Demo", WorldPathSet = "WorldPath", WorldSet = "World", ServerSet = "Server";

    /// <summary>A server: a name in $env:HVAPI_SERVERS, an http(s) address, or a Connection
    /// Server's host name (https://name/rest), as PowerCLI's Connect-HVServer takes it.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ServerSet)]
    [ValidateNotNullOrEmpty]
    public string Server { get; set; } = "";

    /// <summary>Accept any TLS certificate (a lab's self-signed one). Never against production.</summary>
    [Parameter(ParameterSetName = ServerSet)]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>PowerCLI's certificate override: the same as -SkipCertificateCheck.</summary>
    [Parameter(ParameterSetName = ServerSet)]
    public SwitchParameter Force { get; set; }

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

    [Parameter]
    [Credential]
    [ValidateNotNull]
    public PSCredential? Credential { get; set; }

    /// <summary>PowerCLI's -User (DOMAIN\name, name@DOMAIN, or name with -Domain).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [Alias("Username")]
    public string? User { get; set; }

    /// <summary>PowerCLI's -Password: a SecureString or a plain string.</summary>
    [Parameter]
    public object? Password { get; set; }

    /// <summary>The administrator's domain when the credential's user name has none.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Domain { get; set; }

    [Parameter]
    public SwitchParameter NotDefault { get; set; }

    protected override void End()
    {
        var (name, config) = Config();
        var credential = Credential ?? (User != null ? new PSCredential(User, PasswordOf(Password)) : null);
        if (credential == PSCredential.Empty) credential = null;
        var rest = config["backend"]?.GetValue<string>() == "rest";
        if (rest)
        {
            // The REST backend signs in itself: username, password and domain at the top level;
            // without credentials, the built-in administrator of the domain -Domain or the map gives.
            var login = credential != null ? Login(credential) : BuiltinLogin(config);
            foreach (var (key, value) in login) config[key == "user" ? "username" : key] = value?.DeepClone();
        }
        else if (credential != null)
        {
            config["login"] = Login(credential);
        }
        var connection = HvConnection.Open(config);
        ModuleState.Track(connection);
        var server = HvServer.Create(this, name, connection);
        if (!NotDefault)
        {
            var others = ModuleState.DefaultServers(SessionState).Where(s => !ReferenceEquals(s, server));
            ModuleState.SetDefaultServers(SessionState, others.Prepend(server));
        }
        WriteObject(server);
    }

    static string PlainPassword(object? password) => password switch
    {
        null => "",
        PSObject p => PlainPassword(p.BaseObject),
        SecureString s => new NetworkCredential("", s).Password,
        _ => Convert.ToString(password, CultureInfo.InvariantCulture) ?? "",
    };

    static SecureString PasswordOf(object? password)
    {
        var secure = new SecureString();
        foreach (var c in PlainPassword(password)) secure.AppendChar(c);
        return secure;
    }

    (string Name, JsonObject Config) Config()
    {
        var config = new JsonObject { ["backend"] = "embedded" };
        switch (ParameterSetName)
        {
            case ServerSet:
                if (ServerMap.Find(SessionState, Server) is { } mapped) return (Server, mapped);
                // A bare host name, as PowerCLI takes it, is a Connection Server's https://name/rest.
                var uri = Uri.TryCreate(Server, UriKind.Absolute, out var u) && u.Scheme.StartsWith("http", StringComparison.OrdinalIgnoreCase) ? u
                    : Uri.TryCreate("https://" + Server + "/rest", UriKind.Absolute, out var h) && !Server.Contains("://") ? h : null;
                if (uri == null || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                    throw new HvModuleException("InvalidServerUri", ErrorCategory.InvalidArgument, $"-Server must be a host name or an http(s) address such as https://cs1.corp.example/rest; '{Server}' is neither.");
                config["backend"] = "rest";
                config["url"] = uri.AbsoluteUri.TrimEnd('/');
                config["verifyTls"] = !(SkipCertificateCheck.IsPresent || Force.IsPresent);
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

    /// <summary>No credentials on the REST backend: the built-in administrator, in the domain of
    /// -Domain or of the map entry (hvapi serve accepts any password for it).</summary>
    JsonObject BuiltinLogin(JsonObject config)
    {
        var domain = Domain ?? config["domain"]?.GetValue<string>();
        if (config["username"] != null) return new JsonObject();
        if (string.IsNullOrEmpty(domain))
            throw new HvModuleException("CredentialMissing", ErrorCategory.InvalidArgument,
                $"'{Server}' is reached over the REST API, which needs a login: give -Credential, -User and -Password, or -Domain (the built-in administrator of that domain).");
        return new JsonObject { ["user"] = "administrator", ["domain"] = domain, ["password"] = config["password"]?.GetValue<string>() ?? "" };
    }
}

/// <summary>Server names (PowerCLI's Disconnect-HVServer -Server cs1, or *) as the connections in
/// $global:DefaultHVServers they match; connection objects pass unchanged. A name that matches
/// none is an error naming it.</summary>
internal sealed class ServerNamesAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engine, object inputData)
    {
        var items = LanguagePrimitives.GetEnumerable(inputData)?.Cast<object>() ?? new[] { inputData };
        return items.SelectMany(item => (item is PSObject p ? p.BaseObject : item) switch
        {
            string name => Matching(engine.SessionState, name),
            var other => new[] { other },
        }).ToArray();
    }

    static object[] Matching(SessionState session, string name)
    {
        var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
        var found = ModuleState.DefaultServers(session).Where(s => pattern.IsMatch(s.Name)).Cast<object>().ToArray();
        if (found.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
            throw new ArgumentTransformationMetadataException($"No connection in $global:DefaultHVServers is named '{name}'.");
        return found;
    }
}

[Cmdlet(VerbsCommunications.Disconnect, "HvServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class DisconnectHvServerCommand : HvCommand
{
    /// <summary>The connections to close, or their names (wildcards: * is every one in
    /// $global:DefaultHVServers), as PowerCLI takes them; default: the one connected default.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    [ServerNames]
    public HvServer[]? Server { get; set; }

    /// <summary>No confirmation (PowerCLI's -Force).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void Process()
    {
        // Without -Server: the one default connection; with several, which one is meant is unclear.
        var defaults = ModuleState.DefaultServers(SessionState).Where(s => s.IsConnected).ToArray();
        if (Server == null && defaults.Length > 1)
            throw new HvModuleException("AmbiguousServer", ErrorCategory.InvalidArgument,
                $"{defaults.Length} servers are connected ({string.Join(", ", defaults.Select(d => d.Name))}): name one with -Server, or pipe $global:DefaultHVServers.");
        var servers = Server ?? defaults;
        foreach (var server in servers)
        {
            if (!Force && !ShouldProcess(server.ToString(), "Disconnect")) continue;
            server.Connection.Dispose();
            ModuleState.SetDefaultServers(SessionState, ModuleState.DefaultServers(SessionState).Where(s => !ReferenceEquals(s, server)));
        }
    }
}
