using PluginHost.Tests.Shared.Fuzzing;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// Issue 14's fuzz harness, CI's short seeded pass: generated raw HTTP requests against a real <c>plugin-host server</c>
/// with the mock plugin, the builtin kv and the userpass plugin mounted, and generated plugin-host invocations and
/// config files. The seeds are fixed, so every run sends the same requests; the long run is
/// <c>tests/PluginHost.Benchmarks -- fuzz --requests N --seed S</c>. A failure lists each request (or invocation) with
/// what reproduces it.
/// </summary>
[TestClass]
public sealed class FuzzTests
{
    private const int Seed = 14;

    public TestContext TestContext { get; set; } = null!;

    private static FuzzBinaries Binaries => new(Published.PluginHost, Published.MockPlugin, Published.UserpassPlugin);

    [TestMethod]
    public async Task SeededHttpFuzz_NoRequestIsAnswered500_TheServerStaysUp_AndExits0OnSigterm()
    {
        var cancellationToken = TestContext.CancellationToken;
        using var server = await FuzzServer.StartAsync(Binaries, cancellationToken: cancellationToken);
        var target = await server.SetUpAsync(cancellationToken);

        var result = await HttpFuzzRun.RunAsync(server, target, new HttpFuzzOptions(Seed, Requests: 1000, HealthEvery: 50), cancellationToken);
        var exitCode = await server.StopAsync(TimeSpan.FromSeconds(30), cancellationToken);

        var report = $"seed {Seed}, {result.Sent} requests: {result.Histogram()}\n{HttpFuzzReport.Describe(result.Findings)}";
        Assert.AreEqual(0, result.ServerErrors, report);
        Assert.AreEqual(0, result.Crashes, report);
        Assert.IsEmpty(result.Findings, report);
        Assert.AreEqual(0, exitCode, $"the server's exit code after SIGTERM (null: still running after 30 s)\n{string.Join('\n', server.Stdout.Last(20))}");
    }

    [TestMethod]
    public async Task SeededCliFuzz_EveryInvocationExits0_1_2Or127_WithoutAStackTrace()
    {
        var cancellationToken = TestContext.CancellationToken;
        using var server = await FuzzServer.StartAsync(Binaries, cancellationToken: cancellationToken);
        var target = await server.CliTargetAsync(await server.SetUpAsync(cancellationToken), cancellationToken);

        var result = await CliFuzzRun.RunAsync(Binaries, target, new CliFuzzOptions(Seed, Invocations: 100), cancellationToken);

        var report = $"seed {Seed}, {result.Invocations} invocations: {result.Histogram()}\n{CliFuzzRun.Describe(result.Findings)}";
        Assert.IsEmpty(result.Findings, report);
        Assert.AreEqual(0, await server.StopAsync(TimeSpan.FromSeconds(30), cancellationToken), "the client-mode server's exit code after SIGTERM");
    }
}
