namespace PluginHost.Catalog;

/// <summary>
/// Which environment variables a catalog entry's <c>env</c> may not set: those that make the dynamic loader, the .NET
/// runtime, an interpreter or libc load or run code from outside the plugin binary, which its pinned SHA-256 does not
/// cover. docs/security.md ("Plugin environment") gives the list with its reasons.
/// </summary>
/// <remarks>
/// Names are compared ignoring case on every system: Windows reads its environment that way, and a catalog stored on
/// one machine can be restored on another. The price is refusing a lower-case <c>ld_preload</c> that no Linux loader
/// reads, which no plugin needs.
/// </remarks>
internal static class PluginEnvironmentRules
{
    private const string LoaderReason = "it makes the dynamic loader run code from outside the plugin binary, which its sha256 does not cover";
    private const string DotnetReason = "it makes the .NET runtime load code from outside the plugin binary, which its sha256 does not cover";
    private const string DotnetRootReason = "it chooses which .NET runtime a framework-dependent plugin runs on; the host passes its own DOTNET_ROOT";
    private const string ProfilerReason = "it loads a profiler library into the .NET runtime, code from outside the plugin binary, which its sha256 does not cover";
    private const string LibcReason = "it makes the C library load modules or data files from a path it names, outside the plugin binary, which its sha256 does not cover";
    private const string TunablesReason = "it changes the C library's internals before the program starts and has been exploitable (CVE-2023-4911)";
    private const string OpenSslReason = "OpenSSL (which .NET uses for TLS and crypto on Linux) loads engines and providers from the configuration or directory it names";
    private const string InterpreterReason = "it makes an interpreter load or run code from outside the plugin binary, which its sha256 does not cover";
    private const string ShellReason = "it makes a shell run code before or while it runs a plugin script";
    private const string ProtocolReason = "the host sets the protocol's own PLUGINHOST_* variables for every launch";

    // Exact names.
    private static readonly Dictionary<string, string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["DOTNET_STARTUP_HOOKS"] = DotnetReason,
        ["DOTNET_ADDITIONAL_DEPS"] = DotnetReason,
        ["DOTNET_SHARED_STORE"] = DotnetReason,
        ["COR_ENABLE_PROFILING"] = ProfilerReason,
        ["GCONV_PATH"] = LibcReason,
        ["GETCONF_DIR"] = LibcReason,
        ["LOCPATH"] = LibcReason,
        ["NLSPATH"] = LibcReason,
        ["MALLOC_TRACE"] = "it makes the C library write a trace to any file it names",
        ["GLIBC_TUNABLES"] = TunablesReason,
        ["OPENSSL_CONF"] = OpenSslReason,
        ["OPENSSL_ENGINES"] = OpenSslReason,
        ["OPENSSL_MODULES"] = OpenSslReason,
        ["GIO_MODULE_DIR"] = LibcReason,
        ["GIO_EXTRA_MODULES"] = LibcReason,
        ["NODE_OPTIONS"] = InterpreterReason,
        ["NODE_PATH"] = InterpreterReason,
        ["PERLLIB"] = InterpreterReason,
        ["RUBYOPT"] = InterpreterReason,
        ["RUBYLIB"] = InterpreterReason,
        ["JAVA_TOOL_OPTIONS"] = InterpreterReason,
        ["_JAVA_OPTIONS"] = InterpreterReason,
        ["JDK_JAVA_OPTIONS"] = InterpreterReason,
        ["CLASSPATH"] = InterpreterReason,
        ["BASH_ENV"] = ShellReason,
        ["ENV"] = ShellReason,
        ["SHELLOPTS"] = ShellReason,
        ["BASHOPTS"] = ShellReason,
        ["PS4"] = ShellReason,
    };

    // Families of names: every LD_ variable is the loader's, every PYTHON one the interpreter's (but HarmlessPython).
    private static readonly (string Prefix, string Reason)[] Prefixes =
    [
        ("LD_", LoaderReason),
        ("DYLD_", LoaderReason),
        ("DOTNET_ROOT", DotnetRootReason),
        ("CORECLR_", ProfilerReason),
        ("COR_PROFILER", ProfilerReason),
        ("PYTHON", InterpreterReason),
        ("PERL5", InterpreterReason),
        ("BASH_FUNC_", ShellReason),
        ("PLUGINHOST_", ProtocolReason),
    ];

    // .NET runtime settings (DOTNET_x or COMPlus_x, read ignoring case) that name a library to load or a process that
    // may inject one at startup. The rest (gcServer, TieredPGO, EnableDiagnostics…) tune the runtime and load nothing.
    private static readonly HashSet<string> RuntimeKnobs = new(StringComparer.OrdinalIgnoreCase)
    {
        "GCName", "GCPath", "JitName", "JitPath", "AltJit", "AltJitName", "AltJitNgen", "DiagnosticPorts",
    };

    // Python settings that only change how the interpreter prints or hashes: allowed although PYTHON* is refused.
    private static readonly HashSet<string> HarmlessPython = new(StringComparer.OrdinalIgnoreCase)
    {
        "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONHASHSEED",
    };

    /// <summary>Why <paramref name="name"/> may not be set in a catalog entry's env, or <see langword="null"/> when it may.</summary>
    public static string? Refusal(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Names.TryGetValue(name, out var reason))
        {
            return reason;
        }

        if (HarmlessPython.Contains(name))
        {
            return null;
        }

        foreach (var (prefix, prefixReason) in Prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return prefixReason;
            }
        }

        foreach (var runtimePrefix in (string[])["DOTNET_", "COMPlus_"])
        {
            if (name.StartsWith(runtimePrefix, StringComparison.OrdinalIgnoreCase)
                && RuntimeKnobs.Contains(name[runtimePrefix.Length..]))
            {
                return DotnetReason;
            }
        }

        return null;
    }

    /// <summary>The message for a refused variable, naming it and saying why.</summary>
    public static string Describe(string name, string reason) => $"env variable '{name}' is not allowed: {reason}";

    /// <summary>Throws <see cref="ErrorCode.Unavailable"/> when an entry stored before these rules sets a refused variable.</summary>
    /// <remarks>Such an entry is kept in the catalog (the host must still start), but it is never launched.</remarks>
    /// <exception cref="PluginHostException">The entry's env sets a refused variable.</exception>
    public static void EnsureLaunchable(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        foreach (var name in entry.Env.Keys.Order(StringComparer.Ordinal))
        {
            if (Refusal(name) is { } reason)
            {
                throw new PluginHostException(
                    ErrorCode.Unavailable,
                    $"plugin '{entry.Name}' will not be started: its catalog entry sets {Describe(name, reason)}; register it again without it");
            }
        }
    }
}
