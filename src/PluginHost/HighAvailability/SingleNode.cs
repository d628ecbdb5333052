namespace PluginHost.HighAvailability;

/// <summary>A host whose storage is not shared: it serves alone.</summary>
internal sealed class SingleNode : IHaNode
{
    public static SingleNode Instance { get; } = new();

    public HaNodeState State => HaNodeState.Disabled;

    public string? ApiAddress => null;

    public DateTimeOffset? ActiveSince => null;

    public HaLeader? Leader => null;

    public ValueTask<HaLeader?> FindLeaderAsync(CancellationToken cancellationToken) => ValueTask.FromResult<HaLeader?>(null);
}
