using Microsoft.Extensions.Logging;
using PluginHost.Authorization;
using PluginHost.Mounts;
using PluginHost.Tests.TestDoubles;
using StreamJsonRpc;

namespace PluginHost.Tests.Routing;

/// <summary>
/// A backend's internal error reaches HTTP clients as <c>internal error (request ID)</c> only: the operator must find
/// its reason in the log under that id, whatever its length.
/// </summary>
[TestClass]
public sealed class BackendInternalErrorTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow(40)]
    [DataRow(70_000)]
    public async Task APluginsInternalError_IsLoggedUnderTheRequestId_AndStaysAnInternalError(int length)
    {
        // What a plugin's JSON-RPC error 500 becomes on the host (ProtocolChannel.FromRpcError).
        var reason = "db password rejected by 10.0.0.5 " + new string('x', length);
        var relayed = new PluginHostException(ErrorCode.Internal, reason, new RemoteInvocationException(reason, (int)ErrorCode.Internal, errorData: null));
        var logs = new CapturedLogs();
        await using var test = TestHost.Create(
            build: b => b.AddBuiltinPlugin("failing", BackendType.Secret, _ => new ThrowingBackend(relayed)),
            services: s => s.AddLogging(l => l.AddProvider(logs)));
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "failing", Path = "f" }, TestContext.CancellationToken);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.HandleRequestAsync(
            new BackendRequest { Operation = Operation.Read, Path = "f/x", RequestId = "req-7" }, RequestCaller.Application, TestContext.CancellationToken));

        Assert.AreEqual(ErrorCode.Internal, error.Code);
        Assert.IsNotNull(error.InnerException, "still an internal error the HTTP API answers with the request id only");
        Assert.IsNotInstanceOfType<PluginHostException>(error.InnerException, "a PluginHostException cause would show the message to HTTP clients");
        Assert.IsLessThanOrEqualTo(64 * 1024 + 100, error.Message.Length, "what reaches the audit trail and the log is bounded");
        Assert.IsLessThanOrEqualTo(64 * 1024 + 200, error.InnerException.Message.Length, "the cause carries no unbounded text into the log");
        Assert.IsTrue(
            logs.Entries.Any(e => e.Level == LogLevel.Error && e.Message.Contains("req-7", StringComparison.Ordinal) && e.Message.Contains("f/", StringComparison.Ordinal)),
            "no error logged under the request id: " + string.Join(" | ", logs.Entries.Select(e => e.Message)));
    }

    private sealed class ThrowingBackend(Exception error) : IBackend
    {
        public BackendType Type => BackendType.Secret;

        public SpecialPaths SpecialPaths => SpecialPaths.None;

        public ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken) => throw error;

        public ValueTask<bool?> ExistenceCheckAsync(BackendRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<bool?>(null);

        public ValueTask InvalidateKeyAsync(string key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CleanupAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
