// VMware.Hv.Services (a connection's ExtensionData) and one class per service, with PowerCLI's
// method names and signatures. Every call goes through HvApi's one client class
// (HvConnection); a library fault becomes a VimFault exception, which a script's try/catch sees.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using HvApi;

namespace VMware.Hv;

/// <summary>A fault the server answered, as PowerCLI surfaces a VimFault: FaultType (the
/// contract's type, e.g. EntityNotFound) and its message; InnerException has every field.</summary>
public class VimFault : Exception
{
    public VimFault(HvFaultException fault) : base($"{fault.Type}: {fault.Message}", fault)
    {
        FaultType = fault.Type;
    }

    public string FaultType { get; }
}

/// <summary>$conn.ExtensionData: the services of one connection.</summary>
public class Services
{
    internal Services(HvConnection connection)
    {
        Connection = connection;
        Session = new SessionService(this);
        UserHomeSite = new UserHomeSiteService(this);
        Site = new SiteService(this);
        Pod = new PodService(this);
        ADUserOrGroup = new ADUserOrGroupService(this);
        GlobalEntitlement = new GlobalEntitlementService(this);
        GlobalApplicationEntitlement = new GlobalApplicationEntitlementService(this);
        QueryService = new BoundQueryService(this);
        GlobalSessionQueryService = new BoundGlobalSessionQueryService(this);
    }

    internal HvConnection Connection { get; }
    /// <summary>This connection's query cursors (QueryServiceService, GlobalSessionQueryServiceService).</summary>
    internal Cursors Cursors { get; } = new();

    public SessionService Session { get; }
    public UserHomeSiteService UserHomeSite { get; }
    public SiteService Site { get; }
    public PodService Pod { get; }
    public ADUserOrGroupService ADUserOrGroup { get; }
    public GlobalEntitlementService GlobalEntitlement { get; }
    public GlobalApplicationEntitlementService GlobalApplicationEntitlement { get; }
    public BoundQueryService QueryService { get; }
    public BoundGlobalSessionQueryService GlobalSessionQueryService { get; }

    public override string ToString() => GetType().FullName!;

    /// <summary>Calls a library method; a fault is thrown as a VimFault.</summary>
    internal JsonElement Call(string method, JsonNode request)
    {
        try
        {
            return Connection.Call(method, request);
        }
        catch (HvFaultException f)
        {
            throw new VimFault(f);
        }
    }

    /// <summary>Every row of an Inventory_Query entity type.</summary>
    internal List<JsonElement> Inventory(string entityType, JsonNode? filter = null) =>
        Paged("Inventory_Query", new JsonObject { ["entityType"] = entityType, ["filter"] = filter });

    /// <summary>Every row of a query method, a page of 1000 at a time; more than
    /// <see cref="Cursors.MaxRows"/> is refused (InvalidArgument), so no query holds unbounded memory.</summary>
    internal List<JsonElement> Paged(string method, JsonObject request)
    {
        var rows = new List<JsonElement>();
        if (request["filter"] == null) request.Remove("filter");
        while (true)
        {
            if (rows.Count >= Cursors.MaxRows)
                throw Cursors.Fault("InvalidArgument", $"The query matches more than {Cursors.MaxRows:N0} rows, more than hvapi holds for one query: narrow its filter.");
            request["startingOffset"] = rows.Count;
            request["limit"] = 1000;
            var page = Call(method, request.DeepClone());
            var results = page.GetProperty("results");
            rows.AddRange(results.EnumerateArray());
            if (results.GetArrayLength() == 0 || !page.TryGetProperty("remainingCount", out var r) || r.GetInt64() <= 0) return rows;
        }
    }

    /// <summary>The inventory a computed column may read (pods, sites, the local pod).</summary>
    internal Context Context() => new()
    {
        LocalPod = Connection.Description.TryGetProperty("localPod", out var p) ? p.GetString() : null,
        Pods = Inventory("Pod"),
        Sites = Inventory("Site"),
    };

    internal static JsonNode? Id(EntityId? id) => id?.Id;

    internal static JsonArray Ids(IEnumerable<EntityId?>? ids) => new((ids ?? Array.Empty<EntityId>()).Select(i => (JsonNode?)i?.Id).ToArray());

    /// <summary>An inventory object by id, reshaped; EntityNotFound when there is none.</summary>
    internal T Get<T>(string entityType, EntityId? id, Column[] table) where T : new()
    {
        var rows = Inventory(entityType, new JsonObject { ["type"] = "Equals", ["memberName"] = "id", ["value"] = id?.Id });
        if (rows.Count == 0) throw new VimFault(new HvFaultException("EntityNotFound", $"There is no {entityType} with id {id?.Id}."));
        return Conversions.Shape<T>(rows[0], table, Context());
    }

    /// <summary>Inventory rows of a type (those a library filter keeps), reshaped.</summary>
    internal T[] List<T>(string entityType, Column[] table, JsonNode? filter = null) where T : new()
    {
        var context = Context();
        return Inventory(entityType, filter).Select(r => Conversions.Shape<T>(r, table, context)).ToArray();
    }
}

/// <summary>The base of the services on ExtensionData: their connection's services, and
/// ToString() the type name, as PowerCLI's.</summary>
public abstract class Service
{
    private protected readonly Services s;
    private protected Service(Services services) => s = services;
    public override string ToString() => GetType().FullName!;
}

/// <summary>The Session service: all 13 methods. msgType is sent upper-case ('info' → INFO).</summary>
public class SessionService : Service
{
    internal SessionService(Services services) : base(services) { }

    void One(string method, SessionId id) => s.Call(method, new JsonObject { ["id"] = Services.Id(id) });
    void Many(string method, SessionId[] ids) => s.Call(method, new JsonObject { ["ids"] = Services.Ids(ids) });

    public void Session_Disconnect(SessionId session) => One("Session_Disconnect", session);
    public void Session_DisconnectSessions(SessionId[] sessions) => Many("Session_DisconnectSessions", sessions);
    public SessionLocalSummaryView Session_GetLocalSummaryView(SessionId session) =>
        Conversions.From<SessionLocalSummaryView>(s.Call("Session_GetLocalSummaryView", new JsonObject { ["id"] = Services.Id(session) }));
    public void Session_Logoff(SessionId session) => One("Session_Logoff", session);
    public void Session_LogoffForced(SessionId session) => One("Session_LogoffForced", session);
    public void Session_LogoffSessions(SessionId[] sessions) => Many("Session_LogoffSessions", sessions);
    public void Session_LogoffSessionsForced(SessionId[] sessions) => Many("Session_LogoffSessionsForced", sessions);
    public void Session_Reset(SessionId session) => One("Session_Reset", session);
    public void Session_ResetSessions(SessionId[] sessions) => Many("Session_ResetSessions", sessions);
    public void Session_Restart(SessionId session) => One("Session_Restart", session);
    public void Session_RestartSessions(SessionId[] sessions) => Many("Session_RestartSessions", sessions);
    public void Session_SendMessage(SessionId session, string msgType, string message) =>
        s.Call("Session_SendMessage", new JsonObject { ["id"] = Services.Id(session), ["msgType"] = msgType?.ToUpperInvariant(), ["message"] = message });
    public void Session_SendMessages(SessionId[] sessions, string msgType, string message) =>
        s.Call("Session_SendMessages", new JsonObject { ["ids"] = Services.Ids(sessions), ["msgType"] = msgType?.ToUpperInvariant(), ["message"] = message });

}

/// <summary>The UserHomeSite service: all 7 methods of the contract.</summary>
public class UserHomeSiteService : Service
{
    internal UserHomeSiteService(Services services) : base(services) { }

    public UserHomeSiteId UserHomeSite_Create(UserHomeSiteBase homeSite) =>
        Conversions.From<UserHomeSiteId>(s.Call("UserHomeSite_Create", new JsonObject { ["base"] = Conversions.ToJson(homeSite) }));
    public void UserHomeSite_Delete(UserHomeSiteId id) => s.Call("UserHomeSite_Delete", new JsonObject { ["id"] = Services.Id(id) });
    public UserHomeSiteInfo UserHomeSite_Get(UserHomeSiteId id) =>
        Conversions.From<UserHomeSiteInfo>(s.Call("UserHomeSite_Get", new JsonObject { ["id"] = Services.Id(id) }));
    public UserHomeSiteInfo[] UserHomeSite_GetInfos(UserHomeSiteId[] ids) =>
        Conversions.Many<UserHomeSiteInfo>(s.Call("UserHomeSite_GetInfos", new JsonObject { ["ids"] = Services.Ids(ids) }));
    public UserHomeSiteInfo[] UserHomeSite_List(UserOrGroupId userOrGroup) =>
        Conversions.Many<UserHomeSiteInfo>(s.Call("UserHomeSite_List", new JsonObject { ["userOrGroup"] = Services.Id(userOrGroup) }));
    /// <summary>The user's home site for the entitlement and any conflicting ones; $null when none.</summary>
    public UserHomeSiteInfo[]? UserHomeSite_Resolve(UserOrGroupId user, GlobalEntitlementId globalEntitlement) =>
        Resolved(s.Call("UserHomeSite_Resolve", new JsonObject { ["user"] = Services.Id(user), ["globalEntitlement"] = Services.Id(globalEntitlement) }));
    public UserHomeSiteInfo[]? UserHomeSite_ResolveForGAE(UserOrGroupId user, GlobalApplicationEntitlementId globalApplicationEntitlement) =>
        Resolved(s.Call("UserHomeSite_ResolveForGAE",
            new JsonObject { ["user"] = Services.Id(user), ["globalApplicationEntitlement"] = Services.Id(globalApplicationEntitlement) }));

    static UserHomeSiteInfo[]? Resolved(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : Conversions.Many<UserHomeSiteInfo>(e);

}

public class SiteService : Service
{
    internal SiteService(Services services) : base(services) { }
    public SiteInfo[] Site_List() => s.List<SiteInfo>("Site", Conversions.Site);
    public SiteInfo Site_Get(SiteId id) => s.Get<SiteInfo>("Site", id, Conversions.Site);
}

public class PodService : Service
{
    internal PodService(Services services) : base(services) { }
    public PodInfo[] Pod_List() => s.List<PodInfo>("Pod", Conversions.Pod);
    public PodInfo Pod_Get(PodId id) => s.Get<PodInfo>("Pod", id, Conversions.Pod);
}

public class ADUserOrGroupService : Service
{
    internal ADUserOrGroupService(Services services) : base(services) { }
    public ADUserOrGroupInfo ADUserOrGroup_Get(UserOrGroupId id) => s.Get<ADUserOrGroupInfo>("UserOrGroup", id, Conversions.ADUserOrGroup);
}

public class GlobalEntitlementService : Service
{
    internal GlobalEntitlementService(Services services) : base(services) { }
    public GlobalEntitlementInfo[] GlobalEntitlement_List() => s.List<GlobalEntitlementInfo>("GlobalEntitlement", Conversions.Entitlement);
    public GlobalEntitlementInfo GlobalEntitlement_Get(GlobalEntitlementId id) => s.Get<GlobalEntitlementInfo>("GlobalEntitlement", id, Conversions.Entitlement);
}

public class GlobalApplicationEntitlementService : Service
{
    internal GlobalApplicationEntitlementService(Services services) : base(services) { }
    public GlobalApplicationEntitlementInfo[] GlobalApplicationEntitlement_List() =>
        s.List<GlobalApplicationEntitlementInfo>("GlobalApplicationEntitlement", Conversions.Entitlement);
    public GlobalApplicationEntitlementInfo GlobalApplicationEntitlement_Get(GlobalApplicationEntitlementId id) =>
        s.Get<GlobalApplicationEntitlementInfo>("GlobalApplicationEntitlement", id, Conversions.Entitlement);
}
