using System.Text.Json;
using PluginHost.Cli.Requests;

namespace PluginHost.Cli.Output;

/// <summary>Vault's JSON envelope of a response (<c>api.Secret</c>), fields in Vault's order, <c>auth</c> only for logins.</summary>
internal static class SecretJson
{
    public static void Write(Utf8JsonWriter writer, Secret secret)
    {
        writer.WriteStartObject();
        writer.WriteString("request_id", secret.RequestId);
        writer.WriteString("lease_id", secret.LeaseId);
        writer.WriteNumber("lease_duration", secret.LeaseDuration);
        writer.WriteBoolean("renewable", secret.Renewable);
        writer.WritePropertyName("data");
        JsonOutput.WriteSortedMap(writer, secret.Data);
        writer.WritePropertyName("warnings");
        JsonOutput.WriteStrings(writer, secret.Warnings);
        if (secret.Auth is { } auth)
        {
            writer.WritePropertyName("auth");
            WriteAuth(writer, auth);
        }

        writer.WriteEndObject();
    }

    // Vault's api.SecretAuth, fields in its order.
    private static void WriteAuth(Utf8JsonWriter writer, SecretAuth auth)
    {
        writer.WriteStartObject();
        writer.WriteString("client_token", auth.ClientToken);
        writer.WriteString("accessor", auth.Accessor);
        writer.WritePropertyName("policies");
        JsonOutput.WriteStrings(writer, auth.Policies);
        writer.WritePropertyName("token_policies");
        JsonOutput.WriteStrings(writer, auth.TokenPolicies);
        writer.WritePropertyName("identity_policies");
        JsonOutput.WriteStrings(writer, auth.IdentityPolicies.Count == 0 ? null : auth.IdentityPolicies);
        if (auth.Metadata.Count == 0)
        {
            // Go's nil map.
            writer.WriteNull("metadata");
        }
        else
        {
            writer.WriteStartObject("metadata");
            foreach (var (key, value) in auth.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }
        writer.WriteBoolean("orphan", auth.Orphan);
        writer.WriteString("entity_id", auth.EntityId);
        writer.WriteNumber("lease_duration", auth.LeaseDuration);
        writer.WriteBoolean("renewable", auth.Renewable);
        writer.WriteNull("mfa_requirement");
        writer.WriteEndObject();
    }
}
