// $env:HVAPI_SERVERS: which federation a server name means. JSON text, or the path of a JSON
// file, mapping a name to an hv_client_open configuration without its login, e.g.
// {"cs1": {"backend": "rest", "url": "http://127.0.0.1:8443/rest"}, "lab": {"demo": {}}}.
// A name is matched without regard to case, as host names are.
using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HvApi;

internal static class ServerMap
{
    public const string Variable = "HVAPI_SERVERS";

    /// <summary>The configuration <paramref name="name"/> maps to (a fresh copy), or null.</summary>
    public static JsonObject? Find(SessionState session, string name)
    {
        var text = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!text.TrimStart().StartsWith('{'))
        {
            var path = session.Path.GetUnresolvedProviderPathFromPSPath(text.Trim());
            if (!File.Exists(path))
                throw Bad($"${Variable} is neither JSON nor the path of a file: '{path}' does not exist.");
            text = File.ReadAllText(path);
        }
        JsonObject map;
        try
        {
            map = JsonNode.Parse(text) as JsonObject ?? throw Bad($"${Variable} must be a JSON object of server name → configuration.");
        }
        catch (JsonException e)
        {
            throw Bad($"${Variable} is not valid JSON: {e.Message}");
        }
        var entry = map.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase));
        if (entry.Key == null) return null;
        if (entry.Value is not JsonObject config)
            throw Bad($"${Variable}: the entry '{entry.Key}' must be an hv_client_open configuration (a JSON object).");
        var copy = (JsonObject)config.DeepClone();
        // An embedded federation is the default backend, as for hv_client_open.
        if (copy["backend"] == null) copy["backend"] = "embedded";
        return copy;
    }

    static HvModuleException Bad(string message) => new("InvalidServerMap", ErrorCategory.InvalidArgument, message);
}
