// PowerCLI objects ⇄ the contract's JSON, written once. Objects whose nesting is the
// contract's (SessionLocalSummaryView, UserHomeSite*) convert member by member (FromJson /
// ToJson, names compared without case). The inventory rows PowerCLI shapes differently are
// the tables below: PowerCLI member path ← contract member (or a value computed from the row),
// one table per PowerCLI type, read by the query service and the lookup services alike.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VMware.Hv;

/// <summary>One row of a table: the PowerCLI member path and how its value comes from the
/// contract row; <see cref="Contract"/> is the contract member when it is copied unchanged
/// (a filter on the PowerCLI path can then go to the library).</summary>
internal sealed record Column(string Path, Func<JsonElement, Context, JsonNode?> From, string? Contract = null);

/// <summary>What a computed column may look up: the connection's local pod, the inventory's pods and sites.</summary>
internal sealed class Context
{
    public string? LocalPod { get; init; }
    public IReadOnlyList<JsonElement> Pods { get; init; } = Array.Empty<JsonElement>();
    public IReadOnlyList<JsonElement> Sites { get; init; } = Array.Empty<JsonElement>();

    public string? NameOf(IReadOnlyList<JsonElement> rows, string? id) =>
        rows.Where(r => Conversions.Str(r, "id") == id).Select(r => Conversions.Str(r, "name")).FirstOrDefault();
}

internal static class Conversions
{
    static Column C(string path, string contract) => new(path, (row, _) => Node(row, contract), contract);
    static Column F(string path, Func<JsonElement, Context, JsonNode?> from) => new(path, from);

    /// <summary>A user's or group's display name (CORP\Sales when the world gives none) and login name.</summary>
    static JsonNode? DisplayName(JsonElement u, Context _) => Str(u, "displayName") ?? $"{Str(u, "domain")}\\{Str(u, "name")}";
    static JsonNode? LoginName(JsonElement u, Context _) => Str(u, "loginName") ?? Str(u, "name");

    public static readonly Column[] ADUserOrGroup =
    {
        C("id", "id"), C("base.name", "name"), F("base.loginName", LoginName), F("base.displayName", DisplayName),
        C("base.domain", "domain"), C("base.group", "group"), C("members", "members"),
    };
    public static readonly Column[] Desktop =
    {
        C("id", "id"), C("desktopSummaryData.name", "name"), F("desktopSummaryData.displayName", (d, _) => Str(d, "displayName") ?? Str(d, "name")),
        C("desktopSummaryData.type", "desktopType"), C("desktopSummaryData.source", "desktopSource"), C("desktopSummaryData.accessGroup", "accessGroup"),
    };
    /// <summary>Global entitlements and global application entitlements alike.</summary>
    public static readonly Column[] Entitlement = { C("id", "id"), C("base.displayName", "name"), C("members", "members") };
    public static readonly Column[] Site =
    {
        C("id", "id"), C("base.displayName", "name"),
        F("pods", (s, c) => new JsonArray(c.Pods.Where(p => Str(p, "site") == Str(s, "id")).Select(p => (JsonNode?)Str(p, "id")).ToArray())),
    };
    public static readonly Column[] Pod =
    {
        C("id", "id"), C("displayName", "name"), C("site", "site"), C("reachable", "reachable"), F("localPod", (p, c) => Str(p, "id") == c.LocalPod),
    };
    /// <summary>A GlobalSession_Query row (a SessionLocalSummaryView plus its pod).</summary>
    public static readonly Column[] GlobalSession =
    {
        C("id", "id"), C("namesData.baseNames", "namesData"), F("namesData.podName", (s, c) => c.NameOf(c.Pods, Str(s, "pod"))),
        F("namesData.siteName", (s, c) => c.NameOf(c.Sites, SiteOf(s, c))), F("namesData.brokeringPodName", (s, c) => c.NameOf(c.Pods, Str(s, "pod"))),
        C("referenceData.baseReferences", "referenceData"), C("referenceData.user", "referenceData.user"), C("referenceData.pod", "pod"),
        F("referenceData.site", (s, c) => SiteOf(s, c)), C("referenceData.brokeringPod", "pod"), C("sessionData", "sessionData"),
    };

    static string? SiteOf(JsonElement session, Context c) =>
        c.Pods.Where(p => Str(p, "id") == Str(session, "pod")).Select(p => Str(p, "site")).FirstOrDefault();

    /// <summary>A contract row reshaped by <paramref name="table"/> into a <typeparamref name="T"/>.</summary>
    public static T Shape<T>(JsonElement row, Column[] table, Context context) where T : new()
    {
        var o = new JsonObject();
        foreach (var column in table)
        {
            var value = column.From(row, context);
            if (value == null) continue;
            var steps = column.Path.Split('.');
            var at = o;
            foreach (var step in steps[..^1]) at = (JsonObject)(at[step] ??= new JsonObject());
            at[steps[^1]] = value;
        }
        return (T)FromJson(typeof(T), JsonSerializer.SerializeToElement(o))!;
    }

    // ---------------------------------------------------------------------------------------
    // member by member

    /// <summary>Contract JSON as a PowerCLI object of <paramref name="type"/>: members by name
    /// (any case), ids from their strings, times as UTC DateTime, absent members $null.</summary>
    public static object? FromJson(Type type, JsonElement e)
    {
        if (e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return null;
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (typeof(EntityId).IsAssignableFrom(t))
        {
            if (e.ValueKind != JsonValueKind.String) return null;
            // An EntityId-typed member (resolution info) takes the id type its prefix names.
            var concrete = t.IsAbstract ? IdTypeOf(e.GetString()!) : t;
            var id = (EntityId)Activator.CreateInstance(concrete)!;
            id.Id = e.GetString();
            return id;
        }
        if (t.IsArray)
        {
            if (e.ValueKind != JsonValueKind.Array) return null;
            var items = e.EnumerateArray().Select(x => FromJson(t.GetElementType()!, x)).ToArray();
            var array = Array.CreateInstance(t.GetElementType()!, items.Length);
            for (var i = 0; i < items.Length; i++) array.SetValue(items[i], i);
            return array;
        }
        if (t == typeof(string)) return e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText();
        if (t == typeof(bool)) return e.ValueKind == JsonValueKind.True;
        if (t == typeof(long)) return e.TryGetInt64(out var l) ? l : null;
        if (t == typeof(int)) return e.TryGetInt32(out var n) ? n : null;
        if (t == typeof(DateTime))
            return DateTime.TryParse(e.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d) ? d : null;
        if (t == typeof(object)) return HvJson.ToPowerShell(e);
        var o = Activator.CreateInstance(t)!;
        if (e.ValueKind != JsonValueKind.Object) return o;
        foreach (var p in e.EnumerateObject())
        {
            var prop = Property(t, p.Name);
            if (prop != null && prop.CanWrite) prop.SetValue(o, FromJson(prop.PropertyType, p.Value));
        }
        return o;
    }

    public static T From<T>(JsonElement e) => (T)FromJson(typeof(T), e)!;

    public static T[] Many<T>(JsonElement e) => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(From<T>).ToArray() : Array.Empty<T>();

    /// <summary>A PowerCLI object as contract JSON: camelCase members, ids as strings, unset members left out.</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        PSObject p => ToJson(p.BaseObject),
        EntityId id => id.Id,
        string s => s,
        bool b => b,
        DateTime d => d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        int or long or short or byte => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        float or double or decimal => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        IEnumerable list => new JsonArray(list.Cast<object?>().Select(ToJson).ToArray()),
        DataObject o => Members(o),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    static JsonObject Members(DataObject o)
    {
        var json = new JsonObject();
        foreach (var p in o.GetType().GetProperties())
        {
            var v = ToJson(p.GetValue(o));
            if (v != null) json[char.ToLowerInvariant(p.Name[0]) + p.Name[1..]] = v;
        }
        return json;
    }

    static PropertyInfo? Property(Type t, string name) =>
        t.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);

    /// <summary>The id class an id's prefix names (UserHomeSite/… → UserHomeSiteId).</summary>
    static Type IdTypeOf(string id)
    {
        var prefix = id.Split('/')[0];
        return typeof(EntityId).Assembly.GetType("VMware.Hv." + prefix + "Id", false, true) is { IsAbstract: false } t ? t : typeof(QueryId);
    }

    // ---------------------------------------------------------------------------------------
    // filters for the library

    /// <summary>A filter as the contract's query filter (section 7), member paths unchanged
    /// (PowerCLI's session paths are the contract's) and values plain.</summary>
    public static JsonObject Filter(QueryFilter f) => Filter(f, path => path)!;

    /// <summary>The same, with each member path mapped by <paramref name="member"/>; null when
    /// one has no contract member (the filter then runs on the PowerCLI objects).</summary>
    public static JsonObject? Filter(QueryFilter f, Func<string?, string?> member)
    {
        JsonArray? All(QueryFilter[]? filters)
        {
            var items = (filters ?? Array.Empty<QueryFilter>()).Select(x => Filter(x, member)).ToArray();
            return items.Any(i => i == null) ? null : new JsonArray(items.Cast<JsonNode?>().ToArray());
        }
        switch (f)
        {
            case QueryFilterCompare c:
                var name = member(c.MemberName);
                return name == null ? null : new JsonObject { ["type"] = c.GetType().Name["QueryFilter".Length..], ["memberName"] = name, ["value"] = Value(c.Value) };
            case QueryFilterBetween b:
                var between = member(b.MemberName);
                return between == null ? null : new JsonObject { ["type"] = "Between", ["memberName"] = between, ["fromValue"] = Value(b.FromValue), ["toValue"] = Value(b.ToValue) };
            case QueryFilterAnd a:
                return All(a.Filters) is { } and ? new JsonObject { ["type"] = "And", ["filters"] = and } : null;
            case QueryFilterOr o:
                return All(o.Filters) is { } or ? new JsonObject { ["type"] = "Or", ["filters"] = or } : null;
            case QueryFilterNot n:
                var inner = n.Filter == null ? null : Filter(n.Filter, member);
                return inner == null ? null : new JsonObject { ["type"] = "Not", ["filter"] = inner };
            default:
                throw new ArgumentException($"Unknown filter {f.GetType().FullName}.");
        }
    }

    /// <summary>The contract member a table copies to a PowerCLI path (any case), if any.</summary>
    public static Func<string?, string?> MembersOf(Column[] table) => path =>
        table.FirstOrDefault(c => string.Equals(c.Path, path, StringComparison.OrdinalIgnoreCase))?.Contract;

    static JsonNode? Value(object? v) => ToJson(QueryFilter.Plain(v));

    // ---------------------------------------------------------------------------------------
    // reading rows

    public static string? Str(JsonElement row, string member) =>
        row.ValueKind == JsonValueKind.Object && row.TryGetProperty(member, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The value at a dotted member path of a row, as a node (null when absent).</summary>
    public static JsonNode? Node(JsonElement row, string path)
    {
        foreach (var step in path.Split('.'))
        {
            if (row.ValueKind != JsonValueKind.Object || !row.TryGetProperty(step, out row)) return null;
        }
        return JsonNode.Parse(row.GetRawText());
    }
}

/// <summary>JSON values as PowerShell values (for members typed object).</summary>
internal static class HvJson
{
    public static object? ToPowerShell(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => e.EnumerateArray().Select(ToPowerShell).ToArray(),
        _ => null,
    };
}
