using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace PluginHost.Backends;

/// <summary>A stored password hash: PBKDF2-HMAC-SHA256 with its own salt and iteration count, so the count can change later.</summary>
internal sealed record PasswordHash
{
    /// <summary>The only algorithm written today.</summary>
    public const string Pbkdf2Sha256 = "pbkdf2-sha256";

    /// <summary>The salt length written and accepted.</summary>
    public const int SaltBytes = 16;

    /// <summary>The derived key length written and accepted.</summary>
    public const int HashBytes = 32;

    /// <summary>The algorithm that produced <see cref="Hash"/>.</summary>
    [JsonPropertyName("algorithm")]
    public required string Algorithm { get; init; }

    /// <summary>The PBKDF2 iteration count.</summary>
    [JsonPropertyName("iterations")]
    public required int Iterations { get; init; }

    /// <summary>The random salt (base64 in JSON).</summary>
    [JsonPropertyName("salt")]
    public required byte[] Salt { get; init; }

    /// <summary>The derived key (base64 in JSON).</summary>
    [JsonPropertyName("hash")]
    public required byte[] Hash { get; init; }

    /// <summary>
    /// Why the record cannot be verified, or <see langword="null"/> when it can: the stored record is untrusted input, and
    /// a tampered iteration count would otherwise turn one login into minutes of CPU. Never includes salt or hash bytes.
    /// </summary>
    [JsonIgnore]
    public string? Problem =>
        Algorithm != Pbkdf2Sha256 ? "unknown password hash algorithm"
        : Iterations is < UserpassBackendOptions.MinimumPasswordIterations or > UserpassBackendOptions.MaximumPasswordIterations
            ? $"password hash iteration count {Iterations} is outside [{UserpassBackendOptions.MinimumPasswordIterations}, {UserpassBackendOptions.MaximumPasswordIterations}]"
        : Salt?.Length != SaltBytes ? $"password salt is {Salt?.Length ?? 0} bytes, not {SaltBytes}"
        : Hash?.Length != HashBytes ? $"password hash is {Hash?.Length ?? 0} bytes, not {HashBytes}"
        : null;

    /// <summary>Hashes <paramref name="password"/> with a fresh random salt.</summary>
    /// <param name="password">The password.</param>
    /// <param name="iterations">The PBKDF2 iteration count.</param>
    /// <returns>The hash record.</returns>
    public static PasswordHash Create(string password, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return new PasswordHash { Algorithm = Pbkdf2Sha256, Iterations = iterations, Salt = salt, Hash = Derive(password, salt, iterations, HashBytes) };
    }

    /// <summary>
    /// A record no password matches, costing as much to verify as a real one: checked for unknown users so the
    /// time a login takes does not tell whether the user exists.
    /// </summary>
    /// <param name="iterations">The iteration count real records use.</param>
    /// <returns>The record.</returns>
    public static PasswordHash Unmatchable(int iterations) => new()
    {
        Algorithm = Pbkdf2Sha256,
        Iterations = iterations,
        Salt = RandomNumberGenerator.GetBytes(SaltBytes),
        Hash = RandomNumberGenerator.GetBytes(HashBytes),
    };

    /// <summary>Tells whether <paramref name="password"/> matches, in time independent of where the bytes differ.</summary>
    /// <param name="password">The password to check.</param>
    /// <returns>Whether it matches.</returns>
    /// <exception cref="PluginHostException">The record fails <see cref="Problem"/> (<see cref="ErrorCode.Internal"/>); nothing is derived.</exception>
    public bool Verify(string password)
    {
        // UserStore already refuses such records with the key; this guards any other caller.
        if (Problem is { } problem)
        {
            throw new PluginHostException(ErrorCode.Internal,
                $"stored user record is corrupt ({problem}); write the user again with a new password");
        }

        return CryptographicOperations.FixedTimeEquals(Derive(password, Salt, Iterations, HashBytes), Hash);
    }

    private static byte[] Derive(string password, byte[] salt, int iterations, int length) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, length);
}
