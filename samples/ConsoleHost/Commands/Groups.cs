namespace PluginHost.ConsoleHost.Commands;

/// <summary>The command groups and their help, after Vault's.</summary>
internal static class Groups
{
    public static GroupCommand Secrets => new(
        "secrets",
        "Interact with secrets engines",
        """
        Usage: plugin-host secrets <subcommand> [options] [args]

          This command groups subcommands for interacting with the host's secrets
          engines. Each secrets engine behaves differently. Please see the
          documentation of its plugin for more information.

          List all enabled secrets engines:

              $ plugin-host secrets list

          Enable a new secrets engine:

              $ plugin-host secrets enable -path=my-secrets-plugin my-mock-plugin

          Please see the individual subcommand help for detailed usage information.
        """);

    public static GroupCommand Auth => new(
        "auth",
        "Interact with auth methods",
        """
        Usage: plugin-host auth <subcommand> [options] [args]

          This command groups subcommands for interacting with the host's auth
          methods. Users log in through an auth method at auth/<path>/login/....

          List all enabled auth methods:

              $ plugin-host auth list

          Enable a new auth method "userpass":

              $ plugin-host auth enable userpass

          Please see the individual subcommand help for detailed usage information.
        """);

    public static GroupCommand Plugin => new(
        "plugin",
        "Interact with plugins and catalog",
        """
        Usage: plugin-host plugin <subcommand> [options] [args]

          This command groups subcommands for interacting with the plugin catalog.
          Plugins must be registered before use, and their binaries must be in the
          configured plugin directory.

          List all available plugins in the catalog:

              $ plugin-host plugin list

          Register a new plugin to the catalog:

              $ plugin-host plugin register -sha256=d3f0a8b... secret my-mock-plugin

          Get information about a plugin in the catalog:

              $ plugin-host plugin info secret my-mock-plugin

          Please see the individual subcommand help for detailed usage information.
        """);
}
