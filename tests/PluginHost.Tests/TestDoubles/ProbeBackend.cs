using System.Collections.Concurrent;

namespace PluginHost.Tests.TestDoubles;

/// <summary>
/// A backend that records what it is asked and lets a test hold requests open (<see cref="Gate"/>) to observe draining.
/// </summary>
internal sealed class ProbeBackend(BackendType type = BackendType.Secret) : IBackend
{
    private readonly ConcurrentQueue<BackendRequest> _requests = new();
    private int _existenceChecks;
    private int _setups;
    private int _cleanups;

    /// <summary>When set, requests to <c>hold/…</c> wait for it (or for cancellation when it never completes).</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a request reaches <c>hold/…</c>.</summary>
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool? Exists { get; set; }

    /// <summary>When set, <see cref="SetupAsync"/> throws it (a plugin whose setup fails).</summary>
    public Exception? SetupError { get; set; }

    public BackendConfig? Config { get; private set; }

    public IReadOnlyCollection<BackendRequest> Requests => _requests;

    public int Setups => Volatile.Read(ref _setups);

    public int ExistenceChecks => Volatile.Read(ref _existenceChecks);

    public int Cleanups => Volatile.Read(ref _cleanups);

    public BackendType Type => type;

    public SpecialPaths SpecialPaths => SpecialPaths.None;

    public ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken)
    {
        if (SetupError is not null)
        {
            throw SetupError;
        }

        Config = config;
        Interlocked.Increment(ref _setups);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken)
    {
        _requests.Enqueue(request);
        if (request.Path.StartsWith("hold", StringComparison.Ordinal))
        {
            Entered.TrySetResult();
            await Gate.Task.WaitAsync(cancellationToken);
        }

        if (request.Path == "throw")
        {
            throw new InvalidOperationException("probe exploded");
        }

        return BackendResponse.WithData([new("path", request.Path), new("operation", request.Operation.ToString()), new("mount", request.MountPoint)]);
    }

    public ValueTask<bool?> ExistenceCheckAsync(BackendRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _existenceChecks);
        return ValueTask.FromResult(Exists);
    }

    public ValueTask CleanupAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _cleanups);
        return ValueTask.CompletedTask;
    }

    public ValueTask InvalidateKeyAsync(string key, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
