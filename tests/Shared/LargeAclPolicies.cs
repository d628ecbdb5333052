using System.Globalization;
using System.Text;
using PluginHost.Policies;

namespace PluginHost.Testing;

/// <summary>
/// The policies of the large ACL that the allocation tests and the <c>acl_check_ns_p50</c> benchmark both check:
/// per team, 30 exact paths, 12 <c>*</c> prefixes, 6 <c>+</c> rules and 2 denials (50 rules).
/// </summary>
internal static class LargeAclPolicies
{
    /// <summary>The policy <c>team-N</c>.</summary>
    public static Policy Team(int team)
    {
        var text = new StringBuilder();
        for (var i = 0; i < 30; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"path \"team-{team}/app-{i}/config\" {{ capabilities = [\"read\", \"update\"] }}\n");
        }

        for (var i = 0; i < 12; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"path \"team-{team}/kv/data/app-{i}/*\" {{ capabilities = [\"read\", \"list\"] }}\n");
        }

        for (var i = 0; i < 6; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"path \"team-{team}/+/creds/role-{i}\" {{ capabilities = [\"read\"] }}\n");
        }

        for (var i = 0; i < 2; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"path \"team-{team}/kv/data/app-{i}/admin\" {{ capabilities = [\"deny\"] }}\n");
        }

        return Policy.Parse($"team-{team}", text.ToString());
    }
}
