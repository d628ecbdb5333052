using System.Text.RegularExpressions;
using PluginHost.Sdk;
using static PluginHost.Tests.Backends.BackendTestContext;

namespace PluginHost.Tests.Sdk;

/// <summary>Declared fields on a path: typed values, defaults, required fields, warnings for unknown ones, and help.</summary>
[TestClass]
public sealed class PathFieldsTests
{
    private static readonly Dictionary<string, FieldSchema> Schemas = new(StringComparer.Ordinal)
    {
        ["name"] = new() { Type = FieldType.String, Description = "The role's name." },
        ["label"] = new() { Type = FieldType.String, Description = "A label.", Default = "none" },
        ["count"] = new() { Type = FieldType.Int, Description = "How many." },
        ["enabled"] = new() { Type = FieldType.Bool, Description = "Whether it is on." },
        ["ttl"] = new() { Type = FieldType.Duration, Description = "How long.", Default = TimeSpan.FromMinutes(5) },
        ["tags"] = new() { Type = FieldType.CommaStringSlice, Description = "Tags." },
        ["owner"] = new() { Type = FieldType.String, Description = "Who owns it.", Required = true },
    };

    private FieldData? _seen;

    [TestMethod]
    public async Task GivenValues_AreConvertedToTheirDeclaredTypes()
    {
        await Table().HandleAsync(
            Request(Operation.Update, "roles/web", ("owner", 42), ("count", "7"), ("enabled", "true"), ("ttl", "1h30m"), ("tags", " a, b,,c ")),
            CancellationToken.None);

        Assert.AreEqual("web", _seen!.GetString("name"));
        Assert.AreEqual("42", _seen.GetString("owner"), "a number is taken as its text for a string field");
        Assert.AreEqual(7L, _seen.GetInt("count"));
        Assert.IsTrue(_seen.GetBool("enabled"));
        Assert.AreEqual(TimeSpan.FromMinutes(90), _seen.GetDuration("ttl"));
        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, _seen.GetStrings("tags").ToArray());
    }

    [TestMethod]
    public async Task AbsentFields_AnswerTheirDefault_OrTheTypesEmptyValue()
    {
        await Table().HandleAsync(Request(Operation.Read, "roles/web"), CancellationToken.None);

        Assert.AreEqual("none", _seen!.GetString("label"));
        Assert.AreEqual(TimeSpan.FromMinutes(5), _seen.GetDuration("ttl"));
        Assert.AreEqual(0L, _seen.GetInt("count"));
        Assert.IsFalse(_seen.GetBool("enabled"));
        Assert.IsEmpty(_seen.GetStrings("tags"));
        Assert.IsFalse(_seen.IsSet("label"));
        Assert.IsTrue(_seen.IsSet("name"), "a path parameter is always set");
    }

    [TestMethod]
    [DataRow("count", "\"many\"", "give a whole number")]
    [DataRow("enabled", "\"perhaps\"", "give true or false")]
    [DataRow("ttl", "\"soon\"", "\"1h\"")]
    [DataRow("tags", "{\"a\":1}", "comma-separated")]
    [DataRow("owner", "[1,2]", "give a string")]
    public async Task AValueOfTheWrongType_IsRefusedNamingTheField_BeforeTheHandlerRuns(string field, string json, string hint)
    {
        var request = Request(Operation.Update, "roles/web", ("owner", "ops")) with
        {
            Data = new Dictionary<string, System.Text.Json.JsonElement>
            {
                ["owner"] = System.Text.Json.JsonDocument.Parse("\"ops\"").RootElement,
                [field] = System.Text.Json.JsonDocument.Parse(json).RootElement,
            },
        };

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await Table().HandleAsync(request, CancellationToken.None));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.StartsWith(error.Message, $"invalid value for '{field}': {json}; ");
        StringAssert.Contains(error.Message, hint);
        Assert.IsNull(_seen, "the handler did not run");
    }

    [TestMethod]
    public async Task AWrite_WithoutARequiredField_IsRefused_AReadIsNot()
    {
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await Table().HandleAsync(Request(Operation.Create, "roles/web", ("count", 1)), CancellationToken.None));
        await Table().HandleAsync(Request(Operation.Read, "roles/web"), CancellationToken.None);

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        Assert.AreEqual("missing required field 'owner'", error.Message);
        Assert.IsNotNull(_seen);
    }

    [TestMethod]
    public async Task UnknownFields_AreIgnoredWithVaultsWarning_EvenWhenTheHandlerAnswersNothing()
    {
        var response = await Table().HandleAsync(Request(Operation.Update, "roles/web", ("owner", "ops"), ("zeta", 1), ("alpha", 2)), CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "Endpoint ignored these unrecognized parameters: [alpha zeta]" }, response!.Warnings!.ToArray());
        CollectionAssert.AreEqual(new[] { "alpha", "zeta" }, _seen!.Unrecognized.ToArray());
    }

    [TestMethod]
    public async Task ARouteWithoutDeclaredFields_PassesItsDataThroughUnchecked()
    {
        var table = new PathTable("Kv.", [Route(new Regex("^kv/(?<key>.+)$"), new Dictionary<string, FieldSchema>())]);

        var response = await table.HandleAsync(Request(Operation.Update, "kv/a", ("anything", new[] { 1 }), ("key", "data")), CancellationToken.None);

        Assert.IsNull(response, "no warning: the data is the handler's own business");
        Assert.AreEqual("a", _seen!.GetString("key"), "the path parameter, not the data field of the same name");
    }

    [TestMethod]
    public async Task Getters_RefuseProgrammingErrors()
    {
        await Table().HandleAsync(Request(Operation.Read, "roles/web"), CancellationToken.None);

        var undeclared = Assert.ThrowsExactly<InvalidOperationException>(() => _seen!.GetString("nope"));
        var wrongType = Assert.ThrowsExactly<InvalidOperationException>(() => _seen!.GetInt("label"));

        StringAssert.Contains(undeclared.Message, "'nope' is not declared");
        StringAssert.Contains(wrongType.Message, "declared as String, not Int");
    }

    [TestMethod]
    public void ADefaultOfTheWrongType_IsRefusedWhenTheTableIsBuilt()
    {
        var schemas = new Dictionary<string, FieldSchema> { ["ttl"] = new() { Type = FieldType.Duration, Description = "d", Default = 3600 } };

        var error = Assert.ThrowsExactly<ArgumentException>(() => new PathTable("x", [Route(new Regex("^x$"), schemas)]));

        StringAssert.Contains(error.Message, "the default of field 'ttl'");
        StringAssert.Contains(error.Message, "must be a TimeSpan");
    }

    [TestMethod]
    public async Task Help_ListsTheFieldsWithTheirTypes()
    {
        var help = (await Table().HandleAsync(Request(Operation.Help, "roles/web"), CancellationToken.None)).Field("help");

        StringAssert.Contains(help, "## PARAMETERS");
        StringAssert.Contains(help, "    ttl (duration (sec))" + Environment.NewLine + Environment.NewLine + "        How long.");
        StringAssert.Contains(help, "    owner (string, required)");
        Assert.IsLessThan(help!.IndexOf("    ttl (", StringComparison.Ordinal), help.IndexOf("    count (", StringComparison.Ordinal), "sorted by name");
    }

    private PathTable Table() => new("Roles.", [Route(new Regex("^roles/(?<name>[^/]+)$"), Schemas)]);

    private PathRoute Route(Regex pattern, IReadOnlyDictionary<string, FieldSchema> fields) => new()
    {
        Pattern = pattern,
        Fields = fields,
        Handlers = new Dictionary<Operation, PathHandler>
        {
            [Operation.Read] = Record,
            [Operation.Create] = Record,
            [Operation.Update] = Record,
        },
        Synopsis = "Manage roles.",
    };

    private ValueTask<BackendResponse?> Record(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        _seen = fields;
        return ValueTask.FromResult<BackendResponse?>(null);
    }
}
