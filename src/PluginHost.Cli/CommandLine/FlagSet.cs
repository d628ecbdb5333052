using System.Text;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.CommandLine;

/// <summary>
/// A command's flags in titled sections, parsed the way Go's <c>flag</c> package (and so Vault) parses them:
/// <c>-name=value</c>, <c>-name value</c>, <c>--name=value</c>, <c>--name value</c>, boolean <c>-name</c>; parsing stops
/// at the first positional argument or after <c>--</c>.
/// </summary>
internal sealed class FlagSet
{
    private readonly List<(string Title, List<Flag> Flags)> _sections = [];
    private readonly Dictionary<string, Flag> _byName = new(StringComparer.Ordinal);

    /// <summary>Adds <paramref name="flag"/> to the section titled <paramref name="section"/> and returns it.</summary>
    public T Add<T>(string section, T flag, params string[] aliases)
        where T : Flag
    {
        var index = _sections.FindIndex(s => s.Title == section);
        if (index < 0)
        {
            _sections.Add((section, []));
            index = _sections.Count - 1;
        }

        _sections[index].Flags.Add(flag);
        _byName.Add(flag.Name, flag);
        foreach (var alias in aliases)
        {
            _byName.Add(alias, flag);
        }

        return flag;
    }

    /// <summary>Parses the flags at the start of <paramref name="args"/> and returns the positional arguments after them.</summary>
    /// <exception cref="UsageException">Go's messages: <c>flag provided but not defined: -x</c>, <c>flag needs an argument: -x</c>, …</exception>
    public IReadOnlyList<string> Parse(IReadOnlyList<string> args)
    {
        var i = 0;
        while (i < args.Count)
        {
            var arg = args[i];
            if (arg.Length < 2 || arg[0] != '-')
            {
                break;
            }

            var minuses = arg[1] == '-' ? 2 : 1;
            if (minuses == 2 && arg.Length == 2)
            {
                i++;
                break;
            }

            var name = arg[minuses..];
            if (name.Length == 0 || name[0] is '-' or '=')
            {
                throw new UsageException($"bad flag syntax: {arg}");
            }

            i++;
            string? value = null;
            var equals = name.IndexOf('=', 1);
            if (equals > 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (!_byName.TryGetValue(name, out var flag))
            {
                throw new UsageException($"flag provided but not defined: -{Echo.Of(name)}");
            }

            if (flag.IsBool)
            {
                Apply(flag, value ?? "true", $"invalid boolean value \"{Echo.Of(value)}\" for -{name}");
                continue;
            }

            if (value is null)
            {
                if (i == args.Count)
                {
                    throw new UsageException($"flag needs an argument: -{name}");
                }

                value = args[i++];
            }

            Apply(flag, value, $"invalid value \"{Echo.Of(value)}\" for flag -{name}");
        }

        return args.Skip(i).ToArray();
    }

    /// <summary>The flags' help: each section's title, then each flag (sorted by name, as Go visits them) with its usage wrapped.</summary>
    public string Help()
    {
        var text = new StringBuilder();
        foreach (var (title, flags) in _sections)
        {
            text.Append(title).Append(":\n\n");
            foreach (var flag in flags.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                text.Append("  -").Append(flag.Name);
                if (flag.Example.Length > 0)
                {
                    text.Append("=<").Append(flag.Example).Append('>');
                }

                text.Append('\n').Append(TextWrap.WithPadding(flag.Usage, 6)).Append("\n\n");
            }
        }

        return text.ToString().TrimEnd('\n');
    }

    private static void Apply(Flag flag, string value, string failure)
    {
        try
        {
            flag.Set(value);
        }
        catch (FormatException error)
        {
            throw new UsageException($"{failure}: {error.Message}", error);
        }
    }
}
