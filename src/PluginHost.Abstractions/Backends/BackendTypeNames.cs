namespace PluginHost;

/// <summary>Converts <see cref="BackendType"/> to and from the lower-case names Vault uses in paths and output.</summary>
public static class BackendTypeNames
{
    /// <summary>Returns Vault's name of <paramref name="type"/>: <c>secret</c>, <c>auth</c> or <c>database</c>.</summary>
    /// <param name="type">The backend type.</param>
    /// <returns>The lower-case name.</returns>
    public static string ToName(this BackendType type) => type switch
    {
        BackendType.Secret => "secret",
        BackendType.Auth => "auth",
        BackendType.Database => "database",
        _ => "unknown",
    };

    /// <summary>Parses Vault's name of a plugin type (<c>secret</c>, <c>auth</c>, <c>database</c>), ignoring case.</summary>
    /// <param name="name">The name to parse.</param>
    /// <param name="type">The parsed type, or <see cref="BackendType.Unknown"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="name"/> names a type.</returns>
    public static bool TryParse(string? name, out BackendType type)
    {
        type = name?.ToUpperInvariant() switch
        {
            "SECRET" => BackendType.Secret,
            "AUTH" => BackendType.Auth,
            "DATABASE" => BackendType.Database,
            _ => BackendType.Unknown,
        };
        return type != BackendType.Unknown;
    }

    /// <summary>Parses a plugin type name or throws a <see cref="PluginHostException"/> that lists the valid names.</summary>
    /// <param name="name">The name to parse.</param>
    /// <returns>The parsed type.</returns>
    public static BackendType Parse(string? name) =>
        TryParse(name, out var type)
            ? type
            : throw new PluginHostException(
                ErrorCode.BadRequest,
                $"\"{name}\" is not a valid plugin type; use one of: secret, auth, database");

    /// <summary>
    /// The error for a plugin mounted where its type does not belong, in Vault's words:
    /// <c>cannot mount 'NAME' of type 'secret' as an auth method</c>.
    /// </summary>
    /// <param name="pluginName">The plugin's catalog name.</param>
    /// <param name="pluginType">What the plugin is.</param>
    /// <param name="mountedAs">What it was to be mounted as.</param>
    /// <returns>A <see cref="ErrorCode.BadRequest"/> error to throw.</returns>
    public static PluginHostException WrongTypeError(string pluginName, BackendType pluginType, BackendType mountedAs)
    {
        var wanted = mountedAs switch
        {
            BackendType.Auth => "an auth method",
            BackendType.Database => "a database plugin",
            _ => "a secrets engine",
        };
        return new PluginHostException(ErrorCode.BadRequest, $"cannot mount '{pluginName}' of type '{pluginType.ToName()}' as {wanted}");
    }
}
