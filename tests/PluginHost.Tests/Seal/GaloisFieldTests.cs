using PluginHost.Seal;

namespace PluginHost.Tests.Seal;

[TestClass]
public sealed class GaloisFieldTests
{
    [TestMethod]
    [DataRow(0x57, 0x83, 0xC1)] // FIPS-197's worked example
    [DataRow(0x57, 0x13, 0xFE)] // FIPS-197's worked example
    [DataRow(0x53, 0xCA, 0x01)] // inverses in AES's field
    [DataRow(0x00, 0xFF, 0x00)]
    [DataRow(0x01, 0xAB, 0xAB)]
    public void Multiply_MatchesAesField(int a, int b, int product)
    {
        Assert.AreEqual((byte)product, GaloisField.Multiply((byte)a, (byte)b));
        Assert.AreEqual((byte)product, GaloisField.Multiply((byte)b, (byte)a));
    }

    [TestMethod]
    public void EveryNonZeroElement_TimesItsInverse_IsOne_AndDivisionUndoesMultiplication()
    {
        for (var a = 1; a < 256; a++)
        {
            Assert.AreEqual(1, GaloisField.Multiply((byte)a, GaloisField.Inverse((byte)a)), $"a = {a}");
            for (var b = 1; b < 256; b += 17)
            {
                Assert.AreEqual((byte)a, GaloisField.Divide(GaloisField.Multiply((byte)a, (byte)b), (byte)b), $"a = {a}, b = {b}");
            }
        }
    }

    [TestMethod]
    public void Multiplication_DistributesOverAddition()
    {
        for (var a = 0; a < 256; a += 7)
        {
            for (var b = 0; b < 256; b += 11)
            {
                const byte c = 0x9D;
                Assert.AreEqual(
                    GaloisField.Add(GaloisField.Multiply((byte)a, c), GaloisField.Multiply((byte)b, c)),
                    GaloisField.Multiply(GaloisField.Add((byte)a, (byte)b), c));
            }
        }
    }

    [TestMethod]
    public void Zero_HasNoInverse()
    {
        Assert.ThrowsExactly<DivideByZeroException>(() => GaloisField.Inverse(0));
        Assert.ThrowsExactly<DivideByZeroException>(() => GaloisField.Divide(5, 0));
    }
}
