namespace PluginHost.Tests.Catalog;

[TestClass]
public sealed class PluginCatalogSelectionTests : CatalogTestBase
{
    [TestMethod]
    public async Task Get_NoVersion_FollowsSelectionOrderThroughAllTiers()
    {
        var catalog = CreateCatalog(Builtin("kv", version: "v0.1.0+builtin"));
        var registration = Binary(name: "kv");

        Assert.IsTrue((await catalog.GetAsync(BackendType.Secret, "kv"))?.Builtin);

        await catalog.RegisterAsync(registration with { Version = "1.0.0" });
        await catalog.RegisterAsync(registration with { Version = "2.0.0" });
        await catalog.RegisterAsync(registration with { Version = "1.5.0" });
        Assert.AreEqual("v2.0.0", (await catalog.GetAsync(BackendType.Secret, "kv"))?.Version);

        await catalog.RegisterAsync(registration);
        var unversioned = await catalog.GetAsync(BackendType.Secret, "kv");
        Assert.IsNull(unversioned?.Version);
        Assert.IsFalse(unversioned?.Builtin);

        await catalog.DeregisterAsync(BackendType.Secret, "kv");
        Assert.AreEqual("v2.0.0", (await catalog.GetAsync(BackendType.Secret, "kv"))?.Version);

        foreach (var version in new[] { "1.0.0", "2.0.0", "1.5.0" })
        {
            await catalog.DeregisterAsync(BackendType.Secret, "kv", version);
        }

        var builtin = await catalog.GetAsync(BackendType.Secret, "kv");
        Assert.IsTrue(builtin?.Builtin);
        Assert.AreEqual("v0.1.0+builtin", builtin?.Version);
    }

    [TestMethod]
    public async Task Get_HighestVersion_UsesSemanticOrder()
    {
        var catalog = CreateCatalog();
        var registration = Binary();
        foreach (var version in new[] { "1.9.0", "1.10.0", "2.0.0-rc.1" })
        {
            await catalog.RegisterAsync(registration with { Version = version });
        }

        Assert.AreEqual("v2.0.0-rc.1", (await catalog.GetAsync(BackendType.Secret, "my-mock-plugin"))?.Version);
        await catalog.DeregisterAsync(BackendType.Secret, "my-mock-plugin", "2.0.0-rc.1");
        Assert.AreEqual("v1.10.0", (await catalog.GetAsync(BackendType.Secret, "my-mock-plugin"))?.Version);
    }

    [TestMethod]
    public async Task Get_RequestedVersion_MatchesExactlyOnly()
    {
        var catalog = CreateCatalog(Builtin("my-mock-plugin", version: "v0.1.0+builtin"));
        var registration = Binary();
        await catalog.RegisterAsync(registration with { Version = "1.0.0" });
        await catalog.RegisterAsync(registration);

        Assert.AreEqual("v1.0.0", (await catalog.GetAsync(BackendType.Secret, "my-mock-plugin", "1.0.0"))?.Version);
        Assert.AreEqual("v1.0.0", (await catalog.GetAsync(BackendType.Secret, "my-mock-plugin", "v1.0.0"))?.Version);
        Assert.IsNull(await catalog.GetAsync(BackendType.Secret, "my-mock-plugin", "1.0.1"));
        Assert.IsTrue((await catalog.GetAsync(BackendType.Secret, "my-mock-plugin", "v0.1.0+builtin"))?.Builtin);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            catalog.ResolveAsync(BackendType.Secret, "my-mock-plugin", "1.0.1"));
        Assert.AreEqual(ErrorCode.NotFound, error.Code);
        Assert.AreEqual("plugin not found in the catalog: my-mock-plugin version v1.0.1", error.Message);
    }

    [TestMethod]
    public async Task Get_InvalidRequestedVersion_IsRefused()
    {
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().GetAsync(BackendType.Secret, "kv", "latest"));

        StringAssert.StartsWith(error.Message, "version \"latest\" is not a valid semantic version: ");
    }

    [TestMethod]
    public async Task Get_UnknownName_ReturnsNull() =>
        Assert.IsNull(await CreateCatalog(Builtin("kv")).GetAsync(BackendType.Auth, "kv"));

    [TestMethod]
    public async Task Get_Builtin_IsEntryWithoutCommandOrSha()
    {
        var entry = await CreateCatalog(Builtin("userpass", BackendType.Auth)).GetAsync(BackendType.Auth, "userpass");

        Assert.IsNotNull(entry);
        Assert.IsTrue(entry.Builtin);
        Assert.IsNull(entry.Version);
        Assert.AreEqual("", entry.Command);
        Assert.AreEqual("", entry.Sha256);
    }

    [TestMethod]
    public async Task Resolve_NameOnlyUnderAnotherType_SaysWrongTypeInVaultWording()
    {
        var catalog = CreateCatalog(Builtin("userpass", BackendType.Auth));
        await catalog.RegisterAsync(Binary(name: "my-mock-plugin"));

        var asAuth = await Assert.ThrowsExactlyAsync<PluginHostException>(() => catalog.ResolveAsync(BackendType.Auth, "my-mock-plugin"));
        var asSecret = await Assert.ThrowsExactlyAsync<PluginHostException>(() => catalog.ResolveAsync(BackendType.Secret, "userpass"));

        Assert.AreEqual(ErrorCode.BadRequest, asAuth.Code);
        Assert.AreEqual("cannot mount 'my-mock-plugin' of type 'secret' as an auth method", asAuth.Message);
        Assert.AreEqual("cannot mount 'userpass' of type 'auth' as a secrets engine", asSecret.Message);
    }

    [TestMethod]
    public async Task Resolve_UnknownName_IsNotFoundInVaultWording()
    {
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => CreateCatalog().ResolveAsync(BackendType.Secret, "nope"));

        Assert.AreEqual(ErrorCode.NotFound, error.Code);
        Assert.AreEqual("plugin not found in the catalog: nope", error.Message);
    }

    [TestMethod]
    public async Task Resolve_Registered_ReturnsSelectedEntry()
    {
        var catalog = CreateCatalog();
        var registered = await catalog.RegisterAsync(Binary(type: BackendType.Auth));

        var resolved = await catalog.ResolveAsync(BackendType.Auth, "my-mock-plugin");

        Assert.AreEqual(registered, resolved with { Args = registered.Args, Env = registered.Env });
    }

    [TestMethod]
    public async Task List_IncludesBuiltins_SortedByTypeNameAndVersion()
    {
        var catalog = CreateCatalog(Builtin("userpass", BackendType.Auth), Builtin("kv", version: "v0.1.0+builtin"));
        var registration = Binary(name: "zeta");
        await catalog.RegisterAsync(registration with { Version = "1.10.0" });
        await catalog.RegisterAsync(registration with { Version = "1.9.0" });
        await catalog.RegisterAsync(registration);
        await catalog.RegisterAsync(registration with { Name = "alpha", Type = BackendType.Auth });
        await catalog.RegisterAsync(registration with { Name = "kv", Version = "0.1.0" });

        var listed = (await catalog.ListAsync()).Select(e => $"{e.Type.ToName()}/{e.Name}/{e.Version}/{(e.Builtin ? "builtin" : "external")}");

        CollectionAssert.AreEqual(
            new[]
            {
                "auth/alpha//external",
                "auth/userpass//builtin",
                "secret/kv/v0.1.0/external",
                "secret/kv/v0.1.0+builtin/builtin",
                "secret/zeta//external",
                "secret/zeta/v1.9.0/external",
                "secret/zeta/v1.10.0/external",
            },
            listed.ToArray());
    }

    [TestMethod]
    public async Task List_ByType_ReturnsOnlyThatType()
    {
        var catalog = CreateCatalog(Builtin("userpass", BackendType.Auth), Builtin("kv"));
        await catalog.RegisterAsync(Binary(name: "db", type: BackendType.Database));

        var auth = await catalog.ListAsync(BackendType.Auth);
        var database = await catalog.ListAsync(BackendType.Database);

        Assert.AreEqual("userpass", auth.Single().Name);
        Assert.AreEqual("db", database.Single().Name);
    }

    [TestMethod]
    public async Task List_UnversionedExternal_ShadowsBuiltinUntilDeregistered()
    {
        var catalog = CreateCatalog(Builtin("kv"));

        await catalog.RegisterAsync(Binary(name: "kv"));
        var shadowedList = await catalog.ListAsync();
        var shadowedGet = await catalog.GetAsync(BackendType.Secret, "kv");
        await catalog.DeregisterAsync(BackendType.Secret, "kv");
        var unshadowedList = await catalog.ListAsync();
        var unshadowedGet = await catalog.GetAsync(BackendType.Secret, "kv");

        Assert.IsFalse(shadowedList.Single().Builtin);
        Assert.IsFalse(shadowedGet?.Builtin ?? true);
        Assert.IsTrue(unshadowedList.Single().Builtin);
        Assert.IsTrue(unshadowedGet?.Builtin ?? false);
    }

    [TestMethod]
    public async Task List_UnknownType_IsRefused() =>
        await Assert.ThrowsExactlyAsync<PluginHostException>(() => CreateCatalog().ListAsync(BackendType.Unknown));

    [TestMethod]
    public void FindBuiltin_ReturnsBuiltinEvenWhenShadowed()
    {
        var kv = Builtin("kv");
        var catalog = CreateCatalog(kv);

        Assert.AreSame(kv, catalog.FindBuiltin(BackendType.Secret, "kv"));
        Assert.IsNull(catalog.FindBuiltin(BackendType.Auth, "kv"));
        Assert.IsNull(catalog.FindBuiltin(BackendType.Secret, "other"));
    }

    [TestMethod]
    public void Constructor_DuplicateBuiltin_IsRefused()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => CreateCatalog(Builtin("kv"), Builtin("kv")));

        StringAssert.Contains(error.Message, "'kv' is given twice");
    }
}
