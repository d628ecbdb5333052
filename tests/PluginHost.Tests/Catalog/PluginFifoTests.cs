using PluginHost.Catalog;

namespace PluginHost.Tests.Catalog;

/// <summary>
/// A FIFO where a plugin binary should be (put there before registration, swapped in between the checks and the
/// open, or appearing before a launch) is refused at once: opening it must never block a request's thread (issue 13).
/// </summary>
[TestClass]
public sealed class PluginFifoTests : CatalogTestBase
{
    // Long enough for any machine to finish an open and a stat; a hang is what the bound catches.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [TestMethod]
    public async Task Register_CommandIsAFifo_IsRefusedPromptly_NamingTheFileType()
    {
        var fifo = Plugins.MakeFifo("fifo-plugin");
        try
        {
            var registration = new PluginRegistration { Type = BackendType.Secret, Name = "fifo", Command = "fifo-plugin", Sha256 = new string('a', 64) };

            var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
                Task.Run(() => CreateCatalog().RegisterAsync(registration)).WaitAsync(Hang));

            Assert.AreEqual(ErrorCode.BadRequest, error.Code);
            StringAssert.StartsWith(error.Message, "command 'fifo-plugin' is not a regular file: a FIFO");
        }
        finally
        {
            PluginDirectory.ReleaseReaders(fifo);
        }
    }

    [TestMethod]
    public async Task Hashing_AFifoSwappedInAfterTheChecks_ReturnsPromptly_WithoutBlockingInOpen()
    {
        // What a swap between Resolve's checks and the open leaves: the hashing opens a FIFO that no one writes.
        var fifo = Plugins.MakeFifo("swapped");
        try
        {
            var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
                Task.Run(() => PluginChecksum.ComputeAsync(fifo, CancellationToken.None)).WaitAsync(Hang));

            Assert.AreEqual(ErrorCode.BadRequest, error.Code);
            StringAssert.Contains(error.Message, "is not a regular file: a FIFO");
        }
        finally
        {
            PluginDirectory.ReleaseReaders(fifo);
        }
    }

    [TestMethod]
    public async Task VerifyChecksum_FifoAppearedAfterRegistration_IsRefusedPromptly()
    {
        var catalog = CreateCatalog();
        var entry = await catalog.RegisterAsync(Binary(command: "plugin"));
        File.Delete(Path.Combine(Plugins.Location, "plugin"));
        var fifo = Plugins.MakeFifo("plugin");
        try
        {
            var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
                Task.Run(() => catalog.VerifyChecksumAsync(entry)).WaitAsync(Hang));

            StringAssert.StartsWith(error.Message, "command 'plugin' is not a regular file: a FIFO");
        }
        finally
        {
            PluginDirectory.ReleaseReaders(fifo);
        }
    }

    [TestMethod]
    public async Task Register_EmptyRegularFile_IsRefused()
    {
        var sha = Plugins.Write("empty", "");

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            CreateCatalog().RegisterAsync(new PluginRegistration { Type = BackendType.Secret, Name = "empty", Command = "empty", Sha256 = sha }));

        StringAssert.StartsWith(error.Message, "command 'empty' is an empty file");
    }
}
