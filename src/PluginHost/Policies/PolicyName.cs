namespace PluginHost.Policies;

/// <summary>Vault's rules for policy names: trimmed and lower-cased; a few names are reserved.</summary>
internal static class PolicyName
{
    /// <summary>The name in its normal form (trimmed, lower-case).</summary>
    public static string Normalize(string name) => name.Trim().ToLowerInvariant();

    /// <summary>The normal form of a name a policy may be written under.</summary>
    /// <exception cref="PluginHostException">The name is empty, reserved or cannot be a storage key (BadRequest).</exception>
    public static string Validate(string name)
    {
        var normal = Normalize(name);
        if (normal.Length == 0)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "policy name must be provided in the path, such as sys/policies/acl/my-policy");
        }

        if (normal == "response-wrapping")
        {
            throw new PluginHostException(ErrorCode.BadRequest, "cannot add response-wrapping policy");
        }

        if (normal.Contains('/') || normal is "." or ".." || normal.Any(char.IsControl))
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"invalid policy name \"{normal}\": a name cannot hold '/', control characters, or be '.' or '..'");
        }

        return normal;
    }
}
