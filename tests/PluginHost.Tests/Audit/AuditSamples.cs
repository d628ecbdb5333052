using PluginHost.Audit;

namespace PluginHost.Tests.Audit;

/// <summary>Entries as the request pipeline would give them.</summary>
internal static class AuditSamples
{
    public static readonly DateTimeOffset Received = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    public static AuditAuth Alice => new()
    {
        ClientToken = "hvs.alice-token",
        Accessor = "alice-accessor",
        DisplayName = "userpass-alice",
        Policies = ["default", "team"],
        TokenPolicies = ["default", "team"],
        Metadata = new Dictionary<string, string> { ["username"] = "alice" },
        TokenTtlSeconds = 3600,
        TokenIssueTime = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };

    public static AuditEvent KvWrite(string id = "req-1") => new()
    {
        Time = Received,
        Auth = Alice,
        Request = new AuditRequestInfo
        {
            Id = id,
            Operation = Operation.Update,
            Path = "secret/foo",
            MountPoint = "secret/",
            MountType = "kv",
            MountAccessor = "kv_1234abcd",
            ClientToken = "hvs.alice-token",
            ClientTokenAccessor = "alice-accessor",
            Data = AuditTestKit.Data("""{"password":"s3cret","ttl":30,"enabled":true,"nested":{"list":["a",1,null],"k\"q":"p\u00e4ss"}}"""),
            RemoteAddress = "127.0.0.1",
            RemotePort = 54321,
        },
    };

    public static AuditEvent KvRead() => KvWrite() with
    {
        Request = KvWrite().Request with { Operation = Operation.Read, Data = null },
        Response = new BackendResponse
        {
            Data = AuditTestKit.Data("""{"password":"s3cret","version":2}"""),
            Warnings = ["plain warning"],
        },
    };

    public static AuditEvent Login() => new()
    {
        Time = Received,
        Request = new AuditRequestInfo
        {
            Id = "login-1",
            Operation = Operation.Update,
            Path = "auth/userpass/login/alice",
            MountPoint = "auth/userpass/",
            MountType = "userpass",
            MountAccessor = "auth_userpass_1234",
            Data = AuditTestKit.Data("""{"password":"hunter2"}"""),
        },
        Response = new BackendResponse(),
        ResponseAuth = Alice with { ClientToken = "hvs.new-token", Accessor = "new-accessor" },
    };
}
