using System.Globalization;
using PluginHost.Authorization;
using PluginHost.Policies;

namespace PluginHost.Routing;

/// <summary>
/// Decides who learns why a plugin is unavailable. The reason can quote the plugin's last stderr lines (which may
/// hold a connection string), the binary's absolute path and digests: operators with <c>sudo</c> on <c>sys/</c> see
/// it; everyone else gets <c>plugin unavailable (request id …)</c>, and the log has the reason under that id.
/// </summary>
internal static class PluginFailureDisclosure
{
    private const string SystemPrefix = "sys/";

    /// <summary>Whether <paramref name="caller"/> may read why a plugin failed: the application itself, root, or sudo on <c>sys/</c>.</summary>
    public static bool MaySeeDetails(Principal? caller) =>
        caller is not null && (caller.IsRoot || caller.Acl.CapabilitiesOf(SystemPrefix).HasFlag(Capabilities.Sudo));

    /// <summary>The answer for a caller who may not see why: the request id, and when the next start is tried.</summary>
    public static PluginHostException Withheld(string requestId, DateTimeOffset? nextStartAt, DateTimeOffset now)
    {
        var message = $"plugin unavailable (request id {requestId})";
        if (nextStartAt is { } retryAt && retryAt > now)
        {
            var seconds = Math.Ceiling((retryAt - now).TotalSeconds).ToString("0", CultureInfo.InvariantCulture);
            message += $"; the next start is tried in {seconds}s";
        }

        return new PluginHostException(ErrorCode.Unavailable, message);
    }
}
