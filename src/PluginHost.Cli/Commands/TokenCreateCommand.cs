using System.Globalization;
using System.Text.Json;
using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Commands;

/// <summary><c>plugin-host token create</c>: writes <c>auth/token/create</c> and prints the new token's table.</summary>
internal sealed class TokenCreateCommand : Command
{
    private const string Section = "Command Options";

    private StringFlag _id = null!;
    private StringFlag _displayName = null!;
    private DurationFlag _ttl = null!;
    private DurationFlag _explicitMaxTtl = null!;
    private BoolFlag _renewable = null!;
    private BoolFlag _orphan = null!;
    private BoolFlag _noDefaultPolicy = null!;
    private MapFlag _metadata = null!;
    private StringListFlag _policies = null!;

    public override string Name => "token create";

    public override string Synopsis => "Create a new token";

    protected override OutputFlags OutputFlags => OutputFlags.Format | OutputFlags.Field;

    protected override string HelpText => """
        Usage: plugin-host token create [options]

          Creates a new token that can be used for authentication. This token will be
          created as a child of the currently authenticated token. The generated token
          will inherit all policies and permissions of the currently authenticated
          token unless you explicitly define a subset list policies to assign to the
          token. In embedded mode the caller is the application itself, which holds
          every capability, like a root token.

          A ttl can also be associated with the token. If a ttl is not associated
          with the token, then it cannot be renewed. If a ttl is associated with
          the token, it will expire after that amount of time unless it is renewed.

          Metadata associated with the token (specified with "-metadata") is
          written to the audit log when the token is used.

          Create a token attached to specific policies:

              $ plugin-host token create -policy=my-policy -policy=other-policy

          Create an orphan token:

              $ plugin-host token create -orphan

          Create a token with a TTL of one hour:

              $ plugin-host token create -ttl=1h
        """;

    protected override void AddFlags(FlagSet flags)
    {
        _id = flags.Add(Section, new StringFlag(
            "id",
            "string",
            "Value for the token. By default, this is an auto-generated string. Specifying this value requires " +
            "sudo permissions."));
        _displayName = flags.Add(Section, new StringFlag(
            "display-name",
            "string",
            "Name to associate with this token. This is a non-sensitive value that can be used to help identify " +
            "created secrets (e.g. prefixes)."));
        _ttl = flags.Add(Section, new DurationFlag(
            "ttl",
            "Initial TTL to associate with the token. Token renewals may be able to extend beyond this value, " +
            "depending on the configured maximum TTLs. This is specified as a numeric string with suffix like " +
            "\"30s\" or \"5m\"."));
        _explicitMaxTtl = flags.Add(Section, new DurationFlag(
            "explicit-max-ttl",
            "Explicit maximum lifetime for the token. Unlike normal TTLs, the maximum TTL is a hard limit and cannot " +
            "be exceeded. This is specified as a numeric string with suffix like \"30s\" or \"5m\"."));
        _renewable = flags.Add(Section, new BoolFlag("renewable", "Allow the token to be renewed up to it's maximum TTL. The default is true.", defaultValue: true));
        _orphan = flags.Add(Section, new BoolFlag(
            "orphan",
            "Create the token with no parent. This prevents the token from being revoked when the token which " +
            "created it expires. Setting this value requires root or sudo permissions. The default is false."));
        _noDefaultPolicy = flags.Add(Section, new BoolFlag(
            "no-default-policy",
            "Detach the \"default\" policy from the policy set for this token. The default is false."));
        _metadata = flags.Add(Section, new MapFlag(
            "metadata",
            "Arbitrary key=value metadata to associate with the token. This metadata will show in the audit log " +
            "when the token is used. This can be specified multiple times to add multiple pieces of metadata."));
        _policies = flags.Add(Section, new StringListFlag(
            "policy",
            "Name of a policy to associate with this token. This can be specified multiple times to attach " +
            "multiple policies."));
    }

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 0, 0, "0"))
        {
            return 1;
        }

        Requests.Secret? secret;
        try
        {
            secret = await run.Client.WriteAsync("auth/token/create", Request(), cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            return Fail(run, "Error creating token", error);
        }

        if (secret is null)
        {
            return 0;
        }

        return Field.Length > 0 ? SecretOutput.PrintRawField(run.Ui, secret, Field) : SecretOutput.OutputSecret(run.Ui, secret);
    }

    // Vault's api.TokenCreateRequest: what the flags set, and renewable always.
    private Dictionary<string, JsonElement> Request()
    {
        var data = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (_id.Value.Length > 0)
        {
            data["id"] = Element(_id.Value);
        }

        var policies = _policies.Values.SelectMany(p => p.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToArray();
        if (policies.Length > 0)
        {
            data["policies"] = Element(policies);
        }

        if (_metadata.Values.Count > 0)
        {
            data["meta"] = Element(_metadata.Values);
        }

        if (_ttl.IsSet)
        {
            data["ttl"] = Element(Seconds(_ttl.Value));
        }

        if (_explicitMaxTtl.IsSet)
        {
            data["explicit_max_ttl"] = Element(Seconds(_explicitMaxTtl.Value));
        }

        if (_orphan.Value)
        {
            data["no_parent"] = Element(true);
        }

        if (_noDefaultPolicy.Value)
        {
            data["no_default_policy"] = Element(true);
        }

        if (_displayName.Value.Length > 0)
        {
            data["display_name"] = Element(_displayName.Value);
        }

        data["renewable"] = Element(_renewable.Value);
        return data;
    }

    private static string Seconds(TimeSpan duration) => ((long)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";

    private static JsonElement Element<T>(T value) => JsonSerializer.SerializeToElement(value);
}
