using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace PluginHost.Audit;

/// <summary>Makes the <see cref="AuditDevice"/>s of the broker: new ones, tested as Vault tests them, and restored ones.</summary>
internal sealed class AuditDeviceFactory(TimeProvider clock, ILogger logger, Func<AuditDeviceOptions, IAuditSink> openSink)
{
    private const int SaltBytes = 32;

    /// <summary>The sink of a device: its file, standard output or nothing.</summary>
    /// <param name="options">The device's options.</param>
    /// <returns>The sink, not opened yet.</returns>
    public static IAuditSink DefaultSink(AuditDeviceOptions options) => options.FilePath switch
    {
        AuditDeviceOptions.Stdout => new StdoutAuditSink(),
        AuditDeviceOptions.Discard => new DiscardAuditSink(),
        _ => new FileAuditSink(options.FilePath, options.Mode),
    };

    /// <summary>
    /// Makes a device with a new salt, opens its file and, unless <c>skip_test</c>, writes Vault's test entry (a request
    /// to <c>sys/audit/test</c>), so an unusable target fails the enable instead of the first request.
    /// </summary>
    /// <param name="info">What <c>sys/audit</c> will list.</param>
    /// <param name="options">The parsed options.</param>
    /// <returns>The open device.</returns>
    /// <exception cref="PluginHostException">The target cannot be opened or written (BadRequest), with the OS reason.</exception>
    public AuditDevice Create(AuditDeviceInfo info, AuditDeviceOptions options)
    {
        var device = new AuditDevice(info, options, RandomNumberGenerator.GetBytes(SaltBytes), openSink(options));
        try
        {
            device.Open();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            device.Dispose();
            throw new PluginHostException(ErrorCode.BadRequest, $"audit backend failed test message: cannot open \"{options.FilePath}\": {ex.Message}", ex);
        }

        if (options.SkipTest)
        {
            return device;
        }

        var probe = new AuditEvent
        {
            Time = clock.GetUtcNow(),
            Request = new AuditRequestInfo { Id = Guid.NewGuid().ToString(), Operation = Operation.Update, Path = "sys/audit/test" },
        };
        if (device.TryWrite(probe, response: false, out var failure) != AuditDevice.WriteResult.Written)
        {
            device.Dispose();
            throw new PluginHostException(ErrorCode.BadRequest, $"audit backend failed test message: {failure?.Message}", failure);
        }

        return device;
    }

    /// <summary>
    /// Makes a device of the stored table with its stored salt. A file that cannot be opened now is logged and tried
    /// again by each entry; options that no longer parse make a device that fails every entry. Either way the device
    /// stays enabled, so the broker fails closed rather than dropping it.
    /// </summary>
    /// <param name="info">The stored device.</param>
    /// <param name="salt">Its stored salt.</param>
    /// <returns>The device.</returns>
    public AuditDevice Restore(AuditDeviceInfo info, byte[] salt)
    {
        AuditDeviceOptions options;
        IAuditSink sink;
        try
        {
            options = AuditDeviceOptions.Parse(info.Type, info.Options);
            sink = openSink(options);
        }
        catch (PluginHostException ex)
        {
            AuditLog.Unusable(logger, info.Path, ex.Message);
            options = new AuditDeviceOptions { FilePath = AuditDeviceOptions.Discard };
            sink = new BrokenAuditSink($"the device's stored options are invalid: {ex.Message}");
        }

        var device = new AuditDevice(info, options, salt, sink);
        try
        {
            device.Open();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AuditLog.OpenFailed(logger, info.Path, options.FilePath, ex.Message);
        }

        return device;
    }
}
