using PluginHost.Storage;

namespace PluginHost.Tests.Storage;

[TestClass]
public sealed class InMemoryStorageTests : StorageContractTests
{
    protected override IStorage CreateStorage() => new InMemoryStorage();
}
