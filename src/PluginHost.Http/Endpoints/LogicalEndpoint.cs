using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Authorization;
using PluginHost.Hosting;
using PluginHost.Http.Forwarding;
using PluginHost.Http.Requests;
using PluginHost.Http.Responses;
using PluginHost.Routing;

namespace PluginHost.Http.Endpoints;

/// <summary>
/// Serves every <c>/v1/&lt;path&gt;</c> the way Vault's logical handler does: translates the HTTP request, hands it with
/// the client's token to <see cref="IPluginHost"/> — which authenticates, authorizes, routes and issues tokens — and
/// writes Vault's answer from what the host answered, without asking the host anything else.
/// </summary>
internal sealed partial class LogicalEndpoint(
    IPluginHost host,
    DevRootToken devRootToken,
    RequestBodyBudget bodyBudget,
    IOptions<PluginHostHttpOptions> options,
    TimeProvider timeProvider,
    StandbyForwarder standby,
    ILogger<LogicalEndpoint> logger)
{
    // Vault's injectDataIntoTopRoutes that PluginHost serves: these answers repeat their data at the top level.
    private static readonly string[] InjectedRoots =
        ["sys/mounts", "sys/auth", "sys/remount", "sys/policy", "sys/capabilities", "sys/capabilities-self", "sys/capabilities-accessor", "sys/audit", "sys/audit-hash"];

    // Vault's raw handlers: their answers are the bare object, without the envelope.
    private static readonly string[] BareAnswers = ["sys/init", "sys/unseal", "sys/seal-status", "sys/leader"];

    public async Task HandleAsync(HttpContext context, string path)
    {
        if (standby.Handles(path))
        {
            // This node is a standby: the active node serves it (and audits it, and applies the limits).
            await standby.SendOnAsync(context).ConfigureAwait(false);
            return;
        }

        var requestId = Guid.NewGuid().ToString();
        var span = HttpSpan.Start(context, path, requestId);
        try
        {
            await HandleAsync(context, path, requestId).ConfigureAwait(false);
        }
        finally
        {
            HttpSpan.End(span, context);
        }
    }

    private async Task HandleAsync(HttpContext context, string path, string requestId)
    {
        var maxDuration = options.Value.MaxRequestDuration;
        using var deadline = new CancellationTokenSource(maxDuration > TimeSpan.Zero ? maxDuration : Timeout.InfiniteTimeSpan, timeProvider);
        using var requestToken = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, deadline.Token);
        var cancellationToken = requestToken.Token;
        using var heldBody = bodyBudget.Open();
        try
        {
            await devRootToken.EnsureStoredAsync(cancellationToken).ConfigureAwait(false);
            AllowBodiesUpToTheLimit(context);
            var request = await VaultRequestReader.ReadAsync(context.Request, path, requestId, options.Value.MaxRequestBodyBytes, heldBody, cancellationToken).ConfigureAwait(false);
            var caller = RequestCaller.FromToken(ClientToken.Of(context.Request)) with
            {
                RemoteAddress = context.Connection.RemoteIpAddress?.ToString(),
                RemotePort = context.Connection.RemotePort == 0 ? null : context.Connection.RemotePort,
            };
            var answer = await host.HandleRequestAsync(request, caller, cancellationToken).ConfigureAwait(false);
            await WriteAnswerAsync(context.Response, answer, cancellationToken).ConfigureAwait(false);
        }
        catch (VaultHttpException refused)
        {
            await FailAsync(context, refused.StatusCode, refused.ErrorMessage).ConfigureAwait(false);
        }
        catch (BadHttpRequestException badRequest)
        {
            // The server's own refusals while reading the request (a malformed or truncated body).
            await FailAsync(context, badRequest.StatusCode, badRequest.Message).ConfigureAwait(false);
        }
        catch (PluginHostException error) when (error is { Code: ErrorCode.Internal, InnerException: { } cause } && cause is not PluginHostException)
        {
            // An exception nobody meant for a client (the host logged it with its stack under this request id): its
            // message may name paths, hosts or internals, so the client gets the id only.
            await FailAsync(context, StatusCodes.Status500InternalServerError, $"internal error (request {requestId})").ConfigureAwait(false);
        }
        catch (PluginHostException error)
        {
            // ErrorCode values are Vault's HTTP statuses; the messages already use Vault's wording.
            await FailAsync(context, (int)error.Code, error.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            // Vault's max_request_duration: the work was cancelled (down to the plugin); the client still waits.
            LogDeadlineExceeded(logger, context.Request.Method, path, maxDuration.TotalSeconds, requestId);
            await FailAsync(context, StatusCodes.Status504GatewayTimeout,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"request exceeded max_request_duration of {maxDuration.TotalSeconds:0.###}s (request {requestId})")).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody is left to answer.
        }
        catch (Exception error)
        {
            LogUnexpected(logger, error, context.Request.Method, path, requestId);
            await FailAsync(context, StatusCodes.Status500InternalServerError, $"internal error (request {requestId})").ConfigureAwait(false);
        }
    }

    // An answer already under way cannot become an error answer: the connection is cut so the client sees a failure.
    private static Task FailAsync(HttpContext context, int statusCode, string? message)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        return VaultResponseWriter.WriteErrorAsync(context.Response, statusCode, message, context.RequestAborted);
    }

    // The server's limit (Kestrel: 30 MB by default) is lifted just above ours, so that ours, which says how to change
    // it, is the one a client meets.
    private void AllowBodiesUpToTheLimit(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } serverLimit)
        {
            var limit = options.Value.MaxRequestBodyBytes;
            serverLimit.MaxRequestBodySize = limit < 0 ? null : limit + 1;
        }
    }

    private static async Task WriteAnswerAsync(HttpResponse response, HostResponse answer, CancellationToken cancellationToken)
    {
        var body = answer.Response;
        if (answer.Auth is { } issued)
        {
            // A login's or token creation's answer: the token goes in the auth block, whatever data came with it.
            body ??= new BackendResponse();
        }
        else if (body is null)
        {
            // Nothing at a read or a list is Vault's 404 with an empty error list; any other operation succeeded quietly.
            if (answer.Operation is Operation.Read or Operation.List)
            {
                await VaultResponseWriter.WriteErrorAsync(response, StatusCodes.Status404NotFound, null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                VaultResponseWriter.WriteNoContent(response);
            }

            return;
        }

        if (answer.Operation == Operation.Help)
        {
            await VaultResponseWriter.WriteHelpAsync(response, body.Data, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (body.Redirect is { Length: > 0 } redirect)
        {
            VaultResponseWriter.Prepare(response, StatusCodes.Status307TemporaryRedirect);
            response.Headers.Location = redirect;
            return;
        }

        if (answer.Operation == Operation.List && body.GetListKeys().Count == 0 && body.Warnings is not { Count: > 0 })
        {
            await VaultResponseWriter.WriteErrorAsync(response, StatusCodes.Status404NotFound, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (answer.MountType == "system" && answer.Path == "sys/metrics" && RawAnswer.Of(body) is { } raw)
        {
            // sys/metrics: Vault answers its JSON or Prometheus text as it is. Only that system path may: a plugin (or
            // a system answer whose keys come from names users choose) could otherwise serve any content type.
            await VaultResponseWriter.WriteRawAsync(response, raw.Status, raw.ContentType, raw.Body, cancellationToken).ConfigureAwait(false);
            return;
        }

        var path = answer.Path;
        if (BareAnswers.Contains(path) && answer.Operation != Operation.Help)
        {
            await VaultResponseWriter.WriteBareAsync(response, body.Data, cancellationToken).ConfigureAwait(false);
            return;
        }

        var inject = InjectedRoots.Any(root => path == root || path.StartsWith(root + "/", StringComparison.Ordinal));
        await VaultResponseWriter.WriteEnvelopeAsync(response, answer.RequestId, body, answer.MountType, inject, cancellationToken, answer.Auth, answer.LeaseId).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} /v1/{Path} took longer than max_request_duration ({Seconds}s) and was cancelled (request {RequestId})")]
    private static partial void LogDeadlineExceeded(ILogger logger, string method, string path, double seconds, string requestId);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} /v1/{Path} failed unexpectedly (request {RequestId})")]
    private static partial void LogUnexpected(ILogger logger, Exception error, string method, string path, string requestId);
}
