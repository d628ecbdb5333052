namespace PluginHost.Tokens;

/// <summary>
/// Vault's TTL arithmetic for a new token (<c>framework.CalculateTTL</c>): the effective max is the system's, lowered
/// by the mount's <c>max_lease_ttl</c>, the backend's max and an explicit max; the TTL is the one asked for, else the
/// mount's default, else the system's, and never more than the effective max.
/// </summary>
internal static class TokenTtl
{
    /// <summary>The TTL to issue, the effective max, and a warning when the asked TTL was lowered.</summary>
    /// <param name="asked">The TTL the login or creator asked for; zero for the default.</param>
    /// <param name="backendMax">The backend's or creator's max TTL; zero for none.</param>
    /// <param name="mountDefault">The mount's default lease TTL; zero for the system's.</param>
    /// <param name="mountMax">The mount's max lease TTL; zero for the system's.</param>
    /// <param name="systemDefault">The host's default lease TTL.</param>
    /// <param name="systemMax">The host's max lease TTL.</param>
    public static (TimeSpan Ttl, TimeSpan Max, string? Warning) Calculate(
        TimeSpan asked, TimeSpan backendMax, TimeSpan mountDefault, TimeSpan mountMax, TimeSpan systemDefault, TimeSpan systemMax)
    {
        var max = mountMax > TimeSpan.Zero && mountMax < systemMax ? mountMax : systemMax;
        if (backendMax > TimeSpan.Zero && backendMax < max)
        {
            max = backendMax;
        }

        var ttl = asked > TimeSpan.Zero ? asked : mountDefault > TimeSpan.Zero ? mountDefault : systemDefault;
        if (ttl <= max)
        {
            return (ttl, max, null);
        }

        var warning = asked > TimeSpan.Zero
            ? $"TTL of \"{Go(asked)}\" exceeded the effective max_ttl of \"{Go(max)}\"; TTL value is capped accordingly"
            : null;
        return (max, max, warning);
    }

    // Go's time.Duration.String for whole seconds (1h0m0s), as Vault's warnings print durations.
    private static string Go(TimeSpan value)
    {
        var seconds = (long)value.TotalSeconds;
        var hours = seconds / 3600;
        var minutes = seconds % 3600 / 60;
        var rest = seconds % 60;
        return hours > 0 ? $"{hours}h{minutes}m{rest}s" : minutes > 0 ? $"{minutes}m{rest}s" : $"{rest}s";
    }
}
