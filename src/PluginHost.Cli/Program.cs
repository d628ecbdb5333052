using PluginHost.Cli;

// plugin-host: Vault's CLI over an embedded PluginHost. Ctrl+C cancels the command; the host is still disposed, which
// stops the plugin processes it started.
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupted.Cancel();
};

try
{
    return await PluginHostCli.RunAsync(args, CliEnvironment.FromProcess(), cancellationToken: interrupted.Token);
}
catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
{
    Console.Error.WriteLine("Interrupted");
    return 1;
}
