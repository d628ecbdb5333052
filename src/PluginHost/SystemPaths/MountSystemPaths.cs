using System.Text.Json;
using System.Text.RegularExpressions;
using PluginHost.Mounts;
using PluginHost.Sdk;

namespace PluginHost.SystemPaths;

/// <summary>Vault's <c>sys/mounts</c>, <c>sys/auth</c> and <c>sys/remount</c> paths over <see cref="MountTable"/>.</summary>
internal sealed partial class MountSystemPaths(MountTable mounts)
{
    private static readonly IReadOnlyDictionary<string, FieldSchema> EnableFields =
        SystemFields.Of("path", "type", "description", "plugin_version", "config", "options", "plugin_name", "local", "seal_wrap", "external_entropy_access");

    private static readonly IReadOnlyDictionary<string, FieldSchema> TuneFields =
        new Dictionary<string, FieldSchema>(SystemFields.Of("path", "description", "default_lease_ttl", "max_lease_ttl", "options", "plugin_version"), StringComparer.Ordinal)
            .Concat(VaultMountSettings.Fields)
            .ToDictionary(StringComparer.Ordinal);

    /// <summary>The routes, relative to <c>sys/</c>.</summary>
    public IEnumerable<PathRoute> Routes =>
    [
        TableRoute(MountsPattern(), BackendType.Secret),
        TableRoute(AuthPattern(), BackendType.Auth),
        TuneRoute(MountTunePattern(), BackendType.Secret),
        TuneRoute(AuthTunePattern(), BackendType.Auth),
        MountRoute(MountPattern(), BackendType.Secret),
        MountRoute(AuthMountPattern(), BackendType.Auth),
        new PathRoute
        {
            Pattern = MountPreflightPattern(),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Read] = PreflightAsync },
            Synopsis = "Describes the mount serving a path, to a token with access below it (Vault's kv CLI asks it for the kv version).",
        },
        new PathRoute
        {
            Pattern = RemountPattern(),
            Fields = SystemFields.Of("from", "to"),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Create] = RemountAsync, [Operation.Update] = RemountAsync },
            Synopsis = "Moves a mount to another path, keeping its data.",
        },
    ];

    private PathRoute TableRoute(Regex pattern, BackendType table) => new()
    {
        Pattern = pattern,
        Handlers = new Dictionary<Operation, PathHandler>
        {
            [Operation.Read] = async (_, _, cancellationToken) =>
            {
                var entries = await mounts.ListAsync(table, cancellationToken).ConfigureAwait(false);
                return BackendResponse.WithData(entries.Select(e => new KeyValuePair<string, object?>(e.Path, Describe(e, mounts))));
            },
        },
        Synopsis = table == BackendType.Auth ? "Lists the auth methods." : "Lists the secrets engines.",
    };

    private PathRoute MountRoute(Regex pattern, BackendType table) => new()
    {
        Pattern = pattern,
        Fields = EnableFields,
        Handlers = new Dictionary<Operation, PathHandler>
        {
            [Operation.Read] = async (_, fields, cancellationToken) =>
                await mounts.GetAsync(table, fields.GetString("path"), cancellationToken).ConfigureAwait(false) is { } entry
                    ? BackendResponse.WithData(Describe(entry, mounts))
                    : null,
            [Operation.Create] = (_, fields, cancellationToken) => EnableAsync(table, fields, cancellationToken),
            [Operation.Update] = (_, fields, cancellationToken) => EnableAsync(table, fields, cancellationToken),
            [Operation.Delete] = async (_, fields, cancellationToken) =>
            {
                await mounts.DisableAsync(table, fields.GetString("path"), cancellationToken).ConfigureAwait(false);
                return null;
            },
        },
        Synopsis = table == BackendType.Auth ? "Enables, reads or disables an auth method." : "Enables, reads or disables a secrets engine.",
        Description = "To enable, write 'type': the name of a plugin in the catalog.",
    };

    private PathRoute TuneRoute(Regex pattern, BackendType table) => new()
    {
        Pattern = pattern,
        Fields = TuneFields,
        Handlers = new Dictionary<Operation, PathHandler>
        {
            [Operation.Read] = async (_, fields, cancellationToken) =>
            {
                var entry = await mounts.GetAsync(table, fields.GetString("path"), cancellationToken).ConfigureAwait(false)
                    ?? throw NoMount(table, fields.GetString("path"));
                return BackendResponse.WithData(
                [
                    new("description", entry.Description),
                    new("default_lease_ttl", (long)entry.Config.DefaultLeaseTtl.TotalSeconds),
                    new("max_lease_ttl", (long)entry.Config.MaxLeaseTtl.TotalSeconds),
                    new("options", entry.Config.Options),
                    new("plugin_version", entry.PluginVersion ?? ""),
                    .. ConfigOf(entry.Config).Where(c => c.Key is not ("default_lease_ttl" or "max_lease_ttl")).Select(c => new KeyValuePair<string, object?>(c.Key, c.Value)),
                ]);
            },
            [Operation.Create] = (_, fields, cancellationToken) => TuneAsync(table, fields, cancellationToken),
            [Operation.Update] = (_, fields, cancellationToken) => TuneAsync(table, fields, cancellationToken),
        },
        Synopsis = "Reads or changes a mount's description, TTLs, options or pinned plugin version.",
    };

    private async ValueTask<BackendResponse?> EnableAsync(BackendType table, FieldData fields, CancellationToken cancellationToken)
    {
        var config = fields.GetMap("config");
        await mounts.EnableAsync(
            new MountRequest
            {
                Type = table,
                Path = fields.GetString("path"),
                Plugin = PluginOf(fields),
                PluginVersion = fields.GetString("plugin_version") is { Length: > 0 } version ? version : null,
                Description = fields.GetString("description"),
                Local = fields.GetBool("local"),
                SealWrap = fields.GetBool("seal_wrap"),
                ExternalEntropyAccess = fields.GetBool("external_entropy_access"),
                Config = new MountConfig
                {
                    DefaultLeaseTtl = Duration(config, "default_lease_ttl"),
                    MaxLeaseTtl = Duration(config, "max_lease_ttl"),
                    Options = SystemFields.StringOptions(fields.GetMap("options")),
                    VaultSettings = VaultMountSettings.FromConfig(config),
                },
            },
            cancellationToken).ConfigureAwait(false);
        return null;
    }

    // Vault's older form names the plugin in plugin_name with the type "plugin".
    private static string PluginOf(FieldData fields)
    {
        var type = fields.GetString("type");
        if (type != "plugin")
        {
            return type;
        }

        return fields.GetString("plugin_name") is { Length: > 0 } plugin
            ? plugin
            : throw new PluginHostException(ErrorCode.BadRequest, "plugin_name must be provided for plugin backend: with type 'plugin', name the catalog's plugin in plugin_name (or give its name as the type)");
    }

    private async ValueTask<BackendResponse?> TuneAsync(BackendType table, FieldData fields, CancellationToken cancellationToken)
    {
        var before = await mounts.GetAsync(table, fields.GetString("path"), cancellationToken).ConfigureAwait(false);
        var tuned = await mounts.TuneAsync(
            table,
            fields.GetString("path"),
            new MountTuning
            {
                Description = fields.IsSet("description") ? fields.GetString("description") : null,
                DefaultLeaseTtl = fields.IsSet("default_lease_ttl") ? fields.GetDuration("default_lease_ttl") : null,
                MaxLeaseTtl = fields.IsSet("max_lease_ttl") ? fields.GetDuration("max_lease_ttl") : null,
                Options = fields.IsSet("options") ? SystemFields.StringOptions(fields.GetMap("options")) : null,
                PluginVersion = fields.IsSet("plugin_version") ? fields.GetString("plugin_version") : null,
                VaultSettings = VaultMountSettings.FromFields(fields),
            },
            cancellationToken).ConfigureAwait(false);

        // Vault warns that a kv mount tuned from version 1 to 2 is unavailable while its keys move.
        return before is { PluginName: "kv" } && KvMountVersion.CheckTune(before.Config.Options, tuned.Config.Options) is { } upgrading
            ? new BackendResponse { Warnings = [upgrading] }
            : null;
    }

    /// <summary>
    /// Whether the request is a read of <c>sys/internal/ui/mounts/:path</c>, which checks its caller itself (any access
    /// below the mount, as Vault's <c>hasMountAccess</c>) instead of demanding a rule for the path.
    /// </summary>
    public static bool IsPreflight(string relative, Operation operation) =>
        operation == Operation.Read && MountPreflightPattern().IsMatch(relative);

    // Vault's sys/internal/ui/mounts/:path: the same 403 whether the mount is missing or the token may not see it, so
    // the path cannot be used to find which mounts exist.
    private ValueTask<BackendResponse?> PreflightAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var path = fields.GetString("path").Trim('/') + "/";
        var caller = Authorization.CoreRequestScope.Current.Caller;
        if (!mounts.Routes.TryMatch(path, out var mount) || caller is null || !caller.Acl.HasAccessUnder(mount.Entry.RoutePath))
        {
            throw new PluginHostException(ErrorCode.Forbidden,
                $"preflight capability check returned 403, please ensure client's policies grant access to path \"{path}\"");
        }

        var described = Describe(mount.Entry, mounts);
        described["path"] = mount.Entry.Path;
        return ValueTask.FromResult<BackendResponse?>(BackendResponse.WithData(described));
    }

    private async ValueTask<BackendResponse?> RemountAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        await mounts.RemountAsync(fields.GetString("from"), fields.GetString("to"), cancellationToken).ConfigureAwait(false);

        // Moves here are done when the call returns; the id keeps Vault clients that read it working.
        return BackendResponse.WithData([new("migration_id", request.RequestId)]);
    }

    // Vault's mount config as listed: the TTLs, force_no_cache (false unless set), and every other setting kept.
    private static Dictionary<string, object> ConfigOf(MountConfig config)
    {
        var listed = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["default_lease_ttl"] = (long)config.DefaultLeaseTtl.TotalSeconds,
            ["max_lease_ttl"] = (long)config.MaxLeaseTtl.TotalSeconds,
            ["force_no_cache"] = false,
        };
        foreach (var (name, value) in config.VaultSettings)
        {
            listed[name] = value;
        }

        return listed;
    }

    // running_*: what the mount's backend runs now (empty until its first start, as the backend starts lazily).
    private static Dictionary<string, object?> Describe(MountEntry entry, MountTable mounts)
    {
        var running = mounts.Routes.Find(entry.RoutePath)?.RunningPlugin;
        return new()
        {
            ["type"] = entry.PluginName,
            ["description"] = entry.Description,
            ["accessor"] = entry.Accessor,
            ["uuid"] = entry.Uuid,
            ["plugin_version"] = entry.PluginVersion ?? "",
            ["running_plugin_version"] = running?.Version ?? "",
            ["running_sha256"] = running?.Sha256 ?? "",
            ["config"] = ConfigOf(entry.Config),
            ["options"] = entry.Config.Options,
            ["local"] = entry.Local,
            ["seal_wrap"] = entry.SealWrap,
            ["external_entropy_access"] = entry.ExternalEntropyAccess,
        };
    }

    private static TimeSpan Duration(IReadOnlyDictionary<string, JsonElement> config, string name) =>
        config.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? TimeSpan.FromSeconds(DurationParser.Parse("config." + name, value))
            : TimeSpan.Zero;

    private static PluginHostException NoMount(BackendType table, string path) =>
        new(ErrorCode.BadRequest, $"no mount at {(table == BackendType.Auth ? MountPaths.AuthPrefix : "")}{MountPaths.Sanitize(path)}");

    [GeneratedRegex("^mounts/?$", RegexOptions.CultureInvariant)]
    private static partial Regex MountsPattern();

    [GeneratedRegex("^auth/?$", RegexOptions.CultureInvariant)]
    private static partial Regex AuthPattern();

    [GeneratedRegex("^mounts/(?<path>.+)/tune/?$", RegexOptions.CultureInvariant)]
    private static partial Regex MountTunePattern();

    [GeneratedRegex("^auth/(?<path>.+)/tune/?$", RegexOptions.CultureInvariant)]
    private static partial Regex AuthTunePattern();

    [GeneratedRegex("^mounts/(?<path>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex MountPattern();

    [GeneratedRegex("^auth/(?<path>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex AuthMountPattern();

    [GeneratedRegex("^internal/ui/mounts/(?<path>.+)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex MountPreflightPattern();

    [GeneratedRegex("^remount/?$", RegexOptions.CultureInvariant)]
    private static partial Regex RemountPattern();
}
