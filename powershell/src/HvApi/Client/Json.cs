// JSON in and out of PowerShell: requests built from hashtables or JSON text, results turned
// into PowerShell objects (for Invoke-HvMethod), and the serializer options of the typed views.
using System;
using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace HvApi;

internal static class Json
{
    /// <summary>How the typed views read the library's camelCase JSON.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A request as the NUL-terminated UTF-8 text the C ABI borrows.</summary>
    public static byte[] Utf8Z(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, 0, text.Length, bytes, 0);
        return bytes;
    }

    /// <summary>A hashtable, PSCustomObject or JSON text (anything a user passes as -World,
    /// -DemoCounts or -Request) as a JSON node. Text must be valid JSON.</summary>
    public static JsonNode? FromUser(object? value, string parameterName)
    {
        var v = Unwrap(value);
        if (v is string text)
        {
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException e)
            {
                throw new HvModuleException("InvalidJson", ErrorCategory.InvalidArgument, $"-{parameterName} is not valid JSON: {e.Message}", e);
            }
        }
        return ToNode(v, parameterName, 0);
    }

    /// <summary>How deep a request may nest (a cyclic hashtable must not overflow the stack).</summary>
    const int MaxDepth = 64;

    static object? Unwrap(object? value) => value is PSObject ps && ps.BaseObject is not PSCustomObject ? ps.BaseObject : value;

    /// <summary>Any PowerShell value as a JSON node: dictionaries and PSCustomObjects become
    /// objects, other enumerables arrays, numbers, booleans and strings themselves.</summary>
    public static JsonNode? ToNode(object? value, string parameterName = "value", int depth = 0)
    {
        if (depth > MaxDepth)
            throw new HvModuleException("RequestTooDeep", ErrorCategory.InvalidArgument, $"-{parameterName} nests deeper than {MaxDepth} levels (is it cyclic?).");
        value = Unwrap(value);
        switch (value)
        {
            case null:
                return null;
            case string s:
                return JsonValue.Create(s);
            case bool b:
                return JsonValue.Create(b);
            case char c:
                return JsonValue.Create(c.ToString());
            case Enum e:
                return JsonValue.Create(e.ToString());
            case DateTime d:
                return JsonValue.Create(d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            case sbyte or byte or short or ushort or int or uint or long:
                return JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case ulong or float or double or decimal:
                return JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture));
            case IDictionary dict:
            {
                var o = new JsonObject();
                foreach (DictionaryEntry entry in dict)
                    o[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = ToNode(entry.Value, parameterName, depth + 1);
                return o;
            }
            case PSObject ps:
            {
                var o = new JsonObject();
                foreach (var p in ps.Properties)
                    o[p.Name] = ToNode(p.Value, parameterName, depth + 1);
                return o;
            }
            case IEnumerable list:
            {
                var a = new JsonArray();
                foreach (var item in list)
                    a.Add(ToNode(item, parameterName, depth + 1));
                return a;
            }
            default:
                return JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A JSON value as PowerShell objects: objects become PSCustomObjects (properties
    /// in the library's order), arrays object[], numbers long or double.</summary>
    public static object? ToPowerShell(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
            {
                var o = new PSObject();
                foreach (var p in e.EnumerateObject())
                    o.Properties.Add(new PSNoteProperty(p.Name, ToPowerShell(p.Value)));
                return o;
            }
            case JsonValueKind.Array:
            {
                var items = new object?[e.GetArrayLength()];
                var i = 0;
                foreach (var item in e.EnumerateArray())
                    items[i++] = ToPowerShell(item);
                return items;
            }
            case JsonValueKind.String:
                return e.GetString();
            case JsonValueKind.Number:
                return e.TryGetInt64(out var l) ? l : e.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }
}
