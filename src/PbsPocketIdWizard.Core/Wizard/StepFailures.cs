using System.Net;
using System.Security.Authentication;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Pbs;

namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>
/// The one place where failures become outcomes: the advice for a server's error (which server, what to do), the
/// field-keyed errors a step reports (<see cref="GuardAsync"/>, <see cref="From"/>), and the message for any failure
/// that escapes a step's verb (<see cref="Describe"/>, used by the session for every verb). Never includes a secret
/// (messages of our clients don't).
/// </summary>
public static class StepFailures
{
    /// <summary>What the admin can do about an error a server answered (or a server that did not answer).</summary>
    public static string Advice(ExternalApiException api) => api switch
    {
        { PresentedFingerprint: { } presented } =>
            $"{api.ServiceName} presented a certificate with fingerprint {presented}. Compare it with PBS Dashboard → \"Show Fingerprint\" and, if it matches, enter it as the trusted fingerprint on the Proxmox Backup Server step.",
        { StatusCode: null } =>
            $"Check the address of {api.ServiceName}, that it is running, and that this machine can reach it; then try again, the wizard resumes where it stopped.",
        { StatusCode: HttpStatusCode.Unauthorized } when api.Service == ExternalService.Pbs =>
            "Check the PBS user name and password or API token on the Proxmox Backup Server step.",
        { StatusCode: HttpStatusCode.Unauthorized } =>
            "Check the Pocket ID API key (Settings → API Keys in Pocket ID) on the Pocket ID step.",
        { StatusCode: HttpStatusCode.Forbidden } =>
            $"The credentials lack permission on {api.ServiceName}: use an admin account, key or token.",
        { StatusCode: HttpStatusCode.NotFound } =>
            $"{api.ServiceName} does not know this resource or endpoint: check the address and the server version.",
        { StatusCode: >= HttpStatusCode.InternalServerError } =>
            $"{api.ServiceName} had an internal error: check its log, then try again; the wizard resumes where it stopped.",
        _ => "Fix the cause named above, then try again; the wizard resumes where it stopped.",
    };

    /// <summary>A step's field-keyed error for a server's error: what was being done, what failed, what to do.</summary>
    public static FieldError From(ExternalApiException ex, string field, string action, string? advice = null) =>
        new(field, $"{action} failed: {ex.Message}. {advice ?? Advice(ex)}".TrimEnd());

    /// <summary>A conflict or refusal a step raised as an exception (a plan cannot carry errors), as an outcome.</summary>
    public static StepOutcome FromStepException(WizardStepException ex) =>
        new(false, ex.Errors, ex.Message) { IsConflict = ex.IsConflict };

    /// <summary>Runs a step's verb; a server's error becomes a failed outcome keyed to the field, not an exception.</summary>
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
            return FromStepException(ex);
        }
    }

    /// <summary>A create refused because the resource is already there (both servers answer 400 or 409).</summary>
    public static bool IsAlreadyExists(ExternalApiException ex) =>
        ex.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict &&
        (ex.Detail.Contains("already exists", StringComparison.OrdinalIgnoreCase) || ex.Detail.Contains("already in use", StringComparison.OrdinalIgnoreCase));

    /// <summary>The message for a failure that escaped a step's verb: the step, what failed, on which server, what to do.</summary>
    public static string Describe(IWizardStep step, Exception exception)
    {
        if ((exception as ExternalApiException ?? exception.InnerException as ExternalApiException) is { } api)
        {
            return $"{step.Title}: {api.Message} {Advice(api)}";
        }

        return exception switch
        {
            AuthenticationException => $"{step.Title}: the TLS connection was refused ({exception.Message}). Check the trusted fingerprint and the address.",
            HttpRequestException http => $"{step.Title}: a server could not be reached ({http.Message}). Check the addresses and that both servers are running.",
            TimeoutException or TaskCanceledException => $"{step.Title}: a server did not answer in time. Check that it is running, then try again.",
            _ => $"{step.Title}: unexpected error ({exception.GetType().Name}: {exception.Message}). Try again; if it persists, check the log.",
        };
    }
}
