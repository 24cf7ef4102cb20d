using PbsPocketIdWizard.Core.Exports;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Web.Cli;

/// <summary>`export`: the equivalent proxmox-backup-manager commands and Pocket ID API calls, or a JSON report; no secrets.</summary>
internal sealed class ExportCommand(EngineCommandContext context)
{
    public async Task<int> RunAsync(ExportOptions options, CancellationToken cancellationToken)
    {
        if (await context.LoadAnswersAsync(options.AnswersPath, requireSecrets: false) is not { } answers)
        {
            return CliExitCodes.InvalidAnswers;
        }

        // The newest run that was not undone supplies what only a run knows (client id, issuer, journal); else answers alone.
        var state = new WizardState();
        var dataDirectory = context.DataDirectory(options.DataDirectory);
        if (EngineCommandContext.HasRuns(dataDirectory))
        {
            await using var services = context.BuildServices(dataDirectory);
            var runs = await services.GetRequiredService<IWizardStateStore>().ListAsync(cancellationToken);
            state = runs.FirstOrDefault(r => !r.Undone) ?? state;
        }

        context.Attach(state);
        answers.ApplyTo(state, null);
        WizardSecrets.Wipe(state);
        context.Out.Write(options.Format == "json" ? ExportBuilder.JsonReport(state) + Environment.NewLine : ExportBuilder.CliScript(state));
        context.Out.Flush();
        return CliExitCodes.Done;
    }
}
