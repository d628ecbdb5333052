using PluginHost.Seal;
using PluginHost.Storage;
using PluginHost.Tests.Storage;

namespace PluginHost.Tests.Seal;

/// <summary>The barrier is a whole <see cref="IStorage"/>: the contract every store keeps.</summary>
[TestClass]
public sealed class BarrierStorageContractTests : StorageContractTests
{
    protected override IStorage CreateStorage() => new BarrierStorage(new InMemoryStorage(), Keyring.Create(DateTimeOffset.UnixEpoch));
}
