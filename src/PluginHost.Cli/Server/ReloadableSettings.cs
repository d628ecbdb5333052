using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using PluginHost.Cli.Configuration;

namespace PluginHost.Cli.Server;

/// <summary>
/// The settings SIGHUP may change while the server runs: the plugin directory (the host re-reads it through
/// <see cref="IOptionsMonitor{TOptions}"/>, so mounts and requests in flight are untouched) and the log level.
/// </summary>
internal sealed class ReloadableSettings(HostConfig initial) : IOptionsChangeTokenSource<PluginHostOptions>, IConfigureOptions<PluginHostOptions>, IDisposable
{
    private CancellationTokenSource _changed = new();

    public HostConfig Current { get; private set; } = initial;

    public string? Name => Options.DefaultName;

    public LogLevel MinimumLevel => Current.LogLevel.ToLogLevel();

    public IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

    public void Configure(PluginHostOptions options) => options.PluginDirectory = Current.PluginDirectory;

    public void Dispose() => _changed.Dispose();

    /// <summary>Applies <paramref name="next"/> and tells the options monitor.</summary>
    public void Apply(HostConfig next)
    {
        Current = next;
        var previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
    }
}
