using PluginHost.Policies;

namespace PluginHost.Authorization;

/// <summary>
/// Who sends a request to <c>IPluginHost.HandleRequestAsync(request, caller)</c>:
/// a client token the host authenticates, callers the application authenticated itself, or the application itself.
/// The host authorizes every request against the caller's policies on the path it routes.
/// </summary>
/// <example>
/// <code>
/// // A front end passes what its client presented; the host decides.
/// var answer = await host.HandleRequestAsync(request, RequestCaller.FromToken(headerToken) with { RemoteAddress = ip });
/// </code>
/// </example>
public sealed record RequestCaller
{
    private RequestCaller(CallerKind kind, string? token, string? displayName, IReadOnlyList<string> policies)
    {
        Kind = kind;
        Token = token;
        DisplayName = displayName ?? "";
        Policies = policies;
    }

    /// <summary>
    /// The embedding application itself, with every capability (as Vault's root token): for an application's own calls
    /// and the CLI's embedded mode. Never use it for a request that came from someone else.
    /// </summary>
    public static RequestCaller Application { get; } = new(CallerKind.Application, null, "application", []);

    /// <summary>No token: reaches only a backend's unauthenticated paths, such as a login.</summary>
    public static RequestCaller Anonymous { get; } = new(CallerKind.Token, null, null, []);

    /// <summary>How the caller is known.</summary>
    public CallerKind Kind { get; }

    /// <summary>The token as presented (<see cref="CallerKind.Token"/>); null when none was.</summary>
    public string? Token { get; }

    /// <summary>The name of a caller the application authenticated (<see cref="CallerKind.Policies"/>).</summary>
    public string DisplayName { get; }

    /// <summary>The policies of a caller the application authenticated (<see cref="CallerKind.Policies"/>).</summary>
    public IReadOnlyList<string> Policies { get; }

    /// <summary>The client's network address, for audit entries; null when there is none.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>The client's port, for audit entries; null when there is none.</summary>
    public int? RemotePort { get; init; }

    /// <summary>A caller known by the token it presented; the host looks it up. Null or empty: <see cref="Anonymous"/>.</summary>
    /// <param name="token">The token as presented.</param>
    /// <returns>The caller.</returns>
    public static RequestCaller FromToken(string? token) =>
        string.IsNullOrEmpty(token) ? Anonymous : new(CallerKind.Token, token, null, []);

    /// <summary>
    /// A caller the application authenticated itself and gives policies to (the <c>default</c> policy is not added).
    /// The <c>root</c> policy is refused: an application that means to act with every capability uses <see cref="Application"/>.
    /// </summary>
    /// <param name="displayName">Who it is, for audit entries.</param>
    /// <param name="policies">The names of policies stored in the host.</param>
    /// <returns>The caller.</returns>
    /// <exception cref="ArgumentException"><paramref name="policies"/> holds <c>root</c>.</exception>
    public static RequestCaller FromPolicies(string displayName, IReadOnlyList<string> policies)
    {
        ArgumentNullException.ThrowIfNull(displayName);
        ArgumentNullException.ThrowIfNull(policies);
        if (policies.Contains(RootPolicy.Name, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException("a caller the application authenticated cannot hold the root policy; use RequestCaller.Application for the application's own calls", nameof(policies));
        }

        return new(CallerKind.Policies, null, displayName, [.. policies]);
    }
}
