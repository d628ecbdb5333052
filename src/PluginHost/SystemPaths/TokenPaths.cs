using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PluginHost.Authorization;
using PluginHost.Sdk;
using PluginHost.Tokens;

namespace PluginHost.SystemPaths;

/// <summary>
/// Vault's token store at <c>auth/token/</c>: <c>create</c> (and <c>create-orphan</c>), <c>lookup</c>,
/// <c>lookup-self</c>, <c>lookup-accessor</c>, <c>renew</c>, <c>renew-self</c>, <c>renew-accessor</c>, <c>revoke</c>,
/// <c>revoke-self</c>, <c>revoke-accessor</c> and <c>accessors/</c> (sudo). The host has authorized the caller on the
/// path before a handler runs; the handlers add the token store's own rules (child policies, orphans, ids).
/// Tokens and accessors are taken from the request's fields only, never from the path (Vault's deprecated
/// <c>lookup/:token</c> form): a path is written as it is to audit and access logs, a field's value is hashed.
/// </summary>
internal sealed partial class TokenPaths
{
    /// <summary>Where the token store is reached.</summary>
    public const string MountPoint = "auth/token/";

    private readonly TokenStore _tokens;
    private readonly TokenCreator _creator;
    private readonly TimeProvider _clock;
    private readonly PathTable _paths;

    public TokenPaths(TokenStore tokens, IOptionsMonitor<PluginHostOptions> options, TimeProvider clock)
    {
        _tokens = tokens;
        _clock = clock;
        _creator = new TokenCreator(tokens, options);
        _paths = new PathTable("The token store: create, look up, renew and revoke tokens.",
        [
            Route(CreatePattern(), "Create a token.", [Operation.Update], (r, f, ct) => CreateAsync(f, orphan: false, ct),
                "id", "policies", "meta", "no_parent", "no_default_policy", "renewable", "ttl", "explicit_max_ttl", "display_name", "num_uses", "period", "type"),
            Route(CreateOrphanPattern(), "Create an orphan token (root or sudo only).", [Operation.Update], (r, f, ct) => CreateAsync(f, orphan: true, ct),
                "id", "policies", "meta", "no_default_policy", "renewable", "ttl", "explicit_max_ttl", "display_name", "num_uses", "period", "type"),
            Route(LookupSelfPattern(), "Look up the calling token.", [Operation.Read, Operation.Update], (_, _, _) => LookupSelf()),
            Route(LookupAccessorPattern(), "Look up a token by its accessor.", [Operation.Update], LookupAccessorAsync, "accessor"),
            Route(LookupPattern(), "Look up a token.", [Operation.Read, Operation.Update], LookupAsync, "token"),
            Route(RenewSelfPattern(), "Renew the calling token.", [Operation.Update], RenewSelfAsync, "increment"),
            Route(RenewAccessorPattern(), "Renew a token by its accessor.", [Operation.Update], RenewAccessorAsync, "accessor", "increment"),
            Route(RenewPattern(), "Renew a token.", [Operation.Update], RenewAsync, "token", "increment"),
            Route(RevokeSelfPattern(), "Revoke the calling token and its children.", [Operation.Update], RevokeSelfAsync),
            Route(RevokeAccessorPattern(), "Revoke a token by its accessor.", [Operation.Update], RevokeAccessorAsync, "accessor"),
            Route(RevokePattern(), "Revoke a token and its children.", [Operation.Update], RevokeAsync, "token"),
            Route(AccessorsPattern(), "List the accessors of all tokens (sudo).", [Operation.List], ListAccessorsAsync),
        ]);
    }

    /// <summary>The paths below <see cref="MountPoint"/> that need sudo, as Vault's token store declares them.</summary>
    public static IReadOnlyList<string> RootPaths { get; } = ["revoke-orphan/*", "accessors*"];

    /// <summary>Whether <paramref name="path"/> (a logical path) is the token store's.</summary>
    public static bool Serves(string path) => path == "auth/token" || path.StartsWith(MountPoint, StringComparison.Ordinal);

    /// <summary>Handles a request whose path is relative to <see cref="MountPoint"/>, inside a <see cref="CoreRequestScope"/>.</summary>
    public ValueTask<BackendResponse?> HandleAsync(BackendRequest request, CancellationToken cancellationToken) =>
        _paths.HandleAsync(request, cancellationToken);

    private static Principal Caller => CoreRequestScope.Current.Caller
        ?? throw new PluginHostException(ErrorCode.Forbidden, "permission denied");

    private async ValueTask<BackendResponse?> CreateAsync(FieldData fields, bool orphan, CancellationToken cancellationToken)
    {
        var caller = Caller;
        var path = orphan ? MountPoint + "create-orphan" : MountPoint + "create";
        var issued = await _creator.CreateAsync(caller, fields, orphan, path, cancellationToken).ConfigureAwait(false);
        CoreRequestScope.Current.Issued = issued;
        return new BackendResponse();
    }

    private ValueTask<BackendResponse?> LookupSelf()
    {
        var caller = Caller;
        return ValueTask.FromResult<BackendResponse?>(caller is { Token: { } token, Entry: { } entry }
            ? new BackendResponse { Data = TokenDescription.Of(token, entry, _clock.GetUtcNow()) }
            : throw NoToken());
    }

    private async ValueTask<BackendResponse?> LookupAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var token = Required(fields, "token");
        var entry = await _tokens.LookupAsync(token, cancellationToken).ConfigureAwait(false) ?? throw BadToken();
        return new BackendResponse { Data = TokenDescription.Of(token, entry, _clock.GetUtcNow()) };
    }

    private async ValueTask<BackendResponse?> LookupAccessorAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var entry = await _tokens.LookupByAccessorAsync(Required(fields, "accessor"), cancellationToken).ConfigureAwait(false) ?? throw BadAccessor();
        return new BackendResponse { Data = TokenDescription.Of("", entry, _clock.GetUtcNow()) };
    }

    private async ValueTask<BackendResponse?> RenewSelfAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var caller = Caller;
        if (caller is not { Token: { } token, Entry: { } entry })
        {
            throw NoToken();
        }

        return await RenewAsync(token, entry.Accessor, fields, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<BackendResponse?> RenewAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var token = Required(fields, "token");
        var entry = await _tokens.LookupAsync(token, cancellationToken).ConfigureAwait(false) ?? throw BadToken();
        return await RenewAsync(token, entry.Accessor, fields, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<BackendResponse?> RenewAccessorAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        await RenewAsync("", Required(fields, "accessor"), fields, cancellationToken).ConfigureAwait(false);

    private async ValueTask<BackendResponse?> RenewAsync(string token, string accessor, FieldData fields, CancellationToken cancellationToken)
    {
        var renewed = await _tokens.RenewAsync(accessor, fields.GetDuration("increment"), cancellationToken).ConfigureAwait(false);
        CoreRequestScope.Current.Issued = new IssuedToken(token, renewed);
        return new BackendResponse();
    }

    private async ValueTask<BackendResponse?> RevokeSelfAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        if (Caller.Token is not { } token)
        {
            throw NoToken();
        }

        await _tokens.RevokeAsync(token, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> RevokeAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        await _tokens.RevokeAsync(Required(fields, "token"), cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> RevokeAccessorAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        await _tokens.RevokeByAccessorAsync(Required(fields, "accessor"), cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> ListAccessorsAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var accessors = await _tokens.ListAccessorsAsync(cancellationToken).ConfigureAwait(false);
        return accessors.Count == 0 ? null : BackendResponse.ForList(accessors);
    }

    private static string Required(FieldData fields, string name) =>
        fields.GetString(name) is { Length: > 0 } value
            ? value
            : throw new PluginHostException(ErrorCode.BadRequest, $"missing '{name}': give the {name} in the request body, as Vault's API does");

    private static PluginHostException NoToken() =>
        new(ErrorCode.BadRequest, "the caller has no token of its own (it is the application itself, or one the application authenticated)");

    private static PluginHostException BadToken() => new(ErrorCode.Forbidden, "bad token");

    private static PluginHostException BadAccessor() => new(ErrorCode.BadRequest, "invalid accessor");

    private static PathRoute Route(Regex pattern, string synopsis, Operation[] operations, PathHandler handler, params string[] fields) => new()
    {
        Pattern = pattern,
        Fields = TokenFields.Of(fields),
        Handlers = operations.ToDictionary(o => o, _ => handler),
        Synopsis = synopsis,
    };

    [GeneratedRegex("^create/?$")]
    private static partial Regex CreatePattern();

    [GeneratedRegex("^create-orphan/?$")]
    private static partial Regex CreateOrphanPattern();

    [GeneratedRegex("^lookup-self/?$")]
    private static partial Regex LookupSelfPattern();

    [GeneratedRegex("^lookup-accessor/?$")]
    private static partial Regex LookupAccessorPattern();

    [GeneratedRegex("^lookup/?$")]
    private static partial Regex LookupPattern();

    [GeneratedRegex("^renew-self/?$")]
    private static partial Regex RenewSelfPattern();

    [GeneratedRegex("^renew-accessor/?$")]
    private static partial Regex RenewAccessorPattern();

    [GeneratedRegex("^renew/?$")]
    private static partial Regex RenewPattern();

    [GeneratedRegex("^revoke-self/?$")]
    private static partial Regex RevokeSelfPattern();

    [GeneratedRegex("^revoke-accessor/?$")]
    private static partial Regex RevokeAccessorPattern();

    [GeneratedRegex("^revoke/?$")]
    private static partial Regex RevokePattern();

    [GeneratedRegex("^accessors/?$")]
    private static partial Regex AccessorsPattern();
}
