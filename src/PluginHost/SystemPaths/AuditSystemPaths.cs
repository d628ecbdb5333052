using System.Buffers;
using System.Text.Json;
using System.Text.RegularExpressions;
using PluginHost.Audit;
using PluginHost.Sdk;

namespace PluginHost.SystemPaths;

/// <summary>Vault's <c>sys/audit</c>, <c>sys/audit/:path</c> and <c>sys/audit-hash/:path</c> over an <see cref="AuditBroker"/>.</summary>
internal sealed partial class AuditSystemPaths(AuditBroker broker)
{
    private static readonly IReadOnlyDictionary<string, FieldSchema> DeviceFields = new Dictionary<string, FieldSchema>(StringComparer.Ordinal)
    {
        ["path"] = new() { Type = FieldType.String, Description = "Where the audit device is enabled." },
        ["type"] = new() { Type = FieldType.String, Description = "The type of the audit device: file.", Required = true },
        ["description"] = new() { Type = FieldType.String, Description = "What the audit device is for." },
        ["options"] = new() { Type = FieldType.Map, Description = "The device's options: file_path, mode, hmac_accessor, log_raw, prefix, format, elide_list_responses." },
        ["local"] = new() { Type = FieldType.Bool, Description = "Vault's replication flag: kept and listed; a single host has nothing to replicate." },
    };

    private static readonly IReadOnlyDictionary<string, FieldSchema> HashFields = new Dictionary<string, FieldSchema>(StringComparer.Ordinal)
    {
        ["path"] = new() { Type = FieldType.String, Description = "The audit device whose salt hashes the input." },
        ["input"] = new() { Type = FieldType.String, Description = "The value to hash, as the device's entries would show it." },
    };

    /// <summary>The routes, relative to <c>sys/</c>.</summary>
    public IEnumerable<PathRoute> Routes =>
    [
        new PathRoute
        {
            Pattern = TablePattern(),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Read] = ListAsync },
            Synopsis = "Lists the enabled audit devices.",
        },
        new PathRoute
        {
            Pattern = DevicePattern(),
            Fields = DeviceFields,
            Handlers = new Dictionary<Operation, PathHandler>
            {
                [Operation.Create] = EnableAsync,
                [Operation.Update] = EnableAsync,
                [Operation.Delete] = DisableAsync,
            },
            Synopsis = "Enables or disables an audit device.",
            Description = "To enable, write 'type' (file) and 'options' with 'file_path': a file, 'stdout' or 'discard'.",
        },
        new PathRoute
        {
            Pattern = HashPattern(),
            Fields = HashFields,
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Create] = HashAsync, [Operation.Update] = HashAsync },
            Synopsis = "Hashes a value with an audit device's salt, to find it in the audit log.",
        },
    ];

    // Vault answers the devices keyed by path (and repeats them at the top level of the HTTP body, which the HTTP layer does).
    private ValueTask<BackendResponse?> ListAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var device in broker.List())
        {
            data[device.Path] = Describe(device);
        }

        return ValueTask.FromResult<BackendResponse?>(new BackendResponse { Data = data });
    }

    private async ValueTask<BackendResponse?> EnableAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        await broker.EnableAsync(
            fields.GetString("path"),
            fields.GetString("type"),
            fields.GetString("description"),
            SystemFields.StringOptions(fields.GetMap("options")),
            fields.GetBool("local"),
            cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> DisableAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        await broker.DisableAsync(fields.GetString("path"), cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> HashAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var hash = await broker.HashAsync(fields.GetString("path"), fields.GetString("input"), cancellationToken).ConfigureAwait(false);
        return BackendResponse.WithData([new("hash", hash)]);
    }

    private static JsonElement Describe(AuditDeviceInfo device)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", device.Type);
            writer.WriteString("description", device.Description);
            writer.WriteStartObject("options");
            foreach (var (name, value) in device.Options.OrderBy(o => o.Key, StringComparer.Ordinal))
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
            writer.WriteBoolean("local", device.Local);
            writer.WriteString("path", device.Path);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    [GeneratedRegex("^audit/?$", RegexOptions.CultureInvariant)]
    private static partial Regex TablePattern();

    [GeneratedRegex("^audit/(?<path>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex DevicePattern();

    [GeneratedRegex("^audit-hash/(?<path>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex HashPattern();
}
