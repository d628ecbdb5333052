using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using PluginHost.Tests.Postgres;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// Several <c>plugin-host server</c> processes sharing one PostgreSQL store with HA on (tables of their own per
/// instance), each in a sandbox of its own on a port of its own, initialized through the first and unsealed with the
/// same key share, as an operator would set them up. Nodes can be killed (SIGKILL), paused (SIGSTOP), resumed and
/// started again on the same port.
/// </summary>
internal sealed class HaServers : IDisposable
{
    private readonly PostgresCluster _cluster;
    private readonly string _table = "ha_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));

    private HaServers(PostgresCluster cluster) => _cluster = cluster;

    public List<HaServer> Nodes { get; } = [];

    public string RootToken { get; private set; } = "";

    public string UnsealKey { get; private set; } = "";

    /// <summary>Starts <paramref name="count"/> servers, initializes the store through the first and unseals each.</summary>
    /// <param name="cluster">The PostgreSQL server; each set has tables of its own.</param>
    /// <param name="count">How many servers.</param>
    /// <param name="noForwarding">Indexes of the nodes configured with <c>disable_request_forwarding = true</c>.</param>
    public static async Task<HaServers> StartAsync(PostgresCluster cluster, int count, params int[] noForwarding)
    {
        var servers = new HaServers(cluster);
        try
        {
            for (var i = 0; i < count; i++)
            {
                servers.Nodes.Add(servers.Create(noForwarding.Contains(i)));
            }

            foreach (var node in servers.Nodes)
            {
                node.Start();
            }

            (servers.RootToken, servers.UnsealKey) = await servers.Nodes[0].Server!.InitializeAsync();
            foreach (var node in servers.Nodes.Skip(1))
            {
                await node.Server!.UnsealAsync(servers.UnsealKey);
            }

            return servers;
        }
        catch
        {
            servers.Dispose();
            throw;
        }
    }

    /// <summary>Starts a node again (same sandbox and port) after it was killed, and unseals it.</summary>
    public async Task RestartAsync(HaServer node)
    {
        node.Server?.Dispose();
        node.Start();
        await node.Server!.UnsealAsync(UnsealKey);
    }

    /// <summary>Waits for one of <paramref name="candidates"/> (the running nodes by default) to say it is the active node.</summary>
    public async Task<HaServer> ActiveAsync(TimeSpan timeout, IEnumerable<HaServer>? candidates = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var among = (candidates ?? Nodes.Where(n => n.Running)).ToArray();
        while (true)
        {
            foreach (var node in among)
            {
                if (await node.LeaderAsync() is { } leader && leader.GetProperty("is_self").GetBoolean())
                {
                    return node;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no node became active within {timeout}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>A client for <paramref name="node"/>'s <c>/v1/</c> with the root token; redirects are not followed.</summary>
    public HttpClient Client(HaServer node, bool noForwarding = false)
    {
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(node.Address + "/v1/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Vault-Token", RootToken);
        if (noForwarding)
        {
            http.DefaultRequestHeaders.Add("X-Vault-No-Request-Forwarding", "true");
        }

        return http;
    }

    public void Dispose()
    {
        foreach (var node in Nodes)
        {
            node.Dispose();
        }
    }

    private HaServer Create(bool noForwarding)
    {
        var sandbox = new Sandbox(writeConfig: false);
        var port = FreePort();
        var address = $"http://127.0.0.1:{port}";
        var url = $"postgres://{PostgresCluster.Superuser}:{_cluster.Password}@127.0.0.1:{_cluster.Port}/postgres";
        sandbox.WriteConfig($$"""
            plugin_directory = "plugins"
            api_addr = "{{address}}"
            {{(noForwarding ? "disable_request_forwarding = true" : "")}}
            storage "postgresql" {
              connection_url = "{{url}}"
              table          = "{{_table}}"
              ha_table       = "{{_table}}_locks"
              ha_enabled     = "true"
            }
            listener "tcp" {
              address = "127.0.0.1:{{port}}"
            }
            """);
        return new HaServer(sandbox, address);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>One server of the set: its sandbox, address, and the process running it now.</summary>
    internal sealed class HaServer(Sandbox sandbox, string address) : IDisposable
    {
        private static readonly HttpClient Anonymous = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(5) };

        public string Address { get; } = address;

        public ServerProcess? Server { get; private set; }

        public bool Running => Server is { Process.HasExited: false };

        /// <summary>SIGKILL: no shutdown, no lock release.</summary>
        public void Kill()
        {
            Signals.Send("KILL", Server!.Process.Id);
            Server.Process.WaitForExit();
        }

        public void Pause() => Signals.Send("STOP", Server!.Process.Id);

        public void Resume() => Signals.Send("CONT", Server!.Process.Id);

        /// <summary><c>sys/leader</c> of this node, or null when it does not answer.</summary>
        public async Task<JsonElement?> LeaderAsync()
        {
            try
            {
                using var answer = await Anonymous.GetAsync(Address + "/v1/sys/leader");
                return answer.IsSuccessStatusCode ? await answer.Content.ReadFromJsonAsync<JsonElement>() : null;
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
            {
                return null;
            }
        }

        public void Start() => Server = ServerProcess.Start(sandbox, "server", "-config=plugin-host.hcl");

        /// <summary>Runs the CLI against this server.</summary>
        public CliResult Cli(params string[] args)
        {
            sandbox.Environment["PLUGIN_HOST_ADDR"] = Address;
            return sandbox.Run(args);
        }

        public override string ToString() => Address;

        public void Dispose()
        {
            if (Server is { } server)
            {
                if (!server.Process.HasExited)
                {
                    // A paused process ignores SIGTERM, not SIGKILL; resume it anyway so its tree goes too.
                    Resume();
                }

                server.Dispose();
            }

            sandbox.Dispose();
        }
    }
}
