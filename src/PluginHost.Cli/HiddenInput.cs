using System.Text;

namespace PluginHost.Cli;

/// <summary>Reads a line from the terminal without echoing it, as Vault's <c>password.Read</c> does for a password prompt.</summary>
internal static class HiddenInput
{
    public static string? ReadLine()
    {
        var line = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    return line.ToString();
                case ConsoleKey.Backspace:
                    if (line.Length > 0)
                    {
                        line.Length--;
                    }

                    break;
                default:
                    if (key.Modifiers.HasFlag(ConsoleModifiers.Control) && key.Key == ConsoleKey.D)
                    {
                        // Ctrl+D: the end of input.
                        return null;
                    }

                    if (key.KeyChar != '\0')
                    {
                        line.Append(key.KeyChar);
                    }

                    break;
            }
        }
    }
}
