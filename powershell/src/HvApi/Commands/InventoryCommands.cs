// The inventory (Inventory_Query): one generic shape, -Id and -Name, for each entity type.
using System;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;

namespace HvApi.Commands;

public abstract class GetHvInventoryCommand<T> : HvCmdlet where T : HvInventoryObject
{
    [Parameter(Mandatory = true, ParameterSetName = "Id", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = Array.Empty<string>();

    /// <summary>Names, with wildcards; for users and groups DOMAIN\name also matches.</summary>
    [Parameter(Position = 0, ParameterSetName = "Name")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override void Process()
    {
        if (ParameterSetName == "Id")
        {
            WriteObject(Inventory.Query<T>(Connection, Filter.Any(Id.Select(i => (JsonObject?)Filter.Equal("id", i)))), true);
            return;
        }
        var patterns = Name?.Select(n => new Wildcard(n)).ToArray();
        // A DOMAIN\name pattern of a user or group goes to the server by its name part.
        var server = Wildcard.ServerFilter("name", patterns?.Select(p => new Wildcard(p.Text[(p.Text.IndexOf('\\') + 1)..])).ToArray());
        foreach (var o in Inventory.Query<T>(Connection, server))
        {
            if (patterns == null || patterns.Any(p => p.IsMatch(p.Text.Contains('\\') ? o.ToString() : o.Name))) WriteObject(o);
        }
    }
}

[Cmdlet(VerbsCommon.Get, "HvSite", DefaultParameterSetName = "Name")]
[OutputType(typeof(HvSite))]
public sealed class GetHvSiteCommand : GetHvInventoryCommand<HvSite> { }

[Cmdlet(VerbsCommon.Get, "HvPod", DefaultParameterSetName = "Name")]
[OutputType(typeof(HvPod))]
public sealed class GetHvPodCommand : GetHvInventoryCommand<HvPod> { }

[Cmdlet(VerbsCommon.Get, "HvAccessGroup", DefaultParameterSetName = "Name")]
[OutputType(typeof(HvAccessGroup))]
public sealed class GetHvAccessGroupCommand : GetHvInventoryCommand<HvAccessGroup> { }

[Cmdlet(VerbsCommon.Get, "HvUserOrGroup", DefaultParameterSetName = "Name")]
[OutputType(typeof(HvUserOrGroup))]
public sealed class GetHvUserOrGroupCommand : GetHvInventoryCommand<HvUserOrGroup> { }

[Cmdlet(VerbsCommon.Get, "HvGlobalEntitlement", DefaultParameterSetName = "Name")]
[OutputType(typeof(HvGlobalEntitlement))]
public sealed class GetHvGlobalEntitlementCommand : GetHvInventoryCommand<HvGlobalEntitlement> { }

[Cmdlet(VerbsCommon.Get, "HvGlobalApplicationEntitlement", DefaultParameterSetName = "Name")]
[OutputType(typeof(HvGlobalApplicationEntitlement))]
public sealed class GetHvGlobalApplicationEntitlementCommand : GetHvInventoryCommand<HvGlobalApplicationEntitlement> { }

[Cmdlet(VerbsCommon.Get, "HvDesktop", DefaultParameterSetName = "Name")]
[OutputType(typeof(HvDesktop))]
public sealed class GetHvDesktopCommand : GetHvInventoryCommand<HvDesktop> { }

[Cmdlet(VerbsCommon.Get, "HvFarm", DefaultParameterSetName = "Name")]
[OutputType(typeof(HvFarm))]
public sealed class GetHvFarmCommand : GetHvInventoryCommand<HvFarm> { }
