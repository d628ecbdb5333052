using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Policies;
using PluginHost.Policies;

namespace PluginHost.Cli.Commands;

/// <summary>
/// <c>plugin-host policy fmt PATH</c>: checks a local policy file with the library's parser, then rewrites it in the
/// canonical layout of <see cref="PolicyFormatter"/>, comments kept. Nothing is sent to the host.
/// </summary>
internal sealed class PolicyFmtCommand : Command
{
    public override string Name => "policy fmt";

    public override string Synopsis => "Formats a policy on disk";

    protected override bool UsesHost => false;

    protected override string HelpText => """
        Usage: plugin-host policy fmt [options] PATH

          Formats a local policy file to the policy specification. This command will
          overwrite the file at the given PATH with the properly-formatted policy
          file contents. Comments are kept.

          Format the local file "my-policy.hcl" as a policy file:

              $ plugin-host policy fmt my-policy.hcl
        """;

    protected override async Task<int> ExecuteAsync(CommandRun run, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (!CheckArguments(run, args, 1, 1, "1"))
        {
            return 1;
        }

        var given = LocalFiles.Expand(run, args[0].Trim());
        var path = LocalFiles.FullPath(run, given);
        string text;
        try
        {
            text = await BoundedText.ReadFileAsync(path, cancellationToken);
        }
        catch (Exception error) when (LocalFiles.IsFileError(error))
        {
            run.Ui.Error($"Error reading source file: {LocalFiles.Describe(error, given, path)}");
            return 1;
        }

        try
        {
            Policy.Parse("fmt", text);
        }
        catch (PolicyParseException error)
        {
            // Vault prints the parser's error as it is: failed to parse policy: ….
            run.Ui.Error(error.Message);
            return 1;
        }

        try
        {
            await ReplaceAsync(path, PolicyFormatter.Format(text), cancellationToken);
        }
        catch (Exception error) when (LocalFiles.IsFileError(error))
        {
            run.Ui.Error($"Error writing result: {error.Message}");
            return 1;
        }

        run.Ui.Output($"Success! Formatted policy: {given}");
        return 0;
    }

    // Writes beside the file and renames over it, so an interrupted run never leaves half a policy; the file keeps its
    // mode, and a symbolic link keeps pointing at the file it names, which gets the new text.
    private static async Task ReplaceAsync(string path, string text, CancellationToken cancellationToken)
    {
        var target = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
        var temporary = Path.Join(Path.GetDirectoryName(target), $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = File.GetUnixFileMode(target);
        }

        try
        {
            await using (var stream = new FileStream(temporary, options))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(text.AsMemory(), cancellationToken);
            }

            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
