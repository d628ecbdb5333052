using System.Text.Json;
using Npgsql;
using PluginHost.Authorization;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Routing;
using PluginHost.Storage;
using PluginHost.Tests.Postgres;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.IntegrationTests;

/// <summary>
/// The <c>database</c> secrets engine end to end: a real host, the published PostgreSQL database plugin as a real
/// process from the catalog, and a real PostgreSQL cluster of the tests' own.
/// </summary>
[TestClass]
public sealed class DatabaseEngineTests
{
    private const string Plugin = "postgresql-database-plugin";
    private static PostgresCluster s_cluster = null!;

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Token => TestContext.CancellationToken;

    [ClassInitialize]
    public static async Task StartCluster(TestContext context)
    {
        s_cluster = await PostgresCluster.StartAsync(context.CancellationToken);
        await ExecuteAsync(
            "CREATE TABLE open_data (value text)",
            "CREATE TABLE secrets (value text)",
            "INSERT INTO open_data VALUES ('hello')");
    }

    [ClassCleanup]
    public static async Task StopCluster() => await s_cluster.DisposeAsync();

    [TestMethod]
    public async Task Creds_LogIn_AreRefusedOutsideTheirGrant_AndRevokingTheLeaseDropsTheRole()
    {
        await using var fixture = await DatabaseHostAsync();

        var creds = await ReadCredsAsync(fixture);
        var (username, password) = Credentials(creds);

        StringAssert.StartsWith(creds.LeaseId, "database/creds/readonly/");
        Assert.IsTrue(creds.Response!.Secret!.Renewable);
        await using (var user = await OpenAsync(username, password))
        {
            Assert.AreEqual(1, await ScalarAsync(user, "SELECT 1"));
            Assert.AreEqual("hello", await ScalarAsync(user, "SELECT value FROM open_data"));
            var denied = await Assert.ThrowsExactlyAsync<PostgresException>(async () => await ScalarAsync(user, "SELECT * FROM secrets"));
            Assert.AreEqual(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
        }

        await fixture.Host.WriteAsync("sys/leases/revoke", new { lease_id = creds.LeaseId }, Token);

        Assert.IsFalse(await RoleExistsAsync(username), "revoking the lease drops the role");
        var refused = await Assert.ThrowsExactlyAsync<PostgresException>(async () => await OpenAsync(username, password));
        Assert.AreEqual(PostgresErrorCodes.InvalidPassword, refused.SqlState, "PostgreSQL answers a role that does not exist as a wrong password");
    }

    [TestMethod]
    public async Task Renew_ExtendsValidUntil_AndAnExpiredLeaseDropsItsRole()
    {
        await using var fixture = await DatabaseHostAsync(defaultTtl: "3s");

        var creds = await ReadCredsAsync(fixture);
        var (username, _) = Credentials(creds);
        var before = await ValidUntilAsync(username);
        Assert.IsTrue(before < DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1), $"VALID UNTIL {before} is the lease's end");

        var renewed = await fixture.Host.HandleRequestAsync(
            new BackendRequest { Operation = Operation.Update, Path = "sys/leases/renew", Data = Fields(new { lease_id = creds.LeaseId, increment = "1h" }) },
            RequestCaller.Application,
            Token);
        var granted = renewed.Response!.Secret!.Ttl;
        Assert.IsTrue(granted > TimeSpan.FromMinutes(59) && granted <= TimeSpan.FromHours(1), $"granted {granted}: the hour asked, capped by max_ttl from the issue time");
        var after = await ValidUntilAsync(username);
        Assert.IsTrue(after > DateTimeOffset.UtcNow + TimeSpan.FromMinutes(55), $"renewing moved VALID UNTIL to {after}");

        var shortLived = await ReadCredsAsync(fixture);
        var (expiring, _) = Credentials(shortLived);
        Assert.IsTrue(await RoleExistsAsync(expiring));
        await Eventually.TrueAsync(async () => !await RoleExistsAsync(expiring), "the role is dropped when its 3 s lease expires", TimeSpan.FromSeconds(60));
        Assert.IsTrue(await RoleExistsAsync(username), "the renewed one lives on");
    }

    [TestMethod]
    public async Task AHostRestart_KeepsTheLeases_AndStillRevokesThemOnTime()
    {
        var storage = new InMemoryStorage();
        string username;
        await using (var first = await DatabaseHostAsync(defaultTtl: "4s", storage: storage))
        {
            (username, _) = Credentials(await ReadCredsAsync(first));
        }

        Assert.IsTrue(await RoleExistsAsync(username), "stopping the host revokes nothing");
        await using var second = new PluginFixture(configure: o => o.StorageFactory = _ => storage, plugins: [PublishedPlugins.PostgresDatabasePlugin]);

        // Any request restores the mounts, and with them the expiration manager's leases.
        await second.Host.ListAsync("sys/leases/lookup/database/creds/readonly/", Token);
        await Eventually.TrueAsync(async () => !await RoleExistsAsync(username), "the restarted host revokes the lease at its expiry", TimeSpan.FromSeconds(60));
    }

    [TestMethod]
    public async Task RotateRoot_ChangesTheRootPassword_TheOldOneStopsWorking_AndTheEngineKeepsWorking()
    {
        const string root = "engine_root";
        const string rootPassword = "initial-Root-pw1";
        await ExecuteAsync($"CREATE ROLE {root} WITH LOGIN CREATEROLE PASSWORD '{rootPassword}'", $"GRANT SELECT ON open_data TO {root} WITH GRANT OPTION");
        await using var fixture = await DatabaseHostAsync(rootUser: root, rootPassword: rootPassword);

        await fixture.Host.WriteAsync("database/rotate-root/pg", new { }, Token);

        var refused = await Assert.ThrowsExactlyAsync<PostgresException>(async () => await OpenAsync(root, rootPassword));
        Assert.AreEqual(PostgresErrorCodes.InvalidPassword, refused.SqlState);
        var read = await fixture.Host.ReadAsync("database/config/pg", Token);
        Assert.IsFalse(read!.Data!["connection_details"].TryGetProperty("password", out _));

        var (username, password) = Credentials(await ReadCredsAsync(fixture));
        await using var user = await OpenAsync(username, password);
        Assert.AreEqual("hello", await ScalarAsync(user, "SELECT value FROM open_data"));
    }

    [TestMethod]
    public async Task APluginKilledMidNewUser_LeavesNoRole_AndTheMountRecovers()
    {
        await using var fixture = await DatabaseHostAsync();
        await fixture.Host.WriteAsync("database/roles/slow", new
        {
            db_name = "pg",
            creation_statements = "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; SELECT pg_sleep(8);",
        }, Token);
        await fixture.Host.WriteAsync("database/config/pg", new { allowed_roles = "readonly,slow" }, Token);

        var pending = fixture.Host.ReadAsync("database/creds/slow", Token).AsTask();
        await Eventually.TrueAsync(async () => await SleepingBackendAsync() is not null, "the plugin is inside the creation transaction");
        foreach (var pid in fixture.PluginProcesses(Plugin))
        {
            System.Diagnostics.Process.GetProcessById(pid).Kill();
        }

        var failed = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await pending);
        Assert.AreEqual(ErrorCode.Unavailable, failed.Code, failed.Message);
        Assert.AreEqual(0L, await CountAsync("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'v-%-slow-%'"), "the role was never committed");
        await Eventually.TrueAsync(async () => await SleepingBackendAsync() is null, "PostgreSQL ends the dead client's transaction", TimeSpan.FromSeconds(60));
        Assert.AreEqual(0L, await CountAsync("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'v-%-slow-%'"), "rolled back, not committed, when the connection died");

        var (username, password) = Credentials(await ReadCredsAsync(fixture));
        await using var user = await OpenAsync(username, password);
        Assert.AreEqual(1, await ScalarAsync(user, "SELECT 1"), "a new plugin process serves the mount");
    }

    private async Task<PluginFixture> DatabaseHostAsync(
        string defaultTtl = "1h", InMemoryStorage? storage = null, string rootUser = PostgresCluster.Superuser, string? rootPassword = null)
    {
        var fixture = new PluginFixture(configure: o => o.StorageFactory = storage is null ? null : _ => storage, plugins: [PublishedPlugins.PostgresDatabasePlugin]);
        try
        {
            await fixture.Host.Catalog.RegisterAsync(fixture.Registration(Plugin, BackendType.Database), Token);
            await fixture.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "database", Path = "database" }, Token);
            await fixture.Host.WriteAsync("database/config/pg", new
            {
                plugin_name = Plugin,
                connection_url = $"postgresql://{{{{username}}}}:{{{{password}}}}@127.0.0.1:{s_cluster.Port}/postgres?sslmode=disable",
                username = rootUser,
                password = rootPassword ?? s_cluster.Password,
                allowed_roles = "readonly",
            }, Token);
            await fixture.Host.WriteAsync("database/roles/readonly", new
            {
                db_name = "pg",
                creation_statements = "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT SELECT ON open_data TO \"{{name}}\";",
                default_ttl = defaultTtl,
                max_ttl = "1h",
            }, Token);
            return fixture;
        }
        catch
        {
            await fixture.DisposeAsync();
            throw;
        }
    }

    private async Task<HostResponse> ReadCredsAsync(PluginFixture fixture) =>
        await fixture.Host.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "database/creds/readonly" }, RequestCaller.Application, Token);

    private static (string Username, string Password) Credentials(HostResponse creds) =>
        (creds.Response!.Data!["username"].GetString()!, creds.Response.Data["password"].GetString()!);

    private static Dictionary<string, JsonElement> Fields(object value) =>
        JsonSerializer.SerializeToElement(value).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

    private Task<NpgsqlConnection> OpenAsync(string username, string password) => s_cluster.LoginAsync(username, password, Token);

    private Task<object?> ScalarAsync(NpgsqlConnection connection, string sql) => connection.ScalarAsync(sql, Token);

    private async Task<long> CountAsync(string sql) => (long)(await s_cluster.AdminScalarAsync(sql, Token))!;

    private async Task<bool> RoleExistsAsync(string role) =>
        (long)(await s_cluster.AdminScalarAsync("SELECT count(*) FROM pg_roles WHERE rolname = $1", Token, role))! > 0;

    private async Task<DateTimeOffset> ValidUntilAsync(string role) =>
        new((DateTime)(await s_cluster.AdminScalarAsync("SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1", Token, role))!);

    private async Task<int?> SleepingBackendAsync() =>
        (int?)await s_cluster.AdminScalarAsync("SELECT pid FROM pg_stat_activity WHERE query LIKE '%pg_sleep(8)%' AND pid <> pg_backend_pid()", Token);

    private static Task ExecuteAsync(params string[] statements) => s_cluster.AdminExecuteAsync(CancellationToken.None, statements);
}
