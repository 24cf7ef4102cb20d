using PbsPocketIdWizard.Core.PocketId;
using PbsPocketIdWizard.Core.PocketId.Models;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>
/// One of the OIDC client's two logos: the normal one (`POST …/logo?light=true`) or the one Pocket ID shows in dark
/// mode (`?light=false`, Pocket ID 1.14 and later; without one it shows the normal logo in dark mode too).
/// </summary>
public sealed record ClientLogo(bool Light, string FileName, byte[]? Content)
{
    public string Field => Light ? nameof(OidcClientInput.LogoFileName) : nameof(OidcClientInput.DarkLogoFileName);

    public ResourceKind Kind => Light ? ResourceKind.PocketIdClientLogo : ResourceKind.PocketIdClientDarkLogo;

    public string Resource => Light ? "Pocket ID client logo" : "Pocket ID client dark-mode logo";

    /// <summary>"logo" or "dark-mode logo", for messages.</summary>
    public string Noun => Light ? "logo" : "dark-mode logo";

    public bool IsOn(PocketIdOidcClient client) => Light ? client.HasLogo : client.HasDarkLogo;
}

/// <summary>The client step's logo rules in one place: which logos are wanted, their checks, plan lines and verification.</summary>
public static class ClientLogos
{
    /// <summary>The first Pocket ID version with a dark-mode logo; older ones ignore `light=false` and would replace the normal logo.</summary>
    public static readonly Version DarkLogoSince = new(1, 14, 0);

    /// <summary>
    /// Only a version known to be 1.14 or later: Pocket ID before 2.3 does not say its version, and uploading a dark
    /// logo to one before 1.14 would overwrite the normal logo.
    /// </summary>
    public static bool DarkLogoSupported(string? pocketIdVersion) =>
        PocketIdClient.ParseVersion(pocketIdVersion) is { } version && version >= DarkLogoSince;

    /// <summary>The logos the inputs name (with or without content; Validate tells a missing upload).</summary>
    public static IEnumerable<ClientLogo> Named(OidcClientInput input)
    {
        if (!string.IsNullOrWhiteSpace(input.LogoFileName))
        {
            yield return new ClientLogo(true, input.LogoFileName.Trim(), input.LogoContent);
        }

        if (!string.IsNullOrWhiteSpace(input.DarkLogoFileName))
        {
            yield return new ClientLogo(false, input.DarkLogoFileName.Trim(), input.DarkLogoContent);
        }
    }

    /// <summary>The logos this Pocket ID can take (a dark one only from 1.14) that have content.</summary>
    public static IEnumerable<ClientLogo> Wanted(WizardState state) =>
        Named(state.Client).Where(l => l.Content is { Length: > 0 } && (l.Light || DarkLogoSupported(state.Results.PocketIdVersion)));

    public static IEnumerable<FieldError> Validate(OidcClientInput input)
    {
        foreach (var logo in Named(input))
        {
            if (!PocketIdClientRules.IsLogoFileName(logo.FileName))
            {
                yield return new(logo.Field, PocketIdClientRules.LogoTypeMessage.Replace("The logo", $"The {logo.Noun}", StringComparison.Ordinal));
            }
            else if (logo.Content is null or { Length: 0 })
            {
                yield return new(logo.Field, $"The {logo.Noun} file is empty or was not uploaded; choose it again.");
            }
            else if (!PocketIdClientRules.IsLogoSizeAllowed(logo.Content.Length))
            {
                yield return new(logo.Field, PocketIdClientRules.LogoSizeMessage.Replace("The logo", $"The {logo.Noun}", StringComparison.Ordinal));
            }
        }
    }

    /// <summary>A plan line per logo: upload when missing, kept when set, and why a dark one is not sent to an older Pocket ID.</summary>
    public static IEnumerable<PlannedChange> Plan(WizardState state, PocketIdOidcClient? existing)
    {
        foreach (var logo in Named(state.Client).Where(l => l.Content is { Length: > 0 }))
        {
            if (!logo.Light && !DarkLogoSupported(state.Results.PocketIdVersion))
            {
                yield return new(ChangeKind.NoChange, logo.Resource,
                    $"not uploaded: {PocketIdVersionText(state.Results.PocketIdVersion)} has no dark-mode logo (it came with Pocket ID 1.14); the normal logo is shown in dark mode too");
            }
            else
            {
                yield return existing is not null && logo.IsOn(existing)
                    ? new(ChangeKind.NoChange, logo.Resource, "already set")
                    : new(ChangeKind.Create, logo.Resource, logo.FileName);
            }
        }
    }

    /// <summary>The wanted logos the client does not have (yet).</summary>
    public static IEnumerable<FieldError> Missing(WizardState state, PocketIdOidcClient found) =>
        Wanted(state).Where(l => !l.IsOn(found)).Select(l => new FieldError(l.Field, $"The OIDC client has no {l.Noun} yet: apply this step again."));

    private static string PocketIdVersionText(string? version) =>
        version is null ? "this Pocket ID (older than 2.3, its exact version unknown)" : $"Pocket ID {version}";
}
