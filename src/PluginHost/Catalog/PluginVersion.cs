using Semver;

namespace PluginHost.Catalog;

/// <summary>Parses, canonicalizes and orders catalog versions (semantic versions written with a leading <c>v</c>).</summary>
internal static class PluginVersion
{
    private const SemVersionStyles Styles = SemVersionStyles.Strict | SemVersionStyles.AllowV;

    /// <summary>
    /// Returns the canonical form (<c>v1.2.3</c>) of <paramref name="version"/>, or <see langword="null"/> when it is
    /// null or empty (unversioned).
    /// </summary>
    /// <exception cref="PluginHostException">The version is not a semantic version.</exception>
    public static string? Canonicalize(string? version)
    {
        if (string.IsNullOrEmpty(version))
        {
            return null;
        }

        return "v" + Parse(version);
    }

    /// <summary>Canonicalizes a version the user registers, refusing Vault's reserved <c>builtin</c> metadata.</summary>
    /// <exception cref="PluginHostException">The version is invalid or claims to be a builtin's.</exception>
    public static string? CanonicalizeForRegistration(string? version)
    {
        if (string.IsNullOrEmpty(version))
        {
            return null;
        }

        var parsed = Parse(version);
        if (parsed.MetadataIdentifiers.Any(m => string.Equals(m.Value, "builtin", StringComparison.Ordinal)))
        {
            // Builtins report versions like v0.1.0+builtin; an external entry must never be mistaken for one.
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"version \"{version}\" is not allowed because 'builtin' is a reserved metadata identifier");
        }

        return "v" + parsed;
    }

    /// <summary>Canonicalizes a builtin's version when it parses, else keeps it as given (builtins are trusted code).</summary>
    public static string? CanonicalizeOrKeep(string? version) =>
        !string.IsNullOrEmpty(version) && SemVersion.TryParse(version, Styles, out var parsed) ? "v" + parsed : version;

    /// <summary>
    /// Orders versions for listing: unversioned first, then by semantic version sort order, unparsable last (ordinal).
    /// </summary>
    public static int Compare(string? left, string? right)
    {
        if (left is null || right is null)
        {
            return (left is null ? 0 : 1) - (right is null ? 0 : 1);
        }

        var l = TryParse(left);
        var r = TryParse(right);
        if (l is not null && r is not null)
        {
            return SemVersion.SortOrderComparer.Compare(l, r);
        }

        if (l is null && r is null)
        {
            return string.CompareOrdinal(left, right);
        }

        return l is null ? 1 : -1;
    }

    private static SemVersion? TryParse(string version) =>
        SemVersion.TryParse(version, Styles, out var parsed) ? parsed : null;

    private static SemVersion Parse(string version)
    {
        try
        {
            return SemVersion.Parse(version, Styles);
        }
        catch (FormatException e)
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"version \"{version}\" is not a valid semantic version: {e.Message} Use MAJOR.MINOR.PATCH such as v1.2.3 or 1.2.3-beta.1.",
                e);
        }
        catch (OverflowException e)
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"version \"{version}\" is not a valid semantic version: {e.Message}",
                e);
        }
    }
}
