using System.Diagnostics;
using PluginHost.Benchmarks.E2e.Plugins;
using PluginHost.Benchmarks.E2e.Results;

namespace PluginHost.Benchmarks.E2e;

/// <summary>The e2e mode: parse options, run everything in a private workspace, print the table, write the JSON, clean up.</summary>
internal static class E2eMode
{
    public static async Task<int> RunAsync(string[] args)
    {
        E2eOptions options;
        try
        {
            options = E2eOptions.Parse(args);
        }
        catch (ArgumentException error)
        {
            await Console.Error.WriteLineAsync($"{error.Message}\n{BenchmarkCli.Usage}");
            return 2;
        }

        if (!OperatingSystem.IsLinux())
        {
            await Console.Error.WriteLineAsync("e2e needs Linux: it reads /proc and runs plugins over Unix sockets");
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // Stop measuring but let the hosts shut their plugins down and the workspace go.
            e.Cancel = true;
            cancel.Cancel();
        };

        var wall = Stopwatch.StartNew();
        var workspace = Workspace.Create(limitsOn: !options.NoLimits);
        try
        {
            var report = await new E2eRun(options, workspace, wall).RunAsync(cancel.Token);
            report.Machine.WallS = Math.Round(wall.Elapsed.TotalSeconds, 1);
            ReportTable.Write(report, Console.Out);
            if (options.JsonPath is { } json)
            {
                await File.WriteAllTextAsync(json, report.ToJson() + "\n", CancellationToken.None);
                await Console.Out.WriteLineAsync($"\nwrote {json}");
            }

            return 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return 130;
        }
        finally
        {
            var left = workspace.KillLeftovers();
            workspace.Dispose();
            await Console.Error.WriteLineAsync(left == 0
                ? "cleanup: no plugin process left behind; workspace deleted"
                : $"cleanup: killed {left} plugin process(es) the hosts had not stopped; workspace deleted");
        }
    }
}
