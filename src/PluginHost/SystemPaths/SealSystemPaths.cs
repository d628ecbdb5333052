using System.Text.RegularExpressions;
using PluginHost.Sdk;
using PluginHost.Seal;

namespace PluginHost.SystemPaths;

/// <summary>
/// Vault's <c>sys/seal</c> (sudo), <c>sys/key-status</c> and <c>sys/rotate</c> (sudo): the seal's paths that need a
/// token. <c>sys/seal</c> only checks here that the host can be sealed; the host seals once the request's answer is
/// audited (the host service), since sealing closes the audit devices.
/// </summary>
internal sealed partial class SealSystemPaths(ISeal seal)
{
    /// <summary>The path, below <c>sys/</c>, whose successful update seals the host.</summary>
    public const string SealPath = "seal";

    /// <summary>The routes, relative to <c>sys/</c>.</summary>
    public IEnumerable<PathRoute> Routes =>
    [
        new PathRoute
        {
            Pattern = SealPattern(),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Update] = SealAsync, [Operation.Create] = SealAsync },
            Synopsis = "Seals the host: every request but the seal's own answers 'Vault is sealed' until it is unsealed with its key shares.",
        },
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

    private ValueTask<BackendResponse?> SealAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        seal.EnsureCanSeal();
        return ValueTask.FromResult<BackendResponse?>(null);
    }

    private IBarrierControl Barrier() =>
        seal.Barrier ?? throw new PluginHostException(
            ErrorCode.BadRequest,
            "this host's storage is not encrypted, so it has no barrier keys: configure a seal (seal \"static\" { key_file = … }, or UseStaticSeal) on an empty data directory");

    private static BackendResponse Status(BarrierKey key) => BackendResponse.WithData(new Dictionary<string, object?>
    {
        ["term"] = (long)key.Term,
        ["install_time"] = key.InstallTime.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture),
        ["encryptions"] = key.Encryptions,
    });

    [GeneratedRegex("^seal$")]
    private static partial Regex SealPattern();

    [GeneratedRegex("^key-status$")]
    private static partial Regex KeyStatusPattern();

    [GeneratedRegex("^rotate$")]
    private static partial Regex RotatePattern();
}
