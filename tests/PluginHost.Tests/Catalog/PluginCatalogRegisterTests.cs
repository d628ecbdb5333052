using PluginHost.Catalog;

namespace PluginHost.Tests.Catalog;

[TestClass]
public sealed class PluginCatalogRegisterTests : CatalogTestBase
{
    [TestMethod]
    public async Task Register_ValidPlugin_ReturnsStoredEntry()
    {
        var catalog = CreateCatalog();
        var registration = Binary(version: "1.0.0") with
        {
            Args = ["--verbose"],
            Env = new Dictionary<string, string> { ["LOG_LEVEL"] = "debug" },
        };

        var entry = await catalog.RegisterAsync(registration);

        Assert.AreEqual(BackendType.Secret, entry.Type);
        Assert.AreEqual("my-mock-plugin", entry.Name);
        Assert.AreEqual("v1.0.0", entry.Version);
        Assert.AreEqual("mock-plugin", entry.Command);
        Assert.AreEqual(registration.Sha256, entry.Sha256);
        Assert.IsFalse(entry.Builtin);
        CollectionAssert.AreEqual(new[] { "--verbose" }, entry.Args.ToArray());
        Assert.AreEqual("debug", entry.Env["LOG_LEVEL"]);
        var stored = await catalog.GetAsync(BackendType.Secret, "my-mock-plugin");
        Assert.AreEqual(entry.Sha256, stored?.Sha256);
    }

    [TestMethod]
    public async Task Register_UpperCaseSha_IsAcceptedAndNormalized()
    {
        var registration = Binary();

        var entry = await CreateCatalog().RegisterAsync(registration with { Sha256 = registration.Sha256.ToUpperInvariant() });

        Assert.AreEqual(registration.Sha256, entry.Sha256);
    }

    [TestMethod]
    public async Task Register_AbsoluteCommand_IsRefused()
    {
        var registration = Binary();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().RegisterAsync(registration with { Command = Path.Combine(Plugins.Location, "mock-plugin") }));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.Contains(error.Message, "command must be relative to the plugin directory");
    }

    [TestMethod]
    [DataRow("../mock-plugin")]
    [DataRow("sub/../mock-plugin")]
    [DataRow("sub\\..\\mock-plugin")]
    [DataRow("..")]
    public async Task Register_CommandWithDotDot_IsRefused(string command)
    {
        var registration = Binary();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().RegisterAsync(registration with { Command = command }));

        StringAssert.Contains(error.Message, "'..' segments");
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("   ")]
    public async Task Register_EmptyCommand_IsRefused(string command)
    {
        var registration = Binary();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().RegisterAsync(registration with { Command = command }));

        StringAssert.Contains(error.Message, "command is required");
    }

    [TestMethod]
    public async Task Register_SymlinkPointingOutside_IsRefused()
    {
        var sha = PluginDirectory.WriteAt(Path.Combine(Plugins.Root, "outside", "evil"), "evil");
        File.CreateSymbolicLink(Path.Combine(Plugins.Location, "link"), Path.Combine(Plugins.Root, "outside", "evil"));

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => CreateCatalog().RegisterAsync(
            new PluginRegistration { Type = BackendType.Secret, Name = "evil", Command = "link", Sha256 = sha }));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.Contains(error.Message, "resolves outside the plugin directory");
    }

    [TestMethod]
    public async Task Register_SymlinkToSiblingWithSamePrefix_IsRefused()
    {
        // "/tmp/x/plugins-evil" starts with "/tmp/x/plugins" but is not inside it.
        var target = Path.Combine(Plugins.Root, "plugins-evil", "bin");
        var sha = PluginDirectory.WriteAt(target, "evil");
        File.CreateSymbolicLink(Path.Combine(Plugins.Location, "link"), "../plugins-evil/bin");

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => CreateCatalog().RegisterAsync(
            new PluginRegistration { Type = BackendType.Secret, Name = "evil", Command = "link", Sha256 = sha }));

        StringAssert.Contains(error.Message, "resolves outside the plugin directory");
    }

    [TestMethod]
    public async Task Register_SymlinkInside_IsAccepted()
    {
        var sha = Plugins.Write(Path.Combine("versions", "mock-plugin-1.0.0"), "v1");
        File.CreateSymbolicLink(Path.Combine(Plugins.Location, "mock-plugin"), Path.Combine("versions", "mock-plugin-1.0.0"));
        var catalog = CreateCatalog();

        var entry = await catalog.RegisterAsync(
            new PluginRegistration { Type = BackendType.Secret, Name = "mock", Command = "mock-plugin", Sha256 = sha });

        Assert.AreEqual("mock-plugin", entry.Command);
        var path = await catalog.VerifyChecksumAsync(entry);
        Assert.AreEqual(PluginCommandResolver.RealPath(Path.Combine(Plugins.Location, "versions", "mock-plugin-1.0.0")), path);
    }

    [TestMethod]
    public async Task Register_SymlinkedDirectoryEscape_IsRefused()
    {
        var sha = PluginDirectory.WriteAt(Path.Combine(Plugins.Root, "outside", "evil"), "evil");
        Directory.CreateSymbolicLink(Path.Combine(Plugins.Location, "sub"), Path.Combine(Plugins.Root, "outside"));

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => CreateCatalog().RegisterAsync(
            new PluginRegistration { Type = BackendType.Secret, Name = "evil", Command = "sub/evil", Sha256 = sha }));

        StringAssert.Contains(error.Message, "resolves outside the plugin directory");
    }

    [TestMethod]
    public async Task Register_PluginDirectoryReachedThroughSymlink_IsAccepted()
    {
        var registration = Binary();
        var alias = Path.Combine(Plugins.Root, "plugins-alias");
        Directory.CreateSymbolicLink(alias, Plugins.Location);
        Options.CurrentValue = new PluginHostOptions { PluginDirectory = alias };

        var entry = await CreateCatalog().RegisterAsync(registration);

        Assert.AreEqual(registration.Sha256, entry.Sha256);
    }

    [TestMethod]
    public async Task Register_MissingFile_IsRefused()
    {
        var registration = Binary();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().RegisterAsync(registration with { Command = "no-such-plugin" }));

        StringAssert.Contains(error.Message, "'no-such-plugin' not found in the plugin directory");
    }

    [TestMethod]
    public async Task Register_DirectoryAsCommand_IsRefused()
    {
        var registration = Binary();
        Directory.CreateDirectory(Path.Combine(Plugins.Location, "dir"));

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().RegisterAsync(registration with { Command = "dir" }));

        StringAssert.Contains(error.Message, "is a directory");
    }

    [TestMethod]
    public async Task Register_DeviceFile_IsRefused()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("needs /dev/null");
        }

        Options.CurrentValue = new PluginHostOptions { PluginDirectory = "/dev" };
        var registration = new PluginRegistration { Type = BackendType.Secret, Name = "null", Command = "null", Sha256 = new string('0', 64) };

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => CreateCatalog().RegisterAsync(registration));

        StringAssert.Contains(error.Message, "not a regular file");
    }

    [TestMethod]
    public async Task Register_ShaOfWrongLength_SaysTheLength()
    {
        var registration = Binary();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().RegisterAsync(registration with { Sha256 = registration.Sha256[..63] }));

        Assert.AreEqual("sha256 must be 64 hexadecimal characters, got 63", error.Message);
    }

    [TestMethod]
    public async Task Register_ShaWithNonHexCharacter_NamesIt()
    {
        var registration = Binary();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().RegisterAsync(registration with { Sha256 = "g" + registration.Sha256[1..] }));

        StringAssert.Contains(error.Message, "contains a non-hexadecimal character 'g' at position 0");
    }

    [TestMethod]
    public async Task Register_EmptySha_IsRefused()
    {
        var registration = Binary();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().RegisterAsync(registration with { Sha256 = "" }));

        StringAssert.Contains(error.Message, "sha256 is required");
    }

    [TestMethod]
    public async Task Register_ChecksumMismatch_NamesPluginAndBothDigests()
    {
        var registration = Binary();
        var wrong = new string('a', 64);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().RegisterAsync(registration with { Sha256 = wrong }));

        StringAssert.Contains(error.Message, "checksums did not match");
        StringAssert.Contains(error.Message, "'my-mock-plugin'");
        StringAssert.Contains(error.Message, wrong);
        StringAssert.Contains(error.Message, registration.Sha256);
    }

    [TestMethod]
    [DataRow(null)]
    [DataRow("")]
    public async Task Register_NoPluginDirectory_IsRefusedWithVaultMessage(string? directory)
    {
        var registration = Binary();
        Options.CurrentValue = new PluginHostOptions { PluginDirectory = directory };

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => CreateCatalog().RegisterAsync(registration));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        Assert.AreEqual("could not set plugin, plugin directory is not configured", error.Message);
    }

    [TestMethod]
    public async Task Register_PluginDirectoryMissingOnDisk_IsRefused()
    {
        var registration = Binary();
        Options.CurrentValue = new PluginHostOptions { PluginDirectory = Path.Combine(Plugins.Root, "nope") };

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => CreateCatalog().RegisterAsync(registration));

        StringAssert.Contains(error.Message, "does not exist");
    }

    [TestMethod]
    public async Task Register_PluginDirectoryChangedInOptions_TakesEffect()
    {
        var catalog = CreateCatalog();
        var registration = Binary();
        await catalog.RegisterAsync(registration);
        var other = Path.Combine(Plugins.Root, "other-plugins");
        Directory.CreateDirectory(other);

        Options.CurrentValue = new PluginHostOptions { PluginDirectory = other };

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => catalog.RegisterAsync(registration));
        StringAssert.Contains(error.Message, "not found in the plugin directory");
        PluginDirectory.WriteAt(Path.Combine(other, "mock-plugin"), "#!/bin/sh\necho plugin\n");
        var entry = await catalog.RegisterAsync(registration);
        StringAssert.StartsWith(await catalog.VerifyChecksumAsync(entry), PluginCommandResolver.RealPath(other));
    }

    [TestMethod]
    [DataRow("1.2")]
    [DataRow("banana")]
    [DataRow("1.2.3.4")]
    [DataRow("01.2.3")]
    public async Task Register_InvalidVersion_IsRefused(string version)
    {
        var registration = Binary();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().RegisterAsync(registration with { Version = version }));

        StringAssert.StartsWith(error.Message, $"version \"{version}\" is not a valid semantic version: ");
    }

    [TestMethod]
    [DataRow("1.2.3", "v1.2.3")]
    [DataRow("v1.2.3", "v1.2.3")]
    [DataRow("1.0.0-beta.1+build.5", "v1.0.0-beta.1+build.5")]
    [DataRow("", null)]
    public async Task Register_Version_IsStoredCanonical(string version, string? expected)
    {
        var entry = await CreateCatalog().RegisterAsync(Binary() with { Version = version });

        Assert.AreEqual(expected, entry.Version);
    }

    [TestMethod]
    public async Task Register_BuiltinMetadataVersion_IsRefused()
    {
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().RegisterAsync(Binary() with { Version = "v1.0.0+builtin" }));

        StringAssert.Contains(error.Message, "'builtin' is a reserved metadata identifier");
    }

    [TestMethod]
    public async Task Register_UnknownType_IsRefused()
    {
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().RegisterAsync(Binary() with { Type = BackendType.Unknown }));

        StringAssert.Contains(error.Message, "use one of: secret, auth, database");
    }

    [TestMethod]
    [DataRow("", "plugin name is required")]
    [DataRow(" padded", "leading or trailing whitespace")]
    [DataRow("padded ", "leading or trailing whitespace")]
    [DataRow("a/b", "contains '/'")]
    [DataRow("a\\b", "contains '\\'")]
    [DataRow("a\0b", "contains a NUL character")]
    [DataRow("a b", "contains whitespace")]
    [DataRow("plügin", "contains 'ü'")]
    [DataRow("..", "not allowed")]
    public async Task Register_BadName_IsRefusedWithReason(string name, string reason)
    {
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().RegisterAsync(Binary() with { Name = name }));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.Contains(error.Message, reason);
    }

    [TestMethod]
    public async Task Register_BadName_SaysWhichCharactersAreAllowed()
    {
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().RegisterAsync(Binary() with { Name = "my plugin" }));

        StringAssert.Contains(error.Message, "use only ASCII letters, digits, '-', '_' and '.'");
    }

    [TestMethod]
    public async Task Register_NameLengthLimit_Is128()
    {
        var catalog = CreateCatalog();
        var entry = await catalog.RegisterAsync(Binary() with { Name = new string('n', 128) });
        Assert.AreEqual(128, entry.Name.Length);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            catalog.RegisterAsync(Binary() with { Name = new string('n', 129) }));
        StringAssert.Contains(error.Message, "the limit is 128");
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("A=B")]
    public async Task Register_BadEnvName_IsRefused(string variable)
    {
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().RegisterAsync(Binary() with { Env = new Dictionary<string, string> { [variable] = "x" } }));

        StringAssert.Contains(error.Message, "env variable name");
    }

    [TestMethod]
    public async Task Register_SameVersionAgain_ReplacesEntry()
    {
        var catalog = CreateCatalog();
        await catalog.RegisterAsync(Binary(version: "1.0.0", content: "old"));

        var upgraded = await catalog.RegisterAsync(Binary(version: "v1.0.0", content: "new"));

        var entries = await catalog.ListAsync(BackendType.Secret);
        Assert.HasCount(1, entries);
        Assert.AreEqual(upgraded.Sha256, entries[0].Sha256);
    }

    [TestMethod]
    public async Task Register_ConcurrentVersionsOfOneName_AreAllKept()
    {
        var catalog = CreateCatalog();
        var registration = Binary();

        await Task.WhenAll(Enumerable.Range(1, 20).Select(i => catalog.RegisterAsync(registration with { Version = $"1.0.{i}" })));

        Assert.HasCount(20, await catalog.ListAsync());
    }
}
