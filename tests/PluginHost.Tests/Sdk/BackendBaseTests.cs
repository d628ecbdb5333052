using PluginHost.Sdk;
using PluginHost.Storage;

namespace PluginHost.Tests.Sdk;

[TestClass]
public sealed class BackendBaseTests
{
    private sealed class EchoBackend : BackendBase
    {
        public override BackendType Type => BackendType.Secret;

        public IStorage SeenStorage => Storage;

        protected override ValueTask<BackendResponse?> HandleAsync(BackendRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult<BackendResponse?>(BackendResponse.WithData([new("path", request.Path)]));
    }

    [TestMethod]
    public async Task Request_BeforeSetup_IsRefusedWithClearMessage()
    {
        var backend = new EchoBackend();
        var error = await Assert.ThrowsExactlyAsync<InvalidOperationException>(
            async () => await backend.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "x" }, CancellationToken.None));
        StringAssert.Contains(error.Message, "EchoBackend has not been set up");
    }

    [TestMethod]
    public async Task Request_AfterSetup_IsHandledWithDefaultsForTheRest()
    {
        var backend = new EchoBackend();
        var storage = new InMemoryStorage();
        await backend.SetupAsync(new BackendConfig { Storage = storage, MountPath = "echo/", BackendUuid = "u", Type = BackendType.Secret }, CancellationToken.None);

        var response = await backend.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "x" }, CancellationToken.None);

        Assert.AreEqual("x", response!.Data!["path"].GetString());
        Assert.AreSame(storage, backend.SeenStorage);
        Assert.IsNull(await backend.ExistenceCheckAsync(new BackendRequest { Operation = Operation.Update, Path = "x" }, CancellationToken.None));
        Assert.AreSame(SpecialPaths.None, backend.SpecialPaths);
    }
}
