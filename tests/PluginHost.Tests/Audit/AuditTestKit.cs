using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PluginHost.Audit;
using PluginHost.Storage;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Audit;

/// <summary>A temp directory for audit files, brokers over one storage, and the entries the tests log.</summary>
internal sealed class AuditTestKit : IAsyncDisposable
{
    private readonly List<AuditBroker> _brokers = [];

    public AuditTestKit() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Join(Path.GetTempPath(), "pluginhost-audit-tests", Guid.NewGuid().ToString("N"));

    public InMemoryStorage Storage { get; } = new();

    public ManualTime Clock { get; } = new();

    public CapturedLogs Logs { get; } = new();

    /// <summary>Sinks of the memory-backed brokers, by the file name of their file_path.</summary>
    public ConcurrentDictionary<string, MemorySink> Sinks { get; } = new(StringComparer.Ordinal);

    public string PathOf(string name) => Path.Join(Root, name);

    /// <summary>A broker writing real files (or stdout, discard).</summary>
    public AuditBroker Broker(IStorage? storage = null) => Track(new AuditBroker(storage ?? Storage, Clock, LoggerFactory.Create(b => b.AddProvider(Logs))));

    /// <summary>A broker whose devices write to <see cref="Sinks"/> (created on first use), so a test can make one fail.</summary>
    public AuditBroker MemoryBroker() => Track(new AuditBroker(
        Storage, Clock, LoggerFactory.Create(b => b.AddProvider(Logs)), options => Sinks.GetOrAdd(Path.GetFileName(options.FilePath), _ => new MemorySink())));

    public Task<AuditDeviceInfo> EnableFileAsync(AuditBroker broker, string path, params (string Name, string Value)[] options)
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal) { ["file_path"] = PathOf(path + ".log") };
        foreach (var (name, value) in options)
        {
            all[name] = value;
        }

        return broker.EnableAsync(path, "file", "", all, local: false, CancellationToken.None);
    }

    public IReadOnlyList<JsonElement> Lines(string path) =>
        File.ReadAllLines(PathOf(path + ".log")).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray();

    /// <summary>The salt stored for a device, read from the table as an operator with the storage could.</summary>
    public async Task<byte[]> StoredSaltAsync(string devicePath)
    {
        var table = await Storage.GetAsync("core/audit");
        using var document = JsonDocument.Parse(table!.Value);
        return document.RootElement.GetProperty("entries").EnumerateArray()
            .Single(e => e.GetProperty("path").GetString() == devicePath).GetProperty("salt").GetBytesFromBase64();
    }

    /// <summary>Vault's hash computed independently of the code under test.</summary>
    public static string Hmac(byte[] salt, string value) =>
        "hmac-sha256:" + Convert.ToHexStringLower(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(value)));

    public static IReadOnlyDictionary<string, JsonElement> Data(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }

    public static string[] Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    public async ValueTask DisposeAsync()
    {
        foreach (var broker in _brokers)
        {
            await broker.DisposeAsync();
        }

        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    private AuditBroker Track(AuditBroker broker)
    {
        _brokers.Add(broker);
        return broker;
    }
}

/// <summary>A sink that keeps entries in memory and fails its writes while <see cref="Fail"/> is set.</summary>
internal sealed class MemorySink : IAuditSink
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public volatile bool Fail;

    public void Open()
    {
    }

    public void Write(ReadOnlyMemory<byte> entry)
    {
        if (Fail)
        {
            throw new IOException("No space left on device");
        }

        Lines.Enqueue(Encoding.UTF8.GetString(entry.Span));
    }

    public void Reopen()
    {
    }

    public void Dispose()
    {
    }
}
