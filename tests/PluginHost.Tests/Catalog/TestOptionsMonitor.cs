using Microsoft.Extensions.Options;

namespace PluginHost.Tests.Catalog;

/// <summary>An options monitor whose <see cref="CurrentValue"/> a test can swap, like a configuration reload.</summary>
internal sealed class TestOptionsMonitor(PluginHostOptions value) : IOptionsMonitor<PluginHostOptions>
{
    public PluginHostOptions CurrentValue { get; set; } = value;

    public PluginHostOptions Get(string? name) => CurrentValue;

    public IDisposable? OnChange(Action<PluginHostOptions, string?> listener) => null;
}
