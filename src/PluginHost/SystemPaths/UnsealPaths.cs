using System.Reflection;
using System.Text.RegularExpressions;
using PluginHost.Sdk;
using PluginHost.Seal;
using PluginHost.Storage;

namespace PluginHost.SystemPaths;

/// <summary>
/// Vault's seal paths that need no token and answer while sealed: <c>sys/init</c>, <c>sys/unseal</c> and
/// <c>sys/seal-status</c>. Their answers are Vault's bare objects (the HTTP layer writes them without the envelope).
/// </summary>
internal sealed partial class UnsealPaths
{
    /// <summary>The full paths served here, before any token is looked at.</summary>
    public static IReadOnlySet<string> Paths { get; } = new HashSet<string>(StringComparer.Ordinal) { "sys/init", "sys/unseal", "sys/seal-status" };

    private static readonly string Version =
        typeof(UnsealPaths).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static readonly IReadOnlyDictionary<string, FieldSchema> InitFields = new Dictionary<string, FieldSchema>(StringComparer.Ordinal)
    {
        ["secret_shares"] = new() { Type = FieldType.Int, Description = "How many key shares to split the unseal key into (1 to 255).", Required = true },
        ["secret_threshold"] = new() { Type = FieldType.Int, Description = "How many key shares unseal (2 or more unless there is 1 share).", Required = true },
        ["pgp_keys"] = new() { Type = FieldType.CommaStringSlice, Description = "Vault's PGP-encrypted shares: not supported." },
        ["root_token_pgp_key"] = new() { Type = FieldType.String, Description = "Vault's PGP-encrypted root token: not supported." },
        ["stored_shares"] = new() { Type = FieldType.Int, Description = "Vault's stored shares (auto-unseal only): not supported." },
        ["recovery_shares"] = new() { Type = FieldType.Int, Description = "Vault's recovery keys (auto-unseal only): not supported." },
        ["recovery_threshold"] = new() { Type = FieldType.Int, Description = "Vault's recovery keys (auto-unseal only): not supported." },
        ["recovery_pgp_keys"] = new() { Type = FieldType.CommaStringSlice, Description = "Vault's recovery keys (auto-unseal only): not supported." },
    };

    private static readonly IReadOnlyDictionary<string, FieldSchema> UnsealFields = new Dictionary<string, FieldSchema>(StringComparer.Ordinal)
    {
        ["key"] = new() { Type = FieldType.String, Description = "One key share, hex or base64." },
        ["reset"] = new() { Type = FieldType.Bool, Description = "Forget the shares given so far." },
        ["migrate"] = new() { Type = FieldType.Bool, Description = "Vault's seal migration: not supported." },
    };

    private readonly ISeal _seal;
    private readonly string _storageType;
    private readonly PathTable _paths;

    public UnsealPaths(ISeal seal, HostStorage storage)
    {
        _seal = seal;
        _storageType = storage.Raw is INamedStorage named ? named.StorageType : storage.Raw.GetType().Name;
        _paths = new PathTable("The seal: initialize, unseal, and its status.",
        [
            new PathRoute
            {
                Pattern = InitPattern(),
                Fields = InitFields,
                Handlers = new Dictionary<Operation, PathHandler> { [Operation.Read] = InitStatusAsync, [Operation.Update] = InitAsync, [Operation.Create] = InitAsync },
                Synopsis = "Whether the host is initialized; initializes it: a new unseal key split into key shares, and a root token.",
            },
            new PathRoute
            {
                Pattern = UnsealPattern(),
                Fields = UnsealFields,
                Handlers = new Dictionary<Operation, PathHandler> { [Operation.Update] = UnsealAsync, [Operation.Create] = UnsealAsync },
                Synopsis = "Gives one key share towards unsealing, or resets the shares given so far; answers the seal status.",
            },
            new PathRoute
            {
                Pattern = StatusPattern(),
                Handlers = new Dictionary<Operation, PathHandler> { [Operation.Read] = StatusAsync },
                Synopsis = "Whether the host is initialized and sealed, and the progress of an unseal.",
            },
        ]);
    }

    /// <summary>Serves <paramref name="request"/>, whose path is one of <see cref="Paths"/>.</summary>
    public ValueTask<BackendResponse?> HandleAsync(BackendRequest request, CancellationToken cancellationToken) =>
        _paths.HandleAsync(request with { Path = request.Path[SystemBackend.Prefix.Length..] }, cancellationToken);

    private async ValueTask<BackendResponse?> InitStatusAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        BackendResponse.WithData(new Dictionary<string, object?> { ["initialized"] = (await _seal.StatusAsync(cancellationToken).ConfigureAwait(false)).Initialized });

    private async ValueTask<BackendResponse?> InitAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        foreach (var unsupported in (string[])["pgp_keys", "root_token_pgp_key", "stored_shares", "recovery_shares", "recovery_threshold", "recovery_pgp_keys"])
        {
            if (fields.IsSet(unsupported))
            {
                throw new PluginHostException(ErrorCode.BadRequest, $"'{unsupported}' is not supported: PluginHost answers the key shares and root token in the clear, to be handed out by the operator");
            }
        }

        var (keys, rootToken) = await _seal.InitializeAsync(
            (int)Math.Clamp(fields.GetInt("secret_shares"), int.MinValue, int.MaxValue),
            (int)Math.Clamp(fields.GetInt("secret_threshold"), int.MinValue, int.MaxValue),
            rootTokenId: null,
            cancellationToken).ConfigureAwait(false);
        return BackendResponse.WithData(new Dictionary<string, object?>
        {
            ["keys"] = keys.Select(Convert.ToHexStringLower).ToArray(),
            ["keys_base64"] = keys.Select(k => Convert.ToBase64String(k)).ToArray(),
            ["root_token"] = rootToken,
        });
    }

    private async ValueTask<BackendResponse?> UnsealAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        if (fields.IsSet("migrate") && fields.GetBool("migrate"))
        {
            throw new PluginHostException(ErrorCode.BadRequest, "seal migration is not supported: PluginHost has one seal per store");
        }

        if (fields.IsSet("reset") && fields.GetBool("reset"))
        {
            _seal.ResetUnseal();
            return Describe(await _seal.StatusAsync(cancellationToken).ConfigureAwait(false));
        }

        if (!fields.IsSet("key") || fields.GetString("key").Length == 0)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "'key' must be specified in request body as JSON, or 'reset' set to true");
        }

        return Describe(await _seal.UnsealAsync(DecodeShare(fields.GetString("key")), cancellationToken).ConfigureAwait(false));
    }

    private async ValueTask<BackendResponse?> StatusAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        Describe(await _seal.StatusAsync(cancellationToken).ConfigureAwait(false));

    // Vault tries hex first, then standard base64.
    private static byte[] DecodeShare(string key)
    {
        try
        {
            return Convert.FromHexString(key);
        }
        catch (FormatException)
        {
        }

        try
        {
            return Convert.FromBase64String(key);
        }
        catch (FormatException)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "'key' must be a valid hex or base64 string");
        }
    }

    private BackendResponse Describe(SealStatus status) => BackendResponse.WithData(new Dictionary<string, object?>
    {
        ["type"] = status.Type,
        ["initialized"] = status.Initialized,
        ["sealed"] = status.Sealed,
        ["t"] = status.Threshold,
        ["n"] = status.Shares,
        ["progress"] = status.Progress,
        ["nonce"] = status.Nonce,
        ["version"] = Version,
        ["build_date"] = "",
        // Vault's "migration" is a seal migration, which PluginHost does not have; clear data to encrypt is another matter.
        ["migration"] = false,
        ["recovery_seal"] = false,
        ["storage_type"] = _storageType,
    });

    [GeneratedRegex("^init$")]
    private static partial Regex InitPattern();

    [GeneratedRegex("^unseal$")]
    private static partial Regex UnsealPattern();

    [GeneratedRegex("^seal-status$")]
    private static partial Regex StatusPattern();
}
