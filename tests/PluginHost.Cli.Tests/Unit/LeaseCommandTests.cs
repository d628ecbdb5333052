using System.Net;
using System.Text.Json;
using PluginHost.Cli.Hosting;

namespace PluginHost.Cli.Tests.Unit;

/// <summary>
/// Leases in plugin-host's output: a leased secret shows its <c>lease_id</c> (from the embedded host's answer, or from
/// Vault's envelope in client mode); <c>lease lookup|renew|revoke</c> send Vault's requests under <c>sys/leases/</c>
/// and print Vault's output, messages and exit codes.
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

    private const string LookupData = """
        {"id":"database/creds/readonly/2f6a614c","issue_time":"2026-12-03T14:00:00.0000000Z","expire_time":"2026-12-04T14:00:00.0000000Z","last_renewal":null,"renewable":true,"ttl":2764789}
        """;

    private const string LookupTable = """
        Key             Value
        ---             -----
        expire_time     2026-12-04T14:00:00.0000000Z
        id              database/creds/readonly/2f6a614c
        issue_time      2026-12-03T14:00:00.0000000Z
        last_renewal    <nil>
        renewable       true
        ttl             767h59m49s

        """;

    private const string RenewedTable = """
        Key                Value
        ---                -----
        lease_id           database/creds/readonly/2f6a614c
        lease_duration     1h
        lease_renewable    true

        """;

    // What sys/leases/renew answers: the lease at the top level, no data.
    private static readonly BackendResponse Renewed = new() { Secret = new SecretInfo { Ttl = TimeSpan.FromHours(1), Renewable = true } };

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
    public void ClientMode_TakesTheLeaseIdFromVaultsEnvelope()
    {
        var server = new StubHttpHandler(HttpStatusCode.OK, """
            {"request_id":"r","lease_id":"database/creds/readonly/2f6a614c","renewable":true,"lease_duration":3600,
             "data":{"username":"u","password":"p"},"wrap_info":null,"warnings":null,"auth":null,"mount_type":"database"}
            """);
        var target = new HttpTarget(new Uri("http://127.0.0.1:8200"), "hvs.t", server);

        // The run disposes the target.
        InProcess.RunAgainst(target, "read", "database/creds/readonly").Is(0, LeasedSecretTable);
        Assert.AreEqual("GET http://127.0.0.1:8200/v1/database/creds/readonly", string.Join('\n', server.Requests));
    }

    [TestMethod]
    public void Lookup_WritesTheIdToSysLeasesLookup_AndPrintsTheLease_TtlAsADuration()
    {
        var target = new FakeTarget().OnJson(Operation.Update, "sys/leases/lookup", LookupData);

        InProcess.Run(target, "lease", "lookup", LeaseId).Is(0, LookupTable);
        InProcess.Run(target, "lease", "lookup", $" {LeaseId} ").Is(0, LookupTable);
        Assert.AreEqual("sys/leases/lookup", target.Requests[0].Path);
        Assert.AreEqual("""{"lease_id":"database/creds/readonly/2f6a614c"}""", target.SentData(0));
        Assert.AreEqual(target.SentData(0), target.SentData(1), "the id is trimmed, as in Vault");
    }

    [TestMethod]
    public void Lookup_AsJson_IsVaultsEnvelope_WithARenewalTime()
    {
        var target = new FakeTarget().OnJson(Operation.Update, "sys/leases/lookup", LookupData.Replace("\"last_renewal\":null", "\"last_renewal\":\"2026-12-03T15:00:00.0000000Z\"", StringComparison.Ordinal));

        var result = InProcess.Run(target, "lease", "lookup", "-format=json", LeaseId);

        result.Is(0, $$"""
            {
              "request_id": "{{target.Requests[0].RequestId}}",
              "lease_id": "",
              "lease_duration": 0,
              "renewable": false,
              "data": {
                "expire_time": "2026-12-04T14:00:00.0000000Z",
                "id": "database/creds/readonly/2f6a614c",
                "issue_time": "2026-12-03T14:00:00.0000000Z",
                "last_renewal": "2026-12-03T15:00:00.0000000Z",
                "renewable": true,
                "ttl": 2764789
              },
              "warnings": null
            }

            """);
        StringAssert.Contains(InProcess.Run(target, "lease", "lookup", LeaseId).Stdout, "last_renewal    2026-12-03T15:00:00.0000000Z\n");
    }

    [TestMethod]
    public void Lookup_OfAnUnknownLease_IsVaultsError_Exit2()
    {
        var target = new FakeTarget().Fail(Operation.Update, "sys/leases/lookup", ErrorCode.BadRequest, "invalid lease");

        InProcess.Run(target, "lease", "lookup", "nope/abc").Is(2, "", """
            error looking up lease id nope/abc: Error making API request.

            Request: write sys/leases/lookup
            Code: 400. Errors:

            * invalid lease

            """);
    }

    [TestMethod]
    public void Lookup_ArgumentErrors_AreVaults_AndOpenNothing()
    {
        var missing = InProcess.Run(new FakeTarget(), "lease", "lookup");
        missing.Is(1, "", "Missing ID!\n");
        Assert.IsNull(missing.Config);
        InProcess.Run(new FakeTarget(), "lease", "lookup", "a", "b").Is(1, "", "Too many arguments (expected 1, got 2)\n");
        InProcess.Run(new FakeTarget(), "lease", "lookup", "-format=yaml", "a").Is(1, "", "Invalid output format: yaml\n");
    }

    [TestMethod]
    public void Renew_SendsTheIncrementInSeconds_AndPrintsTheRenewedLease()
    {
        var target = new FakeTarget().OnLease(Operation.Update, "sys/leases/renew", LeaseId, Renewed);

        InProcess.Run(target, "lease", "renew", LeaseId).Is(0, RenewedTable);
        InProcess.Run(target, "lease", "renew", "-increment=1h", LeaseId).Is(0, RenewedTable);
        InProcess.Run(target, "lease", "renew", "-increment=90", LeaseId).Is(0, RenewedTable);
        InProcess.Run(target, "lease", "renew", "-increment=2m30s", LeaseId).Is(0, RenewedTable);

        Assert.AreEqual("sys/leases/renew", string.Join(' ', target.Requests.Select(r => r.Path).Distinct()));
        Assert.AreEqual("""{"increment":0,"lease_id":"database/creds/readonly/2f6a614c"}""", target.SentData(0));
        Assert.AreEqual("""{"increment":3600,"lease_id":"database/creds/readonly/2f6a614c"}""", target.SentData(1));
        Assert.AreEqual("""{"increment":90,"lease_id":"database/creds/readonly/2f6a614c"}""", target.SentData(2));
        Assert.AreEqual("""{"increment":150,"lease_id":"database/creds/readonly/2f6a614c"}""", target.SentData(3));
    }

    [TestMethod]
    public void Renew_AsJson_IsVaultsEnvelope_WithTheLeaseAtTheTopAndNoData()
    {
        var target = new FakeTarget().OnLease(Operation.Update, "sys/leases/renew", LeaseId, Renewed);

        var result = InProcess.Run(target, "lease", "renew", "-format=json", LeaseId);

        result.Is(0, $$"""
            {
              "request_id": "{{target.Requests[0].RequestId}}",
              "lease_id": "database/creds/readonly/2f6a614c",
              "lease_duration": 3600,
              "renewable": true,
              "data": null,
              "warnings": null
            }

            """);
    }

    [TestMethod]
    public void Renew_Refused_IsVaultsError_Exit2()
    {
        var target = new FakeTarget().Fail(Operation.Update, "sys/leases/renew", ErrorCode.BadRequest, "lease is not renewable");

        InProcess.Run(target, "lease", "renew", LeaseId).Is(2, "", """
            Error renewing database/creds/readonly/2f6a614c: Error making API request.

            Request: write sys/leases/renew
            Code: 400. Errors:

            * lease is not renewable

            """);
    }

    [TestMethod]
    public void Renew_ArgumentErrors_AreVaults()
    {
        InProcess.Run(new FakeTarget(), "lease", "renew").Is(1, "", "Missing ID!\n");

        // Vault's text says 1-2, though it takes exactly one.
        InProcess.Run(new FakeTarget(), "lease", "renew", "a", "b").Is(1, "", "Too many arguments (expected 1-2, got 2)\n");
        InProcess.Run(new FakeTarget(), "lease", "renew", "-increment=soon", "a").Is(1, "", "invalid value \"soon\" for flag -increment: time: invalid duration \"soon\"\n");
    }

    [TestMethod]
    [DataRow(new[] { LeaseId }, "sys/leases/revoke/" + LeaseId, """{"sync":false}""", "All revocation operations queued successfully!\n")]
    [DataRow(new[] { "-sync", LeaseId }, "sys/leases/revoke/" + LeaseId, """{"sync":true}""", "Success! Revoked lease: " + LeaseId + "\n")]
    [DataRow(new[] { "-prefix", "database/creds" }, "sys/leases/revoke-prefix/database/creds", """{"sync":false}""", "All revocation operations queued successfully!\n")]
    [DataRow(new[] { "-prefix", "-sync", "database/creds" }, "sys/leases/revoke-prefix/database/creds", """{"sync":true}""", "Success! Revoked any leases with prefix: database/creds\n")]
    [DataRow(new[] { "-force", "-prefix", "database/creds" }, "sys/leases/revoke-force/database/creds", "null", "Success! Force revoked any leases with prefix: database/creds\n")]
    [DataRow(new[] { "-f", "-prefix", "-sync", "database/creds" }, "sys/leases/revoke-force/database/creds", "null", "Success! Force revoked any leases with prefix: database/creds\n")]
    public void Revoke_WritesVaultsPath_AndSaysWhatVaultSays(string[] args, string path, string data, string stdout)
    {
        var target = new FakeTarget();

        var result = InProcess.Run(target, ["lease", "revoke", .. args]);

        var forced = args.Contains("-f") || args.Contains("-force");
        result.Is(0, stdout, forced ? "Warning! Force-removing leases can cause Vault to become out of sync with\nsecret engines!\n" : "");
        Assert.AreEqual((Operation.Update, path, data), (target.Requests.Single().Operation, target.Requests[0].Path, target.SentData()));
    }

    [TestMethod]
    public void Revoke_ForceWithoutPrefix_AndArgumentErrors_AreVaults_AndSendNothing()
    {
        var target = new FakeTarget();

        InProcess.Run(target, "lease", "revoke", "-force", "database/creds").Is(1, "", "Specifying -force requires also specifying -prefix\n");
        InProcess.Run(target, "lease", "revoke").Is(1, "", "Not enough arguments (expected 1, got 0)\n");
        InProcess.Run(target, "lease", "revoke", "-prefix", "a", "b").Is(1, "", "Too many arguments (expected 1, got 2)\n");
        Assert.IsEmpty(target.Requests);
    }

    [TestMethod]
    [DataRow(new[] { LeaseId }, "sys/leases/revoke/" + LeaseId, "Error revoking lease " + LeaseId)]
    [DataRow(new[] { "-prefix", "database/creds" }, "sys/leases/revoke-prefix/database/creds", "Error revoking leases with prefix database/creds")]
    [DataRow(new[] { "-force", "-prefix", "database/creds" }, "sys/leases/revoke-force/database/creds", "Error force revoking leases with prefix database/creds")]
    public void Revoke_Refused_NamesWhatItRevoked_Exit2(string[] args, string path, string prefix)
    {
        var target = new FakeTarget().Fail(Operation.Update, path, ErrorCode.Forbidden, "permission denied");

        var result = InProcess.Run(target, ["lease", "revoke", .. args]);

        Assert.AreEqual(2, result.ExitCode, result.ToString());
        Assert.AreEqual("", result.Stdout);
        StringAssert.EndsWith(result.Stderr, $"{prefix}: Error making API request.\n\nRequest: write {path}\nCode: 403. Errors:\n\n* permission denied\n");
    }

    [TestMethod]
    public void ClientMode_SendsVaultsHttpRequests()
    {
        var server = new StubHttpHandler(HttpStatusCode.OK, """
            {"request_id":"r","lease_id":"database/creds/readonly/2f6a614c","renewable":true,"lease_duration":3600,"data":null,"wrap_info":null,"warnings":null,"auth":null,"mount_type":"system"}
            """);

        // Each run disposes its target; the handler outlives them.
        HttpTarget Target() => new(new Uri("http://127.0.0.1:8200"), "hvs.t", server);
        InProcess.RunAgainst(Target(), "lease", "renew", "-increment=1h", LeaseId).Is(0, RenewedTable);
        InProcess.RunAgainst(Target(), "lease", "revoke", "-sync", LeaseId).Is(0, $"Success! Revoked lease: {LeaseId}\n");
        InProcess.RunAgainst(Target(), "lease", "revoke", "-prefix", "database/creds").Is(0, "All revocation operations queued successfully!\n");
        Assert.AreEqual(
            """
            PUT http://127.0.0.1:8200/v1/sys/leases/renew {"increment":3600,"lease_id":"database/creds/readonly/2f6a614c"}
            PUT http://127.0.0.1:8200/v1/sys/leases/revoke/database/creds/readonly/2f6a614c {"sync":true}
            PUT http://127.0.0.1:8200/v1/sys/leases/revoke-prefix/database/creds {"sync":false}
            """,
            string.Join('\n', server.Requests));
    }

    [TestMethod]
    public void LeaseGroup_ListsItsSubcommands()
    {
        var result = InProcess.Run(new FakeTarget(), "lease");

        Assert.AreEqual((1, ""), (result.ExitCode, result.Stdout));
        StringAssert.StartsWith(result.Stderr, "Usage: plugin-host lease <subcommand> [options] [args]\n");
        StringAssert.EndsWith(result.Stderr, """

            Subcommands:
                lookup    Lookup the lease of a secret
                renew     Renews the lease of a secret
                revoke    Revokes leases and secrets

            """);
    }
}
