using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary>
/// <c>plugin-host lease lookup ID</c>: writes <c>sys/leases/lookup</c> with the lease id and prints the lease: when it
/// was issued, when it expires, when it was last renewed, whether it is renewable, and its TTL.
/// </summary>
internal sealed class LeaseLookupCommand : Command
{
    public override string Name => "lease lookup";

    public override string Synopsis => "Lookup the lease of a secret";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override string HelpText => """
        Usage: plugin-host lease lookup ID

          Lookup the lease information of a secret.

          Every leased secret has a lease associated with it. Users can look up
          information on the lease by referencing the lease ID.

          Lookup lease of a secret:

              $ plugin-host lease lookup database/creds/readonly/2f6a614c...
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!LeaseArguments.CheckId(run, args, "1"))
        {
            return 1;
        }

        var leaseId = args[0].Trim();
        Requests.Secret? secret;
        try
        {
            secret = await run.Client.WriteAsync("sys/leases/lookup", LeaseArguments.Data(("lease_id", leaseId)), cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"error looking up lease id {leaseId}", error);
        }

        return secret is null ? 0 : SecretOutput.OutputSecret(run.Ui, secret);
    }
}
