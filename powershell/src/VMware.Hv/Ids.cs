// PowerCLI's entity ids: objects whose .Id is the string, one class per entity type, all
// deriving from EntityId. As in PowerCLI, a plain string does not convert to an id (no string
// constructor): scripts build ids with New-Object and .Id, or take them from rows.
namespace VMware.Hv;

/// <summary>The base of every id; <see cref="Id"/> is the contract's id, e.g. Session/a1.</summary>
public abstract class EntityId
{
    public string? Id { get; set; }

    /// <summary>The type name, as PowerCLI's generated classes print.</summary>
    public override string ToString() => GetType().FullName!;

    public override bool Equals(object? obj) => obj is EntityId other && other.GetType() == GetType() && other.Id == Id;

    public override int GetHashCode() => Id?.GetHashCode() ?? 0;
}

public class SessionId : EntityId { }
public class UserHomeSiteId : EntityId { }
public class UserOrGroupId : EntityId { }
public class SiteId : EntityId { }
public class PodId : EntityId { }
public class GlobalEntitlementId : EntityId { }
public class GlobalApplicationEntitlementId : EntityId { }
public class DesktopId : EntityId { }
public class FarmId : EntityId { }
public class AccessGroupId : EntityId { }
public class MachineId : EntityId { }
public class RDSServerId : EntityId { }
public class QueryId : EntityId { }
