namespace PluginHost.Database;

/// <summary>
/// A database plugin: creates, changes and drops the users the <c>database</c> secrets engine hands out, on one
/// configured connection. Vault's <c>dbplugin</c> v5 interface. One instance serves one connection (a
/// <c>config/NAME</c> of the engine); one plugin process serves every connection that names it.
/// </summary>
/// <remarks>
/// The host calls <see cref="InitializeAsync"/> first, and again on a new instance whenever the connection's
/// configuration changes; <see cref="CloseAsync"/> last. Calls on one instance may run concurrently.
/// </remarks>
public interface IDatabase
{
    /// <summary>Takes the connection's configuration and, when asked, checks that the database can be reached with it.</summary>
    /// <param name="request">The configuration (the plugin's own fields, such as <c>connection_url</c>) and whether to verify it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The configuration to store: usually the one given, possibly normalised.</returns>
    ValueTask<InitializeResponse> InitializeAsync(InitializeRequest request, CancellationToken cancellationToken);

    /// <summary>Creates a user with the role's creation statements; on failure runs the rollback statements and leaves nothing behind.</summary>
    /// <param name="request">The name hints, the password the host chose, the expiration, and the statements.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user name the plugin created.</returns>
    ValueTask<NewUserResponse> NewUserAsync(NewUserRequest request, CancellationToken cancellationToken);

    /// <summary>Changes a user's password, its expiration, or both.</summary>
    /// <param name="request">The user and what to change.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the change is made.</returns>
    ValueTask UpdateUserAsync(UpdateUserRequest request, CancellationToken cancellationToken);

    /// <summary>Drops a user. Succeeds when the user does not exist: a revocation may be retried after a lost answer.</summary>
    /// <param name="request">The user and the revocation statements.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the user is gone.</returns>
    ValueTask DeleteUserAsync(DeleteUserRequest request, CancellationToken cancellationToken);

    /// <summary>The kind of database, such as <c>postgresql</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The type name.</returns>
    ValueTask<string> TypeAsync(CancellationToken cancellationToken);

    /// <summary>Closes the connection; the instance is not used again.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the connection is closed.</returns>
    ValueTask CloseAsync(CancellationToken cancellationToken);
}
