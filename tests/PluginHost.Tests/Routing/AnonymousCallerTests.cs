using PluginHost.Authorization;
using PluginHost.Mounts;
using PluginHost.Runtime;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Routing;

/// <summary>
/// A caller without a token may reach a backend's unauthenticated (login) paths only; it must not make the host start a
/// stopped plugin to find that out.
/// </summary>
[TestClass]
public sealed class AnonymousCallerTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task AnAnonymousRequest_ToAStoppedMount_IsRefusedWithoutStartingIt_ButALoginStartsIt()
    {
        var started = new List<StoppableAuthBackend>();
        await using var test = TestHost.Create(build: b => b.AddBuiltinPlugin("stoppable", BackendType.Auth, _ =>
        {
            var backend = new StoppableAuthBackend();
            lock (started)
            {
                started.Add(backend);
            }

            return backend;
        }));
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Auth, Plugin = "stoppable", Path = "stoppable" }, TestContext.CancellationToken);
        Assert.HasCount(1, started);

        // It served, then died: the next start is not backed off, so only the caller decides whether one happens.
        await test.Host.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "auth/stoppable/x" }, RequestCaller.Application, TestContext.CancellationToken);
        started[0].Stop();
        await Eventually.TrueAsync(
            () => Task.FromResult(test.Host.Mounts.Routes.TryMatch("auth/stoppable/x", out var mount) && !mount.IsRunning),
            "the mount dropped its stopped backend");

        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.HandleRequestAsync(
            new BackendRequest { Operation = Operation.Read, Path = "auth/stoppable/users/alice" }, RequestCaller.Anonymous, TestContext.CancellationToken));
        Assert.AreEqual(ErrorCode.Forbidden, refused.Code);
        Assert.HasCount(1, started, "no backend was started for a caller who may not call the path");

        var login = await test.Host.HandleRequestAsync(
            new BackendRequest { Operation = Operation.Update, Path = "auth/stoppable/login/alice" }, RequestCaller.Anonymous, TestContext.CancellationToken);
        Assert.IsNotNull(login.Response);
        Assert.HasCount(2, started, "a login path is the backend's to answer, so it is started");
    }

    private sealed class StoppableAuthBackend : IBackend, ISupervisedBackend
    {
        private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public BackendType Type => BackendType.Auth;

        public SpecialPaths SpecialPaths { get; } = new() { Unauthenticated = ["login/*"] };

        public Task Stopped => _stopped.Task;

        public void Stop() => _stopped.TrySetResult();

        public string DescribeStop() => "stopped by the test";

        public ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult<BackendResponse?>(BackendResponse.WithData(new Dictionary<string, object?> { ["path"] = request.Path }));

        public ValueTask<bool?> ExistenceCheckAsync(BackendRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<bool?>(null);

        public ValueTask InvalidateKeyAsync(string key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CleanupAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
