namespace PbsPocketIdWizard.Core.Http;

/// <summary>HTTP settings for the two API clients; tests swap the primary handlers for TestServer handlers.</summary>
public sealed class WizardHttpOptions
{
    /// <summary>How long one request may take before it counts as "no answer" (status null).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Replaces the PBS primary handler (which otherwise pins certificates); for tests only.</summary>
    public Func<HttpMessageHandler>? PbsPrimaryHandler { get; set; }

    /// <summary>Replaces the Pocket ID primary handler; for tests only.</summary>
    public Func<HttpMessageHandler>? PocketIdPrimaryHandler { get; set; }

    /// <summary>PBS sessions are renewed when the ticket is older than this (tickets live 2 h, pbs-api.md §2.1).</summary>
    public TimeSpan PbsTicketRenewAfter { get; set; } = TimeSpan.FromMinutes(90);
}
