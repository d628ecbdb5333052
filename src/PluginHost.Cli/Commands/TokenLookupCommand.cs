using System.Text.Json;
using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary>
/// <c>plugin-host token lookup [TOKEN]</c>: reads <c>auth/token/lookup-self</c>, or writes <c>auth/token/lookup</c>
/// (<c>lookup-accessor</c> with <c>-accessor</c>), and prints the token's properties.
/// </summary>
internal sealed class TokenLookupCommand : Command
{
    private BoolFlag _accessor = null!;

    public override string Name => "token lookup";

    public override string Synopsis => "Display information about a token";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override string HelpText => """
        Usage: plugin-host token lookup [options] [TOKEN | ACCESSOR]

          Displays information about a token or accessor. If a TOKEN is not provided,
          the locally authenticated token is used (in client mode; in embedded mode the
          caller is the application itself, which has no token).

          Get information about the locally authenticated token (this uses the
          /auth/token/lookup-self endpoint and permission):

              $ plugin-host token lookup

          Get information about a particular token (this uses the /auth/token/lookup
          endpoint and permission):

              $ plugin-host token lookup 96ddf4bc-d217-f3ba-f9bd-017055595017

          Get information about a token via its accessor:

              $ plugin-host token lookup -accessor 9793c9b3-e04a-46f3-e7b8-748d7da248da
        """;

    protected override void AddFlags(FlagSet flags) =>
        _accessor = flags.Add("Command Options", new BoolFlag(
            "accessor",
            "Treat the argument as an accessor instead of a token. When this option is selected, the output will " +
            "NOT include the token."));

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (_accessor.Value && args.Count != 1)
        {
            run.Ui.Error(args.Count < 1
                ? $"Not enough arguments with -accessor (expected 1, got {args.Count})"
                : $"Too many arguments with -accessor (expected 1, got {args.Count})");
            return 1;
        }

        if (args.Count > 1)
        {
            run.Ui.Error($"Too many arguments (expected 0-1, got {args.Count})");
            return 1;
        }

        var token = args.Count == 1 ? args[0].Trim() : "";
        Requests.Secret? secret;
        try
        {
            secret = token.Length == 0
                ? await run.Client.ReadAsync("auth/token/lookup-self", null, cancellationToken)
                : _accessor.Value
                    ? await run.Client.WriteAsync("auth/token/lookup-accessor", Data("accessor", token), cancellationToken)
                    : await run.Client.WriteAsync("auth/token/lookup", Data("token", token), cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error looking up token", error);
        }

        return secret is null ? 0 : SecretOutput.OutputSecret(run.Ui, secret);
    }

    private static Dictionary<string, JsonElement> Data(string name, string value) =>
        new(StringComparer.Ordinal) { [name] = JsonSerializer.SerializeToElement(value) };
}
