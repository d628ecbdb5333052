using System.Diagnostics.CodeAnalysis;
using Npgsql;
using PluginHost;
using PluginHost.Database;
using PluginHost.Sdk;

namespace PostgresDatabasePlugin;

/// <summary>
/// Vault's <c>postgresql-database-plugin</c>: creates, changes and drops PostgreSQL roles for one configured
/// connection, through its own Npgsql data source (pool). One instance per connection; calls may run concurrently.
/// </summary>
/// <remarks>
/// Creation runs in one transaction, so a failure leaves no role behind (the rollback statements then run too, best
/// effort). The default revocation works in the database the connection names only: a role that owns objects or holds
/// grants in another database cannot be dropped by it, and the error says so.
/// </remarks>
[SuppressMessage("Maintainability", "CA1515:Consider making public types internal", Justification = "Public so tests can serve it in-process with PluginHarness.")]
public sealed class PostgresDatabase : DatabaseBase
{
    /// <summary>PostgreSQL's longest identifier (NAMEDATALEN - 1), and so the longest user name.</summary>
    public const int MaxUsernameLength = 63;

    private const string DefaultPasswordStatement = "ALTER ROLE \"{{name}}\" WITH PASSWORD '{{password}}';";
    private const string DefaultExpirationStatement = "ALTER ROLE \"{{name}}\" VALID UNTIL '{{expiration}}';";
    private const string DefaultRevocationStatements = """
        REASSIGN OWNED BY "{{name}}" TO CURRENT_USER;
        DROP OWNED BY "{{name}}";
        DROP ROLE IF EXISTS "{{name}}";
        """;

    // How long the revocation waits for each of the role's sessions to end (PostgreSQL 14 and later).
    private const int TerminateTimeoutMilliseconds = 5000;

    private static readonly TimeSpan RollbackTimeout = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time;
    private NpgsqlDataSource? _dataSource;
    private IReadOnlyList<string?> _secrets = [];

    /// <summary>Creates an instance; the host initializes it with a connection's configuration.</summary>
    public PostgresDatabase()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Creates an instance whose generated user names take their time from <paramref name="time"/>.</summary>
    /// <param name="time">The clock.</param>
    public PostgresDatabase(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <inheritdoc />
    public override string TypeName => "postgresql";

    /// <inheritdoc />
    public override async ValueTask<InitializeResponse> InitializeAsync(InitializeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = ConnectionSettings.Parse(request.Config);
        var dataSource = settings.CreateDataSource();
        try
        {
            if (request.VerifyConnection)
            {
                await VerifyAsync(dataSource, settings, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _secrets = settings.Secrets;
        if (Interlocked.Exchange(ref _dataSource, dataSource) is { } previous)
        {
            await previous.DisposeAsync().ConfigureAwait(false);
        }

        return new InitializeResponse { Config = request.Config };
    }

    /// <inheritdoc />
    public override async ValueTask<NewUserResponse> NewUserAsync(NewUserRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var statements = SplitStatements(request.Statements);
        if (statements.Count == 0)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "empty creation statements");
        }

        var dataSource = DataSource();
        var values = new StatementValues
        {
            Name = GenerateUsername(request.UsernameConfig, MaxUsernameLength, _time.GetUtcNow()),
            Password = request.Password,
            Expiration = request.Expiration,
        };
        var started = false;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            started = true;
            await StatementRunner.RunAsync(connection, "creation", statements, values, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            var error = failure is NpgsqlException database
                ? Failed(started ? "creating the user failed" : "connecting to the database failed", database, values)
                : failure;
            if (started)
            {
                // The transaction is rolled back by now (disposed); the rollback statements undo what it could not.
                var rollbackFailures = await RollBackAsync(dataSource, SplitStatements(request.RollbackStatements), values).ConfigureAwait(false);
                if (error is PluginHostException known && rollbackFailures.Count > 0)
                {
                    error = new PluginHostException(known.Code, $"{known.Message}; {string.Join("; ", rollbackFailures)}", known);
                }
            }

            if (ReferenceEquals(error, failure))
            {
                throw;
            }

            throw error;
        }

        return new NewUserResponse { Username = values.Name };
    }

    /// <inheritdoc />
    public override async ValueTask UpdateUserAsync(UpdateUserRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = new StatementValues
        {
            Name = RequireUsername(request.Username),
            Password = request.Password?.NewPassword,
            Expiration = request.Expiration?.NewExpiration,
        };
        var dataSource = DataSource();
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (!await StatementRunner.RoleExistsAsync(connection, values.Name, cancellationToken).ConfigureAwait(false))
            {
                throw new PluginHostException(ErrorCode.BadRequest, $"cannot update user \"{values.Name}\": the user does not exist");
            }

            if (request.Password is { } password)
            {
                var statements = StatementsOrDefault(password.Statements, DefaultPasswordStatement);
                await StatementRunner.RunAsync(connection, "password change", statements, values, cancellationToken).ConfigureAwait(false);
            }

            if (request.Expiration is { } expiration)
            {
                var statements = StatementsOrDefault(expiration.Statements, DefaultExpirationStatement);
                await StatementRunner.RunAsync(connection, "expiration change", statements, values, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException error)
        {
            throw Failed($"updating user \"{values.Name}\" failed", error, values);
        }
    }

    /// <inheritdoc />
    public override async ValueTask DeleteUserAsync(DeleteUserRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = new StatementValues { Name = RequireUsername(request.Username) };
        var dataSource = DataSource();
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            if (!await StatementRunner.RoleExistsAsync(connection, values.Name, cancellationToken).ConfigureAwait(false))
            {
                // Already gone: a revocation retried after a lost answer succeeds.
                return;
            }

            var statements = SplitStatements(request.Statements);
            if (statements.Count == 0)
            {
                if (!await EndSessionsAsync(connection, values, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                statements = SplitStatements(new DatabaseStatements { Commands = [DefaultRevocationStatements] });
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await StatementRunner.RunAsync(connection, "revocation", statements, values, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException error)
        {
            throw Failed($"deleting user \"{values.Name}\" failed", error, values);
        }
    }

    /// <inheritdoc />
    public override async ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _dataSource, null) is { } dataSource)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task VerifyAsync(NpgsqlDataSource dataSource, ConnectionSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await StatementRunner.ExecuteAsync(connection, "SELECT 1", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is NpgsqlException or TimeoutException or InvalidOperationException or ArgumentException)
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                SecretRedactor.Redact($"error verifying connection: {StatementRunner.Describe(error)}", [.. settings.Secrets]),
                error);
        }
    }

    // Vault's default revocation leaves the role's open sessions running; here a revoked credential stops working at
    // once: its logins are refused first (committed, so no new session can start), then its open sessions are ended.
    // False when the role was dropped meanwhile (by a concurrent revocation): nothing is left to do.
    private static async Task<bool> EndSessionsAsync(NpgsqlConnection connection, StatementValues values, CancellationToken cancellationToken)
    {
        try
        {
            await StatementRunner.RunOneAsync(connection, "disabling the user's logins", "ALTER ROLE \"{{name}}\" NOLOGIN", values, cancellationToken).ConfigureAwait(false);
        }
        catch (PluginHostException error) when (error.InnerException is PostgresException { SqlState: PostgresErrorCodes.UndefinedObject })
        {
            return false;
        }

        // From PostgreSQL 14 pg_terminate_backend can wait for the session to be gone, so the next query on it fails.
        var terminate = connection.PostgreSqlVersion.Major >= 14
            ? $"SELECT pg_terminate_backend(pid, {TerminateTimeoutMilliseconds}) FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()"
            : "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()";
        try
        {
            await StatementRunner.ExecuteAsync(connection, terminate, cancellationToken, values.Name).ConfigureAwait(false);
        }
        catch (NpgsqlException error)
        {
            throw StatementRunner.Failed("ending the user's sessions failed", error);
        }

        return true;
    }

    // Best effort: each rollback statement on its own, on a fresh connection (the failed one may be broken), whatever
    // happened to the ones before. Returns what failed, for the error.
    private static async Task<List<string>> RollBackAsync(NpgsqlDataSource dataSource, IReadOnlyList<string> statements, StatementValues values)
    {
        var failures = new List<string>();
        if (statements.Count == 0)
        {
            return failures;
        }

        // Not the caller's token: a cancelled creation must still be cleaned up.
        using var timeout = new CancellationTokenSource(RollbackTimeout);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
            for (var i = 0; i < statements.Count; i++)
            {
                try
                {
                    await StatementRunner.RunOneAsync(connection, $"rollback statement {i + 1} of {statements.Count}", statements[i], values, timeout.Token).ConfigureAwait(false);
                }
                catch (PluginHostException error)
                {
                    failures.Add(error.Message);
                }
            }
        }
        catch (Exception error) when (error is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            failures.Add($"rollback statements not run: {StatementRunner.Describe(error)}");
        }

        return failures;
    }

    private PluginHostException Failed(string what, NpgsqlException error, StatementValues values) =>
        StatementRunner.Failed(what, error, [.. _secrets, values.Password]);

    private NpgsqlDataSource DataSource() =>
        Volatile.Read(ref _dataSource)
        ?? throw new PluginHostException(ErrorCode.BadRequest, "the database connection is not initialized (or is closed): initialize it first");

    private static string RequireUsername(string username) =>
        string.IsNullOrEmpty(username) ? throw new PluginHostException(ErrorCode.BadRequest, "missing username") : username;

    private static IReadOnlyList<string> StatementsOrDefault(DatabaseStatements statements, string fallback)
    {
        var split = SplitStatements(statements);
        return split.Count > 0 ? split : [fallback];
    }
}
