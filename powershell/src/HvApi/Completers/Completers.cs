// Argument completers: names from the connection's inventory (the -Server being typed, else the
// first of $global:DefaultHVServers), looked up with the same name rules as the cmdlets use.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using HvApi.Native;

namespace HvApi;

/// <summary>Completes names of one inventory type: DOMAIN\name for users and groups, else the name.</summary>
public abstract class InventoryCompleter<T> : IArgumentCompleter where T : HvInventoryObject
{
    const int MaxResults = 100;

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var connection = Connection(fakeBoundParameters);
        if (connection == null) return Enumerable.Empty<CompletionResult>();
        var word = wordToComplete.Trim('\'', '"');
        try
        {
            return Inventory.ByNamePrefix(connection, typeof(T), word, MaxResults)
                .Select(o => o.ToString())
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
                .Select(n => new CompletionResult(Quote(n), n, CompletionResultType.ParameterValue, n))
                .ToList();
        }
        catch (Exception e) when (e is HvFaultException or HvModuleException)
        {
            return Enumerable.Empty<CompletionResult>();
        }
    }

    static HvConnection? Connection(IDictionary fakeBoundParameters)
    {
        if (fakeBoundParameters["Server"] is { } s && (s is PSObject p ? p.BaseObject : s) is HvServer server && server.IsConnected)
            return server.Connection;
        using var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
        return ps.AddScript("$global:" + ModuleState.DefaultServersVariable).Invoke()
            .Select(o => o?.BaseObject).OfType<HvServer>().FirstOrDefault(x => x.IsConnected)?.Connection;
    }

    /// <summary>Quotes a value that PowerShell would otherwise split or interpret.</summary>
    internal static string Quote(string value) =>
        value.Any(c => char.IsWhiteSpace(c) || "'\"`$(){}[]@#;,|&<>".Contains(c)) ? "'" + value.Replace("'", "''") + "'" : value;
}

public sealed class UserOrGroupCompleter : InventoryCompleter<HvUserOrGroup> { }
public sealed class SiteCompleter : InventoryCompleter<HvSite> { }
public sealed class GlobalEntitlementCompleter : InventoryCompleter<HvGlobalEntitlement> { }
public sealed class GlobalApplicationEntitlementCompleter : InventoryCompleter<HvGlobalApplicationEntitlement> { }

/// <summary>Completes contract method names for Invoke-HvMethod.</summary>
public sealed class MethodCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        NativeMethods.Methods.Keys
            .Where(m => m.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(m => new CompletionResult(m, m, CompletionResultType.ParameterValue, m));
}
