// Per-runspace state: the connections a runspace opened, closed when that runspace closes (or
// the module is removed from it), so no client outlives the session that made it. The list
// users see is $global:DefaultHVServers, as in PowerCLI.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace HvApi;

internal static class ModuleState
{
    public const string DefaultServersVariable = "DefaultHVServers";

    sealed class RunspaceConnections
    {
        public readonly List<HvConnection> Open = new();
    }

    static readonly ConditionalWeakTable<Runspace, RunspaceConnections> Table = new();

    /// <summary>Remembers a connection of the current runspace, to close it with the runspace.</summary>
    public static void Track(HvConnection connection)
    {
        var runspace = Runspace.DefaultRunspace;
        if (runspace == null) return;
        var state = Table.GetValue(runspace, r =>
        {
            r.StateChanged += OnStateChanged;
            return new RunspaceConnections();
        });
        lock (state.Open) state.Open.Add(connection);
    }

    static void OnStateChanged(object? sender, RunspaceStateEventArgs e)
    {
        if (sender is Runspace r && e.RunspaceStateInfo.State is RunspaceState.Closing or RunspaceState.Closed or RunspaceState.Broken)
            CloseAll(r);
    }

    /// <summary>Closes every connection the runspace opened.</summary>
    public static void CloseAll(Runspace? runspace)
    {
        if (runspace == null || !Table.TryGetValue(runspace, out var state)) return;
        List<HvConnection> open;
        lock (state.Open)
        {
            open = state.Open.ToList();
            state.Open.Clear();
        }
        foreach (var c in open) c.Dispose();
    }

    /// <summary>$global:DefaultHVServers as a list of servers (connected or not).</summary>
    public static List<HvServer> DefaultServers(SessionState session)
    {
        var value = session.PSVariable.GetValue("global:" + DefaultServersVariable);
        var items = LanguagePrimitives.GetEnumerable(value)?.Cast<object>() ?? (value == null ? Enumerable.Empty<object>() : new[] { value });
        return items.Select(o => o is PSObject p ? p.BaseObject : o).OfType<HvServer>().ToList();
    }

    /// <summary>Replaces $global:DefaultHVServers (an array, as PowerCLI has it).</summary>
    public static void SetDefaultServers(SessionState session, IEnumerable<HvServer> servers) =>
        session.PSVariable.Set("global:" + DefaultServersVariable, servers.ToArray());
}

/// <summary>Closes the current runspace's connections when the module is removed from it.</summary>
public sealed class ModuleCleanup : IModuleAssemblyCleanup
{
    public void OnRemove(PSModuleInfo psModuleInfo) => ModuleState.CloseAll(Runspace.DefaultRunspace);
}
