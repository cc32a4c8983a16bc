// pshost: PowerShell 7.6 in a console program, with the part of pwsh's command line the tests use:
//   pshost [-NoLogo] [-NoProfile] [-NonInteractive] -Command <script text>
//   pshost [-NoLogo] [-NoProfile] [-NonInteractive] -File <script.ps1> [-Name value | -Switch | value]...
// Output goes to stdout (as Out-String renders it), errors and warnings to stderr. The exit code
// is a -File script's `exit N` ($LASTEXITCODE), else 1 when an error was written or thrown, else
// 0. (`exit N` in -Command text ends it with 0: only a full PSHost receives that code.)
// Under wine it needs DOTNET_EnableWriteXorExecute=0 (see ../run.sh).
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;

Console.OutputEncoding = new UTF8Encoding(false);
string? command = null, file = null;
var rest = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    var a = args[i];
    if (file != null) { rest.Add(a); continue; }
    switch (a.ToLowerInvariant())
    {
        case "-nologo" or "-noprofile" or "-noninteractive": break;
        case "-command" when i + 1 < args.Length: command = args[++i]; break;
        case "-file" when i + 1 < args.Length: file = Path.GetFullPath(args[++i]); break;
        default:
            Console.Error.WriteLine($"pshost: unexpected argument '{a}'. Usage: pshost [-NoLogo] [-NoProfile] [-NonInteractive] (-Command <text> | -File <script> [args])");
            return 64;
    }
}
if (command == null && file == null)
{
    Console.Error.WriteLine("pshost: give -Command <text> or -File <script>");
    return 64;
}

var iss = InitialSessionState.CreateDefault(); // CreateDefault2 lacks Out-String and the other Utility cmdlets
if (OperatingSystem.IsWindows()) iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
using var runspace = RunspaceFactory.CreateRunspace(iss);
runspace.ThreadOptions = PSThreadOptions.UseCurrentThread;
runspace.Open();

using var ps = PowerShell.Create();
ps.Runspace = runspace;
if (command != null)
{
    ps.AddScript(command);
}
else
{
    ps.AddCommand(file);
    for (var i = 0; i < rest.Count; i++)
    {
        var a = rest[i];
        if (a.Length > 1 && a[0] == '-' && !char.IsDigit(a[1]))
        {
            var name = a.Substring(1).TrimEnd(':');
            if (i + 1 < rest.Count && !(rest[i + 1].Length > 1 && rest[i + 1][0] == '-')) ps.AddParameter(name, rest[++i]);
            else ps.AddParameter(name, true);
        }
        else
        {
            ps.AddArgument(a);
        }
    }
}
ps.AddCommand("Out-String").AddParameter("Stream");

var errors = 0;
var output = new PSDataCollection<PSObject>();
output.DataAdded += (s, e) => Console.WriteLine(output[e.Index]);
ps.Streams.Error.DataAdded += (s, e) =>
{
    errors++;
    var r = ps.Streams.Error[e.Index];
    Console.Error.WriteLine(r + Environment.NewLine + r.InvocationInfo?.PositionMessage);
};
ps.Streams.Warning.DataAdded += (s, e) => Console.Error.WriteLine("WARNING: " + ps.Streams.Warning[e.Index]);
ps.Streams.Information.DataAdded += (s, e) =>
{
    var record = ps.Streams.Information[e.Index];
    if (record.MessageData is HostInformationMessage { NoNewLine: true } h) Console.Write(h.Message);
    else Console.WriteLine(record.MessageData);
};
try
{
    ps.Invoke<PSObject, PSObject>(null, output, new PSInvocationSettings());
}
catch (RuntimeException e)
{
    Console.Error.WriteLine(e.ErrorRecord + Environment.NewLine + e.ErrorRecord.InvocationInfo?.PositionMessage);
    return 1;
}
Console.Out.Flush();
if (runspace.SessionStateProxy.GetVariable("LASTEXITCODE") is int code && code != 0) return code;
return errors > 0 ? 1 : 0;
