using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PluginHost.Cli.Tests.Executable;

/// <summary><c>plugin-host server</c> stops on SIGTERM whatever its plugins do, and takes what they started with it.</summary>
[TestClass]
public sealed class ServerShutdownTests
{
    [TestMethod]
    public async Task Sigterm_WithAPluginIgnoringShutdownAndAGrandchildHoldingItsOutput_ExitsAndLeavesNothing()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        File.Copy(Published.AdversarialPlugin, Path.Join(sandbox.Plugins, "adversarial-plugin"));
        using var server = ServerProcess.StartDev(sandbox);
        using var http = await server.ClientAsync(ServerProcess.DevRootToken);
        await ExpectAsync(HttpStatusCode.NoContent, http.PutAsJsonAsync(
            "sys/plugins/catalog/secret/adversarial-plugin",
            new { sha256 = Published.Sha256Of(Published.AdversarialPlugin), command = "adversarial-plugin", env = new[] { "ADVERSARIAL_MODE=hold-output" } }));
        await ExpectAsync(HttpStatusCode.NoContent, http.PostAsJsonAsync("sys/mounts/hostile", new { type = "adversarial-plugin" }));
        var grandchild = (await ExpectAsync(HttpStatusCode.OK, http.GetAsync("hostile/grandchild"))).GetProperty("data").GetProperty("grandchild").GetInt32();
        Assert.IsTrue(Directory.Exists($"/proc/{grandchild}"), "the plugin's setsid grandchild runs");

        using (var kill = Process.Start("kill", ["-TERM", server.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        // A hang detector, not a timing assertion: the plugin's stop is bounded by the 5 s grace period plus a few seconds.
        Assert.IsTrue(server.Process.WaitForExit(TimeSpan.FromSeconds(60)), $"the server exits after SIGTERM; its output: {string.Join('\n', server.Stdout.Lines)}");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (IsRunning(grandchild) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.IsFalse(IsRunning(grandchild), "the grandchild is gone with the server");
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task<JsonElement> ExpectAsync(HttpStatusCode status, Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        var text = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(status, response.StatusCode, text);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
