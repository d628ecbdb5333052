using Microsoft.Extensions.Logging.Abstractions;
using PluginHost.Catalog;
using PluginHost.Storage;

namespace PluginHost.Tests.Catalog;

/// <summary>A fresh plugin directory, storage and options for every test (MSTest makes one instance per test).</summary>
public abstract class CatalogTestBase : IDisposable
{
    private protected CatalogTestBase()
    {
        Plugins = new PluginDirectory();
        Storage = new InMemoryStorage();
        Options = new TestOptionsMonitor(new PluginHostOptions { PluginDirectory = Plugins.Location });
    }

    private protected PluginDirectory Plugins { get; }

    private protected InMemoryStorage Storage { get; }

    private protected TestOptionsMonitor Options { get; }

    private protected static BuiltinPlugin Builtin(string name, BackendType type = BackendType.Secret, string? version = null) =>
        new(name, type, _ => throw new NotSupportedException("test builtins are never mounted")) { Version = version };

    private protected PluginCatalog CreateCatalog(params BuiltinPlugin[] builtins) => CreateCatalog(Storage, builtins);

    private protected PluginCatalog CreateCatalog(IStorage storage, params BuiltinPlugin[] builtins) =>
        new(storage, Options, builtins, NullLogger<PluginCatalog>.Instance);

    /// <summary>Writes a plugin binary named <paramref name="command"/> and returns a valid registration for it.</summary>
    private protected PluginRegistration Binary(
        string name = "my-mock-plugin",
        string command = "mock-plugin",
        string? version = null,
        BackendType type = BackendType.Secret,
        string content = "#!/bin/sh\necho plugin\n")
    {
        var sha = Plugins.Write(command, content);
        return new PluginRegistration { Type = type, Name = name, Version = version, Command = command, Sha256 = sha };
    }

    public void Dispose()
    {
        Plugins.Dispose();
        GC.SuppressFinalize(this);
    }
}
