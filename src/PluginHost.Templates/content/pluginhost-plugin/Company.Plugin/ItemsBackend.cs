using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using PluginHost;
using PluginHost.Sdk;

namespace Company.Plugin;

/// <summary>
/// A secrets engine that keeps named items, each a value with a time to live, under <c>items/NAME</c>, and its
/// settings under <c>config</c>. Start from here: declare a path per resource, its typed fields and its handlers.
/// </summary>
public sealed partial class ItemsBackend : PathBackend
{
    private const string ConfigKey = "config";
    private const string ItemPrefix = "items/";

    /// <summary>Declares the engine's paths: what they match, the fields they take and who handles each operation.</summary>
    public ItemsBackend() => Paths = new PathTable("Keeps named items: a value and a time to live each.",
    [
        new PathRoute
        {
            Pattern = ConfigPattern(),
            Fields = new Dictionary<string, FieldSchema>
            {
                ["default_ttl"] = new() { Type = FieldType.Duration, Description = "The TTL of items written without one.", Default = TimeSpan.FromHours(1) },
                ["max_items"] = new() { Type = FieldType.Int, Description = "How many items the mount may keep.", Default = 100L },
            },
            Handlers = new Dictionary<Operation, PathHandler>
            {
                [Operation.Read] = ReadConfigAsync,
                [Operation.Update] = WriteConfigAsync,
            },
            Synopsis = "Configure the engine.",
            Description = "Fields not given keep their value.",
        },
        new PathRoute
        {
            Pattern = ItemPattern(),
            Fields = new Dictionary<string, FieldSchema>
            {
                ["name"] = new() { Type = FieldType.String, Description = "The item's name." },
                ["value"] = new() { Type = FieldType.String, Description = "The item's value.", Required = true },
                ["ttl"] = new() { Type = FieldType.Duration, Description = "The item's TTL; the config's default_ttl when not given." },
            },
            Handlers = new Dictionary<Operation, PathHandler>
            {
                [Operation.Read] = ReadItemAsync,
                [Operation.Create] = WriteItemAsync,
                [Operation.Update] = WriteItemAsync,
                [Operation.Delete] = DeleteItemAsync,
            },
            // Lets the host tell a new item (create, which policies may allow apart) from a changed one (update).
            ExistenceCheck = ItemExistsAsync,
            Synopsis = "Write, read and delete an item.",
        },
        new PathRoute
        {
            Pattern = ItemListPattern(),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.List] = ListItemsAsync },
            Synopsis = "List the items' names.",
        },
    ]);

    /// <inheritdoc/>
    public override BackendType Type => BackendType.Secret;

    /// <inheritdoc/>
    protected override PathTable Paths { get; }

    private async ValueTask<BackendResponse?> ReadConfigAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var config = await LoadConfigAsync(cancellationToken);
        return BackendResponse.WithData(new Dictionary<string, object?>
        {
            ["default_ttl"] = config.DefaultTtlSeconds,
            ["max_items"] = config.MaxItems,
        });
    }

    private async ValueTask<BackendResponse?> WriteConfigAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var config = await LoadConfigAsync(cancellationToken);
        if (fields.IsSet("default_ttl"))
        {
            config = config with { DefaultTtlSeconds = (long)fields.GetDuration("default_ttl").TotalSeconds };
        }

        if (fields.IsSet("max_items"))
        {
            var maxItems = fields.GetInt("max_items");
            if (maxItems < 1)
            {
                throw new PluginHostException(ErrorCode.BadRequest, $"max_items must be at least 1, not {maxItems}");
            }

            config = config with { MaxItems = maxItems };
        }

        await Storage.PutAsync(new StorageEntry(ConfigKey, JsonSerializer.SerializeToUtf8Bytes(config, StoredJson.Default.ItemsConfig)), cancellationToken);
        return null;
    }

    private async ValueTask<BackendResponse?> ReadItemAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var entry = await Storage.GetAsync(ItemPrefix + fields.GetString("name"), cancellationToken);
        if (entry is null)
        {
            return null; // The host answers 404, as Vault does for a read of nothing.
        }

        var item = JsonSerializer.Deserialize(entry.Value, StoredJson.Default.Item)!;
        var ttl = item.TtlSeconds ?? (await LoadConfigAsync(cancellationToken)).DefaultTtlSeconds;
        return BackendResponse.WithData(new Dictionary<string, object?> { ["value"] = item.Value, ["ttl"] = ttl });
    }

    private async ValueTask<BackendResponse?> WriteItemAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        if (request.Operation == Operation.Create)
        {
            var maxItems = (await LoadConfigAsync(cancellationToken)).MaxItems;
            if ((await Storage.ListAsync(ItemPrefix, cancellationToken)).Count >= maxItems)
            {
                throw new PluginHostException(ErrorCode.BadRequest, $"this mount keeps at most {maxItems} items; delete one or raise config's max_items");
            }
        }

        var item = new Item(fields.GetString("value"), fields.IsSet("ttl") ? (long)fields.GetDuration("ttl").TotalSeconds : null);
        await Storage.PutAsync(new StorageEntry(ItemPrefix + fields.GetString("name"), JsonSerializer.SerializeToUtf8Bytes(item, StoredJson.Default.Item)), cancellationToken);
        return null;
    }

    private async ValueTask<BackendResponse?> DeleteItemAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        await Storage.DeleteAsync(ItemPrefix + fields.GetString("name"), cancellationToken);
        return null;
    }

    private async ValueTask<BackendResponse?> ListItemsAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        BackendResponse.ForList(await Storage.ListAsync(ItemPrefix, cancellationToken));

    private async ValueTask<bool> ItemExistsAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        await Storage.GetAsync(ItemPrefix + fields.GetString("name"), cancellationToken) is not null;

    private async ValueTask<ItemsConfig> LoadConfigAsync(CancellationToken cancellationToken)
    {
        var entry = await Storage.GetAsync(ConfigKey, cancellationToken);
        return entry is null ? ItemsConfig.Default : JsonSerializer.Deserialize(entry.Value, StoredJson.Default.ItemsConfig)!;
    }

    [GeneratedRegex("^config$")]
    private static partial Regex ConfigPattern();

    [GeneratedRegex("^items/(?<name>[A-Za-z0-9][A-Za-z0-9_.-]*)$")]
    private static partial Regex ItemPattern();

    [GeneratedRegex("^items/?$")]
    private static partial Regex ItemListPattern();
}

/// <summary>What <c>config</c> keeps.</summary>
internal sealed record ItemsConfig(long DefaultTtlSeconds, long MaxItems)
{
    public static ItemsConfig Default { get; } = new(3600, 100);
}

/// <summary>What <c>items/NAME</c> keeps; a <see langword="null"/> TTL follows the config's default.</summary>
internal sealed record Item(string Value, long? TtlSeconds);

// Source-generated serialization: no reflection, so the NativeAot profile works.
[JsonSerializable(typeof(ItemsConfig))]
[JsonSerializable(typeof(Item))]
internal sealed partial class StoredJson : JsonSerializerContext;
