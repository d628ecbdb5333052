using Microsoft.Extensions.Logging;
using PluginHost.Database;

namespace PluginHost.DatabaseEngine;

/// <summary>
/// Sets static roles' passwords: on demand (<c>rotate-role</c>, a new static role) and in the background when each
/// role's <c>rotation_period</c> has passed. A failed rotation is tried again after <see cref="RetryDelay"/>; one cut
/// short by a stop (the new password written as pending) is done again at the next start.
/// </summary>
internal sealed partial class StaticRotation(EngineContext engine) : IAsyncDisposable
{
    /// <summary>How long a failed rotation waits before it is tried again (Vault retries every 10 seconds).</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(10);

    // Longest sleep between looks at the roles, so a role changed on another path is not waited on for a whole period.
    private static readonly TimeSpan MaxSleep = TimeSpan.FromMinutes(1);

    private readonly ILogger _logger = engine.Logger;
    private readonly SemaphoreSlim _rotating = new(1, 1);
    private readonly Dictionary<string, DateTimeOffset> _retryAt = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private CancellationTokenSource _wake = new();
    private Task? _loop;

    /// <summary>Starts the background rotations.</summary>
    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Makes the loop look at the roles again now (one was written).</summary>
    public void Wake()
    {
        lock (_retryAt)
        {
            _wake.Cancel();
        }
    }

    /// <summary>
    /// Gives a static role's user a new password now. A new role (<paramref name="creating"/>) is stored only once the
    /// database has the password; an existing one is rotated as it is stored when the rotation starts, and not at all
    /// when it was deleted meanwhile (a rotation waiting behind a delete must not bring the role back).
    /// </summary>
    /// <returns>The role as stored after the rotation, or <see langword="null"/> when it no longer exists.</returns>
    public async ValueTask<StaticRoleEntry?> RotateAsync(string name, StaticRoleEntry role, bool creating, CancellationToken cancellationToken)
    {
        await _rotating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!creating)
            {
                if (await engine.Store.GetStaticRoleAsync(name, cancellationToken).ConfigureAwait(false) is not { } current)
                {
                    return null;
                }

                role = current;
            }

            var connection = await engine.Connections.GetAsync(role.DbName, cancellationToken).ConfigureAwait(false);
            var password = PasswordGenerator.Generate();
            if (!creating)
            {
                // Should the host stop once the database has the new password, the next start rotates again at once.
                await engine.Store.PutStaticRoleAsync(name, role with { PendingPassword = password }, cancellationToken).ConfigureAwait(false);
            }

            await connection.Database.UpdateUserAsync(
                new UpdateUserRequest
                {
                    Username = role.Username,
                    Password = new PasswordChange { NewPassword = password, Statements = EngineContext.Statements(role.RotationStatements) },
                },
                cancellationToken).ConfigureAwait(false);
            var rotated = role with { Password = password, PendingPassword = null, LastVaultRotation = engine.Clock.GetUtcNow() };
            await engine.Store.PutStaticRoleAsync(name, rotated, CancellationToken.None).ConfigureAwait(false);
            lock (_retryAt)
            {
                _retryAt.Remove(name);
            }

            return rotated;
        }
        finally
        {
            _rotating.Release();
        }
    }

    /// <summary>Deletes a static role, waiting for a rotation of it in flight, so the rotation cannot write it back.</summary>
    public async ValueTask DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await _rotating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await engine.Store.DeleteStaticRoleAsync(name, cancellationToken).ConfigureAwait(false);
            lock (_retryAt)
            {
                _retryAt.Remove(name);
            }
        }
        finally
        {
            _rotating.Release();
        }
    }

    /// <summary>Stops the background rotations.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
        _wake.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            CancellationTokenSource wake;
            lock (_retryAt)
            {
                if (_wake.IsCancellationRequested)
                {
                    _wake.Dispose();
                    _wake = new CancellationTokenSource();
                }

                wake = _wake;
            }

            var sleep = MaxSleep;
            try
            {
                sleep = await RotateDueAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Stopped mid-scan (the mount's cleanup): end quietly, so the cleanup does not fail on it.
                return;
            }
            catch (Exception error)
            {
                // Storage unavailable (a sealed host, a failing disk): look again later rather than stop rotating for good.
                LogScanFailed(error);
            }

            using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, wake.Token);
            try
            {
                await Task.Delay(sleep, engine.Clock, either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Woken, or stopping: the loop condition tells which.
            }
        }
    }

    // Rotates every role that is due; answers how long to sleep until the next one is.
    private async Task<TimeSpan> RotateDueAsync(CancellationToken stopping)
    {
        var next = MaxSleep;
        foreach (var name in await engine.Store.ListStaticRolesAsync(stopping).ConfigureAwait(false))
        {
            if (await engine.Store.GetStaticRoleAsync(name, stopping).ConfigureAwait(false) is not { } role)
            {
                continue;
            }

            var now = engine.Clock.GetUtcNow();
            var due = role.NextRotation(now);
            lock (_retryAt)
            {
                if (_retryAt.TryGetValue(name, out var retry) && retry > due)
                {
                    due = retry;
                }
            }

            if (due <= now)
            {
                try
                {
                    if (await RotateAsync(name, role, creating: false, stopping).ConfigureAwait(false) is not { } rotated)
                    {
                        continue;
                    }

                    due = rotated.NextRotation(engine.Clock.GetUtcNow());
                    LogRotated(name, rotated.Username);
                }
                catch (Exception error) when (error is not OperationCanceledException || !stopping.IsCancellationRequested)
                {
                    due = engine.Clock.GetUtcNow() + RetryDelay;
                    lock (_retryAt)
                    {
                        _retryAt[name] = due;
                    }

                    LogRotationFailed(error, name, role.Username, RetryDelay.TotalSeconds);
                }
            }

            var wait = due - engine.Clock.GetUtcNow();
            if (wait < next)
            {
                next = wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return next;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Static role {Role}: rotated the password of {Username}")]
    private partial void LogRotated(string role, string username);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Static role {Role}: rotating the password of {Username} failed; trying again in {Seconds} s")]
    private partial void LogRotationFailed(Exception exception, string role, string username, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Static roles could not be read; looking again later")]
    private partial void LogScanFailed(Exception exception);
}
