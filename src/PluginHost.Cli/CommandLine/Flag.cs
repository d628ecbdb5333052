using System.Text.Json;
using PluginHost.Cli.Output;
using PluginHost.Sdk;

namespace PluginHost.Cli.CommandLine;

/// <summary>One flag of a command: its name, how it is shown in help, and how a value is applied.</summary>
internal abstract class Flag(string name, string usage)
{
    public string Name { get; } = name;

    public string Usage { get; } = usage;

    /// <summary>What <c>-name=&lt;example&gt;</c> shows in help, or empty for a boolean flag (shown as <c>-name</c>).</summary>
    public abstract string Example { get; }

    public virtual bool IsBool => false;

    public bool IsSet { get; private set; }

    /// <summary>Applies a value; a message describes why it is invalid.</summary>
    public void Set(string value)
    {
        Apply(value);
        IsSet = true;
    }

    protected abstract void Apply(string value);
}

/// <summary>A string flag: <c>-path=x</c>.</summary>
internal sealed class StringFlag(string name, string example, string usage, string defaultValue = "") : Flag(name, usage)
{
    public string Value { get; private set; } = defaultValue;

    public override string Example => example;

    protected override void Apply(string value) => Value = value;
}

/// <summary>A boolean flag: <c>-detailed</c>, <c>-detailed=false</c>; most are false unless given (<c>-renewable</c> is true).</summary>
internal sealed class BoolFlag(string name, string usage, bool defaultValue = false) : Flag(name, usage)
{
    public bool Value { get; private set; } = defaultValue;

    public override string Example => "";

    public override bool IsBool => true;

    protected override void Apply(string value) => Value = value switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => throw new FormatException("parse error"),
    };
}

/// <summary>An integer flag: <c>-key-shares=5</c>.</summary>
internal sealed class IntFlag(string name, string usage, int defaultValue = 0) : Flag(name, usage)
{
    public int Value { get; private set; } = defaultValue;

    public override string Example => "int";

    // Go's flag package says "parse error" (or "value out of range") whatever the text was.
    protected override void Apply(string value) =>
        Value = long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number is >= int.MinValue and <= int.MaxValue ? (int)number : throw new FormatException("value out of range")
            : throw new FormatException("parse error");
}

/// <summary>A duration flag: <c>-default-lease-ttl=1h</c>, <c>1h30m</c>, <c>2d</c>, or a bare number of seconds.</summary>
internal sealed class DurationFlag(string name, string usage) : Flag(name, usage)
{
    public TimeSpan Value { get; private set; }

    public override string Example => "duration";

    /// <summary>Parses a duration the way the host parses the durations it is sent.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        try
        {
            duration = TimeSpan.FromSeconds(DurationParser.Parse("duration", JsonSerializer.SerializeToElement(text)));
            return true;
        }
        catch (PluginHostException)
        {
            duration = TimeSpan.Zero;
            return false;
        }
    }

    protected override void Apply(string value) =>
        Value = TryParse(value, out var duration) ? duration : throw new FormatException($"time: invalid duration \"{Echo.Of(value)}\"");
}

/// <summary>A repeatable string flag: <c>-args=a -args=b</c>.</summary>
internal sealed class StringListFlag(string name, string usage) : Flag(name, usage)
{
    private readonly List<string> _values = [];

    public IReadOnlyList<string> Values => _values;

    public override string Example => "string";

    protected override void Apply(string value) => _values.Add(value.Trim());
}

/// <summary>A repeatable <c>key=value</c> flag: <c>-options=version=2 -options=x=y</c>.</summary>
internal sealed class MapFlag(string name, string usage) : Flag(name, usage)
{
    private readonly SortedDictionary<string, string> _values = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Values => _values;

    public override string Example => "key=value";

    protected override void Apply(string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            throw new FormatException($"missing = in KV pair: \"{Echo.Of(value)}\"");
        }

        _values[value[..equals]] = value[(equals + 1)..];
    }
}
