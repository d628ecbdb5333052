using System.Text;

namespace PluginHost.Audit;

/// <summary>
/// The options of a <c>file</c> audit device, parsed and checked once at enable time, with Vault's names and defaults:
/// <c>file_path</c> (or the older <c>path</c>), <c>mode</c>, <c>hmac_accessor</c>, <c>log_raw</c>, <c>prefix</c>,
/// <c>format</c>, <c>elide_list_responses</c> and <c>skip_test</c>.
/// </summary>
internal sealed record AuditDeviceOptions
{
    /// <summary>The only device type PluginHost has.</summary>
    public const string FileType = "file";

    /// <summary>The <c>file_path</c> that writes to the host's standard output.</summary>
    public const string Stdout = "stdout";

    /// <summary>The <c>file_path</c> that writes nothing (Vault's testing aid).</summary>
    public const string Discard = "discard";

    private const UnixFileMode DefaultMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode ExecuteBits = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>A file path, <see cref="Stdout"/> or <see cref="Discard"/>.</summary>
    public required string FilePath { get; init; }

    /// <summary>The mode the file is created with and set to; null keeps an existing file's mode (Vault's <c>"0000"</c>).</summary>
    public UnixFileMode? Mode { get; init; } = DefaultMode;

    /// <summary>Whether token accessors are hashed.</summary>
    public bool HmacAccessor { get; init; } = true;

    /// <summary>Whether nothing is hashed at all.</summary>
    public bool LogRaw { get; init; }

    /// <summary>Whether a list's <c>keys</c> (and <c>key_info</c>) are written as their count.</summary>
    public bool ElideListResponses { get; init; }

    /// <summary>Whether enabling skips the test entry.</summary>
    public bool SkipTest { get; init; }

    /// <summary>Bytes written before each entry's JSON, as UTF-8.</summary>
    public byte[] Prefix { get; init; } = [];

    /// <summary>Whether <see cref="FilePath"/> names a file (not stdout or discard).</summary>
    public bool IsFile => FilePath is not (Stdout or Discard);

    /// <summary>Parses the options a device of <paramref name="type"/> was enabled with.</summary>
    /// <param name="type">The device type.</param>
    /// <param name="options">The options, as given.</param>
    /// <returns>The parsed options.</returns>
    /// <exception cref="PluginHostException">The type is unknown or an option is missing or invalid (BadRequest), in Vault's words where Vault has them.</exception>
    public static AuditDeviceOptions Parse(string type, IReadOnlyDictionary<string, string> options)
    {
        if (type != FileType)
        {
            throw BadRequest($"unknown backend type: \"{type}\"; PluginHost has the \"file\" type (file_path may also be \"stdout\" or \"discard\")");
        }

        // Vault falls back to the older 'path' option for compatibility.
        var filePath = (options.TryGetValue("file_path", out var given) || options.TryGetValue("path", out given) ? given : null)?.Trim()
            ?? throw BadRequest("\"file_path\" is required: invalid configuration");
        if (filePath.Length == 0)
        {
            throw BadRequest("file path is required: invalid configuration");
        }

        if (filePath.Equals(Stdout, StringComparison.OrdinalIgnoreCase))
        {
            filePath = Stdout;
        }
        else if (filePath.Equals(Discard, StringComparison.OrdinalIgnoreCase))
        {
            filePath = Discard;
        }
        else
        {
            filePath = Path.GetFullPath(filePath);
        }

        if (options.TryGetValue("format", out var format) && format != "json")
        {
            throw BadRequest(format == "jsonx"
                ? "format \"jsonx\" is not supported by PluginHost: use \"json\""
                : $"unsupported \"format\" \"{format}\": invalid configuration; use \"json\"");
        }

        foreach (var enterpriseOnly in (ReadOnlySpan<string>)["filter", "fallback"])
        {
            if (options.ContainsKey(enterpriseOnly))
            {
                throw BadRequest($"option \"{enterpriseOnly}\" is a Vault Enterprise option that PluginHost does not support");
            }
        }

        return new AuditDeviceOptions
        {
            FilePath = filePath,
            Mode = ModeOf(options),
            HmacAccessor = BoolOf(options, "hmac_accessor", true),
            LogRaw = BoolOf(options, "log_raw", false),
            ElideListResponses = BoolOf(options, "elide_list_responses", false),
            SkipTest = options.TryGetValue("skip_test", out var skip) && skip == "true",
            Prefix = options.TryGetValue("prefix", out var prefix) ? Encoding.UTF8.GetBytes(prefix) : [],
        };
    }

    private static UnixFileMode? ModeOf(IReadOnlyDictionary<string, string> options)
    {
        if (!options.TryGetValue("mode", out var text) || text.Trim().Length == 0)
        {
            return DefaultMode;
        }

        uint mode;
        try
        {
            mode = Convert.ToUInt32(text.Trim(), 8);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
        {
            throw BadRequest($"unable to parse file mode: \"{text}\" is not an octal number such as \"0600\"");
        }

        if (mode > 0b111_111_111)
        {
            throw BadRequest($"unable to parse file mode: \"{text}\" has bits beyond the permission bits; give a mode such as \"0600\"");
        }

        var parsed = (UnixFileMode)mode;
        if ((parsed & ExecuteBits) != 0)
        {
            // As Vault's documentation says: an audit log is never executable.
            throw BadRequest($"file mode \"{text}\" has executable permissions, which file audit devices cannot use; give a mode such as \"0600\"");
        }

        return mode == 0 ? null : parsed;
    }

    // Vault parses booleans with Go's strconv.ParseBool.
    private static bool BoolOf(IReadOnlyDictionary<string, string> options, string name, bool fallback)
    {
        if (!options.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return text switch
        {
            "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
            "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
            _ => throw BadRequest($"unable to parse \"{name}\": invalid configuration; give true or false"),
        };
    }

    private static PluginHostException BadRequest(string message) => new(ErrorCode.BadRequest, message);
}
