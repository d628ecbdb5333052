using Moq;
using PluginHost.Storage;

namespace PluginHost.Tests.TestDoubles;

/// <summary>A Moq seam over a real <see cref="InMemoryStorage"/> whose writes to chosen keys can be made to fail.</summary>
internal sealed class FaultyStorage
{
    private readonly Mock<IStorage> _mock = new(MockBehavior.Strict);
    private volatile string? _failingPrefix;

    public FaultyStorage()
    {
        _mock.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string key, CancellationToken ct) => Inner.GetAsync(key, ct));
        _mock.Setup(s => s.ListAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string prefix, CancellationToken ct) => Inner.ListAsync(prefix, ct));
        _mock.Setup(s => s.DeleteAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string key, CancellationToken ct) => Fails(key) ? ValueTask.FromException(new IOException("disk failure")) : Inner.DeleteAsync(key, ct));
        _mock.Setup(s => s.PutAsync(It.IsAny<StorageEntry>(), It.IsAny<CancellationToken>()))
            .Returns((StorageEntry entry, CancellationToken ct) => Fails(entry.Key) ? ValueTask.FromException(new IOException("disk failure")) : Inner.PutAsync(entry, ct));
    }

    public InMemoryStorage Inner { get; } = new();

    public IStorage Storage => _mock.Object;

    /// <summary>Makes every write and delete of a key starting with <paramref name="prefix"/> throw; <see langword="null"/> heals.</summary>
    public void FailWritesTo(string? prefix) => _failingPrefix = prefix;

    private bool Fails(string key) => _failingPrefix is { } prefix && key.StartsWith(prefix, StringComparison.Ordinal);
}
