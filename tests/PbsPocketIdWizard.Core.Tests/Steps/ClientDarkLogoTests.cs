using PbsPocketIdWizard.Core.Exports;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Steps;

/// <summary>The OIDC client's optional dark-mode logo: `POST …/logo?light=false`, which Pocket ID has from 1.14 on.</summary>
public sealed class ClientDarkLogoTests
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
    private static readonly byte[] Svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray();

    [Theory]
    [InlineData("2.13.0")]
    [InlineData("2.14.0")]
    public async Task Apply_BothLogos_EachUploadedAsItsVariantAndAReplanKeepsThem(string pocketIdVersion)
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { PocketIdVersion = pocketIdVersion });
        var state = await host.ConnectedStateAsync();
        state.Client.LogoFileName = "pbs.png";
        state.Client.LogoContent = Png;
        state.Client.DarkLogoFileName = "pbs-dark.svg";
        state.Client.DarkLogoContent = Svg;

        var plan = await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);

        Assert.Contains(plan!.Changes, c => c is { Kind: ChangeKind.Create, Resource: "Pocket ID client dark-mode logo", Description: "pbs-dark.svg" });
        var client = Assert.Single(host.PocketId.Clients);
        Assert.Equal("png", client.LightLogo?.Extension);
        Assert.Equal("svg", client.DarkLogo?.Extension);
        Assert.Equal(Svg, client.DarkLogo?.Bytes);
        Assert.Contains(state.Journal, e => e is { Resource: ResourceKind.PocketIdClientDarkLogo, Outcome: JournalOutcome.Done });
        var replan = await host.Step<OidcClientStep>().PlanAsync(state, CancellationToken.None);
        Assert.Contains(replan.Changes, c => c is { Kind: ChangeKind.NoChange, Resource: "Pocket ID client dark-mode logo", Description: "already set" });
    }

    [Fact]
    public async Task Apply_DarkLogoOnly_LeavesTheNormalLogoUnset()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await host.ConnectedStateAsync();
        state.Client.DarkLogoFileName = "pbs-dark.png";
        state.Client.DarkLogoContent = Png;

        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);

        var client = Assert.Single(host.PocketId.Clients);
        Assert.Null(client.LightLogo);
        Assert.NotNull(client.DarkLogo);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("1.13.1")]
    public void Plan_PocketIdWithoutDarkLogos_SaysSoAndUploadsNothing(string? version)
    {
        var state = new WizardState();
        state.Results.PocketIdVersion = version;
        state.Client.DarkLogoFileName = "pbs-dark.png";
        state.Client.DarkLogoContent = Png;

        var line = Assert.Single(ClientLogos.Plan(state, null));

        Assert.Equal(ChangeKind.NoChange, line.Kind);
        Assert.Contains("has no dark-mode logo (it came with Pocket ID 1.14)", line.Description);
        Assert.Empty(ClientLogos.Wanted(state));
        Assert.DoesNotContain("light=false", ExportBuilder.PocketIdCalls(state));
    }

    [Theory]
    [InlineData("1.14.0", true)]
    [InlineData("2.14.0", true)]
    [InlineData("1.13.1", false)]
    [InlineData(null, false)]
    public void DarkLogoSupported_ByVersion(string? version, bool expected) =>
        Assert.Equal(expected, ClientLogos.DarkLogoSupported(version));

    [Theory]
    [InlineData("dark.bmp", 10, "The dark-mode logo must be a PNG, SVG, JPG, WEBP, ICO, GIF or AVIF file.")]
    [InlineData("dark.png", 0, "The dark-mode logo file is empty or was not uploaded; choose it again.")]
    public void Validate_BadDarkLogo_RefusedOnItsOwnField(string fileName, int size, string message)
    {
        var input = new OidcClientInput { DarkLogoFileName = fileName, DarkLogoContent = new byte[size] };

        var error = Assert.Single(ClientLogos.Validate(input));

        Assert.Equal((nameof(OidcClientInput.DarkLogoFileName), message), (error.Field, error.Message));
    }
}
