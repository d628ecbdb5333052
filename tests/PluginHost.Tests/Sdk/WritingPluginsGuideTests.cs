using System.Text.Json;
using System.Text.RegularExpressions;
using PluginHost.Sdk;
using PluginHost.Storage;

namespace PluginHost.Tests.Sdk;

/// <summary>The example of docs/writing-plugins.md, run through the real protocol: if this breaks, fix the guide too.</summary>
[TestClass]
public sealed partial class WritingPluginsGuideTests
{
    [TestMethod]
    public async Task GuideExample_StoresAndReadsARole_AndRefusesABadTtl()
    {
        await using var harness = await PluginHarness.StartAsync(() => new RolesBackend());
        var backend = await harness.MountAsync(new InMemoryStorage());

        await backend.HandleRequestAsync(Write("roles/web", """{"ttl":"1h","policies":"dev, ops"}"""), CancellationToken.None);
        var read = await backend.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "roles/web" }, CancellationToken.None);
        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await backend.HandleRequestAsync(Write("roles/web", """{"ttl":"soon"}"""), CancellationToken.None));

        Assert.AreEqual(3600, read!.Data!["ttl"].GetInt64());
        Assert.AreEqual("""["dev","ops"]""", read.Data["policies"].GetRawText());
        StringAssert.StartsWith(refused.Message, "invalid value for 'ttl': \"soon\"");
        Assert.AreEqual(ErrorCode.BadRequest, refused.Code);
    }

    private static BackendRequest Write(string path, string json) => new()
    {
        Operation = Operation.Update,
        Path = path,
        Data = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json),
    };

    // ---- From docs/writing-plugins.md ----
    public sealed partial class RolesBackend : PathBackend
    {
        public RolesBackend() => Paths = new PathTable("Keeps roles: a TTL and policies per role.",
        [
            new PathRoute
            {
                Pattern = RolePattern(),
                Fields = new Dictionary<string, FieldSchema>
                {
                    ["name"] = new() { Type = FieldType.String, Description = "The role's name." },
                    ["ttl"] = new() { Type = FieldType.Duration, Description = "Lifetime of what the role issues.", Default = TimeSpan.FromHours(1) },
                    ["policies"] = new() { Type = FieldType.CommaStringSlice, Description = "Policies the role grants." },
                },
                Handlers = new Dictionary<Operation, PathHandler>
                {
                    [Operation.Read] = ReadAsync,
                    [Operation.Create] = WriteAsync,
                    [Operation.Update] = WriteAsync,
                },
                Synopsis = "Manage a role.",
            },
        ]);

        public override BackendType Type => BackendType.Secret;

        protected override PathTable Paths { get; }

        private async ValueTask<BackendResponse?> WriteAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
        {
            var role = new Dictionary<string, object?>
            {
                ["ttl"] = (long)fields.GetDuration("ttl").TotalSeconds,
                ["policies"] = fields.GetStrings("policies"),
            };
            await Storage.PutAsync(new StorageEntry("roles/" + fields.GetString("name"), JsonSerializer.SerializeToUtf8Bytes(role)), cancellationToken);
            return null;
        }

        private async ValueTask<BackendResponse?> ReadAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
        {
            var entry = await Storage.GetAsync("roles/" + fields.GetString("name"), cancellationToken);
            return entry is null ? null : new BackendResponse { Data = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(entry.Value) };
        }

        [GeneratedRegex("^roles/(?<name>[^/]+)$")]
        private static partial Regex RolePattern();
    }
}
