using System.Text.RegularExpressions;

namespace PluginHost.Tests.Architecture;

/// <summary>
/// The layering docs/architecture.md describes, checked on the source: the folders of <c>src/PluginHost</c> depend on
/// each other one way, the page's tree names every project and folder there is, and no doc links out of the repository.
/// </summary>
[TestClass]
public sealed partial class ArchitectureTests
{
    [TestMethod]
    public void FoldersOfTheHostLibrary_DependOnEachOtherOneWay()
    {
        var dependencies = SourceTree.HostFolderDependencies();

        var cycle = FindCycle(dependencies);

        Assert.IsNull(cycle, $"src/PluginHost has a folder cycle: {string.Join(" → ", cycle ?? [])}; move the type one side needs to where both can point at it");
    }

    [TestMethod]
    public void TheRuntimeFolder_IsProcessesOnly()
    {
        var dependencies = SourceTree.HostFolderDependencies();

        CollectionAssert.IsSubsetOf(dependencies["Runtime"].ToArray(), new[] { "Catalog" }, "Runtime/ launches and supervises processes for catalog entries, nothing else");
        foreach (var folder in new[] { "Catalog", "Mounts", "Runtime", "Activation", "Storage" })
        {
            Assert.DoesNotContain("Hosting", dependencies[folder], $"{folder}/ points up at Hosting/");
        }
    }

    [TestMethod]
    public void ArchitectureDoc_NamesEveryProjectAndHostFolder()
    {
        var page = File.ReadAllText(Path.Join(SourceTree.Root, "docs", "architecture.md"));
        var tree = page[page.IndexOf("## Where things live", StringComparison.Ordinal)..];

        var projects = new[] { "src", "tests", "samples" }
            .SelectMany(top => Directory.GetDirectories(Path.Join(SourceTree.Root, top)))
            .Where(directory => Directory.EnumerateFiles(directory, "*.csproj").Any())
            .Select(directory => Path.GetFileName(directory)!);
        var testPlugins = Directory.GetDirectories(Path.Join(SourceTree.Root, "tests", "Plugins"))
            .Select(directory => Path.GetFileName(directory)!["PluginHost.".Length..]);

        foreach (var project in projects)
        {
            StringAssert.Contains(tree, project, $"docs/architecture.md's tree does not show the project {project}");
        }

        foreach (var plugin in testPlugins)
        {
            StringAssert.Contains(tree, plugin, $"docs/architecture.md's tree does not show tests/Plugins/{plugin}");
        }

        foreach (var folder in SourceTree.HostFolders())
        {
            StringAssert.Contains(tree, $"    {folder}/", $"docs/architecture.md's tree does not show src/PluginHost/{folder}/");
        }
    }

    [TestMethod]
    public void DocsLinks_LeadToFilesInTheRepository()
    {
        var pages = new[] { "README.md", Path.Join("samples", "README.md") }
            .Concat(Directory.GetFiles(Path.Join(SourceTree.Root, "docs"), "*.md").Select(page => Path.GetRelativePath(SourceTree.Root, page)));
        var broken = new List<string>();
        foreach (var page in pages)
        {
            foreach (Match link in MarkdownLink().Matches(File.ReadAllText(Path.Join(SourceTree.Root, page))))
            {
                var target = Path.GetFullPath(Path.Join(SourceTree.Root, Path.GetDirectoryName(page), link.Groups["target"].Value));
                if (!target.StartsWith(SourceTree.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !Path.Exists(target))
                {
                    broken.Add($"{page}: {link.Groups["target"].Value}");
                }
            }
        }

        Assert.IsEmpty(broken, "links that leave the repository or lead nowhere (the docs must stand alone): " + string.Join("; ", broken));
    }

    private static List<string>? FindCycle(IReadOnlyDictionary<string, IReadOnlySet<string>> graph)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var start in graph.Keys)
        {
            if (Visit(start) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        List<string>? Visit(string node)
        {
            var onPath = path.IndexOf(node);
            if (onPath >= 0)
            {
                return [.. path[onPath..], node];
            }

            if (!done.Add(node))
            {
                return null;
            }

            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? new HashSet<string>())
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }
    }

    // [text](relative/path#anchor): not a URL (scheme:) and not an anchor on the same page.
    [GeneratedRegex(@"\]\((?!#)(?![a-z]+:)(?<target>[^)#\s]+)(?:#[^)]*)?\)")]
    private static partial Regex MarkdownLink();
}
