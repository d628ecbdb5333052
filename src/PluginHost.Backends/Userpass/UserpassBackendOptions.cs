namespace PluginHost.Backends;

/// <summary>Options of a <see cref="UserpassBackend"/>.</summary>
public sealed class UserpassBackendOptions
{
    /// <summary>The PBKDF2 iteration count used when none is given: OWASP's recommendation for PBKDF2-HMAC-SHA256.</summary>
    public const int DefaultPasswordIterations = 600_000;

    /// <summary>The lowest PBKDF2 iteration count accepted.</summary>
    public const int MinimumPasswordIterations = 10_000;

    /// <summary>
    /// The PBKDF2-HMAC-SHA256 iteration count for passwords hashed from now on; at least <see cref="MinimumPasswordIterations"/>.
    /// Each stored hash records its own count, so changing this never breaks existing users. Lower it only in tests.
    /// </summary>
    public int PasswordIterations { get; init; } = DefaultPasswordIterations;
}
