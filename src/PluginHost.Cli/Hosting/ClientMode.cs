using PluginHost.Cli.Configuration;
using PluginHost.Cli.Output;
using PluginHost.Cli.Requests;

namespace PluginHost.Cli.Hosting;

/// <summary>
/// When <c>PLUGIN_HOST_ADDR</c> (or Vault's <c>VAULT_ADDR</c>) is set, commands talk to that server instead of
/// opening a host of their own, with <c>PLUGIN_HOST_TOKEN</c> (or <c>VAULT_TOKEN</c>) as the token, else the one
/// <c>login</c> stored in <c>~/.plugin-host-token</c>.
/// </summary>
internal static class ClientMode
{
    public static readonly string[] AddressVariables = ["PLUGIN_HOST_ADDR", "VAULT_ADDR"];

    public static readonly string[] TokenVariables = ["PLUGIN_HOST_TOKEN", "VAULT_TOKEN"];

    /// <summary>The configuration a client-mode run stands on: none of its own (the server has the directories).</summary>
    public static HostConfig NoLocalConfig { get; } = new() { DataDirectory = "" };

    /// <summary>The first address variable that is set, with its name, or null for embedded mode.</summary>
    public static (string Variable, string Value)? AddressOf(CliEnvironment environment) =>
        AddressVariables.Select(v => (v, environment.GetVariable(v))).FirstOrDefault(p => !string.IsNullOrEmpty(p.Item2)) is ({ } variable, { } value)
            ? (variable, value)
            : null;

    /// <summary>The first token variable that is set, else the token <c>login</c> stored, else null.</summary>
    /// <exception cref="TargetUnavailableException">The token file exists but cannot be read.</exception>
    public static string? TokenOf(CliEnvironment environment)
    {
        if (TokenVariables.Select(v => (Name: v, Value: environment.GetVariable(v))).FirstOrDefault(t => !string.IsNullOrEmpty(t.Value)) is ({ } name, { } token))
        {
            return HeaderSafe(token, name);
        }

        try
        {
            return TokenFile.Read(environment) is { } stored ? HeaderSafe(stored, $"the token file {TokenFile.PathIn(environment)}") : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new TargetUnavailableException($"error reading the token file {TokenFile.PathIn(environment)}: {error.Message}", error);
        }
    }

    // The token travels in the X-Vault-Token header, which cannot carry control characters such as a pasted newline.
    private static string HeaderSafe(string token, string source) =>
        token.AsSpan().IndexOfAnyInRange('\0', '\x1f') < 0 && !token.Contains('\x7f', StringComparison.Ordinal)
            ? token
            : throw new TargetUnavailableException($"{source} holds a token with a control character (such as a line break); set it to the token alone");

    /// <summary>The token variable that is set, which takes precedence over a stored token; null when none is.</summary>
    public static string? TokenVariableSet(CliEnvironment environment) =>
        TokenVariables.FirstOrDefault(v => !string.IsNullOrEmpty(environment.GetVariable(v)));

    /// <summary>Opens the target for the address in <paramref name="variable"/>, with the TLS settings of <paramref name="environment"/>.</summary>
    /// <exception cref="TargetUnavailableException">The address is not an http or https URL, or a TLS file cannot be used.</exception>
    public static HttpTarget Open(CliEnvironment environment, string variable, string address, string? token)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new TargetUnavailableException($"{variable}='{Echo.Of(address)}' is not a server address: give a URL such as http://127.0.0.1:8200");
        }

        return new HttpTarget(uri, token, ClientTls.Handler(environment), ownsHandler: true);
    }
}
