// The UserHomeSite service: Get-, New-, Remove- and Resolve-HvUserHomeSite. Users, groups,
// sites and entitlements are taken by id or by name (NameResolver); a name that matches
// nothing, or more than one object, is an ObjectNotFound error about that input, raised before
// anything is sent that could change the federation.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HvApi.Commands;

[Cmdlet(VerbsCommon.Get, "HvUserHomeSite", DefaultParameterSetName = "UserOrGroup")]
[OutputType(typeof(HvUserHomeSite))]
public sealed class GetHvUserHomeSiteCommand : HvCmdlet
{
    // Not from the pipeline by property name: a user or group piped in (whose Id is a
    // UserOrGroup id) must bind to -UserOrGroup, by its DOMAIN\name.
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Id")]
    [Alias("UserHomeSiteId")]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = Array.Empty<string>();

    /// <summary>Lists the home sites configured directly on these users or groups.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "UserOrGroup", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserOrGroupCompleter))]
    public string[] UserOrGroup { get; set; } = Array.Empty<string>();

    protected override void Process()
    {
        if (ParameterSetName == "Id")
        {
            WriteHomeSites(GetInfos());
            return;
        }
        foreach (var name in UserOrGroup)
        {
            string id;
            try
            {
                id = Names.Resolve<HvUserOrGroup>(name, nameof(UserOrGroup));
            }
            catch (HvModuleException e)
            {
                WriteModuleError(e, name);
                continue;
            }
            WriteHomeSites(CallItem<HvUserHomeSite[]>("UserHomeSite_List", new JsonObject { ["userOrGroup"] = id }, name, "userOrGroup"));
        }
    }

    /// <summary>One UserHomeSite_Get for one id, one GetInfos for several; when GetInfos
    /// refuses them all for one unknown id, each is fetched alone so only that one is an error.</summary>
    IEnumerable<HvUserHomeSite> GetInfos()
    {
        if (Id.Length > 1)
        {
            try
            {
                return Connection.Call<HvUserHomeSite[]>("UserHomeSite_GetInfos", new JsonObject { ["ids"] = JsonArrayOf(Id) });
            }
            catch (HvFaultException f) when (!f.ConcernsWholeCall())
            {
            }
        }
        return Id.Select(id => CallItem<HvUserHomeSite>("UserHomeSite_Get", new JsonObject { ["id"] = id }, id, "id"))
            .Where(h => h != null)
            .Select(h => h!)
            .ToList();
    }

    void WriteHomeSites(IEnumerable<HvUserHomeSite>? homeSites)
    {
        foreach (var h in homeSites ?? Enumerable.Empty<HvUserHomeSite>()) WriteObject(Named(h));
    }
}

[Cmdlet(VerbsCommon.New, "HvUserHomeSite", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Global")]
[OutputType(typeof(HvUserHomeSite))]
public sealed class NewHvUserHomeSiteCommand : HvCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserOrGroupCompleter))]
    public string UserOrGroup { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SiteCompleter))]
    public string Site { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = "Desktop", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(GlobalEntitlementCompleter))]
    public string GlobalEntitlement { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = "Application", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(GlobalApplicationEntitlementCompleter))]
    public string GlobalApplicationEntitlement { get; set; } = "";

    protected override void Process()
    {
        var b = new JsonObject();
        try
        {
            b["userOrGroup"] = Names.Resolve<HvUserOrGroup>(UserOrGroup, nameof(UserOrGroup));
            b["site"] = Names.Resolve<HvSite>(Site, nameof(Site));
            if (ParameterSetName == "Desktop") b["globalEntitlement"] = Names.Resolve<HvGlobalEntitlement>(GlobalEntitlement, nameof(GlobalEntitlement));
            if (ParameterSetName == "Application")
                b["globalApplicationEntitlement"] = Names.Resolve<HvGlobalApplicationEntitlement>(GlobalApplicationEntitlement, nameof(GlobalApplicationEntitlement));
        }
        catch (HvModuleException e)
        {
            WriteModuleError(e, UserOrGroup);
            return;
        }
        var scope = ParameterSetName == "Global" ? "every entitlement" : (string?)(b["globalEntitlement"] ?? b["globalApplicationEntitlement"]);
        if (!ShouldProcess($"{UserOrGroup} ({b["userOrGroup"]})", $"Set home site {Site} for {scope}")) return;
        var created = CallItem("UserHomeSite_Create", new JsonObject { ["base"] = b }, UserOrGroup, "base");
        if (created?.GetString() is not { } id) return;
        var info = CallItem<HvUserHomeSite>("UserHomeSite_Get", new JsonObject { ["id"] = id }, id, "id");
        if (info != null) WriteObject(Named(info));
    }
}

[Cmdlet(VerbsCommon.Remove, "HvUserHomeSite", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveHvUserHomeSiteCommand : HvCmdlet
{
    readonly List<string> pending = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("UserHomeSiteId")]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = Array.Empty<string>();

    protected override void Process() => pending.AddRange(Id.Where(id => ShouldProcess(id, "Remove home site")));

    /// <summary>The contract has no batch delete: one UserHomeSite_Delete per id.</summary>
    protected override void End()
    {
        for (var i = 0; i < pending.Count; i++)
        {
            CallItem("UserHomeSite_Delete", new JsonObject { ["id"] = pending[i] }, pending[i], "id");
            Progress("Remove home sites", i + 1, pending.Count);
        }
    }
}

[Cmdlet(VerbsDiagnostic.Resolve, "HvUserHomeSite", DefaultParameterSetName = "Desktop")]
[OutputType(typeof(HvHomeSiteResolution))]
public sealed class ResolveHvUserHomeSiteCommand : HvCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserOrGroupCompleter))]
    public string User { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = "Desktop")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(GlobalEntitlementCompleter))]
    public string GlobalEntitlement { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = "Application")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(GlobalApplicationEntitlementCompleter))]
    public string GlobalApplicationEntitlement { get; set; } = "";

    protected override void Process()
    {
        var desktop = ParameterSetName == "Desktop";
        string user, entitlement;
        try
        {
            user = Names.Resolve<HvUserOrGroup>(User, nameof(User));
            entitlement = desktop
                ? Names.Resolve<HvGlobalEntitlement>(GlobalEntitlement, nameof(GlobalEntitlement))
                : Names.Resolve<HvGlobalApplicationEntitlement>(GlobalApplicationEntitlement, nameof(GlobalApplicationEntitlement));
        }
        catch (HvModuleException e)
        {
            WriteModuleError(e, User);
            return;
        }
        var (method, key) = desktop ? ("UserHomeSite_Resolve", "globalEntitlement") : ("UserHomeSite_ResolveForGAE", "globalApplicationEntitlement");
        var request = new JsonObject { ["user"] = user, [key] = entitlement };
        if (CallItem(method, request, User, "user", key) is not { } result) return;
        // null: nothing is configured for this user and entitlement; else [resolved, conflicts…].
        var answer = result.Deserialize<HvUserHomeSite[]>(Json.Options);
        var resolved = answer?.FirstOrDefault();
        WriteObject(new HvHomeSiteResolution
        {
            User = user,
            UserName = Names.NameOf(user),
            Entitlement = entitlement,
            EntitlementName = Names.NameOf(entitlement),
            Site = resolved?.Site,
            SiteName = Names.NameOf(resolved?.Site),
            Source = Source(resolved, user),
            Resolved = resolved == null ? null : Named(resolved),
            Conflicts = answer?.Skip(1).Select(Named).ToArray() ?? System.Array.Empty<HvUserHomeSite>(),
        });
    }

    /// <summary>The tier of contract 5.4 the resolved home site comes from, in the REST API's names.</summary>
    static string Source(HvUserHomeSite? resolved, string user) => resolved switch
    {
        null => "NONE",
        _ when resolved.UserOrGroup == user => resolved.Scope == "Global" ? "USER_DEFAULT" : "USER_OVERRIDE",
        _ => resolved.Scope == "Global" ? "GROUP_DEFAULT" : "GROUP_OVERRIDE",
    };
}
