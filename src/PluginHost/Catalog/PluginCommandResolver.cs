namespace PluginHost.Catalog;

/// <summary>Turns a catalog command into the real path of a regular file confined to the plugin directory.</summary>
/// <remarks>
/// Symlinks are followed component by component (for the plugin directory itself too), and the result must stay
/// inside the plugin directory's real path. Resolving and then hashing by path leaves a window in which someone who
/// can write the plugin directory could swap the file; the launch must therefore run a private copy made from the
/// bytes it hashed (DESIGN §3), not this path.
/// </remarks>
internal static class PluginCommandResolver
{
    // Deeper chains are almost certainly a loop; the kernel gives up at 40 as well.
    private const int MaxLinkDepth = 40;

    private static readonly char[] Separators = ['/', '\\'];

    // Windows paths are case-insensitive; elsewhere two paths differing in case are different files.
    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>Returns the plugin directory configured in <paramref name="pluginDirectory"/>, or throws Vault's error.</summary>
    public static string RequireDirectory(string? pluginDirectory) =>
        string.IsNullOrEmpty(pluginDirectory)
            ? throw new PluginHostException(ErrorCode.BadRequest, "could not set plugin, plugin directory is not configured")
            : pluginDirectory;

    /// <summary>Checks the form of <paramref name="command"/> without touching the file system.</summary>
    /// <exception cref="PluginHostException">The command is empty, absolute or has a <c>..</c> segment.</exception>
    public static void ValidateShape(string? command)
    {
        if (string.IsNullOrWhiteSpace(command))
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                "command is required: give the plugin executable's path relative to the plugin directory");
        }

        if (command.Contains('\0', StringComparison.Ordinal))
        {
            throw new PluginHostException(ErrorCode.BadRequest, "command contains a NUL character");
        }

        if (Path.IsPathRooted(command) || command[0] is '/' or '\\')
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"command must be relative to the plugin directory: '{command}'; copy the binary into the plugin directory and give its relative path");
        }

        if (command.Split(Separators).Any(segment => segment == ".."))
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"command must not contain '..' segments: '{command}'; plugins must live inside the plugin directory");
        }
    }

    /// <summary>Resolves <paramref name="command"/> under <paramref name="pluginDirectory"/> to the real path of a regular file.</summary>
    /// <returns>The full, symlink-free path of the executable.</returns>
    /// <exception cref="PluginHostException">The command is malformed, missing, a directory or escapes the directory.</exception>
    public static string Resolve(string pluginDirectory, string command)
    {
        ValidateShape(command);
        if (!Directory.Exists(pluginDirectory))
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                File.Exists(pluginDirectory)
                    ? $"plugin directory '{pluginDirectory}' is a file, not a directory; fix the configured plugin directory"
                    : $"plugin directory '{pluginDirectory}' does not exist; create it or fix the configured plugin directory");
        }

        var realDirectory = RealPath(pluginDirectory);
        var realCommand = RealPath(Path.Combine(realDirectory, command));
        if (!IsInside(realCommand, realDirectory))
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"command '{command}' resolves outside the plugin directory (to '{realCommand}'); plugins and the symlinks to them must stay inside '{realDirectory}'");
        }

        if (Directory.Exists(realCommand))
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"command '{command}' is a directory in the plugin directory '{realDirectory}', not a file; give the path of the executable");
        }

        if (!File.Exists(realCommand))
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"command '{command}' not found in the plugin directory '{realDirectory}'; copy the plugin binary there first");
        }

        // Whether it is a regular, non-empty file is decided on the open descriptor (PluginFile.OpenRegular) when it is
        // hashed: a check by path here could be raced by a FIFO swapped in before the open.
        return realCommand;
    }

    /// <summary>Whether <paramref name="path"/> is strictly below <paramref name="directory"/> (both real, full paths).</summary>
    internal static bool IsInside(string path, string directory)
    {
        // The trailing separator keeps "/plugins-evil" from counting as inside "/plugins".
        var prefix = Path.EndsInDirectorySeparator(directory) ? directory : directory + Path.DirectorySeparatorChar;
        return path.Length > prefix.Length && path.StartsWith(prefix, PathComparison);
    }

    /// <summary>Returns the full path of <paramref name="path"/> with every symlink component resolved.</summary>
    internal static string RealPath(string path) => RealPath(path, 0);

    private static string RealPath(string path, int depth)
    {
        if (depth > MaxLinkDepth)
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"too many levels of symbolic links resolving '{path}'");
        }

        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "";
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            var info = new FileInfo(next);
            if (info.LinkTarget is not null)
            {
                FileSystemInfo? target;
                try
                {
                    target = info.ResolveLinkTarget(returnFinalTarget: true);
                }
                catch (IOException e)
                {
                    throw new PluginHostException(ErrorCode.BadRequest, $"cannot resolve symbolic link '{next}': {e.Message}", e);
                }

                // The final target's own parents may be links too, so resolve it again from the top.
                next = target is null ? next : RealPath(target.FullName, depth + 1);
            }

            current = next;
        }

        return current;
    }
}
