using System.Text.Json;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host policy read NAME</c>: reads <c>sys/policies/acl/NAME</c> and prints its rules.</summary>
internal sealed class PolicyReadCommand : Command
{
    public override string Name => "policy read";

    public override string Synopsis => "Prints the contents of a policy";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override string HelpText => """
        Usage: plugin-host policy read [options] [NAME]

          Prints the contents and metadata of the policy named NAME. If the policy
          does not exist, an error is returned.

          Read the policy named "my-policy":

              $ plugin-host policy read my-policy
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 1, 1, "1"))
        {
            return 1;
        }

        var name = PolicyNames.Normalize(args[0]);
        Requests.Secret? secret;
        try
        {
            secret = await run.Client.ReadAsync(PolicyNames.PathOf(name), null, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error reading policy named {name}", error);
        }

        var rules = secret?.Data is { } data && data.TryGetValue("policy", out var policy) && policy.ValueKind == JsonValueKind.String
            ? policy.GetString()!
            : "";
        if (rules.Length == 0)
        {
            run.Ui.Error($"No policy named: {name}");
            return 2;
        }

        return run.Ui.IsTable
            ? Print(run, rules.Trim())
            : SecretOutput.OutputData(run.Ui, new Dictionary<string, JsonElement> { ["policy"] = JsonSerializer.SerializeToElement(rules) });
    }

    private static int Print(CommandRun run, string rules)
    {
        run.Ui.Output(rules);
        return 0;
    }
}
