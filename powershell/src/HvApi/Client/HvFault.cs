// A contract fault (section 3.3) as a .NET exception, and the one table that maps a fault type
// to its PowerShell ErrorCategory.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;

namespace HvApi;

/// <summary>A fault the library answered: its type and every field the contract gives it.</summary>
public class HvFaultException : Exception
{
    /// <summary>Fault type → ErrorCategory. The one place that says how a fault is categorised.</summary>
    public static readonly IReadOnlyDictionary<string, ErrorCategory> Categories = new Dictionary<string, ErrorCategory>
    {
        ["EntityNotFound"] = ErrorCategory.ObjectNotFound,
        ["InsufficientPermission"] = ErrorCategory.PermissionDenied,
        ["InvalidArgument"] = ErrorCategory.InvalidArgument,
        ["InvalidType"] = ErrorCategory.InvalidArgument,
        ["InvalidRequest"] = ErrorCategory.InvalidArgument,
        ["InvalidState"] = ErrorCategory.InvalidOperation,
        ["InvalidCredentials"] = ErrorCategory.AuthenticationError,
        ["UnexpectedFault"] = ErrorCategory.ResourceUnavailable,
        ["PartialFailureFault"] = ErrorCategory.InvalidResult,
    };

    public HvFaultException(string type, string message) : base(message)
    {
        Type = type;
    }

    /// <summary>The contract's fault type, e.g. <c>EntityNotFound</c>; also the errorId.</summary>
    public string Type { get; }
    /// <summary>EntityNotFound: the id not found; InvalidState: the id in the wrong state.</summary>
    public string? Id { get; private init; }
    /// <summary>InsufficientPermission: the privileges any one of which would have sufficed.</summary>
    public string[] Privileges { get; private init; } = Array.Empty<string>();
    public string? Resource { get; private init; }
    public string? AccessGroup { get; private init; }
    public string? ParameterName { get; private init; }
    public string? ExpectedType { get; private init; }
    public string? CauseString { get; private init; }
    /// <summary>PartialFailureFault: one entry per input, null where that item succeeded.</summary>
    public HvFaultException?[] Results { get; private init; } = Array.Empty<HvFaultException?>();
    public int SuccessCount { get; private init; }
    /// <summary>The fault as the library wrote it.</summary>
    public string Json { get; private init; } = "";

    public ErrorCategory Category => Categories.TryGetValue(Type, out var c) ? c : ErrorCategory.NotSpecified;

    /// <summary>True when the fault refuses the whole call rather than one item of it: no
    /// privilege anywhere (InsufficientPermission without a resource), a refused request text
    /// (InvalidArgument / InvalidType / InvalidRequest about a parameter other than the item's),
    /// or a state of the whole federation (InvalidState without an id).</summary>
    public bool ConcernsWholeCall(params string[] itemParameters) => Type switch
    {
        "InsufficientPermission" => Resource == null,
        "InvalidState" => Id == null,
        "InvalidArgument" or "InvalidType" or "InvalidRequest" =>
            ParameterName == null ? Type != "InvalidRequest" : !itemParameters.Any(p => ParameterName == p || ParameterName.StartsWith(p + ".", StringComparison.Ordinal)),
        "InvalidCredentials" => true,
        _ => false,
    };

    /// <summary>This fault as a PowerShell error about <paramref name="target"/>.</summary>
    public ErrorRecord ToErrorRecord(object? target) => new(this, Type, Category, target);

    public static HvFaultException FromJson(JsonElement fault)
    {
        string? Str(string name) => fault.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var type = Str("type") ?? "UnexpectedFault";
        var message = Str("errorMessage") ?? $"The library answered a {type} fault.";
        return new HvFaultException(type, message)
        {
            Id = Str("id"),
            Resource = Str("resource"),
            AccessGroup = Str("accessGroup"),
            ParameterName = Str("parameterName"),
            ExpectedType = Str("expectedType"),
            CauseString = Str("causeString"),
            Privileges = fault.TryGetProperty("privileges", out var p) && p.ValueKind == JsonValueKind.Array
                ? p.EnumerateArray().Select(x => x.GetString() ?? "").ToArray()
                : Array.Empty<string>(),
            Results = fault.TryGetProperty("results", out var r) && r.ValueKind == JsonValueKind.Array
                ? r.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Object ? FromJson(x) : null).ToArray()
                : Array.Empty<HvFaultException?>(),
            SuccessCount = fault.TryGetProperty("successCount", out var s) && s.TryGetInt32(out var n) ? n : 0,
            Json = fault.GetRawText(),
        };
    }
}

/// <summary>A module error that is not a library fault (not connected, a name not found, …),
/// with its stable error id and category.</summary>
public class HvModuleException : Exception
{
    public HvModuleException(string errorId, ErrorCategory category, string message, Exception? inner = null) : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
    }

    public string ErrorId { get; }
    public ErrorCategory Category { get; }

    public ErrorRecord ToErrorRecord(object? target) => new(this, ErrorId, Category, target);
}
