using System.Text.Json;
using System.Text.RegularExpressions;
using PluginHost.Database;
using PluginHost.Sdk;

namespace PluginHost.DatabaseEngine;

/// <summary>
/// The engine's connections: <c>config/</c> (list), <c>config/&lt;name&gt;</c> (write, read, delete),
/// <c>reset/&lt;name&gt;</c> and <c>rotate-root/&lt;name&gt;</c>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The SemaphoreSlim never allocates a wait handle (AvailableWaitHandle is not used), so there is nothing to dispose.")]
internal sealed partial class ConnectionPaths(EngineContext engine)
{
    // Config writes, deletes, resets and root rotations read a configuration and write it back: one at a time, so a
    // write cannot put back the root password a rotation just replaced.
    private readonly SemaphoreSlim _changing = new(1, 1);

    // The engine's own fields; every other field of a config write is the plugin's (connection_details).
    private static readonly HashSet<string> EngineFields = new(StringComparer.Ordinal)
    {
        "name", "plugin_name", "plugin_version", "verify_connection", "allowed_roles", "root_rotation_statements", "password_policy",
    };

    private static readonly Dictionary<string, FieldSchema> ConfigFields = new(StringComparer.Ordinal)
    {
        ["name"] = new() { Type = FieldType.String, Description = "The connection's name." },
        ["plugin_name"] = new() { Type = FieldType.String, Description = "The database plugin's name in the catalog (type database). Required to create." },
        ["plugin_version"] = new() { Type = FieldType.String, Description = "The plugin version to run; empty for the catalog's choice." },
        ["verify_connection"] = new() { Type = FieldType.Bool, Default = true, Description = "Connect when the configuration is written, and refuse it when that fails." },
        ["allowed_roles"] = new() { Type = FieldType.CommaStringSlice, Description = "The roles that may use this connection; '*' for all, globs allowed. Empty: none." },
        ["root_rotation_statements"] = new() { Type = FieldType.StringSlice, Description = "The statements rotate-root sets the root password with; empty for the plugin's default." },
        ["password_policy"] = new() { Type = FieldType.String, Description = "Vault's password policy: not supported here; leave empty for the default generator." },
    };

    private static readonly Dictionary<string, FieldSchema> NameOnly = new(StringComparer.Ordinal)
    {
        ["name"] = new() { Type = FieldType.String, Description = "The connection's name." },
    };

    public IEnumerable<PathRoute> Routes =>
    [
        new PathRoute
        {
            Pattern = ConfigsPattern(),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.List] = ListAsync },
            Synopsis = "List the configured connections.",
        },
        new PathRoute
        {
            Pattern = ConfigPattern(),
            Fields = ConfigFields,
            TakesArbitraryInput = true,
            Handlers = new Dictionary<Operation, PathHandler>
            {
                [Operation.Create] = Serialized(WriteAsync),
                [Operation.Update] = Serialized(WriteAsync),
                [Operation.Read] = ReadAsync,
                [Operation.Delete] = Serialized(DeleteAsync),
            },
            ExistenceCheck = ExistsAsync,
            Synopsis = "Configure a connection to a database through a database plugin.",
            Description = "Every field besides those listed is the plugin's own (connection_url, username, password, …) and is given to the "
                + "plugin's initialize; on an update, plugin fields not given keep their values. A read never shows the password. "
                + "Deleting a connection whose leased credentials are still live is refused: revoke them first.",
        },
        new PathRoute
        {
            Pattern = ResetPattern(),
            Fields = NameOnly,
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Update] = Serialized(ResetAsync) },
            Synopsis = "Close the connection and open it again from its stored configuration.",
        },
        new PathRoute
        {
            Pattern = RotateRootPattern(),
            Fields = NameOnly,
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Update] = Serialized(RotateRootAsync) },
            Synopsis = "Give the connection's own user a new password only the engine knows.",
            Description = "Needs 'username' and 'password' in the connection's configuration. The old password stops working.",
        },
    ];

    private async ValueTask<BackendResponse?> ListAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        BackendResponse.ForList(await engine.Store.ListConfigsAsync(cancellationToken).ConfigureAwait(false));

    private async ValueTask<bool> ExistsAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        await engine.Store.GetConfigAsync(fields.GetString("name"), cancellationToken).ConfigureAwait(false) is not null;

    private async ValueTask<BackendResponse?> WriteAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var name = fields.GetString("name");
        var existing = await engine.Store.GetConfigAsync(name, cancellationToken).ConfigureAwait(false);
        var pluginName = fields.IsSet("plugin_name") ? fields.GetString("plugin_name").Trim() : existing?.PluginName ?? "";
        if (pluginName.Length == 0)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "empty plugin name: give plugin_name, the database plugin's name in the catalog");
        }

        var policy = fields.IsSet("password_policy") ? fields.GetString("password_policy") : existing?.PasswordPolicy ?? "";
        if (policy.Length > 0)
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"password_policy \"{policy}\" cannot be used: this server has no password policies (sys/policies/password); leave it empty for the default generator (20 letters, digits and '-')");
        }

        var details = new Dictionary<string, JsonElement>(existing?.ConnectionDetails ?? new Dictionary<string, JsonElement>(), StringComparer.Ordinal);
        foreach (var (key, value) in request.Data ?? new Dictionary<string, JsonElement>())
        {
            if (!EngineFields.Contains(key))
            {
                details[key] = value.Clone();
            }
        }

        var version = fields.IsSet("plugin_version") ? fields.GetString("plugin_version").Trim() : existing?.PluginVersion;
        var config = new ConnectionConfig
        {
            PluginName = pluginName,
            PluginVersion = string.IsNullOrEmpty(version) ? null : version,
            VerifyConnection = fields.IsSet("verify_connection") || existing is null ? fields.GetBool("verify_connection") : existing.VerifyConnection,
            AllowedRoles = fields.IsSet("allowed_roles") ? fields.GetStrings("allowed_roles") : existing?.AllowedRoles ?? [],
            RootRotationStatements = fields.IsSet("root_rotation_statements") ? fields.GetStrings("root_rotation_statements") : existing?.RootRotationStatements ?? [],
            ConnectionDetails = details,
        };

        OpenConnection connection;
        ConnectionConfig saved;
        try
        {
            (connection, saved) = await engine.Connections.OpenNewAsync(name, config, cancellationToken).ConfigureAwait(false);
        }
        catch (PluginHostException failed) when (failed.Code is ErrorCode.BadRequest or ErrorCode.Internal)
        {
            // Vault's wording; the plugin's reason follows. Nothing was stored: the old configuration (if any) still serves.
            throw new PluginHostException(failed.Code, $"error creating database object: {failed.Message}", failed);
        }

        try
        {
            await engine.Store.PutConfigAsync(name, saved, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.Database.CloseAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        await engine.Connections.ReplaceAsync(name, connection, cancellationToken).ConfigureAwait(false);
        return saved.VerifyConnection
            ? null
            : new BackendResponse { Warnings = ["verify_connection is false: the configuration was stored without connecting to the database"] };
    }

    private async ValueTask<BackendResponse?> ReadAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        if (await engine.Store.GetConfigAsync(fields.GetString("name"), cancellationToken).ConfigureAwait(false) is not { } config)
        {
            return null;
        }

        return BackendResponse.WithData(
        [
            new("plugin_name", config.PluginName),
            new("plugin_version", config.PluginVersion ?? ""),
            new("connection_details", JsonSerializer.SerializeToElement(config.ShownDetails, DatabaseJsonContext.Default.IReadOnlyDictionaryStringJsonElement)),
            new("allowed_roles", config.AllowedRoles),
            new("root_credentials_rotate_statements", config.RootRotationStatements),
            new("password_policy", config.PasswordPolicy),
            new("verify_connection", config.VerifyConnection),
        ]);
    }

    private async ValueTask<BackendResponse?> DeleteAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var name = fields.GetString("name");
        var live = await engine.Host.LiveLeasesAsync(engine.MountPoint + "creds/", name, cancellationToken).ConfigureAwait(false);
        if (live.Count > 0)
        {
            // Vault deletes it and leaves the leases unrevocable (hashicorp/vault#9420); here the credentials come first.
            var roles = live.Select(id => RoleOfLease(id)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"cannot delete connection '{name}': {live.Count} leased credential{(live.Count == 1 ? " it issued is" : "s it issued are")} still live, and could not be revoked without it; "
                + $"revoke them first: {string.Join(", ", roles.Select(role => $"plugin-host lease revoke -prefix {engine.MountPoint}creds/{role}"))}");
        }

        await engine.Connections.CloseAsync(name, cancellationToken).ConfigureAwait(false);
        await engine.Store.DeleteConfigAsync(name, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> ResetAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var name = fields.GetString("name");
        await engine.ConfigOrFailAsync(name, cancellationToken).ConfigureAwait(false);
        await engine.Connections.CloseAsync(name, cancellationToken).ConfigureAwait(false);
        await engine.Connections.GetAsync(name, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> RotateRootAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var name = fields.GetString("name");
        var config = await engine.ConfigOrFailAsync(name, cancellationToken).ConfigureAwait(false);
        var username = config.Detail("username");
        if (string.IsNullOrEmpty(username))
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"unable to rotate root credentials: no username in the configuration of '{name}'");
        }

        if (string.IsNullOrEmpty(config.Detail("password")))
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"unable to rotate root credentials: no password in the configuration of '{name}'");
        }

        var connection = await engine.Connections.GetAsync(name, cancellationToken).ConfigureAwait(false);
        var password = PasswordGenerator.Generate();

        // Written first: should the host stop once the database has the new password, the next open still finds it.
        await engine.Store.PutConfigAsync(name, config with { PendingRootPassword = password }, cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.Database.UpdateUserAsync(
                new UpdateUserRequest
                {
                    Username = username,
                    Password = new PasswordChange { NewPassword = password, Statements = EngineContext.Statements(config.RootRotationStatements) },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (PluginHostException failed) when (failed.Code != ErrorCode.Unavailable)
        {
            // The database refused: it keeps the old password, and so does the configuration.
            await engine.Store.PutConfigAsync(name, config, CancellationToken.None).ConfigureAwait(false);
            throw new PluginHostException(failed.Code, $"failed to update user: {failed.Message}", failed);
        }

        var rotated = config.WithDetail("password", password) with { PendingRootPassword = null };
        await engine.Store.PutConfigAsync(name, rotated, CancellationToken.None).ConfigureAwait(false);

        // The plugin's pool still logs in with the old password: open the connection anew with the new one.
        var (reopened, _) = await engine.Connections.OpenNewAsync(name, rotated with { VerifyConnection = true }, CancellationToken.None).ConfigureAwait(false);
        await engine.Connections.ReplaceAsync(name, reopened with { Config = rotated }, CancellationToken.None).ConfigureAwait(false);
        return null;
    }

    private PathHandler Serialized(PathHandler handler) => async (request, fields, cancellationToken) =>
    {
        await _changing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await handler(request, fields, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _changing.Release();
        }
    };

    // database/creds/readonly/AbCd… → readonly
    private string RoleOfLease(string leaseId)
    {
        var rest = leaseId[(engine.MountPoint.Length + "creds/".Length)..];
        var slash = rest.LastIndexOf('/');
        return slash > 0 ? rest[..slash] : rest;
    }

    [GeneratedRegex(@"^config/?$")]
    private static partial Regex ConfigsPattern();

    [GeneratedRegex(@"^config/(?<name>[^/]+)$")]
    private static partial Regex ConfigPattern();

    [GeneratedRegex(@"^reset/(?<name>[^/]+)$")]
    private static partial Regex ResetPattern();

    [GeneratedRegex(@"^rotate-root/(?<name>[^/]+)$")]
    private static partial Regex RotateRootPattern();
}
