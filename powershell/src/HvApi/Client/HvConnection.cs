// One open client of the library: the only code that calls the exports, reads their answer and
// frees it. Every answer is one JSON document: {"result": …} on HV_OK, else {"fault": …}, which
// becomes an HvFaultException.
using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using HvApi.Native;

namespace HvApi;

/// <summary>Reads a successful answer ({"result": …}) from the library's UTF-8 text.</summary>
internal delegate T AnswerReader<T>(ReadOnlySpan<byte> answer);

internal sealed class HvConnection : IDisposable
{
    static int openCount;
    /// <summary>The running cmdlet's stop signal (StopProcessing: Ctrl+C), for calls made on
    /// this thread (<see cref="StopOn"/>).</summary>
    [ThreadStatic] static CancellationToken stopToken;
    readonly HvClientHandle handle;
    /// <summary>Calls go over the network (the REST backend) and may take seconds.</summary>
    readonly bool remote;
    int disposed;

    HvConnection(HvClientHandle handle, JsonElement description)
    {
        this.handle = handle;
        Description = description;
        remote = description.ValueKind == JsonValueKind.Object && description.TryGetProperty("backend", out var b) && b.GetString() == "rest";
        Interlocked.Increment(ref openCount);
    }

    /// <summary>Until disposed, a call made on this thread that waits on the network stops
    /// waiting when <paramref name="token"/> is cancelled, with a PipelineStoppedException:
    /// Ctrl+C ends the cmdlet at once instead of after the server's answer or the timeout.
    /// The abandoned call finishes on its own thread and frees its answer (a client it opened
    /// is closed); the client stays usable (calls on one client may overlap).</summary>
    public static IDisposable StopOn(CancellationToken token)
    {
        var previous = stopToken;
        stopToken = token;
        return new Restore(previous);
    }

    sealed class Restore(CancellationToken previous) : IDisposable
    {
        public void Dispose() => stopToken = previous;
    }

    /// <summary>Runs <paramref name="call"/>, on another thread when it may wait on the network
    /// and the running cmdlet can be stopped (<see cref="StopOn"/>).</summary>
    static T Stoppable<T>(bool network, Func<T> call)
    {
        var token = stopToken;
        if (!network || !token.CanBeCanceled) return call();
        var task = Task.Run(call);
        try
        {
            task.Wait(token);
        }
        catch (OperationCanceledException)
        {
            // What the abandoned call opens is closed when it comes.
            task.ContinueWith(t => (t.Result as IDisposable)?.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
            throw new PipelineStoppedException();
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            ExceptionDispatchInfo.Capture(e.InnerException!).Throw();
        }
        return task.Result;
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
        // Opening the REST backend logs in over the network.
        return Stoppable(config["backend"]?.GetValue<string>() == "rest", () => OpenNow(config));
    }

    static HvConnection OpenNow(JsonNode config)
    {
        var status = NativeMethods.hv_client_open(Json.Utf8Z(config.ToJsonString()), out var client, out var outJson);
        try
        {
            var result = ReadAnswer<JsonElement>(status, outJson);
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

    public JsonElement Call(string method, string requestJson) => Call<JsonElement>(method, requestJson);

    /// <summary>Calls a method whose result is read as <typeparamref name="T"/>; a custom
    /// reader, when given, reads the whole answer text of a successful call instead.</summary>
    public T Call<T>(string method, JsonNode request, AnswerReader<T>? read = null) => Call<T>(method, request.ToJsonString(), read);

    /// <summary>The one call path: the answer is read straight from the library's UTF-8 text
    /// (no managed string copy) and freed, whatever happens.</summary>
    public T Call<T>(string method, string requestJson, AnswerReader<T>? read = null) =>
        remote ? Stoppable(true, () => CallNow(method, requestJson, read)) : CallNow(method, requestJson, read);

    T CallNow<T>(string method, string requestJson, AnswerReader<T>? read)
    {
        IntPtr outJson;
        HvStatus status;
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
        return ReadAnswer(status, outJson, read);
    }

    sealed class Envelope<T>
    {
        public T? Result { get; set; }
        public JsonElement Fault { get; set; }
    }

    /// <summary>Reads {"result": T} (HV_OK) or throws the {"fault": …} of an answer, then frees it.</summary>
    static unsafe T ReadAnswer<T>(HvStatus status, IntPtr answer, AnswerReader<T>? read = null)
    {
        try
        {
            if (answer == IntPtr.Zero) throw new HvFaultException("UnexpectedFault", "The library wrote no answer.");
            var utf8 = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)answer);
            if (status == HvStatus.Ok && read != null) return read(utf8);
            var envelope = JsonSerializer.Deserialize<Envelope<T>>(utf8, Json.Options)!;
            if (status != HvStatus.Ok) throw HvFaultException.FromJson(envelope.Fault);
            return envelope.Result!;
        }
        finally
        {
            NativeMethods.hv_string_free(answer);
        }
    }

    public static HvModuleException NotConnected(Exception? inner = null) => new(
        "NotConnected", ErrorCategory.ConnectionError,
        "The HvApi connection is closed. Connect with Connect-HvServer and use the server it returns.", inner);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        handle.Dispose();
        Interlocked.Decrement(ref openCount);
    }
}
