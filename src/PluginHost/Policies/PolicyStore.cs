using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;

namespace PluginHost.Policies;

/// <summary>
/// The ACL policies of a host, kept in its own storage under <c>core/policies/</c>: <c>root</c> (built in, every
/// capability, cannot be changed or deleted), <c>default</c> (written at the first start with
/// <see cref="DefaultPolicy.Text"/>; may be changed, not deleted), and any the operator writes. Compiled
/// <see cref="Acl"/>s are cached per policy set and dropped on every change.
/// </summary>
internal sealed class PolicyStore(IStorage storage) : IDisposable
{
    private const string Prefix = "core/policies/";
    private const int MaxCompiledSets = 1_000;

    /// <summary>The ACL of the root policy: every capability on every path.</summary>
    public static Acl RootAcl { get; } = Acl.Create([Policy.Root]);

    private readonly ConcurrentDictionary<string, Policy> _parsed = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writes = new(1, 1);

    // The ACL of a policy list, kept beside the list object itself (a token's cached entry holds the same list for its life).
    private ConditionalWeakTable<IReadOnlyList<string>, Acl> _acls = new();

    // The same, by the names in order, for lists that are not the same object.
    private ConcurrentDictionary<string, Acl> _aclsByNames = new(StringComparer.Ordinal);
    private Task? _initialized;

    /// <summary>Writes the <c>default</c> policy the first time a storage is used.</summary>
    public Task EnsureInitializedAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _initialized) is { IsCompletedSuccessfully: true } done ? done : InitializeAsync(cancellationToken);

    /// <summary>The names of the stored policies, sorted, then <c>root</c> (Vault's order).</summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var names = await storage.ListAsync(Prefix, cancellationToken).ConfigureAwait(false);
        return [.. names, RootPolicy.Name];
    }

    /// <summary>The policy named <paramref name="name"/>, or null. <c>root</c> answers with empty rules.</summary>
    public async Task<Policy?> GetAsync(string name, CancellationToken cancellationToken)
    {
        name = PolicyName.Normalize(name);
        if (name == RootPolicy.Name)
        {
            return Policy.Root;
        }

        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        if (_parsed.TryGetValue(name, out var cached))
        {
            return cached;
        }

        var stored = await storage.GetAsync(Prefix + name, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        var policy = Policy.Parse(name, Encoding.UTF8.GetString(stored.Value));
        _parsed[name] = policy;
        return policy;
    }

    /// <summary>Parses and stores a policy (creating or replacing it).</summary>
    /// <exception cref="PluginHostException">The name is <c>root</c> or invalid, or the text does not parse (BadRequest).</exception>
    public async Task<Policy> PutAsync(string name, string text, CancellationToken cancellationToken)
    {
        name = PolicyName.Validate(name);
        if (name == RootPolicy.Name)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "cannot update \"root\" policy");
        }

        var policy = Policy.Parse(name, text);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await storage.PutAsync(new StorageEntry(Prefix + name, Encoding.UTF8.GetBytes(text)), cancellationToken).ConfigureAwait(false);
            _parsed[name] = policy;
            Invalidate();
        }
        finally
        {
            _writes.Release();
        }

        return policy;
    }

    /// <summary>Deletes a policy; one that does not exist is not an error.</summary>
    /// <exception cref="PluginHostException">The name is <c>root</c> or <c>default</c> (BadRequest).</exception>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        name = PolicyName.Normalize(name);
        if (name == RootPolicy.Name)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "cannot delete \"root\" policy");
        }

        if (name == DefaultPolicy.Name)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "cannot delete \"default\" policy");
        }

        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await storage.DeleteAsync(Prefix + name, cancellationToken).ConfigureAwait(false);
            _parsed.TryRemove(name, out _);
            Invalidate();
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Whether <paramref name="acl"/> is still the ACL of <paramref name="policies"/> (no policy changed since).</summary>
    public bool IsCurrent(IReadOnlyList<string> policies, Acl acl) =>
        ReferenceEquals(acl, RootAcl) || (Volatile.Read(ref _acls).TryGetValue(policies, out var current) && ReferenceEquals(current, acl));

    /// <summary>
    /// The compiled ACL of <paramref name="policies"/> (names a token carries); names of policies that do not exist
    /// grant nothing, as in Vault. Cached per list object until a policy changes.
    /// </summary>
    public async ValueTask<Acl> AclOfAsync(IReadOnlyList<string> policies, CancellationToken cancellationToken)
    {
        var acls = Volatile.Read(ref _acls);
        if (acls.TryGetValue(policies, out var acl))
        {
            return acl;
        }

        // Root stands alone, as Vault's root tokens carry only it; it never mixes with other rules.
        if (policies.Contains(Policy.RootName))
        {
            return RootAcl;
        }

        // Another list with the same names (a caller the application rebuilds for each request) shares the compiled ACL.
        var names = string.Join('\n', policies);
        var byNames = Volatile.Read(ref _aclsByNames);
        if (!byNames.TryGetValue(names, out acl))
        {
            var parsed = new List<Policy>(policies.Count);
            foreach (var name in policies)
            {
                if (await GetAsync(name, cancellationToken).ConfigureAwait(false) is { } policy)
                {
                    parsed.Add(policy);
                }
            }

            acl = Acl.Create(parsed);
            if (byNames.Count >= MaxCompiledSets)
            {
                byNames.Clear();
            }

            byNames[names] = acl;
        }

        // Cached only if no policy changed while it was compiled (a change swaps the tables).
        if (ReferenceEquals(acls, Volatile.Read(ref _acls)))
        {
            acls.AddOrUpdate(policies, acl);
        }

        return acl;
    }

    public void Dispose() => _writes.Dispose();

    private void Invalidate()
    {
        Volatile.Write(ref _aclsByNames, new ConcurrentDictionary<string, Acl>(StringComparer.Ordinal));
        Volatile.Write(ref _acls, new ConditionalWeakTable<IReadOnlyList<string>, Acl>());
    }

    private Task InitializeAsync(CancellationToken cancellationToken)
    {
        var started = LazyInitializer.EnsureInitialized(ref _initialized, () => WriteDefaultIfMissingAsync());
        if (started.IsFaulted || started.IsCanceled)
        {
            // A storage failure is not remembered for ever: the next request tries again.
            Interlocked.CompareExchange(ref _initialized, null, started);
        }

        return started.WaitAsync(cancellationToken);
    }

    private async Task WriteDefaultIfMissingAsync()
    {
        if (await storage.GetAsync(Prefix + DefaultPolicy.Name, CancellationToken.None).ConfigureAwait(false) is null)
        {
            await storage.PutAsync(new StorageEntry(Prefix + DefaultPolicy.Name, Encoding.UTF8.GetBytes(DefaultPolicy.Text)), CancellationToken.None).ConfigureAwait(false);
        }
    }
}
