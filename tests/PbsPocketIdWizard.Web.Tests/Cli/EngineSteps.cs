using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Cli;

namespace PbsPocketIdWizard.Web.Tests.Cli;

/// <summary>The real engine's steps, as the command line's host builds them, for checking answers against their rules.</summary>
internal static class EngineSteps
{
    private static readonly Lazy<IReadOnlyList<IWizardStep>> Steps = new(() =>
    {
        // Kept for the test run: the steps only judge inputs here, they never call a server.
        var services = CliHost.Build(new CliConsole(TextWriter.Null, TextWriter.Null, TextReader.Null, false, _ => null), null, null);
        return services.GetServices<IWizardStep>().ToList();
    });

    public static IReadOnlyList<IWizardStep> All => Steps.Value;

    public static IWizardStep Of(WizardStepId id) => All.Single(s => s.Id == id);
}
