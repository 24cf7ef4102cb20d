using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Components.Wizard.Steps;
using PbsPocketIdWizard.Web.Tests.Support;
using PbsPocketIdWizard.Web.Configuration;

namespace PbsPocketIdWizard.Web.Tests.Components;

/// <summary>Demo mode's connection forms: the simulators' addresses, read-only, and the way to live mode.</summary>
public sealed class DemoModeViewTests : WizardBunitContext
{
    public DemoModeViewTests() => Services.AddSingleton(Options.Create(new WizardOptions { Mode = WizardMode.Demo }));

    [Fact]
    public async Task Render_InDemoMode_AddressesAreReadOnlyAndSayHowToGoLive()
    {
        await StartAtAsync(WizardStepId.PocketIdConnection, s => s.PocketId.Url = "http://127.0.0.1:11411");

        var pocketId = RenderWithProviders<PocketIdConnectionStepView>();
        var pbs = RenderWithProviders<PbsConnectionStepView>();

        Assert.True(pocketId.Find("input[type=url]").HasAttribute("readonly"));
        Assert.True(pbs.FindAll("input").First().HasAttribute("readonly"));
        Assert.Contains("Wizard__Mode=Live", pocketId.Markup, StringComparison.Ordinal);
        Assert.Contains("Wizard__Mode=Live", pbs.Markup, StringComparison.Ordinal);
        Assert.Empty(pocketId.FindAll(".cleartext-warning")); // the simulator on this machine is plain http on purpose
    }
}
