using Npgsql;
using PluginHost.Tests.Postgres;

namespace PluginHost.IntegrationTests;

/// <summary>
/// The real PostgreSQL the database tests run against (Debian's package, a cluster of the test's own on 127.0.0.1):
/// its superuser logs in, a role made with a password and VALID UNTIL logs in and is refused what it was not granted.
/// </summary>
[TestClass]
public sealed class PostgresClusterTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task AClusterOfTheTestsOwn_ServesLogins_AndEnforcesGrants()
    {
        await using var cluster = await PostgresCluster.StartAsync(TestContext.CancellationToken);
        await using (var admin = new NpgsqlConnection(cluster.ConnectionString()))
        {
            await admin.OpenAsync(TestContext.CancellationToken);
            foreach (var statement in (string[])[
                "CREATE TABLE secrets (value text)",
                "CREATE TABLE open_data (value text)",
                "CREATE ROLE \"v-reader\" WITH LOGIN PASSWORD 's3cret-Pa55' VALID UNTIL 'infinity'",
                "GRANT SELECT ON open_data TO \"v-reader\""])
            {
                await using var command = new NpgsqlCommand(statement, admin);
                await command.ExecuteNonQueryAsync(TestContext.CancellationToken);
            }
        }

        await using var reader = new NpgsqlConnection(cluster.ConnectionString("v-reader", "s3cret-Pa55"));
        await reader.OpenAsync(TestContext.CancellationToken);
        await using (var one = new NpgsqlCommand("SELECT 1", reader))
        {
            Assert.AreEqual(1, await one.ExecuteScalarAsync(TestContext.CancellationToken));
        }

        await using (var granted = new NpgsqlCommand("SELECT count(*) FROM open_data", reader))
        {
            Assert.AreEqual(0L, await granted.ExecuteScalarAsync(TestContext.CancellationToken));
        }

        await using var notGranted = new NpgsqlCommand("SELECT * FROM secrets", reader);
        var denied = await Assert.ThrowsExactlyAsync<PostgresException>(async () => await notGranted.ExecuteScalarAsync(TestContext.CancellationToken));
        Assert.AreEqual(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);

        await using var wrongPassword = new NpgsqlConnection(cluster.ConnectionString("v-reader", "wrong"));
        var refused = await Assert.ThrowsExactlyAsync<PostgresException>(async () => await wrongPassword.OpenAsync(TestContext.CancellationToken));
        Assert.AreEqual(PostgresErrorCodes.InvalidPassword, refused.SqlState);
    }
}
