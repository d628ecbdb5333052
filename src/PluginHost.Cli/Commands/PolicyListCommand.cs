using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host policy list</c>: lists <c>sys/policies/acl</c>, one name a line.</summary>
internal sealed class PolicyListCommand : Command
{
    public override string Name => "policy list";

    public override string Synopsis => "Lists the installed policies";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override string HelpText => """
        Usage: plugin-host policy list [options]

          Lists the names of the policies that are installed on the host.

          List the available policies:

              $ plugin-host policy list
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 0, 0, "0"))
        {
            return 1;
        }

        IReadOnlyList<string> policies;
        try
        {
            policies = (await run.Client.ListAsync("sys/policies/acl", cancellationToken))?.ListKeys ?? [];
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error listing policies", error);
        }

        if (!run.Ui.IsTable)
        {
            run.Ui.Output(JsonOutput.Render(writer => JsonOutput.WriteStrings(writer, policies)));
            return 0;
        }

        foreach (var policy in policies)
        {
            run.Ui.Output(policy);
        }

        return 0;
    }
}
