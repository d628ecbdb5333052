using System.Text.Json;
using System.Text.RegularExpressions;

namespace PluginHost.Sdk;

/// <summary>
/// The fields of one request on a <see cref="PathRoute"/>: the path's parameters (the pattern's named groups) and the
/// request's data, converted to their declared <see cref="FieldSchema.Type"/>, as Vault's <c>framework.FieldData</c>.
/// </summary>
/// <remarks>
/// Values were checked before the handler runs, so the getters never fail on user input; they throw
/// <see cref="InvalidOperationException"/> only for a programming error: a field the route does not declare (path
/// parameters are declared as strings implicitly), or a getter of the wrong type.
/// </remarks>
/// <example>
/// <code>
/// var name = fields.GetString("name");
/// var ttl = fields.IsSet("ttl") ? fields.GetDuration("ttl") : existing.Ttl;
/// </code>
/// </example>
public sealed class FieldData
{
    private static readonly FieldSchema PathParameter = new() { Type = FieldType.String, Description = "A parameter of the path." };

    private readonly IReadOnlyDictionary<string, FieldSchema> _schemas;
    private readonly Dictionary<string, object> _values;

    private FieldData(IReadOnlyDictionary<string, FieldSchema> schemas, Dictionary<string, object> values, IReadOnlyList<string> unknown)
    {
        _schemas = schemas;
        _values = values;
        Unrecognized = unknown;
    }

    /// <summary>The data fields the request gave that the route does not declare, sorted; Vault ignores them with a warning.</summary>
    public IReadOnlyList<string> Unrecognized { get; }

    /// <summary>Whether the request gave <paramref name="name"/> (a path parameter always is), as Vault's <c>GetOk</c>.</summary>
    /// <param name="name">A declared field.</param>
    /// <returns><see langword="true"/> when given with a non-null value.</returns>
    public bool IsSet(string name)
    {
        _ = Schema(name);
        return _values.ContainsKey(name);
    }

    /// <summary>The string value of <paramref name="name"/>, else its default, else "".</summary>
    /// <param name="name">A declared <see cref="FieldType.String"/> field or path parameter.</param>
    /// <returns>The value.</returns>
    public string GetString(string name) => Get<string>(name, FieldType.String);

    /// <summary>The whole-number value of <paramref name="name"/>, else its default, else 0.</summary>
    /// <param name="name">A declared <see cref="FieldType.Int"/> field.</param>
    /// <returns>The value.</returns>
    public long GetInt(string name) => Get<long>(name, FieldType.Int);

    /// <summary>The boolean value of <paramref name="name"/>, else its default, else <see langword="false"/>.</summary>
    /// <param name="name">A declared <see cref="FieldType.Bool"/> field.</param>
    /// <returns>The value.</returns>
    public bool GetBool(string name) => Get<bool>(name, FieldType.Bool);

    /// <summary>The duration value of <paramref name="name"/> (whole seconds), else its default, else zero.</summary>
    /// <param name="name">A declared <see cref="FieldType.Duration"/> field.</param>
    /// <returns>The value.</returns>
    public TimeSpan GetDuration(string name) => Get<TimeSpan>(name, FieldType.Duration);

    /// <summary>The list value of <paramref name="name"/> (items trimmed, empty ones dropped), else its default, else empty.</summary>
    /// <param name="name">A declared <see cref="FieldType.CommaStringSlice"/> or <see cref="FieldType.StringSlice"/> field.</param>
    /// <returns>The value.</returns>
    public IReadOnlyList<string> GetStrings(string name) =>
        Get<IReadOnlyList<string>>(name, Schema(name).Type == FieldType.StringSlice ? FieldType.StringSlice : FieldType.CommaStringSlice);

    /// <summary>The object value of <paramref name="name"/>, else its default, else empty.</summary>
    /// <param name="name">A declared <see cref="FieldType.Map"/> field.</param>
    /// <returns>The value.</returns>
    public IReadOnlyDictionary<string, JsonElement> GetMap(string name) => Get<IReadOnlyDictionary<string, JsonElement>>(name, FieldType.Map);

    /// <summary>Reads and checks the fields of <paramref name="request"/> on a route.</summary>
    /// <param name="request">The request.</param>
    /// <param name="match">The route pattern's match; its named groups are path parameters.</param>
    /// <param name="schemas">The route's declared fields.</param>
    /// <returns>The fields.</returns>
    /// <exception cref="PluginHostException">A given value does not fit its declared type, or a write misses a required field.</exception>
    internal static FieldData Parse(BackendRequest request, Match match, IReadOnlyDictionary<string, FieldSchema> schemas)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        var unknown = new List<string>();
        // With no fields declared the data is the handler's own business (kv stores any keys): nothing to check.
        foreach (var (name, value) in schemas.Count == 0 ? EmptyData : request.Data ?? EmptyData)
        {
            if (!schemas.TryGetValue(name, out var schema))
            {
                unknown.Add(name);
            }
            else if (value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
            {
                values[name] = FieldParser.Parse(name, schema.Type, value);
            }
        }

        // Path parameters win over data of the same name: the path is what was routed.
        var all = schemas;
        foreach (var group in match.Groups.Values)
        {
            if (group.Success && !int.TryParse(group.Name, out _))
            {
                values[group.Name] = group.Value;
                if (!all.ContainsKey(group.Name))
                {
                    all = new Dictionary<string, FieldSchema>(all, StringComparer.Ordinal) { [group.Name] = PathParameter };
                }

                unknown.Remove(group.Name);
            }
        }

        if (request.Operation is Operation.Create or Operation.Update
            && schemas.FirstOrDefault(s => s.Value.Required && !values.ContainsKey(s.Key)) is { Key: { } missing })
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"missing required field '{missing}'");
        }

        unknown.Sort(StringComparer.Ordinal);
        return new FieldData(all, values, unknown);
    }

    private static readonly Dictionary<string, JsonElement> EmptyData = [];

    private T Get<T>(string name, FieldType type)
    {
        var schema = Schema(name);
        if (schema.Type != type)
        {
            throw new InvalidOperationException($"field '{name}' is declared as {schema.Type}, not {type}: read it with the getter of its type");
        }

        return (T)(_values.TryGetValue(name, out var value) ? value : schema.Default ?? FieldParser.Empty(type));
    }

    private FieldSchema Schema(string name) =>
        _schemas.TryGetValue(name, out var schema)
            ? schema
            : throw new InvalidOperationException($"field '{name}' is not declared on this path: add it to the route's Fields");
}
