using PluginHost.Activation;
using PluginHost.Catalog;

namespace PluginHost.Tests.TestDoubles;

/// <summary>
/// Stands in for the external process runtime (a later milestone) at the <see cref="IBackendFactory"/> seam:
/// external catalog entries run as in-process probes, builtins as usual.
/// </summary>
internal sealed class InProcessExternalFactory(IServiceProvider services) : IBackendFactory
{
    public List<(CatalogEntry Entry, ProbeBackend Backend)> Created { get; } = [];

    /// <summary>When set, creating an external backend signals <see cref="Creating"/> and then waits for this gate.</summary>
    public TaskCompletionSource? CreateGate { get; set; }

    public TaskCompletionSource Creating { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask<IBackend> CreateAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        if (!entry.Builtin && CreateGate is { } gate)
        {
            Creating.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        return Create(entry);
    }

    private IBackend Create(CatalogEntry entry)
    {
        if (entry.Builtin)
        {
            var catalog = (PluginCatalog)services.GetService(typeof(PluginCatalog))!;
            return catalog.FindBuiltin(entry.Type, entry.Name)!.Factory(services);
        }

        var probe = new ProbeBackend(entry.Type);
        lock (Created)
        {
            Created.Add((entry, probe));
        }

        return probe;
    }
}
