namespace PluginHost.Authorization;

/// <summary>How a <see cref="RequestCaller"/> is known to the host.</summary>
public enum CallerKind
{
    /// <summary>By a token it presented (or none), which the host authenticates.</summary>
    Token = 1,

    /// <summary>By policies the application gave it after authenticating it itself.</summary>
    Policies = 2,

    /// <summary>The embedding application itself: every capability.</summary>
    Application = 3,
}
