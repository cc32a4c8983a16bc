// An audit event (contract 5.3) as Event_Query gives it.
using System;

namespace HvApi;

public sealed class HvEvent
{
    public long Id { get; set; }
    public DateTime Time { get; set; }
    public string Type { get; set; } = "";
    /// <summary>AUDIT_SUCCESS or AUDIT_FAIL.</summary>
    public string Severity { get; set; } = "";
    public string Admin { get; set; } = "";
    public string Message { get; set; } = "";
    public string? Session { get; set; }
    public string? UserHomeSite { get; set; }
    public string? User { get; set; }
    public string? Pod { get; set; }

    public override string ToString() => $"{Id} {Type}";
}
