namespace PluginHost.Cli.Commands;

/// <summary>The output flags a command takes.</summary>
[Flags]
internal enum OutputFlags
{
    None = 0,

    /// <summary><c>-format=table|json</c>.</summary>
    Format = 1,

    /// <summary><c>-field=NAME</c>.</summary>
    Field = 2,
}
