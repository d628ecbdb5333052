using System.Text.Json;

namespace PluginHost.Seal;

/// <summary>
/// What <c>core/seal-config</c> holds, in the clear (it must be read before anything can be decrypted): the seal's type
/// and, for Shamir, how many key shares there are and how many unseal.
/// </summary>
internal sealed record SealConfig(string Type, int SecretShares, int SecretThreshold)
{
    /// <summary>Vault's name of the seal that splits the unseal key into shares.</summary>
    public const string Shamir = "shamir";

    /// <summary>OpenBao's name of the seal that reads the unseal key from a file.</summary>
    public const string Static = "static";

    /// <summary>The configuration as JSON, with Vault's field names.</summary>
    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(
        new Dictionary<string, object> { ["type"] = Type, ["secret_shares"] = SecretShares, ["secret_threshold"] = SecretThreshold },
        SealJsonContext.Default.DictionaryStringObject);

    /// <summary>Reads what <see cref="Serialize"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a seal configuration.</exception>
    public static SealConfig Deserialize(ReadOnlySpan<byte> utf8)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            var root = document.RootElement;
            return new SealConfig(
                root.GetProperty("type").GetString() ?? throw new InvalidDataException("the seal configuration has no type"),
                root.GetProperty("secret_shares").GetInt32(),
                root.GetProperty("secret_threshold").GetInt32());
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"the seal configuration could not be read: {error.Message}", error);
        }
    }
}
