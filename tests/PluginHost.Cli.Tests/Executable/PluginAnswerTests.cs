using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// What HTTP clients see of a plugin, through a real <c>plugin-host server -dev</c> and the real adversarial plugin:
/// why a plugin is down only with sudo on <c>sys/</c>, no redirects to other sites, no statuses but client errors, and
/// bounded error text.
/// </summary>
[TestClass]
public sealed partial class PluginAnswerTests
{
    private const string RootToken = ServerProcess.DevRootToken;

    [TestMethod]
    public async Task WhyAPluginIsDown_IsForSudoCallers_OthersGetTheRequestId_AndTheLogHasTheReason()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        using var server = ServerProcess.StartDev(sandbox);
        using var root = await server.ClientAsync(RootToken);
        var binary = await ServerProcess.MountAdversarialPluginAsync(sandbox, root, "flaky");
        await HttpExpect.StatusAsync(HttpStatusCode.NoContent, root.PutAsJsonAsync("sys/policy/reader", new { policy = """path "flaky/*" { capabilities = ["read"] }""" }));
        var created = await HttpExpect.StatusAsync(HttpStatusCode.OK, root.PostAsJsonAsync("auth/token/create", new { policies = new[] { "reader" } }));
        using var reader = await server.ClientAsync(created.GetProperty("auth").GetProperty("client_token").GetString());
        using var anonymous = await server.ClientAsync(token: null);

        // The plugin serves, its binary is tampered with, then the plugin dies: its relaunch fails on the checksum.
        await HttpExpect.StatusAsync(HttpStatusCode.OK, reader.GetAsync("flaky/ping"));
        File.AppendAllText(binary, "tampered");
        var crash = HttpExpect.SingleError(await HttpExpect.StatusAsync(HttpStatusCode.ServiceUnavailable, reader.GetAsync("flaky/crash")));
        AssertWithheld(crash);
        StringAssert.Contains(await LoggedReasonAsync(server, crash), "about to crash on purpose", "the plugin's last stderr lines are logged under the request id");

        var refused = HttpExpect.SingleError(await HttpExpect.StatusAsync(HttpStatusCode.ServiceUnavailable, reader.GetAsync("flaky/anything")));
        AssertWithheld(refused);
        StringAssert.Contains(await LoggedReasonAsync(server, refused), "checksums did not match");

        // Without a token only a plugin's login paths may be called: the caller learns nothing, not even that it is down.
        Assert.AreEqual("permission denied", HttpExpect.SingleError(await HttpExpect.StatusAsync(HttpStatusCode.Forbidden, anonymous.GetAsync("flaky/anything"))));

        var operatorView = HttpExpect.SingleError(await HttpExpect.StatusAsync(HttpStatusCode.ServiceUnavailable, root.GetAsync("flaky/anything")));
        StringAssert.Contains(operatorView, "checksums did not match", "an operator with sudo sees why");
        StringAssert.Contains(operatorView, Published.Sha256Of(Published.AdversarialPlugin));
    }

    [TestMethod]
    public async Task APluginsRedirectToAnotherSiteOrCredentialsPrompt_IsNotPassedOn_AndItsErrorTextIsCutAt64KiB()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        using var server = ServerProcess.StartDev(sandbox);
        using var root = await server.ClientAsync(RootToken);
        await ServerProcess.MountAdversarialPluginAsync(sandbox, root, "evil");

        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = root.BaseAddress };
        noRedirects.DefaultRequestHeaders.Add("X-Vault-Token", RootToken);
        using (var redirected = await noRedirects.GetAsync("evil/redirect"))
        {
            Assert.AreEqual(HttpStatusCode.InternalServerError, redirected.StatusCode);
            Assert.IsNull(redirected.Headers.Location, "no Location header reaches the client");
            var body = System.Text.Json.JsonDocument.Parse(await redirected.Content.ReadAsStringAsync()).RootElement;
            StringAssert.Contains(HttpExpect.SingleError(body), "answered with a redirect outside this server's API");
        }

        // A status of its own is passed on only when it is a client error other than a credentials prompt.
        foreach (var refusedStatus in (int[])[401, 407, 302, 200, 500])
        {
            var refused = HttpExpect.SingleError(await HttpExpect.StatusAsync(HttpStatusCode.InternalServerError, root.GetAsync($"evil/status?code={refusedStatus}")));
            StringAssert.Contains(refused, $"answered with HTTP status {refusedStatus}, which is not passed on");
        }

        var notFound = await HttpExpect.StatusAsync(HttpStatusCode.NotFound, root.GetAsync("evil/status?code=404"));
        Assert.AreEqual(404, notFound.GetProperty("data").GetProperty("asked").GetInt32(), "a 404 with data is passed on, as kv v2's");

        var cut = HttpExpect.SingleError(await HttpExpect.StatusAsync(HttpStatusCode.BadRequest, root.GetAsync("evil/long-error")));
        Assert.IsLessThanOrEqualTo(64 * 1024 + 100, cut.Length, "the 15 MiB error is cut");
        StringAssert.EndsWith(cut, "… (cut at 65536 characters)");

        // The plugin is still serving: answers were bounded, not the connection broken.
        await HttpExpect.StatusAsync(HttpStatusCode.OK, root.GetAsync("evil/ping"));
    }

    private static void AssertWithheld(string error)
    {
        Assert.IsTrue(WithheldPattern().IsMatch(error), error);
        Assert.DoesNotContain("stderr", error);
        Assert.DoesNotContain("sha256", error);
        Assert.DoesNotContain("/", error.Replace("(request id", "", StringComparison.Ordinal), "no path");
    }

    // The log line that names the request id the caller was given.
    private static Task<string> LoggedReasonAsync(ServerProcess server, string withheld)
    {
        var requestId = WithheldPattern().Match(withheld).Groups["id"].Value;
        return server.Stdout.WaitForAsync(line => line.Contains(requestId, StringComparison.Ordinal) && line.Contains("failed", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    [GeneratedRegex(@"^plugin unavailable \(request id (?<id>[0-9a-f-]{36})\)(; the next start is tried in \d+s)?$")]
    private static partial Regex WithheldPattern();
}
