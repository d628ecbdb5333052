using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.HighAvailability;
using PluginHost.Http.Responses;
using Yarp.ReverseProxy.Forwarder;

namespace PluginHost.Http.Forwarding;

/// <summary>
/// What a standby does with a request it cannot serve (Vault's request forwarding): sends it on to the active node
/// over HTTP with YARP's forwarder and relays the answer, or, when forwarding is off or the client sent
/// <c>X-Vault-No-Request-Forwarding</c>, answers 307 with the active node's address. The seal's own paths and
/// <c>sys/leader</c> are each node's own and are never sent on.
/// </summary>
internal sealed partial class StandbyForwarder : IDisposable
{
    /// <summary>The header a client sends to be redirected rather than forwarded.</summary>
    public const string NoForwardingHeader = "X-Vault-No-Request-Forwarding";

    /// <summary>
    /// The header a standby adds to a request it forwards, naming itself. A node that is not active receives it only
    /// when two nodes each took the other for the active one (both saw the lock a moment before it changed hands): it
    /// answers 503 rather than forward again, so a request never circles between standbys.
    /// </summary>
    public const string ForwardedByHeader = "X-PluginHost-Forwarded-By";

    /// <summary>Vault's answer when no node holds the lock (one is failing over, or every node is sealed).</summary>
    public const string NoActiveNode = "no active Vault instance found";

    // Each node answers these itself: its own seal, and where the active node is. sys/seal seals the node asked.
    private static readonly HashSet<string> LocalPaths = new(StringComparer.Ordinal)
    {
        "sys/init", "sys/unseal", "sys/seal-status", "sys/seal", "sys/leader", "sys/health",
    };

    private readonly IHaNode _node;
    private readonly IHttpForwarder _forwarder;
    private readonly IOptions<PluginHostHttpOptions> _options;
    private readonly ILogger _logger;
    private readonly HttpTransformer _transformer;
    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        // Straight to the active node: no proxy from the environment, no redirects followed, no cookies kept.
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = null,
    });

    public StandbyForwarder(IHaNode node, IHttpForwarder forwarder, IOptions<PluginHostHttpOptions> options, ILogger<StandbyForwarder> logger)
    {
        _node = node;
        _transformer = new MarkForwarded(node.ApiAddress ?? "a standby");
        _forwarder = forwarder;
        _options = options;
        _logger = logger;
    }

    /// <summary>Whether this node is a standby and <paramref name="path"/> (below <c>/v1/</c>) is the active node's to serve.</summary>
    public bool Handles(string path) =>
        _node.State == HaNodeState.Standby && !LocalPaths.Contains(string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries)));

    /// <summary>Forwards the request to the active node, or redirects the client to it.</summary>
    public async Task SendOnAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        // The last leader seen, or the lock read now (this node was just unsealed, or the active node just changed).
        if ((_node.Leader ?? await _node.FindLeaderAsync(cancellationToken).ConfigureAwait(false)) is not { IsSelf: false } leader)
        {
            await VaultResponseWriter.WriteErrorAsync(context.Response, StatusCodes.Status503ServiceUnavailable, NoActiveNode, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (context.Request.Headers[ForwardedByHeader] is { Count: > 0 } forwardedBy)
        {
            await VaultResponseWriter.WriteErrorAsync(
                context.Response,
                StatusCodes.Status503ServiceUnavailable,
                $"this node is a standby, and the request was forwarded here by {forwardedBy} as if it were the active node: the active node is changing; try again",
                cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!_options.Value.ForwardStandbyRequests || context.Request.Headers.ContainsKey(NoForwardingHeader))
        {
            var request = context.Request;
            VaultResponseWriter.Prepare(context.Response, StatusCodes.Status307TemporaryRedirect);
            context.Response.Headers.Location = leader.Address.TrimEnd('/') + request.PathBase + request.Path + request.QueryString;
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } serverLimit)
        {
            // The active node applies the request size limit; this one only passes the body through.
            serverLimit.MaxRequestBodySize = null;
        }

        var maxDuration = _options.Value.MaxRequestDuration;
        var config = new ForwarderRequestConfig { ActivityTimeout = maxDuration > TimeSpan.Zero ? maxDuration + TimeSpan.FromSeconds(5) : TimeSpan.FromMinutes(10) };
        var error = await _forwarder.SendAsync(context, leader.Address, _client, config, _transformer).ConfigureAwait(false);
        if (error == ForwarderError.None)
        {
            return;
        }

        var reason = context.Features.Get<IForwarderErrorFeature>()?.Exception?.Message ?? error.ToString();
        LogForwardFailed(_logger, context.Request.Method, context.Request.Path, leader.Address, error, reason);
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        // The active node went away (it may be failing over now): the client tries again, here or on another node.
        await VaultResponseWriter.WriteErrorAsync(
            context.Response,
            error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled ? StatusCodes.Status499ClientClosedRequest : StatusCodes.Status503ServiceUnavailable,
            $"this node is a standby and could not reach the active node at {leader.Address} to forward the request: {reason}",
            cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _client.Dispose();

    // YARP's default copy of the request, marked with the standby that forwarded it.
    private sealed class MarkForwarded(string by) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
            proxyRequest.Headers.TryAddWithoutValidation(ForwardedByHeader, by);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not forward {Method} {Path} to the active node at {Leader}: {Error}: {Reason}")]
    private static partial void LogForwardFailed(ILogger logger, string method, string path, string leader, ForwarderError error, string reason);
}
