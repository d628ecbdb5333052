using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PluginHost.Http.Endpoints;

namespace PluginHost.Http;

/// <summary>Registers what <see cref="PluginHostEndpointRouteBuilderExtensions.MapPluginHost"/> serves with.</summary>
public static class PluginHostHttpServiceCollectionExtensions
{
    /// <summary>Adds the HTTP API's services and settings; the host itself comes from <c>AddPluginHost</c>.</summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets <see cref="PluginHostHttpOptions"/>.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddPluginHostHttp(this IServiceCollection services, Action<PluginHostHttpOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DevRootToken>();
        services.TryAddSingleton<Requests.RequestBodyBudget>();
        services.TryAddSingleton<LogicalEndpoint>();
        services.TryAddSingleton<HealthEndpoint>();
        services.AddHttpForwarder();
        services.TryAddSingleton<Forwarding.StandbyForwarder>();
        return services;
    }
}
