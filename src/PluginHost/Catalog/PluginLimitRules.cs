using System.Globalization;

namespace PluginHost.Catalog;

/// <summary>
/// The rules of a plugin's resource limits (<c>memory_limit</c>, <c>max_processes</c>, <c>max_open_files</c>), for
/// registrations and for the host's defaults, and the parsing of a memory size as people write it ("256MiB").
/// </summary>
internal static class PluginLimitRules
{
    /// <summary>The smallest memory limit: below it no .NET plugin gets as far as its hello.</summary>
    public const long MinimumMemory = 16L << 20;

    /// <summary>The fewest open files: a plugin needs its standard streams, its socket and its runtime's files.</summary>
    public const int MinimumOpenFiles = 16;

    /// <summary>The most open files: Linux's default <c>fs.nr_open</c>, above which no process may set RLIMIT_NOFILE.</summary>
    public const int MaximumOpenFiles = 1 << 20;

    /// <summary>Validates the limits of <paramref name="registration"/> and returns <paramref name="entry"/> with them.</summary>
    /// <exception cref="PluginHostException">A limit is out of range (400, saying which and why).</exception>
    public static CatalogEntry Apply(CatalogEntry entry, PluginRegistration registration)
    {
        if (Problem("memory_limit", "max_processes", "max_open_files", registration.MemoryLimit, registration.MaxProcesses, registration.MaxOpenFiles) is { } problem)
        {
            throw new PluginHostException(ErrorCode.BadRequest, problem);
        }

        return entry with { MemoryLimit = registration.MemoryLimit, MaxProcesses = registration.MaxProcesses, MaxOpenFiles = registration.MaxOpenFiles };
    }

    /// <summary>The problems of the host's default limits, worded for <c>OptionsValidationException</c>.</summary>
    public static IEnumerable<string> CheckDefaults(PluginHostOptions options)
    {
        if (Problem(
            "PluginHostOptions.PluginMemoryLimit", "PluginHostOptions.PluginMaxProcesses", "PluginHostOptions.PluginMaxOpenFiles",
            options.PluginMemoryLimit, options.PluginMaxProcesses, options.PluginMaxOpenFiles) is { } problem)
        {
            yield return problem;
        }
    }

    /// <summary>Parses a memory size: a byte count, or a number with KiB, MiB, GiB or TiB (binary) or KB, MB, GB or TB (decimal).</summary>
    /// <exception cref="PluginHostException">Not a size (400, with the forms accepted).</exception>
    public static long ParseMemory(string text, string field = "memory_limit")
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var digits = 0;
        while (digits < trimmed.Length && char.IsAsciiDigit(trimmed[digits]))
        {
            digits++;
        }

        var unit = trimmed[digits..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1L,
            "KIB" or "KI" => 1L << 10,
            "MIB" or "MI" => 1L << 20,
            "GIB" or "GI" => 1L << 30,
            "TIB" or "TI" => 1L << 40,
            "KB" => 1000L,
            "MB" => 1000L * 1000,
            "GB" => 1000L * 1000 * 1000,
            "TB" => 1000L * 1000 * 1000 * 1000,
            _ => 0L,
        };
        if (digits == 0 || unit == 0 || !long.TryParse(trimmed.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || number > long.MaxValue / unit)
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"invalid value for '{field}': \"{text}\"; give a size such as 268435456, 256MiB or 1GiB (KiB, MiB, GiB, TiB; KB, MB, GB, TB are powers of 1000)");
        }

        return number * unit;
    }

    private static string? Problem(string memoryName, string processesName, string filesName, long? memory, int? processes, int? files)
    {
        if (memory is { } bytes && bytes < MinimumMemory)
        {
            return $"{memoryName} must be at least 16 MiB ({MinimumMemory} bytes), not {bytes} bytes";
        }

        if (processes is { } count && count < 1)
        {
            return $"{processesName} must be at least 1, not {count}";
        }

        if (files is { } open && open < MinimumOpenFiles)
        {
            return $"{filesName} must be at least {MinimumOpenFiles} (a plugin needs its standard streams, its socket and its runtime's files), not {open}";
        }

        if (files is { } many && many > MaximumOpenFiles)
        {
            return $"{filesName} must be at most {MaximumOpenFiles} (Linux's default fs.nr_open: no process may have more), not {many}";
        }

        return null;
    }
}
