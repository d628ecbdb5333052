using System.Text;
using Nerdbank.Streams;
using PluginHost.Runtime;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Runtime;

[TestClass]
public sealed class PluginOutputReaderTests
{
    private const int Cap = PluginOutputReader.MaxLineLength;

    private static async Task<List<string>> ReadAllAsync(TextReader reader)
    {
        var lines = new List<string>();
        await PluginOutputReader.ReadLinesAsync(reader, lines.Add);
        return lines;
    }

    [TestMethod]
    public async Task SplitsOnEveryKindOfLineBreak_EvenWhenReadsEndInsideOne()
    {
        const string output = "a\nb\r\nc\rd\n\ne";

        var whole = await ReadAllAsync(new StringReader(output));
        var trickled = await ReadAllAsync(new TricklingReader(output));

        string[] expected = ["a", "b", "c", "d", "", "e"];
        CollectionAssert.AreEqual(expected, whole);
        CollectionAssert.AreEqual(expected, trickled, "a \\r\\n split over two reads is still one break");
    }

    [TestMethod]
    public async Task LineOfExactlyTheCap_IsKeptWhole()
    {
        var line = new string('x', Cap);

        var lines = await ReadAllAsync(new StringReader(line + "\nnext\n"));

        CollectionAssert.AreEqual(new[] { line, "next" }, lines);
    }

    [TestMethod]
    public async Task LongerLine_IsCutAtTheCap_AndTheRestUpToItsBreakIsDropped()
    {
        var lines = await ReadAllAsync(new StringReader(new string('x', Cap) + new string('y', 3 * Cap) + "\r\nnext"));

        CollectionAssert.AreEqual(new[] { new string('x', Cap) + PluginOutputReader.TruncationMarker, "next" }, lines);
    }

    [TestMethod]
    public async Task CutNeverSplitsASurrogatePair()
    {
        var lines = await ReadAllAsync(new StringReader(new string('x', Cap - 1) + "😀" + "tail\n"));

        Assert.AreEqual(new string('x', Cap - 1) + PluginOutputReader.TruncationMarker, lines.Single());
    }

    [TestMethod]
    public async Task EndlessLine_IsPassedOnAtTheCap_WithoutWaitingForABreakThatNeverComes()
    {
        var (plugin, host) = FullDuplexStream.CreatePair();
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var reading = PluginOutputReader.ReadLinesAsync(new StreamReader(host, Encoding.UTF8), lines.Enqueue);
        var chunk = Encoding.UTF8.GetBytes(new string('x', 64 * 1024));

        // 8 MiB without a break: the reader passes the first cap's worth on and holds nothing of the rest.
        for (var i = 0; i < 128; i++)
        {
            await plugin.WriteAsync(chunk);
        }

        await plugin.FlushAsync();
        await Eventually.TrueAsync(() => Task.FromResult(!lines.IsEmpty), "the cut line is passed on while the line goes on");
        await plugin.WriteAsync("\nafter\n"u8.ToArray());
        plugin.Dispose();
        await reading.WaitAsync(TimeSpan.FromSeconds(30));

        CollectionAssert.AreEqual(new[] { new string('x', Cap) + PluginOutputReader.TruncationMarker, "after" }, lines.ToArray());
    }

    [TestMethod]
    public async Task ReaderClosedUnderIt_EndsTheReading()
    {
        var lines = await ReadAllAsync(new ClosedReader());

        Assert.IsEmpty(lines);
    }

    /// <summary>Hands out one character per read.</summary>
    private sealed class TricklingReader(string text) : TextReader
    {
        private int _position;

        public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == text.Length || buffer.Length == 0)
            {
                return ValueTask.FromResult(0);
            }

            buffer.Span[0] = text[_position++];
            return ValueTask.FromResult(1);
        }
    }

    /// <summary>A reader whose process object was disposed.</summary>
    private sealed class ClosedReader : TextReader
    {
        public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(new ObjectDisposedException("StandardError"));
    }
}
