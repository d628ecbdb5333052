using System.Globalization;
using System.Text.RegularExpressions;
using PluginHost.HighAvailability;
using PluginHost.Sdk;

namespace PluginHost.SystemPaths;

/// <summary>
/// Vault's <c>sys/ha-status</c> (the nodes sharing the storage, and which one is active) and <c>sys/step-down</c>
/// (sudo: the active node gives the HA lock up so another takes over). Both are served by the active node; on a host
/// whose storage is not shared, the one node is active and a step-down does nothing, as in Vault.
/// </summary>
/// <param name="node">This node's place among the hosts.</param>
/// <param name="coordinator">The coordinator when the storage is shared, else <see langword="null"/>.</param>
internal sealed partial class HaSystemPaths(IHaNode node, HaCoordinator? coordinator)
{
    /// <summary>The routes, relative to <c>sys/</c>.</summary>
    public IEnumerable<PathRoute> Routes =>
    [
        new PathRoute
        {
            Pattern = HaStatusPattern(),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Read] = HaStatusAsync },
            Synopsis = "The hosts sharing this storage: their API addresses, which one is active, when each was last heard from.",
        },
        new PathRoute
        {
            Pattern = StepDownPattern(),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Update] = StepDownAsync, [Operation.Create] = StepDownAsync },
            Synopsis = "Makes the active node give up the HA lock, so that a standby takes over; it does not try again for 10 seconds.",
        },
    ];

    private async ValueTask<BackendResponse?> HaStatusAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var nodes = new List<object?>();
        if (coordinator is null)
        {
            nodes.Add(Node("", active: true, lastSeen: null));
        }
        else
        {
            foreach (var entry in await coordinator.NodesAsync(cancellationToken).ConfigureAwait(false))
            {
                var active = entry.Identity == coordinator.Identity && node.State == HaNodeState.Active;
                nodes.Add(Node(entry.Value, active, active ? null : entry.LastSeen));
            }
        }

        return BackendResponse.WithData(new Dictionary<string, object?> { ["nodes"] = nodes });
    }

    private ValueTask<BackendResponse?> StepDownAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        coordinator?.StepDown();
        return ValueTask.FromResult<BackendResponse?>(null);
    }

    private static Dictionary<string, object?> Node(string apiAddress, bool active, DateTimeOffset? lastSeen) => new()
    {
        ["hostname"] = Uri.TryCreate(apiAddress, UriKind.Absolute, out var uri) ? uri.Host : Environment.MachineName,
        ["api_address"] = apiAddress,
        ["cluster_address"] = "",
        ["active_node"] = active,
        ["last_echo"] = lastSeen?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
        ["version"] = typeof(HaSystemPaths).Assembly.GetName().Version?.ToString(3),
    };

    [GeneratedRegex("^ha-status$")]
    private static partial Regex HaStatusPattern();

    [GeneratedRegex("^step-down$")]
    private static partial Regex StepDownPattern();
}
