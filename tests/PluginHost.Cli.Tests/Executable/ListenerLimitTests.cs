using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>Issue 14: the listener's limits in the config file reach the running server.</summary>
[TestClass]
public sealed class ListenerLimitTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [TestMethod]
    public async Task MaxConnections_ServesThatManyAtOnce_AndTheNextWhenOneCloses()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        sandbox.WriteConfig("plugin_directory = \"plugins\"\ndata_directory = \"data\"\nlistener \"tcp\" {\n  address = \"127.0.0.1:0\"\n  max_connections = 2\n}\n");
        using var server = ServerProcess.Start(sandbox, "server", "-config=plugin-host.hcl");
        var endpoint = new Uri(await server.AddressAsync());

        using var first = await OpenServedAsync(endpoint);
        using var second = await OpenServedAsync(endpoint);
        using (var third = new TcpClient())
        {
            await third.ConnectAsync(endpoint.Host, endpoint.Port);
            Assert.IsNull(await HealthStatusAsync(third), "a third connection is closed unanswered while two are open");
        }

        first.Dispose();
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            using var next = new TcpClient();
            await next.ConnectAsync(endpoint.Host, endpoint.Port);
            if (await HealthStatusAsync(next) == "200")
            {
                break;
            }

            Assert.IsLessThan(Wait, Stopwatch.GetElapsedTime(started), "a connection is served again once one closed");
            await Task.Delay(50);
        }
    }

    [TestMethod]
    public async Task MaxRequestSize_FromTheConfig_Answers413()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        sandbox.WriteConfig("plugin_directory = \"plugins\"\ndata_directory = \"data\"\nlistener \"tcp\" {\n  address = \"127.0.0.1:0\"\n  max_request_size = 1000\n}\n");
        using var server = ServerProcess.Start(sandbox, "server", "-config=plugin-host.hcl");
        var (rootToken, _) = await server.InitializeAsync();
        using var http = await server.ClientAsync(rootToken);
        await HttpExpect.StatusAsync(HttpStatusCode.NoContent, http.PostAsync("sys/mounts/secret", Json("""{"type":"kv"}""")));

        await HttpExpect.StatusAsync(HttpStatusCode.NoContent, http.PutAsync("secret/small", Json($$"""{"value":"{{new string('x', 900)}}"}""")));
        await HttpExpect.StatusAsync(HttpStatusCode.RequestEntityTooLarge, http.PutAsync("secret/large", Json($$"""{"value":"{{new string('x', 1000)}}"}""")));
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    // A connection that has been served once and stays open (HTTP/1.1 keep-alive).
    private static async Task<TcpClient> OpenServedAsync(Uri endpoint)
    {
        var client = new TcpClient();
        await client.ConnectAsync(endpoint.Host, endpoint.Port);
        Assert.AreEqual("200", await HealthStatusAsync(client));
        return client;
    }

    // The status code of GET /v1/sys/health on the connection, or null when the server closes it without answering.
    // The server is not initialized (it answers 501 for that): uninitcode=200 makes "served" a plain 200.
    private static async Task<string?> HealthStatusAsync(TcpClient client)
    {
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync("GET /v1/sys/health?uninitcode=200 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());
            var buffer = new byte[4096];
            using var timeout = new CancellationTokenSource(Wait);
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return read == 0 ? null : Encoding.ASCII.GetString(buffer, 0, read).Split(' ')[1];
        }
        catch (IOException)
        {
            return null;
        }
    }
}
