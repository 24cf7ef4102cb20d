namespace PbsPocketIdWizard.Simulators.PocketId;

/// <summary>How the fake Pocket ID behaves. Version selects the API profile (pocket-id-api.md §13).</summary>
public sealed class PocketIdSimulatorOptions
{
    public const string DefaultVersion = "2.14.0";

    /// <summary>"2.14.0" (default, multi-secret) or "2.13.0" (single /secret); older versions switch to the {error} body shape (§4.2).</summary>
    public string Version { get; set; } = DefaultVersion;

    /// <summary>A valid API key (header X-API-Key) owned by the seeded admin alice.</summary>
    public string ApiKey { get; set; } = "demo-api-key";

    /// <summary>STATIC_API_KEY (§3.1): when set, this header value runs as a synthetic admin user.</summary>
    public string? StaticApiKey { get; set; }

    /// <summary>Issuer / APP_URL without trailing slash; when null the host sets <see cref="PocketIdSimulatorState.PublicUrl"/> after binding.</summary>
    public string? PublicUrl { get; set; }

    public TimeProvider? TimeProvider { get; set; }
}

/// <summary>The version-dependent switches of §13 that the simulator models.</summary>
public sealed record PocketIdProfile(Version Version)
{
    public static PocketIdProfile Parse(string? text)
    {
        var trimmed = (text ?? string.Empty).Trim().TrimStart('v', 'V');
        return System.Version.TryParse(trimmed, out var parsed)
            ? new PocketIdProfile(new Version(parsed.Major, parsed.Minor, Math.Max(parsed.Build, 0)))
            : new PocketIdProfile(new Version(2, 14, 0));
    }

    public string VersionText => $"{Version.Major}.{Version.Minor}.{Version.Build}";

    /// <summary>§4.1: {error,code,details,request_id}, 409 conflicts, 415 file types, JSON content type required, token lifetimes.</summary>
    public bool StructuredErrors => Version >= new Version(2, 13, 0);

    /// <summary>§6.1: POST …/secrets (201 DTO) replaces POST …/secret (200 {"secret"}); DELETE missing client → 404.</summary>
    public bool MultiSecrets => Version >= new Version(2, 14, 0);

    /// <summary>§12: GET /api/version/current exists from v2.3.0.</summary>
    public bool HasVersionEndpoint => Version >= new Version(2, 3, 0);

    /// <summary>§8: isGroupRestricted flag (v2.0+); before, a non-empty allowed-group list restricts.</summary>
    public bool HasGroupRestrictedFlag => Version >= new Version(2, 0, 0);

    /// <summary>§11.6: TOFU callback auto-fill existed v1.2.0 – v2.9.x.</summary>
    public bool TofuCallbacks => Version < new Version(2, 10, 0) && Version >= new Version(1, 2, 0);

    /// <summary>§11.1: token_endpoint_auth_methods_supported appears in discovery from v2.6.0.</summary>
    public bool DiscoveryListsAuthMethods => Version >= new Version(2, 6, 0);
}
