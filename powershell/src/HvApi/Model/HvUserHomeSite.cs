// Home sites (UserHomeSiteInfo) and a resolution (UserHomeSite_Resolve / _ResolveForGAE).
using System;
using System.Text.Json.Serialization;

namespace HvApi;

public sealed class HvUserHomeSiteBase
{
    public string UserOrGroup { get; set; } = "";
    public string Site { get; set; } = "";
    public string? GlobalEntitlement { get; set; }
    public string? GlobalApplicationEntitlement { get; set; }
}

public sealed class HvUserHomeSite
{
    public string Id { get; set; } = "";
    public HvUserHomeSiteBase Base { get; set; } = new();

    [JsonIgnore] public string UserOrGroup => Base.UserOrGroup;
    [JsonIgnore] public string Site => Base.Site;
    [JsonIgnore] public string? GlobalEntitlement => Base.GlobalEntitlement;
    [JsonIgnore] public string? GlobalApplicationEntitlement => Base.GlobalApplicationEntitlement;
    /// <summary>"Global" for a home site of every entitlement, else the entitlement's id.</summary>
    [JsonIgnore] public string Scope => Base.GlobalEntitlement ?? Base.GlobalApplicationEntitlement ?? "Global";
    [JsonIgnore] public string? UserOrGroupName { get; internal set; }
    [JsonIgnore] public string? SiteName { get; internal set; }
    [JsonIgnore] public string? EntitlementName { get; internal set; }

    public override string ToString() => Id;
}

public sealed class HvHomeSiteResolution
{
    public string User { get; internal set; } = "";
    public string? UserName { get; internal set; }
    /// <summary>The global (desktop or application) entitlement resolved for.</summary>
    public string Entitlement { get; internal set; } = "";
    public string? EntitlementName { get; internal set; }
    /// <summary>The resolved site's id; null when no home site applies.</summary>
    public string? Site { get; internal set; }
    public string? SiteName { get; internal set; }
    /// <summary>USER_OVERRIDE, GROUP_OVERRIDE, USER_DEFAULT, GROUP_DEFAULT or NONE.</summary>
    public string Source { get; internal set; } = "NONE";
    /// <summary>The winning home site.</summary>
    public HvUserHomeSite? Resolved { get; internal set; }
    /// <summary>The other candidates of the winning tier whose site differs.</summary>
    public HvUserHomeSite[] Conflicts { get; internal set; } = Array.Empty<HvUserHomeSite>();

    public override string ToString() => Site ?? "NONE";
}
