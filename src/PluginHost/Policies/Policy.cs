using PluginHost.Policies.Language;

namespace PluginHost.Policies;

/// <summary>
/// A named ACL policy in Vault's language: <c>path "pattern" { capabilities = [...] }</c> blocks, in HCL or JSON.
/// Parse one with <see cref="Parse"/>; combine the policies of a token with <see cref="Acl.Create"/>.
/// </summary>
public sealed class Policy
{
    /// <summary>The name of the built-in policy that allows everything.</summary>
    public const string RootName = "root";

    private Policy(string name, string text, IReadOnlyList<PathRule> paths)
    {
        Name = name;
        Text = text;
        Paths = paths;
    }

    /// <summary>Vault's built-in <c>root</c> policy: an ACL made of it allows everything, on every path.</summary>
    public static Policy Root { get; } = new(RootName, "", []);

    /// <summary>The name, trimmed and in lower case (as Vault normalizes policy names).</summary>
    public string Name { get; }

    /// <summary>The policy's source, exactly as given.</summary>
    public string Text { get; }

    /// <summary>The path blocks in the order written (a pattern may appear more than once).</summary>
    public IReadOnlyList<PathRule> Paths { get; }

    /// <summary>
    /// Parses a policy. <paramref name="text"/> is JSON when, trimmed, it starts with <c>{</c> (as in Vault); otherwise
    /// HCL. An empty text is a valid policy that grants nothing.
    /// </summary>
    /// <param name="name">The policy's name; it is trimmed and lower-cased. It cannot be <c>root</c> (use <see cref="Root"/>).</param>
    /// <param name="text">The policy in HCL or JSON.</param>
    /// <exception cref="PolicyParseException">
    /// The name is empty or <c>root</c>, or the text is not a valid policy: a syntax error (with its line and column), an
    /// unknown key (<c>invalid key "bad" on line 2</c>), an unknown capability, a <c>*</c> anywhere but at the end of a
    /// pattern, <c>+*</c>, or a bad parameter or TTL.
    /// </exception>
    public static Policy Parse(string name, string text)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(text);
        var normalized = name.Trim().ToLowerInvariant();
        if (normalized.Length == 0)
        {
            throw new PolicyParseException("policy name missing");
        }

        if (normalized == RootName)
        {
            // A policy named root would make any token holding it root: Vault keeps the name for its built-in policy.
            throw new PolicyParseException($"cannot update \"{RootName}\" policy");
        }

        return new Policy(normalized, text, PolicyDocument.ReadRules(text).AsReadOnly());
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
