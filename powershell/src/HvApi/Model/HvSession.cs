// A session as Session_Query and Session_GetLocalSummaryView give it (SessionLocalSummaryView):
// the contract's NamesData, ReferenceData and SessionData with their own property names (so
// $s.NamesData.UserName works as on PowerCLI's views), and flat properties for tables and
// pipelines (Id binds to the action cmdlets' -Id by property name).
using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;

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

/// <summary>A session. A page of Session_Query keeps each row's JSON and reads it on first
/// use of a property other than Id, so a pipeline that only needs ids (Get-HvSession |
/// Invoke-HvSessionLogoff) never pays for the rest.</summary>
[JsonConverter(typeof(HvSessionJsonConverter))]
public sealed class HvSession
{
    static readonly object ParseGate = new();
    byte[]? raw;
    Parts? parts;

    internal HvSession(string id, byte[] rowJson)
    {
        Id = id;
        raw = rowJson;
    }

    internal HvSession(string id, Parts parts)
    {
        Id = id;
        this.parts = parts;
    }

    /// <summary>The session id, e.g. Session/pod-1-1-0000001.</summary>
    public string Id { get; }
    public HvSessionNamesData NamesData => Read().NamesData;
    public HvSessionReferenceData ReferenceData => Read().ReferenceData;
    public HvSessionData SessionData => Read().SessionData;

    public string? UserName => NamesData.UserName;
    public string? DesktopName => NamesData.DesktopName;
    public string? FarmName => NamesData.FarmName;
    public string? MachineName => NamesData.MachineOrRDSServerName;
    public string? MachineDns => NamesData.MachineOrRDSServerDNS;
    public HvSessionState? State => Parse<HvSessionState>(SessionData.SessionState);
    public string? Protocol => SessionData.SessionProtocol;
    public HvSessionType? SessionType => Parse<HvSessionType>(SessionData.SessionType);
    public DateTime? StartTime => SessionData.StartTime;
    public DateTime? DisconnectTime => SessionData.DisconnectTime;
    public long? IdleMinutes => SessionData.IdleDuration;
    public string? ClientName => NamesData.ClientName;
    public string? ClientAddress => NamesData.ClientAddress;
    public string? ClientType => NamesData.ClientType;
    public string[]? ApplicationNames => NamesData.ApplicationNames;
    public string? User => ReferenceData.User;
    public string? AccessGroup => ReferenceData.AccessGroup;
    public string? Desktop => ReferenceData.Desktop;
    public string? Farm => ReferenceData.Farm;

    Parts Read()
    {
        if (Volatile.Read(ref parts) is { } p) return p;
        lock (ParseGate)
        {
            if (parts == null)
            {
                parts = JsonSerializer.Deserialize<Parts>(raw!, Json.Options)!;
                raw = null;
            }
            return parts;
        }
    }

    static T? Parse<T>(string? wire) where T : struct, Enum =>
        wire != null && Enum.TryParse<T>(wire, ignoreCase: true, out var v) ? v : null;

    public override string ToString() => Id;

    /// <summary>A SessionLocalSummaryView as the library writes it.</summary>
    internal sealed class Parts
    {
        public string Id { get; set; } = "";
        public HvSessionNamesData NamesData { get; set; } = new();
        public HvSessionReferenceData ReferenceData { get; set; } = new();
        public HvSessionData SessionData { get; set; } = new();
    }

    /// <summary>Reads one whole view (Session_GetLocalSummaryView).</summary>
    sealed class HvSessionJsonConverter : JsonConverter<HvSession>
    {
        public override HvSession Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var p = JsonSerializer.Deserialize<Parts>(ref reader, options)!;
            return new HvSession(p.Id, p);
        }

        public override void Write(Utf8JsonWriter writer, HvSession value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Read(), options);
    }

    /// <summary>Reads a page of Session_Query ({"result": {"results": [...], "startingOffset",
    /// "remainingCount"}}) keeping each row's JSON for later; only its id is read now.</summary>
    internal static QueryPage<HvSession> ReadPage(ReadOnlySpan<byte> answer)
    {
        var page = new QueryPage<HvSession>();
        var rows = new List<HvSession>();
        var r = new Utf8JsonReader(answer);
        Expect(ref r, JsonTokenType.StartObject);
        while (Next(ref r) == JsonTokenType.PropertyName)
        {
            if (!r.ValueTextEquals("result"))
            {
                Skip(ref r);
                continue;
            }
            Expect(ref r, JsonTokenType.StartObject);
            while (Next(ref r) == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("results"))
                {
                    Expect(ref r, JsonTokenType.StartArray);
                    while (Next(ref r) == JsonTokenType.StartObject)
                    {
                        var start = (int)r.TokenStartIndex;
                        var depth = r.CurrentDepth;
                        string? id = null;
                        while (Next(ref r) != JsonTokenType.EndObject || r.CurrentDepth != depth)
                        {
                            if (r.TokenType == JsonTokenType.PropertyName && r.CurrentDepth == depth + 1 && r.ValueTextEquals("id"))
                            {
                                Expect(ref r, JsonTokenType.String);
                                id = r.GetString();
                            }
                        }
                        rows.Add(new HvSession(id ?? "", answer[start..(int)r.BytesConsumed].ToArray()));
                    }
                }
                else if (r.ValueTextEquals("startingOffset"))
                {
                    Next(ref r);
                    page.StartingOffset = r.GetInt64();
                }
                else if (r.ValueTextEquals("remainingCount"))
                {
                    Next(ref r);
                    page.RemainingCount = r.GetInt64();
                }
                else
                {
                    Skip(ref r);
                }
            }
        }
        page.Results = rows.ToArray();
        return page;
    }

    static JsonTokenType Next(ref Utf8JsonReader r) => r.Read() ? r.TokenType : throw new JsonException("The query answer ended early.");

    static void Expect(ref Utf8JsonReader r, JsonTokenType type)
    {
        if (Next(ref r) != type) throw new JsonException($"The query answer has {r.TokenType} where {type} belongs.");
    }

    /// <summary>Skips the value of the property the reader is on.</summary>
    static void Skip(ref Utf8JsonReader r)
    {
        Next(ref r);
        r.Skip();
    }
}
