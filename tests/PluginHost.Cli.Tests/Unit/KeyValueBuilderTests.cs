using System.Text.Json;
using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Tests.Unit;

[TestClass]
public sealed class KeyValueBuilderTests
{
    private string _directory = "";

    [TestInitialize]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("plugin-host-kv-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [TestMethod]
    public void Add_KeyValuePairs_AreStringsAndSplitOnTheFirstEquals()
    {
        Assert.AreEqual("""{"a":"1","b":"x=y","c":""}""", Build("a=1", "b=x=y", "c="));
    }

    [TestMethod]
    public void Add_RepeatedKey_BecomesAList()
    {
        Assert.AreEqual("""{"k":["a","b","c"]}""", Build("k=a", "k=b", "k=c"));
    }

    [TestMethod]
    public void Add_AtFile_ReadsTheFileAsTheValue()
    {
        File.WriteAllText(Path.Join(_directory, "value.txt"), "from a file\n");

        Assert.AreEqual("""{"v":"from a file\n"}""", Build("v=@value.txt"));
    }

    [TestMethod]
    public void Add_EscapedAt_IsALiteralAt()
    {
        Assert.AreEqual("""{"v":"@home"}""", Build("v=\\@home"));
    }

    [TestMethod]
    public void Add_DashValue_ReadsAllOfStdin()
    {
        Assert.AreEqual("""{"v":"piped\n"}""", BuildWithStdin("piped\n", "v=-"));
    }

    [TestMethod]
    public void Add_LoneDash_MergesAJsonObjectFromStdin()
    {
        Assert.AreEqual("""{"a":"1","n":2,"x":{"y":true}}""", BuildWithStdin("""{"n": 2, "x": {"y": true}}""", "a=1", "-"));
    }

    [TestMethod]
    public void Add_LoneAtFile_MergesAJsonObjectFromTheFile()
    {
        File.WriteAllText(Path.Join(_directory, "data.json"), """{"value":"bar"}""");

        Assert.AreEqual("""{"value":"bar"}""", Build("@data.json"));
    }

    [TestMethod]
    [DataRow("baz", "invalid key/value pair \"baz\": format must be key=value")]
    [DataRow("v=@missing.txt", "invalid key/value pair \"v=@missing.txt\": error reading file: open {dir}/missing.txt: no such file or directory")]
    [DataRow("@missing.json", "invalid key/value pair \"@missing.json\": open {dir}/missing.json: no such file or directory")]
    public void Add_Malformed_FailsNamingThePair(string arg, string message)
    {
        var error = Assert.ThrowsExactly<UsageException>(() => Build(arg));

        Assert.AreEqual(message.Replace("{dir}", _directory, StringComparison.Ordinal), error.Message);
    }

    [TestMethod]
    public void Add_StdinTwice_FailsAsConsumed()
    {
        var error = Assert.ThrowsExactly<UsageException>(() => BuildWithStdin("{}", "-", "v=-"));

        Assert.AreEqual("invalid key/value pair \"v=-\": stdin already consumed", error.Message);
    }

    [TestMethod]
    public void Add_StdinThatIsNotAnObject_FailsClearly()
    {
        var error = Assert.ThrowsExactly<UsageException>(() => BuildWithStdin("[1]", "-"));

        Assert.AreEqual("invalid key/value pair \"-\": the JSON is a array; give a JSON object", error.Message);
    }

    [TestMethod]
    public void ToQuery_OneValueStaysAString()
    {
        var query = new KeyValueBuilder(() => new StringReader(""), _directory).Add(["version=v1", "k=a", "k=b"]).ToQuery();

        Assert.AreEqual("""{"version":"v1","k":["a","b"]}""", JsonSerializer.Serialize(query));
    }

    private string Build(params string[] args) => BuildWithStdin("", args);

    private string BuildWithStdin(string stdin, params string[] args)
    {
        var data = new KeyValueBuilder(() => new StringReader(stdin), _directory).Add(args).ToData();
        return JsonSerializer.Serialize(new SortedDictionary<string, JsonElement>(data, StringComparer.Ordinal));
    }
}
