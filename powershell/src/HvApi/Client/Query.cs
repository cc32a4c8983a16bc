// Queries (contract 7): filter builders, wildcard parameters turned into server filters, and
// paging. A wildcard parameter is sent as the narrowest server filter that keeps every match
// (StartsWith its literal prefix, else Contains its longest literal run; both ignore case) and
// then matched exactly on the client, so the server does the bulk of the work and the answer
// is what PowerShell's -like would give.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Text.Json.Nodes;

namespace HvApi;

internal static class Filter
{
    public static JsonObject Compare(string type, string member, string value) =>
        new() { ["type"] = type, ["memberName"] = member, ["value"] = value };

    public static JsonObject Equal(string member, string value) => Compare("Equals", member, value);

    public static JsonObject? Combine(string type, IEnumerable<JsonObject?> filters)
    {
        var list = filters.Where(f => f != null).ToList();
        if (list.Count == 0) return null;
        if (list.Count == 1) return list[0];
        return new JsonObject { ["type"] = type, ["filters"] = new JsonArray(list.Cast<JsonNode?>().ToArray()) };
    }

    public static JsonObject? All(params JsonObject?[] filters) => Combine("And", filters);

    public static JsonObject? Any(IEnumerable<JsonObject?> filters) => Combine("Or", filters);
}

/// <summary>One wildcard parameter value (PowerShell's * ? [] and ` escapes), case-insensitive.</summary>
internal sealed class Wildcard
{
    readonly WildcardPattern pattern;

    public Wildcard(string text)
    {
        Text = text;
        pattern = WildcardPattern.Get(text, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
    }

    public string Text { get; }

    public bool IsMatch(string? value) => value != null && pattern.IsMatch(value);

    /// <summary>The narrowest server filter on <paramref name="member"/> that keeps every
    /// match; null when the pattern has no literal text (e.g. *).</summary>
    public JsonObject? ServerFilter(string member)
    {
        var (prefix, longest, hasWildcard) = Literals(Text);
        if (!hasWildcard) return Filter.Compare("StartsWith", member, prefix);
        if (prefix.Length > 0) return Filter.Compare("StartsWith", member, prefix);
        return longest.Length > 0 ? Filter.Compare("Contains", member, longest) : null;
    }

    /// <summary>The literal prefix, the longest literal run, and whether there is any wildcard.</summary>
    static (string Prefix, string Longest, bool HasWildcard) Literals(string text)
    {
        var runs = new List<string>();
        var run = new StringBuilder();
        string? prefix = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '`' && i + 1 < text.Length)
            {
                run.Append(text[++i]);
                continue;
            }
            if (c is '*' or '?' or '[')
            {
                prefix ??= run.ToString();
                runs.Add(run.ToString());
                run.Clear();
                if (c == '[')
                {
                    var close = text.IndexOf(']', i + 1);
                    i = close < 0 ? text.Length : close;
                }
                continue;
            }
            run.Append(c);
        }
        runs.Add(run.ToString());
        return (prefix ?? run.ToString(), runs.OrderByDescending(r => r.Length).First(), prefix != null);
    }

    /// <summary>Server filter for several patterns of one member (any may match).</summary>
    public static JsonObject? ServerFilter(string member, IReadOnlyList<Wildcard>? patterns) =>
        patterns == null || patterns.Count == 0 || patterns.Any(p => p.ServerFilter(member) == null)
            ? null
            : Filter.Any(patterns.Select(p => p.ServerFilter(member)));

    public static bool AnyMatch(IReadOnlyList<Wildcard>? patterns, string? value) =>
        patterns == null || patterns.Count == 0 || patterns.Any(p => p.IsMatch(value));

    public static Wildcard[]? From(string[]? texts) => texts?.Select(t => new Wildcard(t)).ToArray();
}

/// <summary>A page of a query's answer.</summary>
internal sealed class QueryPage<T>
{
    public T[] Results { get; set; } = Array.Empty<T>();
    public long StartingOffset { get; set; }
    public long RemainingCount { get; set; }
}

internal static class Paging
{
    /// <summary>The library's page size (its limit's default and maximum use).</summary>
    public const int PageSize = 1000;

    /// <summary>Every page of a query, fetched as it is needed. <paramref name="request"/> is
    /// the query without startingOffset and limit; <paramref name="max"/> caps the rows.</summary>
    public static IEnumerable<T[]> Pages<T>(HvConnection connection, string method, JsonObject request, long max = long.MaxValue,
        AnswerReader<QueryPage<T>>? read = null)
    {
        long offset = 0;
        while (offset < max)
        {
            var page = (JsonObject)request.DeepClone();
            page["startingOffset"] = offset;
            page["limit"] = (int)Math.Min(PageSize, max - offset);
            var answer = connection.Call(method, page, read);
            if (answer.Results.Length > 0) yield return answer.Results;
            offset += answer.Results.Length;
            if (answer.RemainingCount <= 0 || answer.Results.Length == 0) yield break;
        }
    }
}
