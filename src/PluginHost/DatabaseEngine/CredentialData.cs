using System.Text.Json;

namespace PluginHost.DatabaseEngine;

/// <summary>What a credential's lease keeps for its renewal and revocation (Vault's <c>internal_data</c> of <c>creds</c>).</summary>
internal sealed record CredentialData(string Username, string Role, string DbName, IReadOnlyList<string> RevocationStatements)
{
    public IReadOnlyDictionary<string, JsonElement> ToInternalData() => new Dictionary<string, JsonElement>(StringComparer.Ordinal)
    {
        ["username"] = JsonSerializer.SerializeToElement(Username, DatabaseJsonContext.Default.String),
        ["role"] = JsonSerializer.SerializeToElement(Role, DatabaseJsonContext.Default.String),
        ["db_name"] = JsonSerializer.SerializeToElement(DbName, DatabaseJsonContext.Default.String),
        ["revocation_statements"] = JsonSerializer.SerializeToElement(RevocationStatements.ToArray(), DatabaseJsonContext.Default.StringArray),
    };

    /// <summary>Reads the internal data back.</summary>
    /// <exception cref="PluginHostException">The secret was not issued by this engine (a field is missing).</exception>
    public static CredentialData From(SecretInfo secret)
    {
        var data = secret.InternalData ?? new Dictionary<string, JsonElement>();
        return new CredentialData(
            Text(data, "username"),
            Text(data, "role"),
            Text(data, "db_name"),
            data.TryGetValue("revocation_statements", out var statements) && statements.ValueKind == JsonValueKind.Array
                ? [.. statements.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()!)]
                : []);
    }

    private static string Text(IReadOnlyDictionary<string, JsonElement> data, string name) =>
        data.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new PluginHostException(ErrorCode.BadRequest, $"secret is missing its internal data '{name}': it was not issued by the database engine");
}
