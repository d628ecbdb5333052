using System.Text;

namespace PluginHost.Runtime;

/// <summary>
/// Splits a plugin's stdout or stderr into lines without ever holding more than <see cref="MaxLineLength"/> characters
/// of one: a longer line is passed on cut, ending in <see cref="TruncationMarker"/>, as soon as it reaches the cap, and
/// the rest of it up to its line break is dropped. <c>Process.BeginErrorReadLine</c> buffers a line until its break
/// however long it grows, so a plugin writing one endless line would take the host's memory with it.
/// </summary>
internal static class PluginOutputReader
{
    /// <summary>The most characters of one line that are passed on.</summary>
    public const int MaxLineLength = 16 * 1024;

    /// <summary>Ends a line that was cut at <see cref="MaxLineLength"/>.</summary>
    public static readonly string TruncationMarker = $"… [truncated: the line was longer than {MaxLineLength} characters]";

    /// <summary>Reads <paramref name="reader"/> to its end and calls <paramref name="onLine"/> for each line (ended by \n, \r\n or \r, or by the end).</summary>
    /// <param name="reader">The plugin's output.</param>
    /// <param name="onLine">Receives each line, without its break; called on one reading thread at a time.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>A task that completes at the end of the output, or when the output is closed or the token cancelled.</returns>
    public static async Task ReadLinesAsync(TextReader reader, Action<string> onLine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(onLine);
        var buffer = new char[4096];
        var line = new StringBuilder();
        var cut = false;
        var afterCarriageReturn = false;
        while (true)
        {
            int read;
            try
            {
                read = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception closed) when (closed is IOException or ObjectDisposedException or OperationCanceledException)
            {
                // The process object was disposed (or reading stopped) under us: there is nothing more to read.
                return;
            }

            if (read == 0)
            {
                if (line.Length > 0 && !cut)
                {
                    onLine(line.ToString());
                }

                return;
            }

            var start = 0;
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (c == '\n' && afterCarriageReturn)
                {
                    // The \n of a \r\n: the line already ended at the \r.
                    afterCarriageReturn = false;
                    start = i + 1;
                    continue;
                }

                afterCarriageReturn = c == '\r';
                if (c is '\n' or '\r')
                {
                    Append(buffer.AsSpan(start, i - start));
                    if (!cut)
                    {
                        onLine(line.ToString());
                    }

                    line.Clear();
                    cut = false;
                    start = i + 1;
                }
            }

            Append(buffer.AsSpan(start, read - start));
        }

        void Append(ReadOnlySpan<char> characters)
        {
            if (cut)
            {
                return;
            }

            var room = MaxLineLength - line.Length;
            if (characters.Length <= room)
            {
                line.Append(characters);
                return;
            }

            line.Append(characters[..room]);

            // Never split a surrogate pair at the cut (its first half may have come with an earlier read).
            if (char.IsHighSurrogate(line[^1]))
            {
                line.Length--;
            }

            onLine(line.Append(TruncationMarker).ToString());
            line.Clear();
            cut = true;
        }
    }
}
