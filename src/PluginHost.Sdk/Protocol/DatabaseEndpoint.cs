using System.Collections.Concurrent;
using PluginHost.Database;
using PluginHost.Protocol;
using PolyType;
using StreamJsonRpc;

namespace PluginHost.Sdk.Protocol;

/// <summary>
/// A database plugin's end of a connection: creates one <see cref="IDatabase"/> per connection the host initializes
/// (multiplexing) and routes each call to the instance it names.
/// </summary>
[GenerateShape(IncludeMethods = MethodShapeFlags.PublicInstance)]
internal sealed partial class DatabaseEndpoint(Func<IDatabase> factory)
{
    private readonly ConcurrentDictionary<string, IDatabase> _instances = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the host asks the plugin to shut down.</summary>
    internal Task ShutdownRequested => _shutdown.Task;

    /// <summary>The number of open database instances.</summary>
    internal int InstanceCount => _instances.Count;

    [JsonRpcMethod(ProtocolMethods.DatabaseInitialize, UseSingleObjectParameterDeserialization = true)]
    public Task<InitializeResponse> InitializeAsync(DatabaseCallParams<InitializeRequest> parameters, CancellationToken cancellationToken) =>
        ProtocolChannel.ServeAsync(async () =>
        {
            var request = RequestOf(parameters, ProtocolMethods.DatabaseInitialize);

            // Refused before the factory runs: a second initialize must not make (and leak) an instance it then drops.
            if (_instances.ContainsKey(parameters.InstanceId))
            {
                throw AlreadyInitialized(parameters.InstanceId);
            }

            var database = factory();
            if (!_instances.TryAdd(parameters.InstanceId, database))
            {
                // Two initializes of one id raced past the check: the one that lost closes what it made.
                await CloseQuietlyAsync(database).ConfigureAwait(false);
                throw AlreadyInitialized(parameters.InstanceId);
            }

            try
            {
                return await database.InitializeAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                _instances.TryRemove(parameters.InstanceId, out _);
                await CloseQuietlyAsync(database).ConfigureAwait(false);
                throw;
            }
        });

    [JsonRpcMethod(ProtocolMethods.DatabaseNewUser, UseSingleObjectParameterDeserialization = true)]
    public Task<NewUserResponse> NewUserAsync(DatabaseCallParams<NewUserRequest> parameters, CancellationToken cancellationToken) =>
        ProtocolChannel.ServeAsync(() =>
        {
            // The params are checked before the instance is looked up, as for every method: a malformed call is a 400 wherever it is sent.
            var request = RequestOf(parameters, ProtocolMethods.DatabaseNewUser);
            return Instance(parameters).NewUserAsync(request, cancellationToken);
        });

    [JsonRpcMethod(ProtocolMethods.DatabaseUpdateUser, UseSingleObjectParameterDeserialization = true)]
    public Task UpdateUserAsync(DatabaseCallParams<UpdateUserRequest> parameters, CancellationToken cancellationToken) =>
        ProtocolChannel.ServeAsync(async () =>
        {
            var request = RequestOf(parameters, ProtocolMethods.DatabaseUpdateUser);
            if (request.Password is null && request.Expiration is null)
            {
                throw new PluginHostException(ErrorCode.BadRequest, $"{ProtocolMethods.DatabaseUpdateUser} needs a 'password' or an 'expiration' change");
            }

            await Instance(parameters).UpdateUserAsync(request, cancellationToken).ConfigureAwait(false);
            return true;
        });

    [JsonRpcMethod(ProtocolMethods.DatabaseDeleteUser, UseSingleObjectParameterDeserialization = true)]
    public Task DeleteUserAsync(DatabaseCallParams<DeleteUserRequest> parameters, CancellationToken cancellationToken) =>
        ProtocolChannel.ServeAsync(async () =>
        {
            var request = RequestOf(parameters, ProtocolMethods.DatabaseDeleteUser);
            await Instance(parameters).DeleteUserAsync(request, cancellationToken).ConfigureAwait(false);
            return true;
        });

    [JsonRpcMethod(ProtocolMethods.DatabaseType, UseSingleObjectParameterDeserialization = true)]
    public Task<DatabaseTypeResult> TypeAsync(DatabaseCallParams<DatabaseInstance> parameters, CancellationToken cancellationToken) =>
        ProtocolChannel.ServeAsync(async () => new DatabaseTypeResult { Type = await Instance(parameters).TypeAsync(cancellationToken).ConfigureAwait(false) });

    [JsonRpcMethod(ProtocolMethods.DatabaseClose, UseSingleObjectParameterDeserialization = true)]
    public Task CloseAsync(DatabaseCallParams<DatabaseInstance> parameters, CancellationToken cancellationToken) =>
        ProtocolChannel.ServeAsync(async () =>
        {
            // Closing an instance that is gone succeeds: the host may retry after a lost answer.
            if (_instances.TryRemove(InstanceIdOf(parameters), out var database))
            {
                await database.CloseAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        });

    [JsonRpcMethod(ProtocolMethods.Shutdown)]
    public void Shutdown() => _shutdown.TrySetResult();

    /// <summary>Closes every open instance: the connection to the host is gone.</summary>
    internal async Task CloseAllAsync()
    {
        foreach (var id in _instances.Keys)
        {
            if (_instances.TryRemove(id, out var database))
            {
                await CloseQuietlyAsync(database).ConfigureAwait(false);
            }
        }
    }

    private static async Task CloseQuietlyAsync(IDatabase database)
    {
        try
        {
            await database.CloseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // The instance is dropped either way; the first failure is the one the host hears.
        }
    }

    private static PluginHostException AlreadyInitialized(string instanceId) =>
        new(ErrorCode.BadRequest, $"database instance '{instanceId}' is already initialized; the host closes an instance and initializes a new one to change its configuration");

    private static TRequest RequestOf<TRequest>(DatabaseCallParams<TRequest> parameters, string method)
        where TRequest : class
    {
        _ = InstanceIdOf(parameters);
        return parameters.Request ?? throw new PluginHostException(ErrorCode.BadRequest, $"{method} needs a 'request' object");
    }

    private static string InstanceIdOf<TRequest>(DatabaseCallParams<TRequest>? parameters)
        where TRequest : class =>
        string.IsNullOrEmpty(parameters?.InstanceId)
            ? throw new PluginHostException(ErrorCode.BadRequest, "database calls need an 'instance_id': the one given in the connection's database.initialize")
            : parameters.InstanceId;

    private IDatabase Instance<TRequest>(DatabaseCallParams<TRequest> parameters)
        where TRequest : class =>
        _instances.TryGetValue(InstanceIdOf(parameters), out var database)
            ? database
            : throw new PluginHostException(ErrorCode.NotFound, $"no database instance '{parameters.InstanceId}' in this plugin; the host must call {ProtocolMethods.DatabaseInitialize} first");
}
