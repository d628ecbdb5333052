namespace PluginHost.Runtime;

/// <summary>A backend whose life can end on its own (its process died), so the mount can drop it and start again.</summary>
internal interface ISupervisedBackend
{
    /// <summary>Completes when the backend can no longer serve.</summary>
    Task Stopped { get; }

    /// <summary>Why it stopped, for the mount's unavailable reason.</summary>
    string DescribeStop();
}
