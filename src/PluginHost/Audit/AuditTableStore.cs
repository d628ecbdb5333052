using System.Buffers;
using System.Text.Json;

namespace PluginHost.Audit;

/// <summary>
/// Reads and writes the audit device table at <c>core/audit</c> in the host's storage, as Vault keeps it, with each
/// device's salt alongside its entry. Host storage is never part of a plugin's view, so no plugin can read a salt.
/// </summary>
/// <remarks>Written and read with <see cref="Utf8JsonWriter"/> and <see cref="JsonDocument"/>: no reflection.</remarks>
internal sealed class AuditTableStore(IStorage storage)
{
    /// <summary>The storage key of the table.</summary>
    public const string TableKey = "core/audit";

    /// <summary>One device as stored.</summary>
    /// <param name="Info">Its path, type, description, options and local flag.</param>
    /// <param name="Salt">Its salt.</param>
    public sealed record Entry(AuditDeviceInfo Info, byte[] Salt);

    /// <summary>Reads the table; empty when none was stored.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The stored devices.</returns>
    /// <exception cref="PluginHostException">The stored table cannot be read (Internal), naming the key.</exception>
    public async ValueTask<IReadOnlyList<Entry>> LoadAsync(CancellationToken cancellationToken)
    {
        var stored = await storage.GetAsync(TableKey, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(stored.Value);
            var entries = new List<Entry>();
            foreach (var item in document.RootElement.GetProperty("entries").EnumerateArray())
            {
                var options = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var option in item.GetProperty("options").EnumerateObject())
                {
                    options[option.Name] = option.Value.GetString() ?? "";
                }

                var info = new AuditDeviceInfo
                {
                    Path = item.GetProperty("path").GetString() ?? "",
                    Type = item.GetProperty("type").GetString() ?? "",
                    Description = item.GetProperty("description").GetString() ?? "",
                    Options = options,
                    Local = item.GetProperty("local").GetBoolean(),
                };
                var salt = item.GetProperty("salt").GetBytesFromBase64();
                if (info.Path.Length == 0 || !info.Path.EndsWith('/') || salt.Length == 0 || entries.Exists(e => e.Info.Path == info.Path))
                {
                    throw new JsonException($"entry \"{info.Path}\" has no path, no salt or a duplicated path");
                }

                entries.Add(new Entry(info, salt));
            }

            return entries;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new PluginHostException(
                ErrorCode.Internal, $"the audit table in storage key '{TableKey}' is corrupt and cannot be read: {ex.Message}; restore it from a backup", ex);
        }
    }

    /// <summary>Replaces the stored table.</summary>
    /// <param name="entries">Every device, in path order.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="PluginHostException">Storage refused the write (Internal), in Vault's words; nothing changed.</exception>
    public async ValueTask SaveAsync(IEnumerable<Entry> entries, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "audit");
            writer.WriteStartArray("entries");
            foreach (var (info, salt) in entries.OrderBy(e => e.Info.Path, StringComparer.Ordinal))
            {
                writer.WriteStartObject();
                writer.WriteString("path", info.Path);
                writer.WriteString("type", info.Type);
                writer.WriteString("description", info.Description);
                writer.WriteStartObject("options");
                foreach (var (name, value) in info.Options)
                {
                    writer.WriteString(name, value);
                }

                writer.WriteEndObject();
                writer.WriteBoolean("local", info.Local);
                writer.WriteBase64String("salt", salt);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        try
        {
            await storage.PutAsync(new StorageEntry(TableKey, buffer.WrittenSpan.ToArray()), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not PluginHostException and not OperationCanceledException)
        {
            throw new PluginHostException(ErrorCode.Internal, $"failed to update audit table: storage key '{TableKey}' could not be written: {ex.Message}", ex);
        }
    }
}
