using System.Net;

namespace PluginHost.Http.Tests;

[TestClass]
public sealed class HealthTests
{
    [TestMethod]
    public async Task Health_NeedsNoToken_AndAnswersAsAnActiveUnsealedVault()
    {
        await using var server = await ApiServer.StartAsync(o => o.Version = "1.2.3");
        using var anonymous = server.AnonymousClient();

        var response = await anonymous.GetAsync("/v1/sys/health");

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        var body = await ApiServer.JsonOf(response);
        Assert.IsTrue(body.GetProperty("initialized").GetBoolean());
        Assert.IsFalse(body.GetProperty("sealed").GetBoolean());
        Assert.IsFalse(body.GetProperty("standby").GetBoolean());
        Assert.AreEqual("1.2.3", body.GetProperty("version").GetString());
        Assert.AreEqual("plugin-host", body.GetProperty("cluster_name").GetString());
        Assert.IsTrue(Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - body.GetProperty("server_time_utc").GetInt64()) < 300);
    }

    [TestMethod]
    public async Task Health_Head_IsTheStatusAlone_AndActivecodeChangesIt()
    {
        await using var server = await ApiServer.StartAsync();
        using var anonymous = server.AnonymousClient();

        var head = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/sys/health?activecode=299"));
        Assert.AreEqual((HttpStatusCode)299, head.StatusCode);
        Assert.AreEqual(0, (await head.Content.ReadAsByteArrayAsync()).Length);

        var bad = await anonymous.GetAsync("/v1/sys/health?activecode=abc");
        Assert.AreEqual(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.AreEqual("activecode must be an HTTP status code, not 'abc'", (await ApiServer.JsonOf(bad)).GetProperty("errors")[0].GetString());

        Assert.AreEqual(HttpStatusCode.MethodNotAllowed, (await anonymous.PostAsync("/v1/sys/health", null)).StatusCode);
    }
}
