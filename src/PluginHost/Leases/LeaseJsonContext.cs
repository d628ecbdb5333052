using System.Text.Json.Serialization;

namespace PluginHost.Leases;

/// <summary>Source-generated JSON for the leases the expiration manager stores.</summary>
[JsonSerializable(typeof(LeaseEntry))]
internal sealed partial class LeaseJsonContext : JsonSerializerContext;
