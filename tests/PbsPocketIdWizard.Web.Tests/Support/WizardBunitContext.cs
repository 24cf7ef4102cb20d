using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Core;
using PbsPocketIdWizard.Web.Components.Wizard;
using PbsPocketIdWizard.Web.Configuration;
using PbsPocketIdWizard.Web.Prefill;

namespace PbsPocketIdWizard.Web.Tests.Support;

/// <summary>
/// bUnit with the real session and view model over scripted steps and an in-memory store, so a test sees exactly
/// what a button reaches in the session.
/// </summary>
public abstract class WizardBunitContext : MudBunitContext
{
    protected WizardBunitContext()
    {
        Steps = Enum.GetValues<WizardStepId>().ToDictionary(id => id, id => new ScriptedStep(id, TitleOf(id)));
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<IWizardStateStore>(Store);
        foreach (var step in Steps.Values)
        {
            Services.AddSingleton<IWizardStep>(step);
        }

        Services.AddScoped<WizardSession>();
        Services.AddWizardCoreClientsOnly();
        Services.AddSingleton(Options.Create(new WizardOptions { Mode = WizardMode.Live }));
        Services.AddSingleton<DemoSimulators>();
        Services.AddSingleton<WizardPrefill>();
        Services.AddScoped<WizardLookups>();
        Services.AddScoped<WizardViewModel>();
    }

    protected InMemoryWizardStateStore Store { get; } = new();

    protected IReadOnlyDictionary<WizardStepId, ScriptedStep> Steps { get; }

    protected WizardViewModel Vm => Services.GetRequiredService<WizardViewModel>();

    protected WizardSession Session => Services.GetRequiredService<WizardSession>();

    /// <summary>Loads a fresh run and marks every step before <paramref name="current"/> verified, then moves there.</summary>
    protected async Task StartAtAsync(WizardStepId current, Action<WizardState>? arrange = null)
    {
        await Vm.InitializeAsync();
        arrange?.Invoke(Session.State);
        foreach (var step in Session.Steps.TakeWhile(s => s.Id != current))
        {
            await Session.RunCurrentStepAsync(CancellationToken.None);
            Assert.True(Session.MoveNext(), $"could not move past {step.Id}");
        }
    }

    /// <summary>
    /// Presses the step's one filled button after checking what it says: submits the step's form, exactly what a click
    /// on it or Enter in a field does.
    /// </summary>
    protected static async Task PressPrimaryAsync<T>(IRenderedComponent<T> cut, string label)
        where T : IComponent
    {
        cut.WaitForAssertion(() => Assert.Equal(label, cut.Find("button.step-primary").TextContent.Trim()));
        Assert.False(cut.Find("button.step-primary").HasAttribute("disabled"), $"'{label}' is disabled");
        await cut.Find("form.step-frame").SubmitAsync();
    }

    private static string TitleOf(WizardStepId id) => id switch
    {
        WizardStepId.PocketIdConnection => "Pocket ID",
        WizardStepId.PbsConnection => "Proxmox Backup Server",
        WizardStepId.OidcClient => "OIDC client",
        WizardStepId.PbsRealm => "PBS realm",
        WizardStepId.FirstSignIn => "First sign-in",
        WizardStepId.Permissions => "Permissions",
        _ => "Summary",
    };
}

internal static class WizardCoreTestServices
{
    /// <summary>The engine's clients (for the look-ups and the sign-in watch) without its step list: the test supplies scripted steps.</summary>
    public static IServiceCollection AddWizardCoreClientsOnly(this IServiceCollection services)
    {
        var scratch = new ServiceCollection();
        scratch.AddWizardCore();
        foreach (var descriptor in scratch.Where(d => d.ServiceType != typeof(IWizardStep)))
        {
            services.Add(descriptor);
        }

        return services;
    }
}
