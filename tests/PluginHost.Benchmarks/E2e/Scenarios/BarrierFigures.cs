using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Seal;

namespace PluginHost.Benchmarks.E2e.Scenarios;

/// <summary>
/// The barrier's costs. <c>barrier_read_overhead_us_p50</c>: a builtin kv read on a host behind a static seal (AES-256-GCM
/// decryption of the entry) minus the same read on a host without one, p50s measured in alternating passes, the median
/// of the pairs' differences. <c>barrier_encrypt_gb_s</c>: <c>BarrierCipher.Encrypt</c> of 1 MiB values, median of runs.
/// <c>unseal_ms_p50</c>: on a Shamir-sealed host with an external mount, from giving the last key share (3 of 5) to
/// the first answer from that mount, which the unseal restarts (a new plugin process each time).
/// </summary>
internal static class BarrierFigures
{
    private const int ValueBytes = 1024 * 1024;

    public static async Task<(double OverheadUsP50, double PlainUsP50, double SealedUsP50)> ReadOverheadAsync(
        Workspace workspace, LatencySampler sampler, int passes, CancellationToken cancellationToken)
    {
        var keyFile = Path.Combine(workspace.Root, "barrier.key");
        await File.WriteAllTextAsync(keyFile, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(BarrierCipher.KeySize)), cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        await using var plain = BenchHost.Create(workspace);
        await using var sealedHost = BenchHost.Create(workspace, build: b => b.UseStaticSeal(keyFile));
        foreach (var bench in new[] { plain, sealedHost })
        {
            await bench.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "builtin" }, cancellationToken);
            await bench.SeedAsync("builtin/foo", cancellationToken);
        }

        var without = new List<double>(passes);
        var with = new List<double>(passes);
        for (var pass = 0; pass < passes; pass++)
        {
            without.Add((await sampler.MeasureAsync(async ct => await plain.Host.ReadAsync("builtin/foo", ct), batchSize: 1, cancellationToken)).P50Us);
            with.Add((await sampler.MeasureAsync(async ct => await sealedHost.Host.ReadAsync("builtin/foo", ct), batchSize: 1, cancellationToken)).P50Us);
        }

        return (Stats.Median(without.Zip(with, (a, b) => b - a)), Stats.Median(without), Stats.Median(with));
    }

    public static (double GbS, IReadOnlyList<double> Runs) EncryptGbS(int runs)
    {
        var key = new BarrierKey(1, System.Security.Cryptography.RandomNumberGenerator.GetBytes(BarrierCipher.KeySize), DateTimeOffset.UtcNow);
        var value = System.Security.Cryptography.RandomNumberGenerator.GetBytes(ValueBytes);
        const int PerRun = 256;
        for (var warm = 0; warm < 32; warm++)
        {
            BarrierCipher.Encrypt("logical/bench/value", key, value);
        }

        var results = new List<double>(runs);
        for (var run = 0; run < runs; run++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < PerRun; i++)
            {
                BarrierCipher.Encrypt("logical/bench/value", key, value);
            }

            results.Add((double)ValueBytes * PerRun / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9);
        }

        return (Stats.Median(results), results);
    }

    public static async Task<(double MsP50, IReadOnlyList<double> Samples)> UnsealAsync(
        Workspace workspace, MockPluginBinary plugin, int samples, CancellationToken cancellationToken)
    {
        await using var bench = BenchHost.Create(workspace, build: b => b.UseShamirSeal());
        var host = bench.Host;
        var init = (await host.WriteAsync("sys/init", new { secret_shares = 5, secret_threshold = 3 }, cancellationToken))!.Data!;
        var keys = init["keys_base64"].EnumerateArray().Select(k => k.GetString()!).ToArray();
        var timings = new List<double>(samples);
        for (var sample = 0; sample <= samples; sample++)
        {
            await host.WriteAsync("sys/unseal", new { key = keys[0] }, cancellationToken);
            await host.WriteAsync("sys/unseal", new { key = keys[1] }, cancellationToken);
            var start = Stopwatch.GetTimestamp();
            await host.WriteAsync("sys/unseal", new { key = keys[2] }, cancellationToken);
            if (sample == 0)
            {
                // The first unseal sets the external mount up; its sample is not timed.
                await bench.RegisterMockAsync(plugin, cancellationToken);
                await host.Mounts.EnableAsync(BenchHost.MockAt(plugin, "external"), cancellationToken);
                await bench.SeedAsync("external/kv/foo", cancellationToken);
            }
            else
            {
                await bench.ExpectBarAsync("external/kv/foo", cancellationToken);
                timings.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            await host.WriteAsync("sys/seal", new { }, cancellationToken);
            if (!await workspace.WaitForNoPluginProcessAsync(TimeSpan.FromSeconds(10), cancellationToken))
            {
                throw new InvalidOperationException("a plugin process outlived the seal");
            }
        }

        return (Stats.Median(timings), timings);
    }
}
