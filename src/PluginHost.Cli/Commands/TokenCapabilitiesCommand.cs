using System.Text.Json;
using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary>
/// <c>plugin-host token capabilities [TOKEN] PATH</c>: writes <c>sys/capabilities-self</c>, <c>sys/capabilities</c>
/// or (with <c>-accessor</c>) <c>sys/capabilities-accessor</c>, and prints the capabilities on the path.
/// </summary>
internal sealed class TokenCapabilitiesCommand : Command
{
    private BoolFlag _accessor = null!;

    public override string Name => "token capabilities";

    public override string Synopsis => "Print capabilities of a token on a path";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override string HelpText => """
        Usage: plugin-host token capabilities [options] [TOKEN | ACCESSOR] PATH

          Fetches the capabilities of a token or accessor for a given path. If a TOKEN
          is provided as an argument, the "/sys/capabilities" endpoint and permission
          is used. If an ACCESSOR is provided, the "/sys/capabilities-accessor"
          endpoint and permission is used with the value in ACCESSOR. If no TOKEN or
          ACCESSOR is provided, the "/sys/capabilities-self" endpoint and permission
          is used with the locally authenticated token (in embedded mode: the
          application itself, which has every capability).

          List capabilities for the local token on the "secret/foo" path:

              $ plugin-host token capabilities secret/foo

          List capabilities for a token on the "cubbyhole/foo" path:

              $ plugin-host token capabilities 96ddf4bc-d217-f3ba-f9bd-017055595017 cubbyhole/foo

          List capabilities for a token on the "cubbyhole/foo" path via its accessor:

              $ plugin-host token capabilities -accessor 9793c9b3-e04a-46f3-e7b8-748d7da248da cubbyhole/foo
        """;

    protected override void AddFlags(FlagSet flags) =>
        _accessor = flags.Add("Command Options", new BoolFlag("accessor", "Treat the argument as an accessor instead of a token."));

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (_accessor.Value && args.Count != 2)
        {
            run.Ui.Error(args.Count < 2
                ? $"Not enough arguments with -accessor (expected 2, got {args.Count})"
                : $"Too many arguments with -accessor (expected 2, got {args.Count})");
            return 1;
        }

        if (!CheckArguments(run, args, 1, 2, "1-2"))
        {
            return 1;
        }

        var (token, path) = args.Count == 2 ? (args[0].Trim(), args[1]) : ("", args[0]);
        var data = new Dictionary<string, JsonElement>(StringComparer.Ordinal) { ["paths"] = JsonSerializer.SerializeToElement(new[] { path }) };
        var endpoint = TokenTarget.PathFor("sys/capabilities", token, _accessor.Value, data);

        Requests.Secret? secret;
        try
        {
            secret = await run.Client.WriteAsync(endpoint, data, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error listing capabilities", error);
        }

        if (CapabilitiesIn(secret?.Data, path) is not { } capabilities)
        {
            run.Ui.Error("No capabilities found");
            return 1;
        }

        if (!run.Ui.IsTable)
        {
            run.Ui.Output(JsonOutput.Render(writer => JsonOutput.WriteStrings(writer, capabilities)));
            return 0;
        }

        run.Ui.Output(string.Join(", ", capabilities.Order(StringComparer.Ordinal)));
        return 0;
    }

    // Vault's client takes the list under the path, else the older "capabilities".
    private static string[]? CapabilitiesIn(IReadOnlyDictionary<string, JsonElement>? data, string path)
    {
        foreach (var key in (string[])[path, "capabilities"])
        {
            if (data is not null && data.TryGetValue(key, out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0)
            {
                return list.EnumerateArray().Select(c => c.GetString() ?? "").ToArray();
            }
        }

        return null;
    }
}
