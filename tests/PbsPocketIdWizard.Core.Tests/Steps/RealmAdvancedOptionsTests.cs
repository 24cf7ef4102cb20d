using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Exports;
using PbsPocketIdWizard.Core.Pbs.Models;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Steps;

/// <summary>
/// The realm's advanced options: `prompt` and `acr-values` on every PBS version, `audiences` only from 4.2.1 (older
/// schemas reject the key, so the wizard never sends it there and its plan says why).
/// </summary>
public sealed class RealmAdvancedOptionsTests
{
    private static async Task<WizardState> ThroughClientAsync(SimulatorHost host)
    {
        var state = await host.ConnectedStateAsync();
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);
        return state;
    }

    private static IReadOnlyDictionary<string, string> RealmProperties(SimulatorHost host) =>
        host.Pbs.Realms.Single(r => r.Name == "PocketID").Properties;

    private static void SetOptions(WizardState state, string? prompt, string? acr, string? audiences)
    {
        state.Realm.Prompt = prompt;
        state.Realm.AcrValues = acr;
        state.Realm.Audiences = audiences;
    }

    [Fact]
    public async Task Apply_AllOptionsOnPbs423_RealmHoldsThemAndThePlanListsThem()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { PbsVersion = "4.2.3" });
        var state = await ThroughClientAsync(host);
        SetOptions(state, "login", "urn:example:mfa urn:example:pwd", "backup-api");

        var plan = await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);

        var create = Assert.Single(plan!.Changes, c => c.Kind == ChangeKind.Create);
        Assert.Contains("prompt login", create.Description);
        Assert.Contains("extra audiences backup-api", create.Description);
        var realm = RealmProperties(host);
        Assert.Equal("login", realm["prompt"]);
        Assert.Equal("urn:example:mfa,urn:example:pwd", realm["acr-values"]);
        Assert.Equal("backup-api", realm["audiences"]);
    }

    [Theory]
    [InlineData("3.2.4")]
    [InlineData("3.3.3")]
    [InlineData("4.2.0")]
    public async Task Apply_AudiencesOnPbsBefore421_NotSentAndThePlanSaysTheOptionIsMissing(string version)
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { PbsVersion = version });
        var state = await ThroughClientAsync(host);
        SetOptions(state, "login", "urn:example:mfa", "backup-api");

        var plan = await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);

        var note = Assert.Single(plan!.Changes, c => c.Resource == "PBS realm extra audiences");
        Assert.Equal(ChangeKind.NoChange, note.Kind);
        Assert.Contains($"PBS {version} has no \"audiences\" option (it came with 4.2.1)", note.Description);
        var realm = RealmProperties(host);
        Assert.Equal("login", realm["prompt"]);
        Assert.False(realm.ContainsKey("audiences"));

        var replan = await host.Step<PbsRealmStep>().PlanAsync(state, CancellationToken.None);
        Assert.False(replan.HasChanges, string.Join(" | ", replan.Changes));
    }

    [Theory]
    [InlineData("3.3.3")]
    [InlineData("4.2.3")]
    public async Task Plan_OptionChangedOrCleared_IsAnUpdateThatApplyCarriesOut(string version)
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { PbsVersion = version });
        var state = await ThroughClientAsync(host);
        SetOptions(state, "login", "urn:example:mfa", null);
        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);

        SetOptions(state, "consent", null, null);
        var plan = await host.Step<PbsRealmStep>().PlanAsync(state, CancellationToken.None);

        var update = Assert.Single(plan.Changes, c => c.Kind == ChangeKind.Update);
        Assert.Contains("prompt (login → consent)", update.Description);
        Assert.Contains("authentication context classes (urn:example:mfa → not set)", update.Description);
        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);
        var realm = RealmProperties(host);
        Assert.Equal("consent", realm["prompt"]);
        Assert.False(realm.ContainsKey("acr-values"));
        Assert.False((await host.Step<PbsRealmStep>().PlanAsync(state, CancellationToken.None)).HasChanges);
    }

    [Fact]
    public async Task Plan_SameListWrittenDifferently_IsNoChange()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await ThroughClientAsync(host);
        SetOptions(state, null, "urn:a urn:b", "api-1;api-2");
        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);

        SetOptions(state, null, " urn:a,  urn:b ", "api-1 api-2");

        Assert.False((await host.Step<PbsRealmStep>().PlanAsync(state, CancellationToken.None)).HasChanges);
    }

    [Theory]
    [InlineData(nameof(RealmInput.Prompt), "log in")]
    [InlineData(nameof(RealmInput.Prompt), "-login")]
    [InlineData(nameof(RealmInput.AcrValues), "urn:a#b")]
    [InlineData(nameof(RealmInput.AcrValues), "\"urn:a\"")]
    [InlineData(nameof(RealmInput.Audiences), "<api>")]
    public void Validate_ValueOutsidePbsFormat_RefusedOnItsField(string field, string value)
    {
        var state = new WizardState();
        typeof(RealmInput).GetProperty(field)!.SetValue(state.Realm, value);

        var errors = new PbsRealmStep(null!, null!).Validate(state);

        Assert.Contains(errors, e => e.Field == field);
    }

    [Fact]
    public void Validate_AudienceLongerThan256_Refused()
    {
        var state = new WizardState();
        state.Realm.Audiences = "ok " + new string('a', 257);

        var error = Assert.Single(new PbsRealmStep(null!, null!).Validate(state), e => e.Field == nameof(RealmInput.Audiences));

        Assert.Contains("at most 256 characters", error.Message);
    }

    [Fact]
    public void Validate_UsualValues_Accepted()
    {
        var state = new WizardState();
        SetOptions(state, "select_account", "urn:mace:incommon:iap:silver, phr", "https://backup.example.com/api");

        Assert.DoesNotContain(new PbsRealmStep(null!, null!).Validate(state), e => e.Field is nameof(RealmInput.Prompt) or nameof(RealmInput.AcrValues) or nameof(RealmInput.Audiences));
    }

    [Theory]
    [InlineData("4.2.3", true)]
    [InlineData("3.3.3", false)]
    public void Export_Options_OnTheCreateCommand_AudiencesOnlyWherePbsHasThem(string version, bool withAudiences)
    {
        var state = new WizardState();
        state.Results.PbsVersion = version;
        SetOptions(state, "login", "urn:a urn:b", "backup-api");

        var commands = ExportBuilder.PbsCommands(state);

        Assert.Contains("--prompt login --acr-values urn:a,urn:b", commands);
        Assert.Equal(withAudiences, commands.Contains("--audiences backup-api", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Undo_AdoptedRealmWithOwnOptions_PutsTheirValuesBack()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = await ThroughClientAsync(host);
        // Made by hand before the run: the how-to's trailing slash, and options of its own.
        var pbs = host.Engine.GetRequiredService<ApiClientFactory>().CreatePbs(state.Pbs);
        await pbs.CreateOpenIdRealmAsync(new PbsOpenIdRealm
        {
            Realm = "PocketID", IssuerUrl = state.Results.Issuer + "/", ClientId = state.Results.ClientId!, ClientKey = state.Results.ClientSecret!.Reveal(),
            Autocreate = true, UsernameClaim = "username", Prompt = "consent", AcrValues = "urn:own",
        }, CancellationToken.None);
        SetOptions(state, "login", null, "backup-api");

        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);
        Assert.Equal(("login", false, "backup-api"), (RealmProperties(host)["prompt"], RealmProperties(host).ContainsKey("acr-values"), RealmProperties(host)["audiences"]));

        var undone = await host.Step<PbsRealmStep>().UndoAsync(state, CancellationToken.None);

        Assert.True(undone.Succeeded, undone.Message);
        var realm = RealmProperties(host);
        Assert.Equal(("consent", "urn:own", false), (realm["prompt"], realm["acr-values"], realm.ContainsKey("audiences")));
        Assert.Equal(state.Results.Issuer + "/", realm["issuer-url"]);
    }
}
