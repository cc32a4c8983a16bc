// The base of every cmdlet that talks to a connection: -Server (default: the first of
// $global:DefaultHVServers), and faults turned into PowerShell errors in one place. A fault
// about one item is a non-terminating error whose target is that item's id; a fault about the
// whole call (or any module error) ends the cmdlet with one terminating error.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;

namespace HvApi.Commands;

/// <summary>Every HvApi cmdlet: its steps run under one guard that turns faults and module
/// errors into terminating errors with stable ids.</summary>
public abstract class HvCommand : PSCmdlet
{
    protected virtual void Begin() { }
    protected virtual void Process() { }
    protected virtual void End() { }

    /// <summary>Cancelled by StopProcessing (Ctrl+C): a call waiting on a server stops waiting.</summary>
    readonly CancellationTokenSource stop = new();

    protected sealed override void BeginProcessing() => Guard(Begin);
    protected sealed override void ProcessRecord() => Guard(Process);
    protected sealed override void EndProcessing() => Guard(End);
    protected override void StopProcessing() => stop.Cancel();

    void Guard(Action step)
    {
        using var stoppable = HvConnection.StopOn(stop.Token);
        try
        {
            step();
        }
        catch (HvFaultException f)
        {
            ThrowTerminatingError(f.ToErrorRecord(null));
        }
        catch (HvModuleException m)
        {
            ThrowTerminatingError(m.ToErrorRecord(null));
        }
    }
}

public abstract class HvCmdlet : HvCommand
{
    HvConnection? connection;
    NameResolver? names;

    /// <summary>The connection to use; default: the first of $global:DefaultHVServers.</summary>
    [Parameter]
    [ValidateNotNull]
    public HvServer? Server { get; set; }

    internal HvConnection Connection => connection ??= ResolveServer().Connection;

    internal NameResolver Names => names ??= new NameResolver(Connection);

    HvServer ResolveServer()
    {
        var server = Server ?? ModuleState.DefaultServers(SessionState).FirstOrDefault(s => s.IsConnected);
        if (server == null || !server.IsConnected) throw HvConnection.NotConnected();
        return server;
    }

    /// <summary>Calls a method about one item. Its fault is a non-terminating error about
    /// <paramref name="target"/> (null result) unless it concerns the whole call (thrown).</summary>
    internal JsonElement? CallItem(string method, JsonNode request, string target, params string[] itemParameters) =>
        TryItem(() => Connection.Call(method, request), target, itemParameters, out var result) ? result : null;

    /// <summary>As CallItem, with the result read as <typeparamref name="T"/>.</summary>
    internal T? CallItem<T>(string method, JsonNode request, string target, params string[] itemParameters) where T : class =>
        TryItem(() => Connection.Call<T>(method, request), target, itemParameters, out var result) ? result : null;

    bool TryItem<T>(Func<T> call, string target, string[] itemParameters, out T result)
    {
        try
        {
            result = call();
            return true;
        }
        catch (HvFaultException f) when (!f.ConcernsWholeCall(itemParameters))
        {
            WriteError(f.ToErrorRecord(target));
            result = default!;
            return false;
        }
    }

    /// <summary>Writes a module error about one input and carries on.</summary>
    internal void WriteModuleError(HvModuleException e, object? target) => WriteError(e.ToErrorRecord(target));

    /// <summary>Write-Progress for long runs: shown only past <see cref="ProgressThreshold"/> items.</summary>
    internal void Progress(string activity, int done, int total)
    {
        if (total <= ProgressThreshold) return;
        var record = new ProgressRecord(1, activity, $"{done} of {total}")
        {
            PercentComplete = (int)(100L * done / total),
            RecordType = done >= total ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
        WriteProgress(record);
    }

    public const int ProgressThreshold = 100;

    /// <summary>Adds display names to home sites (one inventory lookup per distinct id).</summary>
    internal HvUserHomeSite Named(HvUserHomeSite h)
    {
        h.UserOrGroupName = Names.NameOf(h.UserOrGroup);
        h.SiteName = Names.NameOf(h.Site);
        h.EntitlementName = Names.NameOf(h.GlobalEntitlement ?? h.GlobalApplicationEntitlement);
        return h;
    }

    internal static JsonArray JsonArrayOf(IEnumerable<string> items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
}
