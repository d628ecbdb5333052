using System.Collections.ObjectModel;

namespace PluginHost.Catalog;

/// <summary>Checks everything about a <see cref="PluginRegistration"/> that needs no file system, and builds its entry.</summary>
internal static class RegistrationValidator
{
    /// <summary>Throws unless <paramref name="type"/> is one a catalog entry can have.</summary>
    public static void ValidateType(BackendType type)
    {
        if (type is not (BackendType.Secret or BackendType.Auth or BackendType.Database))
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"plugin type '{type.ToName()}' is not valid; use one of: secret, auth, database");
        }
    }

    /// <summary>Validates <paramref name="registration"/> and returns the entry to store: canonical version, lower-case sha256, copied collections.</summary>
    /// <exception cref="PluginHostException">A rule is broken; the message says which and how to fix it.</exception>
    public static CatalogEntry ToEntry(PluginRegistration registration)
    {
        ValidateType(registration.Type);
        PluginName.Validate(registration.Name);
        PluginCommandResolver.ValidateShape(registration.Command);
        return new CatalogEntry
        {
            Type = registration.Type,
            Name = registration.Name,
            Sha256 = PluginChecksum.Normalize(registration.Sha256),
            Version = PluginVersion.CanonicalizeForRegistration(registration.Version),
            Command = registration.Command,
            Args = ValidateArgs(registration.Args),
            Env = ValidateEnv(registration.Env),
        };
    }

    private static string[] ValidateArgs(IReadOnlyList<string>? args)
    {
        var copy = args?.ToArray() ?? [];
        if (copy.Any(a => a is null || a.Contains('\0', StringComparison.Ordinal)))
        {
            throw new PluginHostException(ErrorCode.BadRequest, "args must not contain null values or NUL characters");
        }

        return copy;
    }

    private static ReadOnlyDictionary<string, string> ValidateEnv(IReadOnlyDictionary<string, string>? env)
    {
        // Copied so a caller mutating its dictionary later cannot change a stored entry.
        var copy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in env ?? ReadOnlyDictionary<string, string>.Empty)
        {
            if (string.IsNullOrEmpty(key) || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
            {
                throw new PluginHostException(ErrorCode.BadRequest, $"env variable name '{key}' is not valid; it must be non-empty and contain no '=' or NUL");
            }

            if (PluginEnvironmentRules.Refusal(key) is { } reason)
            {
                throw new PluginHostException(ErrorCode.BadRequest, PluginEnvironmentRules.Describe(key, reason));
            }

            if (value is null || value.Contains('\0', StringComparison.Ordinal))
            {
                throw new PluginHostException(ErrorCode.BadRequest, $"env variable '{key}' has a null value or a NUL character");
            }

            copy[key] = value;
        }

        return copy.AsReadOnly();
    }
}
