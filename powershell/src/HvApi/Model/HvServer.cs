// A connection as Connect-HvServer returns it and $global:DefaultHVServers lists it.
using System;

namespace HvApi;

public sealed class HvServer
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
}
