// Finds libhvapi for the DllImports of NativeMethods. Set once, when the assembly loads (a
// module initializer), because .NET allows one resolver per assembly and PowerShell's own
// fallback looks neither in runtimes/<rid>/native nor for the lib prefix.
//
// Where it looks: $env:HVAPI_LIBRARY alone when it is set (an override must not be silently
// ignored); otherwise runtimes/<os>-<arch>/native/<file> under the module folder (the folder of
// this assembly, or its parent when the assembly sits in a sub-folder). <os>-<arch> is built
// from OSPlatform and ProcessArchitecture, never from the RID string (distro builds of .NET
// report distro RIDs). When nothing loads, the error names every path tried and why.
using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HvApi.Native;

internal static class NativeLibraryResolver
{
    public const string OverrideVariable = "HVAPI_LIBRARY";

    static readonly object Gate = new();
    static IntPtr handle;
    static string? loadedPath;

    [ModuleInitializer]
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == NativeMethods.Library ? Load() : IntPtr.Zero;

    /// <summary>The path the library was loaded from, once it has been.</summary>
    public static string? LoadedPath => loadedPath;

    /// <summary>Loads the library (once) or throws a DllNotFoundException listing every path tried.</summary>
    public static IntPtr Load()
    {
        lock (Gate)
        {
            if (handle != IntPtr.Zero) return handle;
            var tried = new List<string>();
            foreach (var path in Candidates())
            {
                if (!File.Exists(path))
                {
                    tried.Add($"{path} (no such file)");
                    continue;
                }
                try
                {
                    handle = NativeLibrary.Load(path);
                    loadedPath = path;
                    return handle;
                }
                catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
                {
                    tried.Add($"{path} ({e.Message.Trim()})");
                }
            }
            throw new DllNotFoundException(
                $"The HvApi module could not load its native library {FileName}. Paths tried: {string.Join("; ", tried)}. " +
                $"Rebuild the module with powershell/build.sh, or set ${OverrideVariable} to the library's path.");
        }
    }

    /// <summary>Every path the resolver tries, in order.</summary>
    public static IEnumerable<string> Candidates()
    {
        var overridden = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrEmpty(overridden))
        {
            yield return Path.GetFullPath(overridden);
            yield break;
        }
        var here = Path.GetDirectoryName(typeof(NativeLibraryResolver).Assembly.Location) ?? ".";
        var relative = Path.Combine("runtimes", RuntimeFolder, "native", FileName);
        yield return Path.Combine(here, relative);
        var parent = Path.GetDirectoryName(here);
        if (parent != null) yield return Path.Combine(parent, relative);
    }

    /// <summary>The library's file name on this OS.</summary>
    public static string FileName =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "hvapi.dll"
        : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "libhvapi.dylib"
        : "libhvapi.so";

    /// <summary><c>&lt;os&gt;-&lt;arch&gt;</c>, e.g. <c>linux-x64</c>.</summary>
    public static string RuntimeFolder
    {
        get
        {
            var os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win"
                : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx"
                : "linux";
            var arch = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => "x64",
                Architecture.X86 => "x86",
                Architecture.Arm64 => "arm64",
                Architecture.Arm => "arm",
                var other => other.ToString().ToLowerInvariant(),
            };
            return $"{os}-{arch}";
        }
    }
}
