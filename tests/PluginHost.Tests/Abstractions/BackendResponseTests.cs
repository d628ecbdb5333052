using System.Collections.ObjectModel;
using System.Text.Json;

namespace PluginHost.Tests.Abstractions;

/// <summary><see cref="BackendResponse.WithData"/>: plain values become the JSON a client reads, whatever list type holds them.</summary>
[TestClass]
public sealed class BackendResponseTests
{
    [TestMethod]
    public void WithData_WritesPlainValuesAsJson()
    {
        IReadOnlyList<string> expression = ["a", "b"];
        var response = BackendResponse.WithData(
        [
            new("text", "bar"),
            new("number", 42L),
            new("flag", true),
            new("array", new[] { "x" }),
            new("list", new List<string> { "y", "z" }),
            new("readonly", new ReadOnlyCollection<string>(["r"])),
            new("expression", expression),
            new("map", new Dictionary<string, object> { ["nested"] = 1 }),
            new("nothing", null),
        ]);

        var data = response.Data!;
        Assert.AreEqual("bar", data["text"].GetString());
        Assert.AreEqual(42, data["number"].GetInt64());
        Assert.IsTrue(data["flag"].GetBoolean());
        Assert.AreEqual("""["x"]""", data["array"].GetRawText());
        Assert.AreEqual("""["y","z"]""", data["list"].GetRawText());
        Assert.AreEqual("""["r"]""", data["readonly"].GetRawText());
        Assert.AreEqual("""["a","b"]""", data["expression"].GetRawText());
        Assert.AreEqual("""{"nested":1}""", data["map"].GetRawText());
        Assert.AreEqual(JsonValueKind.Null, data["nothing"].ValueKind);
    }

    [TestMethod]
    public void ForList_AnswersTheKeysInTheOrderGiven()
    {
        var response = BackendResponse.ForList(new List<string> { "b", "a/" });

        CollectionAssert.AreEqual(new[] { "b", "a/" }, response.GetListKeys().ToArray());
    }
}
