namespace PluginHost.Cli.Tests.Executable;

/// <summary>The policy commands through real plugin-host runs in embedded mode (the application itself: every capability).</summary>
[TestClass]
public sealed class PolicyTests
{
    private const string Messy = """
        # Developers read secrets
        path "secret/*" {   # everything below secret/
        capabilities=["read","list",]   // no writes


              allowed_parameters = {
                  "*" = []
          }
        }
        path "sys/*" { capabilities = [
          "deny"  # never
        ] }
        """;

    private const string Formatted = """
        # Developers read secrets
        path "secret/*" { # everything below secret/
          capabilities = ["read", "list"] // no writes

          allowed_parameters = {
            "*" = []
          }
        }

        path "sys/*" {
          capabilities = [
            "deny", # never
          ]
        }

        """;

    [TestMethod]
    public void WriteFromAFile_ReadBack_List_Delete_AndTheBuiltinPoliciesAreRefused()
    {
        using var sandbox = new Sandbox();
        File.WriteAllText(Path.Join(sandbox.Root, "dev.hcl"), Formatted);

        sandbox.Run("policy", "write", "Dev", "dev.hcl").Is(0, "Success! Uploaded policy: dev\n");
        sandbox.Run("policy", "read", "dev").Is(0, Formatted);
        sandbox.Run("policy", "list").Is(0, "default\ndev\nroot\n");
        sandbox.RunWithStdin("path \"kv/*\" { capabilities = [\"read\"] }\n", "policy", "write", "kv-reader", "-").Is(0, "Success! Uploaded policy: kv-reader\n");
        sandbox.Run("policy", "list", "-format=json").Is(0, "[\n  \"default\",\n  \"dev\",\n  \"kv-reader\",\n  \"root\"\n]\n");

        sandbox.Run("policy", "delete", "dev").Is(0, "Success! Deleted policy: dev\n");
        sandbox.Run("policy", "read", "dev").Is(2, "", "No policy named: dev\n");

        sandbox.Run("policy", "write", "root", "dev.hcl").Is(2, "", """
            Error uploading policy: Error making API request.

            Request: write sys/policies/acl/root
            Code: 400. Errors:

            * cannot update "root" policy

            """);
        sandbox.Run("policy", "delete", "root").Is(2, "", """
            Error deleting root: Error making API request.

            Request: delete sys/policies/acl/root
            Code: 400. Errors:

            * cannot delete "root" policy

            """);
        sandbox.Run("policy", "delete", "default").Is(2, "", """
            Error deleting default: Error making API request.

            Request: delete sys/policies/acl/default
            Code: 400. Errors:

            * cannot delete "default" policy

            """);
        File.WriteAllText(Path.Join(sandbox.Root, "bad.hcl"), "path \"/\" { capabilities = [\"banana\"] }\n");
        sandbox.Run("policy", "write", "bad", "bad.hcl").Is(2, "", """
            Error uploading policy: Error making API request.

            Request: write sys/policies/acl/bad
            Code: 400. Errors:

            * failed to parse policy: path "/": invalid capability "banana"

            """);
    }

    [TestMethod]
    public void Fmt_RewritesAMessyFileCanonically_KeepingItsComments_AndRefusesAnInvalidOne()
    {
        using var sandbox = new Sandbox();
        var file = Path.Join(sandbox.Root, "messy.hcl");
        File.WriteAllText(file, Messy);

        sandbox.Run("policy", "fmt", "messy.hcl").Is(0, "Success! Formatted policy: messy.hcl\n");
        Assert.AreEqual(Formatted, File.ReadAllText(file));
        sandbox.Run("policy", "fmt", "messy.hcl").Is(0, "Success! Formatted policy: messy.hcl\n");
        Assert.AreEqual(Formatted, File.ReadAllText(file), "formatting is idempotent");

        File.WriteAllText(file, "path \"a\" { capabilities = [\"read\"] }\npath \"b\" { nonsense = true }\n");
        sandbox.Run("policy", "fmt", "messy.hcl").Is(1, "", "failed to parse policy: path \"b\": invalid key \"nonsense\" on line 2\n");
        Assert.IsFalse(Directory.Exists(sandbox.Data), "fmt never opens the host");
    }
}
