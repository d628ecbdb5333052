using System.Text.RegularExpressions;
using PluginHost.Sdk;
using PluginHost.Storage;
using static PluginHost.Tests.Backends.BackendTestContext;

namespace PluginHost.Tests.Sdk;

[TestClass]
public sealed class PathBackendTests
{
    private sealed class GreetingBackend : PathBackend
    {
        public GreetingBackend() => Paths = new PathTable("Stores greetings.",
        [
            new PathRoute
            {
                Pattern = new Regex("^greetings/(?<name>[^/]+)$"),
                Handlers = new Dictionary<Operation, PathHandler> { [Operation.Read] = ReadAsync },
                ExistenceCheck = (_, fields, _) => ValueTask.FromResult(fields.GetString("name") == "alice"),
                Synopsis = "Greet someone.",
            },
        ]);

        public override BackendType Type => BackendType.Secret;

        protected override PathTable Paths { get; }

        private ValueTask<BackendResponse?> ReadAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
            ValueTask.FromResult<BackendResponse?>(BackendResponse.WithData([new("hello", fields.GetString("name")), new("mount", Config.MountPath)]));
    }

    [TestMethod]
    public async Task Request_IsRoutedThroughTheTable_WithTheSetUpConfig()
    {
        var backend = await SetUpAsync(new GreetingBackend(), new InMemoryStorage());

        var response = await backend.SendAsync(Operation.Read, "greetings/bob");

        Assert.AreEqual("bob", response.Field("hello"));
        Assert.AreEqual("secret/", response.Field("mount"));
    }

    [TestMethod]
    public async Task Request_UnknownPathOrOperation_FollowsTheTable()
    {
        var backend = await SetUpAsync(new GreetingBackend(), new InMemoryStorage());

        var notFound = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await backend.SendAsync(Operation.Read, "nope"));
        var unsupported = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await backend.SendAsync(Operation.Delete, "greetings/bob"));

        Assert.AreEqual(ErrorCode.NotFound, notFound.Code);
        Assert.AreEqual(ErrorCode.Unsupported, unsupported.Code);
    }

    [TestMethod]
    public async Task ExistenceCheck_RunsTheRoutesCheck()
    {
        var backend = await SetUpAsync(new GreetingBackend(), new InMemoryStorage());

        Assert.IsTrue(await backend.ExistenceCheckAsync(Request(Operation.Update, "greetings/alice"), CancellationToken.None));
        Assert.IsFalse(await backend.ExistenceCheckAsync(Request(Operation.Update, "greetings/bob"), CancellationToken.None));
    }

    [TestMethod]
    public async Task RequestOrExistenceCheck_BeforeSetup_IsRefusedWithClearMessage()
    {
        var backend = new GreetingBackend();

        var request = await Assert.ThrowsExactlyAsync<InvalidOperationException>(async () => await backend.SendAsync(Operation.Read, "greetings/bob"));
        var check = await Assert.ThrowsExactlyAsync<InvalidOperationException>(
            async () => await backend.ExistenceCheckAsync(Request(Operation.Update, "greetings/bob"), CancellationToken.None));

        StringAssert.Contains(request.Message, "GreetingBackend has not been set up: call SetupAsync");
        StringAssert.Contains(check.Message, "GreetingBackend has not been set up: call SetupAsync");
    }
}
