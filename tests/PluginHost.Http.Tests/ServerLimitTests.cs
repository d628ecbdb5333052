using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PluginHost.Http.Requests;

namespace PluginHost.Http.Tests;

/// <summary>
/// Issue 14: one body is bounded by <c>max_request_size</c>, the bodies held at once by
/// <see cref="PluginHostHttpOptions.MaxBufferedRequestBodyBytes"/>, and a request's time by <c>max_request_duration</c>.
/// </summary>
[TestClass]
public sealed class ServerLimitTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [TestMethod]
    public void Defaults_AreVaultsAndKeepBodiesWellUnderAGigabyte()
    {
        var options = new PluginHostHttpOptions();

        Assert.AreEqual(32L * 1024 * 1024, options.MaxRequestBodyBytes);
        Assert.AreEqual(128L * 1024 * 1024, options.MaxBufferedRequestBodyBytes);
        Assert.AreEqual(TimeSpan.FromSeconds(90), options.MaxRequestDuration);
    }

    [TestMethod]
    public async Task ABodyBeyondWhatTheServerHoldsAtOnce_Answers503_AndTheRoomComesBackAfterwards()
    {
        await using var server = await ApiServer.StartAsync(o => o.MaxBufferedRequestBodyBytes = 1500);
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/secret", """{"type":"kv"}"""));
        var budget = server.Services.GetRequiredService<RequestBodyBudget>();

        // The first body sends 610 bytes, then waits: the server holds them while it waits for the rest. A whole body
        // is counted twice (the bytes read and the copy parsed), so the second, complete, does not fit beside it.
        var value = new string('x', 600);
        using var held = new HeldBodyStream(Encoding.UTF8.GetBytes($$"""{"value":"{{value}}"""), Encoding.UTF8.GetBytes("\"}"));
        var first = server.SendWithBodyAsync("PUT", "/v1/secret/first", held);
        await PollAsync(() => budget.Buffered >= 600, "the first body is held");

        var refused = await server.SendAsync("PUT", "secret/second", $$"""{"value":"{{value}}"}""");
        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0].GetString();
        Assert.AreEqual("the server is holding too many request bodies at once (limit 1500 bytes, PluginHostHttpOptions.MaxBufferedRequestBodyBytes); retry shortly", error);

        held.Release();
        Assert.AreEqual(StatusCodes.Status204NoContent, (await first).Response.StatusCode);
        await PollAsync(() => budget.Buffered == 0, "every body's bytes are given back");
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "secret/second", $$"""{"value":"{{value}}"}"""));
        Assert.AreEqual(0, budget.Buffered);
    }

    [TestMethod]
    public async Task ARefusedOrFailedBody_GivesItsRoomBack()
    {
        await using var server = await ApiServer.StartAsync(o =>
        {
            o.MaxRequestBodyBytes = 100;
            o.MaxBufferedRequestBodyBytes = 1000;
        });
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/secret", """{"type":"kv"}"""));

        await ApiServer.Expect(HttpStatusCode.RequestEntityTooLarge, server.SendAsync("PUT", "secret/k", $$"""{"value":"{{new string('x', 200)}}"}"""));
        await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsync("PUT", "secret/k", """{"a":1,"a":2}"""));

        Assert.AreEqual(0, server.Services.GetRequiredService<RequestBodyBudget>().Buffered);
    }

    [TestMethod]
    public async Task ARequestPastMaxRequestDuration_Answers504_SayingWhichLimit()
    {
        await using var server = await ApiServer.StartAsync(o => o.MaxRequestDuration = TimeSpan.FromMilliseconds(200));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/secret", """{"type":"kv"}"""));

        // A body that never ends: only the deadline ends the request.
        using var never = new HeldBodyStream("{\"value\":\""u8.ToArray(), "\"}"u8.ToArray());
        var context = await server.SendWithBodyAsync("PUT", "/v1/secret/k", never);

        Assert.AreEqual(StatusCodes.Status504GatewayTimeout, context.Response.StatusCode);
        using var reader = new StreamReader(context.Response.Body);
        var error = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.GetProperty("errors")[0].GetString()!;
        StringAssert.StartsWith(error, "request exceeded max_request_duration of 0.2s (request ");
        await ApiServer.Expect(HttpStatusCode.NotFound, server.SendAsync("GET", "secret/k"));
    }

    private static async Task PollAsync(Func<bool> condition, string what)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > Deadline)
            {
                Assert.Fail($"not within {Deadline.TotalSeconds} s: {what}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>A body that gives its first part, then waits for <see cref="Release"/> (or cancellation) before the rest.</summary>
    private sealed class HeldBodyStream(byte[] first, byte[] rest) : Stream
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Release() => _released.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= first.Length)
            {
                await _released.Task.WaitAsync(cancellationToken);
            }

            var source = _position < first.Length ? first.AsMemory(_position) : rest.AsMemory(Math.Min(rest.Length, _position - first.Length));
            var count = Math.Min(source.Length, buffer.Length);
            source[..count].CopyTo(buffer);
            _position += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
