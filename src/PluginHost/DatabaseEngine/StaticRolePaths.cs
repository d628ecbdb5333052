using System.Text.RegularExpressions;
using PluginHost.Sdk;

namespace PluginHost.DatabaseEngine;

/// <summary>
/// Static roles: <c>static-roles/</c> (list), <c>static-roles/&lt;name&gt;</c> (write, read, delete) — an existing
/// database user whose password the engine sets at once and then every <c>rotation_period</c> —,
/// <c>static-creds/&lt;name&gt;</c> (its current password) and <c>rotate-role/&lt;name&gt;</c> (rotate now).
/// </summary>
internal sealed partial class StaticRolePaths(EngineContext engine, StaticRotation rotation)
{
    /// <summary>The shortest rotation period Vault accepts.</summary>
    public static readonly TimeSpan MinRotationPeriod = TimeSpan.FromSeconds(5);

    private static readonly Dictionary<string, FieldSchema> StaticRoleFields = new(StringComparer.Ordinal)
    {
        ["name"] = new() { Type = FieldType.String, Description = "The static role's name." },
        ["db_name"] = new() { Type = FieldType.String, Description = "The connection the user lives on. Required to create." },
        ["username"] = new() { Type = FieldType.String, Description = "The existing database user whose password is managed. Required to create." },
        ["rotation_period"] = new() { Type = FieldType.Duration, Description = "How often the password is rotated; at least 5 seconds. Required to create." },
        ["rotation_statements"] = new() { Type = FieldType.StringSlice, Description = "The statements that set the password, with {{name}} and {{password}}; empty for the plugin's default." },
    };

    private static readonly Dictionary<string, FieldSchema> NameOnly = new(StringComparer.Ordinal)
    {
        ["name"] = new() { Type = FieldType.String, Description = "The static role's name." },
    };

    public IEnumerable<PathRoute> Routes =>
    [
        new PathRoute
        {
            Pattern = StaticRolesPattern(),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.List] = ListAsync },
            Synopsis = "List the static roles.",
        },
        new PathRoute
        {
            Pattern = StaticRolePattern(),
            Fields = StaticRoleFields,
            Handlers = new Dictionary<Operation, PathHandler>
            {
                [Operation.Create] = WriteAsync,
                [Operation.Update] = WriteAsync,
                [Operation.Read] = ReadAsync,
                [Operation.Delete] = DeleteAsync,
            },
            ExistenceCheck = ExistsAsync,
            Synopsis = "Manage a static role: an existing database user whose password the engine rotates.",
            Description = "Creating one sets a new password at once; username and db_name cannot change afterwards. "
                + "Deleting one stops the rotations; the database user is left as it is.",
        },
        new PathRoute
        {
            Pattern = StaticCredsPattern(),
            Fields = NameOnly,
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Read] = ReadCredsAsync },
            Synopsis = "Read a static role's current username and password.",
        },
        new PathRoute
        {
            Pattern = RotateRolePattern(),
            Fields = NameOnly,
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Update] = RotateNowAsync },
            Synopsis = "Rotate a static role's password now.",
        },
    ];

    private async ValueTask<BackendResponse?> ListAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        BackendResponse.ForList(await engine.Store.ListStaticRolesAsync(cancellationToken).ConfigureAwait(false));

    private async ValueTask<bool> ExistsAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        await engine.Store.GetStaticRoleAsync(fields.GetString("name"), cancellationToken).ConfigureAwait(false) is not null;

    private async ValueTask<BackendResponse?> WriteAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var name = fields.GetString("name");
        var existing = await engine.Store.GetStaticRoleAsync(name, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            Unchanged(fields, "username", existing.Username);
            Unchanged(fields, "db_name", existing.DbName);
        }
        else if (await engine.Store.GetRoleAsync(name, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"role \"{name}\" already exists as a dynamic role (roles/{name}); role names are shared by both kinds");
        }

        var username = existing?.Username ?? Required(fields, "username");
        var dbName = existing?.DbName ?? Required(fields, "db_name");
        var period = fields.IsSet("rotation_period") ? fields.GetDuration("rotation_period") : existing?.RotationPeriod ?? TimeSpan.Zero;
        if (period == TimeSpan.Zero && existing is null)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "rotation_period is required to create static roles");
        }

        if (period < MinRotationPeriod)
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"rotation_period must be {MinRotationPeriod.TotalSeconds} seconds or more");
        }

        var config = await engine.ConfigOrFailAsync(dbName, cancellationToken).ConfigureAwait(false);
        EngineContext.EnsureAllowed(config, dbName, name);
        var role = (existing ?? new StaticRoleEntry { DbName = dbName, Username = username }) with
        {
            RotationPeriod = period,
            RotationStatements = fields.IsSet("rotation_statements") ? fields.GetStrings("rotation_statements") : existing?.RotationStatements ?? [],
        };

        if (existing is null)
        {
            // Vault sets a password only it knows as soon as it manages the user; a user it cannot rotate is refused.
            await rotation.RotateAsync(name, role, creating: true, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await engine.Store.PutStaticRoleAsync(name, role, cancellationToken).ConfigureAwait(false);
        }

        rotation.Wake();
        return null;
    }

    private async ValueTask<BackendResponse?> ReadAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        if (await engine.Store.GetStaticRoleAsync(fields.GetString("name"), cancellationToken).ConfigureAwait(false) is not { } role)
        {
            return null;
        }

        return BackendResponse.WithData(
        [
            new("db_name", role.DbName),
            new("username", role.Username),
            new("rotation_period", (long)role.RotationPeriod.TotalSeconds),
            new("rotation_statements", role.RotationStatements),
            new("last_vault_rotation", role.LastVaultRotation),
            new("credential_type", "password"),
        ]);
    }

    private async ValueTask<BackendResponse?> DeleteAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        await rotation.DeleteAsync(fields.GetString("name"), cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> ReadCredsAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var name = fields.GetString("name");
        var role = await engine.Store.GetStaticRoleAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new PluginHostException(ErrorCode.BadRequest, $"unknown role: {name}");
        var now = engine.Clock.GetUtcNow();
        var ttl = role.NextRotation(now) - now;
        return BackendResponse.WithData(
        [
            new("username", role.Username),
            new("password", role.Password ?? ""),
            new("last_vault_rotation", role.LastVaultRotation),
            new("rotation_period", (long)role.RotationPeriod.TotalSeconds),
            new("ttl", (long)Math.Max(0, Math.Ceiling(ttl.TotalSeconds))),
        ]);
    }

    private async ValueTask<BackendResponse?> RotateNowAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var name = fields.GetString("name");
        var role = await engine.Store.GetStaticRoleAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new PluginHostException(ErrorCode.BadRequest, $"unknown role: {name}");
        if (await rotation.RotateAsync(name, role, creating: false, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"unknown role: {name}");
        }

        rotation.Wake();
        return null;
    }

    private static void Unchanged(FieldData fields, string field, string stored)
    {
        if (fields.IsSet(field) && !string.Equals(fields.GetString(field), stored, StringComparison.Ordinal))
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"cannot update static account {field}: delete the static role and create it again");
        }
    }

    private static string Required(FieldData fields, string field) =>
        fields.IsSet(field) && fields.GetString(field).Trim() is { Length: > 0 } value
            ? value
            : throw new PluginHostException(ErrorCode.BadRequest, $"{field} is required to create static roles");

    [GeneratedRegex(@"^static-roles/?$")]
    private static partial Regex StaticRolesPattern();

    [GeneratedRegex(@"^static-roles/(?<name>[^/]+)$")]
    private static partial Regex StaticRolePattern();

    [GeneratedRegex(@"^static-creds/(?<name>[^/]+)$")]
    private static partial Regex StaticCredsPattern();

    [GeneratedRegex(@"^rotate-role/(?<name>[^/]+)$")]
    private static partial Regex RotateRolePattern();
}
