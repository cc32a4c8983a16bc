// The Session service: Get-HvSession and the five actions. An action gathers the ids it is
// given (by value, by property name, or -Id), asks ShouldProcess for each, and then calls the
// batch method once per chunk of up to 1,000 ids — never once per item — so that
// `Get-HvSession | Invoke-HvSessionLogoff -Force` runs at the library's speed. The ids are
// acted on after the input ends, so a query still paging upstream never sees its rows vanish.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;

namespace HvApi.Commands;

[Cmdlet(VerbsCommon.Get, "HvSession", DefaultParameterSetName = "Filter")]
[OutputType(typeof(HvSession))]
public sealed class GetHvSessionCommand : HvCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Id", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("SessionId")]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = Array.Empty<string>();

    [Parameter(Position = 0, ParameterSetName = "Filter")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(UserOrGroupCompleter))]
    public string[]? UserName { get; set; }

    [Parameter(ParameterSetName = "Filter")]
    [SupportsWildcards]
    public string[]? DesktopName { get; set; }

    [Parameter(ParameterSetName = "Filter")]
    [SupportsWildcards]
    public string[]? MachineName { get; set; }

    [Parameter(ParameterSetName = "Filter")]
    [SupportsWildcards]
    public string[]? ClientName { get; set; }

    [Parameter(ParameterSetName = "Filter")]
    public HvSessionState[]? State { get; set; }

    [Parameter(ParameterSetName = "Filter")]
    public HvSessionType[]? Type { get; set; }

    protected override void Process()
    {
        if (ParameterSetName == "Id")
        {
            foreach (var id in Id)
            {
                var session = CallItem<HvSession>("Session_GetLocalSummaryView", new JsonObject { ["id"] = id }, id, "id");
                if (session != null) WriteObject(session);
            }
            return;
        }
        // (server member, client value, patterns) for each wildcard parameter.
        var patterns = new (string Member, Func<HvSession, string?> Value, Wildcard[]? Patterns)[]
        {
            ("namesData.userName", s => s.UserName, Wildcard.From(UserName)),
            ("namesData.desktopName", s => s.DesktopName, Wildcard.From(DesktopName)),
            ("namesData.machineOrRDSServerName", s => s.MachineName, Wildcard.From(MachineName)),
            ("namesData.clientName", s => s.ClientName, Wildcard.From(ClientName)),
        };
        var filter = Filter.All(patterns.Select(p => Wildcard.ServerFilter(p.Member, p.Patterns))
            .Append(Filter.Any(State?.Select(s => (JsonObject?)Filter.Equal("sessionData.sessionState", s.ToString().ToUpperInvariant())) ?? Enumerable.Empty<JsonObject?>()))
            .Append(Filter.Any(Type?.Select(t => (JsonObject?)Filter.Equal("sessionData.sessionType", t.ToString().ToUpperInvariant())) ?? Enumerable.Empty<JsonObject?>()))
            .ToArray());
        var request = new JsonObject();
        if (filter != null) request["filter"] = filter;
        foreach (var page in Paging.Pages<HvSession>(Connection, "Session_Query", request))
        {
            foreach (var s in page)
            {
                if (patterns.All(p => Wildcard.AnyMatch(p.Patterns, p.Value(s)))) WriteObject(s);
            }
        }
    }
}

/// <summary>The shape of every session action: -Id from the pipeline, ShouldProcess per id,
/// then one batch call per chunk of ids.</summary>
public abstract class HvSessionActionCmdlet : HvCmdlet
{
    public const int BatchSize = 1000;

    readonly List<string> pending = new();
    bool whatIf;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("SessionId")]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = Array.Empty<string>();

    /// <summary>What ShouldProcess says is done, e.g. "Log off".</summary>
    protected abstract string Action { get; }
    protected abstract string SingleMethod { get; }
    protected abstract string BatchMethod { get; }
    /// <summary>True when -Force was given to skip the confirmation prompt.</summary>
    protected virtual bool SkipConfirmation => false;
    /// <summary>Request keys besides id / ids (the message of Send-HvSessionMessage).</summary>
    protected virtual void AddArguments(JsonObject request) { }

    protected override void Begin()
    {
        whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w)
            ? ((SwitchParameter)w).IsPresent
            : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
    }

    protected override void Process()
    {
        foreach (var id in Id)
        {
            if (Confirmed(id)) pending.Add(id);
        }
    }

    /// <summary>ShouldProcess, except that -Force (without -Confirm) skips the prompt — while
    /// -WhatIf still only reports.</summary>
    bool Confirmed(string id)
    {
        if (SkipConfirmation && !whatIf && !MyInvocation.BoundParameters.ContainsKey("Confirm")) return true;
        return ShouldProcess(id, Action);
    }

    protected override void End()
    {
        // Ids that are not session ids go alone, so the library's own InvalidType fault for each
        // is reported against it; the rest go in batches unless there is only one.
        var sessions = pending.Where(id => id.StartsWith("Session/", StringComparison.Ordinal)).ToList();
        var singles = sessions.Count > 1 ? pending.Where(id => !id.StartsWith("Session/", StringComparison.Ordinal)).ToList() : pending;
        var batched = sessions.Count > 1 ? sessions : new List<string>();
        var total = pending.Count;
        var done = 0;
        foreach (var id in singles)
        {
            var request = new JsonObject { ["id"] = id };
            AddArguments(request);
            CallItem(SingleMethod, request, id, "id");
            Progress(Action, ++done, total);
        }
        for (var start = 0; start < batched.Count; start += BatchSize)
        {
            var chunk = batched.GetRange(start, Math.Min(BatchSize, batched.Count - start));
            var request = new JsonObject { ["ids"] = JsonArrayOf(chunk) };
            AddArguments(request);
            WriteVerbose($"{BatchMethod}: ids {start + 1} to {start + chunk.Count} of {batched.Count}");
            try
            {
                Connection.Call(BatchMethod, request);
            }
            catch (HvFaultException f) when (f.Type == "PartialFailureFault")
            {
                for (var i = 0; i < f.Results.Length && i < chunk.Count; i++)
                {
                    if (f.Results[i] is { } item) WriteError(item.ToErrorRecord(chunk[i]));
                }
            }
            done += chunk.Count;
            Progress(Action, done, total);
        }
    }
}

[Cmdlet(VerbsCommunications.Disconnect, "HvSession", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class DisconnectHvSessionCommand : HvSessionActionCmdlet
{
    protected override string Action => "Disconnect";
    protected override string SingleMethod => "Session_Disconnect";
    protected override string BatchMethod => "Session_DisconnectSessions";
}

[Cmdlet(VerbsLifecycle.Invoke, "HvSessionLogoff", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class InvokeHvSessionLogoffCommand : HvSessionActionCmdlet
{
    /// <summary>Log off locked sessions too (LogoffForced), without a confirmation prompt.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override string Action => Force ? "Log off (forced)" : "Log off";
    protected override string SingleMethod => Force ? "Session_LogoffForced" : "Session_Logoff";
    protected override string BatchMethod => Force ? "Session_LogoffSessionsForced" : "Session_LogoffSessions";
    protected override bool SkipConfirmation => Force;
}

[Cmdlet(VerbsCommon.Reset, "HvSession", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class ResetHvSessionCommand : HvSessionActionCmdlet
{
    protected override string Action => "Reset the machine of";
    protected override string SingleMethod => "Session_Reset";
    protected override string BatchMethod => "Session_ResetSessions";
}

[Cmdlet(VerbsLifecycle.Restart, "HvSession", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RestartHvSessionCommand : HvSessionActionCmdlet
{
    protected override string Action => "Restart the machine of";
    protected override string SingleMethod => "Session_Restart";
    protected override string BatchMethod => "Session_RestartSessions";
}

[Cmdlet(VerbsCommunications.Send, "HvSessionMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class SendHvSessionMessageCommand : HvSessionActionCmdlet
{
    [Parameter(Mandatory = true, Position = 1)]
    [AllowEmptyString]
    public string Message { get; set; } = "";

    [Parameter]
    public HvMessageType MessageType { get; set; } = HvMessageType.Info;

    protected override string Action => $"Send message ({MessageType}) to";
    protected override string SingleMethod => "Session_SendMessage";
    protected override string BatchMethod => "Session_SendMessages";

    protected override void AddArguments(JsonObject request)
    {
        request["msgType"] = MessageType.ToString().ToUpperInvariant();
        request["message"] = Message;
    }
}
