namespace PluginHost.Sdk;

/// <summary>Handles one operation on a path whose <see cref="PathRoute.Pattern"/> matched.</summary>
/// <param name="request">The request, with its path relative to the mount.</param>
/// <param name="fields">The path's parameters and the request's declared fields, already checked against their types.</param>
/// <param name="cancellationToken">Cancelled when the caller gives up or the request times out.</param>
/// <returns>The response, or <see langword="null"/> when there is nothing at the path.</returns>
/// <example>
/// <code>
/// PathHandler read = (request, fields, cancellationToken) =>
///     ValueTask.FromResult&lt;BackendResponse?&gt;(BackendResponse.WithData([new("name", fields.GetString("name"))]));
/// </code>
/// </example>
public delegate ValueTask<BackendResponse?> PathHandler(BackendRequest request, FieldData fields, CancellationToken cancellationToken);
