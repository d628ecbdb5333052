using System.Text.Json;
using PluginHost.Authorization;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Authorization;

/// <summary>Authorization in the library: every front end gets the same decisions from IPluginHost.</summary>
[TestClass]
public sealed class HostAuthorizationTests
{
    private static BackendRequest Read(string path) => new() { Operation = Operation.Read, Path = path };

    private static BackendRequest Write(string path, object body) => new()
    {
        Operation = Operation.Update,
        Path = path,
        Data = JsonSerializer.SerializeToElement(body).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()),
    };

    private static async Task<(TestHost Test, ProbeBackend Probe)> WithProbeAsync()
    {
        var probe = new ProbeBackend { Exists = true };
        probe.Gate.SetResult();
        var test = TestHost.Create(build: b => b.AddBuiltinPlugin("probe", BackendType.Secret, _ => probe));
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "probe", Path = "p" });
        await test.Host.WriteAsync("sys/policies/acl/reader", new { policy = """path "p/readable/*" { capabilities = ["read"] }""" }, CancellationToken.None);
        return (test, probe);
    }

    [TestMethod]
    public async Task TheApplicationOverload_RefusesARequestCarryingAToken()
    {
        await using var test = TestHost.Create();

        var refused = await Assert.ThrowsExactlyAsync<ArgumentException>(() =>
            test.Host.HandleRequestAsync(Read("sys/mounts") with { ClientToken = "hvs.someone" }, CancellationToken.None).AsTask());

        StringAssert.Contains(refused.Message, "RequestCaller.FromToken");
    }

    [TestMethod]
    public void ACallerTheApplicationAuthenticated_CannotHoldRoot() =>
        Assert.ThrowsExactly<ArgumentException>(() => RequestCaller.FromPolicies("mallory", ["dev", "Root"]));

    [TestMethod]
    public async Task ACallerWithPolicies_GetsExactlyThem()
    {
        var (test, probe) = await WithProbeAsync();
        await using var _ = test;
        var reader = RequestCaller.FromPolicies("reporting-job", ["reader"]);

        var answer = await test.Host.HandleRequestAsync(Read("p/readable/x"), reader, CancellationToken.None);
        Assert.AreEqual("probe", answer.MountType);
        Assert.AreEqual("p/", answer.Mount!.Path);
        Assert.AreEqual("p/readable/x", answer.Path);

        var denied = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.HandleRequestAsync(Read("p/other"), reader, CancellationToken.None).AsTask());
        Assert.AreEqual(ErrorCode.Forbidden, denied.Code);
        Assert.AreEqual("permission denied", denied.Message);
        Assert.IsNull(probe.Requests.FirstOrDefault(r => r.Path == "other"), "a refused request never reaches the backend");
    }

    [TestMethod]
    public async Task AWriteWithoutAccess_IsRefusedBeforeTheBackendsExistenceCheck()
    {
        var (test, probe) = await WithProbeAsync();
        await using var _ = test;
        await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            test.Host.HandleRequestAsync(Write("p/readable/x", new { v = 1 }), RequestCaller.FromPolicies("r", ["reader"]), CancellationToken.None).AsTask());

        Assert.IsEmpty(probe.Requests, "nothing reached the backend");
        Assert.AreEqual(0, probe.ExistenceChecks, "not even its existence check");
    }

    [TestMethod]
    public async Task NoToken_OrAnUnknownOne_IsDenied_AndAnUnmountedPathSaysNothing()
    {
        var (test, _) = await WithProbeAsync();
        await using var __ = test;

        foreach (var caller in new[] { RequestCaller.Anonymous, RequestCaller.FromToken("hvs.unknown"), RequestCaller.FromToken("") })
        {
            foreach (var path in new[] { "p/readable/x", "sys/mounts", "nothing/here", "auth/token/lookup-self" })
            {
                var denied = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.HandleRequestAsync(Read(path), caller, CancellationToken.None).AsTask());
                Assert.AreEqual(ErrorCode.Forbidden, denied.Code, $"{caller.Token ?? "(none)"} on {path}");
            }
        }

        var notFound = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.HandleRequestAsync(Read("nothing/here"), RequestCaller.Application, CancellationToken.None).AsTask());
        Assert.AreEqual(ErrorCode.NotFound, notFound.Code, "the application may learn that nothing is mounted");
    }

    [TestMethod]
    public async Task ALogin_NeedsNoToken_AndEarnsOneFromTheCore()
    {
        await using var test = TestHost.Create();
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Auth, Plugin = "userpass" });
        await test.Host.WriteAsync("auth/userpass/users/alice", new { password = "pw", token_policies = "reader" }, CancellationToken.None);

        var login = await test.Host.HandleRequestAsync(Write("auth/userpass/login/alice", new { password = "pw" }), RequestCaller.Anonymous, CancellationToken.None);

        Assert.IsNotNull(login.Auth);
        CollectionAssert.AreEqual(new[] { "default", "reader" }, login.Auth.Entry.Policies.ToArray());
        var self = await test.Host.HandleRequestAsync(Read("auth/token/lookup-self"), RequestCaller.FromToken(login.Auth.ClientToken), CancellationToken.None);
        Assert.AreEqual("token", self.MountType);
        Assert.AreEqual("userpass-alice", self.Response!.Data!["display_name"].GetString());
    }
}
