using System.Security.Cryptography.X509Certificates;

namespace PbsPocketIdWizard.Simulators.Pbs;

public sealed class PbsSimulatorOptions
{
    public const string DefaultVersion = "4.2.3";

    /// <summary>PBS's real wait before a 401 answer.</summary>
    public static readonly TimeSpan DefaultAuthFailureDelay = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The PBS version to imitate (pbs-api.md §0). Before 3.3: no push-sync roles. Before 3.3.4: only the `PBSAuthCookie`
    /// ticket cookie is read. Before 3.3.7: no realm `default` flag (rejected as an unknown parameter), pam/pbs
    /// hard-coded, no `/config/access/pam|pbs`. Before 4.0.12: no `http-only`. Before 4.2.1: no `audiences`.
    /// </summary>
    public string Version { get; set; } = DefaultVersion;

    /// <summary>root@pam password.</summary>
    public string RootPassword { get; set; } = "demo";

    /// <summary>Base32 TOTP secret; when set, root@pam logins need a TOTP second factor (pbs-api.md §2.2).</summary>
    public string? RootTotpSecret { get; set; }

    /// <summary>
    /// root@pam's TFA recovery keys; when any are set, root@pam logins need a second factor, and `recovery:KEY` answers
    /// the challenge once per key (pbs-api.md §2.2). <see cref="PbsSimulatorState.Reset"/> makes them unused again.
    /// </summary>
    public IReadOnlyList<string> RootRecoveryKeys { get; set; } = [];

    /// <summary>
    /// root@pam has a security key (WebAuthn): logins need a second factor, and the challenge carries a `webauthn`
    /// request. Only a browser with the key can answer it, so every `webauthn:` answer here is refused.
    /// </summary>
    public bool RootSecurityKey { get; set; }

    /// <summary>401 answers wait until this long after the request started (pbs-api.md §1, §13.11); tests set Zero.</summary>
    public TimeSpan AuthFailureDelay { get; set; } = DefaultAuthFailureDelay;

    /// <summary>403 answers are delayed by this much (pbs-api.md §1).</summary>
    public TimeSpan ForbiddenDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public string NodeName { get; set; } = "localhost";

    /// <summary>Handler for PBS's outbound calls to the IdP (discovery, token, userinfo, JWKS); null = normal TLS validation.</summary>
    public Func<HttpMessageHandler>? IdentityProviderHandler { get; set; }

    /// <summary>The TLS certificate the host serves (status `info.fingerprint`, certificates/info). Generated when null.</summary>
    public X509Certificate2? Certificate { get; set; }
}
