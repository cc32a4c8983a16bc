// Names ↔ ids, in one place for every cmdlet and completer. Users, groups, sites and
// entitlements are accepted by id (UserOrGroup/alice) or by name (CORP\alice, alice@CORP,
// London, Office Desktop); names compare without regard to case, as Active Directory and
// PowerShell do. An unknown or ambiguous name is an ObjectNotFound error raised before anything
// is sent that could change the federation.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;

namespace HvApi;

internal static class Inventory
{
    /// <summary>Typed inventory object → its Inventory_Query entityType.</summary>
    public static readonly IReadOnlyDictionary<Type, string> EntityTypes = new Dictionary<Type, string>
    {
        [typeof(HvSite)] = "Site",
        [typeof(HvPod)] = "Pod",
        [typeof(HvAccessGroup)] = "AccessGroup",
        [typeof(HvUserOrGroup)] = "UserOrGroup",
        [typeof(HvGlobalEntitlement)] = "GlobalEntitlement",
        [typeof(HvGlobalApplicationEntitlement)] = "GlobalApplicationEntitlement",
        [typeof(HvDesktop)] = "Desktop",
        [typeof(HvFarm)] = "Farm",
    };

    /// <summary>Every id type of contract 3.1: a value that starts with one of these and a
    /// slash is an id and goes to the library as it is (which checks its type).</summary>
    static readonly string[] IdTypes =
    {
        "Session", "UserHomeSite", "UserOrGroup", "Site", "Pod", "GlobalEntitlement", "GlobalApplicationEntitlement",
        "AccessGroup", "Desktop", "Farm", "Machine", "RDSServer",
    };

    public static bool IsId(string value) =>
        IdTypes.Any(t => value.Length > t.Length + 1 && value[t.Length] == '/' && value.StartsWith(t, StringComparison.Ordinal));

    public static IEnumerable<T> Query<T>(HvConnection connection, JsonObject? filter, long max = long.MaxValue) where T : HvInventoryObject
    {
        var request = new JsonObject { ["entityType"] = EntityTypes[typeof(T)] };
        if (filter != null) request["filter"] = filter;
        return Paging.Pages<T>(connection, "Inventory_Query", request, max).SelectMany(page => page);
    }

    /// <summary>A user or group written DOMAIN\name or name@DOMAIN: (domain or null, name).</summary>
    public static (string? Domain, string Name) SplitAccount(string text)
    {
        var slash = text.IndexOf('\\');
        if (slash >= 0) return (text[..slash], text[(slash + 1)..]);
        var at = text.LastIndexOf('@');
        if (at > 0) return (text[(at + 1)..], text[..at]);
        return (null, text);
    }

    /// <summary>Objects of one type whose name starts with <paramref name="prefix"/> (ignoring
    /// case); for users and groups a DOMAIN\ part narrows by domain.</summary>
    public static IEnumerable<HvInventoryObject> ByNamePrefix(HvConnection connection, Type type, string prefix, long max)
    {
        if (type == typeof(HvUserOrGroup))
        {
            var (domain, name) = SplitAccount(prefix);
            return Query<HvUserOrGroup>(connection, Filter.All(
                    name.Length > 0 ? Filter.Compare("StartsWith", "name", name) : null,
                    domain != null ? Filter.Compare("StartsWith", "domain", domain) : null), max)
                .Where(u => domain == null || string.Equals(u.Domain, domain, StringComparison.OrdinalIgnoreCase));
        }
        var filter = prefix.Length > 0 ? Filter.Compare("StartsWith", "name", prefix) : null;
        return Generic(connection, type, filter, max);
    }

    public static IEnumerable<HvInventoryObject> Generic(HvConnection connection, Type type, JsonObject? filter, long max = long.MaxValue)
    {
        var method = typeof(Inventory).GetMethod(nameof(Query))!.MakeGenericMethod(type);
        return (IEnumerable<HvInventoryObject>)method.Invoke(null, new object?[] { connection, filter, max })!;
    }
}

/// <summary>Resolves names to ids and ids to names for one cmdlet invocation (it caches).</summary>
internal sealed class NameResolver
{
    readonly HvConnection connection;
    readonly Dictionary<string, string?> names = new(StringComparer.Ordinal);

    public NameResolver(HvConnection connection)
    {
        this.connection = connection;
    }

    /// <summary>An id for <paramref name="value"/>: ids pass as they are; a name must match
    /// exactly one object of <paramref name="type"/>.</summary>
    public string Resolve<T>(string value, string parameterName) where T : HvInventoryObject
    {
        if (Inventory.IsId(value)) return value;
        var entityType = Inventory.EntityTypes[typeof(T)];
        var (domain, name) = typeof(T) == typeof(HvUserOrGroup) ? Inventory.SplitAccount(value) : (null, value);
        var matches = Inventory.ByNamePrefix(connection, typeof(T), value, long.MaxValue)
            .Where(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase))
            .Where(o => domain == null || o is HvUserOrGroup u && string.Equals(u.Domain, domain, StringComparison.OrdinalIgnoreCase))
            .Take(3)
            .ToList();
        if (matches.Count == 1)
        {
            names[matches[0].Id] = matches[0].ToString();
            return matches[0].Id;
        }
        if (matches.Count == 0)
        {
            throw new HvModuleException($"{entityType}NotFound", ErrorCategory.ObjectNotFound,
                $"-{parameterName}: no {Describe(entityType)} is named '{value}'. Give a name that exists, or an id such as {entityType}/<key>.");
        }
        throw new HvModuleException($"{entityType}NameAmbiguous", ErrorCategory.ObjectNotFound,
            $"-{parameterName}: more than one {Describe(entityType)} is named '{value}' ({string.Join(", ", matches.Select(m => m.Id))}). " +
            (typeof(T) == typeof(HvUserOrGroup) ? "Write it as DOMAIN\\name, or give its id." : "Give its id."));
    }

    /// <summary>The display name of an id (DOMAIN\name for users and groups); null when unknown.</summary>
    public string? NameOf(string? id)
    {
        if (id == null) return null;
        if (names.TryGetValue(id, out var known)) return known;
        var slash = id.IndexOf('/');
        var type = slash > 0 ? Inventory.EntityTypes.FirstOrDefault(kv => kv.Value == id[..slash]).Key : null;
        var name = type == null ? null : Inventory.Generic(connection, type, Filter.Equal("id", id), 1).FirstOrDefault()?.ToString();
        names[id] = name;
        return name;
    }

    static string Describe(string entityType) => entityType switch
    {
        "UserOrGroup" => "user or group",
        "GlobalEntitlement" => "global entitlement",
        "GlobalApplicationEntitlement" => "global application entitlement",
        "AccessGroup" => "access group",
        var other => other.ToLowerInvariant(),
    };
}
