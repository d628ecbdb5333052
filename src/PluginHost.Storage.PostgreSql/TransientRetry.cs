using Microsoft.Extensions.Logging;
using Npgsql;

namespace PluginHost.Storage.PostgreSql;

/// <summary>
/// Runs one database call, trying it again after a transient failure (a dropped connection, a server restarting, a
/// serialization failure) up to a bound, and turns what is left into a <see cref="PluginHostException"/> that names
/// the call. Only idempotent calls come here: running one twice leaves what running it once leaves, so a retry after a
/// commit whose answer was lost changes nothing; and a failure is never answered as a success.
/// </summary>
internal sealed partial class TransientRetry(int maxAttempts, ILogger logger)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Runs <paramref name="call"/>.</summary>
    /// <param name="action">What the call does, for messages.</param>
    /// <param name="call">The call; each attempt runs it anew.</param>
    /// <param name="cancellationToken">Cancels the call and the waits between attempts.</param>
    /// <exception cref="PluginHostException">
    /// Unavailable: still failing transiently after the last attempt; Internal: a failure no retry would change
    /// (a permission, a missing table, a broken statement).
    /// </exception>
    public async ValueTask<T> RunAsync<T>(StorageCall action, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (IsTransient(error) && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= maxAttempts)
                {
                    throw new PluginHostException(
                        ErrorCode.Unavailable,
                        $"PostgreSQL storage could not {action}: {Reason(error)} ({attempt} {(attempt == 1 ? "attempt" : "attempts")}); check that the database is reachable",
                        error);
                }

                var delay = FirstDelay * Math.Pow(4, attempt - 1);
                LogRetrying(logger, action, attempt, Reason(error), delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is NpgsqlException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
                throw new PluginHostException(ErrorCode.Internal, $"PostgreSQL storage could not {action}: {Reason(error)}", error);
            }
        }
    }

    /// <summary>Whether trying again may succeed: Npgsql's own judgement (I/O errors, timeouts, SQLSTATEs such as 40001, 57P01, 53300).</summary>
    public static bool IsTransient(Exception error) => error is NpgsqlException { IsTransient: true };

    /// <summary>The error's text, without the stack: PostgreSQL's message and SQLSTATE, or Npgsql's and its cause's.</summary>
    public static string Reason(Exception error) => error switch
    {
        PostgresException postgres => $"{postgres.MessageText} (SQLSTATE {postgres.SqlState})",
        { InnerException: { } inner } when error is NpgsqlException => $"{error.Message}: {inner.Message}",
        _ => error.Message,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL storage could not {Action} (attempt {Attempt}): {Reason}; trying again in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, StorageCall action, int attempt, string reason, double delayMs);
}
