namespace PluginHost.Seal;

/// <summary>
/// Arithmetic in GF(2⁸) with AES's reduction polynomial x⁸ + x⁴ + x³ + x + 1 (0x11B), the field Vault's Shamir
/// implementation works in. Multiplication runs in constant time (no tables indexed by secret bytes).
/// </summary>
internal static class GaloisField
{
    /// <summary>Addition (and subtraction): exclusive or.</summary>
    public static byte Add(byte a, byte b) => (byte)(a ^ b);

    /// <summary>Multiplication, shift-and-add with the reduction folded in, in eight branch-free steps.</summary>
    public static byte Multiply(byte a, byte b)
    {
        int product = 0, x = a, y = b;
        for (var bit = 0; bit < 8; bit++)
        {
            product ^= x & -(y & 1);
            y >>= 1;
            x = (x << 1) ^ (0x11B & -((x >> 7) & 1));
        }

        return (byte)product;
    }

    /// <summary>The multiplicative inverse: a²⁵⁴, since a²⁵⁵ = 1 for every a ≠ 0.</summary>
    /// <exception cref="DivideByZeroException"><paramref name="a"/> is 0.</exception>
    public static byte Inverse(byte a)
    {
        if (a == 0)
        {
            throw new DivideByZeroException("0 has no inverse in GF(2^8)");
        }

        // 254 = 0b11111110: square and multiply.
        byte result = 1, square = a;
        for (var exponent = 254; exponent > 0; exponent >>= 1)
        {
            if ((exponent & 1) != 0)
            {
                result = Multiply(result, square);
            }

            square = Multiply(square, square);
        }

        return result;
    }

    /// <summary>Division: <paramref name="a"/> times the inverse of <paramref name="b"/>.</summary>
    /// <exception cref="DivideByZeroException"><paramref name="b"/> is 0.</exception>
    public static byte Divide(byte a, byte b) => Multiply(a, Inverse(b));
}
