using System.Text.Json;
using PluginHost.Sdk;

namespace PluginHost.Tests.Sdk;

[TestClass]
public sealed class DurationParserTests
{
    [TestMethod]
    [DataRow("3600", 3600L)]
    [DataRow("0", 0L)]
    [DataRow("\"3600\"", 3600L)]
    [DataRow("\"1h\"", 3600L)]
    [DataRow("\"30m\"", 1800L)]
    [DataRow("\"90s\"", 90L)]
    [DataRow("\"1h30m\"", 5400L)]
    [DataRow("\"1.5h\"", 5400L)]
    [DataRow("\"2d\"", 172800L)]
    [DataRow("\" 45 \"", 45L)]
    public void Parse_SecondsOrGoDuration_GivesSeconds(string json, long expected) =>
        Assert.AreEqual(expected, DurationParser.Parse("ttl", JsonDocument.Parse(json).RootElement));

    [TestMethod]
    [DataRow("\"abc\"")]
    [DataRow("\"-5\"")]
    [DataRow("-5")]
    [DataRow("\"1x\"")]
    [DataRow("\"h\"")]
    [DataRow("\"1h 30m\"")]
    [DataRow("\"\"")]
    [DataRow("true")]
    [DataRow("[1]")]
    [DataRow("\"99999999999999h\"")]
    public void Parse_BadValue_IsRefusedNamingTheField(string json)
    {
        var error = Assert.ThrowsExactly<PluginHostException>(() => DurationParser.Parse("max_ttl", JsonDocument.Parse(json).RootElement));
        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.StartsWith(error.Message, "invalid value for 'max_ttl'");
        StringAssert.Contains(error.Message, "\"1h\"");
    }
}
