using System.Text.Json;
using PluginHost;
using PluginHost.Sdk;

return await PluginServer.RunAsync(() => new AdversarialBackend());

/// <summary>Each path is one way to misbehave; any other path answers normally.</summary>
internal sealed class AdversarialBackend : BackendBase
{
    public override BackendType Type => BackendType.Secret;

    protected override async ValueTask<BackendResponse?> HandleAsync(BackendRequest request, CancellationToken cancellationToken)
    {
        switch (request.Path)
        {
            case "ignore-cancellation":
                // Blocks without looking at the token, as a buggy plugin would.
                Thread.Sleep(Timeout.Infinite);
                return null;
            case "crash":
                await Console.Error.WriteLineAsync("about to crash on purpose");
                Environment.Exit(3);
                return null;
            case "huge":
                return BackendResponse.WithData([new("blob", new string('x', 20 * 1024 * 1024))]);
            default:
                return BackendResponse.WithData([new("pid", Environment.ProcessId), new("path", JsonSerializer.Serialize(request.Path))]);
        }
    }
}
