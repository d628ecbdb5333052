using System.Net;
using System.Text.Json;
using PluginHost.Cli.Hosting;

namespace PluginHost.Cli.Tests.Unit;

/// <summary>
/// Leases in plugin-host's output: a leased secret shows its <c>lease_id</c> (from the embedded host's answer, or from
/// Vault's envelope in client mode).
/// </summary>
[TestClass]
public sealed class LeaseCommandTests
{
    private const string LeaseId = "database/creds/readonly/2f6a614c";

    private const string LeasedSecretTable = """
        Key                Value
        ---                -----
        lease_id           database/creds/readonly/2f6a614c
        lease_duration     1h
        lease_renewable    true
        password           p
        username           u

        """;

    private static readonly BackendResponse Credentials = new()
    {
        Data = new Dictionary<string, JsonElement>
        {
            ["username"] = JsonSerializer.SerializeToElement("u"),
            ["password"] = JsonSerializer.SerializeToElement("p"),
        },
        Secret = new SecretInfo { Ttl = TimeSpan.FromHours(1), Renewable = true },
    };

    [TestMethod]
    public void Read_ALeasedSecret_ShowsItsLease_NotARefreshInterval_InTheTableAndTheEnvelope()
    {
        var target = new FakeTarget().OnLease(Operation.Read, "database/creds/readonly", LeaseId, Credentials);

        InProcess.Run(target, "read", "database/creds/readonly").Is(0, LeasedSecretTable);
        InProcess.Run(target, "read", "-field=lease_id", "database/creds/readonly").Is(0, LeaseId);
        var json = InProcess.Run(target, "read", "-format=json", "database/creds/readonly");
        json.Is(0, $$"""
            {
              "request_id": "{{target.Requests[2].RequestId}}",
              "lease_id": "database/creds/readonly/2f6a614c",
              "lease_duration": 3600,
              "renewable": true,
              "data": {
                "password": "p",
                "username": "u"
              },
              "warnings": null
            }

            """);
    }

    [TestMethod]
    public async Task ClientMode_TakesTheLeaseIdFromVaultsEnvelope()
    {
        var server = new StubHttpHandler(HttpStatusCode.OK, """
            {"request_id":"r","lease_id":"database/creds/readonly/2f6a614c","renewable":true,"lease_duration":3600,
             "data":{"username":"u","password":"p"},"wrap_info":null,"warnings":null,"auth":null,"mount_type":"database"}
            """);
        await using var target = new HttpTarget(new Uri("http://127.0.0.1:8200"), "hvs.t", server);

        InProcess.RunAgainst(target, "read", "database/creds/readonly").Is(0, LeasedSecretTable);
        Assert.AreEqual("GET http://127.0.0.1:8200/v1/database/creds/readonly", string.Join('\n', server.Requests));
    }
}
