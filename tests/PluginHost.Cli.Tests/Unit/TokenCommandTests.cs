using PluginHost.Cli.Requests;

namespace PluginHost.Cli.Tests.Unit;

/// <summary><c>token create|lookup|renew|revoke|capabilities</c>: Vault's requests under <c>auth/token/</c> and <c>sys/capabilities*</c>, Vault's output.</summary>
[TestClass]
public sealed class TokenCommandTests
{
    private const string CreatedTable = """
        Key                  Value
        ---                  -----
        token                hvs.new
        token_accessor       acc
        token_duration       1h
        token_renewable      true
        token_policies       ["default" "dev"]
        identity_policies    []
        policies             ["default" "dev"]
        token_meta_team      ops

        """;

    private static readonly SecretAuth Created = new()
    {
        ClientToken = "hvs.new",
        Accessor = "acc",
        Policies = ["default", "dev"],
        TokenPolicies = ["default", "dev"],
        Metadata = new Dictionary<string, string> { ["team"] = "ops" },
        LeaseDuration = 3600,
        Renewable = true,
    };

    [TestMethod]
    public void Create_SendsVaultsFields_AndPrintsTheTokensTable()
    {
        var target = new FakeTarget().OnAuth(Operation.Update, "auth/token/create", Created);

        var result = InProcess.Run(
            target,
            "token", "create", "-policy=dev", "-policy=a,b", "-ttl=1h", "-explicit-max-ttl=2h", "-display-name=ci", "-no-default-policy",
            "-orphan", "-renewable=false", "-metadata=team=ops", "-id=my-token");

        result.Is(0, CreatedTable);
        Assert.AreEqual(
            """{"display_name":"ci","explicit_max_ttl":"7200s","id":"my-token","meta":{"team":"ops"},"no_default_policy":true,"no_parent":true,"policies":["dev","a","b"],"renewable":false,"ttl":"3600s"}""",
            target.SentData());
    }

    [TestMethod]
    public void Create_WithoutFlags_SendsOnlyRenewable_AndFieldPrintsTheTokenAlone()
    {
        var target = new FakeTarget().OnAuth(Operation.Update, "auth/token/create", Created);

        InProcess.Run(target, "token", "create", "-field=token").Is(0, "hvs.new");
        Assert.AreEqual("""{"renewable":true}""", target.SentData());
        InProcess.Run(target, "token", "create", "extra").Is(1, "", "Too many arguments (expected 0, got 1)\n");
    }

    [TestMethod]
    public void Create_Refused_IsVaultsError()
    {
        var target = new FakeTarget().Fail(Operation.Update, "auth/token/create", ErrorCode.BadRequest, "child policies must be subset of parent");

        InProcess.Run(target, "token", "create", "-policy=admin").Is(2, "", """
            Error creating token: Error making API request.

            Request: write auth/token/create
            Code: 400. Errors:

            * child policies must be subset of parent

            """);
    }

    [TestMethod]
    public void Lookup_WithoutArgument_ReadsLookupSelf_WithOne_WritesLookupOrLookupAccessor()
    {
        var data = """{"accessor":"acc","creation_ttl":3600,"display_name":"token","entity_id":"","expire_time":null,"id":"hvs.x","policies":["default"],"ttl":3599}""";
        var target = new FakeTarget()
            .OnJson(Operation.Read, "auth/token/lookup-self", data)
            .OnJson(Operation.Update, "auth/token/lookup", data)
            .OnJson(Operation.Update, "auth/token/lookup-accessor", data);
        const string Table = """
            Key             Value
            ---             -----
            accessor        acc
            creation_ttl    1h
            display_name    token
            entity_id       n/a
            expire_time     <nil>
            id              hvs.x
            policies        [default]
            ttl             59m59s

            """;

        InProcess.Run(target, "token", "lookup").Is(0, Table);
        InProcess.Run(target, "token", "lookup", "hvs.x").Is(0, Table);
        InProcess.Run(target, "token", "lookup", "-accessor", "acc").Is(0, Table);
        Assert.AreEqual("null", target.SentData(0));
        Assert.AreEqual("""{"token":"hvs.x"}""", target.SentData(1));
        Assert.AreEqual("""{"accessor":"acc"}""", target.SentData(2));
    }

    [TestMethod]
    public void Lookup_ArgumentErrors_AreVaults()
    {
        InProcess.Run(new FakeTarget(), "token", "lookup", "-accessor").Is(1, "", "Not enough arguments with -accessor (expected 1, got 0)\n");
        InProcess.Run(new FakeTarget(), "token", "lookup", "a", "b").Is(1, "", "Too many arguments (expected 0-1, got 2)\n");
    }

    [TestMethod]
    public void Renew_SendsTheIncrementInSeconds_ToRenewSelfRenewOrRenewAccessor()
    {
        var target = new FakeTarget()
            .OnAuth(Operation.Update, "auth/token/renew-self", Created)
            .OnAuth(Operation.Update, "auth/token/renew", Created)
            .OnAuth(Operation.Update, "auth/token/renew-accessor", Created with { ClientToken = "" });

        InProcess.Run(target, "token", "renew").Is(0, CreatedTable);
        InProcess.Run(target, "token", "renew", "-increment=30m", "hvs.new").Is(0, CreatedTable);
        InProcess.Run(target, "token", "renew", "-i=1h", "-accessor", "acc").Is(0, CreatedTable.Replace("hvs.new", "n/a", StringComparison.Ordinal));
        Assert.AreEqual("""{"increment":0}""", target.SentData(0));
        Assert.AreEqual("""{"increment":1800,"token":"hvs.new"}""", target.SentData(1));
        Assert.AreEqual("""{"accessor":"acc","increment":3600}""", target.SentData(2));
    }

    [TestMethod]
    public void Renew_FailIfNotFulfilled_FailsWhenTheDurationWasCapped()
    {
        var target = new FakeTarget().OnAuth(Operation.Update, "auth/token/renew-self", Created);

        InProcess.Run(target, "token", "renew", "-increment=2h", "-fail-if-not-fulfilled").Is(
            1, "Token renewal completed with capped duration, failing the command because of --fail-if-not-fulfilled\n");
    }

    [TestMethod]
    public void Revoke_WritesRevokeRevokeAccessorOrRevokeSelf()
    {
        var target = new FakeTarget();
        const string Revoked = "Success! Revoked token (if it existed)\n";

        InProcess.Run(target, "token", "revoke", "hvs.x").Is(0, Revoked);
        InProcess.Run(target, "token", "revoke", "-accessor", "acc").Is(0, Revoked);
        InProcess.Run(target, "token", "revoke", "-self").Is(0, Revoked);

        Assert.AreEqual("auth/token/revoke auth/token/revoke-accessor auth/token/revoke-self", string.Join(' ', target.Requests.Select(r => r.Path)));
        Assert.AreEqual("""{"token":"hvs.x"}""", target.SentData(0));
        Assert.AreEqual("""{"accessor":"acc"}""", target.SentData(1));
    }

    [TestMethod]
    public void Revoke_ArgumentErrors_AreVaults()
    {
        InProcess.Run(new FakeTarget(), "token", "revoke").Is(1, "", "Not enough arguments (expected 1 or -self, got 0)\n");
        InProcess.Run(new FakeTarget(), "token", "revoke", "a", "b").Is(1, "", "Too many arguments (expected 1 or -self, got 2)\n");
        InProcess.Run(new FakeTarget(), "token", "revoke", "-self", "a").Is(1, "", "Too many arguments with -self (expected 0, got 1)\n");
        InProcess.Run(new FakeTarget(), "token", "revoke", "-self", "-accessor").Is(1, "", "Cannot use -self with -accessor!\n");
    }

    [TestMethod]
    public void Capabilities_OfTheCaller_AreSortedAndJoined()
    {
        var target = new FakeTarget().OnJson(Operation.Update, "sys/capabilities-self", """{"secret/foo":["update","read"],"capabilities":["update","read"]}""");

        InProcess.Run(target, "token", "capabilities", "secret/foo").Is(0, "read, update\n");
        InProcess.Run(target, "token", "capabilities", "-format=json", "secret/foo").Is(0, "[\n  \"update\",\n  \"read\"\n]\n");
        Assert.AreEqual("""{"paths":["secret/foo"]}""", target.SentData());
    }

    [TestMethod]
    public void Capabilities_OfATokenOrAccessor_UseSysCapabilitiesOrCapabilitiesAccessor()
    {
        var target = new FakeTarget()
            .OnJson(Operation.Update, "sys/capabilities", """{"secret/foo":["deny"]}""")
            .OnJson(Operation.Update, "sys/capabilities-accessor", """{"capabilities":["list"]}""");

        InProcess.Run(target, "token", "capabilities", "hvs.x", "secret/foo").Is(0, "deny\n");
        InProcess.Run(target, "token", "capabilities", "-accessor", "acc", "secret/foo").Is(0, "list\n");
        Assert.AreEqual("""{"paths":["secret/foo"],"token":"hvs.x"}""", target.SentData(0));
        Assert.AreEqual("""{"accessor":"acc","paths":["secret/foo"]}""", target.SentData(1));
    }

    [TestMethod]
    public void Capabilities_ArgumentErrorsAndEmptyAnswers_AreVaults()
    {
        InProcess.Run(new FakeTarget(), "token", "capabilities").Is(1, "", "Not enough arguments (expected 1-2, got 0)\n");
        InProcess.Run(new FakeTarget(), "token", "capabilities", "a", "b", "c").Is(1, "", "Too many arguments (expected 1-2, got 3)\n");
        InProcess.Run(new FakeTarget(), "token", "capabilities", "-accessor", "a").Is(1, "", "Not enough arguments with -accessor (expected 2, got 1)\n");
        InProcess.Run(new FakeTarget(), "token", "capabilities", "secret/foo").Is(1, "", "No capabilities found\n");
    }
}
