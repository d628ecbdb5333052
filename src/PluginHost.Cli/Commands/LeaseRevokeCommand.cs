using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary>
/// <c>plugin-host lease revoke [-prefix] [-force] [-sync] ID</c>: writes <c>sys/leases/revoke/ID</c>,
/// <c>sys/leases/revoke-prefix/ID</c> (sudo) with <c>-prefix</c>, or <c>sys/leases/revoke-force/ID</c> (sudo) with
/// <c>-force -prefix</c>, as Vault's client does (<c>sync</c> in the body, except when forced).
/// </summary>
internal sealed class LeaseRevokeCommand : Command
{
    private BoolFlag _force = null!;
    private BoolFlag _prefix = null!;
    private BoolFlag _sync = null!;

    public override string Name => "lease revoke";

    public override string Synopsis => "Revokes leases and secrets";

    protected override string HelpText => """
        Usage: plugin-host lease revoke [options] ID

          Revokes secrets by their lease ID. This command can revoke a single secret
          or multiple secrets based on a path-matched prefix.

          Vault revokes asynchronously unless -sync or -force is given; PluginHost
          always revokes before it answers, and a lease whose secrets engine fails to
          revoke it is kept and retried (including across restarts). The messages
          are Vault's: without -sync the command says the revocations were queued.

          Revoke a single lease:

              $ plugin-host lease revoke database/creds/readonly/2f6a614c...

          Revoke all leases for a role:

              $ plugin-host lease revoke -prefix aws/creds/deploy

          Force delete leases even if secret engine revocation fails:

              $ plugin-host lease revoke -force -prefix consul/creds

          -prefix and -force need the "sudo" capability on their paths
          (sys/leases/revoke-prefix/..., sys/leases/revoke-force/...).
        """;

    protected override void AddFlags(FlagSet flags)
    {
        _force = flags.Add(
            "Command Options",
            new BoolFlag(
                "force",
                "Delete the lease even if the secret engine revocation fails. This is meant for recovery situations " +
                "where the secret in the target secret engine was manually removed. If this flag is specified, " +
                "-prefix is also required."),
            "f");
        _prefix = flags.Add("Command Options", new BoolFlag(
            "prefix",
            "Treat the ID as a prefix instead of an exact lease ID. This can revoke multiple leases simultaneously."));
        _sync = flags.Add("Command Options", new BoolFlag(
            "sync",
            "Force a synchronous operation; on failure it is up to the client to retry."));
    }

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 1, 1, "1"))
        {
            return 1;
        }

        if (_force.Value && !_prefix.Value)
        {
            run.Ui.Error("Specifying -force requires also specifying -prefix");
            return 1;
        }

        var leaseId = args[0].Trim();
        if (_force.Value)
        {
            run.Ui.Warn(TextWrap.WithPadding("Warning! Force-removing leases can cause Vault to become out of sync with secret engines!", 0));
        }

        // Vault's api.RevokeWithOptions: the id (or prefix) in the path, and "sync" in the body unless forced.
        var path = (_force.Value ? "sys/leases/revoke-force/" : _prefix.Value ? "sys/leases/revoke-prefix/" : "sys/leases/revoke/") + leaseId;
        try
        {
            await run.Client.WriteAsync(path, _force.Value ? null : LeaseArguments.Data(("sync", _sync.Value)), cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(
                run,
                _force.Value ? $"Error force revoking leases with prefix {leaseId}"
                : _prefix.Value ? $"Error revoking leases with prefix {leaseId}"
                : $"Error revoking lease {leaseId}",
                error);
        }

        run.Ui.Output(
            _force.Value ? $"Success! Force revoked any leases with prefix: {leaseId}"
            : !_sync.Value ? "All revocation operations queued successfully!"
            : _prefix.Value ? $"Success! Revoked any leases with prefix: {leaseId}"
            : $"Success! Revoked lease: {leaseId}");
        return 0;
    }
}
