namespace PluginHost.Policies.Language;

/// <summary>Interprets a parsed policy document (HCL or JSON): its <c>name</c> and <c>path</c> blocks.</summary>
internal static class PolicyDocument
{
    private static readonly string[] TopLevelKeys = ["name", "path"];

    /// <summary>Parses <paramref name="text"/>: JSON when it starts with <c>{</c> (as Vault's HCL parser decides), else HCL.</summary>
    /// <exception cref="PolicyParseException">Any syntax or language error.</exception>
    public static List<PathRule> ReadRules(string text)
    {
        // A byte order mark is not whitespace to .NET, but editors write one.
        text = text.TrimStart('\uFEFF');
        var document = text.AsSpan().TrimStart().StartsWith('{') ? JsonPolicyReader.Read(text) : HclParser.Parse(text);
        var invalid = document.Items.Where(item => !TopLevelKeys.Contains(item.Keys[0])).ToList();
        if (invalid.Count > 0)
        {
            throw PolicyParseException.Because(string.Join(", ", invalid.Select(item => $"invalid key \"{item.Keys[0]}\" on line {item.Line}")));
        }

        var rules = new List<PathRule>();
        foreach (var item in document.Items)
        {
            if (item.Keys[0] == "name")
            {
                // Accepted as in Vault, where the name the policy is stored under wins over this one.
                if (item.Keys.Count > 1 || item.Value is not HclString)
                {
                    throw PolicyParseException.Because($"line {item.Line}: name must be a string");
                }

                continue;
            }

            foreach (var (pattern, body) in PathBlocks(item))
            {
                rules.Add(PathRuleReader.Read(pattern, body));
            }
        }

        return rules;
    }

    // The forms a path block takes: HCL's `path "p" { … }`, and the object form JSON (and HCL) also allow,
    // `path = { "p" = { … } }`, or a list of such objects (JSON's way of repeating a key).
    private static IEnumerable<(string Pattern, HclObject Body)> PathBlocks(HclItem item)
    {
        switch (item.Keys.Count, item.Value)
        {
            case (2, HclObject body):
                yield return (item.Keys[1], body);
                break;
            case (1, HclObject blocks):
                foreach (var block in LabelledBlocks(blocks))
                {
                    yield return block;
                }

                break;
            case (1, HclList list) when list.Items.All(value => value is HclObject):
                foreach (var blocks in list.Items.Cast<HclObject>())
                {
                    foreach (var block in LabelledBlocks(blocks))
                    {
                        yield return block;
                    }
                }

                break;
            default:
                throw PolicyParseException.Because(
                    $"line {item.Line}: expected path \"<pattern>\" {{ … }}" + (item.Keys.Count > 2 ? $", found a second label \"{item.Keys[2]}\"" : ""));
        }
    }

    private static IEnumerable<(string Pattern, HclObject Body)> LabelledBlocks(HclObject blocks)
    {
        foreach (var block in blocks.Items)
        {
            if (block.Keys.Count != 1 || block.Value is not HclObject body)
            {
                throw PolicyParseException.Because($"line {block.Line}: expected \"<pattern>\" = {{ … }} inside path");
            }

            yield return (block.Keys[0], body);
        }
    }
}
