using System.Net;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Steps;

/// <summary>Turns client failures into field-keyed errors that say which server, what failed, and what to do.</summary>
internal static class StepErrors
{
    public static FieldError From(ExternalApiException ex, string field, string action, string? advice = null) =>
        new(field, $"{action} failed: {ex.Message}. {advice ?? DefaultAdvice(ex)}".TrimEnd());

    public static string DefaultAdvice(ExternalApiException ex) => ex switch
    {
        { PresentedFingerprint: not null } =>
            "Compare the fingerprint with PBS Dashboard → \"Show Fingerprint\" and, if it matches, enter it on the Proxmox Backup Server step.",
        { StatusCode: null } =>
            $"Check that {ex.ServiceName} is running and reachable from the wizard, then apply again; the wizard resumes where it stopped.",
        { StatusCode: HttpStatusCode.Unauthorized } when ex.Service == ExternalService.Pbs =>
            "Check the PBS user name and password or API token on the Proxmox Backup Server step.",
        { StatusCode: HttpStatusCode.Unauthorized } =>
            "Check the Pocket ID API key on the Pocket ID step.",
        { StatusCode: HttpStatusCode.Forbidden } =>
            $"The credentials lack a permission on {ex.ServiceName}: use an admin account, key or token.",
        { StatusCode: >= HttpStatusCode.InternalServerError } =>
            $"{ex.ServiceName} had an internal error: check its log, then apply again; the wizard resumes where it stopped.",
        _ => "Fix the cause above, then apply again.",
    };

    /// <summary>Runs a verb; client failures become a failed outcome instead of an exception.</summary>
    public static async Task<StepOutcome> GuardAsync(Func<Task<StepOutcome>> action, string field, string what)
    {
        try
        {
            return await action();
        }
        catch (ExternalApiException ex)
        {
            return StepOutcome.Failure(From(ex, field, what));
        }
        catch (PbsSecondFactorRequiredException ex)
        {
            return StepOutcome.Failure(new FieldError(nameof(PbsConnectionInput.TotpCode),
                ex.Message + " The PBS session of this run has expired; go back to the Proxmox Backup Server step and sign in again."));
        }
        catch (WizardStepException ex)
        {
            return new StepOutcome(false, ex.Errors, ex.Message) { IsConflict = ex.IsConflict };
        }
    }

    public static bool IsAlreadyExists(ExternalApiException ex) =>
        ex.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict &&
        (ex.Detail.Contains("already exists", StringComparison.OrdinalIgnoreCase) || ex.Detail.Contains("already in use", StringComparison.OrdinalIgnoreCase));
}
