using System.Text.Json;
using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary>
/// <c>plugin-host token revoke [TOKEN]</c>: writes <c>auth/token/revoke</c> (the token and its children),
/// <c>revoke-accessor</c> with <c>-accessor</c>, or <c>revoke-self</c> with <c>-self</c>.
/// </summary>
internal sealed class TokenRevokeCommand : Command
{
    private BoolFlag _accessor = null!;
    private BoolFlag _self = null!;

    public override string Name => "token revoke";

    public override string Synopsis => "Revoke a token and its children";

    protected override string HelpText => """
        Usage: plugin-host token revoke [options] [TOKEN | ACCESSOR]

          Revokes authentication tokens and their children. If a TOKEN is not provided,
          the -self flag must be given to revoke the locally authenticated token.

          Revoke a token and all the token's children:

              $ plugin-host token revoke 96ddf4bc-d217-f3ba-f9bd-017055595017

          Revoke a token by accessor:

              $ plugin-host token revoke -accessor 9793c9b3-e04a-46f3-e7b8-748d7da248da

          Revoke the locally authenticated token:

              $ plugin-host token revoke -self
        """;

    protected override void AddFlags(FlagSet flags)
    {
        _accessor = flags.Add("Command Options", new BoolFlag("accessor", "Treat the argument as an accessor instead of a token."));
        _self = flags.Add("Command Options", new BoolFlag("self", "Perform the revocation on the currently authenticated token."));
    }

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        string? problem = (_self.Value, args.Count) switch
        {
            (true, > 0) => $"Too many arguments with -self (expected 0, got {args.Count})",
            (false, > 1) => $"Too many arguments (expected 1 or -self, got {args.Count})",
            (false, < 1) => $"Not enough arguments (expected 1 or -self, got {args.Count})",
            _ when _self.Value && _accessor.Value => "Cannot use -self with -accessor!",
            _ => null,
        };
        if (problem is not null)
        {
            run.Ui.Error(problem);
            return 1;
        }

        (string Path, Dictionary<string, JsonElement>? Data) request = _self.Value
            ? ("auth/token/revoke-self", null)
            : _accessor.Value
                ? ("auth/token/revoke-accessor", Data("accessor", args[0].Trim()))
                : ("auth/token/revoke", Data("token", args[0].Trim()));
        try
        {
            await run.Client.WriteAsync(request.Path, request.Data, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error revoking token", error);
        }

        run.Ui.Output("Success! Revoked token (if it existed)");
        return 0;
    }

    private static Dictionary<string, JsonElement> Data(string name, string value) =>
        new(StringComparer.Ordinal) { [name] = JsonSerializer.SerializeToElement(value) };
}
