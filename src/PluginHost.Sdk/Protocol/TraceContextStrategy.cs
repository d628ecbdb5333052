using System.Diagnostics;
using System.Globalization;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace PluginHost.Sdk.Protocol;

/// <summary>
/// Carries the W3C trace context across the plugin protocol, on both ends: an outgoing request takes the current
/// span's <c>traceparent</c>/<c>tracestate</c>, and an incoming one is served under a server span whose parent is
/// that remote context, with the <c>rpc.*</c> tags.
/// </summary>
/// <remarks>
/// Not StreamJsonRpc's <see cref="ActivityTracingStrategy"/>: it samples the server span before it knows the parent,
/// so a sampler that reads the trace id (OpenTelemetry's) gives the span a new trace, cut from the caller's; and it
/// starts an activity for every request even when nobody listens. Here the span starts with its parent known, only
/// what arrives is its parent (never whatever was current when the connection started), and with nobody listening a
/// request with a trace context still runs under a plain activity carrying it, so log lines keep the trace id.
/// </remarks>
internal sealed class TraceContextStrategy : IActivityTracingStrategy
{
    /// <summary>The one instance both ends use.</summary>
    public static TraceContextStrategy Instance { get; } = new();

    /// <inheritdoc/>
    public void ApplyOutboundActivity(JsonRpcRequest request)
    {
        if (PluginHostTelemetry.TracingEnabled && Activity.Current is { IdFormat: ActivityIdFormat.W3C } current)
        {
            request.TraceParent = current.Id;
            request.TraceState = current.TraceStateString;
        }
    }

    /// <inheritdoc/>
    public IDisposable? ApplyInboundActivity(JsonRpcRequest request)
    {
        if (!PluginHostTelemetry.TracingEnabled)
        {
            return null;
        }

        var name = request.Method ?? "rpc";
        var remote = request.TraceParent is { } traceParent
            && ActivityContext.TryParse(traceParent, request.TraceState, isRemote: true, out var parent)
                ? parent
                : (ActivityContext?)null;
        var prior = Activity.Current;
        Activity.Current = null;
        var activity = remote is { } context
            ? PluginHostTelemetry.ActivitySource.StartActivity(name, ActivityKind.Server, context) ?? Untracked(name, context, request.TraceState)
            : PluginHostTelemetry.ActivitySource.StartActivity(name, ActivityKind.Server);
        if (activity is null)
        {
            Activity.Current = prior;
            return null;
        }

        if (activity.IsAllDataRequested)
        {
            RpcTags.Add(activity, name);
            activity.SetTag("rpc.jsonrpc.request_id", request.RequestId.String ?? request.RequestId.Number?.ToString(CultureInfo.InvariantCulture));
        }

        return new Scope(activity, prior);
    }

    // Nobody records spans here, but the caller traces: an activity nobody exports keeps the trace id for the logs.
    private static Activity Untracked(string name, ActivityContext parent, string? traceState)
    {
        var activity = new Activity(name);
        activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
        activity.TraceStateString = traceState;
        return activity.Start();
    }

    private sealed class Scope(Activity activity, Activity? prior) : IDisposable
    {
        public void Dispose()
        {
            activity.Stop();
            Activity.Current = prior;
        }
    }
}

/// <summary>OpenTelemetry's RPC attributes for a call on the plugin protocol (JSON-RPC 2.0).</summary>
internal static class RpcTags
{
    /// <summary>Adds <c>rpc.system</c>, <c>rpc.method</c> and <c>rpc.jsonrpc.version</c> to <paramref name="activity"/>.</summary>
    public static void Add(Activity activity, string method)
    {
        activity.SetTag("rpc.system", "jsonrpc");
        activity.SetTag("rpc.method", method);
        activity.SetTag("rpc.jsonrpc.version", "2.0");
    }
}
