using System.Net;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.PocketId;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>
/// The OIDC client step's logo uploads (pocket-id-api.md §7.1), the normal and the dark-mode one: journaled like every
/// change, and never leaving a half-made client behind when an upload fails right after the client was created.
/// </summary>
internal sealed class OidcClientLogoUpload(RunJournal journal, WizardStepId step)
{
    private WizardStepId Id => step;

    /// <summary>Uploads the logo; on failure removes a client created by this very Apply so nothing half-made is left.</summary>
    public async Task<StepOutcome?> UploadAsync(PocketIdClient client, WizardState state, string clientId, ClientLogo logo, bool createdNow, CancellationToken cancellationToken)
    {
        await journal.PendingAsync(state, Id, logo.Kind, clientId, cancellationToken);
        try
        {
            await client.UploadLogoAsync(clientId, logo.FileName, logo.Content ?? [], logo.Light, cancellationToken);
            await journal.DoneAsync(state, Id, logo.Kind, clientId, cancellationToken);
            return null;
        }
        catch (ExternalApiException uploadError)
        {
            // The answer may have been lost after Pocket ID stored the logo: check before undoing anything.
            if (uploadError.StatusCode is null && await TryHasLogoAsync(client, clientId, logo, cancellationToken))
            {
                await journal.DoneAsync(state, Id, logo.Kind, clientId, cancellationToken);
                return null;
            }

            await journal.FailedAsync(state, Id, logo.Kind, clientId, uploadError.Detail, cancellationToken);
            var advice = uploadError.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType or HttpStatusCode.BadRequest
                ? $"Use a PNG, SVG, JPG, WEBP, ICO, GIF or AVIF file under 2 MiB, or remove the {logo.Noun}"
                : "Apply again when Pocket ID answers";
            if (!createdNow)
            {
                return StepOutcome.Failure(StepFailures.From(uploadError, logo.Field, $"Uploading the {logo.Noun}",
                    $"The client itself is in place. {advice}, then apply again; the upload is retried."));
            }

            try
            {
                await client.DeleteOidcClientAsync(clientId, cancellationToken);
                await journal.UndoneAsync(state, Id, ResourceKind.PocketIdClient, clientId, cancellationToken);
                state.Results.ClientId = null;
                return StepOutcome.Failure(StepFailures.From(uploadError, logo.Field, $"Uploading the {logo.Noun}",
                    $"The client just created was removed again, so nothing half-made is left. {advice}, then apply again."));
            }
            catch (ExternalApiException)
            {
                return StepOutcome.Failure(StepFailures.From(uploadError, logo.Field, $"Uploading the {logo.Noun}",
                    $"The client {clientId} could not be removed either; it is recorded, and applying again finishes it (the upload is retried). {advice}."));
            }
        }
    }

    private static async Task<bool> TryHasLogoAsync(PocketIdClient client, string clientId, ClientLogo logo, CancellationToken cancellationToken)
    {
        try
        {
            return await client.FindOidcClientAsync(clientId, cancellationToken) is { } found && logo.IsOn(found);
        }
        catch (ExternalApiException)
        {
            return false;
        }
    }
}
