using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using PluginHost.Tests.Postgres;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// The <c>database</c> secrets engine as users drive it: the published <c>plugin-host server -dev</c>, the published
/// <c>postgresql-database-plugin</c> in its plugin directory, a real PostgreSQL cluster, and the CLI typed as in Vault's
/// docs (and the HTTP API, and node-vault unchanged). One server and one cluster for the class: the setup (register,
/// enable, config, role) runs once, and every test reads credentials of its own.
/// </summary>
[TestClass]
public sealed partial class DatabaseTests
{
    private const string Plugin = "postgresql-database-plugin";
    private const string CredsPrefix = "database/creds/readonly/";
    private const string CreationStatements = "creation_statements=CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';";

    private static PostgresCluster? s_cluster;
    private static Sandbox? s_sandbox;
    private static ServerProcess? s_server;

    public TestContext TestContext { get; set; } = null!;

    private static PostgresCluster Cluster => s_cluster!;

    private CancellationToken Token => TestContext.CancellationToken;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_cluster = await PostgresCluster.StartAsync(context.CancellationToken);
        s_sandbox = new Sandbox(writeConfig: false);
        File.Copy(Published.PostgresDatabasePlugin, Path.Join(s_sandbox.Plugins, Plugin));
        s_server = ServerProcess.StartDev(s_sandbox);
        s_sandbox.Environment["PLUGIN_HOST_ADDR"] = await s_server.AddressAsync();
        s_sandbox.Environment["PLUGIN_HOST_TOKEN"] = ServerProcess.DevRootToken;

        // docs/database.md's steps, each answered as Vault answers them, without warnings.
        Run("plugin", "register", $"-sha256={Published.Sha256Of(Published.PostgresDatabasePlugin)}", $"-command={Plugin}", "database", Plugin)
            .Is(0, $"Success! Registered plugin: {Plugin}\n");
        Run("plugin", "list", "database").Is(0, $"Name                          Version\n----                          -------\n{Plugin}    n/a\n");
        Run("plugin", "info", "-field=command", "database", Plugin).Is(0, Plugin);
        Run("secrets", "enable", "database").Is(0, "Success! Enabled the database secrets engine at: database/\n");
        WriteConnection().Is(0, "Success! Data written to: database/config/pg\n");
        Run("write", "database/roles/readonly", "db_name=pg", "default_ttl=1h", "max_ttl=24h", CreationStatements)
            .Is(0, "Success! Data written to: database/roles/readonly\n");
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        // The server first: it stops the plugin and with it the plugin's connections to the cluster.
        s_server?.Dispose();
        s_sandbox?.Dispose();
        if (s_cluster is not null)
        {
            await s_cluster.DisposeAsync();
        }
    }

    [TestMethod]
    public async Task ReadCreds_PrintsVaultsTable_TheyLogIn_AndLeaseRenewAndRevokeWork()
    {
        var read = Run("read", "database/creds/readonly");
        var creds = TableOf(read.Stdout);
        var (leaseId, username, password) = (creds["lease_id"], creds["username"], creds["password"]);
        read.Is(0, $"""
            Key                Value
            ---                -----
            lease_id           {leaseId}
            lease_duration     1h
            lease_renewable    true
            password           {password}
            username           {username}

            """);
        StringAssert.StartsWith(leaseId, CredsPrefix);
        StringAssert.StartsWith(username, "v-root-readonly-", "Vault's v-<display name>-<role>-… form; the root token's display name is root");
        Assert.IsTrue(IsVaultsDefaultPassword().IsMatch(password), password);
        Assert.AreEqual(1, await SelectOneAsync(username, password));

        // The configuration read back has the connection but not the root password.
        Run("read", "database/config/pg").Is(0, $$$"""
            Key                                   Value
            ---                                   -----
            allowed_roles                         [readonly]
            connection_details                    map[connection_url:postgresql://{{username}}:{{password}}@127.0.0.1:{{{Cluster.Port}}}/postgres?sslmode=disable username:{{{PostgresCluster.Superuser}}}]
            password_policy                       n/a
            plugin_name                           {{{Plugin}}}
            plugin_version                        n/a
            root_credentials_rotate_statements    []
            verify_connection                     true

            """);

        Run("lease", "renew", leaseId).Is(0, $"""
            Key                Value
            ---                -----
            lease_id           {leaseId}
            lease_duration     1h
            lease_renewable    true

            """);
        Run("lease", "renew", "-increment=30m", leaseId).Is(0, $"""
            Key                Value
            ---                -----
            lease_id           {leaseId}
            lease_duration     30m
            lease_renewable    true

            """);
        var validUntil = await ValidUntilAsync(username);
        Assert.IsTrue(validUntil < DateTimeOffset.UtcNow + TimeSpan.FromMinutes(35), $"renewing for 30m moved VALID UNTIL to {validUntil}");

        // PluginHost revokes before it answers (Vault's text says "queued"): the role is gone when the command returns.
        Run("lease", "revoke", leaseId).Is(0, "All revocation operations queued successfully!\n");
        Assert.IsFalse(await RoleExistsAsync(username), "revoking the lease drops the role");
        var refused = await Assert.ThrowsExactlyAsync<PostgresException>(async () => await SelectOneAsync(username, password));
        Assert.AreEqual(PostgresErrorCodes.InvalidPassword, refused.SqlState);
        Run("lease", "renew", leaseId).Is(2, "", $"""
            Error renewing {leaseId}: Error making API request.

            URL: PUT {Address}/v1/sys/leases/renew
            Code: 400. Errors:

            * invalid lease

            """);
    }

    [TestMethod]
    public async Task DeletingTheConnection_IsRefusedWhileCredsAreLive_UntilRevokePrefixRevokesThem()
    {
        // Whatever another test left: this test counts the live credentials.
        Run("lease", "revoke", "-prefix", "-sync", "database/creds/readonly").Is(0, "Success! Revoked any leases with prefix: database/creds/readonly\n");
        var first = Field("username", "database/creds/readonly");
        var second = Field("username", "database/creds/readonly");

        Run("delete", "database/config/pg").Is(2, "", $"""
            Error deleting database/config/pg: Error making API request.

            URL: DELETE {Address}/v1/database/config/pg
            Code: 400. Errors:

            * cannot delete connection 'pg': 2 leased credentials it issued are still live, and could not be revoked without it; revoke them first: plugin-host lease revoke -prefix database/creds/readonly

            """);
        Assert.IsTrue(await RoleExistsAsync(first) && await RoleExistsAsync(second), "the refused delete revoked nothing");

        Run("lease", "revoke", "-prefix", "database/creds/readonly").Is(0, "All revocation operations queued successfully!\n");
        Assert.IsFalse(await RoleExistsAsync(first), first);
        Assert.IsFalse(await RoleExistsAsync(second), second);
        Run("list", "sys/leases/lookup/database/creds/readonly").Is(2, "", "No value found at sys/leases/lookup/database/creds/readonly\n");

        Run("delete", "database/config/pg").Is(0, "Success! Data deleted (if it existed) at: database/config/pg\n");
        Run("read", "database/creds/readonly").Is(2, "", $"""
            Error reading database/creds/readonly: Error making API request.

            URL: GET {Address}/v1/database/creds/readonly
            Code: 400. Errors:

            * no database connection named 'pg': write config/pg first

            """);

        // The class's other tests need it back.
        WriteConnection().Is(0, "Success! Data written to: database/config/pg\n");
        Assert.IsTrue(await RoleExistsAsync(Field("username", "database/creds/readonly")));
    }

    [TestMethod]
    public async Task ReadFormatJson_PrintsVaultsEnvelope()
    {
        var read = Run("read", "-format=json", "database/creds/readonly");
        Assert.AreEqual(0, read.ExitCode, read.ToString());
        Assert.AreEqual("", read.Stderr);
        using var document = JsonDocument.Parse(read.Stdout);
        var envelope = document.RootElement;

        // api.Secret's fields in its order (auth and wrap_info omitted when empty, as Vault's CLI prints them).
        CollectionAssert.AreEqual(
            (string[])["request_id", "lease_id", "lease_duration", "renewable", "data", "warnings"],
            envelope.EnumerateObject().Select(p => p.Name).ToArray(),
            read.Stdout);
        Assert.IsTrue(Guid.TryParse(envelope.GetProperty("request_id").GetString(), out _), read.Stdout);
        var leaseId = envelope.GetProperty("lease_id").GetString()!;
        StringAssert.StartsWith(leaseId, CredsPrefix);
        Assert.AreEqual(3600, envelope.GetProperty("lease_duration").GetInt32());
        Assert.IsTrue(envelope.GetProperty("renewable").GetBoolean());
        Assert.AreEqual(JsonValueKind.Null, envelope.GetProperty("warnings").ValueKind);
        var data = envelope.GetProperty("data");
        CollectionAssert.AreEqual((string[])["password", "username"], data.EnumerateObject().Select(p => p.Name).ToArray());
        var username = data.GetProperty("username").GetString()!;
        Assert.AreEqual(1, await SelectOneAsync(username, data.GetProperty("password").GetString()!));

        Run("lease", "revoke", "-sync", leaseId).Is(0, $"Success! Revoked lease: {leaseId}\n");
        Assert.IsFalse(await RoleExistsAsync(username));
    }

    [TestMethod]
    public async Task HttpApi_ReadCredsRenewAndRevoke_AreVaultsEnvelopeAndStatuses()
    {
        using var http = await Server.ClientAsync(ServerProcess.DevRootToken);

        var creds = await HttpExpect.StatusAsync(HttpStatusCode.OK, http.GetAsync("database/creds/readonly", Token));
        Assert.IsTrue(Guid.TryParse(creds.GetProperty("request_id").GetString(), out _), creds.ToString());
        var leaseId = creds.GetProperty("lease_id").GetString()!;
        StringAssert.StartsWith(leaseId, CredsPrefix);
        Assert.AreEqual(3600, creds.GetProperty("lease_duration").GetInt32());
        Assert.IsTrue(creds.GetProperty("renewable").GetBoolean());
        Assert.AreEqual(JsonValueKind.Null, creds.GetProperty("wrap_info").ValueKind);
        Assert.AreEqual(JsonValueKind.Null, creds.GetProperty("warnings").ValueKind);
        Assert.AreEqual(JsonValueKind.Null, creds.GetProperty("auth").ValueKind);
        var username = creds.GetProperty("data").GetProperty("username").GetString()!;
        Assert.AreEqual(1, await SelectOneAsync(username, creds.GetProperty("data").GetProperty("password").GetString()!));

        var renewed = await HttpExpect.StatusAsync(HttpStatusCode.OK, http.PutAsJsonAsync("sys/leases/renew", new { lease_id = leaseId, increment = 3600 }, Token));
        Assert.AreEqual(leaseId, renewed.GetProperty("lease_id").GetString());
        Assert.AreEqual(3600, renewed.GetProperty("lease_duration").GetInt32(), "the TTL granted, as Vault answers it");
        Assert.IsTrue(renewed.GetProperty("renewable").GetBoolean());

        await HttpExpect.StatusAsync(HttpStatusCode.NoContent, http.PutAsJsonAsync("sys/leases/revoke", new { lease_id = leaseId }, Token));
        Assert.IsFalse(await RoleExistsAsync(username), "revoking the lease drops the role");
        var gone = await HttpExpect.StatusAsync(HttpStatusCode.BadRequest, http.PutAsJsonAsync("sys/leases/lookup", new { lease_id = leaseId }, Token));
        Assert.AreEqual("invalid lease", HttpExpect.SingleError(gone));

        // Without a token, as in Vault: no credentials.
        using var anonymous = await Server.ClientAsync(token: null);
        var denied = await HttpExpect.StatusAsync(HttpStatusCode.Forbidden, anonymous.GetAsync("database/creds/readonly", Token));
        Assert.AreEqual("permission denied", HttpExpect.SingleError(denied));
    }

    [TestMethod]
    public async Task NodeVault_ReadsRenewsAndRevokesCredsUnchanged()
    {
        var client = await NodeVaultTests.InstallNodeVaultAsync();
        try
        {
            var run = await NodeVaultTests.RunAsync(
                "node",
                ["database.js"],
                client,
                new() { ["VAULT_ADDR"] = await Server.AddressAsync(), ["VAULT_TOKEN"] = ServerProcess.DevRootToken },
                TimeSpan.FromMinutes(1));

            Assert.IsNotNull(run, "node not found, though npm was");
            Assert.AreEqual(0, run.Value.ExitCode, run.Value.Output);
            var lines = run.Value.Output.Split('\n');
            var users = lines.Where(l => l.StartsWith("user ", StringComparison.Ordinal)).Select(l => l["user ".Length..]).ToArray();
            Assert.AreEqual(
                """
                creds lease_id=database/creds/readonly/… renewable=true lease_duration=3600
                data ["password","username"]
                renew lease_id=database/creds/readonly/… renewable=true lease_duration=1800
                same lease true
                revoked
                lookup after revoke 400 invalid lease
                revoked by prefix

                """,
                string.Join('\n', lines.Where(l => !l.StartsWith("user ", StringComparison.Ordinal))));
            Assert.HasCount(2, users);
            foreach (var user in users)
            {
                StringAssert.StartsWith(user, "v-root-readonly-");
                Assert.IsFalse(await RoleExistsAsync(user), $"{user}: revoked through node-vault, gone from pg_roles");
            }
        }
        finally
        {
            Directory.Delete(client, recursive: true);
        }
    }

    private static ServerProcess Server => s_server!;

    private static string Address => s_sandbox!.Environment["PLUGIN_HOST_ADDR"]!;

    private static CliResult Run(params string[] args) => s_sandbox!.Run(args);

    private static CliResult WriteConnection() => Run(
        "write",
        "database/config/pg",
        $"plugin_name={Plugin}",
        "allowed_roles=readonly",
        $"connection_url=postgresql://{{{{username}}}}:{{{{password}}}}@127.0.0.1:{Cluster.Port}/postgres?sslmode=disable",
        $"username={PostgresCluster.Superuser}",
        $"password={Cluster.Password}");

    // -field's raw value, asserting the run worked.
    private static string Field(string field, string path)
    {
        var read = Run("read", $"-field={field}", path);
        Assert.AreEqual(0, read.ExitCode, read.ToString());
        return read.Stdout;
    }

    // A Key/Value table's rows (values without spaces).
    private static Dictionary<string, string> TableOf(string table) =>
        table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2)
            .Select(line => line.Split(' ', 2, StringSplitOptions.TrimEntries))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

    private async Task<int> SelectOneAsync(string username, string password)
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString(username, password));
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return (int)(await command.ExecuteScalarAsync(Token))!;
    }

    private async Task<bool> RoleExistsAsync(string role)
    {
        await using var admin = new NpgsqlConnection(Cluster.ConnectionString());
        await admin.OpenAsync(Token);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_roles WHERE rolname = @name", admin);
        command.Parameters.AddWithValue("name", role);
        return (long)(await command.ExecuteScalarAsync(Token))! > 0;
    }

    private async Task<DateTimeOffset> ValidUntilAsync(string role)
    {
        await using var admin = new NpgsqlConnection(Cluster.ConnectionString());
        await admin.OpenAsync(Token);
        await using var command = new NpgsqlCommand("SELECT rolvaliduntil FROM pg_roles WHERE rolname = @name", admin);
        command.Parameters.AddWithValue("name", role);
        return new DateTimeOffset((DateTime)(await command.ExecuteScalarAsync(Token))!);
    }

    // Vault's default password policy: 20 of letters, digits and '-', at least one of each kind.
    [GeneratedRegex("^(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9])(?=.*-)[A-Za-z0-9-]{20}$")]
    private static partial Regex IsVaultsDefaultPassword();
}
