using StreamJsonRpc;

namespace PluginHost.Benchmarks.BareChild;

/// <summary>What the harness calls: a direct answer, and an answer that needs one call back into the harness.</summary>
public sealed class ChildTarget
{
    public JsonRpc? Rpc { get; set; }

    /// <summary>Answers at once (<c>jsonrpc_child_first_rpc_ms_p50</c>).</summary>
    [JsonRpcMethod("storage.get", UseSingleObjectParameterDeserialization = true)]
    public Task<ChildResult> GetAsync(ChildParams parameters, CancellationToken cancellationToken) =>
        Task.FromResult(new ChildResult { Value = parameters?.Key is null ? "" : "bar" });

    /// <summary>Answers with what the harness answers to <c>host.get</c>: the callback floor.</summary>
    [JsonRpcMethod("kv.read", UseSingleObjectParameterDeserialization = true)]
    public async Task<ChildResult> ReadAsync(ChildParams parameters, CancellationToken cancellationToken) =>
        await Rpc!.InvokeWithParameterObjectAsync<ChildResult>("host.get", parameters, cancellationToken);
}
