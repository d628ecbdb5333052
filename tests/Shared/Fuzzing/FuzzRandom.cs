using System.Text;

namespace PluginHost.Tests.Shared.Fuzzing;

/// <summary>
/// The randomness of one generated case: a <see cref="System.Random"/> seeded from the run's seed and the case's
/// index (so case N of seed S is the same bytes in every run, on every machine, whatever came before it), with the
/// choices the generators make.
/// </summary>
internal sealed class FuzzRandom
{
    private readonly Random _random;

    /// <summary>The randomness of case <paramref name="index"/> of the run seeded <paramref name="seed"/>.</summary>
    public FuzzRandom(int seed, int index, int stream = 0) => _random = new Random(Mix(seed, index, stream));

    /// <summary>A number from 0 (inclusive) to <paramref name="max"/> (exclusive).</summary>
    public int Next(int max) => _random.Next(max);

    /// <summary>A number from <paramref name="min"/> to <paramref name="max"/> (exclusive).</summary>
    public int Next(int min, int max) => _random.Next(min, max);

    /// <summary>True with probability <paramref name="probability"/>.</summary>
    public bool Chance(double probability) => _random.NextDouble() < probability;

    /// <summary>One of <paramref name="items"/>, each as likely.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>One of <paramref name="items"/>, with its weight's share of the chances.</summary>
    public T Weighted<T>(IReadOnlyList<(double Weight, T Item)> items)
    {
        var total = 0.0;
        foreach (var (weight, _) in items)
        {
            total += weight;
        }

        var roll = _random.NextDouble() * total;
        foreach (var (weight, item) in items)
        {
            roll -= weight;
            if (roll < 0)
            {
                return item;
            }
        }

        return items[^1].Item;
    }

    /// <summary>Fills <paramref name="count"/> random bytes.</summary>
    public byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    /// <summary><paramref name="length"/> characters drawn from <paramref name="alphabet"/>.</summary>
    public string Text(int length, string alphabet)
    {
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(alphabet[_random.Next(alphabet.Length)]);
        }

        return text.ToString();
    }

    /// <summary>A length spread over orders of magnitude: mostly short, sometimes up to <paramref name="max"/>.</summary>
    public int Length(int max)
    {
        var exponent = _random.NextDouble() * Math.Log10(Math.Max(2, max));
        return Math.Min(max, (int)Math.Pow(10, exponent));
    }

    // splitmix64 over (seed, index, stream): neighbouring indexes get unrelated System.Random seeds.
    private static int Mix(int seed, int index, int stream)
    {
        var x = unchecked(((ulong)(uint)seed << 32) ^ (uint)index ^ ((ulong)(uint)stream << 48) ^ ((ulong)(uint)stream << 20));
        x = unchecked(x + 0x9E3779B97F4A7C15UL);
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        x ^= x >> 31;
        return unchecked((int)(x & 0x7FFFFFFF));
    }
}
