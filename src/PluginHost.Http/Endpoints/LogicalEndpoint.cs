using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Hosting;
using PluginHost.Http.Auth;
using PluginHost.Http.Requests;
using PluginHost.Http.Responses;

namespace PluginHost.Http.Endpoints;

/// <summary>
/// Serves every <c>/v1/&lt;path&gt;</c> the way Vault's logical handler does: checks the token, translates the request,
/// sends it to <see cref="IPluginHost"/> (the system paths and the mounts) and writes Vault's answer.
/// </summary>
internal sealed partial class LogicalEndpoint(
    IPluginHost host,
    Authenticator authenticator,
    TokenEndpoint tokenPaths,
    LoginTokens logins,
    IOptions<PluginHostHttpOptions> options,
    ILogger<LogicalEndpoint> logger)
{
    // Vault's injectDataIntoTopRoutes that PluginHost serves: mount listings repeat their data at the top level.
    private static readonly string[] InjectedRoots = ["sys/mounts", "sys/auth", "sys/remount"];

    public async Task HandleAsync(HttpContext context, string path)
    {
        var cancellationToken = context.RequestAborted;
        var requestId = Guid.NewGuid().ToString();
        try
        {
            var token = ClientToken.Of(context.Request);
            var caller = await authenticator.AuthenticateAsync(token, cancellationToken).ConfigureAwait(false);
            RequestPath.Validate(path);
            if (TokenEndpoint.Serves(path))
            {
                await tokenPaths.HandleAsync(context, path, caller ?? throw PermissionDenied(), requestId).ConfigureAwait(false);
                return;
            }

            // No token (or an unknown one) reaches only a backend's unauthenticated paths, such as a login.
            if (caller is null
                ? !await host.Mounts.IsUnauthenticatedAsync(path, cancellationToken).ConfigureAwait(false)
                : !Authenticator.MayCall(caller, path))
            {
                throw PermissionDenied();
            }

            AllowBodiesUpToTheLimit(context);
            var request = await VaultRequestReader.ReadAsync(
                context.Request, path, caller?.Token, requestId, options.Value.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
            var answer = await host.HandleRequestAsync(request, cancellationToken).ConfigureAwait(false);
            await WriteAnswerAsync(context.Response, request, answer, cancellationToken).ConfigureAwait(false);
        }
        catch (VaultHttpException refused)
        {
            await VaultResponseWriter.WriteErrorAsync(context.Response, refused.StatusCode, refused.ErrorMessage, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException badRequest)
        {
            // The server's own refusals while reading the request (a malformed or truncated body).
            await VaultResponseWriter.WriteErrorAsync(context.Response, badRequest.StatusCode, badRequest.Message, cancellationToken).ConfigureAwait(false);
        }
        catch (PluginHostException error)
        {
            // ErrorCode values are Vault's HTTP statuses; the messages already use Vault's wording.
            await VaultResponseWriter.WriteErrorAsync(context.Response, (int)error.Code, error.Message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away: nobody is left to answer.
        }
        catch (Exception error)
        {
            LogUnexpected(logger, error, context.Request.Method, path, requestId);
            await VaultResponseWriter.WriteErrorAsync(
                context.Response, StatusCodes.Status500InternalServerError, $"internal error (request {requestId})", cancellationToken).ConfigureAwait(false);
        }
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

    private async Task WriteAnswerAsync(HttpResponse response, BackendRequest request, BackendResponse? answer, CancellationToken cancellationToken)
    {
        if (answer is null)
        {
            // Nothing at a read or a list is Vault's 404 with an empty error list; any other operation succeeded quietly.
            if (request.Operation is Operation.Read or Operation.List)
            {
                await VaultResponseWriter.WriteErrorAsync(response, StatusCodes.Status404NotFound, null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                VaultResponseWriter.WriteNoContent(response);
            }

            return;
        }

        if (answer.Redirect is { Length: > 0 } redirect)
        {
            VaultResponseWriter.Prepare(response, StatusCodes.Status307TemporaryRedirect);
            response.Headers.Location = redirect;
            return;
        }

        if (request.Operation == Operation.List && answer.GetListKeys().Count == 0 && answer.Warnings is not { Count: > 0 })
        {
            await VaultResponseWriter.WriteErrorAsync(response, StatusCodes.Status404NotFound, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        var inject = InjectedRoots.Any(root => request.Path == root || request.Path.StartsWith(root + "/", StringComparison.Ordinal));
        var system = request.Path.StartsWith("sys/", StringComparison.Ordinal);
        var mount = system ? null : await host.Mounts.ResolveAsync(request.Path, cancellationToken).ConfigureAwait(false);

        // A login's answer carries the token it earned, issued here, as Vault's core does after the backend answers:
        // only for an auth method's unauthenticated (login) path, whatever else a backend puts in its answers.
        var issued = answer.Auth is { } auth && mount is { Table: BackendType.Auth }
            && await host.Mounts.IsUnauthenticatedAsync(request.Path, cancellationToken).ConfigureAwait(false)
            ? await logins.IssueAsync(auth, mount, request.Path, cancellationToken).ConfigureAwait(false)
            : null;
        await VaultResponseWriter.WriteEnvelopeAsync(
            response, request.RequestId, answer, system ? "system" : mount?.PluginName ?? "", inject, cancellationToken, issued).ConfigureAwait(false);
    }

    private static VaultHttpException PermissionDenied() => new(StatusCodes.Status403Forbidden, "permission denied");

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} /v1/{Path} failed unexpectedly (request {RequestId})")]
    private static partial void LogUnexpected(ILogger logger, Exception error, string method, string path, string requestId);
}
