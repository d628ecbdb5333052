using System.Text.Json;
using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host policy write NAME PATH</c>: uploads the rules in a file (or stdin for <c>-</c>) to <c>sys/policies/acl/NAME</c>.</summary>
internal sealed class PolicyWriteCommand : Command
{
    public override string Name => "policy write";

    public override string Synopsis => "Uploads a named policy from a file";

    protected override string HelpText => """
        Usage: plugin-host policy write [options] NAME PATH

          Uploads a policy with name NAME from the contents of a local file PATH or
          stdin. If PATH is "-", the policy is read from stdin. Otherwise, it is
          loaded from the file at the given path on the local disk.

          Upload a policy named "my-policy" from "/tmp/policy.hcl" on the local disk:

              $ plugin-host policy write my-policy /tmp/policy.hcl

          Upload a policy from stdin:

              $ cat my-policy.hcl | plugin-host policy write my-policy -
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 2, 2, "2"))
        {
            return 1;
        }

        var name = PolicyNames.Normalize(args[0]);
        var path = args[1].Trim();
        string rules;
        if (path == "-")
        {
            try
            {
                rules = await BoundedText.ReadAllAsync(run.Environment.OpenStdin(), cancellationToken);
            }
            catch (IOException error)
            {
                run.Ui.Error($"Error reading policy from stdin: {error.Message}");
                return 2;
            }
        }
        else
        {
            var fullPath = LocalFiles.FullPath(run, path);
            try
            {
                rules = await BoundedText.ReadFileAsync(fullPath, cancellationToken);
            }
            catch (Exception error) when (LocalFiles.IsFileError(error))
            {
                run.Ui.Error($"Error opening policy file: {LocalFiles.Describe(error, path, fullPath)}");
                return 2;
            }
        }

        try
        {
            await run.Client.WriteAsync(
                PolicyNames.PathOf(name),
                new Dictionary<string, JsonElement> { ["policy"] = JsonSerializer.SerializeToElement(rules) },
                cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error uploading policy", error);
        }

        run.Ui.Output($"Success! Uploaded policy: {name}");
        return 0;
    }
}
