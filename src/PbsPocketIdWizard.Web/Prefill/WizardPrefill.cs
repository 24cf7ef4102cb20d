using Microsoft.Extensions.Options;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Configuration;

namespace PbsPocketIdWizard.Web.Prefill;

/// <summary>
/// Fills a fresh run's connection forms: in demo mode with the simulators' addresses and credentials, in live mode
/// with the configured addresses (never secrets from configuration). A run the admin already touched is left alone.
/// </summary>
public sealed class WizardPrefill(IOptions<WizardOptions> options, DemoSimulators demo)
{
    public bool IsDemo => demo.IsEnabled;

    public DemoEnvironment? Demo => demo.Environment;

    /// <summary>True when the run has not been touched: no step past NotStarted and no addresses entered.</summary>
    public static bool IsFresh(WizardState state) =>
        state.Statuses.Values.All(s => s == StepStatus.NotStarted)
        && string.IsNullOrWhiteSpace(state.PocketId.Url)
        && string.IsNullOrWhiteSpace(state.Pbs.Url);

    /// <summary>
    /// A demo run made against simulators of an earlier start: they listened on other ports, or (with fixed ports, as
    /// in the container) had other generated credentials, and their data is gone (simulators keep state in memory).
    /// Such a run cannot continue, so a fresh one is started instead.
    /// </summary>
    public bool IsStaleDemoRun(WizardState state) =>
        demo.Environment is { } env
        && Uri.TryCreate(state.Pbs.Url, UriKind.Absolute, out var pbs)
        && string.Equals(pbs.Host, env.PbsUrl.Host, StringComparison.OrdinalIgnoreCase)
        && (pbs.Port != env.PbsUrl.Port
            || (state.Pbs.Password is { } password && !password.Equals(new Secret(env.PbsPassword))));

    private Guid? _runStartedForRestart;

    /// <summary>
    /// Remembers the run started in place of a stale demo run, so that every view of it (the prerender, the live
    /// circuit, a reload) tells the admin why their progress is gone, until one of them dismisses the notice.
    /// </summary>
    public void RecordRunStartedAfterRestart(Guid runId) => _runStartedForRestart = runId;

    public bool WasStartedAfterRestart(Guid runId) => _runStartedForRestart == runId;

    public void ForgetRunStartedAfterRestart() => _runStartedForRestart = null;

    /// <summary>Returns true when it changed the state.</summary>
    public bool Apply(WizardState state)
    {
        if (!IsFresh(state))
        {
            return false;
        }

        if (demo.Environment is { } env)
        {
            state.PocketId.Url = env.PocketIdUrl.GetLeftPart(UriPartial.Authority);
            state.PocketId.ApiKey = new Secret(env.PocketIdApiKey);
            state.Pbs.Url = env.PbsUrl.GetLeftPart(UriPartial.Authority);
            state.Pbs.Username = env.PbsUsername;
            state.Pbs.Password = new Secret(env.PbsPassword);
            return true;
        }

        var o = options.Value;
        var changed = false;
        if (!string.IsNullOrWhiteSpace(o.PocketId.Url))
        {
            state.PocketId.Url = o.PocketId.Url.Trim();
            changed = true;
        }

        if (!string.IsNullOrWhiteSpace(o.Pbs.Url))
        {
            state.Pbs.Url = o.Pbs.Url.Trim();
            changed = true;
        }

        if (!string.IsNullOrWhiteSpace(o.Pbs.Username))
        {
            state.Pbs.Username = o.Pbs.Username.Trim();
            changed = true;
        }

        if (!string.IsNullOrWhiteSpace(o.Pbs.Fingerprint))
        {
            state.Pbs.Fingerprint = o.Pbs.Fingerprint.Trim();
            changed = true;
        }

        return changed;
    }
}
