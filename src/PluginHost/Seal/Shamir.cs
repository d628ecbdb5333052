using System.Security.Cryptography;

namespace PluginHost.Seal;

/// <summary>
/// Shamir's secret sharing over GF(2⁸), byte by byte, in Vault's share format: each share is the secret's length in
/// polynomial values followed by one byte, its x-coordinate (distinct, non-zero, in a random order). Any
/// <c>threshold</c> shares give the secret back; fewer give nothing about it.
/// </summary>
internal static class Shamir
{
    /// <summary>The most shares a secret can be split into: the field has 255 non-zero x-coordinates.</summary>
    public const int MaxShares = 255;

    /// <summary>Splits <paramref name="secret"/> into <paramref name="shares"/> shares, any <paramref name="threshold"/> of which recombine it.</summary>
    /// <exception cref="ArgumentException">The counts are out of range, or the secret is empty; the message says which.</exception>
    public static byte[][] Split(ReadOnlySpan<byte> secret, int shares, int threshold) =>
        Split(secret, shares, threshold, RandomNumberGenerator.Fill);

    /// <summary>As <see cref="Split(ReadOnlySpan{byte}, int, int)"/>, with the randomness from <paramref name="fillRandom"/> (for tests).</summary>
    internal static byte[][] Split(ReadOnlySpan<byte> secret, int shares, int threshold, RandomFill fillRandom)
    {
        if (shares < threshold)
        {
            throw new ArgumentException($"the number of shares ({shares}) cannot be less than the threshold ({threshold})");
        }

        if (shares > MaxShares)
        {
            throw new ArgumentException($"the number of shares ({shares}) cannot exceed {MaxShares}");
        }

        if (threshold < 2)
        {
            throw new ArgumentException($"the threshold ({threshold}) must be at least 2; for a single key, use 1 share without splitting");
        }

        if (secret.IsEmpty)
        {
            throw new ArgumentException("cannot split an empty secret");
        }

        var xCoordinates = RandomXCoordinates(shares, fillRandom);
        var result = new byte[shares][];
        for (var share = 0; share < shares; share++)
        {
            result[share] = new byte[secret.Length + 1];
            result[share][secret.Length] = xCoordinates[share];
        }

        // One random polynomial of degree threshold-1 per byte of the secret, the byte being its value at 0.
        var coefficients = new byte[threshold];
        try
        {
            for (var index = 0; index < secret.Length; index++)
            {
                coefficients[0] = secret[index];
                fillRandom(coefficients.AsSpan(1));
                for (var share = 0; share < shares; share++)
                {
                    result[share][index] = Evaluate(coefficients, xCoordinates[share]);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(coefficients);
        }

        return result;
    }

    /// <summary>Recombines the secret from at least the threshold number of shares.</summary>
    /// <exception cref="ArgumentException">Fewer than two shares, shares of different lengths, or two shares with the same x-coordinate.</exception>
    public static byte[] Combine(IReadOnlyList<byte[]> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        if (shares.Count < 2)
        {
            throw new ArgumentException("less than two shares cannot be used to reconstruct the secret");
        }

        var length = shares[0].Length;
        if (length < 2)
        {
            throw new ArgumentException("shares must be at least two bytes long");
        }

        var xs = new byte[shares.Count];
        for (var share = 0; share < shares.Count; share++)
        {
            if (shares[share].Length != length)
            {
                throw new ArgumentException("all shares must be the same length");
            }

            xs[share] = shares[share][length - 1];
            if (Array.IndexOf(xs, xs[share], 0, share) >= 0)
            {
                throw new ArgumentException("duplicate share detected");
            }
        }

        var secret = new byte[length - 1];
        var ys = new byte[shares.Count];
        for (var index = 0; index < secret.Length; index++)
        {
            for (var share = 0; share < shares.Count; share++)
            {
                ys[share] = shares[share][index];
            }

            secret[index] = InterpolateAtZero(xs, ys);
        }

        CryptographicOperations.ZeroMemory(ys);
        return secret;
    }

    /// <summary>Fills a span with random bytes.</summary>
    internal delegate void RandomFill(Span<byte> destination);

    // Horner's rule: ((c[n]·x + c[n-1])·x + …)·x + c[0].
    private static byte Evaluate(ReadOnlySpan<byte> coefficients, byte x)
    {
        var value = coefficients[^1];
        for (var degree = coefficients.Length - 2; degree >= 0; degree--)
        {
            value = GaloisField.Add(GaloisField.Multiply(value, x), coefficients[degree]);
        }

        return value;
    }

    // Lagrange: f(0) = Σ yᵢ · Π_{j≠i} xⱼ / (xᵢ - xⱼ); subtraction is addition in GF(2⁸).
    private static byte InterpolateAtZero(ReadOnlySpan<byte> xs, ReadOnlySpan<byte> ys)
    {
        byte result = 0;
        for (var i = 0; i < xs.Length; i++)
        {
            byte basis = 1;
            for (var j = 0; j < xs.Length; j++)
            {
                if (i != j)
                {
                    basis = GaloisField.Multiply(basis, GaloisField.Divide(xs[j], GaloisField.Add(xs[i], xs[j])));
                }
            }

            result = GaloisField.Add(result, GaloisField.Multiply(ys[i], basis));
        }

        return result;
    }

    // The x-coordinates 1..255 shuffled (Fisher-Yates with unbiased draws), the first `count` of them.
    private static byte[] RandomXCoordinates(int count, RandomFill fillRandom)
    {
        var all = new byte[MaxShares];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = (byte)(i + 1);
        }

        Span<byte> draw = stackalloc byte[1];
        for (var i = all.Length - 1; i > 0; i--)
        {
            // Rejection sampling keeps every position equally likely.
            var limit = 256 - (256 % (i + 1));
            int j;
            do
            {
                fillRandom(draw);
                j = draw[0];
            }
            while (j >= limit);

            (all[i], all[j % (i + 1)]) = (all[j % (i + 1)], all[i]);
        }

        return all[..count];
    }
}
