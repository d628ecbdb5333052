using System.Security.Cryptography;
using PluginHost.Catalog;

namespace PluginHost.Tests.Catalog;

[TestClass]
public sealed class PluginChecksumTests : CatalogTestBase
{
    [TestMethod]
    public async Task Compute_FileLargerThanBuffer_MatchesSha256()
    {
        // Three buffers and a bit, so the last read is partial.
        var bytes = new byte[(3 * 1024 * 1024) + 7];
        new Random(42).NextBytes(bytes);
        var path = Path.Combine(Plugins.Location, "big");
        await File.WriteAllBytesAsync(path, bytes);

        var digest = await PluginChecksum.ComputeAsync(path, CancellationToken.None);

        Assert.AreEqual(Convert.ToHexStringLower(SHA256.HashData(bytes)), digest);
    }

    [TestMethod]
    public void Normalize_UpperCase_ReturnsLowerCase() =>
        Assert.AreEqual(new string('a', 64), PluginChecksum.Normalize(new string('A', 64)));

    [TestMethod]
    [DataRow(0, "sha256 is required")]
    [DataRow(65, "got 65")]
    public void Normalize_WrongLength_IsRefused(int length, string reason)
    {
        var error = Assert.ThrowsExactly<PluginHostException>(() => PluginChecksum.Normalize(new string('a', length)));

        StringAssert.Contains(error.Message, reason);
    }

    [TestMethod]
    public void Normalize_NonHex_NamesCharacterAndPosition()
    {
        var error = Assert.ThrowsExactly<PluginHostException>(() => PluginChecksum.Normalize(new string('a', 63) + "z"));

        Assert.AreEqual("sha256 contains a non-hexadecimal character 'z' at position 63; use only 0-9 and a-f", error.Message);
    }
}
