using PluginHost.Cli.Configuration;
using PluginHost.Cli.Output;
using PluginHost.Cli.Requests;

namespace PluginHost.Cli.Commands;

/// <summary>
/// One run of a command: its output, its environment, and the host it talks to, opened on first use from the config
/// file so that commands that fail before sending anything never read the config or lock the data directory.
/// </summary>
internal sealed class CommandRun(CliEnvironment environment, Ui ui, Func<string?, HostConfig> loadConfig, Func<HostConfig, IRequestTarget> openTarget)
    : IAsyncDisposable
{
    private IRequestTarget? _target;
    private LogicalClient? _client;

    public CliEnvironment Environment => environment;

    public Ui Ui => ui;

    /// <summary>The value of <c>-config</c>, or <see langword="null"/>; set by the command after parsing its flags.</summary>
    public string? ConfigFile { get; set; }

    /// <summary>The client; the first call loads the config (throwing <see cref="ConfigException"/>) and prepares the host.</summary>
    public LogicalClient Client
    {
        get
        {
            if (_client is null)
            {
                _target = openTarget(loadConfig(ConfigFile));
                _client = new LogicalClient(_target);
            }

            return _client;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_target is not null)
        {
            await _target.DisposeAsync();
        }
    }
}
