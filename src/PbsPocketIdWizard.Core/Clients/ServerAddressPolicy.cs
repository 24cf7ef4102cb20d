using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Clients;

/// <summary>
/// Which servers the engine may talk to. Live: wherever the admin points it. Demo mode: its simulators only. The
/// connection steps report a refused address as a field error, and <see cref="ApiClientFactory"/> makes no client for
/// one, so nothing reaches another server whatever a page or a saved run holds.
/// </summary>
public interface IServerAddressPolicy
{
    /// <summary>Why the engine may not use <paramref name="url"/> for that server, or null when it may.</summary>
    string? Refusal(StepTarget server, string? url);
}

/// <summary>Live mode: any address the admin enters (the steps still check that it is one).</summary>
public sealed class AnyServerAddress : IServerAddressPolicy
{
    public string? Refusal(StepTarget server, string? url) => null;
}
