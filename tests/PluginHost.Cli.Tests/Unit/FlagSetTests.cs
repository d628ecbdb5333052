using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Tests.Unit;

[TestClass]
public sealed class FlagSetTests
{
    [TestMethod]
    [DataRow("-path=x")]
    [DataRow("--path=x")]
    [DataRow("-path x")]
    [DataRow("--path x")]
    public void Parse_EverySpellingOfAValueFlag_SetsIt(string spelling)
    {
        var (flags, path, _) = NewSet();

        var rest = flags.Parse([.. spelling.Split(' '), "TYPE"]);

        Assert.AreEqual("x", path.Value);
        CollectionAssert.AreEqual(new[] { "TYPE" }, rest.ToArray());
    }

    [TestMethod]
    public void Parse_BoolFlag_TakesNoValueButAcceptsAnEqualsValue()
    {
        var (flags, _, detailed) = NewSet();
        flags.Parse(["-detailed"]);
        Assert.IsTrue(detailed.Value);

        (flags, _, detailed) = NewSet();
        flags.Parse(["--detailed=false"]);
        Assert.IsFalse(detailed.Value);
        Assert.IsTrue(detailed.IsSet);
    }

    [TestMethod]
    public void Parse_BoolFlagFollowedByFalse_LeavesFalseAsAnArgumentLikeGo()
    {
        var (flags, _, detailed) = NewSet();

        var rest = flags.Parse(["-detailed", "false"]);

        Assert.IsTrue(detailed.Value);
        CollectionAssert.AreEqual(new[] { "false" }, rest.ToArray());
    }

    [TestMethod]
    public void Parse_StopsAtTheFirstPositionalArgument()
    {
        var (flags, path, _) = NewSet();

        var rest = flags.Parse(["kv", "-path=x"]);

        Assert.AreEqual("", path.Value);
        CollectionAssert.AreEqual(new[] { "kv", "-path=x" }, rest.ToArray());
    }

    [TestMethod]
    public void Parse_DoubleDash_EndsTheFlagsAndIsConsumed()
    {
        var (flags, _, _) = NewSet();

        var rest = flags.Parse(["--", "-path=x"]);

        CollectionAssert.AreEqual(new[] { "-path=x" }, rest.ToArray());
    }

    [TestMethod]
    public void Parse_LoneDash_IsAPositionalArgument()
    {
        var (flags, _, _) = NewSet();

        CollectionAssert.AreEqual(new[] { "-", "x" }, flags.Parse(["-", "x"]).ToArray());
    }

    [TestMethod]
    public void Parse_ValueFlag_TakesTheNextArgumentEvenWhenItStartsWithADash()
    {
        var (flags, path, _) = NewSet();

        flags.Parse(["-path", "-x"]);

        Assert.AreEqual("-x", path.Value);
    }

    [TestMethod]
    [DataRow("-nope", "flag provided but not defined: -nope")]
    [DataRow("--nope=1", "flag provided but not defined: -nope")]
    [DataRow("-path", "flag needs an argument: -path")]
    [DataRow("---path=x", "bad flag syntax: ---path=x")]
    [DataRow("-=x", "bad flag syntax: -=x")]
    [DataRow("-detailed=maybe", "invalid boolean value \"maybe\" for -detailed: parse error")]
    [DataRow("-ttl=soon", "invalid value \"soon\" for flag -ttl: time: invalid duration \"soon\"")]
    [DataRow("-options=novalue", "invalid value \"novalue\" for flag -options: missing = in KV pair: \"novalue\"")]
    public void Parse_BadFlag_FailsWithGosMessage(string arg, string message)
    {
        var (flags, _, _) = NewSet();

        var error = Assert.ThrowsExactly<UsageException>(() => flags.Parse([arg]));

        Assert.AreEqual(message, error.Message);
    }

    [TestMethod]
    public void Parse_Alias_SetsTheFlag()
    {
        var flags = new FlagSet();
        var force = flags.Add("Command Options", new BoolFlag("force", "Force."), "f");

        flags.Parse(["-f"]);

        Assert.IsTrue(force.Value);
    }

    [TestMethod]
    public void Parse_RepeatedListAndMapFlags_Accumulate()
    {
        var flags = new FlagSet();
        var args = flags.Add("Command Options", new StringListFlag("args", "Args."));
        var options = flags.Add("Command Options", new MapFlag("options", "Options."));

        flags.Parse(["-args=a", "-args", " b ", "-options=k=v=w", "-options", "x="]);

        CollectionAssert.AreEqual(new[] { "a", "b" }, args.Values.ToArray());
        Assert.AreEqual("v=w", options.Values["k"]);
        Assert.AreEqual("", options.Values["x"]);
    }

    [TestMethod]
    public void Parse_DurationFlag_AcceptsSecondsAndGoDurations()
    {
        var flags = new FlagSet();
        var ttl = flags.Add("Command Options", new DurationFlag("ttl", "TTL."));

        flags.Parse(["-ttl=1h30m"]);
        Assert.AreEqual(TimeSpan.FromMinutes(90), ttl.Value);

        flags.Parse(["-ttl=45"]);
        Assert.AreEqual(TimeSpan.FromSeconds(45), ttl.Value);

        flags.Parse(["-ttl=2d"]);
        Assert.AreEqual(TimeSpan.FromDays(2), ttl.Value);
    }

    [TestMethod]
    public void Help_ListsSectionsInOrderAndFlagsSortedWithWrappedUsage()
    {
        var flags = new FlagSet();
        flags.Add("Output Options", new StringFlag("format", "string", "Print the output in the given format."));
        flags.Add("Command Options", new StringFlag("path", "string", "Place where the secrets engine will be accessible. This must be unique across all secrets engines. This defaults to the \"type\" of the secrets engine."));
        flags.Add("Command Options", new BoolFlag("detailed", "Print details."));

        Assert.AreEqual(
            """
            Output Options:

              -format=<string>
                  Print the output in the given format.

            Command Options:

              -detailed
                  Print details.

              -path=<string>
                  Place where the secrets engine will be accessible. This must be unique
                  across all secrets engines. This defaults to the "type" of the secrets
                  engine.
            """,
            flags.Help());
    }

    private static (FlagSet Flags, StringFlag Path, BoolFlag Detailed) NewSet()
    {
        var flags = new FlagSet();
        var path = flags.Add("Command Options", new StringFlag("path", "string", "Path."));
        var detailed = flags.Add("Command Options", new BoolFlag("detailed", "Details."));
        flags.Add("Command Options", new DurationFlag("ttl", "TTL."));
        flags.Add("Command Options", new MapFlag("options", "Options."));
        return (flags, path, detailed);
    }
}
