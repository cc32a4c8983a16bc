// Every P/Invoke declaration of the module, in one table: the C ABI of include/hvapi.h.
//
// Ownership (the header's rules): input strings are borrowed for the call only, so they cross
// as NUL-terminated UTF-8 byte arrays; every char* the library writes is owned by us and freed
// with hv_string_free, always in a finally (HvConnection.Invoke is the one place that does it).
// The client is a SafeHandle, so a call in flight keeps it alive and hv_client_close runs once.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace HvApi.Native;

/// <summary>The library's status codes (contract 2); they never change.</summary>
public enum HvStatus
{
    Ok = 0,
    EntityNotFound = 1,
    InsufficientPermission = 2,
    InvalidArgument = 3,
    InvalidState = 4,
    InvalidType = 5,
    InvalidRequest = 6,
    PartialFailure = 7,
    Unexpected = 8,
    InvalidCredentials = 9,
}

/// <summary>An open client of the library; closing it (once) is hv_client_close.</summary>
internal sealed class HvClientHandle : SafeHandle
{
    public HvClientHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.hv_client_close(handle);
        return true;
    }
}

/// <summary>One method export: <c>HvStatus f(HvClient*, const char *request_json, char **out_json)</c>.</summary>
internal delegate HvStatus HvExport(HvClientHandle client, byte[] requestJson, out IntPtr outJson);

internal static class NativeMethods
{
    /// <summary>The logical library name; NativeLibraryResolver maps it to a file.</summary>
    public const string Library = "hvapi";

    [DllImport(Library)] public static extern IntPtr hv_version();
    [DllImport(Library)] public static extern HvStatus hv_client_open(byte[] configJson, out HvClientHandle client, out IntPtr outJson);
    [DllImport(Library)] public static extern void hv_client_close(IntPtr client);
    [DllImport(Library)] public static extern void hv_string_free(IntPtr s);
    [DllImport(Library)] public static extern HvStatus hv_invoke(HvClientHandle client, byte[] method, byte[] requestJson, out IntPtr outJson);

    [DllImport(Library)] static extern HvStatus hv_session_disconnect(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_session_disconnect_sessions(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_session_get_local_summary_view(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_session_logoff(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_session_logoff_forced(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_session_logoff_sessions(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_session_logoff_sessions_forced(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_session_reset(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_session_reset_sessions(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_session_restart(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_session_restart_sessions(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_session_send_message(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_session_send_messages(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_user_home_site_create(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_user_home_site_delete(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_user_home_site_get(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_user_home_site_get_infos(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_user_home_site_list(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_user_home_site_resolve(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_user_home_site_resolve_for_gae(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_session_query(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_inventory_query(HvClientHandle c, byte[] r, out IntPtr o);
    [DllImport(Library)] static extern HvStatus hv_event_query(HvClientHandle c, byte[] r, out IntPtr o);

    /// <summary>Contract method name (section 4) → its own export. Cmdlets call a method by name
    /// and reach its export here; names not in the table go through hv_invoke, which answers
    /// an unknown name with InvalidArgument "method".</summary>
    public static readonly IReadOnlyDictionary<string, HvExport> Methods = new Dictionary<string, HvExport>(StringComparer.Ordinal)
    {
        ["Session_Disconnect"] = hv_session_disconnect,
        ["Session_DisconnectSessions"] = hv_session_disconnect_sessions,
        ["Session_GetLocalSummaryView"] = hv_session_get_local_summary_view,
        ["Session_Logoff"] = hv_session_logoff,
        ["Session_LogoffForced"] = hv_session_logoff_forced,
        ["Session_LogoffSessions"] = hv_session_logoff_sessions,
        ["Session_LogoffSessionsForced"] = hv_session_logoff_sessions_forced,
        ["Session_Reset"] = hv_session_reset,
        ["Session_ResetSessions"] = hv_session_reset_sessions,
        ["Session_Restart"] = hv_session_restart,
        ["Session_RestartSessions"] = hv_session_restart_sessions,
        ["Session_SendMessage"] = hv_session_send_message,
        ["Session_SendMessages"] = hv_session_send_messages,
        ["UserHomeSite_Create"] = hv_user_home_site_create,
        ["UserHomeSite_Delete"] = hv_user_home_site_delete,
        ["UserHomeSite_Get"] = hv_user_home_site_get,
        ["UserHomeSite_GetInfos"] = hv_user_home_site_get_infos,
        ["UserHomeSite_List"] = hv_user_home_site_list,
        ["UserHomeSite_Resolve"] = hv_user_home_site_resolve,
        ["UserHomeSite_ResolveForGAE"] = hv_user_home_site_resolve_for_gae,
        ["Session_Query"] = hv_session_query,
        ["Inventory_Query"] = hv_inventory_query,
        ["Event_Query"] = hv_event_query,
    };
}
