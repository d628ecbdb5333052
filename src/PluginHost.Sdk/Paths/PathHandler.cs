using System.Text.RegularExpressions;

namespace PluginHost.Sdk;

/// <summary>Handles one operation on a path whose <see cref="PathRoute.Pattern"/> matched.</summary>
/// <param name="request">The request, with its path relative to the mount.</param>
/// <param name="match">The pattern's match; its named groups carry the path's parameters.</param>
/// <param name="cancellationToken">Cancelled when the caller gives up or the request times out.</param>
/// <returns>The response, or <see langword="null"/> when there is nothing at the path.</returns>
/// <example>
/// <code>
/// PathHandler read = (request, match, cancellationToken) =>
///     ValueTask.FromResult&lt;BackendResponse?&gt;(BackendResponse.WithData([new("name", match.Groups["name"].Value)]));
/// </code>
/// </example>
public delegate ValueTask<BackendResponse?> PathHandler(BackendRequest request, Match match, CancellationToken cancellationToken);
