using PluginHost.Cli.Server;

namespace PluginHost.Cli.Tests.Unit;

/// <summary>Issue 14: a listen address is host:port with an IP or localhost and a port 0–65535, or it is refused before anything listens.</summary>
[TestClass]
public sealed class ListenAddressValidatorTests
{
    [TestMethod]
    [DataRow("127.0.0.1:8200")]
    [DataRow("0.0.0.0:1")]
    [DataRow("127.0.0.1:0")]
    [DataRow("localhost:65535")]
    [DataRow("[::1]:8200")]
    [DataRow("[::]:8200")]
    public void Accepts(string address) =>
        Assert.IsTrue(ListenAddressValidator.TryParse(address, out var problem), problem);

    [TestMethod]
    [DataRow("garbage", "\"garbage\" is not host:port, such as \"127.0.0.1:8200\"")]
    [DataRow("", "\"\" is not host:port, such as \"127.0.0.1:8200\"")]
    [DataRow(":-1", "\":-1\" is not host:port, such as \"127.0.0.1:8200\"")]
    [DataRow("127.0.0.1:99999", "\"127.0.0.1:99999\" has no port from 0 to 65535 after its last ':'")]
    [DataRow("127.0.0.1:+80", "\"127.0.0.1:+80\" has no port from 0 to 65535 after its last ':'")]
    [DataRow("[::1", "\"[::1\" is not host:port, such as \"127.0.0.1:8200\"")]
    [DataRow("[::1]8200", "\"[::1]8200\" is not host:port, such as \"127.0.0.1:8200\"")]
    [DataRow("[nope]:8200", "\"[nope]:8200\": the host must be an IP address (IPv6 in brackets, such as [::1]) or localhost, not \"[nope]\"")]
    [DataRow("garbage:80", "\"garbage:80\": the host must be an IP address (IPv6 in brackets, such as [::1]) or localhost, not \"garbage\"")]
    [DataRow("::1:8200", "\"::1:8200\": the host must be an IP address (IPv6 in brackets, such as [::1]) or localhost, not \"::1\"")]
    public void Refuses_SayingWhy(string address, string expected)
    {
        Assert.IsFalse(ListenAddressValidator.TryParse(address, out var problem));
        Assert.AreEqual(expected, problem);
    }

    [TestMethod]
    public void ALongValue_IsEchoedShort()
    {
        Assert.IsFalse(ListenAddressValidator.TryParse(new string('x', 1_000_000), out var problem));
        Assert.IsLessThan(300, problem.Length, problem);
    }
}
