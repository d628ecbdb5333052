using System.Text.RegularExpressions;
using PluginHost.Sdk;
using PluginHost.Seal;

namespace PluginHost.SystemPaths;

/// <summary>Vault's <c>sys/key-status</c> and <c>sys/rotate</c> (sudo) over the barrier of a sealed store.</summary>
internal sealed partial class BarrierSystemPaths(Func<AutoUnsealedStorage?> barrier)
{
    /// <summary>The routes, relative to <c>sys/</c>.</summary>
    public IEnumerable<PathRoute> Routes =>
    [
        new PathRoute
        {
            Pattern = KeyStatusPattern(),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Read] = KeyStatusAsync },
            Synopsis = "The barrier's current encryption key: its term, when it was installed, how many writes it encrypted.",
        },
        new PathRoute
        {
            Pattern = RotatePattern(),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Update] = RotateAsync, [Operation.Create] = RotateAsync },
            Synopsis = "Adds a new encryption key to the barrier's keyring; old keys still decrypt what they wrote.",
        },
    ];

    private async ValueTask<BackendResponse?> KeyStatusAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        Status(await Barrier().ActiveKeyAsync(cancellationToken).ConfigureAwait(false));

    private async ValueTask<BackendResponse?> RotateAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        await Barrier().RotateAsync(cancellationToken).ConfigureAwait(false);
        return null;
    }

    private AutoUnsealedStorage Barrier() =>
        barrier() ?? throw new PluginHostException(
            ErrorCode.BadRequest,
            "this host's storage is not encrypted, so it has no barrier keys: configure a seal (seal \"static\" { key_file = … }, or UseStaticSeal) on an empty data directory");

    private static BackendResponse Status(BarrierKey key) => BackendResponse.WithData(new Dictionary<string, object?>
    {
        ["term"] = (long)key.Term,
        ["install_time"] = key.InstallTime.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture),
        ["encryptions"] = key.Encryptions,
    });

    [GeneratedRegex("^key-status$")]
    private static partial Regex KeyStatusPattern();

    [GeneratedRegex("^rotate$")]
    private static partial Regex RotatePattern();
}
