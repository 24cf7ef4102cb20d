using System.Net;
using System.Security.Authentication;
using PbsPocketIdWizard.Core.Http;

namespace PbsPocketIdWizard.Core.Wizard;

/// <summary>
/// The advice for a failure that escaped a step's verb: which server failed and what the admin can do. The session
/// turns every such failure into an outcome through this one place.
/// </summary>
public static class StepFailureAdvice
{
    /// <summary>What failed, on which server, and what to do. Never includes a secret (messages of our clients don't).</summary>
    public static string Describe(IWizardStep step, Exception exception)
    {
        var api = exception as ExternalApiException ?? exception.InnerException as ExternalApiException;
        if (api is not null)
        {
            var server = api.ServiceName;
            var advice = api switch
            {
                { PresentedFingerprint: { } presented } =>
                    $"{server} presented a certificate with fingerprint {presented}. Compare it with the dashboard (Show Fingerprint) and, if it matches, enter it as the trusted fingerprint.",
                { StatusCode: null } =>
                    $"Check the address of {server}, that it is running, and that this machine can reach it.",
                { StatusCode: HttpStatusCode.Unauthorized } when api.Service == ExternalService.Pbs =>
                    "Check the PBS user name and password (or API token).",
                { StatusCode: HttpStatusCode.Unauthorized } =>
                    "Check the Pocket ID API key (Settings → API Keys in Pocket ID).",
                { StatusCode: HttpStatusCode.Forbidden } =>
                    $"The credentials lack permission on {server}: use an admin account or key.",
                { StatusCode: HttpStatusCode.NotFound } =>
                    $"{server} does not know this resource or endpoint: check the address and the server version.",
                { StatusCode: >= HttpStatusCode.InternalServerError } =>
                    $"{server} had an internal error: check its log, then retry; the wizard resumes where it stopped.",
                _ => "Fix the cause named above, then retry; the wizard resumes where it stopped.",
            };
            return $"{step.Title}: {api.Message} {advice}";
        }

        return exception switch
        {
            AuthenticationException => $"{step.Title}: the TLS connection was refused ({exception.Message}). Check the trusted fingerprint and the address.",
            HttpRequestException http => $"{step.Title}: a server could not be reached ({http.Message}). Check the addresses and that both servers are running.",
            TimeoutException or TaskCanceledException => $"{step.Title}: a server did not answer in time. Check that it is running, then retry.",
            _ => $"{step.Title}: unexpected error ({exception.GetType().Name}: {exception.Message}). Retry; if it persists, check the log.",
        };
    }
}
