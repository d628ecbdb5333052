using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using PluginHost.Audit;
using PluginHost.Storage;

namespace PluginHost.Benchmarks.Micro;

/// <summary>
/// What auditing adds to a read: its request entry and its response entry (a token, an accessor and a data string
/// hashed in each), written by one <c>file</c> device to a real file, or to <c>discard</c> to see formatting and
/// hashing alone. The budget is 20 µs per audited read with a file device.
/// </summary>
[MemoryDiagnoser]
public class AuditEntryBenchmarks
{
    private DirectoryInfo? _directory;
    private AuditBroker _file = null!;
    private AuditBroker _discard = null!;
    private AuditEvent _request = null!;
    private AuditEvent _response = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("phb-audit-");
        _file = Enable(Path.Combine(_directory.FullName, "audit.log"));
        _discard = Enable("discard");
        using var data = JsonDocument.Parse("""{"value":"bar","version":1}""");
        _request = new AuditEvent
        {
            Time = DateTimeOffset.UtcNow,
            Auth = new AuditAuth
            {
                ClientToken = "hvs.CAESIJ2yD3Kq7uJbqvD4pQ0XQx",
                Accessor = "8AuR0vAKh4pZpiqUUJD2ZUd3",
                DisplayName = "userpass-alice",
                Policies = ["default", "team"],
                TokenPolicies = ["default", "team"],
                TokenTtlSeconds = 3600,
                TokenIssueTime = DateTimeOffset.UtcNow,
            },
            Request = new AuditRequestInfo
            {
                Id = "2a8a1a3e-3c4b-4a0e-9d3e-5a1f0e7d6c5b",
                Operation = Operation.Read,
                Path = "secret/foo",
                MountPoint = "secret/",
                MountType = "kv",
                MountAccessor = "kv_6f2b1c9a",
                ClientToken = "hvs.CAESIJ2yD3Kq7uJbqvD4pQ0XQx",
                ClientTokenAccessor = "8AuR0vAKh4pZpiqUUJD2ZUd3",
                RemoteAddress = "127.0.0.1",
                RemotePort = 51234,
            },
        };
        _response = _request with
        {
            Response = new BackendResponse { Data = data.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()) },
        };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _file.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _discard.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _directory?.Delete(recursive: true);
    }

    [Benchmark(Baseline = true)]
    public async Task AuditedReadToFile()
    {
        await _file.LogRequestAsync(_request, CancellationToken.None);
        await _file.LogResponseAsync(_response, CancellationToken.None);
    }

    [Benchmark]
    public async Task AuditedReadToDiscard()
    {
        await _discard.LogRequestAsync(_request, CancellationToken.None);
        await _discard.LogResponseAsync(_response, CancellationToken.None);
    }

    private static AuditBroker Enable(string filePath)
    {
        var broker = new AuditBroker(new InMemoryStorage(), TimeProvider.System, NullLoggerFactory.Instance);
        broker.EnableAsync("file", "file", "", new Dictionary<string, string> { ["file_path"] = filePath }, false, CancellationToken.None)
            .GetAwaiter().GetResult();
        return broker;
    }
}
