namespace PluginHost.Tests.Policies;

/// <summary>The parameter policies of Vault's acl_test.go (mergingPolicies, permissionsPolicy, valuePermissionsPolicy), written out again.</summary>
internal static class VaultParameterTestPolicies
{
    public const string Merging = """
        name = "ops"
        path "foo/bar" {
        	policy = "write"
        	denied_parameters = {
        		"baz" = []
        	}
        	required_parameters = ["baz"]
        }
        path "foo/bar" {
        	policy = "write"
        	denied_parameters = {
        		"zip" = []
        	}
        }
        path "hello/universe" {
        	policy = "write"
        	allowed_parameters = {
        		"foo" = []
        	}
        	required_parameters = ["foo"]
        	max_wrapping_ttl = 300
        	min_wrapping_ttl = 100
        }
        path "hello/universe" {
        	policy = "write"
        	allowed_parameters = {
        		"bar" = []
        	}
        	required_parameters = ["bar"]
        	max_wrapping_ttl = 200
        	min_wrapping_ttl = 50
        }
        path "allow/all" {
        	policy = "write"
        	allowed_parameters = {
        		"test" = []
        		"test1" = ["foo"]
        	}
        }
        path "allow/all" {
        	policy = "write"
        	allowed_parameters = {
        		"*" = []
        	}
        }
        path "allow/all1" {
        	policy = "write"
        	allowed_parameters = {
        		"*" = []
        	}
        }
        path "allow/all1" {
        	policy = "write"
        	allowed_parameters = {
        		"test" = []
        		"test1" = ["foo"]
        	}
        }
        path "deny/all" {
        	policy = "write"
        	denied_parameters = {
        		"test" = []
        	}
        }
        path "deny/all" {
        	policy = "write"
        	denied_parameters = {
        		"*" = []
        	}
        }
        path "deny/all1" {
        	policy = "write"
        	denied_parameters = {
        		"*" = []
        	}
        }
        path "deny/all1" {
        	policy = "write"
        	denied_parameters = {
        		"test" = []
        	}
        }
        path "value/merge" {
        	policy = "write"
        	allowed_parameters = {
        		"test" = [1, 2]
        	}
        	denied_parameters = {
        		"test" = [1, 2]
        	}
        }
        path "value/merge" {
        	policy = "write"
        	allowed_parameters = {
        		"test" = [3, 4]
        	}
        	denied_parameters = {
        		"test" = [3, 4]
        	}
        }
        path "value/empty" {
        	policy = "write"
        	allowed_parameters = {
        		"empty" = []
        	}
        	denied_parameters = {
        		"empty" = [1]
        	}
        }
        path "value/empty" {
        	policy = "write"
        	allowed_parameters = {
        		"empty" = [1]
        	}
        	denied_parameters = {
        		"empty" = []
        	}
        }
        """;

    public const string Permissions = """
        name = "dev"
        path "dev/*" {
        	policy = "write"
        	allowed_parameters = {
        		"zip" = []
        	}
        }
        path "foo/bar" {
        	policy = "write"
        	denied_parameters = {
        		"zap" = []
        	}
        	min_wrapping_ttl = 300
        	max_wrapping_ttl = 400
        }
        path "foo/baz" {
        	policy = "write"
        	allowed_parameters = {
        		"hello" = []
        	}
        	denied_parameters = {
        		"zap" = []
        	}
        	min_wrapping_ttl = 300
        }
        path "working/phone" {
        	policy = "write"
        	max_wrapping_ttl = 400
        }
        path "broken/phone" {
        	policy = "write"
        	allowed_parameters = {
        	  "steve" = []
        	}
        	denied_parameters = {
        	  "steve" = []
        	}
        }
        path "hello/world" {
        	policy = "write"
        	allowed_parameters = {
        		"*" = []
        	}
        	denied_parameters = {
        		"*" = []
        	}
        }
        path "tree/fort" {
        	policy = "write"
        	allowed_parameters = {
        		"*" = []
        	}
        	denied_parameters = {
        		"foo" = []
        	}
        }
        path "fruit/apple" {
        	policy = "write"
        	allowed_parameters = {
        		"pear" = []
        	}
        	denied_parameters = {
        		"*" = []
        	}
        }
        path "cold/weather" {
        	policy = "write"
        	allowed_parameters = {}
        	denied_parameters = {}
        }
        path "var/aws" {
        	policy = "write"
        	allowed_parameters = {
        		"*" = []
        	}
        	denied_parameters = {
        		"soft" = []
        		"warm" = []
        		"kitty" = []
        	}
        }
        path "var/req" {
        	policy = "write"
        	required_parameters = ["foo"]
        }
        """;

    public const string ValuePermissions = """
        name = "op"
        path "dev/*" {
        	policy = "write"
        	allowed_parameters = {
        		"allow" = ["good"]
        	}
        }
        path "foo/bar" {
        	policy = "write"
        	denied_parameters = {
        		"deny" = ["bad*"]
        	}
        }
        path "foo/baz" {
        	policy = "write"
        	allowed_parameters = {
        		"ALLOW" = ["good"]
        	}
        	denied_parameters = {
        		"dEny" = ["bad"]
        	}
        }
        path "fizz/buzz" {
        	policy = "write"
        	allowed_parameters = {
        		"allow_multi" = ["good", "good1", "good2", "*good3"]
        		"allow" = ["good"]
        	}
        	denied_parameters = {
        		"deny_multi" = ["bad", "bad1", "bad2"]
        	}
        }
        path "test/types" {
        	policy = "write"
        	allowed_parameters = {
        		"map" = [{"good" = "one"}]
        		"int" = [1, 2]
        		"bool" = [false]
        	}
        	denied_parameters = {
        	}
        }
        path "test/star" {
        	policy = "write"
        	allowed_parameters = {
        		"*" = []
        		"foo" = []
        		"bar" = [false]
        	}
        	denied_parameters = {
        	}
        }
        """;
}
