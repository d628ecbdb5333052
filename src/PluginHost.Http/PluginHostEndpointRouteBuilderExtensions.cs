using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PluginHost.Http.Endpoints;

namespace PluginHost.Http;

/// <summary>Maps Vault's HTTP API onto an application's endpoints.</summary>
public static class PluginHostEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the host registered with <c>AddPluginHost</c> under <paramref name="prefix"/> (Vault's <c>/v1</c>):
    /// <c>sys/health</c> without a token, and every other path (the system paths and the mounts) with Vault's methods,
    /// envelope, errors and status codes. Call <see cref="PluginHostHttpServiceCollectionExtensions.AddPluginHostHttp"/> first.
    /// </summary>
    /// <param name="endpoints">The application's endpoint builder (a <c>WebApplication</c>).</param>
    /// <param name="prefix">The path the API is served under.</param>
    /// <returns>The group of the mapped endpoints, to add conventions (CORS, rate limits) to.</returns>
    /// <exception cref="InvalidOperationException"><c>AddPluginHostHttp</c> was not called.</exception>
    public static RouteGroupBuilder MapPluginHost(this IEndpointRouteBuilder endpoints, string prefix = "/v1")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        if (services.GetService<LogicalEndpoint>() is null)
        {
            throw new InvalidOperationException("MapPluginHost needs services.AddPluginHostHttp(...) (and AddPluginHost) at startup.");
        }

        var group = endpoints.MapGroup(prefix);
        group.Map("sys/health", (HttpContext context, HealthEndpoint health) => health.HandleAsync(context));
        group.Map("{**path}", (HttpContext context, string? path, LogicalEndpoint logical) => logical.HandleAsync(context, path ?? ""));
        return group;
    }
}
