using PluginHost.Tokens;

namespace PluginHost.Tests.Tokens;

/// <summary>Vault's CalculateTTL for new tokens: system max, lowered by the mount's max and the backend's; default from mount then system.</summary>
[TestClass]
public sealed class TokenTtlTests
{
    private static readonly TimeSpan System = TimeSpan.FromHours(768);

    [TestMethod]
    [DataRow(0, 0, 0, 0, 768 * 3600, 768 * 3600, DisplayName = "nothing asked: the system's default and max")]
    [DataRow(3600, 0, 0, 0, 3600, 768 * 3600, DisplayName = "asked within the max")]
    [DataRow(87600 * 3600, 0, 0, 3600, 3600, 3600, DisplayName = "asked past the mount's max: capped")]
    [DataRow(0, 0, 1800, 3600, 1800, 3600, DisplayName = "the mount's default")]
    [DataRow(0, 600, 1800, 3600, 600, 600, DisplayName = "the backend's max is lower than the mount's default")]
    [DataRow(7200, 0, 0, 1000 * 3600, 7200, 768 * 3600, DisplayName = "a mount max above the system's does not raise it")]
    public void Calculate_FollowsVault(int asked, int backendMax, int mountDefault, int mountMax, int ttl, int max)
    {
        var result = TokenTtl.Calculate(Seconds(asked), Seconds(backendMax), Seconds(mountDefault), Seconds(mountMax), System, System);

        Assert.AreEqual(Seconds(ttl), result.Ttl);
        Assert.AreEqual(Seconds(max), result.Max);
    }

    [TestMethod]
    public void Calculate_WarnsWhenItLowersWhatWasAsked()
    {
        var (_, _, warning) = TokenTtl.Calculate(TimeSpan.FromHours(87600), TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromHours(1), System, System);

        Assert.AreEqual("TTL of \"87600h0m0s\" exceeded the effective max_ttl of \"1h0m0s\"; TTL value is capped accordingly", warning);
    }

    private static TimeSpan Seconds(int seconds) => TimeSpan.FromSeconds(seconds);
}
