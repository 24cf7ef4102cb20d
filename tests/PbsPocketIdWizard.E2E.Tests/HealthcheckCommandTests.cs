using PbsPocketIdWizard.E2E.Tests.Support;
using PbsPocketIdWizard.Web.Cli;

namespace PbsPocketIdWizard.E2E.Tests;

/// <summary>The container health check against the real Kestrel server.</summary>
public sealed class HealthcheckCommandTests
{
    [Fact]
    public async Task Healthcheck_AgainstRunningApp_ExitsZero()
    {
        await using var app = await WizardAppFixture.StartAsync(new() { ["Wizard:Mode"] = "Live" });

        var exitCode = await CliCommandLine.InvokeAsync(CliActions.Process, ["healthcheck", "--url", app.BaseAddress.ToString()], TextWriter.Null, TextWriter.Null, CancellationToken.None);

        Assert.Equal(0, exitCode);
    }

    [Fact]
    public async Task Healthcheck_AfterAppStopped_ExitsNonZero()
    {
        var app = await WizardAppFixture.StartAsync(new() { ["Wizard:Mode"] = "Live" });
        var address = app.BaseAddress.ToString();
        await app.DisposeAsync();

        var exitCode = await CliCommandLine.InvokeAsync(CliActions.Process, ["healthcheck", "--url", address], TextWriter.Null, TextWriter.Null, CancellationToken.None);

        Assert.NotEqual(0, exitCode);
    }
}
