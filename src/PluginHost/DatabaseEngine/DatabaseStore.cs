using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace PluginHost.DatabaseEngine;

/// <summary>The <c>database</c> engine's storage, in Vault's layout: <c>config/</c>, <c>role/</c>, <c>static-role/</c>.</summary>
internal sealed class DatabaseStore(Func<IStorage> storage)
{
    private const string ConfigPrefix = "config/";
    private const string RolePrefix = "role/";
    private const string StaticRolePrefix = "static-role/";

    public ValueTask<ConnectionConfig?> GetConfigAsync(string name, CancellationToken cancellationToken) =>
        GetAsync(ConfigPrefix + name, DatabaseJsonContext.Default.ConnectionConfig, cancellationToken);

    public ValueTask PutConfigAsync(string name, ConnectionConfig config, CancellationToken cancellationToken) =>
        PutAsync(ConfigPrefix + name, config, DatabaseJsonContext.Default.ConnectionConfig, cancellationToken);

    public ValueTask DeleteConfigAsync(string name, CancellationToken cancellationToken) => DeleteAsync(ConfigPrefix + name, cancellationToken);

    public ValueTask<IReadOnlyList<string>> ListConfigsAsync(CancellationToken cancellationToken) => ListAsync(ConfigPrefix, cancellationToken);

    public ValueTask<RoleEntry?> GetRoleAsync(string name, CancellationToken cancellationToken) =>
        GetAsync(RolePrefix + name, DatabaseJsonContext.Default.RoleEntry, cancellationToken);

    public ValueTask PutRoleAsync(string name, RoleEntry role, CancellationToken cancellationToken) =>
        PutAsync(RolePrefix + name, role, DatabaseJsonContext.Default.RoleEntry, cancellationToken);

    public ValueTask DeleteRoleAsync(string name, CancellationToken cancellationToken) => DeleteAsync(RolePrefix + name, cancellationToken);

    public ValueTask<IReadOnlyList<string>> ListRolesAsync(CancellationToken cancellationToken) => ListAsync(RolePrefix, cancellationToken);

    public ValueTask<StaticRoleEntry?> GetStaticRoleAsync(string name, CancellationToken cancellationToken) =>
        GetAsync(StaticRolePrefix + name, DatabaseJsonContext.Default.StaticRoleEntry, cancellationToken);

    public ValueTask PutStaticRoleAsync(string name, StaticRoleEntry role, CancellationToken cancellationToken) =>
        PutAsync(StaticRolePrefix + name, role, DatabaseJsonContext.Default.StaticRoleEntry, cancellationToken);

    public ValueTask DeleteStaticRoleAsync(string name, CancellationToken cancellationToken) => DeleteAsync(StaticRolePrefix + name, cancellationToken);

    public ValueTask<IReadOnlyList<string>> ListStaticRolesAsync(CancellationToken cancellationToken) => ListAsync(StaticRolePrefix, cancellationToken);

    private async ValueTask<T?> GetAsync<T>(string key, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var entry = await storage().GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(entry.Value, type)
                ?? throw new JsonException("the entry is JSON null");
        }
        catch (JsonException corrupt)
        {
            throw new PluginHostException(ErrorCode.Internal, $"the database engine's entry '{key}' is corrupt: {corrupt.Message}", corrupt);
        }
    }

    private async ValueTask PutAsync<T>(string key, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        await storage().PutAsync(new StorageEntry(key, JsonSerializer.SerializeToUtf8Bytes(value, type)), cancellationToken).ConfigureAwait(false);

    private async ValueTask DeleteAsync(string key, CancellationToken cancellationToken) =>
        await storage().DeleteAsync(key, cancellationToken).ConfigureAwait(false);

    private async ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken) =>
        [.. (await storage().ListAsync(prefix, cancellationToken).ConfigureAwait(false)).Where(key => !key.EndsWith('/'))];
}
