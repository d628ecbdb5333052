namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host policy delete NAME</c>: deletes <c>sys/policies/acl/NAME</c>.</summary>
internal sealed class PolicyDeleteCommand : Command
{
    public override string Name => "policy delete";

    public override string Synopsis => "Deletes a policy by name";

    protected override string HelpText => """
        Usage: plugin-host policy delete [options] NAME

          Deletes the policy named NAME in the host. Once the policy is deleted, all
          tokens associated with the policy are affected immediately.

          Delete the policy named "my-policy":

              $ plugin-host policy delete my-policy

          Note that it is not possible to delete the "default" or "root" policies.
          These are built-in policies.
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 1, 1, "1"))
        {
            return 1;
        }

        var name = PolicyNames.Normalize(args[0]);
        try
        {
            await run.Client.DeleteAsync(PolicyNames.PathOf(name), null, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error deleting {name}", error);
        }

        run.Ui.Output($"Success! Deleted policy: {name}");
        return 0;
    }
}
