// QueryServiceService and GlobalSessionQueryServiceService: PowerCLI's query services, whose
// methods take the services object first. A query id is a cursor kept with that connection's
// services: Create takes every matching row once (sessions filtered and sorted by the library,
// the other entity types here), and GetNext hands them out a page at a time, so paging never
// repeats or skips a row however the federation changes meanwhile.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using HvApi;

namespace VMware.Hv;

/// <summary>The open cursors of one connection.</summary>
internal sealed class Cursors
{
    /// <summary>How many queries may be open at once (Delete or DeleteAll frees them).</summary>
    public const int MaxOpen = 64;
    /// <summary>How many rows one query may hold, and all open queries of a connection together.</summary>
    public const int MaxRows = 250_000, MaxHeld = 1_000_000;
    /// <summary>The page size when a query gives none, and the largest one served.</summary>
    public const int PageSize = 1000;

    sealed class Cursor
    {
        public required object[] Rows;
        public required int PageSize;
        public int Next;
        public required int Offset;
    }

    readonly Dictionary<string, Cursor> open = new();
    int counter;
    /// <summary>The rows the open queries hold.</summary>
    long held;

    public QueryResults Open(object[] rows, int pageSize, int offset)
    {
        lock (open)
        {
            if (open.Count >= MaxOpen || held + rows.Length > MaxHeld)
                throw Fault("InvalidState", $"{open.Count} queries holding {held:N0} rows are open on this connection (at most {MaxOpen}, {MaxHeld:N0} rows): delete some with QueryService_Delete or QueryService_DeleteAll.");
            held += rows.Length;
            var id = "Query/" + ++counter;
            var cursor = new Cursor { Rows = rows, PageSize = pageSize, Offset = offset };
            open[id] = cursor;
            return Page(id, cursor);
        }
    }

    public QueryResults Next(QueryId? id)
    {
        lock (open)
        {
            if (id?.Id == null || !open.TryGetValue(id.Id, out var cursor)) throw Fault("EntityNotFound", $"There is no open query with id {id?.Id}.");
            return Page(id.Id, cursor);
        }
    }

    public void Delete(QueryId? id)
    {
        lock (open)
        {
            if (id?.Id == null || !open.Remove(id.Id, out var cursor)) throw Fault("EntityNotFound", $"There is no open query with id {id?.Id}.");
            held -= cursor.Rows.Length;
        }
    }

    public void DeleteAll()
    {
        lock (open)
        {
            open.Clear();
            held = 0;
        }
    }

    static QueryResults Page(string id, Cursor c)
    {
        var page = c.Rows.Skip(c.Next).Take(c.PageSize).ToArray();
        var start = c.Offset + c.Next;
        c.Next += page.Length;
        return new QueryResults { Id = new QueryId { Id = id }, Results = page, RemainingCount = c.Rows.Length - c.Next, StartingOffset = start };
    }

    public static int PageSizeOf(int? maxPageSize) => maxPageSize is > 0 and < PageSize ? maxPageSize.Value : PageSize;

    public static VimFault Fault(string type, string message) => new(new HvFaultException(type, message));
}

/// <summary>The entity types QueryService answers: where each one's rows come from. Their
/// shapes are Conversions' tables.</summary>
internal static class EntityTypes
{
    /// <summary>Every row of <paramref name="type"/> matching the definition's filter, sorted.</summary>
    public static object[] Rows(Services s, QueryDefinition def)
    {
        var type = def.QueryEntityType ?? throw Cursors.Fault("InvalidArgument", "QueryEntityType must be set.");
        if (IsSessions(def)) return s.Paged("Session_Query", SessionRequest(def)).Select(r => (object)Conversions.From<SessionLocalSummaryView>(r)).ToArray();
        IEnumerable<object> rows = type.ToLowerInvariant() switch
        {
            "sessionglobalsummaryview" => GlobalSessions(s),
            "aduserorgroupsummaryview" => Shaped<ADUserOrGroupSummaryView>(s, "UserOrGroup", Conversions.ADUserOrGroup, def.Filter),
            "desktopsummaryview" => Shaped<DesktopSummaryView>(s, "Desktop", Conversions.Desktop, def.Filter),
            "globalentitlementsummaryview" => Shaped<GlobalEntitlementSummaryView>(s, "GlobalEntitlement", Conversions.Entitlement, def.Filter),
            "globalapplicationentitlementinfo" => Shaped<GlobalApplicationEntitlementInfo>(s, "GlobalApplicationEntitlement", Conversions.Entitlement, def.Filter),
            "userhomesiteinfo" => HomeSites(s),
            _ => throw Cursors.Fault("InvalidArgument", $"QueryEntityType '{type}' is not one hvapi answers (README, \"PowerCLI scripts\")."),
        };
        if (def.Filter != null) rows = rows.Where(def.Filter.Matches);
        if (def.SortBy != null)
        {
            var key = (object r) => QueryFilter.Plain(QueryFilter.Member(r, def.SortBy));
            var comparer = System.Collections.Comparer.DefaultInvariant;
            var list = rows.ToList();
            list.Sort((a, b) => comparer.Compare(key(a), key(b)) * (def.SortDescending == true ? -1 : 1));
            rows = list;
        }
        return rows.ToArray();
    }

    public static bool IsSessions(QueryDefinition def) => string.Equals(def.QueryEntityType, "SessionLocalSummaryView", StringComparison.OrdinalIgnoreCase);

    /// <summary>Session_Query's request: filtered and sorted by the library (PowerCLI's session
    /// member paths are the contract's).</summary>
    public static JsonObject SessionRequest(QueryDefinition def)
    {
        var request = new JsonObject { ["sortDescending"] = def.SortDescending ?? false };
        if (def.Filter != null) request["filter"] = Conversions.Filter(def.Filter);
        if (def.SortBy != null) request["sortBy"] = def.SortBy;
        return request;
    }

    /// <summary>One page of local sessions straight from the library (no rows held).</summary>
    public static QueryResults SessionPage(Services s, QueryDefinition def, int offset, int size)
    {
        var request = SessionRequest(def);
        request["startingOffset"] = offset;
        request["limit"] = size;
        var page = s.Call("Session_Query", request);
        var rows = page.GetProperty("results").EnumerateArray().Select(r => (object)Conversions.From<SessionLocalSummaryView>(r)).ToArray();
        return new QueryResults { Id = null, Results = rows, RemainingCount = page.GetProperty("remainingCount").GetInt32(), StartingOffset = offset };
    }

    /// <summary>Inventory rows reshaped; a filter whose every member the table copies unchanged
    /// goes to the library too, so only the rows that can match are fetched.</summary>
    static IEnumerable<object> Shaped<T>(Services s, string entityType, Column[] table, QueryFilter? filter) where T : new() =>
        s.List<T>(entityType, table, filter == null ? null : Conversions.Filter(filter, Conversions.MembersOf(table))).Cast<object>();

    /// <summary>Every home site: UserHomeSite_List of every user and group (each once).</summary>
    static IEnumerable<object> HomeSites(Services s) =>
        s.Inventory("UserOrGroup")
            .SelectMany(u => Conversions.Many<UserHomeSiteInfo>(s.Call("UserHomeSite_List", new JsonObject { ["userOrGroup"] = Conversions.Str(u, "id") })))
            .GroupBy(h => h.Id?.Id).Select(g => (object)g.First());

    /// <summary>The federation's sessions, pod by pod.</summary>
    static IEnumerable<object> GlobalSessions(Services s)
    {
        var context = s.Context();
        return context.Pods.SelectMany(p => Global(s, "pod", Conversions.Str(p, "id"), context));
    }

    /// <summary>GlobalSession_Query (the library's extension) of one user, pod or brokering pod.</summary>
    public static IEnumerable<object> Global(Services s, string scope, string? id, Context context) =>
        s.Paged("GlobalSession_Query", new JsonObject { [scope] = id })
            .Select(r => (object)Conversions.Shape<SessionGlobalSummaryView>(r, Conversions.GlobalSession, context));
}

/// <summary>New-Object VMware.Hv.QueryServiceService: each method takes the services object first.</summary>
public class QueryServiceService
{
    /// <summary>Opens a query: its first page and its id, for GetNext and Delete.</summary>
    public QueryResults QueryService_Create(Services services, QueryDefinition queryDefinition)
    {
        var (rows, offset) = Window(services, queryDefinition);
        return services.Cursors.Open(rows, Cursors.PageSizeOf(queryDefinition.MaxPageSize), offset);
    }

    /// <summary>One page, with no query left open (Id $null).</summary>
    public QueryResults QueryService_Query(Services services, QueryDefinition queryDefinition)
    {
        var offset = Math.Max(0, queryDefinition.StartingOffset ?? 0);
        var size = queryDefinition.Limit is > 0 ? Math.Min(queryDefinition.Limit.Value, Cursors.PageSizeOf(queryDefinition.MaxPageSize)) : Cursors.PageSizeOf(queryDefinition.MaxPageSize);
        if (EntityTypes.IsSessions(queryDefinition)) return EntityTypes.SessionPage(services, queryDefinition, offset, size);
        var all = EntityTypes.Rows(services, queryDefinition);
        var page = all.Skip(offset).Take(size).ToArray();
        return new QueryResults { Id = null, Results = page, RemainingCount = Math.Max(0, all.Length - offset - page.Length), StartingOffset = offset };
    }

    public QueryResults QueryService_GetNext(Services services, QueryId id) => services.Cursors.Next(id);

    public void QueryService_Delete(Services services, QueryId id) => services.Cursors.Delete(id);

    public void QueryService_DeleteAll(Services services) => services.Cursors.DeleteAll();

    /// <summary>How many rows the definition matches (StartingOffset and Limit ignored).</summary>
    public int QueryService_Count(Services services, QueryDefinition queryDefinition)
    {
        if (!EntityTypes.IsSessions(queryDefinition)) return EntityTypes.Rows(services, queryDefinition).Length;
        var first = EntityTypes.SessionPage(services, queryDefinition, 0, 1);
        return first.Results!.Length + first.RemainingCount!.Value;
    }

    /// <summary>The rows a query opens: from StartingOffset, at most Limit of them.</summary>
    static (object[] Rows, int Offset) Window(Services services, QueryDefinition def)
    {
        var rows = EntityTypes.Rows(services, def);
        var offset = Math.Max(0, def.StartingOffset ?? 0);
        IEnumerable<object> window = rows.Skip(offset);
        if (def.Limit is > 0) window = window.Take(def.Limit.Value);
        return (window.ToArray(), offset);
    }

    public override string ToString() => GetType().FullName!;
}

/// <summary>New-Object VMware.Hv.GlobalSessionQueryServiceService: the federation's sessions of
/// one pod, one user or one brokering pod, through the library's GlobalSession_Query.</summary>
public class GlobalSessionQueryServiceService
{
    public QueryResults GlobalSessionQueryService_QueryWithSpec(Services services, GlobalSessionQueryServiceQuerySpec spec)
    {
        var given = new (string Scope, EntityId? Id)[] { ("user", spec.User), ("pod", spec.Pod), ("brokeringPod", spec.BrokeringPod) }.Where(g => g.Id != null).ToArray();
        if (given.Length != 1) throw Cursors.Fault("InvalidArgument", "Set exactly one of User, Pod and BrokeringPod in the GlobalSessionQueryServiceQuerySpec.");
        var rows = EntityTypes.Global(services, given[0].Scope, given[0].Id!.Id, services.Context()).ToArray();
        return services.Cursors.Open(rows, Cursors.PageSizeOf(spec.MaxPageSize), 0);
    }

    public QueryResults GlobalSessionQueryService_QueryByPod(Services services, PodId pod) =>
        GlobalSessionQueryService_QueryWithSpec(services, new GlobalSessionQueryServiceQuerySpec { Pod = pod });

    public QueryResults GlobalSessionQueryService_QueryByBrokeringPod(Services services, PodId pod) =>
        GlobalSessionQueryService_QueryWithSpec(services, new GlobalSessionQueryServiceQuerySpec { BrokeringPod = pod });

    public QueryResults GlobalSessionQueryService_QueryByUser(Services services, UserOrGroupId user) =>
        GlobalSessionQueryService_QueryWithSpec(services, new GlobalSessionQueryServiceQuerySpec { User = user });

    public QueryResults GlobalSessionQueryService_GetNext(Services services, QueryId id) => services.Cursors.Next(id);

    public void GlobalSessionQueryService_Delete(Services services, QueryId id) => services.Cursors.Delete(id);

    public override string ToString() => GetType().FullName!;
}

/// <summary>$services.QueryService: QueryServiceService's methods without the services argument.</summary>
public class BoundQueryService : Service
{
    readonly QueryServiceService q = new();
    internal BoundQueryService(Services services) : base(services) { }
    public QueryResults QueryService_Create(QueryDefinition queryDefinition) => q.QueryService_Create(s, queryDefinition);
    public QueryResults QueryService_Query(QueryDefinition queryDefinition) => q.QueryService_Query(s, queryDefinition);
    public QueryResults QueryService_GetNext(QueryId id) => q.QueryService_GetNext(s, id);
    public void QueryService_Delete(QueryId id) => q.QueryService_Delete(s, id);
    public void QueryService_DeleteAll() => q.QueryService_DeleteAll(s);
    public int QueryService_Count(QueryDefinition queryDefinition) => q.QueryService_Count(s, queryDefinition);
    public override string ToString() => typeof(QueryServiceService).FullName!;
}

/// <summary>$services.GlobalSessionQueryService: GlobalSessionQueryServiceService's methods without the services argument.</summary>
public class BoundGlobalSessionQueryService : Service
{
    readonly GlobalSessionQueryServiceService q = new();
    internal BoundGlobalSessionQueryService(Services services) : base(services) { }
    public QueryResults GlobalSessionQueryService_QueryWithSpec(GlobalSessionQueryServiceQuerySpec spec) => q.GlobalSessionQueryService_QueryWithSpec(s, spec);
    public QueryResults GlobalSessionQueryService_QueryByPod(PodId pod) => q.GlobalSessionQueryService_QueryByPod(s, pod);
    public QueryResults GlobalSessionQueryService_QueryByUser(UserOrGroupId user) => q.GlobalSessionQueryService_QueryByUser(s, user);
    public QueryResults GlobalSessionQueryService_GetNext(QueryId id) => q.GlobalSessionQueryService_GetNext(s, id);
    public void GlobalSessionQueryService_Delete(QueryId id) => q.GlobalSessionQueryService_Delete(s, id);
    public override string ToString() => typeof(GlobalSessionQueryServiceService).FullName!;
}
