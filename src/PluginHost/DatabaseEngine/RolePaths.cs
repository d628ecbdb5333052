using System.Text.RegularExpressions;
using PluginHost.Database;
using PluginHost.Sdk;

namespace PluginHost.DatabaseEngine;

/// <summary>
/// Dynamic roles and their credentials: <c>roles/</c> (list), <c>roles/&lt;name&gt;</c> (write, read, delete), and
/// <c>creds/&lt;name&gt;</c>: a new user with a lease, renewed by moving the user's expiration and revoked by dropping it.
/// </summary>
internal sealed partial class RolePaths(EngineContext engine)
{
    private static readonly Dictionary<string, FieldSchema> RoleFields = new(StringComparer.Ordinal)
    {
        ["name"] = new() { Type = FieldType.String, Description = "The role's name." },
        ["db_name"] = new() { Type = FieldType.String, Description = "The connection (config/<db_name>) the role's users are made on. Required to create." },
        ["creation_statements"] = new() { Type = FieldType.StringSlice, Description = "The statements that create a user, with {{name}}, {{password}} and {{expiration}}. Required to create." },
        ["revocation_statements"] = new() { Type = FieldType.StringSlice, Description = "The statements that drop a user; empty for the plugin's default." },
        ["rollback_statements"] = new() { Type = FieldType.StringSlice, Description = "The statements that undo a creation that failed part way." },
        ["renew_statements"] = new() { Type = FieldType.StringSlice, Description = "The statements that extend a user's expiration; empty for the plugin's default." },
        ["default_ttl"] = new() { Type = FieldType.Duration, Description = "The credentials' TTL; 0 for the mount's default." },
        ["max_ttl"] = new() { Type = FieldType.Duration, Description = "The longest the credentials may live; 0 for the mount's maximum." },
        ["credential_type"] = new() { Type = FieldType.String, Default = "password", Description = "Only 'password' is supported." },
    };

    private static readonly Dictionary<string, FieldSchema> NameOnly = new(StringComparer.Ordinal)
    {
        ["name"] = new() { Type = FieldType.String, Description = "The role's name." },
    };

    public IEnumerable<PathRoute> Routes =>
    [
        new PathRoute
        {
            Pattern = RolesPattern(),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.List] = ListAsync },
            Synopsis = "List the roles.",
        },
        new PathRoute
        {
            Pattern = RolePattern(),
            Fields = RoleFields,
            Handlers = new Dictionary<Operation, PathHandler>
            {
                [Operation.Create] = WriteAsync,
                [Operation.Update] = WriteAsync,
                [Operation.Read] = ReadAsync,
                [Operation.Delete] = DeleteAsync,
            },
            ExistenceCheck = ExistsAsync,
            Synopsis = "Manage a role: the statements that make and drop its users, and how long they live.",
            Description = "A statement field takes one string (it may hold several ';'-separated statements) or a JSON array of them. "
                + "Credentials issued before a change keep the revocation statements they were issued with.",
        },
        new PathRoute
        {
            Pattern = CredsPattern(),
            Fields = NameOnly,
            Handlers = new Dictionary<Operation, PathHandler>
            {
                [Operation.Read] = IssueAsync,
                [Operation.Renew] = RenewAsync,
                [Operation.Revoke] = RevokeAsync,
            },
            Synopsis = "Generate a username and password for a role, with a lease.",
        },
    ];

    private async ValueTask<BackendResponse?> ListAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        BackendResponse.ForList(await engine.Store.ListRolesAsync(cancellationToken).ConfigureAwait(false));

    private async ValueTask<bool> ExistsAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        await engine.Store.GetRoleAsync(fields.GetString("name"), cancellationToken).ConfigureAwait(false) is not null;

    private async ValueTask<BackendResponse?> WriteAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var name = fields.GetString("name");
        var existing = await engine.Store.GetRoleAsync(name, cancellationToken).ConfigureAwait(false);
        if (fields.GetString("credential_type") is not ("" or "password"))
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"credential_type \"{fields.GetString("credential_type")}\" is not supported: only \"password\"");
        }

        var dbName = fields.IsSet("db_name") ? fields.GetString("db_name").Trim() : existing?.DbName ?? "";
        if (dbName.Length == 0)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "empty database name attribute: give db_name, the connection's name (config/<db_name>)");
        }

        var role = new RoleEntry
        {
            DbName = dbName,
            CreationStatements = Pick(fields, "creation_statements", existing?.CreationStatements),
            RevocationStatements = Pick(fields, "revocation_statements", existing?.RevocationStatements),
            RollbackStatements = Pick(fields, "rollback_statements", existing?.RollbackStatements),
            RenewStatements = Pick(fields, "renew_statements", existing?.RenewStatements),
            DefaultTtl = fields.IsSet("default_ttl") ? fields.GetDuration("default_ttl") : existing?.DefaultTtl ?? TimeSpan.Zero,
            MaxTtl = fields.IsSet("max_ttl") ? fields.GetDuration("max_ttl") : existing?.MaxTtl ?? TimeSpan.Zero,
        };
        if (role.CreationStatements.Count == 0)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "empty creation statements: give creation_statements, the statements that create a user");
        }

        if (role.MaxTtl > TimeSpan.Zero && role.DefaultTtl > role.MaxTtl)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "ttl cannot be greater than max_ttl");
        }

        if (await engine.Store.GetStaticRoleAsync(name, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"role \"{name}\" already exists as a static role (static-roles/{name}); role names are shared by both kinds");
        }

        await engine.Store.PutRoleAsync(name, role, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> ReadAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        if (await engine.Store.GetRoleAsync(fields.GetString("name"), cancellationToken).ConfigureAwait(false) is not { } role)
        {
            return null;
        }

        return BackendResponse.WithData(
        [
            new("db_name", role.DbName),
            new("creation_statements", role.CreationStatements),
            new("revocation_statements", role.RevocationStatements),
            new("rollback_statements", role.RollbackStatements),
            new("renew_statements", role.RenewStatements),
            new("default_ttl", (long)role.DefaultTtl.TotalSeconds),
            new("max_ttl", (long)role.MaxTtl.TotalSeconds),
            new("credential_type", "password"),
        ]);
    }

    private async ValueTask<BackendResponse?> DeleteAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        // Issued credentials carry their revocation statements: deleting the role does not strand them.
        await engine.Store.DeleteRoleAsync(fields.GetString("name"), cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> IssueAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var name = fields.GetString("name");
        var role = await engine.Store.GetRoleAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new PluginHostException(ErrorCode.BadRequest, $"unknown role: {name}");
        var config = await engine.ConfigOrFailAsync(role.DbName, cancellationToken).ConfigureAwait(false);
        EngineContext.EnsureAllowed(config, role.DbName, name);

        var (mountDefault, mountMax) = engine.Host.LeaseTtls(engine.MountPoint);
        // A role's max_ttl cannot lift the mount's (Vault caps it the same way); the lease would be cut there anyway.
        var max = role.MaxTtl > TimeSpan.Zero && role.MaxTtl < mountMax ? role.MaxTtl : mountMax;
        var ttl = role.DefaultTtl > TimeSpan.Zero ? role.DefaultTtl : mountDefault;
        if (ttl > max)
        {
            ttl = max;
        }

        var connection = await engine.Connections.GetAsync(role.DbName, cancellationToken).ConfigureAwait(false);
        var password = PasswordGenerator.Generate();
        var created = await connection.Database.NewUserAsync(
            new NewUserRequest
            {
                UsernameConfig = new UsernameMetadata { DisplayName = request.DisplayName ?? "", RoleName = name },
                Password = password,
                Expiration = engine.Clock.GetUtcNow() + ttl,
                Statements = EngineContext.Statements(role.CreationStatements),
                RollbackStatements = EngineContext.Statements(role.RollbackStatements),
            },
            cancellationToken).ConfigureAwait(false);

        return BackendResponse.WithData([new("username", created.Username), new("password", password)]) with
        {
            Secret = new SecretInfo
            {
                Ttl = ttl,
                MaxTtl = max,
                Renewable = true,
                InternalData = new CredentialData(created.Username, name, role.DbName, role.RevocationStatements).ToInternalData(),
            },
        };
    }

    private async ValueTask<BackendResponse?> RenewAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var secret = request.Secret ?? throw new PluginHostException(ErrorCode.BadRequest, "a renewal carries the secret being renewed");
        var credential = CredentialData.From(secret);
        var role = await engine.Store.GetRoleAsync(credential.Role, cancellationToken).ConfigureAwait(false)
            ?? throw new PluginHostException(ErrorCode.BadRequest, $"error during renew: could not find role with name \"{credential.Role}\"");
        var connection = await engine.Connections.GetAsync(credential.DbName, cancellationToken).ConfigureAwait(false);
        await connection.Database.UpdateUserAsync(
            new UpdateUserRequest
            {
                Username = credential.Username,
                Expiration = new ExpirationChange { NewExpiration = engine.Clock.GetUtcNow() + secret.Ttl, Statements = EngineContext.Statements(role.RenewStatements) },
            },
            cancellationToken).ConfigureAwait(false);
        return new BackendResponse { Secret = new SecretInfo { Ttl = secret.Ttl, Renewable = true, InternalData = secret.InternalData } };
    }

    private async ValueTask<BackendResponse?> RevokeAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var secret = request.Secret ?? throw new PluginHostException(ErrorCode.BadRequest, "a revocation carries the secret being revoked");
        var credential = CredentialData.From(secret);
        var statements = credential.RevocationStatements;
        if (statements.Count == 0 && await engine.Store.GetRoleAsync(credential.Role, cancellationToken).ConfigureAwait(false) is { } role)
        {
            statements = role.RevocationStatements;
        }

        // A missing connection fails the revocation: the lease is kept and retried, never dropped with the user still there.
        var connection = await engine.Connections.GetAsync(credential.DbName, cancellationToken).ConfigureAwait(false);
        await connection.Database.DeleteUserAsync(
            new DeleteUserRequest { Username = credential.Username, Statements = EngineContext.Statements(statements) },
            cancellationToken).ConfigureAwait(false);
        return null;
    }

    private static IReadOnlyList<string> Pick(FieldData fields, string name, IReadOnlyList<string>? existing) =>
        fields.IsSet(name) ? fields.GetStrings(name) : existing ?? [];

    [GeneratedRegex(@"^roles/?$")]
    private static partial Regex RolesPattern();

    [GeneratedRegex(@"^roles/(?<name>[^/]+)$")]
    private static partial Regex RolePattern();

    [GeneratedRegex(@"^creds/(?<name>[^/]+)$")]
    private static partial Regex CredsPattern();
}
