using System.Collections.Concurrent;
using System.Text.Json;
using PluginHost.Database;
using PluginHost.DatabaseEngine;

namespace PluginHost.Tests.Database;

/// <summary>
/// A database the engine's unit tests talk to through <see cref="IDatabase"/> instances it hands out: users with
/// passwords and expirations, a root password that initialize checks, and a record of every call.
/// </summary>
internal sealed class FakeDatabaseServer : IDatabaseEngineHost
{
    public ConcurrentDictionary<string, (string Password, DateTimeOffset? Expiration)> Users { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<object> Calls { get; } = new();

    public List<FakeDatabase> Instances { get; } = [];

    public string RootUser { get; set; } = "root";

    public string RootPassword { get; set; } = "root-pw";

    public (TimeSpan Default, TimeSpan Max) Ttls { get; set; } = (TimeSpan.FromHours(1), TimeSpan.FromHours(24));

    public IReadOnlyList<string> Live { get; set; } = [];

    public Exception? FailNextUpdate { get; set; }

    /// <summary>When set, every UpdateUser waits for it (after signalling <see cref="UpdateStarted"/>).</summary>
    public TaskCompletionSource? HoldUpdates { get; set; }

    public TaskCompletionSource UpdateStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed by the next UpdateUser (then cleared), for a test that waits for one particular update.</summary>
    public TaskCompletionSource? UpdateStartedOnce { get => _updateStartedOnce; set => _updateStartedOnce = value; }

    private TaskCompletionSource? _updateStartedOnce;

    public ValueTask<IDatabase> OpenAsync(string pluginName, string? pluginVersion, string connection, CancellationToken cancellationToken)
    {
        if (pluginName != "fake-db")
        {
            throw new PluginHostException(ErrorCode.NotFound, $"plugin not found in the catalog: {pluginName}");
        }

        var instance = new FakeDatabase(this);
        lock (Instances)
        {
            Instances.Add(instance);
        }

        return ValueTask.FromResult<IDatabase>(instance);
    }

    public (TimeSpan Default, TimeSpan Max) LeaseTtls(string mountPoint) => Ttls;

    public ValueTask<IReadOnlyList<string>> LiveLeasesAsync(string prefix, string connection, CancellationToken cancellationToken) => ValueTask.FromResult(Live);

    public sealed class FakeDatabase(FakeDatabaseServer server) : IDatabase
    {
        public IReadOnlyDictionary<string, JsonElement>? Config { get; private set; }

        public bool Closed { get; private set; }

        public ValueTask<InitializeResponse> InitializeAsync(InitializeRequest request, CancellationToken cancellationToken)
        {
            server.Calls.Enqueue(request);
            var password = request.Config.TryGetValue("password", out var value) ? value.GetString() : null;
            if (request.VerifyConnection && password != server.RootPassword)
            {
                throw new PluginHostException(ErrorCode.BadRequest, "error verifying connection: password authentication failed");
            }

            Config = request.Config;
            return ValueTask.FromResult(new InitializeResponse { Config = request.Config });
        }

        public ValueTask<NewUserResponse> NewUserAsync(NewUserRequest request, CancellationToken cancellationToken)
        {
            server.Calls.Enqueue(request);
            var name = $"v-{request.UsernameConfig.DisplayName}-{request.UsernameConfig.RoleName}-{server.Users.Count}";
            server.Users[name] = (request.Password, request.Expiration);
            return ValueTask.FromResult(new NewUserResponse { Username = name });
        }

        public async ValueTask UpdateUserAsync(UpdateUserRequest request, CancellationToken cancellationToken)
        {
            server.Calls.Enqueue(request);
            server.UpdateStarted.TrySetResult();
            Interlocked.Exchange(ref server._updateStartedOnce, null)?.TrySetResult();
            if (server.HoldUpdates is { } hold)
            {
                await hold.Task.WaitAsync(cancellationToken);
            }

            if (server.FailNextUpdate is { } failure)
            {
                server.FailNextUpdate = null;
                throw failure;
            }

            if (request.Username == server.RootUser)
            {
                server.RootPassword = request.Password!.NewPassword;
                return;
            }

            if (!server.Users.TryGetValue(request.Username, out var user))
            {
                throw new PluginHostException(ErrorCode.BadRequest, $"user {request.Username} does not exist");
            }

            server.Users[request.Username] = (request.Password?.NewPassword ?? user.Password, request.Expiration?.NewExpiration ?? user.Expiration);
        }

        public ValueTask DeleteUserAsync(DeleteUserRequest request, CancellationToken cancellationToken)
        {
            server.Calls.Enqueue(request);
            server.Users.TryRemove(request.Username, out _);
            return ValueTask.CompletedTask;
        }

        public ValueTask<string> TypeAsync(CancellationToken cancellationToken) => ValueTask.FromResult("fake");

        public ValueTask CloseAsync(CancellationToken cancellationToken)
        {
            Closed = true;
            return ValueTask.CompletedTask;
        }
    }
}
