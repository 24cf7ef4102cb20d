using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Steps;

/// <summary>Validate is pure: no server is needed (and none is configured here).</summary>
public sealed class StepValidationTests : IDisposable
{
    private readonly ClientFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private T Step<T>()
        where T : IWizardStep => _fixture.Services.GetServices<IWizardStep>().OfType<T>().Single();

    private static WizardState ReadyState() => new()
    {
        PocketId = new PocketIdConnectionInput { Url = "https://id.example.com", ApiKey = new Secret("key") },
        Pbs = new PbsConnectionInput { Url = "https://pbs.example.com:8007", Username = "root@pam", Password = new Secret("pw") },
        Results = new WizardResults { Issuer = "https://id.example.com", ClientId = "c1", ClientSecret = new Secret("s"), PbsVersion = "4.2.3" },
    };

    [Fact]
    public void AddWizardCore_RegistersAllStepsInEngineOrderWithHumanTitles()
    {
        var steps = _fixture.Services.GetServices<IWizardStep>().OrderBy(s => s.Id).ToList();

        Assert.Equal(Enum.GetValues<WizardStepId>(), steps.Select(s => s.Id));
        Assert.Equal(["Pocket ID", "Proxmox Backup Server", "OIDC client", "PBS realm", "First sign-in", "Permissions", "Summary"], steps.Select(s => s.Title));
        Assert.Same(_fixture.Services.GetRequiredService<FirstSignInStep>(), steps.OfType<FirstSignInStep>().Single());
    }

    [Fact]
    public void AddWizardCore_StepsDeclareKindTargetAndWhatTheirValidationNeeds()
    {
        var steps = _fixture.Services.GetServices<IWizardStep>().OrderBy(s => s.Id).ToList();

        Assert.Equal([StepKind.Connection, StepKind.Connection, StepKind.Change, StepKind.Change, StepKind.Pause, StepKind.Change, StepKind.Summary], steps.Select(s => s.Kind));
        Assert.Equal([StepTarget.PocketId, StepTarget.Pbs, StepTarget.PocketId, StepTarget.Pbs, StepTarget.Pbs, StepTarget.Pbs, StepTarget.Both], steps.Select(s => s.Target));
        Assert.Equal([WizardStepId.PocketIdConnection, WizardStepId.PbsConnection, WizardStepId.OidcClient], steps.Where(s => s.ValidatesInputsAlone).Select(s => s.Id));
    }

    [Theory]
    [InlineData(WizardStepId.OidcClient, ChangeKind.Create, "Create client")]
    [InlineData(WizardStepId.OidcClient, ChangeKind.Update, "Update client")]
    [InlineData(WizardStepId.PbsRealm, ChangeKind.Create, "Create realm")]
    [InlineData(WizardStepId.PbsRealm, ChangeKind.Update, "Update realm")]
    [InlineData(WizardStepId.Permissions, ChangeKind.Create, "Grant permissions")]
    public void ApplyLabel_PlanWithChange_NamesWhatThePressDoes(WizardStepId id, ChangeKind kind, string expected)
    {
        var step = _fixture.Services.GetServices<IWizardStep>().Single(s => s.Id == id);
        var plan = new StepPlan([new PlannedChange(ChangeKind.NoChange, "a", "b"), new PlannedChange(kind, "c", "d")], "f");

        Assert.Equal(expected, step.ApplyLabel(plan));
    }

    [Fact]
    public void InputFingerprint_InputOfAnotherStepChanged_StaysTheSame()
    {
        var step = Step<PbsRealmStep>();
        var state = ReadyState();
        var before = step.InputFingerprint(state);

        state.Permissions.Grants.Add(new PermissionGrantInput { User = "bob", Path = "/", Role = "Audit" });
        var afterOtherStep = step.InputFingerprint(state);
        state.Realm.Name = "other";

        Assert.Equal(before, afterOtherStep);
        Assert.NotEqual(before, step.InputFingerprint(state));
    }

    [Fact]
    public void PocketIdConnection_Validate_MissingUrlAndKey_NamesBothFields()
    {
        var errors = Step<PocketIdConnectionStep>().Validate(new WizardState());

        Assert.Contains(errors, e => e.Field == nameof(PocketIdConnectionInput.Url));
        Assert.Contains(errors, e => e.Field == nameof(PocketIdConnectionInput.ApiKey));
    }

    [Fact]
    public void PocketIdConnection_Validate_UrlWithPath_IsRejected()
    {
        var state = ReadyState();
        state.PocketId.Url = "https://id.example.com/app";

        var error = Assert.Single(Step<PocketIdConnectionStep>().Validate(state));

        Assert.Equal(nameof(PocketIdConnectionInput.Url), error.Field);
    }

    [Fact]
    public void PbsConnection_Validate_ReadyInputs_HasNoErrors() =>
        Assert.Empty(Step<PbsConnectionStep>().Validate(ReadyState()));

    [Fact]
    public void PbsConnection_Validate_BadTokenFingerprintAndUrl_AreKeyedToTheirFields()
    {
        var state = ReadyState();
        state.Pbs.Url = "https://pbs.example.com:8007/api2";
        state.Pbs.ApiToken = new Secret("root@pam=wizard=secret");
        state.Pbs.Fingerprint = "aa:bb";

        var fields = Step<PbsConnectionStep>().Validate(state).Select(e => e.Field).ToList();

        Assert.Equal([nameof(PbsConnectionInput.Url), nameof(PbsConnectionInput.ApiToken), nameof(PbsConnectionInput.Fingerprint)], fields);
    }

    [Fact]
    public void PbsConnection_Validate_NoPassword_AsksForPassword()
    {
        var state = ReadyState();
        state.Pbs.Password = null;

        Assert.Equal(nameof(PbsConnectionInput.Password), Assert.Single(Step<PbsConnectionStep>().Validate(state)).Field);
    }

    [Fact]
    public void OidcClient_Validate_LogoOfWrongTypeOrTooLarge_IsRejected()
    {
        var state = ReadyState();
        state.Client.LogoFileName = "logo.bmp";
        state.Client.LogoContent = [1];
        Assert.Equal(nameof(OidcClientInput.LogoFileName), Assert.Single(Step<OidcClientStep>().Validate(state)).Field);

        state.Client.LogoFileName = "logo.png";
        state.Client.LogoContent = new byte[3 * 1024 * 1024];
        Assert.Equal(nameof(OidcClientInput.LogoFileName), Assert.Single(Step<OidcClientStep>().Validate(state)).Field);
    }

    [Fact]
    public void OidcClient_CallbackUrls_StartWithThePbsOriginWithItsPort()
    {
        var state = ReadyState();
        state.Pbs.Url = "pbs.example.com";
        state.Client.ExtraCallbackUrls = ["https://pbs.example.com", "https://pbs.example.com:8007"];

        Assert.Equal(["https://pbs.example.com:8007", "https://pbs.example.com"], OidcClientStep.CallbackUrlsFor(state));
    }

    [Theory]
    [InlineData("a", nameof(RealmInput.Name))]
    [InlineData("bad name", nameof(RealmInput.Name))]
    public void PbsRealm_Validate_BadName_IsKeyedToName(string name, string field)
    {
        var state = ReadyState();
        state.Realm.Name = name;

        Assert.Equal(field, Assert.Single(Step<PbsRealmStep>().Validate(state)).Field);
    }

    [Fact]
    public void PbsRealm_Validate_UnknownUsernameClaim_IsRejected()
    {
        var state = ReadyState();
        state.Realm.UsernameClaim = "upn";

        Assert.Equal(nameof(RealmInput.UsernameClaim), Assert.Single(Step<PbsRealmStep>().Validate(state)).Field);
    }

    [Fact]
    public void PbsRealm_Validate_DefaultOnPbsWithoutIt_IsAcceptedForThePlanToExplain()
    {
        var state = ReadyState();
        state.Realm.Default = true;
        state.Results.PbsSupportsDefaultRealm = false;
        state.Results.PbsVersion = "3.2.4";

        Assert.Empty(Step<PbsRealmStep>().Validate(state));
    }

    [Fact]
    public void FirstSignIn_Validate_NothingChosen_ExplainsTheSignIn()
    {
        var error = Assert.Single(Step<FirstSignInStep>().Validate(ReadyState()));

        Assert.Contains("Sign in to PBS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Permissions_Validate_PveStylePathAndAdministratorRole_AreRejectedBeforeAnyCall()
    {
        var state = ReadyState();
        state.Permissions.Grants = [new PermissionGrantInput { User = "alice", Path = "/vms/100", Role = "Administrator" }];

        var errors = Step<PermissionsStep>().Validate(state);

        Assert.Contains(errors, e => e.Field == "Grants[0].Path" && e.Message.Contains("no datacenter", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "Grants[0].Role" && e.Message.Contains("Admin", StringComparison.Ordinal));
    }

    [Fact]
    public void Permissions_ScopeSet_TreatsSeparatorsAndDefaultLikePbs()
    {
        Assert.True(PermissionsStep.ScopeSet("openid profile,email;groups").SetEquals(["openid", "profile", "email", "groups"]));
        Assert.True(PermissionsStep.ScopeSet(null).SetEquals(["email", "profile"]));
    }
}
