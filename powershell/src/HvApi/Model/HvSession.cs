// A session as Session_Query and Session_GetLocalSummaryView give it (SessionLocalSummaryView):
// the contract's NamesData, ReferenceData and SessionData with their own property names (so
// $s.NamesData.UserName works as on PowerCLI's views), and flat properties for tables and
// pipelines (Id binds to the action cmdlets' -Id by property name).
using System;
using System.Text.Json.Serialization;

namespace HvApi;

public enum HvSessionState { Connected, Disconnected, Pending }

public enum HvSessionType { Desktop, Application }

public enum HvMessageType { Info, Warning, Error }

public sealed class HvSessionNamesData
{
    public string? UserName { get; set; }
    public string? MachineOrRDSServerName { get; set; }
    public string? MachineOrRDSServerDNS { get; set; }
    public string? DesktopName { get; set; }
    public string? DesktopType { get; set; }
    public string? DesktopSource { get; set; }
    public string? FarmName { get; set; }
    public string? ClientName { get; set; }
    public string? ClientAddress { get; set; }
    public string? ClientType { get; set; }
    public string[]? ApplicationNames { get; set; }
}

public sealed class HvSessionReferenceData
{
    public string? User { get; set; }
    public string[]? Groups { get; set; }
    public string? AccessGroup { get; set; }
    public string? Desktop { get; set; }
    public string? Farm { get; set; }
    public string? Machine { get; set; }
    public string? RdsServer { get; set; }
}

public sealed class HvSessionData
{
    public string? SessionType { get; set; }
    public string? SessionProtocol { get; set; }
    public string? SessionState { get; set; }
    public DateTime? StartTime { get; set; }
    public DateTime? DisconnectTime { get; set; }
    [JsonPropertyName("lastSessionDurationMS")]
    public long? LastSessionDurationMS { get; set; }
    public bool? BrokeredRemotely { get; set; }
    public bool? ResourcedRemotely { get; set; }
    public long? IdleDuration { get; set; }
}

public sealed class HvSession
{
    public string Id { get; set; } = "";
    public HvSessionNamesData NamesData { get; set; } = new();
    public HvSessionReferenceData ReferenceData { get; set; } = new();
    public HvSessionData SessionData { get; set; } = new();

    [JsonIgnore] public string? UserName => NamesData.UserName;
    [JsonIgnore] public string? DesktopName => NamesData.DesktopName;
    [JsonIgnore] public string? FarmName => NamesData.FarmName;
    [JsonIgnore] public string? MachineName => NamesData.MachineOrRDSServerName;
    [JsonIgnore] public string? MachineDns => NamesData.MachineOrRDSServerDNS;
    [JsonIgnore] public HvSessionState? State => Parse<HvSessionState>(SessionData.SessionState);
    [JsonIgnore] public string? Protocol => SessionData.SessionProtocol;
    [JsonIgnore] public HvSessionType? SessionType => Parse<HvSessionType>(SessionData.SessionType);
    [JsonIgnore] public DateTime? StartTime => SessionData.StartTime;
    [JsonIgnore] public DateTime? DisconnectTime => SessionData.DisconnectTime;
    [JsonIgnore] public long? IdleMinutes => SessionData.IdleDuration;
    [JsonIgnore] public string? ClientName => NamesData.ClientName;
    [JsonIgnore] public string? ClientAddress => NamesData.ClientAddress;
    [JsonIgnore] public string? ClientType => NamesData.ClientType;
    [JsonIgnore] public string[]? ApplicationNames => NamesData.ApplicationNames;
    [JsonIgnore] public string? User => ReferenceData.User;
    [JsonIgnore] public string? AccessGroup => ReferenceData.AccessGroup;
    [JsonIgnore] public string? Desktop => ReferenceData.Desktop;
    [JsonIgnore] public string? Farm => ReferenceData.Farm;

    static T? Parse<T>(string? wire) where T : struct, Enum =>
        wire != null && Enum.TryParse<T>(wire, ignoreCase: true, out var v) ? v : null;

    public override string ToString() => Id;
}
