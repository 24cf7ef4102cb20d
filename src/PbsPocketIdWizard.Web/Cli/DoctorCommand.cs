using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>
/// `doctor`: checks an existing setup (made by hand or by an earlier run) against the answers, read-only, and prints
/// each finding with the repair `apply` would make. It is the whole-run plan in other words: every planned create or
/// update is something missing or wrong, every conflict something the admin must decide. Exit 0 healthy, 1 findings.
/// </summary>
internal sealed class DoctorCommand(EngineCommandContext context)
{
    private TextWriter Out => context.Out;

    public async Task<int> RunAsync(DoctorOptions options, CancellationToken cancellationToken)
    {
        if (await context.LoadAnswersAsync(options.AnswersPath, requireSecrets: true) is not { } answers)
        {
            return CliExitCodes.InvalidAnswers;
        }

        try
        {
            Out.WriteLine("Checking Pocket ID and PBS against the answers (read-only).");
            if (await context.PreviewAsync(answers, options.Totp, cancellationToken) is not { Preview: var preview })
            {
                return CliExitCodes.InvalidAnswers;
            }

            var diagnosis = SetupDiagnosis.From(preview);
            var findings = diagnosis.Findings.Select(f => $"{f.Resource}: {f.Repair}").ToList();
            if (diagnosis is { FailedStep: { } failedStep, Failure: { } failure })
            {
                var hints = string.Concat(EngineCommandContext.AnswersHints(failedStep, failure).Select(h => " " + h));
                findings.Add(failure.IsConflict
                    ? $"{failedStep.Title}: {failure.Message}{hints}"
                    : $"{failedStep.Title} could not be checked: {failure.Message}{hints}");
            }

            if (findings.Count == 0)
            {
                Out.WriteLine("Healthy: the OIDC client, the PBS realm and the permissions are all in place. Nothing to repair.");
                return CliExitCodes.Done;
            }

            Out.WriteLine($"{findings.Count} finding(s):");
            foreach (var finding in findings)
            {
                Out.WriteLine($"  - {finding}");
            }

            Out.WriteLine(diagnosis.IsConflict
                ? "Resolve the conflict first (see above); then `apply` repairs the rest in place."
                : "`apply --answers FILE` repairs these in place: existing clients, realms and PBS users are kept, and undo puts back what it changed.");
            return CliExitCodes.Findings;
        }
        finally
        {
            Out.Flush();
            context.Err.Flush();
        }
    }
}
