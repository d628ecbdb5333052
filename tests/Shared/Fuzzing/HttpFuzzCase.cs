namespace PluginHost.Tests.Shared.Fuzzing;

/// <summary>What the HTTP generator aims at: the server's address, the tokens and the names set up on it.</summary>
/// <param name="Authority">host:port, the Host header of a well-formed request.</param>
/// <param name="RootToken">The server's root token.</param>
/// <param name="UserToken">A userpass user's token (policy <c>fuzz</c>: secret/ and the plugin's kv only).</param>
/// <param name="UserName">That user, set up in <c>auth/userpass</c> (the userpass plugin).</param>
/// <param name="UserPassword">Its password.</param>
/// <param name="MockSha256">The mock plugin binary's digest, for catalog entries that can start.</param>
internal sealed record HttpFuzzTarget(string Authority, string RootToken, string UserToken, string UserName, string UserPassword, string MockSha256)
{
    /// <summary>The mounts the runner sets up and the generator never disables, moves or deregisters.</summary>
    public const string KvMount = "secret";

    /// <summary>The mock plugin's mount (<c>my-mock-plugin</c>): its kv lives under <c>kv/</c>.</summary>
    public const string PluginMount = "my-secrets-plugin";

    /// <summary>The userpass plugin's mount (<c>my-userpass-plugin</c>) under <c>auth/</c>.</summary>
    public const string UserpassMount = "userpass";

    /// <summary>The builtin userpass auth method's mount under <c>auth/</c>.</summary>
    public const string BuiltinUserpassMount = "builtin-userpass";

    /// <summary>The policy the user's token holds.</summary>
    public const string UserPolicy = "fuzz";

    /// <summary>Placeholders for the tokens in printed requests.</summary>
    public IReadOnlyDictionary<string, string> Secrets => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [RootToken] = "<root-token>",
        [UserToken] = "<user-token>",
    };
}

/// <summary>One generated request: its bytes as sent, and what was chosen, in words.</summary>
/// <param name="Index">Its number in the run; with the seed it regenerates the same bytes.</param>
/// <param name="Bytes">The whole request as sent on a new connection.</param>
/// <param name="Summary">The choices: method, target, token, content type, body, framing.</param>
/// <param name="IsHead">Whether the method is HEAD (the answer has no body whatever its Content-Length says).</param>
internal sealed record HttpFuzzCase(int Index, byte[] Bytes, string Summary, bool IsHead);
