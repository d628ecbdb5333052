using System.Text;
using Npgsql;
using PluginHost.Storage.PostgreSql;
using PluginHost.Tests.Postgres;

namespace PluginHost.IntegrationTests.PostgreSqlStorage;

/// <summary>
/// What PostgreSQL storage adds to the contract, against a real PostgreSQL: Vault's row layout, tables made on first
/// use, retries of transient failures and clear errors for the rest, and settings refused with the reason.
/// </summary>
[TestClass]
public sealed class PostgresStorageTests : SharedPostgresTests
{
    [TestMethod]
    public async Task Put_WritesVaultsRowLayout()
    {
        var options = Cluster.NewTable();
        await using var storage = new PostgresStorage(options);

        await storage.PutAsync(new StorageEntry("a/b/c", [1, 2]), Token);
        await storage.PutAsync(new StorageEntry("a/d", [3]), Token);
        await storage.PutAsync(new StorageEntry("top", [4]), Token);

        var rows = await RowsAsync(options.Table);
        CollectionAssert.AreEqual(new[] { "/a/|/a/b/|c", "/|/a/|d", "|/|top" }, rows, string.Join(", ", rows));
        Assert.AreEqual("C", await Cluster.AdminScalarAsync(
            "SELECT collation_name FROM information_schema.columns WHERE table_name = $1 AND column_name = 'parent_path'", Token, options.Table));
        Assert.AreEqual(1L, await Cluster.AdminScalarAsync(
            "SELECT count(*) FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%(parent_path)%'", Token, options.Table));
    }

    [TestMethod]
    public async Task List_FolderNamesWithLikeWildcards_AreNotPatterns()
    {
        await using var storage = new PostgresStorage(Cluster.NewTable());
        foreach (var key in new[] { "a_b/x", "axb/y", "a%/z", "abc/w", "a_b/sub/v" })
        {
            await storage.PutAsync(new StorageEntry(key, [1]), Token);
        }

        CollectionAssert.AreEqual(new[] { "sub/", "x" }, (await storage.ListAsync("a_b/", Token)).ToArray());
        CollectionAssert.AreEqual(new[] { "z" }, (await storage.ListAsync("a%", Token)).ToArray());
        CollectionAssert.AreEqual(new[] { "a%/", "a_b/", "abc/", "axb/" }, (await storage.ListAsync("", Token)).ToArray());
    }

    [TestMethod]
    public async Task List_NamesBeyondTheBasicPlane_AreSortedOrdinally()
    {
        // UTF-8 byte order (the database's "C" order) puts U+FF5E before U+1F600; .NET's ordinal order does not.
        await using var storage = new PostgresStorage(Cluster.NewTable());
        await storage.PutAsync(new StorageEntry("k/\U0001F600", [1]), Token);
        await storage.PutAsync(new StorageEntry("k/\uFF5E", [1]), Token);

        var names = await storage.ListAsync("k", Token);

        CollectionAssert.AreEqual(new[] { "\uFF5E", "\U0001F600" }.Order(StringComparer.Ordinal).ToArray(), names.ToArray());
    }

    [TestMethod]
    public async Task FirstUse_ByManyHostsAtOnce_CreatesTheTablesOnce()
    {
        var options = Cluster.NewTable(haEnabled: true);
        var stores = Enumerable.Range(0, 6).Select(_ => new PostgresStorage(options)).ToList();
        try
        {
            await Task.WhenAll(stores.Select((store, i) => store.GetAsync($"k{i}", Token).AsTask()));
            await Task.WhenAll(stores.Select(store => store.Lock.ReadHolderAsync(Token).AsTask()));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }

        Assert.AreEqual(2L, await Cluster.AdminScalarAsync(
            "SELECT count(*) FROM pg_tables WHERE tablename IN ($1, $2)", Token, options.Table, options.HaTable));
    }

    [TestMethod]
    public async Task TablesCreatedBeforehand_AreUsedByAUserWhoCannotCreateTables()
    {
        // As a DBA would set it up for Vault: the tables exist, the user may only read and write them.
        var options = Cluster.NewTable();
        var user = "u_" + options.Table[3..];
        await Cluster.AdminExecuteAsync(
            Token,
            $"CREATE TABLE {options.Table} (parent_path TEXT COLLATE \"C\" NOT NULL, path TEXT COLLATE \"C\", key TEXT COLLATE \"C\", value BYTEA, PRIMARY KEY (path, key))",
            $"CREATE USER {user} PASSWORD 'pw'",
            $"REVOKE CREATE ON SCHEMA public FROM PUBLIC",
            $"GRANT SELECT, INSERT, UPDATE, DELETE ON {options.Table} TO {user}");
        options.ConnectionUrl = Cluster.PooledConnectionString(user, "pw");
        await using var storage = new PostgresStorage(options);

        await storage.PutAsync(new StorageEntry("x/y", [7]), Token);

        CollectionAssert.AreEqual(new byte[] { 7 }, (await storage.GetAsync("x/y", Token))!.Value);
    }

    [TestMethod]
    public async Task NoPrivilegeOnTheTable_IsAnInternalErrorWithPostgresReason_NotRetried()
    {
        var options = Cluster.NewTable();
        await using (var owner = new PostgresStorage(options))
        {
            await owner.PutAsync(new StorageEntry("k", [1]), Token);
        }

        var user = "n_" + options.Table[3..];
        await Cluster.AdminExecuteAsync(Token, $"CREATE USER {user} PASSWORD 'pw'");
        options.ConnectionUrl = Cluster.PooledConnectionString(user, "pw");
        await using var storage = new PostgresStorage(options);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await storage.GetAsync("k", Token));

        Assert.AreEqual(ErrorCode.Internal, error.Code);
        StringAssert.Contains(error.Message, "PostgreSQL storage could not read 'k': permission denied for table " + options.Table + " (SQLSTATE 42501)");
    }

    [TestMethod]
    public async Task ConnectionsDroppedByTheServer_AreRetried_AndTheCallSucceeds()
    {
        var options = Cluster.NewTable();
        options.ConnectionUrl = new NpgsqlConnectionStringBuilder(options.ConnectionUrl) { ApplicationName = options.Table }.ConnectionString;
        await using var storage = new PostgresStorage(options);
        await storage.PutAsync(new StorageEntry("k", Encoding.UTF8.GetBytes("before")), Token);

        // The pooled connection dies under the store (a restart, a failover, an idle timeout on the way).
        Assert.AreEqual(1L, await Cluster.AdminScalarAsync(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", Token, options.Table));

        await storage.PutAsync(new StorageEntry("k", Encoding.UTF8.GetBytes("after")), Token);
        Assert.AreEqual("after", Encoding.UTF8.GetString((await storage.GetAsync("k", Token))!.Value));
    }

    [TestMethod]
    public async Task DatabaseUnreachable_FailsAfterTheLastAttempt_NeverAnsweringAsIfEmpty()
    {
        var options = Cluster.NewTable();
        options.ConnectionUrl = $"postgres://pluginhost:pw@127.0.0.1:{ClosedPort()}/postgres?connect_timeout=2";
        options.MaxAttempts = 2;
        await using var storage = new PostgresStorage(options);

        var read = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await storage.GetAsync("k", Token));
        var list = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await storage.ListAsync("", Token));
        var write = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await storage.PutAsync(new StorageEntry("k", [1]), Token));

        Assert.AreEqual(ErrorCode.Unavailable, read.Code);
        StringAssert.StartsWith(read.Message, "PostgreSQL storage could not read 'k': ");
        StringAssert.Contains(read.Message, "(2 attempts); check that the database is reachable");
        StringAssert.StartsWith(list.Message, "PostgreSQL storage could not list the root folder: ");
        StringAssert.StartsWith(write.Message, "PostgreSQL storage could not write 'k': ");
        Assert.DoesNotContain("pw", read.Message);
    }

    [TestMethod]
    [DataRow("", "connection_url is empty")]
    [DataRow("postgres://u:secret@h/db?sslmod=disable", "invalid connection_url: unsupported parameter \"sslmod\"")]
    [DataRow("Hots=h;Password=secret", "invalid connection_url: it is neither a postgres:// URL nor an Npgsql keyword string")]
    public void InvalidConnectionUrl_IsRefusedWithTheReason_NeverThePassword(string url, string expected)
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => new PostgresStorage(new PostgresStorageOptions { ConnectionUrl = url }));

        StringAssert.StartsWith(error.Message, expected);
        Assert.DoesNotContain("secret", error.Message);
    }

    [TestMethod]
    [DataRow("kv; DROP TABLE x", "", "table \"kv; DROP TABLE x\" is not a plain table name")]
    [DataRow("1kv", "", "table \"1kv\" is not a plain table name")]
    [DataRow("kv", "lock\"s", "ha_table \"lock\"s\" is not a plain table name")]
    [DataRow("same", "same", "table and ha_table are both \"same\"")]
    public void InvalidTableNames_AreRefused(string table, string haTable, string expected)
    {
        var options = new PostgresStorageOptions { ConnectionUrl = "Host=h", Table = table, HaEnabled = haTable.Length > 0, HaTable = haTable };

        var error = Assert.ThrowsExactly<ArgumentException>(() => new PostgresStorage(options));

        StringAssert.StartsWith(error.Message, expected);
    }

    [TestMethod]
    public void NoHa_HasNoLock_AndSaysHowToGetOne()
    {
        using var storage = new PostgresStorage(new PostgresStorageOptions { ConnectionUrl = "Host=h" });

        Assert.IsFalse(storage.HaEnabled);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => storage.Lock);
        StringAssert.Contains(error.Message, "set HaEnabled (ha_enabled = \"true\")");
    }

    [TestMethod]
    public void UsePostgreSql_ChecksTheSettingsAtOnce_AndSetsTheStorage()
    {
        var options = new PluginHostOptions();

        Assert.ThrowsExactly<ArgumentException>(() => options.UsePostgreSql("postgres://h/db?bad=1"));
        Assert.IsNull(options.StorageFactory);

        options.UsePostgreSql("postgres://h/db", pg => pg.Table = "mine");
        using var services = new ServiceCollection().BuildServiceProvider();
        using var storage = (PostgresStorage)options.StorageFactory!(services);
        Assert.IsFalse(storage.HaEnabled);
    }

    private async Task<string[]> RowsAsync(string table)
    {
        await using var admin = new NpgsqlConnection(Cluster.ConnectionString());
        await admin.OpenAsync(Token);
        await using var command = new NpgsqlCommand($"SELECT parent_path || '|' || path || '|' || key FROM {table} ORDER BY 1", admin);
        await using var reader = await command.ExecuteReaderAsync(Token);
        var rows = new List<string>();
        while (await reader.ReadAsync(Token))
        {
            rows.Add(reader.GetString(0));
        }

        return [.. rows];
    }

    private static int ClosedPort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }
}
