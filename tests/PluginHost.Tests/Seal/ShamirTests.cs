using System.Security.Cryptography;
using System.Text;
using PluginHost.Seal;

namespace PluginHost.Tests.Seal;

[TestClass]
public sealed class ShamirTests
{
    // Five shares, threshold 3, of the secret below, made by another implementation of Vault's algorithm
    // (privy-io's shamir-secret-sharing 0.0.4, audited, "inspired by hashicorp/vault"): the share format and the field
    // must agree with it byte for byte for any three of them to combine.
    private static readonly string[] IndependentShares =
    [
        "b97b749e9d574b6da745e3708fb6587f5835463c5e0636cf0b1776be8819eb6827",
        "03d0d58d76223379878b1652125cfc4f460b4caa73b30cc45ad6bb7f9810905760",
        "ca872921ff02416064afe220b3dfdbc9420128cbc490e0700e95ea3315b3e29c75",
        "5b9a3114d49234c0a8e0991313f3f9130695d8a29cfb07d5896df49cdbad30a429",
        "96a303c435428876baec9b1486cbbf5ea2bb8d0301e36a2fd99e504e0302be4667",
    ];

    private const string IndependentSecret = "unseal key: 32 bytes of entropy!";

    [TestMethod]
    public void SharesFromAnotherImplementation_CombineToTheSecret_WithAnyThreeOfThem()
    {
        var shares = IndependentShares.Select(Convert.FromHexString).ToArray();
        foreach (var subset in Subsets(5, 3))
        {
            var secret = Shamir.Combine([.. subset.Select(i => shares[i])]);
            Assert.AreEqual(IndependentSecret, Encoding.UTF8.GetString(secret), $"shares {string.Join(",", subset)}");
        }
    }

    [TestMethod]
    public void TwoOfThreeNeeded_GiveSomethingElse()
    {
        var shares = IndependentShares.Select(Convert.FromHexString).ToArray();

        var guess = Shamir.Combine([shares[0], shares[1]]);

        Assert.AreNotEqual(IndependentSecret, Encoding.UTF8.GetString(guess));
    }

    [TestMethod]
    [DataRow(5, 3)]
    [DataRow(2, 2)]
    [DataRow(255, 2)]
    [DataRow(10, 10)]
    public void Split_ThenAnyThresholdSubset_Combines(int count, int threshold)
    {
        var secret = RandomNumberGenerator.GetBytes(32);

        var shares = Shamir.Split(secret, count, threshold);

        Assert.HasCount(count, shares);
        Assert.IsTrue(shares.All(s => s.Length == 33), "each share is the secret's length plus its x-coordinate");
        Assert.HasCount(count, shares.Select(s => s[^1]).Distinct().ToArray());
        Assert.IsFalse(shares.Any(s => s[^1] == 0), "x = 0 would be the secret itself");
        var random = new Random(count * 1000 + threshold);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var subset = shares.OrderBy(_ => random.Next()).Take(threshold + random.Next(count - threshold + 1)).ToArray();
            CollectionAssert.AreEqual(secret, Shamir.Combine(subset));
        }
    }

    [TestMethod]
    public void Split_UsesFreshRandomness_SoTwoSplitsDiffer()
    {
        var secret = RandomNumberGenerator.GetBytes(16);

        var first = Shamir.Split(secret, 3, 2);
        var second = Shamir.Split(secret, 3, 2);

        Assert.IsFalse(first.Zip(second).All(pair => pair.First.AsSpan().SequenceEqual(pair.Second)));
    }

    [TestMethod]
    [DataRow(2, 3, "cannot be less than the threshold")]
    [DataRow(256, 3, "cannot exceed 255")]
    [DataRow(3, 1, "must be at least 2")]
    public void Split_OutOfRangeCounts_AreRefusedSayingWhy(int count, int threshold, string reason)
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => Shamir.Split([1, 2, 3], count, threshold));
        StringAssert.Contains(error.Message, reason);
    }

    [TestMethod]
    public void Split_EmptySecret_IsRefused() =>
        Assert.ThrowsExactly<ArgumentException>(() => Shamir.Split([], 3, 2));

    [TestMethod]
    public void Combine_DuplicateShares_AreRefused()
    {
        var shares = Shamir.Split([1, 2, 3], 3, 2);

        var error = Assert.ThrowsExactly<ArgumentException>(() => Shamir.Combine([shares[0], shares[1], shares[0]]));

        StringAssert.Contains(error.Message, "duplicate share");
    }

    [TestMethod]
    public void Combine_MixedLengths_OrTooFewShares_AreRefused()
    {
        var shares = Shamir.Split([1, 2, 3], 3, 2);

        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Shamir.Combine([shares[0], shares[1][1..]])).Message, "same length");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Shamir.Combine([shares[0]])).Message, "less than two shares");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Shamir.Combine([[7], [8]])).Message, "at least two bytes");
    }

    private static IEnumerable<int[]> Subsets(int count, int size) =>
        size == 0
            ? [[]]
            : Enumerable.Range(0, count).SelectMany(first => Subsets(count, size - 1).Where(rest => rest.All(r => r > first)).Select(rest => (int[])[first, .. rest]));
}
