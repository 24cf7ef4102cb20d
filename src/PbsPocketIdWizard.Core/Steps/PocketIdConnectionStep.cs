using System.Net;
using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>
/// Tests the Pocket ID connection: discovery (issuer), the API key (valid, owned by an admin) and the version
/// (pocket-id-api.md §17 steps 1-3). Records the issuer exactly as served; PBS must use that string (§11.1).
/// </summary>
public sealed class PocketIdConnectionStep(ApiClientFactory clients) : ConnectionStep
{
    public override WizardStepId Id => WizardStepId.PocketIdConnection;

    public override string Title => "Pocket ID";

    public override StepTarget Target => StepTarget.PocketId;

    protected override object InputsOf(WizardState state) => state.PocketId;

    public override IReadOnlyList<FieldError> Validate(WizardState state)
    {
        var errors = new List<FieldError>();
        var url = state.PocketId.Url?.Trim() ?? string.Empty;
        if (url.Length == 0)
        {
            errors.Add(new(nameof(PocketIdConnectionInput.Url), "Enter the Pocket ID address, e.g. https://id.example.com."));
        }
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add(new(nameof(PocketIdConnectionInput.Url), $"'{url}' is not a web address; enter it like https://id.example.com."));
        }
        else if (uri.UserInfo.Length > 0)
        {
            // Credentials in the address would travel with every call; the API key is the only credential.
            errors.Add(new(nameof(PocketIdConnectionInput.Url), "Enter Pocket ID's address without a user name or password in it; the API key is the only credential it needs."));
        }
        else if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            errors.Add(new(nameof(PocketIdConnectionInput.Url), "Enter only Pocket ID's base address, without a path (its issuer never has one)."));
        }

        if (errors.Count == 0 && clients.Addresses.Refusal(StepTarget.PocketId, url) is { } refusal)
        {
            errors.Add(new(nameof(PocketIdConnectionInput.Url), refusal));
        }

        if (state.PocketId.ApiKey is null)
        {
            errors.Add(new(nameof(PocketIdConnectionInput.ApiKey), "Enter a Pocket ID API key of an admin (Pocket ID → Settings → Admin → API Keys)."));
        }

        return errors;
    }

    /// <summary>
    /// What the admin is told about a plain-http Pocket ID address (fine for the demo's simulator on this machine): the
    /// API key would cross the network in clear. Null for https or anything that is not an http address.
    /// </summary>
    public static string? CleartextWarning(string? url) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp
            ? "This address is plain http: the Pocket ID API key (an admin's key) would travel unencrypted. Use Pocket ID's https address unless the connection never leaves a trusted network."
            : null;

    protected override async Task<StepOutcome> CheckAsync(WizardState state, CancellationToken cancellationToken)
    {
        var client = clients.CreatePocketId(state.PocketId);
        const string url = nameof(PocketIdConnectionInput.Url);
        const string key = nameof(PocketIdConnectionInput.ApiKey);

        string issuer;
        try
        {
            var discovery = await client.GetDiscoveryAsync(cancellationToken);
            if (string.IsNullOrWhiteSpace(discovery.Issuer))
            {
                return StepOutcome.Failure(new FieldError(url,
                    "Pocket ID's discovery document (/.well-known/openid-configuration) has no issuer: is this address really Pocket ID?"));
            }

            issuer = discovery.Issuer;
        }
        catch (ExternalApiException ex)
        {
            return StepOutcome.Failure(StepFailures.From(ex, url, "Reading Pocket ID's discovery document",
                ex.StatusCode is null
                    ? "Check the address (scheme, host, port) and that Pocket ID is running and reachable from the wizard."
                    : "Check that the address is Pocket ID's base URL (the one it shows as its app URL)."));
        }

        try
        {
            var me = await client.GetCurrentUserAsync(cancellationToken);
            if (me.Disabled)
            {
                return StepOutcome.Failure(new FieldError(key, $"The Pocket ID API key belongs to '{me.Username}', whose account is disabled: use a key of an enabled admin."));
            }

            if (!me.IsAdmin)
            {
                state.Results.ApiKeyIsAdmin = false;
                return StepOutcome.Failure(new FieldError(key,
                    $"The Pocket ID API key belongs to '{me.Username}', who is not an admin; creating OIDC clients needs an admin's key. Create one as an admin in Pocket ID → Settings → Admin → API Keys."));
            }
        }
        catch (ExternalApiException ex) when (ex.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return StepOutcome.Failure(StepFailures.From(ex, key, "Checking the Pocket ID API key",
                "The key is wrong, expired or its user disabled: create a new key in Pocket ID → Settings → Admin → API Keys and paste it here."));
        }
        catch (ExternalApiException ex)
        {
            return StepOutcome.Failure(StepFailures.From(ex, url, "Checking the Pocket ID API key"));
        }

        string? version;
        try
        {
            version = await client.GetVersionAsync(cancellationToken);
        }
        catch (ExternalApiException ex)
        {
            return StepOutcome.Failure(StepFailures.From(ex, url, "Reading the Pocket ID version"));
        }

        state.Results.Issuer = issuer;
        state.Results.ApiKeyIsAdmin = true;
        state.Results.PocketIdVersion = version;

        var typed = state.PocketId.Url.Trim().TrimEnd('/');
        var versionText = version is null ? "a version older than 2.3" : $"version {version}";
        if (!string.Equals(typed, issuer, StringComparison.OrdinalIgnoreCase))
        {
            return StepOutcome.Success(
                $"Connected to Pocket ID ({versionText}). Note: Pocket ID calls itself {issuer}, not {typed}. PBS will be given {issuer} exactly as the issuer, so PBS must be able to reach that address and trust its certificate.");
        }

        return StepOutcome.Success($"Connected to Pocket ID ({versionText}) with an admin API key; issuer {issuer}.");
    }
}
