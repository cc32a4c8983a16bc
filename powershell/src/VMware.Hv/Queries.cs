// PowerCLI's query objects: QueryDefinition, QueryResults, the QueryFilter family and the
// global session query's spec. A filter either goes to the library (Conversions.Filter) or is
// matched here, on the PowerCLI objects themselves (Matches), for the entity types the library
// has no query of its own for.
using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;

namespace VMware.Hv;

public class QueryDefinition : DataObject
{
    public string? QueryEntityType { get; set; }
    public QueryFilter? Filter { get; set; }
    public string? SortBy { get; set; }
    public bool? SortDescending { get; set; }
    public int? StartingOffset { get; set; }
    public int? Limit { get; set; }
    public int? MaxPageSize { get; set; }
}

public class QueryResults : DataObject
{
    public QueryId? Id { get; set; }
    public object[]? Results { get; set; }
    public int? RemainingCount { get; set; }
    public int? StartingOffset { get; set; }
}

public class GlobalSessionQueryServiceQuerySpec : DataObject
{
    public UserOrGroupId? User { get; set; }
    public PodId? Pod { get; set; }
    public PodId? BrokeringPod { get; set; }
    public int? MaxPageSize { get; set; }
}

/// <summary>The base of every filter (scripts type parameters QueryFilter and QueryFilter[]).</summary>
public abstract class QueryFilter : DataObject
{
    /// <summary>Does <paramref name="row"/> (a PowerCLI object) pass the filter?</summary>
    public abstract bool Matches(object row);

    /// <summary>The value at a dotted member path (any case); null when a step is missing.</summary>
    public static object? Member(object? row, string? path)
    {
        foreach (var step in (path ?? "").Split('.'))
        {
            if (row == null) return null;
            var p = row.GetType().GetProperties().FirstOrDefault(x => string.Equals(x.Name, step, StringComparison.OrdinalIgnoreCase));
            row = p?.GetValue(row);
        }
        return row;
    }

    /// <summary>A filter value as the library compares it: an id's string, a string, a bool, a number.</summary>
    public static object? Plain(object? value) => value switch
    {
        PSObject p => Plain(p.BaseObject),
        EntityId id => id.Id,
        DateTime d => d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
        _ => value,
    };

    protected static string Text(object? v) => Convert.ToString(Plain(v), System.Globalization.CultureInfo.InvariantCulture) ?? "";
}

public abstract class QueryFilterCompare : QueryFilter
{
    public string? MemberName { get; set; }
    public object? Value { get; set; }

    protected abstract bool Test(object? actual);

    public override bool Matches(object row)
    {
        var actual = Member(row, MemberName);
        // An array member matches when one of its items does.
        return actual is IEnumerable list and not string ? list.Cast<object?>().Any(Test) : Test(actual);
    }
}

/// <summary>Equal, with case (as the library and Horizon compare); Contains and StartsWith ignore case.</summary>
public class QueryFilterEquals : QueryFilterCompare
{
    protected override bool Test(object? actual) => actual != null && string.Equals(Text(actual), Text(Value), StringComparison.Ordinal);
}

public class QueryFilterNotEquals : QueryFilterCompare
{
    protected override bool Test(object? actual) => !(actual != null && string.Equals(Text(actual), Text(Value), StringComparison.Ordinal));

    public override bool Matches(object row) => !new QueryFilterEquals { MemberName = MemberName, Value = Value }.Matches(row);
}

public class QueryFilterContains : QueryFilterCompare
{
    protected override bool Test(object? actual) => actual != null && Text(actual).Contains(Text(Value), StringComparison.OrdinalIgnoreCase);
}

public class QueryFilterStartsWith : QueryFilterCompare
{
    protected override bool Test(object? actual) => actual != null && Text(actual).StartsWith(Text(Value), StringComparison.OrdinalIgnoreCase);
}

public class QueryFilterBetween : QueryFilter
{
    public string? MemberName { get; set; }
    public object? FromValue { get; set; }
    public object? ToValue { get; set; }

    public override bool Matches(object row)
    {
        var actual = Member(row, MemberName);
        if (actual == null) return false;
        var comparer = System.Collections.Comparer.DefaultInvariant;
        object? Same(object? bound) => bound == null ? null : LanguagePrimitives.ConvertTo(Plain(bound), actual.GetType());
        return comparer.Compare(actual, Same(FromValue)) >= 0 && comparer.Compare(actual, Same(ToValue)) <= 0;
    }
}

public class QueryFilterAnd : QueryFilter
{
    public QueryFilter[]? Filters { get; set; }

    public override bool Matches(object row) => (Filters ?? Array.Empty<QueryFilter>()).All(f => f.Matches(row));
}

public class QueryFilterOr : QueryFilter
{
    public QueryFilter[]? Filters { get; set; }

    public override bool Matches(object row) => (Filters ?? Array.Empty<QueryFilter>()).Any(f => f.Matches(row));
}

public class QueryFilterNot : QueryFilter
{
    public QueryFilter? Filter { get; set; }

    public override bool Matches(object row) => Filter == null || !Filter.Matches(row);
}
