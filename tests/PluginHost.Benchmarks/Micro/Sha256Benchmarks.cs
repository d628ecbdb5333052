using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using PluginHost.Catalog;

namespace PluginHost.Benchmarks.Micro;

/// <summary>
/// SHA-256 verification of a 64 MiB file (in the page cache): the library's <c>PluginChecksum.HashAsync</c>, which
/// checks a plugin binary before it runs, against the floor of hashing the same bytes already in memory.
/// </summary>
[MemoryDiagnoser]
public class Sha256Benchmarks
{
    private const int Size = 64 * 1024 * 1024;
    private byte[] _bytes = [];
    private string _path = "";

    [GlobalSetup]
    public void Setup()
    {
        _bytes = new byte[Size];
        new Random(42).NextBytes(_bytes);
        _path = Path.Combine(Path.GetTempPath(), $"phb-sha256-{Environment.ProcessId}.bin");
        File.WriteAllBytes(_path, _bytes);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark(Baseline = true)]
    public byte[] InMemoryFloor() => SHA256.HashData(_bytes);

    [Benchmark]
    public Task<string> PluginChecksumHashAsync() => PluginChecksum.HashAsync(_path, copyTo: null, CancellationToken.None);
}
