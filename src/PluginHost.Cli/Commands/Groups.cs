namespace PluginHost.Cli.Commands;

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

    public static GroupCommand Policy => new(
        "policy",
        "Interact with policies",
        """
        Usage: plugin-host policy <subcommand> [options] [args]

          This command groups subcommands for interacting with policies.
          Users can write, read, and list policies in the host.

          List all enabled policies:

              $ plugin-host policy list

          Create a policy named "my-policy" from contents on local disk:

              $ plugin-host policy write my-policy ./my-policy.hcl

          Delete the policy named my-policy:

              $ plugin-host policy delete my-policy

          Please see the individual subcommand help for detailed usage information.
        """);

    public static GroupCommand Token => new(
        "token",
        "Interact with tokens",
        """
        Usage: plugin-host token <subcommand> [options] [args]

          This command groups subcommands for interacting with tokens. Users can
          create, lookup, renew, and revoke tokens.

          Create a new token:

              $ plugin-host token create

          Revoke a token:

              $ plugin-host token revoke 96ddf4bc-d217-f3ba-f9bd-017055595017

          Renew a token:

              $ plugin-host token renew 96ddf4bc-d217-f3ba-f9bd-017055595017

          Please see the individual subcommand help for detailed usage information.
        """);

    public static GroupCommand Lease => new(
        "lease",
        "Interact with leases",
        """
        Usage: plugin-host lease <subcommand> [options] [args]

          This command groups subcommands for interacting with leases. Users can revoke
          or renew leases.

          Renew a lease:

              $ plugin-host lease renew database/creds/readonly/2f6a614c...

          Revoke a lease:

              $ plugin-host lease revoke database/creds/readonly/2f6a614c...
        """);

    public static GroupCommand Audit => new(
        "audit",
        "Interact with audit devices",
        """
        Usage: plugin-host audit <subcommand> [options] [args]

          This command groups subcommands for interacting with the host's audit
          devices. Users can list, enable, and disable audit devices.

          List all enabled audit devices:

              $ plugin-host audit list

          Enable a new audit device "file";

              $ plugin-host audit enable file file_path=/var/log/audit.log

          Please see the individual subcommand help for detailed usage information.
        """);

    public static GroupCommand Operator => new(
        "operator",
        "Perform operator-specific tasks",
        """
        Usage: plugin-host operator <subcommand> [options] [args]

          This command groups subcommands for operators interacting with a
          PluginHost server: its seal and its encryption key. Most users will not
          need to interact with these commands. Here are a few examples of the
          operator commands:

          Initialize a new server (it starts sealed):

              $ plugin-host operator init

          Unseal it with enough of its key shares, one per call:

              $ plugin-host operator unseal

          Rotate the underlying encryption key:

              $ plugin-host operator rotate

          Please see the individual subcommand help for detailed usage information.
        """);

    public static GroupCommand Kv => new(
        "kv",
        "Interact with the key-value secrets engine",
        """
        Usage: plugin-host kv <subcommand> [options] [args]

          This command has subcommands for interacting with the key-value secrets
          engine (kv version 1 or 2, which the commands find out from the mount).
          Here are some simple examples, and more detailed examples are available
          in the subcommands or the documentation.

          Create or update the key named "foo" in the "secret" mount with the value
          "bar=baz":

              $ plugin-host kv put -mount=secret foo bar=baz

          Read this value back:

              $ plugin-host kv get -mount=secret foo

          Get metadata for the key:

              $ plugin-host kv metadata get -mount=secret foo

          Get a specific version of the key:

              $ plugin-host kv get -mount=secret -version=1 foo

          Please see the individual subcommand help for detailed usage information.
        """);

    public static GroupCommand KvMetadata => new(
        "kv metadata",
        "Interact with key-value metadata",
        """
        Usage: plugin-host kv metadata <subcommand> [options] [args]

          This command has subcommands for interacting with the metadata endpoint in
          the key-value store (kv version 2). Here are some simple examples, and more
          detailed examples are available in the subcommands or the documentation.

          Create or update a metadata entry for a key:

              $ plugin-host kv metadata put -mount=secret -max-versions=5 -delete-version-after=3h25m19s foo

          Get the metadata for a key, this provides information about each existing
          version:

              $ plugin-host kv metadata get -mount=secret foo

          Delete a key and all existing versions:

              $ plugin-host kv metadata delete -mount=secret foo

          Please see the individual subcommand help for detailed usage information.
        """);
}
