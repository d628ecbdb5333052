using Microsoft.Extensions.DependencyInjection;

namespace PluginHost.Hosting;

/// <summary>Configures a plugin host added with <c>AddPluginHost</c>, such as its builtin plugins.</summary>
public interface IPluginHostBuilder
{
    /// <summary>The service collection the host is registered in.</summary>
    IServiceCollection Services { get; }
}
