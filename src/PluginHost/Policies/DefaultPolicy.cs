namespace PluginHost.Policies;

/// <summary>
/// The text of the <c>default</c> policy a host starts with: Vault's default policy, keeping the rules for the paths
/// PluginHost serves (a token may look up, renew and revoke itself and ask its own capabilities). Vault's rules for
/// cubbyhole, response wrapping, identity, control groups and <c>sys/internal/ui</c> are left out: those paths do not exist here.
/// </summary>
internal static class DefaultPolicy
{
    public const string Name = "default";

    public const string Text = """
        # Allow tokens to look up their own properties
        path "auth/token/lookup-self" {
            capabilities = ["read"]
        }

        # Allow tokens to renew themselves
        path "auth/token/renew-self" {
            capabilities = ["update"]
        }

        # Allow tokens to revoke themselves
        path "auth/token/revoke-self" {
            capabilities = ["update"]
        }

        # Allow a token to look up its own capabilities on a path
        path "sys/capabilities-self" {
            capabilities = ["update"]
        }

        # Allow a token to renew a lease via lease_id in the request body
        path "sys/leases/renew" {
            capabilities = ["update"]
        }

        # Allow looking up lease properties
        path "sys/leases/lookup" {
            capabilities = ["update"]
        }

        """;
}
