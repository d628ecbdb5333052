using PluginHost.Authorization;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;
using PluginHost.Hosting;
using PluginHost.Mounts;

namespace PluginHost.Benchmarks.E2e.Scenarios;

/// <summary>
/// <c>builtin_kv_read_authz_us_p50</c>: the same read as <c>builtin_kv_read_us_p50</c>, but as a client: a token made by
/// <c>auth/token/create</c> with a policy granting <c>read</c> on <c>builtin/*</c>, so each read is authenticated (token
/// lookup), authorized (the token's compiled ACL) and hands the backend the per-mount HMAC of the token.
/// </summary>
internal static class BuiltinKvReadAuthorized
{
    public static async Task<LatencyResult> MeasureAsync(Workspace workspace, LatencySampler sampler, CancellationToken cancellationToken)
    {
        await using var bench = BenchHost.Create(workspace);
        var host = bench.Host;
        await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "builtin" }, cancellationToken);
        await bench.SeedAsync("builtin/foo", cancellationToken);
        await host.WriteAsync("sys/policies/acl/reader", new { policy = """path "builtin/*" { capabilities = ["read"] }""" }, cancellationToken);
        var created = await host.HandleRequestAsync(
            new BackendRequest
            {
                Operation = Operation.Update,
                Path = "auth/token/create",
                Data = BackendResponse.WithData([new("policies", new[] { "reader" })]).Data,
            },
            RequestCaller.Application,
            cancellationToken);
        var caller = RequestCaller.FromToken(created.Auth!.ClientToken);
        var read = new BackendRequest { Operation = Operation.Read, Path = "builtin/foo" };
        var first = await host.HandleRequestAsync(read, caller, cancellationToken);
        if (first.Response?.Data?["value"].GetString() != "bar")
        {
            throw new InvalidOperationException("the authorized read did not answer value=bar");
        }

        return await sampler.MeasureAsync(async ct => await host.HandleRequestAsync(read, caller, ct), batchSize: 1, cancellationToken);
    }
}
