using PluginHost.Activation;
using PluginHost.Catalog;
using PluginHost.Tests.Catalog;

namespace PluginHost.Tests.TestDoubles;

/// <summary>
/// A host with a real plugin directory holding <c>my-mock-plugin</c>, whose external entries run in-process through
/// <see cref="InProcessExternalFactory"/> (the process runtime's seam).
/// </summary>
internal sealed class ExternalPluginHost : IAsyncDisposable
{
    private readonly PluginDirectory _plugins = new();
    private InProcessExternalFactory? _factory;

    public ExternalPluginHost()
    {
        var sha = _plugins.Write("my-mock-plugin", "#!/bin/sh\necho plugin\n");
        Registration = new PluginRegistration { Type = BackendType.Secret, Name = "my-mock-plugin", Command = "my-mock-plugin", Sha256 = sha };
        Test = TestHost.Create(
            o => o.PluginDirectory = _plugins.Location,
            services: s => s.AddSingleton<IBackendFactory>(sp => _factory = new InProcessExternalFactory(sp)));
    }

    public TestHost Test { get; }

    /// <summary>The unversioned registration of <c>my-mock-plugin</c>; use <c>with { Version = … }</c> for others.</summary>
    public PluginRegistration Registration { get; }

    public InProcessExternalFactory Factory
    {
        get
        {
            _ = Test.Services.GetRequiredService<IBackendFactory>();
            return _factory!;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Test.DisposeAsync();
        _plugins.Dispose();
    }
}
