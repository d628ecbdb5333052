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

        // Telemetry/ is a leaf (the Meter's instruments): counting the starts it makes is part of supervising them.
        CollectionAssert.IsSubsetOf(dependencies["Runtime"].ToArray(), new[] { "Catalog", "Telemetry" }, "Runtime/ launches and supervises processes for catalog entries, nothing else");
        Assert.IsEmpty(dependencies["Telemetry"], "Telemetry/ is a leaf every folder may count on");
        foreach (var folder in new[] { "Catalog", "Mounts", "Runtime", "Activation", "Storage" })
        {
            Assert.DoesNotContain("Hosting", dependencies[folder], $"{folder}/ points up at Hosting/");
        }
    }

    [TestMethod]
    public void ArchitectureDoc_NamesEveryProjectAndHostFolder()
    {
        var page = File.ReadAllText(Path.Join(SourceTree.Root, "docs", "architecture.md"));
        var heading = page.IndexOf("## Where things live", StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, heading, "docs/architecture.md has no \"## Where things live\" section with the tree");
        var start = page.IndexOf("```text", heading, StringComparison.Ordinal);
        var tree = page[start..page.IndexOf("\n```\n", start + 1, StringComparison.Ordinal)];

        var projects = new[] { "src", "tests", "samples" }
            .SelectMany(top => Directory.GetDirectories(Path.Join(SourceTree.Root, top)))
            .Where(directory => Directory.EnumerateFiles(directory, "*.csproj").Any())
            .Select(directory => Path.GetFileName(directory)!);
        var testPlugins = Directory.GetDirectories(Path.Join(SourceTree.Root, "tests", "Plugins"))
            .Select(directory => Path.GetFileName(directory)!)
            .Select(name => name.StartsWith("PluginHost.", StringComparison.Ordinal) ? name["PluginHost.".Length..] : name);

        foreach (var project in projects)
        {
            StringAssert.Contains(tree, $" {project}/", $"docs/architecture.md's tree does not show the project {project}/");
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
        var pages = new[] { "README.md", "CHANGELOG.md", Path.Join("samples", "README.md") }
            .Concat(Directory.GetFiles(Path.Join(SourceTree.Root, "docs"), "*.md").Select(page => Path.GetRelativePath(SourceTree.Root, page)));
        var broken = new List<string>();
        foreach (var page in pages)
        {
            foreach (Match link in MarkdownLink().Matches(File.ReadAllText(Path.Join(SourceTree.Root, page))))
            {
                var relative = link.Groups["target"].Value;
                if (relative.Length == 0 && !link.Groups["anchor"].Success)
                {
                    continue;
                }

                var target = relative.Length == 0
                    ? Path.Join(SourceTree.Root, page)
                    : Path.GetFullPath(Path.Join(SourceTree.Root, Path.GetDirectoryName(page), relative));
                if (!target.StartsWith(SourceTree.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !Path.Exists(target))
                {
                    broken.Add($"{page}: {relative}");
                }
                else if (link.Groups["anchor"].Success && target.EndsWith(".md", StringComparison.Ordinal) && !HeadingAnchors(target).Contains(link.Groups["anchor"].Value))
                {
                    broken.Add($"{page}: {relative}#{link.Groups["anchor"].Value} (no such heading)");
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

    // GitHub's anchors of a page's headings (outside code blocks): lower case, punctuation dropped, spaces to hyphens.
    private static HashSet<string> HeadingAnchors(string page)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var inCode = false;
        foreach (var line in File.ReadLines(page))
        {
            inCode ^= line.StartsWith("```", StringComparison.Ordinal);
            if (!inCode && Heading().Match(line) is { Success: true } heading)
            {
                anchors.Add(AnchorPunctuation().Replace(heading.Groups["text"].Value.ToLowerInvariant(), "").Replace(' ', '-'));
            }
        }

        return anchors;
    }

    // [text](relative/path#anchor) or [text](#anchor): not a URL (scheme:).
    [GeneratedRegex(@"\]\((?![a-z]+:)(?<target>[^)#\s]*)(?:#(?<anchor>[^)\s]+))?\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.*?)\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex AnchorPunctuation();
}
