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
        var typesByFolder = folders.ToDictionary(
            folder => folder,
            folder => (IReadOnlySet<string>)SourceOf(folder).SelectMany(text => TypeDeclaration().Matches(text).Select(m => m.Groups["type"].Value)).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
        var dependencies = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            var used = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var text in SourceOf(folder))
            {
                // using PluginHost.X; or PluginHost.X.Type anywhere (code, crefs).
                used.UnionWith(NamespaceReference().Matches(text).Select(m => m.Groups["folder"].Value).Where(folders.Contains));

                // X.Type without the PluginHost prefix, which code inside namespace PluginHost.Y may write: counted only
                // when Type is declared in folder X, so a property such as Mounts.Count is not mistaken for one.
                used.UnionWith(PartialReference().Matches(text)
                    .Where(m => typesByFolder.TryGetValue(m.Groups["folder"].Value, out var types) && types.Contains(m.Groups["type"].Value))
                    .Select(m => m.Groups["folder"].Value));
            }

            used.Remove(folder);
            dependencies[folder] = used;
        }

        return dependencies;
    }

    private static IEnumerable<string> SourceOf(string folder) =>
        Directory.EnumerateFiles(Path.Join(HostLibrary, folder), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText);

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

    [GeneratedRegex(@"(?<![\w.])(?<folder>[A-Z][A-Za-z]+)\.(?<type>[A-Z]\w*)")]
    private static partial Regex PartialReference();

    [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+(?<type>[A-Z]\w*)")]
    private static partial Regex TypeDeclaration();

    // "using PluginHost.Tokens;", "using static PluginHost.Tokens.X;" or a qualified "PluginHost.Tokens.TokenStore".
    [GeneratedRegex(@"(?<![\w.])PluginHost\.(?<folder>[A-Z][A-Za-z]+)(?=[.;])")]
    private static partial Regex NamespaceReference();
}
