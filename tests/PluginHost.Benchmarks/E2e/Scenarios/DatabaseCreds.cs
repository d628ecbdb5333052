using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using PluginHost.Authorization;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;
using PluginHost.Catalog;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Tests.Postgres;

namespace PluginHost.Benchmarks.E2e.Scenarios;

/// <summary>
/// Database credentials (issue 17). <c>db_creds_ms_p50</c>: a read of <c>database/creds/readonly</c> through
/// <see cref="IPluginHost"/> (the builtin <c>database</c> engine, the published <c>postgresql-database-plugin</c> as a
/// real process, a real <see cref="PostgresCluster"/>) until an Npgsql login with the issued credentials has answered
/// <c>SELECT 1</c>. Its floor, <c>pg_create_role_ms_p50</c>: the same <c>CREATE ROLE</c> and <c>GRANT</c> in one
/// transaction on a pooled admin connection (a fresh random name and password), then the same login and
/// <c>SELECT 1</c>. The two are interleaved sample by sample (each first in turn) in passes; each figure is the
/// median of the passes' p50s. Every role made is
/// dropped between passes: the engine's by revoking their leases through the host (the plugin drops them), the
/// floor's in bulk.
/// </summary>
internal static class DatabaseCreds
{
    /// <summary>The role's creation statements, as issue 17 gives them.</summary>
    public const string CreationStatements =
        "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT SELECT ON bench TO \"{{name}}\";";

    private const string CredsPath = "database/creds/readonly";
    private const string NameAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string PasswordAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    // The floor's roles: the engine's are v-<display name>-<role>-<20 random>-<unix time>, the application's display
    // name empty; these are as long, with another first letter.
    private const string FloorPrefix = "f--readonly-";

    /// <summary>The figures, in milliseconds; each a median over the passes of the pass's p50.</summary>
    /// <param name="DbMsP50">The creds read and the login.</param>
    /// <param name="FloorMsP50">CREATE ROLE + GRANT and the login.</param>
    /// <param name="DbPassP50s">Each pass's p50 of the creds path.</param>
    /// <param name="FloorPassP50s">Each pass's p50 of the floor.</param>
    /// <param name="DbIssueMsP50">Of the creds path, the read alone (the host's answer).</param>
    /// <param name="DbLoginMsP50">Of the creds path, the login and SELECT 1 alone.</param>
    /// <param name="FloorCreateMsP50">Of the floor, the transaction alone.</param>
    /// <param name="FloorLoginMsP50">Of the floor, the login and SELECT 1 alone.</param>
    /// <param name="DbSessionsPerSample">PostgreSQL sessions started per creds sample in a counted stretch (1: only the login; more: the plugin connected too).</param>
    /// <param name="FloorSessionsPerSample">The same for the floor.</param>
    /// <param name="NoopCredsMsP50">Breakdown: the creds read of a role whose one statement is <c>SELECT 1</c> (no user is made).</param>
    /// <param name="NoopFloorMsP50">Breakdown: <c>BEGIN; SELECT 1; COMMIT</c> on the pooled admin connection.</param>
    internal sealed record Result(
        double DbMsP50,
        double FloorMsP50,
        IReadOnlyList<double> DbPassP50s,
        IReadOnlyList<double> FloorPassP50s,
        double DbIssueMsP50,
        double DbLoginMsP50,
        double FloorCreateMsP50,
        double FloorLoginMsP50,
        double DbSessionsPerSample,
        double FloorSessionsPerSample,
        double NoopCredsMsP50,
        double NoopFloorMsP50);

    private readonly record struct Sample(double FirstMs, double TotalMs);

    public static async Task<Result> MeasureAsync(
        Workspace workspace, MockPluginBinary plugin, PostgresCluster cluster, Budget budget, int passes, int perPass, Action<string> progress, CancellationToken cancellationToken)
    {
        await using (var setup = new NpgsqlConnection(cluster.ConnectionString()))
        {
            await setup.OpenAsync(cancellationToken);
            await ExecuteAsync(setup, "CREATE TABLE IF NOT EXISTS bench (value int); INSERT INTO bench VALUES (1)", cancellationToken);
        }

        await using var bench = BenchHost.Create(workspace);
        var host = bench.Host;
        await host.Catalog.RegisterAsync(
            new PluginRegistration { Type = BackendType.Database, Name = plugin.Name, Command = plugin.Name, Sha256 = plugin.Sha256 },
            cancellationToken);
        await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "database", Path = "database" }, cancellationToken);
        await host.WriteAsync("database/config/pg", new
        {
            plugin_name = plugin.Name,
            connection_url = $"postgresql://{{{{username}}}}:{{{{password}}}}@127.0.0.1:{cluster.Port}/postgres?sslmode=disable",
            username = PostgresCluster.Superuser,
            password = cluster.Password,
            allowed_roles = "readonly,noop",
        }, cancellationToken);
        await host.WriteAsync("database/roles/readonly", new
        {
            db_name = "pg",
            creation_statements = CreationStatements,
            default_ttl = "1h",
            max_ttl = "1h",
        }, cancellationToken);

        // For the breakdown only: a role whose one statement makes nothing, so its creds read is the engine's own part.
        await host.WriteAsync("database/roles/noop", new { db_name = "pg", creation_statements = "SELECT 1", default_ttl = "1h", max_ttl = "1h" }, cancellationToken);

        // The floor's pool is the plugin's: Npgsql, the same server, at most 4 connections (Vault's default), no TLS.
        var adminSettings = new NpgsqlConnectionStringBuilder(cluster.ConnectionString()) { Pooling = true, MaxPoolSize = 4, SslMode = SslMode.Disable };
        await using var admin = NpgsqlDataSource.Create(adminSettings);
        var floorRoles = new List<string>();

        // Warm-up by time, as every path of the harness: the first path through a new plugin process gets the longer one.
        progress($"database: warm-up, creds {(budget.Warmup + budget.NewProcessWarmup).TotalSeconds:0} s, floor {budget.Warmup.TotalSeconds:0} s");
        await WarmAsync(budget.Warmup + budget.NewProcessWarmup, () => CredsSampleAsync(host, cluster, cancellationToken));
        await WarmAsync(budget.Warmup, () => FloorSampleAsync(admin, cluster, floorRoles, cancellationToken));
        await CleanUpAsync(host, admin, floorRoles, cancellationToken);

        var db = new List<Sample>(passes * perPass);
        var floor = new List<Sample>(passes * perPass);
        var dbPasses = new List<double>(passes);
        var floorPasses = new List<double>(passes);
        for (var pass = 0; pass < passes; pass++)
        {
            // Interleaved, each first in turn: on a shared machine whose load moves, both see the same moments.
            var dbPass = new List<Sample>(perPass);
            var floorPass = new List<Sample>(perPass);
            for (var i = 0; i < perPass; i++)
            {
                if (i % 2 == 0)
                {
                    dbPass.Add(await CredsSampleAsync(host, cluster, cancellationToken));
                    floorPass.Add(await FloorSampleAsync(admin, cluster, floorRoles, cancellationToken));
                }
                else
                {
                    floorPass.Add(await FloorSampleAsync(admin, cluster, floorRoles, cancellationToken));
                    dbPass.Add(await CredsSampleAsync(host, cluster, cancellationToken));
                }
            }

            await CleanUpAsync(host, admin, floorRoles, cancellationToken);
            db.AddRange(dbPass);
            floor.AddRange(floorPass);
            dbPasses.Add(Stats.Median(dbPass.Select(s => s.TotalMs)));
            floorPasses.Add(Stats.Median(floorPass.Select(s => s.TotalMs)));
            progress(string.Create(CultureInfo.InvariantCulture, $"database: pass {pass + 1}/{passes}, p50 creds {dbPasses[^1]:0.00} ms, floor {floorPasses[^1]:0.00} ms"));
        }

        // What the engine adds around the statements: the creds read of the noop role (routing, a JSON-RPC round trip
        // to the plugin, its pooled transaction with SELECT 1, the lease) against that transaction over Npgsql here.
        progress("database: breakdown, creds read of a role whose statement is SELECT 1, against BEGIN; SELECT 1; COMMIT over Npgsql");
        var noopWarmup = Stopwatch.GetTimestamp() + (long)(budget.Warmup.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < noopWarmup)
        {
            await NoopCredsAsync(host, cancellationToken);
            await NoopFloorAsync(admin, cancellationToken);
        }

        var noopCreds = new List<double>(passes * perPass * 2);
        var noopFloor = new List<double>(passes * perPass * 2);
        for (var i = 0; i < passes * perPass * 2; i++)
        {
            noopCreds.Add(await NoopCredsAsync(host, cancellationToken));
            noopFloor.Add(await NoopFloorAsync(admin, cancellationToken));
        }

        await host.WriteAsync("sys/leases/revoke-prefix/database/creds/noop", new { }, cancellationToken);

        // Whether anything besides the login connects per credential (the plugin's pool should not): PostgreSQL's own
        // count of sessions, over a short stretch of each path after the passes.
        var countedSamples = Math.Min(perPass, 20);
        var dbSessions = await SessionsPerSampleAsync(admin, countedSamples, () => CredsSampleAsync(host, cluster, cancellationToken), cancellationToken);
        var floorSessions = await SessionsPerSampleAsync(admin, countedSamples, () => FloorSampleAsync(admin, cluster, floorRoles, cancellationToken), cancellationToken);
        await CleanUpAsync(host, admin, floorRoles, cancellationToken);

        return new Result(
            Stats.Median(dbPasses),
            Stats.Median(floorPasses),
            dbPasses,
            floorPasses,
            MedianOfPasses(db, perPass, s => s.FirstMs),
            MedianOfPasses(db, perPass, s => s.TotalMs - s.FirstMs),
            MedianOfPasses(floor, perPass, s => s.FirstMs),
            MedianOfPasses(floor, perPass, s => s.TotalMs - s.FirstMs),
            dbSessions,
            floorSessions,
            Stats.Median(noopCreds),
            Stats.Median(noopFloor));
    }

    private static async Task<double> NoopCredsAsync(IPluginHost host, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var answer = await host.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "database/creds/noop" }, RequestCaller.Application, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return answer.LeaseId is not null ? elapsed : throw new InvalidOperationException("database/creds/noop answered no lease");
    }

    private static async Task<double> NoopFloorAsync(NpgsqlDataSource admin, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        await using (var connection = await admin.OpenConnectionAsync(cancellationToken))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, "SELECT 1", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    // One credential through the host: the creds read, then a login with what it answered.
    private static async Task<Sample> CredsSampleAsync(IPluginHost host, PostgresCluster cluster, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var answer = await host.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = CredsPath }, RequestCaller.Application, cancellationToken);
        var issued = Stopwatch.GetTimestamp();
        if (answer.LeaseId is null || answer.Response?.Data is not { } data)
        {
            throw new InvalidOperationException($"{CredsPath} answered no credentials with a lease");
        }

        var loggedIn = await LogInAsync(cluster, data["username"].GetString()!, data["password"].GetString()!, cancellationToken);
        return new Sample(Stopwatch.GetElapsedTime(start, issued).TotalMilliseconds, Stopwatch.GetElapsedTime(start, loggedIn).TotalMilliseconds);
    }

    // The floor: the same statements as the role's, rendered as the plugin renders them, straight over Npgsql.
    private static async Task<Sample> FloorSampleAsync(NpgsqlDataSource admin, PostgresCluster cluster, List<string> made, CancellationToken cancellationToken)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{FloorPrefix}{RandomNumberGenerator.GetString(NameAlphabet, 20)}-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}");
        var password = RandomNumberGenerator.GetString(PasswordAlphabet, 20);
        var expiration = (DateTimeOffset.UtcNow + TimeSpan.FromHours(1)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "+00";
        var start = Stopwatch.GetTimestamp();
        await using (var connection = await admin.OpenConnectionAsync(cancellationToken))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, $"CREATE ROLE \"{name}\" WITH LOGIN PASSWORD '{password}' VALID UNTIL '{expiration}'", cancellationToken);
            await ExecuteAsync(connection, $"GRANT SELECT ON bench TO \"{name}\"", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var created = Stopwatch.GetTimestamp();
        made.Add(name);
        var loggedIn = await LogInAsync(cluster, name, password, cancellationToken);
        return new Sample(Stopwatch.GetElapsedTime(start, created).TotalMilliseconds, Stopwatch.GetElapsedTime(start, loggedIn).TotalMilliseconds);
    }

    // A new session as the new role (no pool: a credential logs in once), SELECT 1 answered; the time it answered.
    // Closing the session is not timed.
    private static async Task<long> LogInAsync(PostgresCluster cluster, string username, string password, CancellationToken cancellationToken)
    {
        var settings = new NpgsqlConnectionStringBuilder(cluster.ConnectionString(username, password)) { SslMode = SslMode.Disable };
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        var one = await command.ExecuteScalarAsync(cancellationToken);
        var answered = Stopwatch.GetTimestamp();
        return one is 1 ? answered : throw new InvalidOperationException($"SELECT 1 as {username} answered {one}");
    }

    private static async Task WarmAsync(TimeSpan duration, Func<Task<Sample>> sample)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            await sample();
        }
    }

    private static async Task<List<Sample>> PassAsync(int samples, Func<Task<Sample>> sample)
    {
        var results = new List<Sample>(samples);
        for (var i = 0; i < samples; i++)
        {
            results.Add(await sample());
        }

        return results;
    }

    // The engine's users go as an operator would make them go, by revoking their leases (the plugin drops each role);
    // the floor's in one statement per 100. Then nothing of either may be left.
    private static async Task CleanUpAsync(IPluginHost host, NpgsqlDataSource admin, List<string> floorRoles, CancellationToken cancellationToken)
    {
        await host.WriteAsync($"sys/leases/revoke-prefix/{CredsPath}", new { }, cancellationToken);
        await using var connection = await admin.OpenConnectionAsync(cancellationToken);
        foreach (var chunk in floorRoles.Chunk(100))
        {
            var names = string.Join(", ", chunk.Select(name => $"\"{name}\""));
            await ExecuteAsync(connection, $"DROP OWNED BY {names}; DROP ROLE {names}", cancellationToken);
        }

        floorRoles.Clear();
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM pg_roles WHERE rolname LIKE 'v-%' OR rolname LIKE '{FloorPrefix}%'", connection);
        if (await count.ExecuteScalarAsync(cancellationToken) is not 0L and var left)
        {
            throw new InvalidOperationException($"{left} roles of the benchmark are left after the clean-up");
        }
    }

    // Sessions PostgreSQL started (pg_stat_database.sessions) while `samples` samples ran, per sample. Backends report
    // their counters when they exit or within a second of going idle, hence the pauses.
    private static async Task<double> SessionsPerSampleAsync(NpgsqlDataSource admin, int samples, Func<Task<Sample>> sample, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
        var before = await SessionsAsync(admin, cancellationToken);
        await PassAsync(samples, sample);
        await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
        return (await SessionsAsync(admin, cancellationToken) - before) / (double)samples;
    }

    private static async Task<long> SessionsAsync(NpgsqlDataSource admin, CancellationToken cancellationToken)
    {
        await using var connection = await admin.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT sessions FROM pg_stat_database WHERE datname = current_database()", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static double MedianOfPasses(List<Sample> samples, int perPass, Func<Sample, double> part) =>
        Stats.Median(samples.Chunk(perPass).Select(pass => Stats.Median(pass.Select(part))));

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
