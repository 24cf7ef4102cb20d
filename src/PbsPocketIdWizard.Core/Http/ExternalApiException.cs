using System.Net;

namespace PbsPocketIdWizard.Core.Http;

public enum ExternalService
{
    PocketId,
    Pbs,
}

/// <summary>
/// A call to Pocket ID or PBS failed. Detail is the server's own message (never a URL with secrets, never headers).
/// StatusCode is null when no HTTP answer came (connection refused, dropped, TLS refused, timeout).
/// </summary>
public sealed class ExternalApiException(ExternalService service, HttpStatusCode? statusCode, string detail, Exception? inner = null)
    : Exception(Format(service, statusCode, detail), inner)
{
    public ExternalService Service { get; } = service;

    public HttpStatusCode? StatusCode { get; } = statusCode;

    public string Detail { get; } = detail;

    /// <summary>Set when the failure is an untrusted TLS certificate: the SHA-256 fingerprint the server presented.</summary>
    public string? PresentedFingerprint { get; init; }

    /// <summary>Pocket ID 2.13+ machine code (e.g. "not_found"); null for PBS, older Pocket ID, or unknown routes.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>True when no HTTP answer came back at all (refused, dropped, TLS refused, timed out).</summary>
    public bool IsConnectionFailure => StatusCode is null;

    public string ServiceName => Service == ExternalService.Pbs ? "Proxmox Backup Server" : "Pocket ID";

    private static string Format(ExternalService service, HttpStatusCode? status, string detail) =>
        $"{(service == ExternalService.Pbs ? "Proxmox Backup Server" : "Pocket ID")} " +
        (status is null ? "could not be reached" : $"answered {(int)status.Value}") + $": {detail}";
}
