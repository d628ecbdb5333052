using System.Text.RegularExpressions;

namespace PluginHost.Sdk;

/// <summary>
/// Tells whether the target of a write on a matched path exists, so the host can tell a
/// <see cref="Operation.Create"/> from an <see cref="Operation.Update"/> (see <see cref="IBackend.ExistenceCheckAsync"/>).
/// </summary>
/// <param name="request">The write request, with its path relative to the mount.</param>
/// <param name="match">The pattern's match; its named groups carry the path's parameters.</param>
/// <param name="cancellationToken">Cancels the check.</param>
/// <returns>Whether the target exists.</returns>
/// <example>
/// <code>
/// PathExistenceCheck exists = async (request, match, cancellationToken) =>
///     await storage.GetAsync("user/" + match.Groups["name"].Value, cancellationToken) is not null;
/// </code>
/// </example>
public delegate ValueTask<bool> PathExistenceCheck(BackendRequest request, Match match, CancellationToken cancellationToken);
