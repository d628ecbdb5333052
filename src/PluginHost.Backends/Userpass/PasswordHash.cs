using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace PluginHost.Backends;

/// <summary>A stored password hash: PBKDF2-HMAC-SHA256 with its own salt and iteration count, so the count can change later.</summary>
internal sealed record PasswordHash
{
    /// <summary>The only algorithm written today.</summary>
    public const string Pbkdf2Sha256 = "pbkdf2-sha256";

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

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

    /// <summary>Whether the record can be verified: a known algorithm, a positive count, a salt and a hash.</summary>
    [JsonIgnore]
    public bool IsWellFormed => Algorithm == Pbkdf2Sha256 && Iterations > 0 && Salt is { Length: > 0 } && Hash is { Length: > 0 };

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
    public bool Verify(string password) =>
        CryptographicOperations.FixedTimeEquals(Derive(password, Salt, Iterations, Hash.Length), Hash);

    private static byte[] Derive(string password, byte[] salt, int iterations, int length) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, length);
}
