using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PbsPocketIdWizard.Web.Cli;
using PbsPocketIdWizard.Web.Configuration;
using PbsPocketIdWizard.Web.Hosting;
using PbsPocketIdWizard.Web.Tests.Support;

namespace PbsPocketIdWizard.Web.Tests.Hosting;

public sealed class StartupTests
{
    [Fact]
    public async Task Start_WithTestingEnvironment_BindsWizardOptions()
    {
        await using var factory = new WizardWebFactory(new() { ["Wizard:PublicHost"] = "wizard.lan" });

        var options = factory.Services.GetRequiredService<IOptions<WizardOptions>>().Value;

        Assert.Equal(factory.DataDirectory, options.DataDirectory);
        Assert.Equal("wizard.lan", options.PublicHost);
        Assert.Equal(WizardMode.Live, options.EffectiveMode);
    }

    [Theory]
    [InlineData("--Wizard:AccessToken=short", "AccessToken")]
    [InlineData("--Wizard:Simulators:PbsPort=70000", "PbsPort")]
    [InlineData("--Wizard:Pbs:Url=ftp://pbs.lan", "Wizard:Pbs:Url")]
    public async Task Start_WithInvalidWizardOptions_FailsBeforeListening(string setting, string expectedInMessage)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "pbs-wizard-tests-" + Guid.NewGuid().ToString("N"));
        await using var app = WizardWebHost.Build(["--environment=Testing", "--urls=http://127.0.0.1:0", $"--Wizard:DataDirectory={dataDirectory}", "--Wizard:Mode=Live", setting]);

        var ex = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(expectedInMessage, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, null, WizardMode.Demo)]
    [InlineData(null, "https://pbs.lan:8007", null, WizardMode.Live)]
    [InlineData(null, null, "https://id.lan", WizardMode.Live)]
    [InlineData(WizardMode.Demo, "https://pbs.lan:8007", null, WizardMode.Demo)]
    [InlineData(WizardMode.Live, null, null, WizardMode.Live)]
    public void EffectiveMode_FollowsModeOrConfiguredAddresses(WizardMode? mode, string? pbsUrl, string? pocketIdUrl, WizardMode expected)
    {
        var options = new WizardOptions { Mode = mode, Pbs = { Url = pbsUrl }, PocketId = { Url = pocketIdUrl } };

        Assert.Equal(expected, options.EffectiveMode);
    }

    [Fact]
    public async Task Health_WhenHostRuns_AnswersHealthy()
    {
        await using var factory = new WizardWebFactory();
        using var client = factory.CreateClientWithoutRedirects();

        using var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Healthcheck_WhenNothingListens_ReturnsFalse()
    {
        // Port 9 (discard) on loopback: nothing listens there in a test environment.
        var healthy = await HealthcheckCommand.CheckAsync(new Uri("http://127.0.0.1:9/health"), CancellationToken.None);

        Assert.False(healthy);
    }

    [Fact]
    public async Task HealthcheckCommand_WithBadUrl_ExitsNonZero()
    {
        var exitCode = await CliCommandLine.InvokeAsync(CliActions.Process, ["healthcheck", "--url", "not a url"], TextWriter.Null, TextWriter.Null, CancellationToken.None);

        Assert.NotEqual(0, exitCode);
    }
}
