using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PluginHost.Audit;

/// <summary>
/// One enabled audit device: its options, its salt and its sink. Entries are formatted and written under one lock per
/// device, so concurrent requests produce whole lines in some order and the JSON buffer is reused (no per-entry buffer).
/// </summary>
internal sealed class AuditDevice : IDisposable
{
    // A buffer that grew past this for one large entry is dropped afterwards instead of being kept for the device's life.
    private const int KeptBufferBytes = 1 << 20;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // The log is never embedded in HTML, so '<', '&' and non-ASCII text stay readable (as Go writes them); control
        // characters, newlines included, are still escaped: an entry is always one line.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Lock _lock = new();
    private readonly IAuditSink _sink;
    private ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;
    private bool _closed;

    /// <summary>Creates a device; the sink is not opened here.</summary>
    /// <param name="info">What <c>sys/audit</c> lists.</param>
    /// <param name="options">The parsed options.</param>
    /// <param name="salt">The device's salt.</param>
    /// <param name="sink">Where entries go; the device owns it.</param>
    public AuditDevice(AuditDeviceInfo info, AuditDeviceOptions options, byte[] salt, IAuditSink sink)
    {
        Info = info;
        Options = options;
        Salt = salt;
        Hasher = new AuditHasher(salt);
        _sink = sink;
        _writer = new Utf8JsonWriter(_buffer, WriterOptions);
    }

    /// <summary>The outcome of one write.</summary>
    public enum WriteResult
    {
        /// <summary>The entry is in the sink.</summary>
        Written,

        /// <summary>The entry could not be formatted or written.</summary>
        Failed,

        /// <summary>The device was disabled while the entry was on its way: it neither recorded nor failed it.</summary>
        Closed,
    }

    /// <summary>What <c>sys/audit</c> lists.</summary>
    public AuditDeviceInfo Info { get; }

    /// <summary>The parsed options.</summary>
    public AuditDeviceOptions Options { get; }

    /// <summary>The salt, kept to persist the table.</summary>
    public byte[] Salt { get; }

    /// <summary>The device's hasher; its span overloads only under the device's lock.</summary>
    public AuditHasher Hasher { get; }

    /// <summary>Opens the sink now.</summary>
    public void Open()
    {
        lock (_lock)
        {
            _sink.Open();
        }
    }

    /// <summary>Formats and writes one entry.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="response">Whether it is the response entry.</param>
    /// <param name="failure">Why it failed, when it did.</param>
    /// <returns>Whether it was written.</returns>
    public WriteResult TryWrite(AuditEvent entry, bool response, out Exception? failure)
    {
        failure = null;
        lock (_lock)
        {
            if (_closed)
            {
                return WriteResult.Closed;
            }

            try
            {
                _buffer.ResetWrittenCount();
                _buffer.Write(Options.Prefix);
                _writer.Reset(_buffer);
                AuditEntryWriter.Write(_writer, entry, response, Options, Hasher);
                _writer.Flush();
                _buffer.Write("\n"u8);
                _sink.Write(_buffer.WrittenMemory);
                return WriteResult.Written;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failure = ex;
                return WriteResult.Failed;
            }
            finally
            {
                if (_buffer.Capacity > KeptBufferBytes)
                {
                    _buffer = new ArrayBufferWriter<byte>(4096);
                    _writer.Reset(_buffer);
                }
            }
        }
    }

    /// <summary>Reopens the sink (log rotation).</summary>
    /// <exception cref="IOException">The sink could not be opened again; the next write retries.</exception>
    public void Reopen()
    {
        lock (_lock)
        {
            if (!_closed)
            {
                _sink.Reopen();
            }
        }
    }

    /// <summary>Closes the sink after any entry being written; later writes answer <see cref="WriteResult.Closed"/>.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _writer.Dispose();
            _sink.Dispose();
            Hasher.Dispose();
        }
    }
}
