using System.Globalization;
using System.Net;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Server;

/// <summary>
/// The one reader of listen addresses, for <c>-dev-listen-address</c> and the config file alike: <c>host:port</c>
/// with a port from 0 to 65535 (0: any free port, which the server then prints) and a host that is an IP address
/// (IPv6 in brackets) or <c>localhost</c>. Kestrel would take any other host name as "every interface", so a typo must
/// never get that far.
/// </summary>
internal static class ListenAddressValidator
{
    /// <summary>Reads <paramref name="text"/>; on failure, <paramref name="problem"/> says what is wrong with it.</summary>
    /// <returns>Whether it is a listen address.</returns>
    public static bool TryParse(string text, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');

        // "[::1" has a last ':' too, but no port after the bracket: the same mistake as a missing port.
        if (colon <= 0 || (text.StartsWith('[') && text.IndexOf("]:", StringComparison.Ordinal) < 0))
        {
            problem = $"\"{Echo.Of(text)}\" is not host:port, such as \"127.0.0.1:8200\"";
            return false;
        }

        var host = text[..colon];
        var port = text[(colon + 1)..];
        if (port.Length is 0 or > 5 || port.AsSpan().ContainsAnyExceptInRange('0', '9')
            || int.Parse(port, NumberStyles.None, CultureInfo.InvariantCulture) > 65535)
        {
            problem = $"\"{Echo.Of(text)}\" has no port from 0 to 65535 after its last ':'";
            return false;
        }

        var isIp = host.StartsWith('[')
            ? host.EndsWith(']') && IPAddress.TryParse(host.AsSpan(1, host.Length - 2), out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            : IPAddress.TryParse(host, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        if (!isIp && !host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"\"{Echo.Of(text)}\": the host must be an IP address (IPv6 in brackets, such as [::1]) or localhost, not \"{Echo.Of(host)}\"";
            return false;
        }

        problem = "";
        return true;
    }
}
