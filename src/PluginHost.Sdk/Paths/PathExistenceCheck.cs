namespace PluginHost.Sdk;

/// <summary>
/// Tells whether the target of a write on a matched path exists, so the host can tell a
/// <see cref="Operation.Create"/> from an <see cref="Operation.Update"/> (see <see cref="IBackend.ExistenceCheckAsync"/>).
/// </summary>
/// <param name="request">The write request, with its path relative to the mount.</param>
/// <param name="fields">The path's parameters and the request's declared fields, already checked against their types.</param>
/// <param name="cancellationToken">Cancels the check.</param>
/// <returns>Whether the target exists.</returns>
/// <example>
/// <code>
/// PathExistenceCheck exists = async (request, fields, cancellationToken) =>
///     await storage.GetAsync("user/" + fields.GetString("name"), cancellationToken) is not null;
/// </code>
/// </example>
public delegate ValueTask<bool> PathExistenceCheck(BackendRequest request, FieldData fields, CancellationToken cancellationToken);
