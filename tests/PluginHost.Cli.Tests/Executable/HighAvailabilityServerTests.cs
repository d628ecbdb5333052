using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using PluginHost.Tests.Postgres;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// Three published <c>plugin-host server</c> processes on one real PostgreSQL with HA on, driven over HTTP as clients
/// drive them: the active node killed (SIGKILL) under a write load from clients that retry on any node, a standby
/// takes over and no acknowledged write is lost; standbys forward, or redirect when told or configured to; a mount
/// enabled through one node answers through another at once; a paused active node cannot write when it resumes.
/// </summary>
[TestClass]
public sealed class HighAvailabilityServerTests
{
    // Vault's lock lives 15 s: a killed active node is replaced once it expires, plus a retry second.
    private static readonly TimeSpan Failover = TimeSpan.FromSeconds(20);

    private static PostgresCluster? s_cluster;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartClusterAsync(TestContext context) => s_cluster = await PostgresCluster.StartAsync(context.CancellationToken);

    [ClassCleanup]
    public static async Task StopClusterAsync()
    {
        if (s_cluster is not null)
        {
            await s_cluster.DisposeAsync();
        }
    }

    [TestMethod]
    public async Task KillingTheActiveNode_UnderLoad_AStandbyTakesOver_AndNoAcknowledgedWriteIsLost()
    {
        // PLUGINHOST_HA_SOAK_REQUESTS=50000 runs the soak of docs/performance.md (a kill every ~10,000 requests).
        var requests = int.TryParse(Environment.GetEnvironmentVariable("PLUGINHOST_HA_SOAK_REQUESTS"), CultureInfo.InvariantCulture, out var n) ? n : 3000;
        var killEvery = requests >= 20_000 ? 10_000 : requests / 2;
        using var servers = await HaServers.StartAsync(s_cluster!, 3);
        var active = await servers.ActiveAsync(Failover);
        using (var root = servers.Client(active))
        {
            await HttpExpect.StatusAsync(HttpStatusCode.NoContent, root.PostAsJsonAsync("sys/mounts/secret", new { type = "kv" }));
        }

        var soak = new HaSoak(servers, clients: 6);
        var report = await soak.RunAsync(requests, killEvery, Failover, TestContext.CancellationToken);

        TestContext.WriteLine(report.ToString());
        var summary = Environment.GetEnvironmentVariable("PLUGINHOST_HA_SOAK_REPORT");
        if (!string.IsNullOrEmpty(summary))
        {
            await File.WriteAllTextAsync(summary, report.ToString(), TestContext.CancellationToken);
        }

        Assert.IsGreaterThanOrEqualTo(1, report.Failovers.Count, "the active node was killed at least once");
        Assert.IsTrue(report.Failovers.All(f => f.ToNewActive < Failover), report.ToString());
        Assert.AreEqual(0, report.LostWrites, report.ToString());
        Assert.AreEqual(0, report.WrongReads, report.ToString());
        Assert.AreEqual(requests, report.Requests, report.ToString());
        Assert.IsGreaterThanOrEqualTo(requests * 2 / 3, report.Acknowledged, "two requests in three are writes, each a new key: " + report);
    }

    [TestMethod]
    public async Task Standbys_ForwardOrRedirect_AsConfigured_AndAMountEnabledThroughOneNodeAnswersThroughAnother()
    {
        using var servers = await HaServers.StartAsync(s_cluster!, 3, noForwarding: 2);
        var active = await servers.ActiveAsync(Failover);
        if (active == servers.Nodes[2])
        {
            // The node that redirects must be a standby for this test: hand the lock on (it pauses 10 s before trying again).
            using var root = servers.Client(active);
            await HttpExpect.StatusAsync(HttpStatusCode.NoContent, root.PutAsync("sys/step-down", null));
            active = await servers.ActiveAsync(Failover, servers.Nodes.Take(2));
        }

        var forwarding = servers.Nodes.Take(2).Single(n => n != active);
        var redirecting = servers.Nodes[2];
        await WaitUntilStandbyKnowsAsync(forwarding, active);
        await WaitUntilStandbyKnowsAsync(redirecting, active);

        // Enabled through one standby, then used through the other at once: no node keeps a mount table of its own
        // that could lag; every request is served by the active node.
        using (var viaForwarding = servers.Client(forwarding))
        {
            await HttpExpect.StatusAsync(HttpStatusCode.NoContent, viaForwarding.PostAsJsonAsync("sys/mounts/team", new { type = "kv" }));
        }

        var enabled = Stopwatch.StartNew();
        using (var viaActive = servers.Client(active))
        {
            await HttpExpect.StatusAsync(HttpStatusCode.NoContent, viaActive.PutAsJsonAsync("team/app", new { password = "p1" }));
        }

        using (var viaForwarding = servers.Client(forwarding))
        {
            var read = await HttpExpect.StatusAsync(HttpStatusCode.OK, viaForwarding.GetAsync("team/app"));
            Assert.AreEqual("p1", read.GetProperty("data").GetProperty("password").GetString());
            TestContext.WriteLine($"mount enabled through a standby, written through the active node and read through the standby within {enabled.ElapsedMilliseconds} ms");
        }

        // A request another standby already forwarded (both took the other for the active node while the lock changed
        // hands) is not sent on again: it would circle between them.
        using (var circling = servers.Client(forwarding))
        {
            circling.DefaultRequestHeaders.Add("X-PluginHost-Forwarded-By", "http://127.0.0.1:1");
            var refused = await HttpExpect.StatusAsync(HttpStatusCode.ServiceUnavailable, circling.GetAsync("team/app"));
            StringAssert.StartsWith(HttpExpect.SingleError(refused), "this node is a standby, and the request was forwarded here by http://127.0.0.1:1 as if it were the active node");
        }

        // Asked not to forward: 307 to the same path on the active node.
        using (var redirectAsked = servers.Client(forwarding, noForwarding: true))
        using (var answer = await redirectAsked.GetAsync("team/app?x=1"))
        {
            Assert.AreEqual(HttpStatusCode.TemporaryRedirect, answer.StatusCode);
            Assert.AreEqual($"{active.Address}/v1/team/app?x=1", answer.Headers.Location!.ToString());
        }

        // Configured not to forward (disable_request_forwarding): 307 for every client; the redirect works when followed.
        using (var configured = servers.Client(redirecting))
        using (var answer = await configured.GetAsync("team/app"))
        {
            Assert.AreEqual(HttpStatusCode.TemporaryRedirect, answer.StatusCode);
            Assert.AreEqual($"{active.Address}/v1/team/app", answer.Headers.Location!.ToString());
            using var followed = servers.Client(active);
            var read = await HttpExpect.StatusAsync(HttpStatusCode.OK, followed.GetAsync(answer.Headers.Location));
            Assert.AreEqual("p1", read.GetProperty("data").GetProperty("password").GetString());
        }

        // plugin-host status: Vault's HA rows.
        var activeStatus = active.Cli("status");
        var standbyStatus = forwarding.Cli("status");
        Assert.AreEqual(0, activeStatus.ExitCode, activeStatus.Stderr);
        StringAssert.Matches(activeStatus.Stdout, new Regex(@"\nStorage Type +postgresql\nHA Enabled +true\nHA Cluster +n/a\nHA Mode +active\nActive Since +\d{4}-\d\d-\d\dT[\d:.]+Z\n$"));
        StringAssert.EndsWith(standbyStatus.Stdout, $"HA Enabled             true\nHA Cluster             n/a\nHA Mode                standby\nActive Node Address    {active.Address}\n");
        StringAssert.Contains(forwarding.Cli("status", "-format=json").Stdout, $"\"ha_enabled\": true,\n  \"active_time\": \"0001-01-01T00:00:00Z\",\n  \"leader_address\": \"{active.Address}\"");

        // Health: 200 on the active node, 429 on standbys, 200 with standbyok.
        using var anonymous = new HttpClient();
        Assert.AreEqual(HttpStatusCode.OK, (await anonymous.GetAsync(active.Address + "/v1/sys/health")).StatusCode);
        Assert.AreEqual(HttpStatusCode.TooManyRequests, (await anonymous.GetAsync(forwarding.Address + "/v1/sys/health")).StatusCode);
        Assert.AreEqual(HttpStatusCode.OK, (await anonymous.GetAsync(forwarding.Address + "/v1/sys/health?standbyok=true")).StatusCode);
    }

    [TestMethod]
    public async Task APausedActiveNode_IsReplaced_AndCannotWriteWhenItResumes()
    {
        using var servers = await HaServers.StartAsync(s_cluster!, 3);
        var old = await servers.ActiveAsync(Failover);
        using (var root = servers.Client(old))
        {
            await HttpExpect.StatusAsync(HttpStatusCode.NoContent, root.PostAsJsonAsync("sys/mounts/secret", new { type = "kv" }));
            await HttpExpect.StatusAsync(HttpStatusCode.NoContent, root.PutAsJsonAsync("secret/owner", new { node = "old" }));
        }

        old.Pause();
        var paused = Stopwatch.StartNew();
        var successor = await servers.ActiveAsync(Failover, servers.Nodes.Where(n => n != old));
        TestContext.WriteLine($"a standby became active {paused.Elapsed.TotalSeconds:F1} s after the active node was paused");
        using (var viaSuccessor = servers.Client(successor))
        {
            await HttpExpect.StatusAsync(HttpStatusCode.NoContent, viaSuccessor.PutAsJsonAsync("secret/owner", new { node = "successor" }));
        }

        // Resumed, the old node's first request races its HA loop: it must not be served there, whatever wins.
        old.Resume();
        using (var direct = servers.Client(old, noForwarding: true))
        using (var answer = await direct.PutAsJsonAsync("secret/owner", new { node = "old, resumed" }))
        {
            Assert.IsTrue(
                answer.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TemporaryRedirect,
                $"the resumed node answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        }

        await WaitUntilStandbyKnowsAsync(old, successor);
        using var check = servers.Client(successor);
        var owner = await HttpExpect.StatusAsync(HttpStatusCode.OK, check.GetAsync("secret/owner"));
        Assert.AreEqual("successor", owner.GetProperty("data").GetProperty("node").GetString());
        var leader = (await old.LeaderAsync())!.Value;
        Assert.IsFalse(leader.GetProperty("is_self").GetBoolean());
    }

    private static async Task WaitUntilStandbyKnowsAsync(HaServers.HaServer standby, HaServers.HaServer active)
    {
        var deadline = DateTime.UtcNow + Failover;
        while (true)
        {
            if (await standby.LeaderAsync() is { } leader && !leader.GetProperty("is_self").GetBoolean() && leader.GetProperty("leader_address").GetString() == active.Address)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{standby} did not name {active} as the active node within {Failover}");
            }

            await Task.Delay(100);
        }
    }
}
