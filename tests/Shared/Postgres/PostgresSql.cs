using Npgsql;

namespace PluginHost.Tests.Postgres;

/// <summary>What the database tests do with a <see cref="PostgresCluster"/>: log in as a user, run SQL as the superuser.</summary>
public static class PostgresSql
{
    /// <summary>Opens an unpooled connection as <paramref name="user"/> (the password may hold any character).</summary>
    public static async Task<NpgsqlConnection> LoginAsync(this PostgresCluster cluster, string user, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var settings = new NpgsqlConnectionStringBuilder(cluster.ConnectionString()) { Username = user, Password = password };
        var connection = new NpgsqlConnection(settings.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="sql"/> on <paramref name="connection"/> and answers the first column of the first row.</summary>
    public static async Task<object?> ScalarAsync(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Runs <paramref name="sql"/> as the superuser with positional parameters (<c>$1</c>, …).</summary>
    public static async Task<object?> AdminScalarAsync(this PostgresCluster cluster, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        await using var admin = new NpgsqlConnection(cluster.ConnectionString());
        await admin.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, admin);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Runs <paramref name="statements"/> in order as the superuser.</summary>
    public static async Task AdminExecuteAsync(this PostgresCluster cluster, CancellationToken cancellationToken, params string[] statements)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        await using var admin = new NpgsqlConnection(cluster.ConnectionString());
        await admin.OpenAsync(cancellationToken);
        foreach (var statement in statements)
        {
            await using var command = new NpgsqlCommand(statement, admin);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
