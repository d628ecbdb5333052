namespace PluginHost.Catalog;

/// <summary>A backend compiled into the host, listed in the catalog as <c>builtin: true</c>.</summary>
/// <param name="Name">The catalog name (<c>kv</c>, <c>userpass</c>).</param>
/// <param name="Type">Whether it is a secrets engine or an auth method.</param>
/// <param name="Factory">Creates a new backend instance for each mount.</param>
/// <remarks>An external registration of the same type and name shadows it.</remarks>
public sealed record BuiltinPlugin(string Name, BackendType Type, Func<IServiceProvider, IBackend> Factory)
{
    /// <summary>The version the catalog reports for the builtin, such as <c>v0.1.0+builtin</c>.</summary>
    public string? Version { get; init; }
}
