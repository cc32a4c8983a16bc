// Get-HvEvent: the audit trail (Event_Query), oldest first, as the library keeps it.
using System;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;

namespace HvApi.Commands;

[Cmdlet(VerbsCommon.Get, "HvEvent")]
[OutputType(typeof(HvEvent))]
public sealed class GetHvEventCommand : HvCmdlet
{
    /// <summary>Event types, e.g. ADMIN_DESKTOP_SESSION_LOGOFF or *LOGOFF*.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Type { get; set; }

    /// <summary>Only the events about these session ids.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Session { get; set; }

    /// <summary>At most this many events (the oldest that match).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int First { get; set; } = int.MaxValue;

    protected override void Process()
    {
        var types = Wildcard.From(Type);
        var filter = Filter.All(
            Wildcard.ServerFilter("type", types),
            Filter.Any(Session?.Select(s => (JsonObject?)Filter.Equal("session", s)) ?? Enumerable.Empty<JsonObject?>()));
        var request = new JsonObject();
        if (filter != null) request["filter"] = filter;
        var written = 0;
        foreach (var page in Paging.Pages<HvEvent>(Connection, "Event_Query", request))
        {
            foreach (var e in page.Where(e => Wildcard.AnyMatch(types, e.Type)))
            {
                WriteObject(e);
                if (++written >= First) return;
            }
        }
    }
}
