// Invoke-HvMethod: the raw escape hatch, any contract method by name (hv_invoke's names) with a
// request as a hashtable or JSON text. Results come back as PowerShell objects; faults are
// errors like everywhere else (a PartialFailureFault's items one by one, against their ids).
using System;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HvApi.Commands;

[Cmdlet(VerbsLifecycle.Invoke, "HvMethod", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PSObject))]
public sealed class InvokeHvMethodCommand : HvCmdlet
{
    /// <summary>A contract method name, e.g. Session_LogoffSessions.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MethodCompleter))]
    public string Method { get; set; } = "";

    /// <summary>The request: a hashtable, PSCustomObject or JSON text; default {}.</summary>
    [Parameter(Position = 1, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object Request { get; set; } = new JsonObject();

    protected override void Process()
    {
        var request = Request is JsonObject empty ? empty : Json.FromUser(Request, nameof(Request));
        var text = request?.ToJsonString() ?? "null";
        if (!ShouldProcess(text, Method)) return;
        JsonElement result;
        try
        {
            result = Connection.Call(Method, text);
        }
        catch (HvFaultException f) when (f.Type == "PartialFailureFault")
        {
            var ids = (request as JsonObject)?["ids"] as JsonArray;
            for (var i = 0; i < f.Results.Length; i++)
            {
                if (f.Results[i] is { } item) WriteError(item.ToErrorRecord(ids != null && i < ids.Count ? ids[i]?.ToString() : i));
            }
            return;
        }
        var value = Json.ToPowerShell(result);
        if (value != null) WriteObject(value, enumerateCollection: value is object[]);
    }
}
