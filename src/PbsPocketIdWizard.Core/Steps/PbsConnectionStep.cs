using System.Net;
using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>
/// Tests the PBS connection: address (port 8007 when omitted), reachability, TLS (trusted or pinned fingerprint),
/// credentials (password with optional TOTP, or API token), the privileges the run needs (pbs-api.md §2.4) and the
/// version (whether the realm `default` flag exists, 3.3.7+).
/// </summary>
public sealed class PbsConnectionStep(ApiClientFactory clients) : ConnectionStep
{
    /// <summary>What the later steps call, per ACL path (pbs-api.md §2.4).</summary>
    internal static readonly IReadOnlyList<(string Path, string Privilege, string Why)> RequiredPrivileges =
    [
        ("/access/domains", "Realm.Allocate", "create and edit the OpenID realm"),
        ("/access/domains", "Sys.Audit", "read the OpenID realm"),
        ("/access/users", "Sys.Audit", "see the users that sign in"),
        ("/access/users", "Permissions.Modify", "pre-create users"),
        ("/access/acl", "Sys.Audit", "read permissions"),
        ("/access/acl", "Permissions.Modify", "grant permissions"),
    ];

    public override WizardStepId Id => WizardStepId.PbsConnection;

    public override string Title => "Proxmox Backup Server";

    public override StepTarget Target => StepTarget.Pbs;

    protected override object InputsOf(WizardState state) => state.Pbs;

    public override IReadOnlyList<FieldError> Validate(WizardState state)
    {
        var input = state.Pbs;
        var errors = new List<FieldError>();
        if (!PbsAddress.TryParse(input.Url, out _, out var urlError))
        {
            errors.Add(new(nameof(PbsConnectionInput.Url), urlError));
        }
        else if (clients.Addresses.Refusal(StepTarget.Pbs, input.Url) is { } refusal)
        {
            errors.Add(new(nameof(PbsConnectionInput.Url), refusal));
        }

        if (input.ApiToken is not null)
        {
            if (!PbsApiToken.TryParse(input.ApiToken.Reveal(), out _))
            {
                errors.Add(new(nameof(PbsConnectionInput.ApiToken),
                    "The API token must look like user@realm!tokenname:secret, e.g. root@pam!wizard:d63e505a-…; the secret is shown once when the token is created."));
            }
        }
        else
        {
            if (!PbsRules.IsValidUserId(input.Username?.Trim()))
            {
                errors.Add(new(nameof(PbsConnectionInput.Username), "Enter the PBS user as user@realm, e.g. root@pam."));
            }

            if (input.Password is null)
            {
                errors.Add(new(nameof(PbsConnectionInput.Password), "Enter the password of the PBS user, or use an API token instead."));
            }
        }

        if (!string.IsNullOrWhiteSpace(input.Fingerprint) && CertificatePin.Normalize(input.Fingerprint) is null)
        {
            errors.Add(new(nameof(PbsConnectionInput.Fingerprint),
                "The fingerprint must be the SHA-256 PBS shows under Dashboard → \"Show Fingerprint\": 32 hex pairs separated by ':'."));
        }

        if (PbsSecondFactor.FormatProblem(input.TotpCode) is { } secondFactorProblem)
        {
            errors.Add(new(nameof(PbsConnectionInput.TotpCode), secondFactorProblem));
        }

        return errors;
    }

    protected override async Task<StepOutcome> CheckAsync(WizardState state, CancellationToken cancellationToken)
    {
        var client = clients.CreatePbs(state.Pbs);
        var address = PbsAddress.Parse(state.Pbs.Url);
        var credentialField = client.UsesApiToken ? nameof(PbsConnectionInput.ApiToken) : nameof(PbsConnectionInput.Password);

        // 1. Reachable, and TLS trusted or pinned (no credentials yet).
        try
        {
            await client.PingAsync(cancellationToken);
        }
        catch (ExternalApiException ex) when (ex.PresentedFingerprint is not null)
        {
            state.Results.PbsPresentedFingerprint = ex.PresentedFingerprint;
            var pinned = CertificatePin.Normalize(state.Pbs.Fingerprint);
            return StepOutcome.Failure(new FieldError(nameof(PbsConnectionInput.Fingerprint),
                (pinned is null ? "PBS at " + address.BaseUrl + " uses a certificate this machine does not trust. " : "PBS presented a different certificate than the trusted fingerprint. ") +
                $"It presented the SHA-256 fingerprint {ex.PresentedFingerprint}. Compare it with PBS Dashboard → \"Show Fingerprint\"; if it is the same, trust it by entering it here."));
        }
        catch (ExternalApiException ex)
        {
            return StepOutcome.Failure(StepFailures.From(ex, nameof(PbsConnectionInput.Url), $"Reaching PBS at {address.BaseUrl}",
                ex.StatusCode is null
                    ? "Check the address and port (PBS listens on 8007), that PBS is running, and that a firewall lets the wizard through."
                    : "Check that the address is the PBS web interface."));
        }

        // 2. Credentials (and the second factor).
        try
        {
            switch (await client.LoginAsync(state.Pbs.TotpCode, cancellationToken))
            {
                case PbsLoginResult.SecondFactorRequired:
                    return StepOutcome.Failure(new FieldError(nameof(PbsConnectionInput.TotpCode),
                        $"PBS asks for a second factor for {client.AuthId}: {PbsSecondFactor.Ask(client.SecondFactorOffer)}, and test again."));
                case PbsLoginResult.SecondFactorUnusable:
                    // Step-wide: the answer is another way in (an API token), not a value in one of the shown fields.
                    return StepOutcome.Failure(FieldError.ForStep(
                        PbsSecondFactor.Unusable(client.SecondFactorOffer ?? PbsTfaOffer.Unknown, client.AuthId) ?? string.Empty));
            }
        }
        catch (ExternalApiException ex) when (ex.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest)
        {
            var field = string.IsNullOrWhiteSpace(state.Pbs.TotpCode) ? credentialField : nameof(PbsConnectionInput.TotpCode);
            return StepOutcome.Failure(StepFailures.From(ex, field, $"Signing in to PBS as {client.AuthId}",
                field == nameof(PbsConnectionInput.TotpCode)
                    ? PbsSecondFactor.Refused(state.Pbs.TotpCode, client.SecondFactorOffer)
                    : "Check the user (user@realm, e.g. root@pam) and the password."));
        }
        catch (ExternalApiException ex)
        {
            return StepOutcome.Failure(StepFailures.From(ex, nameof(PbsConnectionInput.Url), "Signing in to PBS"));
        }

        try
        {
            // 3. Version: the API token is checked here for the first time (401 → bad token).
            var version = await client.GetVersionAsync(cancellationToken);
            state.Results.PbsVersion = version.Full;
            state.Results.PbsSupportsDefaultRealm = version.SupportsDefaultRealm;

            // 4. Privileges the run needs; a token only has what its own ACL grants (§2.3).
            var missing = new List<(string Path, string Privilege, string Why)>();
            foreach (var path in RequiredPrivileges.Select(r => r.Path).Distinct())
            {
                var map = await client.GetPermissionsAsync(path, null, cancellationToken);
                var privileges = map.TryGetValue(path, out var p) ? p : new Dictionary<string, bool>();
                missing.AddRange(RequiredPrivileges.Where(r => r.Path == path && !privileges.ContainsKey(r.Privilege)));
            }

            if (missing.Count > 0)
            {
                return StepOutcome.Failure(MissingPrivilegesError(client, missing, missing.Count == RequiredPrivileges.Count));
            }
        }
        catch (ExternalApiException ex) when (ex.StatusCode == HttpStatusCode.Unauthorized)
        {
            return StepOutcome.Failure(StepFailures.From(ex, credentialField, "Authenticating to PBS",
                client.UsesApiToken ? "Check the API token (user@realm!name:secret); it may be wrong, disabled or expired." : "Check the user and password."));
        }
        catch (ExternalApiException ex)
        {
            return StepOutcome.Failure(StepFailures.From(ex, nameof(PbsConnectionInput.Url), "Reading the PBS version and permissions"));
        }

        // 5. The certificate's fingerprint: the pin it just matched, or else what PBS reports for itself (needs
        // Sys.Audit on /system/status; best effort).
        if (CertificatePin.Normalize(state.Pbs.Fingerprint) is { } matched)
        {
            state.Results.PbsPresentedFingerprint = matched;
        }
        else
        {
            await ReadReportedFingerprintAsync(client, state, cancellationToken);
        }

        var defaultNote = state.Results.PbsSupportsDefaultRealm ? string.Empty : " This PBS has no \"default realm\" option (it came with 3.3.7 / 3.4).";
        return StepOutcome.Success($"Connected to Proxmox Backup Server {state.Results.PbsVersion} at {address.BaseUrl} as {client.AuthId}.{defaultNote}");
    }

    private static async Task ReadReportedFingerprintAsync(PbsClient client, WizardState state, CancellationToken cancellationToken)
    {
        try
        {
            var status = await client.GetNodeStatusAsync("localhost", cancellationToken);
            if (status.Info?.Fingerprint is { } reported)
            {
                state.Results.PbsPresentedFingerprint = reported;
            }
        }
        catch (ExternalApiException)
        {
            // Not needed for the run.
        }
    }

    private static FieldError MissingPrivilegesError(PbsClient client, List<(string Path, string Privilege, string Why)> missing, bool none)
    {
        var list = string.Join("; ", missing.Select(m => $"{m.Privilege} on {m.Path} (to {m.Why})"));
        if (client.UsesApiToken)
        {
            var intro = none
                ? $"The API token {client.AuthId} has no permissions of its own. PBS always separates token privileges: a token gets only what its own ACL grants AND its owner has."
                : $"The API token {client.AuthId} lacks privileges the wizard needs: {list}.";
            return new FieldError(nameof(PbsConnectionInput.ApiToken),
                $"{intro} In PBS → Configuration → Access Control → Permissions, add an API Token Permission: path /, the token {client.AuthId}, role Admin; then test again.");
        }

        return new FieldError(nameof(PbsConnectionInput.Username),
            $"The PBS user {client.AuthId} lacks privileges the wizard needs: {list}. Use root@pam, or give this user the role Admin on / in PBS → Configuration → Access Control → Permissions.");
    }
}
