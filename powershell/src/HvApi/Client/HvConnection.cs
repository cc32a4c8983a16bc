// One open client of the library: the only code that calls the exports, reads their answer and
// frees it. Every answer is one JSON document: {"result": …} on HV_OK, else {"fault": …}, which
// becomes an HvFaultException.
using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using HvApi.Native;

namespace HvApi;

internal sealed class HvConnection : IDisposable
{
    static int openCount;
    readonly HvClientHandle handle;
    int disposed;

    HvConnection(HvClientHandle handle, JsonElement description)
    {
        this.handle = handle;
        Description = description;
        Interlocked.Increment(ref openCount);
    }

    /// <summary>How many clients this process has open (the tests' leak check).</summary>
    public static int OpenCount => Volatile.Read(ref openCount);

    /// <summary>hv_client_open's answer: backend, user, localPod, localSite.</summary>
    public JsonElement Description { get; }

    public bool IsOpen => Volatile.Read(ref disposed) == 0;

    /// <summary>Opens a client from an hv_client_open configuration.</summary>
    public static HvConnection Open(JsonNode config)
    {
        LoadLibrary();
        var status = NativeMethods.hv_client_open(Json.Utf8Z(config.ToJsonString()), out var client, out var outJson);
        var text = TakeString(outJson);
        try
        {
            var result = Answer(status, text);
            if (client.IsInvalid) throw new HvFaultException("UnexpectedFault", "hv_client_open answered HV_OK but no client.");
            return new HvConnection(client, result);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>The library's version, e.g. 0.1.0.</summary>
    public static string Version()
    {
        LoadLibrary();
        return Marshal.PtrToStringUTF8(NativeMethods.hv_version()) ?? "";
    }

    /// <summary>Loads the native library now, so that a missing one is reported as a module
    /// error listing the paths tried rather than as a bare DllNotFoundException.</summary>
    static void LoadLibrary()
    {
        try
        {
            NativeLibraryResolver.Load();
        }
        catch (DllNotFoundException e)
        {
            throw new HvModuleException("NativeLibraryNotFound", ErrorCategory.ResourceUnavailable, e.Message, e);
        }
    }

    /// <summary>Calls a contract method with request JSON; the result element, or an HvFaultException.</summary>
    public JsonElement Call(string method, JsonNode request) => Call(method, request.ToJsonString());

    public JsonElement Call(string method, string requestJson)
    {
        var text = Invoke(method, requestJson, out var status);
        return Answer(status, text);
    }

    /// <summary>Calls a method whose result is read as <typeparamref name="T"/>.</summary>
    public T Call<T>(string method, JsonNode request)
    {
        var text = Invoke(method, request.ToJsonString(), out var status);
        if (status != HvStatus.Ok) Answer(status, text);
        return JsonSerializer.Deserialize<Envelope<T>>(text, Json.Options)!.Result!;
    }

    sealed class Envelope<T>
    {
        public T? Result { get; set; }
    }

    string Invoke(string method, string requestJson, out HvStatus status)
    {
        IntPtr outJson;
        try
        {
            status = NativeMethods.Methods.TryGetValue(method, out var export)
                ? export(handle, Json.Utf8Z(requestJson), out outJson)
                : NativeMethods.hv_invoke(handle, Json.Utf8Z(method), Json.Utf8Z(requestJson), out outJson);
        }
        catch (ObjectDisposedException e)
        {
            throw NotConnected(e);
        }
        return TakeString(outJson);
    }

    public static HvModuleException NotConnected(Exception? inner = null) => new(
        "NotConnected", ErrorCategory.ConnectionError,
        "The HvApi connection is closed. Connect with Connect-HvServer and use the server it returns.", inner);

    /// <summary>Copies a library string and frees it, whatever happens.</summary>
    static string TakeString(IntPtr s)
    {
        try
        {
            return s == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(s) ?? "";
        }
        finally
        {
            NativeMethods.hv_string_free(s);
        }
    }

    /// <summary>The result of an answer, or its fault thrown.</summary>
    static JsonElement Answer(HvStatus status, string text)
    {
        using var doc = JsonDocument.Parse(text);
        if (status == HvStatus.Ok) return doc.RootElement.GetProperty("result").Clone();
        throw HvFaultException.FromJson(doc.RootElement.GetProperty("fault"));
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        handle.Dispose();
        Interlocked.Decrement(ref openCount);
    }
}
