// PowerCLI's connection type. Connect-HVServer is HvApi's one Connect-HvServer cmdlet (the
// names are one name to PowerShell); when this assembly is loaded it makes that cmdlet return
// a ViewServerImpl: an HvApi HvServer (so every HvApi cmdlet takes it as -Server) that is also
// PowerCLI's ViewObjectImpl, with ExtensionData (VMware.Hv.Services).
using HvApi;

namespace VMware.VimAutomation.HorizonView.Impl.V1;

/// <summary>The base PowerCLI scripts type connection variables with.</summary>
public abstract class ViewObjectImpl : HvServer
{
    internal ViewObjectImpl(string name, HvConnection connection) : base(name, connection)
    {
    }
}

public sealed class ViewServerImpl : ViewObjectImpl
{
    internal ViewServerImpl(string name, HvConnection connection) : base(name, connection)
    {
        ExtensionData = new VMware.Hv.Services(connection);
    }

    /// <summary>The services: $conn.ExtensionData.Session.Session_LogoffForced($id), …</summary>
    public VMware.Hv.Services ExtensionData { get; }

    /// <summary>Makes HvApi's Connect-HvServer return ViewServerImpl objects (idempotent).</summary>
    public static void Register() => HvServer.Factory = (name, connection) => new ViewServerImpl(name, connection);
}
