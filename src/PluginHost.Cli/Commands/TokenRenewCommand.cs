using System.Text.Json;
using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary>
/// <c>plugin-host token renew [TOKEN]</c>: writes <c>auth/token/renew-self</c>, <c>renew</c> or (with <c>-accessor</c>)
/// <c>renew-accessor</c>, and prints the renewed token's table.
/// </summary>
internal sealed class TokenRenewCommand : Command
{
    private BoolFlag _accessor = null!;
    private DurationFlag _increment = null!;
    private BoolFlag _failIfNotFulfilled = null!;

    public override string Name => "token renew";

    public override string Synopsis => "Renew a token lease";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override string HelpText => """
        Usage: plugin-host token renew [options] [TOKEN]

          Renews a token's lease, extending the amount of time it can be used. If a
          TOKEN is not provided, the locally authenticated token is used. A token
          accessor can be used as well. Lease renewal will fail if the token is not
          renewable, the token has already been revoked, or if the token has already
          reached its maximum TTL.

          Renew a token (this uses the /auth/token/renew endpoint and permission):

              $ plugin-host token renew 96ddf4bc-d217-f3ba-f9bd-017055595017

          Renew the currently authenticated token (this uses the /auth/token/renew-self
          endpoint and permission):

              $ plugin-host token renew

          Renew a token requesting a specific increment value:

              $ plugin-host token renew -increment=30m 96ddf4bc-d217-f3ba-f9bd-017055595017
        """;

    protected override void AddFlags(FlagSet flags)
    {
        _accessor = flags.Add("Command Options", new BoolFlag(
            "accessor",
            "Treat the argument as an accessor instead of a token. When this option is selected, the output will " +
            "NOT include the token."));
        _increment = flags.Add(
            "Command Options",
            new DurationFlag(
                "increment",
                "Request a specific increment for renewal. If not supplied, the host will use the token's own TTL. " +
                "This is specified as a numeric string with suffix like \"30s\" or \"5m\". This is aliased as \"-i\"."),
            "i");
        _failIfNotFulfilled = flags.Add("Command Options", new BoolFlag(
            "fail-if-not-fulfilled",
            "Fail if the requested TTL increment cannot be fully fulfilled."));
    }

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (args.Count > 1)
        {
            run.Ui.Error($"Too many arguments (expected 1, got {args.Count})");
            return 1;
        }

        var token = args.Count == 1 ? args[0].Trim() : "";
        var increment = (long)_increment.Value.TotalSeconds;
        var data = new Dictionary<string, JsonElement>(StringComparer.Ordinal) { ["increment"] = JsonSerializer.SerializeToElement(increment) };
        var path = TokenTarget.PathFor("auth/token/renew", token, _accessor.Value, data);

        Requests.Secret? secret;
        try
        {
            secret = await run.Client.WriteAsync(path, data, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error renewing token", error);
        }

        if (_failIfNotFulfilled.Value && (secret?.Auth?.LeaseDuration ?? 0) < increment)
        {
            run.Ui.Output("Token renewal completed with capped duration, failing the command because of --fail-if-not-fulfilled");
            return 1;
        }

        return secret is null ? 0 : SecretOutput.OutputSecret(run.Ui, secret);
    }
}
