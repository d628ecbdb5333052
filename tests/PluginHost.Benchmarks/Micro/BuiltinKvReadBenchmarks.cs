using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using PluginHost.Authorization;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Routing;

namespace PluginHost.Benchmarks.Micro;

/// <summary>
/// <c>IPluginHost.ReadAsync("builtin/foo")</c> on a mount of the builtin <c>kv</c> (routing, lease, request timeout,
/// request id, backend, storage view over memory), as the e2e figure <c>builtin_kv_read_us_p50</c>; its floor, the
/// direct backend call, is the e2e figure <c>inproc_call_ns</c>.
/// </summary>
[MemoryDiagnoser]
public class BuiltinKvReadBenchmarks
{
    private static readonly BackendRequest ReadRequest = new() { Operation = Operation.Read, Path = "builtin/foo" };

    private ServiceProvider? _provider;
    private IPluginHost _host = null!;
    private DirectoryInfo? _directory;
    private RequestCaller _reader = RequestCaller.Anonymous;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("phb-micro-");
        var services = new ServiceCollection();
        services.AddPluginHost(o =>
        {
            o.PluginDirectory = Directory.CreateDirectory(Path.Combine(_directory.FullName, "plugins")).FullName;
            o.PluginCacheDirectory = Path.Combine(_directory.FullName, "cache");
        });
        _provider = services.BuildServiceProvider();
        _host = _provider.GetRequiredService<IPluginHost>();
        _host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "builtin" }, CancellationToken.None)
            .GetAwaiter().GetResult();
        _host.WriteAsync("builtin/foo", new { value = "bar" }, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _host.WriteAsync("sys/policies/acl/reader", new { policy = """path "builtin/*" { capabilities = ["read"] }""" }, CancellationToken.None)
            .AsTask().GetAwaiter().GetResult();
        var created = _host.HandleRequestAsync(
            new BackendRequest { Operation = Operation.Update, Path = "auth/token/create", Data = BackendResponse.WithData([new("policies", new[] { "reader" })]).Data },
            RequestCaller.Application,
            CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _reader = RequestCaller.FromToken(created.Auth!.ClientToken);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _directory?.Delete(recursive: true);
    }

    [Benchmark(Baseline = true)]
    public async Task<BackendResponse?> Read() => await _host.ReadAsync("builtin/foo", CancellationToken.None);

    /// <summary>The same read as a token holder (<c>builtin_kv_read_authz_us_p50</c>): token lookup, ACL check, per-mount token id.</summary>
    [Benchmark]
    public async Task<HostResponse> AuthorizedRead() => await _host.HandleRequestAsync(ReadRequest, _reader, CancellationToken.None);
}
