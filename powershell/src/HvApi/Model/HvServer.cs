// A connection as Connect-HvServer returns it and $global:DefaultHVServers lists it.
using System;
using System.Management.Automation;

namespace HvApi;

public class HvServer
{
    internal HvServer(string name, HvConnection connection)
    {
        Name = name;
        Connection = connection;
        string? Str(string key) => connection.Description.TryGetProperty(key, out var v) ? v.GetString() : null;
        Backend = Str("backend") ?? "embedded";
        User = Str("user") ?? "";
        LocalPod = Str("localPod");
        LocalSite = Str("localSite");
        ConnectedAt = DateTime.UtcNow;
    }

    /// <summary>What was connected to: "demo", the world file's path, or "world".</summary>
    public string Name { get; }
    /// <summary>The library backend: "embedded" (the simulated federation).</summary>
    public string Backend { get; }
    /// <summary>The signed-in administrator, DOMAIN\name.</summary>
    public string User { get; }
    public string? LocalPod { get; }
    public string? LocalSite { get; }
    public DateTime ConnectedAt { get; }
    public bool IsConnected => Connection.IsOpen;

    internal HvConnection Connection { get; }

    public override string ToString() => $"{Name} ({User})";

    /// <summary>Makes the connection object: PowerCLI's ViewServerImpl (a subclass, with
    /// ExtensionData) when the PowerCLI layer is loaded or can be (README, "PowerCLI
    /// scripts"), else an HvServer. HvApi itself never needs that layer.</summary>
    internal static HvServer Create(PSCmdlet cmdlet, string name, HvConnection connection)
    {
        if (Factory == null && !searched)
        {
            searched = true;
            // Our own VMware.VimAutomation.HorizonView (by its GUID, never a real PowerCLI),
            // when the user put it on PSModulePath: importing it registers the factory.
            cmdlet.InvokeCommand.InvokeScript(
                "Get-Module -ListAvailable -Name VMware.VimAutomation.HorizonView | Where-Object Guid -EQ '" + PowerCliLayerGuid + "' | " +
                "Select-Object -First 1 | Import-Module -Global");
        }
        return Factory?.Invoke(name, connection) ?? new HvServer(name, connection);
    }

    /// <summary>Set by the PowerCLI layer (VMware.Hv.dll) when it loads.</summary>
    internal static Func<string, HvConnection, HvServer>? Factory;
    static bool searched;
    /// <summary>The GUID of hvapi's VMware.VimAutomation.HorizonView module manifest.</summary>
    internal const string PowerCliLayerGuid = "3c0a9f5e-7b1d-4e55-9a3e-5d2b8c6f1e47";
}
