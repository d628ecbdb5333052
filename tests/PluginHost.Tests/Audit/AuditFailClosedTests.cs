using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace PluginHost.Tests.Audit;

/// <summary>Vault's rule: with devices enabled, an entry no device recorded fails the request; whole lines under concurrency.</summary>
[TestClass]
public sealed class AuditFailClosedTests
{
    [TestMethod]
    public async Task NoDevices_LoggingIsANoOp()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();

        await broker.LogRequestAsync(AuditSamples.KvWrite(), CancellationToken.None);
        await broker.LogResponseAsync(AuditSamples.KvRead(), CancellationToken.None);

        Assert.IsFalse(broker.HasDevices);
    }

    [TestMethod]
    public async Task OnlyDeviceFails_LoggingThrows_AndTheLogNamesTheDeviceNotTheContent()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.MemoryBroker();
        await kit.EnableFileAsync(broker, "only");
        kit.Sinks["only.log"].Fail = true;

        var request = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await broker.LogRequestAsync(AuditSamples.KvWrite(), CancellationToken.None));
        var response = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await broker.LogResponseAsync(AuditSamples.KvRead(), CancellationToken.None));

        Assert.AreEqual(ErrorCode.Internal, request.Code);
        Assert.AreEqual("no audit backend succeeded in logging the request", request.Message);
        Assert.AreEqual("no audit backend succeeded in logging the response", response.Message);
        var errors = kit.Logs.Entries.Where(e => e.Level == LogLevel.Error).Select(e => e.Message).ToArray();
        Assert.IsTrue(errors.Any(m => m.Contains("only/", StringComparison.Ordinal) && m.Contains("No space left on device", StringComparison.Ordinal)), string.Join("\n", errors));
        Assert.IsFalse(errors.Any(m => m.Contains("s3cret", StringComparison.Ordinal) || m.Contains("alice-token", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task OneOfTwoDevicesFails_LoggingSucceeds_AndTheFailureIsLogged()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.MemoryBroker();
        await kit.EnableFileAsync(broker, "broken");
        await kit.EnableFileAsync(broker, "working");
        kit.Sinks["broken.log"].Fail = true;

        await broker.LogRequestAsync(AuditSamples.KvWrite(), CancellationToken.None);

        Assert.HasCount(2, kit.Sinks["working.log"].Lines, "the test entry and the request");
        Assert.IsTrue(kit.Logs.Entries.Any(e => e.Level == LogLevel.Error && e.Message.Contains("broken/", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task RealFileThatCannotBeWritten_FailsTheRequest()
    {
        if (!File.Exists("/dev/full"))
        {
            Assert.Inconclusive("needs /dev/full (Linux), which fails every write with ENOSPC");
        }

        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        var deviceMode = OperatingSystem.IsWindows() ? default : File.GetUnixFileMode("/dev/full");

        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(
            () => broker.EnableAsync("full", "file", "", new Dictionary<string, string> { ["file_path"] = "/dev/full" }, false, CancellationToken.None));
        await broker.EnableAsync("full", "file", "", new Dictionary<string, string> { ["file_path"] = "/dev/full", ["skip_test"] = "true" }, false, CancellationToken.None);
        var failed = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await broker.LogRequestAsync(AuditSamples.KvWrite(), CancellationToken.None));

        StringAssert.StartsWith(refused.Message, "audit backend failed test message: ");
        Assert.AreEqual(ErrorCode.Internal, failed.Code);
        if (!OperatingSystem.IsWindows())
        {
            Assert.AreEqual(deviceMode, File.GetUnixFileMode("/dev/full"), "a device's mode is never changed");
        }
    }

    [TestMethod]
    public async Task ConcurrentEntries_AreWholeLines_EachParsesAsJson()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        await kit.EnableFileAsync(broker, "file");
        var big = AuditSamples.KvWrite() with
        {
            Request = AuditSamples.KvWrite().Request with { Data = AuditTestKit.Data($$"""{"blob":"{{new string('x', 20_000)}}","n":1}""") },
        };
        const int Tasks = 16, PerTask = 40;

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < PerTask; i++)
            {
                var entry = i % 2 == 0 ? big with { Request = big.Request with { Id = $"{t}-{i}" } } : AuditSamples.KvWrite($"{t}-{i}");
                await broker.LogRequestAsync(entry, CancellationToken.None);
            }
        })));

        var lines = File.ReadAllLines(kit.PathOf("file.log"));
        Assert.HasCount(1 + (Tasks * PerTask), lines);
        var ids = lines.Skip(1).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("request").GetProperty("id").GetString()).ToHashSet();
        Assert.HasCount(Tasks * PerTask, ids);
    }

    [TestMethod]
    public async Task Reopen_AfterRenameRotation_WritesANewFile_AndTruncationDoesNotLeaveAHole()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        await kit.EnableFileAsync(broker, "file");
        await broker.LogRequestAsync(AuditSamples.KvWrite("before"), CancellationToken.None);

        File.Move(kit.PathOf("file.log"), kit.PathOf("rotated.log"));
        await broker.LogRequestAsync(AuditSamples.KvWrite("until-reopen"), CancellationToken.None);
        broker.Reopen();
        await broker.LogRequestAsync(AuditSamples.KvWrite("after"), CancellationToken.None);
        File.WriteAllBytes(kit.PathOf("file.log"), []); // copytruncate
        await broker.LogRequestAsync(AuditSamples.KvWrite("after-truncate"), CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "before", "until-reopen" }, kit.Lines("rotated").Skip(1).Select(Id).ToArray());
        CollectionAssert.AreEqual(new[] { "after-truncate" }, kit.Lines("file").Select(Id).ToArray(), "appended at the new end, not at the old offset");
    }

    [TestMethod]
    public async Task Disable_WhileEntriesAreWritten_NeitherFailsThemNorLeavesPartialLines()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        await kit.EnableFileAsync(broker, "file");
        using var stop = new CancellationTokenSource();

        var writers = Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await broker.LogRequestAsync(AuditSamples.KvWrite($"{t}-{i}"), CancellationToken.None);
            }
        })).ToArray();
        await Task.Delay(50);
        await broker.DisableAsync("file", CancellationToken.None);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        Assert.IsFalse(broker.HasDevices);
        foreach (var line in File.ReadAllLines(kit.PathOf("file.log")))
        {
            _ = JsonDocument.Parse(line);
        }
    }

    private static string? Id(JsonElement line) => line.GetProperty("request").GetProperty("id").GetString();
}
