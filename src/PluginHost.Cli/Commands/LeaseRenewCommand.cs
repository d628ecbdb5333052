using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary>
/// <c>plugin-host lease renew [-increment=DURATION] ID</c>: writes <c>sys/leases/renew</c> with the lease id and the
/// increment in seconds, and prints the renewed lease (<c>lease_id</c>, <c>lease_duration</c>, <c>lease_renewable</c>).
/// </summary>
internal sealed class LeaseRenewCommand : Command
{
    private DurationFlag _increment = null!;

    public override string Name => "lease renew";

    public override string Synopsis => "Renews the lease of a secret";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override string HelpText => """
        Usage: plugin-host lease renew [options] ID

          Renews the lease on a secret, extending the time that it can be used before
          it is revoked by the host.

          Every leased secret has a lease associated with it. If the owner of the
          secret wants to use it longer than the lease, then it must be renewed.
          Renewing the lease does not change the contents of the secret. The ID is the
          full path lease ID.

          Renew a secret:

              $ plugin-host lease renew database/creds/readonly/2f6a614c...

          Lease renewal will fail if the secret is not renewable, the secret has already
          been revoked, or if the secret has already reached its maximum TTL.
        """;

    protected override void AddFlags(FlagSet flags) =>
        _increment = flags.Add("Command Options", new DurationFlag(
            "increment",
            "Request a specific increment in seconds. The host is not required to honor this request."));

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        // Vault's wording, "1-2" included, though a second argument is refused.
        if (!LeaseArguments.CheckId(run, args, "1-2"))
        {
            return 1;
        }

        var leaseId = args[0].Trim();
        var increment = (long)_increment.Value.TotalSeconds;
        Requests.Secret? secret;
        try
        {
            secret = await run.Client.WriteAsync("sys/leases/renew", LeaseArguments.Data(("increment", increment), ("lease_id", leaseId)), cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, $"Error renewing {leaseId}", error);
        }

        return secret is null ? 0 : SecretOutput.OutputSecret(run.Ui, secret);
    }
}
