using Npgsql;
using PluginHost;

namespace PostgresDatabasePlugin;

/// <summary>
/// Runs a role's statements on one connection, in order, each rendered just before it runs (so it sees the session's
/// <c>standard_conforming_strings</c> as the statements before it left it). Failures name the statement by number and
/// carry PostgreSQL's message, without the password.
/// </summary>
internal static class StatementRunner
{
    /// <summary>Renders and runs <paramref name="statements"/> (<paramref name="kind"/> names them in errors: "creation", "revocation" …).</summary>
    /// <exception cref="PluginHostException">BadRequest: a value could not be placed; Internal: PostgreSQL refused a statement.</exception>
    public static async Task RunAsync(
        NpgsqlConnection connection, string kind, IReadOnlyList<string> statements, StatementValues values, CancellationToken cancellationToken)
    {
        for (var i = 0; i < statements.Count; i++)
        {
            await RunOneAsync(connection, $"{kind} statement {i + 1} of {statements.Count}", statements[i], values, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Renders and runs one statement; <paramref name="which"/> names it in errors.</summary>
    /// <exception cref="PluginHostException">BadRequest: a value could not be placed; Internal: PostgreSQL refused the statement.</exception>
    public static async Task RunOneAsync(NpgsqlConnection connection, string which, string statement, StatementValues values, CancellationToken cancellationToken)
    {
        string sql;
        try
        {
            sql = StatementRenderer.Render(statement, values, StandardConformingStrings(connection));
        }
        catch (PluginHostException refused)
        {
            throw new PluginHostException(refused.Code, $"{which}: {refused.Message}", refused);
        }

        try
        {
            await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException error)
        {
            throw Failed($"{which} failed", error, values.Password);
        }
    }

    /// <summary>Runs one statement with positional parameters (<c>$1</c>, …).</summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a role named <paramref name="name"/> exists.</summary>
    public static async Task<bool> RoleExistsAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", [name]);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
    }

    /// <summary>An Internal error: <paramref name="what"/> and the database's reason, with <paramref name="secrets"/> masked.</summary>
    public static PluginHostException Failed(string what, Exception error, params ReadOnlySpan<string?> secrets) =>
        new(ErrorCode.Internal, SecretRedactor.Redact($"{what}: {Describe(error)}", secrets), error);

    /// <summary>The database's reason: the SQLSTATE and message of a server error, or the driver's message and its cause.</summary>
    public static string Describe(Exception error) => error switch
    {
        PostgresException server => $"{server.SqlState}: {server.MessageText}",
        { InnerException: { } cause } when cause is not PostgresException => $"{error.Message} ({cause.Message})",
        _ => error.Message,
    };

    // PostgreSQL reports the setting at connect and whenever it changes; it has been on by default since 9.1.
    private static bool StandardConformingStrings(NpgsqlConnection connection) =>
        !(connection.PostgresParameters.TryGetValue("standard_conforming_strings", out var value) && value == "off");

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, object[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }
}
