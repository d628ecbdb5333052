using PluginHost.Cli.CommandLine;

namespace PluginHost.Cli.Commands;

/// <summary>
/// What every <c>kv</c> command shares, as Vault's: the <c>-mount</c> flag, and finding the mount and its version
/// before building the paths (<c>kv get secret/foo</c> and <c>kv get -mount=secret foo</c> read <c>secret/data/foo</c>).
/// </summary>
internal abstract class KvCommand : Command
{
    private StringFlag? _mount;

    /// <summary>The command's own flags after <c>-mount</c>.</summary>
    protected virtual void AddKvFlags(FlagSet flags)
    {
    }

    protected sealed override void AddFlags(FlagSet flags)
    {
        _mount = flags.Add("Common Options", new StringFlag(
            "mount",
            "string",
            "Specifies the path where the KV backend is mounted. If specified, the next argument will be interpreted " +
            "as the secret path. If this flag is not specified, the next argument will be interpreted as the " +
            "combined mount path and secret path, with /data/ automatically appended between KV v2 secrets."));
        AddKvFlags(flags);
    }

    /// <summary>
    /// Finds the mount of <paramref name="argument"/> and returns it with the path version 2 paths are built from and
    /// the path version 1 reads directly, or prints the host's refusal and returns <see langword="null"/> (exit 2).
    /// </summary>
    protected async Task<KvTarget?> ResolveAsync(CommandRun run, string argument, CancellationToken cancellationToken)
    {
        var partial = Paths.Sanitize(argument);
        KvMount mount;
        try
        {
            mount = await KvMount.ResolveAsync(run.Client, _mount!.IsSet ? Paths.Sanitize(_mount.Value) : partial, cancellationToken);
        }
        catch (Exception error) when (IsRequestError(error))
        {
            run.Ui.Error(error.Message);
            return null;
        }

        if (!_mount.IsSet)
        {
            return new KvTarget(mount, partial, partial);
        }

        // With -mount the argument is the secret's path below the mount.
        var joined = KvMount.Join(mount.MountPath.Length > 0 ? mount.MountPath : Paths.Sanitize(_mount.Value), partial);
        return new KvTarget(mount, joined, joined);
    }

    /// <summary>
    /// The <c>metadata/</c> path of <paramref name="argument"/>, or <see langword="null"/> with the exit code after
    /// printing why: the host refused (2), or the mount is version 1, which has no metadata (1).
    /// </summary>
    protected async Task<(string? Path, int ExitCode)> ResolveMetadataPathAsync(CommandRun run, string argument, CancellationToken cancellationToken)
    {
        if (await ResolveAsync(run, argument, cancellationToken) is not { } target)
        {
            return (null, 2);
        }

        if (!target.Mount.IsVersioned)
        {
            run.Ui.Error("Metadata not supported on KV Version 1");
            return (null, 1);
        }

        return (target.Under("metadata"), 0);
    }
}

/// <summary>A resolved <c>kv</c> argument: its mount, the path version 2 paths are built from, and the path version 1 uses.</summary>
internal sealed record KvTarget(KvMount Mount, string Partial, string V1Path)
{
    /// <summary>The path below <paramref name="apiPrefix"/> (<c>data</c>, <c>metadata</c>, …) on a version 2 mount.</summary>
    public string Under(string apiPrefix) => Mount.WithPrefix(Partial, apiPrefix);
}
