using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// <c>plugin-host server</c> running in a sandbox: its stdout lines as they come (stderr read to its end so the pipe
/// never blocks it), its address once it listens, and clients for it. Disposing kills it if it still runs.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    /// <summary>The root token <see cref="StartDev"/> gives the server.</summary>
    public const string DevRootToken = "root";

    private const string AddressLine = "$ export PLUGIN_HOST_ADDR='";

    private ServerProcess(Process process)
    {
        Process = process;
        Stdout = new OutputLines(process.StandardOutput);
        Stderr = process.StandardError.ReadToEndAsync();
    }

    public Process Process { get; }

    public OutputLines Stdout { get; }

    public Task<string> Stderr { get; }

    /// <summary><c>plugin-host server -dev</c> on a free loopback port, with <see cref="DevRootToken"/> and the sandbox's plugins.</summary>
    public static ServerProcess StartDev(Sandbox sandbox) =>
        Start(sandbox, "server", "-dev", $"-dev-root-token-id={DevRootToken}", "-dev-listen-address=127.0.0.1:0", "-dev-plugin-dir=plugins");

    public static ServerProcess Start(Sandbox sandbox, params string[] args) => new(sandbox.Start(args));

    /// <summary>Waits for the banner's <c>$ export PLUGIN_HOST_ADDR='…'</c> line and returns the address.</summary>
    public async Task<string> AddressAsync()
    {
        var line = await Stdout.WaitForAsync(l => l.Trim().StartsWith(AddressLine, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        return line.Trim()[AddressLine.Length..^1];
    }

    /// <summary>A client for the server's <c>/v1/</c>, sending <paramref name="token"/> when there is one.</summary>
    public async Task<HttpClient> ClientAsync(string? token)
    {
        var http = new HttpClient { BaseAddress = new Uri(await AddressAsync() + "/v1/") };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Add("X-Vault-Token", token);
        }

        return http;
    }

    /// <summary>
    /// Initializes a server started from a config file without a static seal (it starts sealed and not initialized)
    /// with one key share, unseals it, and returns the root token and the unseal key (for <see cref="UnsealAsync"/>
    /// after a restart), as <c>plugin-host operator init</c> and <c>operator unseal</c> would over HTTP.
    /// </summary>
    /// <param name="handler">The HTTP handler to use (with the TLS trust an https server needs); a plain one when null.</param>
    public async Task<(string RootToken, string UnsealKey)> InitializeAsync(HttpMessageHandler? handler = null)
    {
        using var http = await SealClientAsync(handler);
        var init = await HttpExpect.StatusAsync(HttpStatusCode.OK, http.PutAsJsonAsync("sys/init", new { secret_shares = 1, secret_threshold = 1 }));
        var key = init.GetProperty("keys_base64")[0].GetString()!;
        await UnsealAsync(key, handler);
        return (init.GetProperty("root_token").GetString()!, key);
    }

    /// <summary>Unseals the server (initialized with one key share) with <paramref name="unsealKey"/>.</summary>
    public async Task UnsealAsync(string unsealKey, HttpMessageHandler? handler = null)
    {
        using var http = await SealClientAsync(handler);
        var status = await HttpExpect.StatusAsync(HttpStatusCode.OK, http.PutAsJsonAsync("sys/unseal", new { key = unsealKey }));
        Assert.IsFalse(status.GetProperty("sealed").GetBoolean(), status.ToString());
    }

    // No token: the seal's paths need none.
    private async Task<HttpClient> SealClientAsync(HttpMessageHandler? handler) =>
        new(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null) { BaseAddress = new Uri(await AddressAsync() + "/v1/") };

    /// <summary>Copies the adversarial plugin into the sandbox, registers it and mounts it at <paramref name="mount"/>; returns the binary's path.</summary>
    public static async Task<string> MountAdversarialPluginAsync(Sandbox sandbox, HttpClient root, string mount)
    {
        var binary = Path.Join(sandbox.Plugins, "adversarial-plugin");
        File.Copy(Published.AdversarialPlugin, binary);
        await HttpExpect.StatusAsync(HttpStatusCode.NoContent, root.PutAsJsonAsync(
            "sys/plugins/catalog/secret/adversarial-plugin", new { sha256 = Published.Sha256Of(Published.AdversarialPlugin), command = "adversarial-plugin" }));
        await HttpExpect.StatusAsync(HttpStatusCode.NoContent, root.PostAsJsonAsync(
            $"sys/mounts/{mount}", new { type = "adversarial-plugin" }));
        return binary;
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        Process.Dispose();
    }
}
