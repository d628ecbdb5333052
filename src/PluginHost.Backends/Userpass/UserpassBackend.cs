using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using PluginHost.Sdk;

namespace PluginHost.Backends;

/// <summary>
/// An auth method like Vault's <c>userpass</c>: users with a password and token settings, and a login that answers
/// <see cref="AuthInfo"/> for the right password.
/// </summary>
/// <remarks>
/// Paths: <c>users/</c> (list), <c>users/&lt;name&gt;</c> (read, create, update, delete; fields <c>password</c>,
/// Vault's token fields <c>token_policies</c>, <c>token_ttl</c>, <c>token_max_ttl</c>, <c>token_no_default_policy</c>, and the
/// legacy <c>policies</c>, <c>ttl</c>, <c>max_ttl</c>), <c>users/&lt;name&gt;/password</c> (update),
/// <c>login/&lt;name&gt;</c> and <c>login</c> with a <c>username</c> field (field <c>password</c>).
/// Passwords are stored only as PBKDF2-HMAC-SHA256 hashes and are never answered or logged. At most
/// <see cref="UserpassBackendOptions.MaxConcurrentHashes"/> hashes run at once, so unauthenticated logins cannot take every
/// core; a stored hash record outside the accepted limits is refused as corrupt rather than verified.
/// Written exactly as a plugin author would write it, on the SDK's <see cref="PathBackend"/>, so it runs in-process or in a
/// plugin executable. Users are read from storage on every request, so there is no cache to invalidate or clean up.
/// </remarks>
public sealed partial class UserpassBackend : PathBackend
{
    private const string BackendHelp =
        "The userpass auth method lets users log in with a username and password. Create users under 'users/<name>' "
        + "with a password and the policies their tokens get; they log in at 'login/<name>'.";

    private const string InvalidLogin = "invalid username or password";

    private static readonly SpecialPaths LoginIsUnauthenticated = new() { Unauthenticated = ["login", "login/*"] };

    private readonly int _iterations;
    private readonly StripedLocks _locks = new();

    /// <summary>Creates a userpass backend that hashes passwords with <see cref="UserpassBackendOptions.DefaultPasswordIterations"/> iterations.</summary>
    public UserpassBackend()
        : this(new UserpassBackendOptions())
    {
    }

    /// <summary>Creates a userpass backend.</summary>
    /// <param name="options">The password hashing settings.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <see cref="UserpassBackendOptions.PasswordIterations"/> is outside its range, or
    /// <see cref="UserpassBackendOptions.MaxConcurrentHashes"/> is below 1.
    /// </exception>
    public UserpassBackend(UserpassBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PasswordIterations is < UserpassBackendOptions.MinimumPasswordIterations or > UserpassBackendOptions.MaximumPasswordIterations)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.PasswordIterations,
                $"PasswordIterations must be at least {UserpassBackendOptions.MinimumPasswordIterations} and at most "
                + $"{UserpassBackendOptions.MaximumPasswordIterations} "
                + $"(default {UserpassBackendOptions.DefaultPasswordIterations}, OWASP's advice for PBKDF2-HMAC-SHA256).");
        }

        if (options.MaxConcurrentHashes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxConcurrentHashes,
                $"MaxConcurrentHashes must be at least 1 (default Environment.ProcessorCount, here {Environment.ProcessorCount}).");
        }

        _iterations = options.PasswordIterations;
        Hashes = new HashLimiter(options.MaxConcurrentHashes);
        Paths = new PathTable(BackendHelp,
        [
            new PathRoute
            {
                Pattern = UsersPattern(),
                Handlers = new Dictionary<Operation, PathHandler> { [Operation.List] = ListUsersAsync },
                Synopsis = "List the users.",
            },
            new PathRoute
            {
                Pattern = UserPasswordPattern(),
                Fields = UserFields.Schemas("name", "password"),
                Handlers = new Dictionary<Operation, PathHandler> { [Operation.Update] = ChangePasswordAsync },
                Synopsis = "Change a user's password.",
                Description = "Write the new 'password'. The user must exist.",
            },
            new PathRoute
            {
                Pattern = UserPattern(),
                Fields = UserFields.Schemas("name", "password", "policies", "token_policies", "ttl", "token_ttl", "max_ttl", "token_max_ttl", "token_no_default_policy"),
                Handlers = new Dictionary<Operation, PathHandler>
                {
                    [Operation.Read] = ReadUserAsync,
                    [Operation.Create] = WriteUserAsync,
                    [Operation.Update] = WriteUserAsync,
                    [Operation.Delete] = DeleteUserAsync,
                },
                ExistenceCheck = UserExistsAsync,
                Synopsis = "Manage a user.",
                Description = "A 'password' is required to create a user; omit it on an update to keep it. "
                    + "Usernames are case-insensitive. A read never answers the password.",
            },
            new PathRoute
            {
                Pattern = LoginPattern(),
                Fields = UserFields.Schemas("name", "username", "password"),
                Handlers = new Dictionary<Operation, PathHandler> { [Operation.Create] = LoginAsync, [Operation.Update] = LoginAsync },
                Synopsis = "Log in with a username and password.",
                Description = "Write 'password' to 'login/<name>', or 'username' and 'password' to 'login'.",
            },
        ]);
    }

    /// <inheritdoc/>
    public override BackendType Type => BackendType.Auth;

    /// <inheritdoc/>
    /// <remarks>Logins (<c>login</c> and <c>login/*</c>) need no client token.</remarks>
    public override SpecialPaths SpecialPaths => LoginIsUnauthenticated;

    /// <inheritdoc/>
    protected override PathTable Paths { get; }

    /// <summary>Caps concurrent password hashes; internal so tests can observe it.</summary>
    internal HashLimiter Hashes { get; }

    private UserStore Users => new(Storage);

    private ILogger Logger => Config.Logger;

    private async ValueTask<BackendResponse?> ListUsersAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var names = await Users.ListAsync(cancellationToken).ConfigureAwait(false);
        return names.Count == 0 ? null : BackendResponse.ForList(names);
    }

    private async ValueTask<BackendResponse?> ReadUserAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var user = await Users.GetAsync(NameOf(fields), cancellationToken).ConfigureAwait(false);
        return user is null ? null : BackendResponse.WithData(
        [
            new("policies", user.Policies),
            new("token_policies", user.Policies),
            new("ttl", user.TtlSeconds),
            new("token_ttl", user.TtlSeconds),
            new("max_ttl", user.MaxTtlSeconds),
            new("token_max_ttl", user.MaxTtlSeconds),
            new("token_no_default_policy", user.NoDefaultPolicy),
            new("token_type", "default"),
        ]);
    }

    private async ValueTask<bool> UserExistsAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        await Users.ExistsAsync(NameOf(fields), cancellationToken).ConfigureAwait(false);

    private async ValueTask<BackendResponse?> WriteUserAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var name = NameOf(fields);
        var password = NonEmptyPassword(fields);

        // Hashed before taking the user's lock, so a wait for a hash slot never holds up other writes to the user.
        var newHash = password is null ? null : await HashAsync(password, cancellationToken).ConfigureAwait(false);
        using (await _locks.EnterAsync(name, cancellationToken).ConfigureAwait(false))
        {
            var existing = password is null
                ? await Users.GetAsync(name, cancellationToken).ConfigureAwait(false)
                : await Users.GetForNewPasswordAsync(name, cancellationToken).ConfigureAwait(false);

            // Checked against what is stored, not the operation: an update of a missing user creates it too.
            if (existing is null && password is null)
            {
                throw new PluginHostException(ErrorCode.BadRequest, "missing password");
            }

            var user = UserFields.Apply(fields, existing, newHash);
            await Users.PutAsync(name, user, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                UserpassLog.UserCreated(Logger, name, user.Policies);
            }
            else
            {
                UserpassLog.UserUpdated(Logger, name, password is not null);
            }
        }

        return null;
    }

    private async ValueTask<BackendResponse?> ChangePasswordAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var name = NameOf(fields);
        var password = NonEmptyPassword(fields) ?? throw new PluginHostException(ErrorCode.BadRequest, "missing password");
        var newHash = await HashAsync(password, cancellationToken).ConfigureAwait(false);
        using (await _locks.EnterAsync(name, cancellationToken).ConfigureAwait(false))
        {
            var existing = await Users.GetForNewPasswordAsync(name, cancellationToken).ConfigureAwait(false)
                ?? throw new PluginHostException(ErrorCode.BadRequest, $"username does not exist: create it first by writing to users/{name}");
            await Users.PutAsync(name, existing with { PasswordHash = newHash }, cancellationToken).ConfigureAwait(false);
            UserpassLog.UserUpdated(Logger, name, passwordChanged: true);
        }

        return null;
    }

    private async ValueTask<BackendResponse?> DeleteUserAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var name = NameOf(fields);
        using (await _locks.EnterAsync(name, cancellationToken).ConfigureAwait(false))
        {
            await Users.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
        }

        UserpassLog.UserDeleted(Logger, name);
        return null;
    }

    private async ValueTask<BackendResponse?> LoginAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var name = Username.Normalize(fields.IsSet("name") ? fields.GetString("name") : fields.GetString("username"));
        var password = NonEmptyPassword(fields) ?? throw new PluginHostException(ErrorCode.BadRequest, "missing password");
        var user = await Users.GetAsync(name, cancellationToken).ConfigureAwait(false);

        // An unknown user costs the same hash as a known one, so timing does not tell which users exist.
        var stored = user?.PasswordHash ?? PasswordHash.Unmatchable(_iterations);
        var matches = await Hashes.RunAsync(() => stored.Verify(password), cancellationToken).ConfigureAwait(false);
        if (user is null || !matches)
        {
            UserpassLog.LoginFailed(Logger, name, user is null ? "unknown user" : "wrong password");
            throw new PluginHostException(ErrorCode.BadRequest, InvalidLogin);
        }

        return new BackendResponse
        {
            Auth = new AuthInfo
            {
                DisplayName = name,
                Policies = user.Policies,
                Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["username"] = name },
                Ttl = TimeSpan.FromSeconds(user.TtlSeconds),
                MaxTtl = TimeSpan.FromSeconds(user.MaxTtlSeconds),
                NoDefaultPolicy = user.NoDefaultPolicy,
                Renewable = true,
                AliasName = name,
            },
        };
    }

    private ValueTask<PasswordHash> HashAsync(string password, CancellationToken cancellationToken) =>
        Hashes.RunAsync(() => PasswordHash.Create(password, _iterations), cancellationToken);

    private static string NameOf(FieldData fields) => Username.Normalize(fields.GetString("name"));

    private static string? NonEmptyPassword(FieldData fields)
    {
        var password = fields.GetString("password");
        return password.Length == 0 ? null : password;
    }

    [GeneratedRegex("^users/?$", RegexOptions.CultureInvariant)]
    private static partial Regex UsersPattern();

    [GeneratedRegex("^users/(?<name>[^/]+)/password$", RegexOptions.CultureInvariant)]
    private static partial Regex UserPasswordPattern();

    [GeneratedRegex("^users/(?<name>[^/]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex UserPattern();

    [GeneratedRegex("^login(?:/(?<name>[^/]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex LoginPattern();
}
