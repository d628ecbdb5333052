namespace PluginHost.Backends;

/// <summary>Options of a <see cref="UserpassBackend"/>.</summary>
public sealed class UserpassBackendOptions
{
    /// <summary>The PBKDF2 iteration count used when none is given: OWASP's recommendation for PBKDF2-HMAC-SHA256.</summary>
    public const int DefaultPasswordIterations = 600_000;

    /// <summary>The lowest PBKDF2 iteration count accepted.</summary>
    public const int MinimumPasswordIterations = 10_000;

    /// <summary>
    /// The highest PBKDF2 iteration count accepted, here and in stored records: a stored count above it is treated as
    /// tampering, since verifying it could take minutes of CPU per login.
    /// </summary>
    public const int MaximumPasswordIterations = 10_000_000;

    /// <summary>
    /// The PBKDF2-HMAC-SHA256 iteration count for passwords hashed from now on; between <see cref="MinimumPasswordIterations"/>
    /// and <see cref="MaximumPasswordIterations"/>.
    /// Each stored hash records its own count, so changing this never breaks existing users. Lower it only in tests.
    /// </summary>
    public int PasswordIterations { get; init; } = DefaultPasswordIterations;

    /// <summary>
    /// How many password hashes (on user writes and on logins) one backend computes at a time; at least 1, by default
    /// <see cref="Environment.ProcessorCount"/>. Logins are unauthenticated and each costs a full PBKDF2 run, so more
    /// concurrent requests wait (honouring their cancellation) instead of taking every core.
    /// </summary>
    public int MaxConcurrentHashes { get; init; } = Environment.ProcessorCount;
}
