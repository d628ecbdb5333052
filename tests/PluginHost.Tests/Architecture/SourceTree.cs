using System.Text.RegularExpressions;

namespace PluginHost.Tests.Architecture;

/// <summary>The repository's source, read from disk: where this test assembly was built from.</summary>
internal static partial class SourceTree
{
    public static string Root { get; } = FindRoot();

    public static string HostLibrary => Path.Join(Root, "src", "PluginHost");

    /// <summary>The folders of <c>src/PluginHost</c> (by concern), without build output.</summary>
    public static IReadOnlyList<string> HostFolders() =>
        [.. Directory.GetDirectories(HostLibrary)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name is not ("bin" or "obj"))
            .Order(StringComparer.Ordinal)];

    /// <summary>Which other folders of <c>src/PluginHost</c> each folder's code names in a <c>using</c> or a fully qualified name.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> HostFolderDependencies()
    {
        var folders = HostFolders();
        var dependencies = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            var used = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var file in Directory.EnumerateFiles(Path.Join(HostLibrary, folder), "*.cs", SearchOption.AllDirectories))
            {
                foreach (Match reference in NamespaceReference().Matches(File.ReadAllText(file)))
                {
                    var name = reference.Groups["folder"].Value;
                    if (name != folder && folders.Contains(name))
                    {
                        used.Add(name);
                    }
                }
            }

            dependencies[folder] = used;
        }

        return dependencies;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Join(directory.FullName, "PluginHost.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no PluginHost.sln above {AppContext.BaseDirectory}: these tests read the repository's source");
    }

    // "using PluginHost.Tokens;", "using static PluginHost.Tokens.X;" or a qualified "PluginHost.Tokens.TokenStore".
    [GeneratedRegex(@"(?<![\w.])PluginHost\.(?<folder>[A-Z][A-Za-z]+)(?=[.;])")]
    private static partial Regex NamespaceReference();
}
