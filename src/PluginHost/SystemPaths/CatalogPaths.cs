using System.Text.RegularExpressions;
using PluginHost.Catalog;
using PluginHost.Mounts;
using PluginHost.Sdk;

namespace PluginHost.SystemPaths;

/// <summary>Vault's <c>sys/plugins/…</c> paths over <see cref="PluginCatalog"/> and <see cref="MountTable"/>: the catalog and plugin reloads.</summary>
internal sealed partial class CatalogPaths(PluginCatalog catalog, MountTable mounts)
{
    private static readonly IReadOnlyDictionary<string, FieldSchema> EntryFields =
        SystemFields.Of("type", "name", "sha256", "command", "args", "env", "version", "memory_limit", "max_processes", "max_open_files");

    /// <summary>The routes, relative to <c>sys/</c>.</summary>
    public IEnumerable<PathRoute> Routes =>
    [
        new PathRoute
        {
            Pattern = CatalogPattern(),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Read] = ReadCatalogAsync, [Operation.List] = ListAllAsync },
            Synopsis = "Lists the plugins in the catalog, by type (read), or all their names (list).",
        },
        new PathRoute
        {
            Pattern = CatalogTypePattern(),
            Fields = SystemFields.Of("type"),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.List] = ListTypeAsync },
            Synopsis = "Lists the names of the plugins of one type.",
        },
        new PathRoute
        {
            // Vault's older, type-less form: the type is the body's (to register) or looked up (to read or delete).
            Pattern = UntypedEntryPattern(),
            Fields = EntryFields,
            Handlers = new Dictionary<Operation, PathHandler>
            {
                [Operation.Read] = ReadUntypedAsync,
                [Operation.Create] = RegisterUntypedAsync,
                [Operation.Update] = RegisterUntypedAsync,
                [Operation.Delete] = DeregisterUntypedAsync,
            },
            Synopsis = "Registers, reads or deregisters a plugin by name alone (Vault's older paths): registering takes 'type' in the body.",
        },
        new PathRoute
        {
            Pattern = CatalogEntryPattern(),
            Fields = EntryFields,
            Handlers = new Dictionary<Operation, PathHandler>
            {
                [Operation.Read] = ReadEntryAsync,
                [Operation.Create] = RegisterAsync,
                [Operation.Update] = RegisterAsync,
                [Operation.Delete] = DeregisterAsync,
            },
            Synopsis = "Registers, reads or deregisters a plugin.",
            Description = "The command is relative to the plugin directory; the binary's SHA-256 must match.",
        },
        new PathRoute
        {
            Pattern = ReloadPattern(),
            Fields = SystemFields.Of("plugin", "mounts", "type", "scope"),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Create] = ReloadAsync, [Operation.Update] = ReloadAsync },
            Synopsis = "Reloads the backends of a plugin, or of the given mounts, without downtime.",
        },
    ];

    private async ValueTask<BackendResponse?> ReadCatalogAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var entries = await catalog.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return BackendResponse.WithData(
        [
            new("auth", NamesOf(entries, BackendType.Auth)),
            new("database", NamesOf(entries, BackendType.Database)),
            new("secret", NamesOf(entries, BackendType.Secret)),
            new("detailed", entries.Select(e => new Dictionary<string, object?>
            {
                ["name"] = e.Name,
                ["type"] = e.Type.ToName(),
                ["version"] = e.Version ?? "",
                ["builtin"] = e.Builtin,
                ["deprecation_status"] = e.Builtin ? "supported" : null,
            }).ToArray()),
        ]);
    }

    // Every name in the catalog once, whatever its type. Vault answers this path to GET only; LIST is PluginHost's addition.
    private async ValueTask<BackendResponse?> ListAllAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var entries = await catalog.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var names = entries.Select(e => e.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return names.Length == 0 ? null : BackendResponse.ForList(names);
    }

    private async ValueTask<BackendResponse?> ListTypeAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var type = TypeOf(fields);
        var names = NamesOf(await catalog.ListAsync(type, cancellationToken).ConfigureAwait(false), type);
        return names.Length == 0 ? null : BackendResponse.ForList(names);
    }

    private ValueTask<BackendResponse?> ReadEntryAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        ReadAsync(TypeOf(fields), fields, cancellationToken);

    private async ValueTask<BackendResponse?> ReadUntypedAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        await TypeNamedAsync(fields, cancellationToken).ConfigureAwait(false) is { } type ? await ReadAsync(type, fields, cancellationToken).ConfigureAwait(false) : null;

    private ValueTask<BackendResponse?> RegisterUntypedAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        fields.GetString("type").Length == 0
            ? throw new PluginHostException(
                ErrorCode.BadRequest,
                $"give the plugin's type in the body ('type': secret, auth or database), or register it at sys/plugins/catalog/<type>/{fields.GetString("name")}")
            : RegisterAsync(request, fields, cancellationToken);

    private async ValueTask<BackendResponse?> DeregisterUntypedAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        // As Vault: deregistering what is not there succeeds.
        if (await TypeNamedAsync(fields, cancellationToken).ConfigureAwait(false) is { } type)
        {
            await catalog.DeregisterAsync(type, fields.GetString("name"), VersionOf(fields), cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    // The type of the plugin named in the path: none when the catalog has no such name, refused when several types have it.
    private async ValueTask<BackendType?> TypeNamedAsync(FieldData fields, CancellationToken cancellationToken)
    {
        var name = fields.GetString("name");
        var types = (await catalog.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
            .Where(e => e.Name == name).Select(e => e.Type).Distinct().Order().ToArray();
        return types.Length switch
        {
            0 => null,
            1 => types[0],
            _ => throw new PluginHostException(
                ErrorCode.BadRequest,
                $"the catalog has a plugin named \"{name}\" of several types ({string.Join(", ", types.Select(t => t.ToName()))}): name the type, sys/plugins/catalog/<type>/{name}"),
        };
    }

    private async ValueTask<BackendResponse?> ReadAsync(BackendType type, FieldData fields, CancellationToken cancellationToken)
    {
        var entry = await catalog.GetAsync(type, fields.GetString("name"), VersionOf(fields), cancellationToken).ConfigureAwait(false);

        // Like Vault, the entry's env is not answered: it may hold credentials.
        return entry is null ? null : BackendResponse.WithData(
        [
            new("name", entry.Name),
            new("command", entry.Command),
            new("args", entry.Args),
            new("sha256", entry.Sha256),
            new("builtin", entry.Builtin),
            new("version", entry.Version ?? ""),
            new("memory_limit", entry.MemoryLimit),
            new("max_processes", entry.MaxProcesses),
            new("max_open_files", entry.MaxOpenFiles),
        ]);
    }

    private async ValueTask<BackendResponse?> RegisterAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        await catalog.RegisterAsync(
            new PluginRegistration
            {
                Type = TypeOf(fields),
                Name = fields.GetString("name"),
                Version = VersionOf(fields),
                Command = fields.GetString("command"),
                Sha256 = fields.GetString("sha256"),
                Args = fields.GetStrings("args"),
                Env = EnvironmentOf(fields.GetStrings("env")),
                MemoryLimit = fields.GetString("memory_limit") is { Length: > 0 } memory ? PluginLimitRules.ParseMemory(memory) : null,
                MaxProcesses = fields.IsSet("max_processes") ? IntOf(fields, "max_processes") : null,
                MaxOpenFiles = fields.IsSet("max_open_files") ? IntOf(fields, "max_open_files") : null,
            },
            cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> DeregisterAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        await catalog.DeregisterAsync(TypeOf(fields), fields.GetString("name"), VersionOf(fields), cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> ReloadAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var plugin = fields.GetString("plugin");
        var paths = fields.GetStrings("mounts");
        if ((plugin.Length == 0) == (paths.Count == 0))
        {
            throw new PluginHostException(ErrorCode.BadRequest, "give either 'plugin' (a plugin name) or 'mounts' (mount paths) to reload, not both");
        }

        // Plugins run on the active node only (standbys forward this request to it), so reloading here reloads every
        // running instance in the cluster: "global" and the default differ only in name.
        if (fields.GetString("scope") is { Length: > 0 } scope && scope != "global")
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"scope '{scope}' is not one this endpoint knows: omit it, or give 'global' (plugins run on the active node only, so both reload every running instance)");
        }

        var reloaded = new List<string>();
        if (plugin.Length > 0)
        {
            // Without a type: the tables that have mounts of the plugin (none at all is MountTable's "nothing to reload").
            var types = fields.IsSet("type")
                ? [TypeOf(fields)]
                : (await mounts.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
                    .Where(m => m.PluginName == plugin).Select(m => m.Table).Distinct().DefaultIfEmpty(BackendType.Secret).ToArray();
            foreach (var type in types)
            {
                reloaded.AddRange((await mounts.ReloadPluginAsync(type, plugin, cancellationToken).ConfigureAwait(false)).Select(m => m.RoutePath));
            }
        }
        else
        {
            foreach (var path in paths)
            {
                var (table, inTable) = MountPaths.SplitRoutePath(path);
                reloaded.Add((await mounts.ReloadAsync(table, inTable, cancellationToken).ConfigureAwait(false)).RoutePath);
            }
        }

        return BackendResponse.WithData([new("reload_id", request.RequestId), new("mounts", reloaded)]);
    }

    private static string[] NamesOf(IEnumerable<CatalogEntry> entries, BackendType type) =>
        entries.Where(e => e.Type == type).Select(e => e.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    private static BackendType TypeOf(FieldData fields)
    {
        var name = fields.GetString("type");
        return BackendTypeNames.TryParse(name, out var type) && type is BackendType.Secret or BackendType.Auth or BackendType.Database
            ? type
            : throw new PluginHostException(ErrorCode.BadRequest, $"unknown plugin type \"{name}\": give secret, auth or database");
    }

    // Out of int's range is out of any limit's range: say so rather than overflow.
    private static int IntOf(FieldData fields, string name) => fields.GetInt(name) is var value && value is >= int.MinValue and <= int.MaxValue
        ? (int)value
        : throw new PluginHostException(ErrorCode.BadRequest, $"invalid value for '{name}': {value} is too large");

    private static string? VersionOf(FieldData fields) => fields.GetString("version") is { Length: > 0 } version ? version : null;

    private static Dictionary<string, string> EnvironmentOf(IReadOnlyList<string> pairs)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new PluginHostException(ErrorCode.BadRequest, $"invalid value for 'env': \"{pair}\"; give NAME=VALUE");
            }

            environment[pair[..equals]] = pair[(equals + 1)..];
        }

        return environment;
    }

    [GeneratedRegex("^plugins/catalog/?$", RegexOptions.CultureInvariant)]
    private static partial Regex CatalogPattern();

    // Only the types: any other single name is a plugin's (UntypedEntryPattern), as in Vault.
    [GeneratedRegex("^plugins/catalog/(?<type>secret|auth|database)/?$", RegexOptions.CultureInvariant)]
    private static partial Regex CatalogTypePattern();

    [GeneratedRegex("^plugins/catalog/(?<name>[^/]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex UntypedEntryPattern();

    [GeneratedRegex("^plugins/catalog/(?<type>[^/]+)/(?<name>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex CatalogEntryPattern();

    [GeneratedRegex("^plugins/reload/backend$", RegexOptions.CultureInvariant)]
    private static partial Regex ReloadPattern();
}
