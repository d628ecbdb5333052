using System.Text.Json;
using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary>
/// <c>plugin-host operator init [-key-shares=5] [-key-threshold=3] [-status]</c>: writes <c>sys/init</c> on a running
/// server and prints the unseal key shares and the initial root token as Vault's CLI does; <c>-status</c> reads it
/// (exit 0 initialized, 2 not, 1 error).
/// </summary>
internal sealed class OperatorInitCommand : Command
{
    private const string Section = "Common Options";

    private BoolFlag _status = null!;
    private IntFlag _shares = null!;
    private IntFlag _threshold = null!;

    public override string Name => "operator init";

    public override string Synopsis => "Initializes a server";

    protected override OutputFlags OutputFlags => OutputFlags.Format;

    protected override bool UsesHost => false;

    protected override string HelpText => """
        Usage: plugin-host operator init [options]

          Initializes a PluginHost server. Initialization is the process by which the
          server's data directory is prepared to receive data: any data it already
          holds, written without encryption, is encrypted on the way.

          During initialization, the server generates an in-memory root key and applies
          Shamir's secret sharing algorithm to disassemble that root key into a
          configurable number of key shares such that a configurable subset of those
          key shares must come together to regenerate the root key. These keys are
          often called "unseal keys". The server stays sealed: unseal it with
          "plugin-host operator unseal".

          This command cannot be run against an already-initialized server, and needs
          one running: set PLUGIN_HOST_ADDR (or VAULT_ADDR) to its address.

          Start initialization with the default options:

              $ plugin-host operator init

          Initialize with a single key share:

              $ plugin-host operator init -key-shares=1 -key-threshold=1
        """;

    protected override void AddFlags(FlagSet flags)
    {
        _status = flags.Add(Section, new BoolFlag(
            "status",
            "Print the current initialization status. An exit code of 0 means the server is already initialized. An " +
            "exit code of 1 means an error occurred. An exit code of 2 means the server is not initialized."));
        _shares = flags.Add(Section, new IntFlag(
            "key-shares",
            "Number of key shares to split the generated root key into. This is the number of \"unseal keys\" to " +
            "generate.",
            5), "n");
        _threshold = flags.Add(Section, new IntFlag(
            "key-threshold",
            "Number of key shares required to reconstruct the root key. This must be less than or equal to -key-shares.",
            3), "t");
    }

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 0, 0, "0"))
        {
            return 1;
        }

        if (_status.Value)
        {
            return await StatusAsync(run, cancellationToken);
        }

        if (!ServerOnly.Check(run, this))
        {
            return 1;
        }

        Requests.Secret? answer;
        try
        {
            answer = await run.Client.WriteAsync(
                "sys/init",
                new Dictionary<string, JsonElement>(StringComparer.Ordinal)
                {
                    ["secret_shares"] = JsonSerializer.SerializeToElement(_shares.Value),
                    ["secret_threshold"] = JsonSerializer.SerializeToElement(_threshold.Value),
                },
                cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error initializing", error);
        }

        var data = answer?.Data ?? new Dictionary<string, JsonElement>();
        var keysHex = Strings(data, "keys");
        var keysBase64 = Strings(data, "keys_base64");
        var rootToken = data.TryGetValue("root_token", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString()! : "";
        if (!run.Ui.IsTable)
        {
            run.Ui.Output(MachineInit(keysHex, keysBase64, rootToken));
            return 0;
        }

        for (var i = 0; i < keysHex.Length; i++)
        {
            run.Ui.Output($"Unseal Key {i + 1}: {(keysBase64.Length == keysHex.Length ? keysBase64[i] : keysHex[i])}");
        }

        run.Ui.Output("");
        run.Ui.Output($"Initial Root Token: {rootToken}");
        run.Ui.Output("");
        run.Ui.Output(TextWrap.WithPadding(
            $"PluginHost initialized with {_shares.Value} key shares and a key threshold of {_threshold.Value}. Please " +
            "securely distribute the key shares printed above. When PluginHost is re-sealed, restarted, or stopped, " +
            $"you must supply at least {_threshold.Value} of these keys to unseal it before it can start servicing " +
            "requests.",
            0));
        run.Ui.Output("");
        run.Ui.Output(TextWrap.WithPadding(
            $"PluginHost does not store the generated root key. Without at least {_threshold.Value} keys to " +
            "reconstruct the root key, PluginHost will remain permanently sealed!",
            0));
        return 0;
    }

    // Vault's "operator init -status": exit 2 means "not initialized", so an error is 1 here.
    private async Task<int> StatusAsync(CommandRun run, CancellationToken cancellationToken)
    {
        if (!ServerOnly.Check(run, this))
        {
            return 1;
        }

        bool initialized;
        try
        {
            var answer = await run.Client.ReadAsync("sys/init", null, cancellationToken);
            initialized = answer?.Data is { } data && data.TryGetValue("initialized", out var value) && value.ValueKind == JsonValueKind.True;
        }
        catch (Exception error) when (IsRequestError(error))
        {
            run.Ui.Error($"Error checking init status: {error.Message}");
            return 1;
        }

        if (run.Ui.IsTable)
        {
            run.Ui.Output(initialized ? "Vault is initialized" : "Vault is not initialized");
        }
        else
        {
            run.Ui.Output(JsonOutput.Render(writer =>
            {
                writer.WriteStartObject();
                writer.WriteBoolean("initialized", initialized);
                writer.WriteEndObject();
            }));
        }

        return initialized ? 0 : 2;
    }

    // Vault's machineInit: the keys both ways, the counts asked for, and empty recovery keys (PluginHost has none).
    private string MachineInit(string[] keysHex, string[] keysBase64, string rootToken) => JsonOutput.Render(writer =>
    {
        writer.WriteStartObject();
        writer.WritePropertyName("unseal_keys_b64");
        JsonOutput.WriteStrings(writer, keysBase64);
        writer.WritePropertyName("unseal_keys_hex");
        JsonOutput.WriteStrings(writer, keysHex);
        writer.WriteNumber("unseal_shares", _shares.Value);
        writer.WriteNumber("unseal_threshold", _threshold.Value);
        writer.WritePropertyName("recovery_keys_b64");
        JsonOutput.WriteStrings(writer, []);
        writer.WritePropertyName("recovery_keys_hex");
        JsonOutput.WriteStrings(writer, []);
        writer.WriteNumber("recovery_keys_shares", 0);
        writer.WriteNumber("recovery_keys_threshold", 0);
        writer.WriteString("root_token", rootToken);
        writer.WriteEndObject();
    });

    private static string[] Strings(IReadOnlyDictionary<string, JsonElement> data, string name) =>
        data.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.GetString() ?? "").ToArray()
            : [];
}
