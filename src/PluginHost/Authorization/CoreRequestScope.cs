using PluginHost.Tokens;

namespace PluginHost.Authorization;

/// <summary>
/// What the host's own paths (<c>sys/</c>, <c>auth/token/</c>) need to know of the request being served beyond its
/// fields: who asks, and where to put a token they issue. Set by the host around each such call only, so a backend
/// never sees it.
/// </summary>
internal sealed class CoreRequestScope
{
    private static readonly AsyncLocal<CoreRequestScope?> CurrentScope = new();

    private CoreRequestScope(Principal? caller) => Caller = caller;

    /// <summary>The scope of the request being served on this flow.</summary>
    /// <exception cref="InvalidOperationException">No core request is being served (a bug: a core path was called directly).</exception>
    public static CoreRequestScope Current =>
        CurrentScope.Value ?? throw new InvalidOperationException("the host's own paths are served only through IPluginHost.HandleRequestAsync");

    /// <summary>The authenticated caller; null on an unauthenticated path.</summary>
    public Principal? Caller { get; }

    /// <summary>A token the path issued, for the answer's <c>auth</c> block.</summary>
    public IssuedToken? Issued { get; set; }

    /// <summary>A lease the path answers about (a renewal), for the answer's <c>lease_id</c>.</summary>
    public string? LeaseId { get; set; }

    /// <summary>Makes a scope current until the result is disposed.</summary>
    public static Entered Enter(Principal? caller)
    {
        var scope = new CoreRequestScope(caller);
        var previous = CurrentScope.Value;
        CurrentScope.Value = scope;
        return new Entered(scope, previous);
    }

    /// <summary>An entered scope; disposing it restores the previous one.</summary>
    public readonly struct Entered(CoreRequestScope scope, CoreRequestScope? previous) : IDisposable
    {
        /// <summary>The scope entered.</summary>
        public CoreRequestScope Scope => scope;

        /// <inheritdoc/>
        public void Dispose() => CurrentScope.Value = previous;
    }
}
