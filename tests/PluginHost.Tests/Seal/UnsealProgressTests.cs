using System.Security.Cryptography;
using PluginHost.Seal;

namespace PluginHost.Tests.Seal;

[TestClass]
public sealed class UnsealProgressTests
{
    [TestMethod]
    public void ThreeDistinctShares_GiveTheKey_AndStartAgain()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var shares = Shamir.Split(key, 5, 3);
        var progress = new UnsealProgress();

        Assert.IsNull(progress.Submit(shares[4], 3));
        var (afterOne, nonce) = progress.Status;
        Assert.IsNull(progress.Submit(shares[4], 3), "the same share twice counts once");
        Assert.IsNull(progress.Submit(shares[1], 3));
        Assert.AreEqual((2, nonce), progress.Status);
        var combined = progress.Submit(shares[2], 3);

        Assert.AreEqual(1, afterOne);
        Assert.IsFalse(string.IsNullOrEmpty(nonce));
        CollectionAssert.AreEqual(key, combined);
        Assert.AreEqual((0, ""), progress.Status);
    }

    [TestMethod]
    public void Reset_ForgetsTheShares()
    {
        var shares = Shamir.Split(RandomNumberGenerator.GetBytes(32), 3, 2);
        var progress = new UnsealProgress();
        progress.Submit(shares[0], 2);

        progress.Reset();

        Assert.AreEqual((0, ""), progress.Status);
    }

    [TestMethod]
    public void ASingleShareSeal_TakesTheKeyItself()
    {
        var key = RandomNumberGenerator.GetBytes(32);

        CollectionAssert.AreEqual(key, new UnsealProgress().Submit(key, 1));
    }

    [TestMethod]
    public void SharesOfDifferentLengths_AreRefused_AndTheProgressStartsAgain()
    {
        var progress = new UnsealProgress();
        progress.Submit(new byte[33], 2);

        Assert.ThrowsExactly<ArgumentException>(() => progress.Submit(new byte[20], 2));
        Assert.AreEqual(0, progress.Status.Progress);
    }
}
