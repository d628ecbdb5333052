namespace PluginHost.Protocol;

/// <summary>The environment variables a host sets for a plugin process it starts (protocol version 1).</summary>
/// <remarks>See <c>docs/protocol.md</c>. A plugin started without <see cref="MagicCookieKey"/> set to <see cref="MagicCookieValue"/> was not started by a host.</remarks>
public static class PluginEnvironment
{
    /// <summary>The name of the variable that proves the process was started by a host.</summary>
    public const string MagicCookieKey = "PLUGINHOST_MAGIC_COOKIE";

    /// <summary>The value of <see cref="MagicCookieKey"/>. It is not a secret: it only stops people from running a plugin by hand by mistake.</summary>
    public const string MagicCookieValue = "5d2b0c47-4c3e-4f61-9a52-d1a8f2e6c9b0";

    /// <summary>The path of the Unix domain socket (or the name of the named pipe on Windows) the plugin connects to.</summary>
    public const string Socket = "PLUGINHOST_SOCKET";

    /// <summary>The one-time token the plugin presents in <c>plugin.hello</c>.</summary>
    public const string Token = "PLUGINHOST_TOKEN";

    /// <summary>The protocol versions the host speaks, comma-separated, such as <c>1</c>.</summary>
    public const string ProtocolVersions = "PLUGINHOST_PROTOCOL_VERSIONS";

    /// <summary>The catalog name the plugin was registered under, for its logs.</summary>
    public const string PluginName = "PLUGINHOST_PLUGIN_NAME";

    /// <summary>What a plugin prints to stderr, exiting with code 1, when started without the magic cookie.</summary>
    public const string NotMeantToBeRunMessage = "This binary is a plugin. These are not meant to be executed directly.";
}
