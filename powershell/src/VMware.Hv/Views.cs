// PowerCLI's data objects with the View API's names and nesting. Unset values are $null
// (nullable types), times are DateTime in UTC, enums are upper-case strings, and ToString()
// is the type name, as in PowerCLI's generated classes.
using System;

namespace VMware.Hv;

/// <summary>The base of every data object: ToString() is the type name.</summary>
public abstract class DataObject
{
    public override string ToString() => GetType().FullName!;
}

public class SessionNamesData : DataObject
{
    public string? UserName { get; set; }
    public string? MachineOrRDSServerName { get; set; }
    public string? MachineOrRDSServerDNS { get; set; }
    public string? AgentVersion { get; set; }
    public string? DesktopPoolCN { get; set; }
    public string? DesktopName { get; set; }
    public string? DesktopType { get; set; }
    public string? DesktopSource { get; set; }
    public string? FarmName { get; set; }
    public string? ClientLocationID { get; set; }
    public string? ClientType { get; set; }
    public string? ClientAddress { get; set; }
    public string? ClientName { get; set; }
    public string? ClientVersion { get; set; }
    public string? SecurityGatewayDNS { get; set; }
    public string? SecurityGatewayAddress { get; set; }
    public string? SecurityGatewayLocation { get; set; }
    public string[]? ApplicationNames { get; set; }
}

public class SessionLocalReferenceData : DataObject
{
    public UserOrGroupId? User { get; set; }
    public UserOrGroupId? BrokerUser { get; set; }
    public UserOrGroupId[]? Groups { get; set; }
    public AccessGroupId? AccessGroup { get; set; }
    public DesktopId? Desktop { get; set; }
    public FarmId? Farm { get; set; }
    public MachineId? Machine { get; set; }
    public RDSServerId? RdsServer { get; set; }
}

public class SessionData : DataObject
{
    public string? SessionType { get; set; }
    public string? SessionProtocol { get; set; }
    public string? SessionState { get; set; }
    public DateTime? StartTime { get; set; }
    public DateTime? DisconnectTime { get; set; }
    public long? LastSessionDurationMS { get; set; }
    public bool? BrokeredRemotely { get; set; }
    public bool? ResourcedRemotely { get; set; }
    public bool? Unauthenticated { get; set; }
    public long? IdleDuration { get; set; }
}

public class SessionLocalSummaryView : DataObject
{
    public SessionId? Id { get; set; }
    public SessionNamesData? NamesData { get; set; }
    public SessionLocalReferenceData? ReferenceData { get; set; }
    public SessionData? SessionData { get; set; }
}

/// <summary>The names of a global session: the local names (BaseNames) and its pod's and site's.</summary>
public class SessionGlobalNamesData : DataObject
{
    public SessionNamesData? BaseNames { get; set; }
    public string? PodName { get; set; }
    public string? SiteName { get; set; }
    public string? BrokeringPodName { get; set; }
}

public class SessionGlobalReferenceData : DataObject
{
    public SessionLocalReferenceData? BaseReferences { get; set; }
    public UserOrGroupId? User { get; set; }
    public PodId? Pod { get; set; }
    public SiteId? Site { get; set; }
    public PodId? BrokeringPod { get; set; }
}

public class SessionGlobalSummaryView : DataObject
{
    public SessionId? Id { get; set; }
    public SessionGlobalNamesData? NamesData { get; set; }
    public SessionGlobalReferenceData? ReferenceData { get; set; }
    public SessionData? SessionData { get; set; }
}

public class UserHomeSiteBase : DataObject
{
    public UserOrGroupId? UserOrGroup { get; set; }
    public SiteId? Site { get; set; }
    public GlobalEntitlementId? GlobalEntitlement { get; set; }
    public GlobalApplicationEntitlementId? GlobalApplicationEntitlement { get; set; }
}

public class UserHomeSiteInfo : DataObject
{
    public UserHomeSiteId? Id { get; set; }
    public UserHomeSiteBase? Base { get; set; }
}

public class UserHomeSiteResolutionData : DataObject
{
    public UserHomeSiteId? Id { get; set; }
    public UserOrGroupId? Group { get; set; }
    public string? GroupName { get; set; }
    public SiteId? Site { get; set; }
    public string? SiteName { get; set; }
    public string? Type { get; set; }
}

public class UserHomeSiteResolutionInfo : DataObject
{
    public EntityId? GlobalEntitlement { get; set; }
    public string? GlobalEntitlementName { get; set; }
    public UserHomeSiteResolutionData[]? ResolvedData { get; set; }
}

public class ADUserOrGroupSummaryBase : DataObject
{
    public string? Name { get; set; }
    public string? LoginName { get; set; }
    public string? DisplayName { get; set; }
    public string? Domain { get; set; }
    public bool? Group { get; set; }
}

public class ADUserOrGroupSummaryView : DataObject
{
    public UserOrGroupId? Id { get; set; }
    public ADUserOrGroupSummaryBase? Base { get; set; }
}

/// <summary>ADUserOrGroup_Get's answer: the same base as the summary view.</summary>
public class ADUserOrGroupInfo : DataObject
{
    public UserOrGroupId? Id { get; set; }
    public ADUserOrGroupSummaryBase? Base { get; set; }
    /// <summary>A group's members (unset for a user).</summary>
    public UserOrGroupId[]? Members { get; set; }
}

public class DesktopSummaryData : DataObject
{
    public string? Name { get; set; }
    public string? DisplayName { get; set; }
    public string? Type { get; set; }
    public string? Source { get; set; }
    public AccessGroupId? AccessGroup { get; set; }
}

public class DesktopSummaryView : DataObject
{
    public DesktopId? Id { get; set; }
    public DesktopSummaryData? DesktopSummaryData { get; set; }
}

public class SiteBase : DataObject
{
    public string? DisplayName { get; set; }
    public string? Description { get; set; }
}

public class SiteInfo : DataObject
{
    public SiteId? Id { get; set; }
    public SiteBase? Base { get; set; }
    public PodId[]? Pods { get; set; }
}

public class PodInfo : DataObject
{
    public PodId? Id { get; set; }
    public string? DisplayName { get; set; }
    public string? Description { get; set; }
    public SiteId? Site { get; set; }
    public bool? LocalPod { get; set; }
    public bool? Reachable { get; set; }
}

public class GlobalEntitlementBase : DataObject
{
    public string? DisplayName { get; set; }
    public string? Description { get; set; }
}

public class GlobalEntitlementInfo : DataObject
{
    public GlobalEntitlementId? Id { get; set; }
    public GlobalEntitlementBase? Base { get; set; }
    public UserOrGroupId[]? Members { get; set; }
}

/// <summary>QueryService's row for GlobalEntitlementSummaryView.</summary>
public class GlobalEntitlementSummaryView : DataObject
{
    public GlobalEntitlementId? Id { get; set; }
    public GlobalEntitlementBase? Base { get; set; }
}

public class GlobalApplicationEntitlementInfo : DataObject
{
    public GlobalApplicationEntitlementId? Id { get; set; }
    public GlobalEntitlementBase? Base { get; set; }
    public UserOrGroupId[]? Members { get; set; }
}
