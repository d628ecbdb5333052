using System.Text.Json;
using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Hosting;
using PluginHost.Cli.Output;
using PluginHost.Cli.Requests;

namespace PluginHost.Cli.Commands;

/// <summary>
/// <c>plugin-host login [TOKEN]</c> or <c>plugin-host login -method=userpass username=U [password=P]</c>: checks a
/// token with <c>auth/token/lookup-self</c>, or logs in at <c>auth/PATH/login/U</c>, then stores the token in
/// <c>~/.plugin-host-token</c> (<see cref="TokenFile"/>) for later commands in client mode.
/// </summary>
internal sealed class LoginCommand : Command
{
    private const string Section = "Command Options";

    private static readonly string[] Methods = ["token", "userpass"];

    private StringFlag _method = null!;
    private StringFlag _path = null!;
    private BoolFlag _noStore = null!;
    private BoolFlag _noPrint = null!;
    private BoolFlag _tokenOnly = null!;

    public override string Name => "login";

    public override string Synopsis => "Authenticate locally";

    protected override OutputFlags OutputFlags => OutputFlags.Format | OutputFlags.Field;

    protected override string HelpText => """
        Usage: plugin-host login [options] [AUTH K=V...]

          Authenticates users or machines to the host using the provided arguments. A
          successful authentication results in a token - conceptually similar to a
          session token on a website. By default, this token is stored in
          ~/.plugin-host-token, and later commands in client mode (PLUGIN_HOST_ADDR
          set) use it when neither PLUGIN_HOST_TOKEN nor VAULT_TOKEN is set.

          The default auth method is "token". If not supplied via the CLI, the token
          is read from the terminal (or one line of stdin). If the argument is "-",
          the value is read from stdin.

              $ plugin-host login 96ddf4bc-d217-f3ba-f9bd-017055595017

          The -method flag allows using another auth method: "userpass", for the
          builtin userpass method and plugins with its login API. For it, additional
          "K=V" pairs are required: username, and password (prompted for when left
          out).

              $ plugin-host login -method=userpass username=my-username

          If an auth method is enabled at a non-standard path, the -method flag still
          refers to the canonical type, but the -path flag refers to the enabled path.
          If a userpass method was enabled at "people", authenticate like this:

              $ plugin-host login -method=userpass -path=people username=my-username
        """;

    protected override void AddFlags(FlagSet flags)
    {
        _method = flags.Add(Section, new StringFlag(
            "method",
            "string",
            "Type of authentication to use such as \"userpass\". Note this corresponds to the TYPE, not the enabled " +
            "path. Use -path to specify the path where the authentication is enabled. The default is token.",
            "token"));
        _path = flags.Add(Section, new StringFlag(
            "path",
            "string",
            "Remote path in the host where the auth method is enabled. This defaults to the TYPE of method (e.g. " +
            "userpass -> userpass/)."));
        _noStore = flags.Add(Section, new BoolFlag(
            "no-store",
            "Do not persist the token to ~/.plugin-host-token after authentication. The token will only be displayed " +
            "in the command output. The default is false."));
        _noPrint = flags.Add(Section, new BoolFlag(
            "no-print",
            "Do not display the token. The token will still be stored in ~/.plugin-host-token. The default is false."));
        _tokenOnly = flags.Add(Section, new BoolFlag(
            "token-only",
            "Output only the token with no verification. This flag is a shortcut for \"-field=token -no-store\". " +
            "Setting those flags to other values will have no affect. The default is false."));
    }

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var noStore = _noStore.Value || _tokenOnly.Value;
        var field = _tokenOnly.Value ? "token" : Field;
        if (noStore && _noPrint.Value)
        {
            run.Ui.Error("-no-store and -no-print cannot be used together");
            return 1;
        }

        var method = Paths.Sanitize(_method.Value) is { Length: > 0 } given ? given : "token";
        if (!Methods.Contains(method))
        {
            run.Ui.Error(TextWrap.WithPadding(
                $"Unknown auth method: {method}. Use \"{PluginHostCli.Name} auth list\" to see the complete list of auth methods. " +
                "Additionally, some auth methods are only available via the HTTP API.",
                0));
            return 1;
        }

        var arguments = args.ToList();
        if (method == "token" && arguments.Count > 0 && !arguments[0].Contains('=', StringComparison.Ordinal))
        {
            arguments[0] = "token=" + arguments[0];
        }

        Dictionary<string, string> config;
        try
        {
            config = new KeyValueBuilder(run.Environment.OpenStdin, run.Environment.CurrentDirectory).Add(arguments).ToData()
                .ToDictionary(p => p.Key, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);
        }
        catch (UsageException error)
        {
            run.Ui.Error($"Error parsing configuration: {error.Message}");
            return 1;
        }

        var mount = config.TryGetValue("mount", out var m) && m.Length > 0 ? m : _path.Value.Length > 0 ? _path.Value : method;
        Secret? secret;
        try
        {
            secret = method == "token"
                ? await TokenAsync(run, config.GetValueOrDefault("token", "").Trim(), cancellationToken)
                : await UserpassAsync(run, Paths.Sanitize(mount), config, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error authenticating", error);
        }
        catch (LoginException error)
        {
            run.Ui.Error($"Error authenticating: {error.Message}");
            return 2;
        }

        if (secret?.Auth is not { } auth)
        {
            run.Ui.Error(TextWrap.WithPadding(
                "The host returned a secret, but the secret has no authentication information attached. This should " +
                "never happen and is likely a bug.",
                0));
            return 2;
        }

        if (!noStore)
        {
            try
            {
                TokenFile.Store(run.Environment, auth.ClientToken);
            }
            catch (Exception error) when (LocalFiles.IsFileError(error))
            {
                run.Ui.Error($"Error storing token: {error.Message}");
                run.Ui.Error(TextWrap.WithPadding(
                    "Authentication was successful, but the token was not persisted. The resulting token is shown below " +
                    "for your records.",
                    0) + "\n");
                SecretOutput.OutputSecret(run.Ui, secret);
                return 2;
            }

            if (ClientMode.TokenVariableSet(run.Environment) is { } variable)
            {
                run.Ui.Warn(TextWrap.WithPadding(
                    $"WARNING! The {variable} environment variable is set! The value of this variable will take " +
                    $"precedence; if this is unwanted please unset {variable} or update its value accordingly.",
                    0) + "\n");
            }
        }
        else if (!_tokenOnly.Value)
        {
            run.Ui.Warn(TextWrap.WithPadding(
                "The token was not stored in ~/.plugin-host-token. Set the PLUGIN_HOST_TOKEN environment variable or " +
                "pass the token below with each request to the host.",
                0) + "\n");
        }

        if (_noPrint.Value)
        {
            return 0;
        }

        if (field.Length > 0)
        {
            return SecretOutput.PrintRawField(run.Ui, secret, field);
        }

        if (run.Ui.IsTable)
        {
            run.Ui.Output(TextWrap.WithPadding(
                "Success! You are now authenticated. The token information displayed below is already stored in the " +
                $"token helper. You do NOT need to run \"{PluginHostCli.Name} login\" again. Future {PluginHostCli.Name} requests will " +
                "automatically use this token.",
                0) + "\n");
        }

        return SecretOutput.OutputSecret(run.Ui, secret);
    }

    // Vault's token method: the token is checked with lookup-self as that token, and its answer made into an auth block.
    private static async Task<Secret?> TokenAsync(CommandRun run, string token, CancellationToken cancellationToken)
    {
        if (token.Length == 0)
        {
            token = ReadSecret(run, "Token (will be hidden): ").Trim();
        }

        if (token.Length == 0)
        {
            throw new LoginException("a token must be passed to auth, please view the help for more information");
        }

        Secret? lookup;
        try
        {
            lookup = await run.Client.WithToken(token).ReadAsync("auth/token/lookup-self", null, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            throw new LoginException($"error looking up token: {error.Message}", error);
        }

        if (lookup?.Data is not { } data)
        {
            throw new LoginException("empty response from lookup-self");
        }

        var policies = data.TryGetValue("policies", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(p => p.GetString() ?? "").ToArray()
            : [];
        return new Secret
        {
            RequestId = lookup.RequestId,
            Auth = new SecretAuth
            {
                ClientToken = Text(data, "id") is { Length: > 0 } id ? id : token,
                Accessor = Text(data, "accessor"),
                Policies = policies,
                TokenPolicies = policies,
                LeaseDuration = data.TryGetValue("ttl", out var ttl) && ttl.ValueKind == JsonValueKind.Number ? ttl.GetInt64() : 0,
                Renewable = data.TryGetValue("renewable", out var renewable) && renewable.ValueKind == JsonValueKind.True,
            },
        };
    }

    // Vault's userpass method: auth/MOUNT/login/USERNAME with the password, prompted for when not given.
    private static async Task<Secret?> UserpassAsync(CommandRun run, string mount, Dictionary<string, string> config, CancellationToken cancellationToken)
    {
        var username = config.GetValueOrDefault("username", "");
        if (username.Length == 0)
        {
            throw new LoginException("'username' must be specified");
        }

        var password = config.TryGetValue("password", out var given) && given.Length > 0 ? given : ReadSecret(run, "Password (will be hidden): ");
        var secret = await run.Client.WriteAsync(
            $"auth/{mount}/login/{username}",
            new Dictionary<string, JsonElement>(StringComparer.Ordinal) { ["password"] = JsonSerializer.SerializeToElement(password) },
            cancellationToken);
        return secret ?? throw new LoginException("empty response from credential provider");
    }

    // From the terminal: Vault's prompt on stderr and the input hidden. Otherwise one line of stdin, without a prompt.
    private static string ReadSecret(CommandRun run, string prompt)
    {
        var environment = run.Environment;
        if (!environment.InputIsTerminal)
        {
            return environment.OpenStdin().ReadLine() ?? "";
        }

        environment.Error.Write(prompt);
        var value = environment.ReadHiddenLine();
        environment.Error.Write("\n");
        return value ?? "";
    }

    private static string Text(IReadOnlyDictionary<string, JsonElement> data, string name) =>
        data.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
