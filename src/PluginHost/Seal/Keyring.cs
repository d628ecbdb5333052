using System.Buffers;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;

namespace PluginHost.Seal;

/// <summary>
/// The barrier's keys: the root key, which encrypts the keyring itself, and the data keys by term. New entries are
/// encrypted with the highest term; every term stays to decrypt what it wrote. Immutable: a rotation makes a new one.
/// </summary>
internal sealed class Keyring
{
    private readonly ImmutableSortedDictionary<uint, BarrierKey> _keys;

    private Keyring(byte[] rootKey, ImmutableSortedDictionary<uint, BarrierKey> keys)
    {
        RootKey = rootKey;
        _keys = keys;
        Active = keys.Values.Last();
    }

    /// <summary>The key the keyring is stored under; the seal protects it.</summary>
    public byte[] RootKey { get; }

    /// <summary>The term new entries are encrypted with: the highest.</summary>
    public BarrierKey Active { get; }

    /// <summary>Every term, oldest first.</summary>
    public IEnumerable<BarrierKey> Keys => _keys.Values;

    /// <summary>A keyring with a new random root key and term 1, as <c>init</c> makes.</summary>
    public static Keyring Create(DateTimeOffset now) =>
        new(RandomNumberGenerator.GetBytes(BarrierCipher.KeySize),
            ImmutableSortedDictionary<uint, BarrierKey>.Empty.Add(1, new BarrierKey(1, RandomNumberGenerator.GetBytes(BarrierCipher.KeySize), now)));

    /// <summary>The key of <paramref name="term"/>, or <see langword="null"/> when the keyring has none.</summary>
    public BarrierKey? Find(uint term) => _keys.GetValueOrDefault(term);

    /// <summary>This keyring with one more term, which becomes the active one (Vault's <c>sys/rotate</c>).</summary>
    public Keyring Rotate(DateTimeOffset now)
    {
        var term = Active.Term + 1;
        return new Keyring(RootKey, _keys.Add(term, new BarrierKey(term, RandomNumberGenerator.GetBytes(BarrierCipher.KeySize), now)));
    }

    /// <summary>The keyring as JSON, to be encrypted with the root key.</summary>
    public byte[] Serialize()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteBase64String("root_key", RootKey);
            json.WriteStartArray("keys");
            foreach (var key in _keys.Values)
            {
                json.WriteStartObject();
                json.WriteNumber("term", key.Term);
                json.WriteBase64String("value", key.Value);
                json.WriteString("install_time", key.InstallTime);
                json.WriteNumber("encryptions", key.Encryptions);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a keyring <see cref="Serialize"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a keyring.</exception>
    public static Keyring Deserialize(ReadOnlySpan<byte> utf8)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            var root = document.RootElement;
            var keys = ImmutableSortedDictionary<uint, BarrierKey>.Empty;
            foreach (var key in root.GetProperty("keys").EnumerateArray())
            {
                var term = key.GetProperty("term").GetUInt32();
                keys = keys.Add(term, new BarrierKey(
                    term,
                    key.GetProperty("value").GetBytesFromBase64(),
                    key.GetProperty("install_time").GetDateTimeOffset(),
                    key.GetProperty("encryptions").GetInt64()));
            }

            var rootKey = root.GetProperty("root_key").GetBytesFromBase64();
            if (keys.IsEmpty || rootKey.Length != BarrierCipher.KeySize)
            {
                throw new InvalidDataException("the keyring has no terms or a root key of the wrong size");
            }

            return new Keyring(rootKey, keys);
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"the keyring could not be read: {error.Message}", error);
        }
    }
}
