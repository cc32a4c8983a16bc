// The inventory objects of contract section 6 as Inventory_Query gives them (no passwords).
// Each names its entityType, so one generic Get cmdlet shape serves all of them.
using System;

namespace HvApi;

/// <summary>An inventory object: an id and a name.</summary>
public abstract class HvInventoryObject
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";

    public override string ToString() => Name;
}

public sealed class HvSite : HvInventoryObject { }

public sealed class HvPod : HvInventoryObject
{
    public string Site { get; set; } = "";
    public bool Reachable { get; set; }
}

public sealed class HvAccessGroup : HvInventoryObject
{
    public string? Parent { get; set; }
}

public sealed class HvUserOrGroup : HvInventoryObject
{
    public string Domain { get; set; } = "";
    public bool Group { get; set; }
    public string[] Members { get; set; } = Array.Empty<string>();
    /// <summary>DOMAIN\name, as users and groups are written in Horizon.</summary>
    public string DisplayName => $"{Domain}\\{Name}";

    public override string ToString() => DisplayName;
}

public sealed class HvGlobalEntitlement : HvInventoryObject
{
    public string[] Members { get; set; } = Array.Empty<string>();
}

public sealed class HvGlobalApplicationEntitlement : HvInventoryObject
{
    public string[] Members { get; set; } = Array.Empty<string>();
}

public sealed class HvDesktop : HvInventoryObject
{
    public string Pod { get; set; } = "";
    public string AccessGroup { get; set; } = "";
    public string DesktopType { get; set; } = "";
    public string DesktopSource { get; set; } = "";
}

public sealed class HvFarm : HvInventoryObject
{
    public string Pod { get; set; } = "";
    public string AccessGroup { get; set; } = "";
}
