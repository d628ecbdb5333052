using System.Text.Json;
using PluginHost.Policies;

namespace PluginHost.Tests.Policies;

/// <summary>
/// The policies of Vault's acl_test.go, written out again for these tests. Vault's own also grant "recover", which
/// PluginHost does not have; those grants are left out.
/// </summary>
internal static class VaultTestPolicies
{
    public const string AclPolicy = """
        name = "DeV"
        path "dev/*" {
        	policy = "sudo"
        }
        path "stage/*" {
        	policy = "write"
        }
        path "stage/aws/*" {
        	policy = "read"
        	capabilities = ["update", "sudo"]
        }
        path "stage/aws/policy/*" {
        	policy = "sudo"
        }
        path "prod/*" {
        	policy = "read"
        }
        path "prod/aws/*" {
        	policy = "deny"
        }
        path "sys/*" {
        	policy = "deny"
        }
        path "foo/bar" {
        	capabilities = ["read", "create", "sudo"]
        }
        path "baz/quux" {
        	capabilities = ["read", "create", "patch"]
        }
        path "test/+/segment" {
        	capabilities = ["read"]
        }
        path "+/segment/at/front" {
        	capabilities = ["read"]
        }
        path "test/segment/at/end/+" {
        	capabilities = ["read"]
        }
        path "test/segment/at/end/v2/+/" {
        	capabilities = ["read"]
        }
        path "test/+/wildcard/+/*" {
        	capabilities = ["read"]
        }
        path "test/+/wildcardglob/+/end*" {
        	capabilities = ["read"]
        }
        path "1/2/*" {
        	capabilities = ["create"]
        }
        path "1/2/+" {
        	capabilities = ["read"]
        }
        path "1/2/+/+" {
        	capabilities = ["update"]
        }
        """;

    public const string AclPolicy2 = """
        name = "OpS"
        path "dev/hide/*" {
        	policy = "deny"
        }
        path "stage/aws/policy/*" {
        	policy = "deny"
        	# This should have no effect
        	capabilities = ["read", "update", "sudo"]
        }
        path "prod/*" {
        	policy = "write"
        }
        path "sys/seal" {
        	policy = "sudo"
        }
        path "foo/bar" {
        	capabilities = ["deny"]
        }
        path "baz/quux" {
        	capabilities = ["deny"]
        }
        """;

    /// <summary>An ACL of the policies given as (name, text) pairs.</summary>
    public static Acl AclOf(params (string Name, string Text)[] policies) =>
        PluginHost.Policies.Acl.Create(policies.Select(p => Policy.Parse(p.Name, p.Text)));

    /// <summary>Request data from a JSON object, such as <c>{"allow": "good"}</c>.</summary>
    public static Dictionary<string, JsonElement> Data(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }
}
