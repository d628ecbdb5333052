using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PluginHost.Database;
using PluginHost.DatabaseEngine;
using PluginHost.Storage;
using PluginHost.Tests.Backends;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Database;

/// <summary>
/// The <c>database</c> engine's paths against a fake database behind <see cref="IDatabase"/>: what it stores, what it
/// sends the plugin, what it answers, and its refusals. The real plugin process and PostgreSQL are in the integration tests.
/// </summary>
[TestClass]
public sealed class DatabaseBackendTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeDatabaseServer _server = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryStorage _storage = new();
    private DatabaseBackend _backend = null!;

    public TestContext TestContext { get; set; } = null!;

    [TestInitialize]
    public async Task SetUp() =>
        _backend = await BackendTestContext.SetUpAsync(new DatabaseBackend(_server, _time, NullLogger.Instance), _storage);

    [TestCleanup]
    public async Task CleanUp() => await _backend.CleanupAsync(CancellationToken.None);

    [TestMethod]
    public async Task ConfigWrite_GivesThePluginOnlyItsOwnFields_AndAReadNeverShowsThePassword()
    {
        await WriteConfigAsync();

        var initialize = _server.Calls.OfType<InitializeRequest>().Single();
        Assert.IsTrue(initialize.VerifyConnection);
        CollectionAssert.AreEquivalent(new[] { "connection_url", "username", "password" }, initialize.Config.Keys.ToArray());

        var read = await _backend.SendAsync(Operation.Read, "config/pg");
        Assert.AreEqual("fake-db", read.Field("plugin_name"));
        Assert.AreEqual("true", read.Field("verify_connection"));
        var details = read!.Data!["connection_details"];
        Assert.AreEqual("postgresql://{{username}}:{{password}}@127.0.0.1/db", details.GetProperty("connection_url").GetString());
        Assert.AreEqual("root", details.GetProperty("username").GetString());
        Assert.IsFalse(details.TryGetProperty("password", out _), "the password is never read back");
        Assert.AreEqual("[\"readonly\"]", read.Field("allowed_roles"));
        Assert.AreEqual("[]", read.Field("root_credentials_rotate_statements"));

        var list = await _backend.SendAsync(Operation.List, "config/");
        CollectionAssert.AreEqual(new[] { "pg" }, list!.GetListKeys().ToArray());
    }

    [TestMethod]
    [DataRow("postgresql://root:s3cret@127.0.0.1:5432/db?sslmode=disable", "postgresql://root:*****@127.0.0.1:5432/db?sslmode=disable")]
    [DataRow("postgresql://{{username}}:{{password}}@127.0.0.1/db", "postgresql://{{username}}:{{password}}@127.0.0.1/db")]
    [DataRow("Host=127.0.0.1;Username=root;Password=s3cret;Database=db", "Host=127.0.0.1;Username=root;Password=*****;Database=db")]
    [DataRow("host=x;pwd = s3cret", "host=x;pwd = *****")]
    [DataRow("Host=127.0.0.1;Username={{username}};Password={{password}}", "Host=127.0.0.1;Username={{username}};Password={{password}}")]
    public async Task ConfigRead_MasksAPasswordWrittenIntoTheConnectionUrl(string written, string shown)
    {
        await _backend.SendAsync(Operation.Create, "config/pg", ("plugin_name", "fake-db"), ("connection_url", written), ("password", "root-pw"));

        var read = await _backend.SendAsync(Operation.Read, "config/pg");

        Assert.AreEqual(shown, read!.Data!["connection_details"].GetProperty("connection_url").GetString());
        Assert.AreEqual(written, _server.Instances.Single().Config!["connection_url"].GetString(), "the plugin gets it as written");
    }

    [TestMethod]
    public async Task ConfigWrite_ThatThePluginRefuses_StoresNothing_AndSaysWhy()
    {
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await _backend.SendAsync(
            Operation.Create, "config/pg", ("plugin_name", "fake-db"), ("connection_url", "x"), ("username", "root"), ("password", "wrong")));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        Assert.AreEqual("error creating database object: error verifying connection: password authentication failed", error.Message);
        Assert.IsNull(await _backend.SendAsync(Operation.Read, "config/pg"));
        Assert.IsTrue(_server.Instances.Single().Closed, "the instance that failed to initialize is closed");
    }

    [TestMethod]
    public async Task ConfigUpdate_KeepsPluginFieldsNotGiven_AndReplacesTheConnection()
    {
        await WriteConfigAsync();
        await _backend.SendAsync(Operation.Update, "config/pg", ("allowed_roles", "readonly,writer"));

        Assert.HasCount(2, _server.Instances);
        Assert.IsTrue(_server.Instances[0].Closed, "the old connection is closed");
        Assert.IsFalse(_server.Instances[1].Closed);
        Assert.AreEqual("root-pw", _server.Instances[1].Config!["password"].GetString(), "the password was kept");
        Assert.AreEqual("[\"readonly\",\"writer\"]", (await _backend.SendAsync(Operation.Read, "config/pg")).Field("allowed_roles"));
    }

    [TestMethod]
    [DataRow("plugin_name", "", "empty plugin name: give plugin_name, the database plugin's name in the catalog")]
    [DataRow("password_policy", "strict", "password_policy \"strict\" cannot be used: this server has no password policies (sys/policies/password); leave it empty for the default generator (20 letters, digits and '-')")]
    public async Task ConfigWrite_Refuses(string field, string value, string message)
    {
        var fields = new List<(string, object?)> { ("plugin_name", "fake-db"), ("password", "root-pw") };
        fields.RemoveAll(f => f.Item1 == field);
        fields.Add((field, value));

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await _backend.SendAsync(Operation.Create, "config/pg", [.. fields]));

        Assert.AreEqual(message, error.Message);
        Assert.IsEmpty(_server.Instances, "nothing was started");
    }

    [TestMethod]
    public async Task RoleWrite_KeepsAStatementWithCommasWhole_AndReadsBackInVaultsShape()
    {
        await _backend.SendAsync(
            Operation.Create, "roles/readonly",
            ("db_name", "pg"),
            ("creation_statements", "CREATE ROLE \"{{name}}\"; GRANT SELECT, INSERT ON t TO \"{{name}}\";"),
            ("revocation_statements", new[] { "DROP ROLE \"{{name}}\";" }),
            ("default_ttl", "1h"),
            ("max_ttl", 86400));

        var read = await _backend.SendAsync(Operation.Read, "roles/readonly");
        Assert.AreEqual("pg", read.Field("db_name"));
        Assert.AreEqual("[\"CREATE ROLE \\u0022{{name}}\\u0022; GRANT SELECT, INSERT ON t TO \\u0022{{name}}\\u0022;\"]", read.Field("creation_statements"));
        Assert.AreEqual("3600", read.Field("default_ttl"));
        Assert.AreEqual("86400", read.Field("max_ttl"));
        Assert.AreEqual("[]", read.Field("renew_statements"));
    }

    [TestMethod]
    [DataRow("db_name", "empty database name attribute: give db_name, the connection's name (config/<db_name>)")]
    [DataRow("creation_statements", "empty creation statements: give creation_statements, the statements that create a user")]
    public async Task RoleWrite_WithoutARequiredField_IsRefused(string missing, string message)
    {
        var fields = new List<(string, object?)> { ("db_name", "pg"), ("creation_statements", "CREATE ROLE x") };
        fields.RemoveAll(f => f.Item1 == missing);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await _backend.SendAsync(Operation.Create, "roles/r", [.. fields]));

        Assert.AreEqual(message, error.Message);
    }

    [TestMethod]
    public async Task Creds_MakeAUserThatExpiresWithItsLease_UnderTheRolesTtls()
    {
        await WriteConfigAsync();
        await WriteRoleAsync(("default_ttl", "10m"), ("max_ttl", "1h"));

        var creds = await _backend.HandleRequestAsync(
            BackendTestContext.Request(Operation.Read, "creds/readonly") with { DisplayName = "userpass-alice" }, CancellationToken.None);

        var username = creds.Field("username")!;
        Assert.AreEqual(_server.Users[username].Password, creds.Field("password"));
        Assert.AreEqual(Start + TimeSpan.FromMinutes(10), _server.Users[username].Expiration);
        Assert.AreEqual(TimeSpan.FromMinutes(10), creds!.Secret!.Ttl);
        Assert.AreEqual(TimeSpan.FromHours(1), creds.Secret.MaxTtl);
        Assert.IsTrue(creds.Secret.Renewable);
        Assert.AreEqual(username, creds.Secret.InternalData!["username"].GetString());

        var newUser = _server.Calls.OfType<NewUserRequest>().Single();
        Assert.AreEqual("userpass-alice", newUser.UsernameConfig.DisplayName);
        Assert.AreEqual("readonly", newUser.UsernameConfig.RoleName);
        CollectionAssert.AreEqual(new[] { "CREATE ROLE \"{{name}}\";" }, newUser.Statements.Commands.ToArray());
        Assert.AreEqual(20, newUser.Password.Length);
    }

    [TestMethod]
    public async Task Creds_WithoutRoleTtls_TakeTheMountsDefault_CappedByItsMaximum()
    {
        _server.Ttls = (TimeSpan.FromHours(2), TimeSpan.FromHours(2));
        await WriteConfigAsync();
        await WriteRoleAsync(("max_ttl", "30m"));

        var creds = await _backend.SendAsync(Operation.Read, "creds/readonly");

        Assert.AreEqual(TimeSpan.FromMinutes(30), creds!.Secret!.Ttl);
        Assert.AreEqual(Start + TimeSpan.FromMinutes(30), _server.Users[creds.Field("username")!].Expiration);
    }

    [TestMethod]
    public async Task Creds_OfARoleWhoseTtlsExceedTheMounts_AreCappedByTheMountsMaximum()
    {
        _server.Ttls = (TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        await WriteConfigAsync();
        await WriteRoleAsync(("default_ttl", "30h"), ("max_ttl", "48h"));

        var creds = await _backend.SendAsync(Operation.Read, "creds/readonly");

        Assert.AreEqual(TimeSpan.FromHours(24), creds!.Secret!.Ttl);
        Assert.AreEqual(TimeSpan.FromHours(24), creds.Secret.MaxTtl);
        Assert.AreEqual(Start + TimeSpan.FromHours(24), _server.Users[creds.Field("username")!].Expiration, "the database's own expiry is the lease's end");
    }

    [TestMethod]
    public async Task Creds_ForARoleTheConnectionDoesNotAllow_AreRefused_AndNoUserIsMade()
    {
        await WriteConfigAsync();
        await _backend.SendAsync(Operation.Create, "roles/writer", ("db_name", "pg"), ("creation_statements", "CREATE ROLE x"));

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await _backend.SendAsync(Operation.Read, "creds/writer"));

        Assert.AreEqual("\"writer\" is not an allowed role; add it to allowed_roles of config/pg", error.Message);
        Assert.IsEmpty(_server.Users);
        var unknown = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await _backend.SendAsync(Operation.Read, "creds/nobody"));
        Assert.AreEqual("unknown role: nobody", unknown.Message);
    }

    [TestMethod]
    public async Task Renew_MovesTheUsersExpiration_WithTheRolesRenewStatements()
    {
        await WriteConfigAsync();
        await WriteRoleAsync(("default_ttl", "10m"), ("renew_statements", "ALTER ROLE \"{{name}}\" VALID UNTIL '{{expiration}}';"));
        var creds = await _backend.SendAsync(Operation.Read, "creds/readonly");
        _time.Advance(TimeSpan.FromMinutes(5));

        var renewed = await _backend.HandleRequestAsync(
            BackendTestContext.Request(Operation.Renew, "creds/readonly") with { Secret = creds!.Secret! with { Ttl = TimeSpan.FromMinutes(20) } },
            CancellationToken.None);

        Assert.AreEqual(TimeSpan.FromMinutes(20), renewed!.Secret!.Ttl);
        var update = _server.Calls.OfType<UpdateUserRequest>().Single();
        Assert.AreEqual(Start + TimeSpan.FromMinutes(25), update.Expiration!.NewExpiration);
        Assert.IsNull(update.Password);
        Assert.AreEqual(Start + TimeSpan.FromMinutes(25), _server.Users[creds.Field("username")!].Expiration);
    }

    [TestMethod]
    public async Task Revoke_DropsTheUser_WithTheStatementsItWasIssuedUnder_EvenAfterTheRoleChangedOrWentAway()
    {
        await WriteConfigAsync();
        await WriteRoleAsync(("revocation_statements", "DROP ROLE \"{{name}}\";"));
        var creds = await _backend.SendAsync(Operation.Read, "creds/readonly");
        await _backend.SendAsync(Operation.Delete, "roles/readonly");

        await _backend.HandleRequestAsync(BackendTestContext.Request(Operation.Revoke, "creds/readonly") with { Secret = creds!.Secret }, CancellationToken.None);

        Assert.IsEmpty(_server.Users);
        var delete = _server.Calls.OfType<DeleteUserRequest>().Single();
        CollectionAssert.AreEqual(new[] { "DROP ROLE \"{{name}}\";" }, delete.Statements.Commands.ToArray());
    }

    [TestMethod]
    public async Task ConfigDelete_WithLiveCredentials_IsRefused_SayingHowToRevokeThem_AndWithoutIsDone()
    {
        await WriteConfigAsync();
        _server.Live = ["secret/creds/readonly/a1", "secret/creds/readonly/b2", "secret/creds/writer/c3"];

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await _backend.SendAsync(Operation.Delete, "config/pg"));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        Assert.AreEqual(
            "cannot delete connection 'pg': 3 leased credentials it issued are still live, and could not be revoked without it; revoke them first: "
            + "plugin-host lease revoke -prefix secret/creds/readonly, plugin-host lease revoke -prefix secret/creds/writer",
            error.Message);
        Assert.IsNotNull(await _backend.SendAsync(Operation.Read, "config/pg"));

        _server.Live = [];
        await _backend.SendAsync(Operation.Delete, "config/pg");
        Assert.IsNull(await _backend.SendAsync(Operation.Read, "config/pg"));
        Assert.IsTrue(_server.Instances.Single().Closed);
    }

    [TestMethod]
    public async Task RotateRoot_GivesTheRootUserANewPassword_StoresIt_AndReconnectsWithIt()
    {
        await WriteConfigAsync();

        await _backend.SendAsync(Operation.Update, "rotate-root/pg");

        Assert.AreNotEqual("root-pw", _server.RootPassword);
        Assert.AreEqual(20, _server.RootPassword.Length);
        var stored = await new DatabaseStore(() => _storage).GetConfigAsync("pg", CancellationToken.None);
        Assert.AreEqual(_server.RootPassword, stored!.Detail("password"));
        Assert.IsNull(stored.PendingRootPassword);
        Assert.AreEqual(_server.RootPassword, _server.Instances.Last().Config!["password"].GetString(), "the connection was opened again with the new password");
        Assert.IsTrue(_server.Instances[0].Closed);
    }

    [TestMethod]
    public async Task AConfigWrite_DuringARootRotation_WaitsForIt_SoNeitherChangeIsLost()
    {
        await WriteConfigAsync();
        _server.HoldUpdates = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var rotating = _backend.SendAsync(Operation.Update, "rotate-root/pg").AsTask();
        await _server.UpdateStarted.Task.WaitAsync(TestContext.CancellationToken);

        var writing = _backend.SendAsync(Operation.Update, "config/pg", ("allowed_roles", "readonly,writer")).AsTask();
        Assert.IsFalse(writing.IsCompleted, "the write waits for the rotation");
        _server.HoldUpdates.SetResult();
        await rotating;
        await writing;

        var stored = await new DatabaseStore(() => _storage).GetConfigAsync("pg", CancellationToken.None);
        Assert.AreEqual(_server.RootPassword, stored!.Detail("password"), "the rotated root password is kept");
        CollectionAssert.AreEqual(new[] { "readonly", "writer" }, stored.AllowedRoles.ToArray(), "and so is the write");
    }

    [TestMethod]
    public async Task RotateRoot_ThatTheDatabaseRefuses_KeepsTheOldPassword()
    {
        await WriteConfigAsync();
        _server.FailNextUpdate = new PluginHostException(ErrorCode.BadRequest, "permission denied to alter role");

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await _backend.SendAsync(Operation.Update, "rotate-root/pg"));

        Assert.AreEqual("failed to update user: permission denied to alter role", error.Message);
        var stored = await new DatabaseStore(() => _storage).GetConfigAsync("pg", CancellationToken.None);
        Assert.AreEqual("root-pw", stored!.Detail("password"));
        Assert.IsNull(stored.PendingRootPassword);
    }

    [TestMethod]
    public async Task AConnectionWhoseRootRotationWasCutShort_OpensWithThePendingPassword_AndKeepsIt()
    {
        // As a host stopped right after the database took the new password: the config still names the old one.
        var store = new DatabaseStore(() => _storage);
        await store.PutConfigAsync("pg", Config() with { PendingRootPassword = "new-root-pw" }, CancellationToken.None);
        await WriteRoleAsync();
        _server.RootPassword = "new-root-pw";

        await _backend.SendAsync(Operation.Read, "creds/readonly");

        var stored = await store.GetConfigAsync("pg", CancellationToken.None);
        Assert.AreEqual("new-root-pw", stored!.Detail("password"));
        Assert.IsNull(stored.PendingRootPassword);
    }

    [TestMethod]
    public async Task Reset_OpensTheConnectionAgain()
    {
        await WriteConfigAsync();

        await _backend.SendAsync(Operation.Update, "reset/pg");

        Assert.HasCount(2, _server.Instances);
        Assert.IsTrue(_server.Instances[0].Closed);
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await _backend.SendAsync(Operation.Update, "reset/nope"));
        Assert.AreEqual("no database connection named 'nope': write config/nope first", error.Message);
    }

    [TestMethod]
    public async Task StaticRole_GetsAPasswordAtOnce_AndAgainEachRotationPeriod()
    {
        await WriteConfigAsync(allowedRoles: "*");
        _server.Users["app"] = ("initial", null);

        await _backend.SendAsync(Operation.Create, "static-roles/app", ("db_name", "pg"), ("username", "app"), ("rotation_period", "1h"));

        var first = await _backend.SendAsync(Operation.Read, "static-creds/app");
        Assert.AreEqual("app", first.Field("username"));
        Assert.AreEqual(_server.Users["app"].Password, first.Field("password"));
        Assert.AreNotEqual("initial", first.Field("password"));
        Assert.AreEqual("3600", first.Field("ttl"));
        Assert.AreEqual("3600", first.Field("rotation_period"));

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.AreEqual(first.Field("password"), _server.Users["app"].Password, "not rotated before its period");
        _time.Advance(TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(() => Task.FromResult(_server.Users["app"].Password != first.Field("password")), "the password rotates once its period has passed");

        var second = await _backend.SendAsync(Operation.Read, "static-creds/app");
        Assert.AreEqual(_server.Users["app"].Password, second.Field("password"));
        Assert.IsGreaterThanOrEqualTo(Start + TimeSpan.FromHours(1), DateTimeOffset.Parse(second.Field("last_vault_rotation")!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [TestMethod]
    public async Task RotateRole_RotatesNow_AndAFailedBackgroundRotationIsRetried()
    {
        await WriteConfigAsync(allowedRoles: "*");
        _server.Users["app"] = ("initial", null);
        await _backend.SendAsync(Operation.Create, "static-roles/app", ("db_name", "pg"), ("username", "app"), ("rotation_period", "10s"));
        var before = _server.Users["app"].Password;

        await _backend.SendAsync(Operation.Update, "rotate-role/app");
        Assert.AreNotEqual(before, _server.Users["app"].Password);

        var rotated = _server.Users["app"].Password;
        _server.FailNextUpdate = new PluginHostException(ErrorCode.Unavailable, "database down");
        await _time.AdvanceUntilAsync(() => _server.Users["app"].Password != rotated, TimeSpan.FromMinutes(1), TestContext.CancellationToken);
        Assert.AreEqual(_server.Users["app"].Password, (await _backend.SendAsync(Operation.Read, "static-creds/app")).Field("password"));
    }

    [TestMethod]
    public async Task AStaticRoleDeleted_WhileItIsBeingRotated_StaysDeleted()
    {
        await WriteConfigAsync(allowedRoles: "*");
        _server.Users["app"] = ("initial", null);
        await _backend.SendAsync(Operation.Create, "static-roles/app", ("db_name", "pg"), ("username", "app"), ("rotation_period", "1h"));
        _server.HoldUpdates = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.UpdateStartedOnce = started;

        var rotating = _backend.SendAsync(Operation.Update, "rotate-role/app").AsTask();
        await started.Task.WaitAsync(TestContext.CancellationToken);
        var deleting = _backend.SendAsync(Operation.Delete, "static-roles/app").AsTask();
        Assert.IsFalse(deleting.IsCompleted, "the delete waits for the rotation in flight");
        _server.HoldUpdates.SetResult();
        await rotating;
        await deleting;

        Assert.IsNull(await _backend.SendAsync(Operation.Read, "static-roles/app"));
    }

    [TestMethod]
    [DataRow("username", "other", "cannot update static account username: delete the static role and create it again")]
    [DataRow("rotation_period", "4s", "rotation_period must be 5 seconds or more")]
    public async Task StaticRoleUpdate_Refuses(string field, string value, string message)
    {
        await WriteConfigAsync(allowedRoles: "*");
        _server.Users["app"] = ("initial", null);
        await _backend.SendAsync(Operation.Create, "static-roles/app", ("db_name", "pg"), ("username", "app"), ("rotation_period", "1h"));

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await _backend.SendAsync(Operation.Update, "static-roles/app", (field, value)));

        Assert.AreEqual(message, error.Message);
    }

    [TestMethod]
    public async Task StaticRole_ForAUserTheDatabaseCannotChange_IsNotCreated()
    {
        await WriteConfigAsync(allowedRoles: "*");

        await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await _backend.SendAsync(Operation.Create, "static-roles/ghost", ("db_name", "pg"), ("username", "ghost"), ("rotation_period", "1h")));

        Assert.IsNull(await _backend.SendAsync(Operation.Read, "static-roles/ghost"));
    }

    [TestMethod]
    public async Task Cleanup_WhileTheRotationLoopReadsStorage_EndsQuietly()
    {
        // Storage that is still reading when the mount is cleaned up: the loop is stopped mid-scan.
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var storage = new Moq.Mock<IStorage>();
        storage.Setup(s => s.ListAsync(Moq.It.IsAny<string>(), Moq.It.IsAny<CancellationToken>()))
            .Returns((string _, CancellationToken cancellationToken) =>
            {
                reading.TrySetResult();
                return new ValueTask<IReadOnlyList<string>>(Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith<IReadOnlyList<string>>(_ => [], cancellationToken, TaskContinuationOptions.None, TaskScheduler.Default));
            });
        var backend = await BackendTestContext.SetUpAsync(new DatabaseBackend(_server, _time, NullLogger.Instance), storage.Object);
        await reading.Task.WaitAsync(TestContext.CancellationToken);

        await backend.CleanupAsync(CancellationToken.None);
    }

    private static ConnectionConfig Config() => new()
    {
        PluginName = "fake-db",
        AllowedRoles = ["readonly"],
        ConnectionDetails = new Dictionary<string, JsonElement>
        {
            ["connection_url"] = JsonSerializer.SerializeToElement("x"),
            ["username"] = JsonSerializer.SerializeToElement("root"),
            ["password"] = JsonSerializer.SerializeToElement("root-pw"),
        },
    };

    private async Task WriteConfigAsync(string allowedRoles = "readonly") =>
        await _backend.SendAsync(
            Operation.Create, "config/pg",
            ("plugin_name", "fake-db"),
            ("connection_url", "postgresql://{{username}}:{{password}}@127.0.0.1/db"),
            ("username", "root"),
            ("password", "root-pw"),
            ("allowed_roles", allowedRoles));

    private async Task WriteRoleAsync(params (string Name, object? Value)[] extra) =>
        await _backend.SendAsync(Operation.Create, "roles/readonly", [("db_name", "pg"), ("creation_statements", "CREATE ROLE \"{{name}}\";"), .. extra]);
}
