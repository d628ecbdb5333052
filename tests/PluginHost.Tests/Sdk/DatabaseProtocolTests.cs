using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Nerdbank.Streams;
using PluginHost.Backends;
using PluginHost.Database;
using PluginHost.Protocol;
using PluginHost.Sdk;
using PluginHost.Sdk.Protocol;
using PluginHost.Storage;
using PluginHost.Tests.Protocol;

namespace PluginHost.Tests.Sdk;

/// <summary>
/// The <c>database.*</c> methods (docs/protocol.md, "Database plugins") through the SDK's two ends, and against raw
/// JSON-RPC in both directions: the page's JSON is what the host sends and what the SDK's plugin end accepts.
/// </summary>
[TestClass]
public sealed partial class DatabaseProtocolTests
{
    private const string Id = "0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9";
    private const string OtherId = "5b0e7d2c6a914f38b1c2d3e4f5a691c4";
    private const string PageUsername = "v-token-readonly-8sXw2LqT0pZr5NcB7yKd-1796313600";
    private static readonly DateTimeOffset Expiration = new(2026, 12, 3, 17, 0, 0, TimeSpan.Zero);

    /// <summary>An in-memory database that records every call it gets, in order.</summary>
    private sealed class RecordingDatabase : IDatabase
    {
        private readonly ConcurrentQueue<object> _calls = new();
        private int _closes;

        public IReadOnlyList<object> Calls => [.. _calls];

        public int Closes => Volatile.Read(ref _closes);

        public Exception? InitializeFailure { get; init; }

        public Func<NewUserRequest, Task>? OnNewUser { get; init; }

        /// <summary>Answer initialize with the config as sent and newUser with <see cref="PageUsername"/>: the page's plugin.</summary>
        public bool AsOnThePage { get; init; }

        public string TypeName { get; init; } = "fakedb";

        public ValueTask<InitializeResponse> InitializeAsync(InitializeRequest request, CancellationToken cancellationToken)
        {
            _calls.Enqueue(request);
            if (InitializeFailure is { } failure)
            {
                throw failure;
            }

            if (AsOnThePage)
            {
                return ValueTask.FromResult(new InitializeResponse { Config = request.Config });
            }

            // Normalised, as a plugin may: the host stores what comes back.
            var config = request.Config.ToDictionary(p => p.Key, p => p.Value);
            config["normalised"] = JsonSerializer.SerializeToElement(true);
            return ValueTask.FromResult(new InitializeResponse { Config = config });
        }

        public async ValueTask<NewUserResponse> NewUserAsync(NewUserRequest request, CancellationToken cancellationToken)
        {
            _calls.Enqueue(request);
            if (OnNewUser is { } hook)
            {
                await hook(request);
            }

            return new NewUserResponse { Username = AsOnThePage ? PageUsername : $"v-{request.UsernameConfig.DisplayName}-{request.UsernameConfig.RoleName}" };
        }

        public ValueTask UpdateUserAsync(UpdateUserRequest request, CancellationToken cancellationToken)
        {
            _calls.Enqueue(request);
            return ValueTask.CompletedTask;
        }

        public ValueTask DeleteUserAsync(DeleteUserRequest request, CancellationToken cancellationToken)
        {
            _calls.Enqueue(request);
            return ValueTask.CompletedTask;
        }

        public ValueTask<string> TypeAsync(CancellationToken cancellationToken)
        {
            _calls.Enqueue("type");
            return ValueTask.FromResult(TypeName);
        }

        public ValueTask CloseAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _closes);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Creates <see cref="RecordingDatabase"/>s and keeps them, in creation order.</summary>
    private sealed class Factory(Func<RecordingDatabase>? create = null)
    {
        private readonly ConcurrentQueue<RecordingDatabase> _created = new();

        public IReadOnlyList<RecordingDatabase> Created => [.. _created];

        public RecordingDatabase Create()
        {
            var database = create?.Invoke() ?? new RecordingDatabase();
            _created.Enqueue(database);
            return database;
        }
    }

    private static InitializeRequest Config(string url) => new()
    {
        Config = new Dictionary<string, JsonElement>
        {
            ["connection_url"] = JsonSerializer.SerializeToElement(url),
            ["max_open_connections"] = JsonSerializer.SerializeToElement(4),
        },
        VerifyConnection = true,
    };

    private static DatabaseStatements Statements(params string[] commands) => new() { Commands = commands };

    private static NewUserRequest NewUser(string role = "readonly") => new()
    {
        UsernameConfig = new UsernameMetadata { DisplayName = "token", RoleName = role },
        Password = "A1a-p4ssw0rd",
        Expiration = Expiration,
    };

    private static async Task<(PluginHarness Harness, Factory Factory, IDatabase Database)> StartInitializedAsync()
    {
        var factory = new Factory();
        var harness = await PluginHarness.StartDatabaseAsync(factory.Create);
        var database = harness.Client.CreateDatabase(Id, "harness");
        await database.InitializeAsync(Config("postgres://db:5432/app"), CancellationToken.None);
        return (harness, factory, database);
    }

    [TestMethod]
    public async Task Initialize_RoundTripsTheConfigAndVerifyConnection_AndAnswersTheConfigToStore()
    {
        var factory = new Factory();
        await using var harness = await PluginHarness.StartDatabaseAsync(factory.Create);
        var database = harness.OpenDatabase();
        var request = new InitializeRequest
        {
            Config = new Dictionary<string, JsonElement>
            {
                ["connection_url"] = JsonSerializer.SerializeToElement("postgresql://{{username}}:{{password}}@db:5432/app"),
                ["username"] = JsonSerializer.SerializeToElement("vault"),
                ["max_open_connections"] = JsonSerializer.SerializeToElement(4),
                ["options"] = JsonSerializer.SerializeToElement(new { sslmode = "require", hosts = new[] { "a", "b" } }),
            },
            VerifyConnection = true,
        };

        var response = await database.InitializeAsync(request, CancellationToken.None);

        var seen = (InitializeRequest)factory.Created.Single().Calls.Single();
        Assert.IsTrue(seen.VerifyConnection);
        Assert.AreEqual("postgresql://{{username}}:{{password}}@db:5432/app", seen.Config["connection_url"].GetString());
        Assert.AreEqual("vault", seen.Config["username"].GetString());
        Assert.AreEqual(4, seen.Config["max_open_connections"].GetInt32());
        Assert.AreEqual("""{"sslmode":"require","hosts":["a","b"]}""", seen.Config["options"].GetRawText());
        Assert.AreEqual(5, response.Config.Count);
        Assert.IsTrue(response.Config["normalised"].GetBoolean());
        Assert.AreEqual("vault", response.Config["username"].GetString());
    }

    [TestMethod]
    public void Timestamps_AreWrittenWithAnOffset_AndAFractionOnlyWhenThereIsOne()
    {
        string Written(DateTimeOffset at) =>
            JsonSerializer.Serialize(new ExpirationChange { NewExpiration = at }, ProtocolJsonContext.Default.ExpirationChange);

        Assert.AreEqual("""{"new_expiration":"2026-12-03T17:00:00+00:00","statements":{"commands":[]}}""", Written(Expiration));
        Assert.AreEqual("""{"new_expiration":"2026-12-03T17:00:00.25+00:00","statements":{"commands":[]}}""", Written(Expiration.AddMilliseconds(250)));
        Assert.AreEqual("""{"new_expiration":"2026-12-03T17:00:00.0000001+00:00","statements":{"commands":[]}}""", Written(Expiration.AddTicks(1)));
    }

    [TestMethod]
    public async Task Initialize_WithoutVerifyConnection_ArrivesAsFalse()
    {
        var factory = new Factory();
        await using var harness = await PluginHarness.StartDatabaseAsync(factory.Create);

        await harness.OpenDatabase().InitializeAsync(new InitializeRequest(), CancellationToken.None);

        var seen = (InitializeRequest)factory.Created.Single().Calls.Single();
        Assert.IsFalse(seen.VerifyConnection);
        Assert.AreEqual(0, seen.Config.Count);
    }

    [TestMethod]
    public async Task NewUser_RoundTripsEveryField_AndTheExpirationInstant()
    {
        var (harness, factory, database) = await StartInitializedAsync();
        await using var _ = harness;
        var expiration = new DateTimeOffset(2026, 12, 3, 18, 30, 15, 250, TimeSpan.FromHours(1.5));
        var request = new NewUserRequest
        {
            UsernameConfig = new UsernameMetadata { DisplayName = "userpass-alice", RoleName = "readonly" },
            Password = "A1a-\"quoted\";'p4ss'",
            Expiration = expiration,
            Statements = Statements("CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{{name}}\";"),
            RollbackStatements = Statements("DROP ROLE IF EXISTS \"{{name}}\";"),
        };

        var response = await database.NewUserAsync(request, CancellationToken.None);

        var seen = (NewUserRequest)factory.Created.Single().Calls[1];
        Assert.AreEqual("v-userpass-alice-readonly", response.Username);
        Assert.AreEqual(request.UsernameConfig, seen.UsernameConfig);
        Assert.AreEqual(request.Password, seen.Password);
        Assert.AreEqual(expiration, seen.Expiration, "the same instant");
        Assert.AreEqual(expiration.UtcDateTime, seen.Expiration.UtcDateTime);
        CollectionAssert.AreEqual(request.Statements.Commands.ToArray(), seen.Statements.Commands.ToArray());
        CollectionAssert.AreEqual(request.RollbackStatements.Commands.ToArray(), seen.RollbackStatements.Commands.ToArray());
    }

    [TestMethod]
    public async Task NewUser_WithoutStatements_ArrivesWithEmptyLists_ThePluginsDefault()
    {
        var (harness, factory, database) = await StartInitializedAsync();
        await using var _ = harness;

        await database.NewUserAsync(NewUser(), CancellationToken.None);

        var seen = (NewUserRequest)factory.Created.Single().Calls[1];
        Assert.AreEqual(0, seen.Statements.Commands.Count);
        Assert.AreEqual(0, seen.RollbackStatements.Commands.Count);
    }

    [TestMethod]
    public async Task UpdateUser_RoundTripsPasswordAndExpiration_WithTheirStatements()
    {
        var (harness, factory, database) = await StartInitializedAsync();
        await using var _ = harness;
        var both = new UpdateUserRequest
        {
            Username = "v-token-readonly-x",
            Password = new PasswordChange { NewPassword = "n3w-Pass", Statements = Statements("ALTER ROLE \"{{name}}\" WITH PASSWORD '{{password}}';") },
            Expiration = new ExpirationChange { NewExpiration = Expiration.AddHours(1), Statements = Statements("ALTER ROLE \"{{name}}\" VALID UNTIL '{{expiration}}';") },
        };

        await database.UpdateUserAsync(both, CancellationToken.None);
        await database.UpdateUserAsync(new UpdateUserRequest { Username = "a", Password = new PasswordChange { NewPassword = "p" } }, CancellationToken.None);
        await database.UpdateUserAsync(new UpdateUserRequest { Username = "b", Expiration = new ExpirationChange { NewExpiration = Expiration } }, CancellationToken.None);

        var calls = factory.Created.Single().Calls;
        var seen = (UpdateUserRequest)calls[1];
        Assert.AreEqual("v-token-readonly-x", seen.Username);
        Assert.AreEqual("n3w-Pass", seen.Password!.NewPassword);
        CollectionAssert.AreEqual(both.Password.Statements.Commands.ToArray(), seen.Password.Statements.Commands.ToArray());
        Assert.AreEqual(Expiration.AddHours(1), seen.Expiration!.NewExpiration);
        CollectionAssert.AreEqual(both.Expiration.Statements.Commands.ToArray(), seen.Expiration.Statements.Commands.ToArray());
        var passwordOnly = (UpdateUserRequest)calls[2];
        Assert.AreEqual("p", passwordOnly.Password!.NewPassword);
        Assert.AreEqual(0, passwordOnly.Password.Statements.Commands.Count);
        Assert.IsNull(passwordOnly.Expiration);
        var expirationOnly = (UpdateUserRequest)calls[3];
        Assert.IsNull(expirationOnly.Password);
        Assert.AreEqual(Expiration, expirationOnly.Expiration!.NewExpiration);
    }

    [TestMethod]
    public async Task DeleteUserTypeAndClose_RoundTrip_AndCloseEndsTheInstance()
    {
        var (harness, factory, database) = await StartInitializedAsync();
        await using var _ = harness;

        await database.DeleteUserAsync(new DeleteUserRequest { Username = "v-token-readonly-x", Statements = Statements("REVOKE ALL ON DATABASE app FROM \"{{name}}\"; DROP ROLE IF EXISTS \"{{name}}\";") }, CancellationToken.None);
        var type = await database.TypeAsync(CancellationToken.None);
        await database.CloseAsync(CancellationToken.None);

        var instance = factory.Created.Single();
        var deleted = (DeleteUserRequest)instance.Calls[1];
        Assert.AreEqual("v-token-readonly-x", deleted.Username);
        CollectionAssert.AreEqual(new[] { "REVOKE ALL ON DATABASE app FROM \"{{name}}\"; DROP ROLE IF EXISTS \"{{name}}\";" }, deleted.Statements.Commands.ToArray());
        Assert.AreEqual("fakedb", type);
        Assert.AreEqual("type", instance.Calls[2]);
        Assert.AreEqual(1, instance.Closes);
        var after = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await database.TypeAsync(CancellationToken.None));
        Assert.AreEqual(ErrorCode.NotFound, after.Code);
    }

    [TestMethod]
    public async Task TwoInstances_AreRoutedSeparately_AndClosingOneLeavesTheOther()
    {
        var factory = new Factory();
        await using var harness = await PluginHarness.StartDatabaseAsync(factory.Create);
        var a = harness.Client.CreateDatabase(Id, "harness");
        var b = harness.Client.CreateDatabase(OtherId, "harness");
        await a.InitializeAsync(Config("postgres://a/app"), CancellationToken.None);
        await b.InitializeAsync(Config("postgres://b/app"), CancellationToken.None);

        await a.NewUserAsync(NewUser("role-a"), CancellationToken.None);
        await b.NewUserAsync(NewUser("role-b"), CancellationToken.None);
        await b.DeleteUserAsync(new DeleteUserRequest { Username = "only-b" }, CancellationToken.None);
        await a.CloseAsync(CancellationToken.None);
        await b.NewUserAsync(NewUser("role-b2"), CancellationToken.None);

        var (instanceA, instanceB) = (factory.Created[0], factory.Created[1]);
        Assert.AreEqual("postgres://a/app", ((InitializeRequest)instanceA.Calls[0]).Config["connection_url"].GetString());
        Assert.AreEqual("postgres://b/app", ((InitializeRequest)instanceB.Calls[0]).Config["connection_url"].GetString());
        CollectionAssert.AreEqual(new[] { "role-a" }, instanceA.Calls.OfType<NewUserRequest>().Select(r => r.UsernameConfig.RoleName).ToArray());
        CollectionAssert.AreEqual(new[] { "role-b", "role-b2" }, instanceB.Calls.OfType<NewUserRequest>().Select(r => r.UsernameConfig.RoleName).ToArray());
        Assert.AreEqual("only-b", instanceB.Calls.OfType<DeleteUserRequest>().Single().Username);
        Assert.AreEqual(1, instanceA.Closes);
        Assert.AreEqual(0, instanceB.Closes);
    }

    [TestMethod]
    public async Task CallsOnOneInstance_RunConcurrently()
    {
        var bothIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = 0;
        var factory = new Factory(() => new RecordingDatabase
        {
            OnNewUser = async _ =>
            {
                // Each call waits for the other: they complete only if the plugin runs them at once.
                if (Interlocked.Increment(ref entered) == 2)
                {
                    bothIn.SetResult();
                }

                await bothIn.Task.WaitAsync(TimeSpan.FromSeconds(30));
            },
        });
        await using var harness = await PluginHarness.StartDatabaseAsync(factory.Create);
        var database = harness.OpenDatabase();
        await database.InitializeAsync(new InitializeRequest(), CancellationToken.None);

        var users = await Task.WhenAll(
            database.NewUserAsync(NewUser("one"), CancellationToken.None).AsTask(),
            database.NewUserAsync(NewUser("two"), CancellationToken.None).AsTask());

        CollectionAssert.AreEquivalent(new[] { "v-token-one", "v-token-two" }, users.Select(u => u.Username).ToArray());
    }

    [TestMethod]
    public async Task CallBeforeInitialize_IsNotFound_SayingInitializeComesFirst()
    {
        await using var harness = await PluginHarness.StartDatabaseAsync(new Factory().Create);
        var database = harness.Client.CreateDatabase(Id, "harness");

        var newUser = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await database.NewUserAsync(NewUser(), CancellationToken.None));
        var type = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await database.TypeAsync(CancellationToken.None));
        var update = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await database.UpdateUserAsync(new UpdateUserRequest { Username = "u", Password = new PasswordChange { NewPassword = "p" } }, CancellationToken.None));
        var delete = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await database.DeleteUserAsync(new DeleteUserRequest { Username = "u" }, CancellationToken.None));

        foreach (var error in new[] { newUser, type, update, delete })
        {
            Assert.AreEqual(ErrorCode.NotFound, error.Code);
            Assert.AreEqual($"no database instance '{Id}' in this plugin; the host must call database.initialize first", error.Message);
        }
    }

    [TestMethod]
    public async Task InitializeTwice_IsABadRequest_AndTheFirstInstanceKeepsServing()
    {
        var (harness, factory, database) = await StartInitializedAsync();
        await using var _ = harness;

        var twice = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await database.InitializeAsync(Config("postgres://other/app"), CancellationToken.None));

        Assert.AreEqual(ErrorCode.BadRequest, twice.Code);
        Assert.AreEqual($"database instance '{Id}' is already initialized; the host closes an instance and initializes a new one to change its configuration", twice.Message);
        Assert.AreEqual(1, factory.Created.Count, "no second instance was made for the refused initialize");
        Assert.AreEqual(0, factory.Created[0].Closes);
        Assert.AreEqual("fakedb", await database.TypeAsync(CancellationToken.None));
    }

    [TestMethod]
    public async Task ACallWithoutItsRequest_IsABadRequestNamingTheMethod()
    {
        var (harness, _, _) = await StartInitializedAsync();
        await using var __ = harness;

        // On an initialized instance and on an unknown one alike: the params are checked first.
        foreach (var id in new[] { Id, OtherId })
        {
            foreach (var method in new[] { ProtocolMethods.DatabaseInitialize, ProtocolMethods.DatabaseNewUser, ProtocolMethods.DatabaseUpdateUser, ProtocolMethods.DatabaseDeleteUser })
            {
                var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => ProtocolChannel.InvokeAsync<object?>(
                    harness.Client.Rpc, method, new DatabaseCallParams<DatabaseInstance> { InstanceId = id }, "plugin", "lost", CancellationToken.None));

                Assert.AreEqual(ErrorCode.BadRequest, error.Code, $"{method} on {id}");
                Assert.AreEqual($"{method} needs a 'request' object", error.Message);
            }
        }
    }

    [TestMethod]
    public async Task ACallWithoutAnInstanceId_IsABadRequestNamingTheField()
    {
        await using var harness = await PluginHarness.StartDatabaseAsync(new Factory().Create);

        foreach (var method in new[] { ProtocolMethods.DatabaseInitialize, ProtocolMethods.DatabaseType, ProtocolMethods.DatabaseClose })
        {
            var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => ProtocolChannel.InvokeAsync<object?>(
                harness.Client.Rpc, method, new DatabaseCallParams<InitializeRequest> { Request = new InitializeRequest() }, "plugin", "lost", CancellationToken.None));

            Assert.AreEqual(ErrorCode.BadRequest, error.Code, method);
            Assert.AreEqual("database calls need an 'instance_id': the one given in the connection's database.initialize", error.Message);
        }
    }

    [TestMethod]
    public async Task UpdateWithNeitherPasswordNorExpiration_IsABadRequest_AndNeverReachesThePlugin()
    {
        var (harness, factory, database) = await StartInitializedAsync();
        await using var _ = harness;

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await database.UpdateUserAsync(new UpdateUserRequest { Username = "u" }, CancellationToken.None));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        Assert.AreEqual("database.updateUser needs a 'password' or an 'expiration' change", error.Message);
        Assert.AreEqual(1, factory.Created.Single().Calls.Count, "only the initialize");
    }

    [TestMethod]
    public async Task InitializeFailure_KeepsItsCodeAndMessage_RemovesTheInstanceAndClosesIt()
    {
        var fail = true;
        var factory = new Factory(() => new RecordingDatabase
        {
            InitializeFailure = fail ? new PluginHostException(ErrorCode.BadRequest, "error verifying connection: dial tcp db:5432: connection refused") : null,
        });
        await using var harness = await PluginHarness.StartDatabaseAsync(factory.Create);
        var database = harness.Client.CreateDatabase(Id, "harness");

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await database.InitializeAsync(Config("postgres://db/app"), CancellationToken.None));
        var afterwards = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await database.TypeAsync(CancellationToken.None));
        fail = false;
        await database.InitializeAsync(Config("postgres://db/app"), CancellationToken.None);

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        Assert.AreEqual("error verifying connection: dial tcp db:5432: connection refused", error.Message);
        Assert.AreEqual(1, factory.Created[0].Closes, "the failed instance was closed");
        Assert.AreEqual(ErrorCode.NotFound, afterwards.Code, "and forgotten");
        Assert.AreEqual(2, factory.Created.Count, "the same id can be initialized again");
        Assert.AreEqual("fakedb", await database.TypeAsync(CancellationToken.None));
    }

    [TestMethod]
    public async Task InitializeFailingWithAnyOtherException_IsAnInternalErrorQuotingIt()
    {
        var factory = new Factory(() => new RecordingDatabase { InitializeFailure = new InvalidOperationException("boom") });
        await using var harness = await PluginHarness.StartDatabaseAsync(factory.Create);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await harness.OpenDatabase().InitializeAsync(new InitializeRequest(), CancellationToken.None));

        Assert.AreEqual(ErrorCode.Internal, error.Code);
        Assert.AreEqual("internal error in plugin: boom", error.Message);
        Assert.AreEqual(1, factory.Created.Single().Closes);
    }

    [TestMethod]
    public async Task CloseOfAnUnknownInstance_Succeeds()
    {
        var factory = new Factory();
        await using var harness = await PluginHarness.StartDatabaseAsync(factory.Create);
        var database = harness.Client.CreateDatabase(Id, "harness");

        await database.CloseAsync(CancellationToken.None);
        await ProtocolChannel.InvokeAsync<object?>(
            harness.Client.Rpc, ProtocolMethods.DatabaseClose, new DatabaseCallParams<DatabaseInstance> { InstanceId = OtherId }, "plugin", "lost", CancellationToken.None);

        Assert.AreEqual(0, factory.Created.Count);
    }

    [TestMethod]
    public async Task TheHostDisconnecting_ClosesEveryOpenInstanceOnce()
    {
        var factory = new Factory();
        var harness = await PluginHarness.StartDatabaseAsync(factory.Create);
        var a = harness.OpenDatabase();
        var b = harness.OpenDatabase();
        var c = harness.OpenDatabase();
        await a.InitializeAsync(new InitializeRequest(), CancellationToken.None);
        await b.InitializeAsync(new InitializeRequest(), CancellationToken.None);
        await c.InitializeAsync(new InitializeRequest(), CancellationToken.None);
        await b.CloseAsync(CancellationToken.None);

        // Disposing the harness ends the connection and waits for the plugin's server to return.
        await harness.DisposeAsync();

        CollectionAssert.AreEqual(new[] { 1, 1, 1 }, factory.Created.Select(d => d.Closes).ToArray());
    }

    [TestMethod]
    public async Task TheConnectionDropping_WithoutShutdown_ClosesEveryOpenInstance()
    {
        var factory = new Factory();
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        var client = PluginClient.Start(hostEnd, "t");
        var server = Task.Run(() => PluginServer.ServeDatabaseAsync(pluginEnd, factory.Create, "t"));
        await client.Hello;
        await client.CreateDatabase(Id, "p").InitializeAsync(new InitializeRequest(), CancellationToken.None);

        await client.DisposeAsync();
        await hostEnd.DisposeAsync();
        await server.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.AreEqual(1, factory.Created.Single().Closes);
    }

    [TestMethod]
    public async Task ABackendPlugin_AskedToInitializeADatabase_IsNotADatabasePlugin()
    {
        await using var harness = await PluginHarness.StartAsync(() => new KvBackend());
        var database = harness.Client.CreateDatabase(Id, "my-kv");

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await database.InitializeAsync(new InitializeRequest(), CancellationToken.None));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        Assert.AreEqual(
            "plugin 'my-kv' is not a database plugin: it does not serve database.initialize (a database plugin runs PluginServer.RunDatabaseAsync); register it under the type it is",
            error.Message);
    }

    [TestMethod]
    public async Task ADatabasePlugin_MountedAsABackend_IsNotASecretsEngine()
    {
        await using var harness = await PluginHarness.StartDatabaseAsync(() => new RecordingDatabase());

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await harness.MountAsync(new InMemoryStorage()));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        Assert.AreEqual(
            "plugin 'harness' is not a secrets engine or auth method: it does not serve backend.setup (a database plugin, run by PluginServer.RunDatabaseAsync, is registered with type database and used through the database secrets engine); register it under the type it is",
            error.Message);
    }

    // The host's end, read as raw bytes: every field of every method, as exact text (quotes escaped as \u0022 and \u0027).
    [TestMethod]
    public async Task TheHost_SendsEveryFieldOfEveryMethod_AsExactText()
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        await using var client = PluginClient.Start(hostEnd, "t");
        await Wire.WriteMessageAsync(pluginEnd, Wire.Hello("t"));
        using (await Wire.ReadMessageAsync(pluginEnd))
        {
        }

        var database = client.CreateDatabase(Id, "my-postgres");
        var init = await ExchangeAsync(
            pluginEnd,
            database.InitializeAsync(
                new InitializeRequest
                {
                    Config = new Dictionary<string, JsonElement>
                    {
                        ["connection_url"] = JsonSerializer.SerializeToElement("postgresql://{{username}}:{{password}}@db:5432/app"),
                        ["username"] = JsonSerializer.SerializeToElement("vault"),
                        ["password"] = JsonSerializer.SerializeToElement("vault-root-pw"),
                    },
                    VerifyConnection = true,
                },
                CancellationToken.None).AsTask(),
            ProtocolMethods.DatabaseInitialize,
            """{"instance_id":"0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9","request":{"config":{"connection_url":"postgresql://{{username}}:{{password}}@db:5432/app","username":"vault","password":"vault-root-pw"},"verify_connection":true}}""",
            """{"config":{"connection_url":"postgresql://{{username}}:{{password}}@db:5432/app","username":"vault","password":"vault-root-pw"}}""");
        var user = await ExchangeAsync(
            pluginEnd,
            database.NewUserAsync(
                new NewUserRequest
                {
                    UsernameConfig = new UsernameMetadata { DisplayName = "token", RoleName = "readonly" },
                    Password = "Zq8-hR2mW4xLp7TbN1cV",
                    Expiration = Expiration,
                    Statements = Statements("CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{{name}}\";"),
                    RollbackStatements = Statements("DROP ROLE IF EXISTS \"{{name}}\";"),
                },
                CancellationToken.None).AsTask(),
            ProtocolMethods.DatabaseNewUser,
            """{"instance_id":"0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9","request":{"username_config":{"display_name":"token","role_name":"readonly"},"password":"Zq8-hR2mW4xLp7TbN1cV","expiration":"2026-12-03T17:00:00+00:00","statements":{"commands":["CREATE ROLE \u0022{{name}}\u0022 WITH LOGIN PASSWORD \u0027{{password}}\u0027 VALID UNTIL \u0027{{expiration}}\u0027; GRANT SELECT ON ALL TABLES IN SCHEMA public TO \u0022{{name}}\u0022;"]},"rollback_statements":{"commands":["DROP ROLE IF EXISTS \u0022{{name}}\u0022;"]}}}""",
            """{"username":"v-token-readonly-8sXw2LqT0pZr5NcB7yKd-1796313600"}""");
        await ExchangeAsync(
            pluginEnd,
            database.UpdateUserAsync(
                new UpdateUserRequest { Username = "v-token-readonly-8sXw2LqT0pZr5NcB7yKd-1796313600", Expiration = new ExpirationChange { NewExpiration = Expiration.AddHours(1) } },
                CancellationToken.None).AsTask(),
            ProtocolMethods.DatabaseUpdateUser,
            """{"instance_id":"0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9","request":{"username":"v-token-readonly-8sXw2LqT0pZr5NcB7yKd-1796313600","expiration":{"new_expiration":"2026-12-03T18:00:00+00:00","statements":{"commands":[]}}}}""",
            "null");
        await ExchangeAsync(
            pluginEnd,
            database.UpdateUserAsync(
                new UpdateUserRequest { Username = "vault", Password = new PasswordChange { NewPassword = "n3w-r00t-pw" } },
                CancellationToken.None).AsTask(),
            ProtocolMethods.DatabaseUpdateUser,
            """{"instance_id":"0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9","request":{"username":"vault","password":{"new_password":"n3w-r00t-pw","statements":{"commands":[]}}}}""",
            "null");
        await ExchangeAsync(
            pluginEnd,
            database.DeleteUserAsync(new DeleteUserRequest { Username = "v-token-readonly-8sXw2LqT0pZr5NcB7yKd-1796313600" }, CancellationToken.None).AsTask(),
            ProtocolMethods.DatabaseDeleteUser,
            """{"instance_id":"0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9","request":{"username":"v-token-readonly-8sXw2LqT0pZr5NcB7yKd-1796313600","statements":{"commands":[]}}}""",
            "null");
        var type = await ExchangeAsync(
            pluginEnd,
            database.TypeAsync(CancellationToken.None).AsTask(),
            ProtocolMethods.DatabaseType,
            """{"instance_id":"0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9"}""",
            """{"type":"postgresql"}""");
        await ExchangeAsync(
            pluginEnd,
            database.CloseAsync(CancellationToken.None).AsTask(),
            ProtocolMethods.DatabaseClose,
            """{"instance_id":"0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9"}""",
            "null");

        Assert.AreEqual("vault", init.Config["username"].GetString());
        Assert.AreEqual("v-token-readonly-8sXw2LqT0pZr5NcB7yKd-1796313600", user.Username);
        Assert.AreEqual("postgresql", type);
    }

    [TestMethod]
    public async Task ThePluginsAnswers_WithoutAConfigKeepTheOneSent_AndWithoutAUsernameOrTypeAreInternalErrors()
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        await using var client = PluginClient.Start(hostEnd, "t");
        await Wire.WriteMessageAsync(pluginEnd, Wire.Hello("t"));
        using (await Wire.ReadMessageAsync(pluginEnd))
        {
        }

        var database = client.CreateDatabase(Id, "my-postgres");
        var sent = Config("postgres://db/app");
        var initialized = await AnswerAsync(pluginEnd, database.InitializeAsync(sent, CancellationToken.None).AsTask(), "null");
        var initializedEmpty = await AnswerAsync(pluginEnd, database.InitializeAsync(sent, CancellationToken.None).AsTask(), "{}");
        var missing = await Assert.ThrowsExactlyAsync<PluginHostException>(() => AnswerAsync(pluginEnd, database.NewUserAsync(NewUser(), CancellationToken.None).AsTask(), "{}"));
        var none = await Assert.ThrowsExactlyAsync<PluginHostException>(() => AnswerAsync(pluginEnd, database.NewUserAsync(NewUser(), CancellationToken.None).AsTask(), "null"));
        var type = await Assert.ThrowsExactlyAsync<PluginHostException>(() => AnswerAsync(pluginEnd, database.TypeAsync(CancellationToken.None).AsTask(), "null"));

        Assert.AreSame(sent.Config, initialized.Config);
        Assert.AreSame(sent.Config, initializedEmpty.Config);
        Assert.AreEqual(ErrorCode.Internal, missing.Code);
        StringAssert.StartsWith(missing.Message, "plugin 'my-postgres' answered database.newUser with a result the host cannot use: ", StringComparison.Ordinal);
        StringAssert.Contains(missing.Message, "'username'");
        Assert.AreEqual("plugin 'my-postgres' answered database.newUser with a result the host cannot use: it has no 'username'", none.Message);
        Assert.AreEqual(ErrorCode.Internal, type.Code);
        Assert.AreEqual("plugin 'my-postgres' answered database.type with a result the host cannot use: it has no 'type'", type.Message);
    }

    // The plugin's end, sent raw bytes as a host in any language would write them: absent fields, Z, and the errors' JSON.
    [TestMethod]
    public async Task ThePluginEnd_FromRawJson_ReadsAbsentFieldsAsDefaults_AndAnswersTheDocumentedErrors()
    {
        var factory = new Factory();
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        var server = Task.Run(() => PluginServer.ServeDatabaseAsync(pluginEnd, factory.Create, "t"));
        using (var hello = await Wire.ReadMessageAsync(hostEnd))
        {
            Assert.AreEqual(ProtocolMethods.Hello, hello.RootElement.GetProperty("method").GetString());
            await Wire.WriteMessageAsync(hostEnd, $$$"""{"jsonrpc":"2.0","id":{{{hello.RootElement.GetProperty("id").GetRawText()}}},"result":{"protocol_version":1,"host":"PluginHost"}}""");
        }

        var initialized = await CallAsync(hostEnd, """
            {"jsonrpc":"2.0","id":2,"method":"database.initialize","params":{
              "instance_id":"0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9",
              "request":{"config":{"connection_url":"postgresql://{{username}}:{{password}}@db:5432/app",
                                   "username":"vault","password":"vault-root-pw"},
                         "verify_connection":true}}}
            """);
        var created = await CallAsync(hostEnd, """
            {"jsonrpc":"2.0","id":3,"method":"database.newUser","params":{
              "instance_id":"0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9",
              "request":{"username_config":{"display_name":"token","role_name":"readonly"},
                         "password":"Zq8-hR2mW4xLp7TbN1cV",
                         "expiration":"2026-12-03T17:00:00+00:00",
                         "statements":{"commands":["CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{{name}}\";"]},
                         "rollback_statements":{"commands":["DROP ROLE IF EXISTS \"{{name}}\";"]}}}}
            """);
        var zulu = await CallAsync(hostEnd, """
            {"jsonrpc":"2.0","id":4,"method":"database.newUser","params":{"instance_id":"0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9",
              "request":{"password":"p","expiration":"2026-12-03T17:00:00Z"}}}
            """);
        var updated = await CallAsync(hostEnd, """
            {"jsonrpc":"2.0","id":5,"method":"database.updateUser","params":{
              "instance_id":"0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9",
              "request":{"username":"v-token-readonly-8sXw2LqT0pZr5NcB7yKd-1796313600",
                         "expiration":{"new_expiration":"2026-12-03T18:00:00+00:00",
                                       "statements":{"commands":["ALTER ROLE \"{{name}}\" VALID UNTIL '{{expiration}}';"]}}}}}
            """);
        var rotated = await CallAsync(hostEnd, """
            {"jsonrpc":"2.0","id":6,"method":"database.updateUser","params":{
              "instance_id":"0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9",
              "request":{"username":"vault","password":{"new_password":"n3w-r00t-pw"}}}}
            """);
        var neither = await CallAsync(hostEnd, """
            {"jsonrpc":"2.0","id":7,"method":"database.updateUser","params":{"instance_id":"0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9","request":{"username":"vault"}}}
            """);
        var deleted = await CallAsync(hostEnd, """
            {"jsonrpc":"2.0","id":8,"method":"database.deleteUser","params":{
              "instance_id":"0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9",
              "request":{"username":"v-token-readonly-8sXw2LqT0pZr5NcB7yKd-1796313600","statements":{"commands":[]}}}}
            """);
        var type = await CallAsync(hostEnd, """{"jsonrpc":"2.0","id":9,"method":"database.type","params":{"instance_id":"0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9"}}""");
        var closed = await CallAsync(hostEnd, """{"jsonrpc":"2.0","id":10,"method":"database.close","params":{"instance_id":"0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9"}}""");
        var unknown = await CallAsync(hostEnd, """{"jsonrpc":"2.0","id":11,"method":"database.type","params":{"instance_id":"0c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9"}}""");
        var badDate = await CallAsync(hostEnd, """{"jsonrpc":"2.0","id":12,"method":"database.newUser","params":{"instance_id":"x","request":{"password":"p","expiration":"tomorrow"}}}""");
        var noUsername = await CallAsync(hostEnd, """{"jsonrpc":"2.0","id":13,"method":"database.deleteUser","params":{"instance_id":"x","request":{"statements":{"commands":[]}}}}""");
        var noRequest = await CallAsync(hostEnd, """{"jsonrpc":"2.0","id":14,"method":"database.deleteUser","params":{"instance_id":"x"}}""");
        var noInstance = await CallAsync(hostEnd, """{"jsonrpc":"2.0","id":15,"method":"database.close","params":{}}""");
        await Wire.WriteMessageAsync(hostEnd, """{"jsonrpc":"2.0","method":"plugin.shutdown","params":[]}""");
        await server.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.AreEqual("""{"config":{"connection_url":"postgresql://{{username}}:{{password}}@db:5432/app","username":"vault","password":"vault-root-pw","normalised":true}}""", initialized);
        Assert.AreEqual("""{"username":"v-token-readonly"}""", created);
        Assert.AreEqual("""{"username":"v--"}""", zulu);
        Assert.AreEqual("null", updated);
        Assert.AreEqual("null", rotated);
        Assert.AreEqual("""{"code":400,"message":"database.updateUser needs a \u0027password\u0027 or an \u0027expiration\u0027 change"}""", neither);
        Assert.AreEqual("null", deleted);
        Assert.AreEqual("""{"type":"fakedb"}""", type);
        Assert.AreEqual("null", closed);
        Assert.AreEqual("""{"code":404,"message":"no database instance \u00270c6f3a5e9b2d4f7c8a1e2d3b4c5fe5a9\u0027 in this plugin; the host must call database.initialize first"}""", unknown);
        StringAssert.StartsWith(badDate, """{"code":400,"message":"could not decode the params of database.newUser: """);
        StringAssert.StartsWith(noUsername, """{"code":400,"message":"could not decode the params of database.deleteUser: """);
        StringAssert.Contains(noUsername, "username");
        Assert.AreEqual("""{"code":400,"message":"database.deleteUser needs a \u0027request\u0027 object"}""", noRequest);
        Assert.AreEqual("""{"code":400,"message":"database calls need an \u0027instance_id\u0027: the one given in the connection\u0027s database.initialize"}""", noInstance);

        var calls = factory.Created.Single().Calls;
        var user = (NewUserRequest)calls[1];
        Assert.AreEqual(Expiration, user.Expiration);
        Assert.AreEqual(TimeSpan.Zero, user.Expiration.Offset);
        Assert.AreEqual(new UsernameMetadata { DisplayName = "token", RoleName = "readonly" }, user.UsernameConfig);
        Assert.AreEqual("Zq8-hR2mW4xLp7TbN1cV", user.Password);
        Assert.AreEqual("CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{{name}}\";", user.Statements.Commands.Single());
        Assert.AreEqual("DROP ROLE IF EXISTS \"{{name}}\";", user.RollbackStatements.Commands.Single());
        var minimal = (NewUserRequest)calls[2];
        Assert.AreEqual(Expiration, minimal.Expiration, "Z and +00:00 are the same instant");
        Assert.AreEqual(new UsernameMetadata(), minimal.UsernameConfig, "absent: empty hints, never null");
        Assert.AreEqual(0, minimal.Statements.Commands.Count, "absent: empty, never null");
        Assert.AreEqual(0, minimal.RollbackStatements.Commands.Count);
        Assert.AreEqual(Expiration.AddHours(1), ((UpdateUserRequest)calls[3]).Expiration!.NewExpiration);
        var rotation = (UpdateUserRequest)calls[4];
        Assert.AreEqual("n3w-r00t-pw", rotation.Password!.NewPassword);
        Assert.AreEqual(0, rotation.Password.Statements.Commands.Count);
        Assert.IsNull(rotation.Expiration);
        Assert.AreEqual("v-token-readonly-8sXw2LqT0pZr5NcB7yKd-1796313600", ((DeleteUserRequest)calls[5]).Username);
        Assert.AreEqual(1, factory.Created.Single().Closes);
    }

    // ---- docs/protocol.md, section 10: its JSON, replayed against both ends of the SDK ----

    [TestMethod]
    public async Task ThePagesExchange_ReplayedAgainstTheSdksPluginEnd_GetsThePagesAnswers()
    {
        var exchange = PageExchange();
        var factory = new Factory(() => new RecordingDatabase { AsOnThePage = true, TypeName = "postgresql" });
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        var server = Task.Run(() => PluginServer.ServeDatabaseAsync(pluginEnd, factory.Create, "t"));
        using (var hello = await Wire.ReadMessageAsync(hostEnd))
        {
            var answer = JsonNode.Parse(exchange[1].Json)!;
            answer["id"] = JsonNode.Parse(hello.RootElement.GetProperty("id").GetRawText());
            await Wire.WriteMessageAsync(hostEnd, answer.ToJsonString());
        }

        var replayed = 0;
        for (var i = 2; i < exchange.Count; i++)
        {
            Assert.IsTrue(exchange[i].FromHost, exchange[i].Json);
            await Wire.WriteMessageAsync(hostEnd, exchange[i].Json);
            if (i + 1 < exchange.Count && !exchange[i + 1].FromHost)
            {
                using var answer = await Wire.ReadMessageAsync(hostEnd);
                AssertSameJson(exchange[i + 1].Json, answer.RootElement.GetRawText());
                i++;
                replayed++;
            }
        }

        await server.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.AreEqual(6, replayed, "initialize, type, newUser, updateUser, deleteUser, close");
        var instance = factory.Created.Single();
        Assert.AreEqual(1, instance.Closes);
        var user = instance.Calls.OfType<NewUserRequest>().Single();
        Assert.AreEqual(Expiration, user.Expiration);
        Assert.AreEqual("Zq8-hR2mW4xLp7TbN1cV", user.Password);
        Assert.AreEqual(Expiration.AddHours(1), instance.Calls.OfType<UpdateUserRequest>().Single().Expiration!.NewExpiration);
        Assert.AreEqual(PageUsername, instance.Calls.OfType<DeleteUserRequest>().Single().Username);
    }

    [TestMethod]
    public async Task ThePagesMethodExamples_AreAcceptedByTheSdksPluginEnd_WithThePagesResults()
    {
        var blocks = PageJsonMessages();
        var requests = blocks.Where(b => b["method"] is not null).ToList();
        var results = blocks.Where(b => b.AsObject().ContainsKey("result")).ToDictionary(b => b["id"]!.GetValue<int>());
        var factory = new Factory(() => new RecordingDatabase { AsOnThePage = true, TypeName = "postgresql" });
        await using var server = await RawHostAsync(factory);

        var checkedResults = 0;
        foreach (var request in requests)
        {
            await Wire.WriteMessageAsync(server.HostEnd, request.ToJsonString());
            using var answer = await Wire.ReadMessageAsync(server.HostEnd);
            Assert.IsTrue(answer.RootElement.TryGetProperty("result", out _), $"{request.ToJsonString()} → {answer.RootElement.GetRawText()}");
            if (results.TryGetValue(request["id"]!.GetValue<int>(), out var documented))
            {
                AssertSameJson(documented.ToJsonString(), answer.RootElement.GetRawText());
                checkedResults++;
            }
        }

        CollectionAssert.AreEqual(
            new[] { "database.initialize", "database.newUser", "database.updateUser", "database.updateUser", "database.deleteUser" },
            requests.Select(r => r["method"]!.GetValue<string>()).ToArray());
        Assert.AreEqual(3, checkedResults, "initialize, newUser and the root rotation have their results on the page");
        var updates = factory.Created.Single().Calls.OfType<UpdateUserRequest>().ToList();
        CollectionAssert.AreEqual(new[] { "ALTER ROLE \"{{name}}\" VALID UNTIL '{{expiration}}';" }, updates[0].Expiration!.Statements.Commands.ToArray());
        Assert.AreEqual("n3w-r00t-pw", updates[1].Password!.NewPassword);
    }

    [TestMethod]
    public async Task ThePagesExchange_IsWhatTheSdksHostEndSends_AndItReadsThePagesAnswers()
    {
        var exchange = PageExchange();
        var hello = JsonNode.Parse(exchange[0].Json)!;
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        await using var client = PluginClient.Start(hostEnd, hello["params"]!["token"]!.GetValue<string>());
        await Wire.WriteMessageAsync(pluginEnd, exchange[0].Json);
        using (var answer = await Wire.ReadMessageAsync(pluginEnd))
        {
            AssertSameJson(exchange[1].Json, answer.RootElement.GetRawText());
        }

        IDatabase? database = null;
        var answers = new List<object?>();
        for (var i = 2; i < exchange.Count; i++)
        {
            var expected = JsonNode.Parse(exchange[i].Json)!;
            var parameters = expected["params"]!;
            Task<object?> call = expected["method"]!.GetValue<string>() switch
            {
                ProtocolMethods.DatabaseInitialize => Boxed(async () =>
                {
                    database = client.CreateDatabase(parameters["instance_id"]!.GetValue<string>(), "my-postgres-plugin");
                    return await database.InitializeAsync(RequestOf(parameters, ProtocolJsonContext.Default.DatabaseCallParamsInitializeRequest), CancellationToken.None);
                }),
                ProtocolMethods.DatabaseType => Boxed(async () => await database!.TypeAsync(CancellationToken.None)),
                ProtocolMethods.DatabaseNewUser => Boxed(async () => await database!.NewUserAsync(RequestOf(parameters, ProtocolJsonContext.Default.DatabaseCallParamsNewUserRequest), CancellationToken.None)),
                ProtocolMethods.DatabaseUpdateUser => Boxed(async () => { await database!.UpdateUserAsync(RequestOf(parameters, ProtocolJsonContext.Default.DatabaseCallParamsUpdateUserRequest), CancellationToken.None); return null; }),
                ProtocolMethods.DatabaseDeleteUser => Boxed(async () => { await database!.DeleteUserAsync(RequestOf(parameters, ProtocolJsonContext.Default.DatabaseCallParamsDeleteUserRequest), CancellationToken.None); return null; }),
                ProtocolMethods.DatabaseClose => Boxed(async () => { await database!.CloseAsync(CancellationToken.None); return null; }),
                ProtocolMethods.Shutdown => Boxed(async () => { await client.ShutdownAsync(); return null; }),
                var other => throw new AssertFailedException($"the page shows a host request the test does not know: {other}"),
            };
            using (var sent = await Wire.ReadMessageAsync(pluginEnd))
            {
                AssertSameJson(exchange[i].Json, sent.RootElement.GetRawText());
            }

            if (i + 1 < exchange.Count && !exchange[i + 1].FromHost)
            {
                await Wire.WriteMessageAsync(pluginEnd, exchange[++i].Json);
            }

            answers.Add(await call.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.AreEqual("postgresql://{{username}}:{{password}}@db:5432/app", ((InitializeResponse)answers[0]!).Config["connection_url"].GetString());
        Assert.AreEqual("postgresql", answers[1]);
        Assert.AreEqual(PageUsername, ((NewUserResponse)answers[2]!).Username);
        Assert.AreEqual(7, answers.Count, "initialize, type, newUser, updateUser, deleteUser, close, shutdown");

        static async Task<object?> Boxed(Func<Task<object?>> call) => await call();
    }

    private static TRequest RequestOf<TRequest>(JsonNode parameters, JsonTypeInfo<DatabaseCallParams<TRequest>> typeInfo)
        where TRequest : class =>
        parameters.Deserialize(typeInfo)!.Request!;

    private static void AssertSameJson(string expected, string actual) =>
        Assert.IsTrue(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}\nactual   {actual}");

    private static string PageSection()
    {
        var page = File.ReadAllText(Path.Join(Architecture.SourceTree.Root, "docs", "protocol.md"));
        return page[page.IndexOf("## 10. Database plugins", StringComparison.Ordinal)..];
    }

    // The lines of "A connection on the wire": each message whole, with its direction.
    private static List<(bool FromHost, string Json)> PageExchange()
    {
        var section = PageSection();
        var wire = section[section.IndexOf("### A connection on the wire", StringComparison.Ordinal)..];
        var block = wire[(wire.IndexOf("```text\n", StringComparison.Ordinal) + 8)..];
        block = block[..block.IndexOf("\n```", StringComparison.Ordinal)];
        var messages = new List<(bool, string)>();
        foreach (var line in block.Split('\n'))
        {
            if (line.StartsWith("host → plugin", StringComparison.Ordinal) || line.StartsWith("plugin → host", StringComparison.Ordinal))
            {
                messages.Add((line.StartsWith("host", StringComparison.Ordinal), line["host → plugin".Length..].Trim()));
            }
        }

        Assert.AreEqual(15, messages.Count, "the page's exchange as this test knows it");
        return messages;
    }

    // The section's ```json blocks that are whole JSON-RPC messages, in page order.
    private static List<JsonNode> PageJsonMessages() =>
        [.. JsonBlock().Matches(PageSection())
            .Select(m => m.Groups["json"].Value)
            .Where(json => json.StartsWith("{\"jsonrpc\"", StringComparison.Ordinal))
            .Select(json => JsonNode.Parse(json)!)];

    [GeneratedRegex("```json\n(?<json>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();

    // A ServeDatabaseAsync server whose hello has been answered: the test writes raw requests to HostEnd.
    private static async Task<RawHost> RawHostAsync(Factory factory)
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        var server = Task.Run(() => PluginServer.ServeDatabaseAsync(pluginEnd, factory.Create, "t"));
        using var hello = await Wire.ReadMessageAsync(hostEnd);
        await Wire.WriteMessageAsync(hostEnd, $$$"""{"jsonrpc":"2.0","id":{{{hello.RootElement.GetProperty("id").GetRawText()}}},"result":{"protocol_version":1,"host":"PluginHost"}}""");
        return new RawHost(hostEnd, server);
    }

    private sealed record RawHost(Stream HostEnd, Task Server) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Wire.WriteMessageAsync(HostEnd, """{"jsonrpc":"2.0","method":"plugin.shutdown","params":[]}""");
            await Server.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    // Sends one request as raw JSON; returns the answer's result, or its error, as raw JSON text.
    private static async Task<string> CallAsync(Stream hostEnd, string request)
    {
        using var parsed = JsonDocument.Parse(request);
        await Wire.WriteMessageAsync(hostEnd, parsed.RootElement.GetRawText());
        using var answer = await Wire.ReadMessageAsync(hostEnd);
        Assert.AreEqual(parsed.RootElement.GetProperty("id").GetRawText(), answer.RootElement.GetProperty("id").GetRawText());
        return answer.RootElement.TryGetProperty("result", out var result) ? result.GetRawText() : answer.RootElement.GetProperty("error").GetRawText();
    }

    // Reads the request the host sent and answers it with a result; returns what the call made of it.
    private static async Task<T> AnswerAsync<T>(Stream pluginEnd, Task<T> call, string result)
    {
        using var request = await Wire.ReadMessageAsync(pluginEnd);
        await Wire.WriteMessageAsync(pluginEnd, $$"""{"jsonrpc":"2.0","id":{{request.RootElement.GetProperty("id").GetRawText()}},"result":{{result}}}""");
        return await call.WaitAsync(TimeSpan.FromSeconds(30));
    }

    // Reads the request the host sent, checks its method and params, answers it with a result, and returns what the call made of it.
    private static async Task<T> ExchangeAsync<T>(Stream pluginEnd, Task<T> call, string method, string expectedParams, string result)
    {
        using var request = await Wire.ReadMessageAsync(pluginEnd);
        Assert.AreEqual(method, request.RootElement.GetProperty("method").GetString());
        Assert.AreEqual(expectedParams, request.RootElement.GetProperty("params").GetRawText());
        await Wire.WriteMessageAsync(pluginEnd, $$"""{"jsonrpc":"2.0","id":{{request.RootElement.GetProperty("id").GetRawText()}},"result":{{result}}}""");
        return await call.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task ExchangeAsync(Stream pluginEnd, Task call, string method, string expectedParams, string result)
    {
        await ExchangeAsync(pluginEnd, Completed(call), method, expectedParams, result);

        static async Task<bool> Completed(Task call)
        {
            await call;
            return true;
        }
    }
}
