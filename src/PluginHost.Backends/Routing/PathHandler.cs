using System.Text.RegularExpressions;

namespace PluginHost.Backends;

/// <summary>Handles one operation on a path whose pattern matched; <paramref name="match"/> holds the named captures.</summary>
internal delegate ValueTask<BackendResponse?> PathHandler(BackendRequest request, Match match, CancellationToken cancellationToken);

/// <summary>Tells whether the target of a write on a matched path exists (see <see cref="IBackend.ExistenceCheckAsync"/>).</summary>
internal delegate ValueTask<bool> PathExistenceCheck(BackendRequest request, Match match, CancellationToken cancellationToken);
