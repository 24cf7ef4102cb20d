using System.Net;
using Microsoft.Extensions.Time.Testing;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Wizard;

public sealed class WizardSessionTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 18, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryWizardStateStore _store = new();
    private readonly ListLogger<WizardSession> _logger = new();
    private readonly List<string> _calls = [];
    private readonly Dictionary<WizardStepId, FakeStep> _steps;

    public WizardSessionTests()
    {
        _steps = Enum.GetValues<WizardStepId>().ToDictionary(id => id, id => new FakeStep(id, _calls));
    }

    private WizardSession NewSession() =>
        // Registered in reverse on purpose: the session orders by WizardStepId.
        new(_steps.Values.Reverse(), _store, _time, _logger);

    private async Task<WizardSession> StartedSessionAsync()
    {
        var session = NewSession();
        await session.LoadOrStartAsync(CancellationToken.None);
        return session;
    }

    // ------------------------------------------------------------------ transition table

    public static TheoryData<StepStatus, StepEvent, StepStatus> AllowedTransitions => new()
    {
        { StepStatus.NotStarted, StepEvent.InputsValid, StepStatus.Ready },
        { StepStatus.Ready, StepEvent.InputsValid, StepStatus.Ready },
        { StepStatus.Failed, StepEvent.InputsValid, StepStatus.Ready },
        { StepStatus.Planned, StepEvent.InputsValid, StepStatus.Planned },
        { StepStatus.Applied, StepEvent.InputsValid, StepStatus.Applied },
        { StepStatus.Verified, StepEvent.InputsValid, StepStatus.Verified },
        { StepStatus.Ready, StepEvent.Planned, StepStatus.Planned },
        { StepStatus.Planned, StepEvent.Planned, StepStatus.Planned },
        { StepStatus.Applied, StepEvent.Planned, StepStatus.Planned },
        { StepStatus.Verified, StepEvent.Planned, StepStatus.Planned },
        { StepStatus.Planned, StepEvent.Applied, StepStatus.Applied },
        { StepStatus.Applied, StepEvent.Verified, StepStatus.Verified },
        { StepStatus.Verified, StepEvent.Verified, StepStatus.Verified },
        { StepStatus.NotStarted, StepEvent.Failed, StepStatus.Failed },
        { StepStatus.Ready, StepEvent.Failed, StepStatus.Failed },
        { StepStatus.Planned, StepEvent.Failed, StepStatus.Failed },
        { StepStatus.Applied, StepEvent.Failed, StepStatus.Failed },
        { StepStatus.Verified, StepEvent.Failed, StepStatus.Failed },
        { StepStatus.Failed, StepEvent.Failed, StepStatus.Failed },
        { StepStatus.NotStarted, StepEvent.InputsChanged, StepStatus.NotStarted },
        { StepStatus.Ready, StepEvent.InputsChanged, StepStatus.Ready },
        { StepStatus.Planned, StepEvent.InputsChanged, StepStatus.Ready },
        { StepStatus.Applied, StepEvent.InputsChanged, StepStatus.Ready },
        { StepStatus.Verified, StepEvent.InputsChanged, StepStatus.Ready },
        { StepStatus.Failed, StepEvent.InputsChanged, StepStatus.Ready },
        { StepStatus.NotStarted, StepEvent.Reset, StepStatus.NotStarted },
        { StepStatus.Ready, StepEvent.Reset, StepStatus.NotStarted },
        { StepStatus.Planned, StepEvent.Reset, StepStatus.NotStarted },
        { StepStatus.Applied, StepEvent.Reset, StepStatus.NotStarted },
        { StepStatus.Verified, StepEvent.Reset, StepStatus.NotStarted },
        { StepStatus.Failed, StepEvent.Reset, StepStatus.NotStarted },
    };

    [Theory]
    [MemberData(nameof(AllowedTransitions))]
    public void Next_AllowedPair_ReturnsTableStatus(StepStatus from, StepEvent stepEvent, StepStatus expected) =>
        Assert.Equal(expected, StepTransitions.Next(from, stepEvent));

    public static TheoryData<StepStatus, StepEvent> ForbiddenTransitions => new()
    {
        { StepStatus.NotStarted, StepEvent.Planned },
        { StepStatus.NotStarted, StepEvent.Applied },
        { StepStatus.NotStarted, StepEvent.Verified },
        { StepStatus.Ready, StepEvent.Applied },
        { StepStatus.Ready, StepEvent.Verified },
        { StepStatus.Planned, StepEvent.Verified },
        { StepStatus.Applied, StepEvent.Applied },
        { StepStatus.Verified, StepEvent.Applied },
        { StepStatus.Failed, StepEvent.Planned },
        { StepStatus.Failed, StepEvent.Applied },
        { StepStatus.Failed, StepEvent.Verified },
    };

    [Theory]
    [MemberData(nameof(ForbiddenTransitions))]
    public void Next_PairNotInTable_Throws(StepStatus from, StepEvent stepEvent)
    {
        var ex = Assert.Throws<InvalidStepTransitionException>(() => StepTransitions.Next(from, stepEvent));
        Assert.Equal(from, ex.Status);
        Assert.Equal(stepEvent, ex.Event);
    }

    [Fact]
    public void Next_EveryPair_IsEitherAllowedOrForbidden()
    {
        var listed = AllowedTransitions.Select(r => ((StepStatus)r[0], (StepEvent)r[1]))
            .Concat(ForbiddenTransitions.Select(r => ((StepStatus)r[0], (StepEvent)r[1])))
            .ToHashSet();
        var all = Enum.GetValues<StepStatus>().SelectMany(s => Enum.GetValues<StepEvent>().Select(e => (s, e))).ToList();
        Assert.Equal(all.Count, listed.Count);
        Assert.All(all, pair => Assert.Contains(pair, listed));
    }

    // ------------------------------------------------------------------ runs and the four verbs

    [Fact]
    public async Task LoadOrStart_EmptyStore_StartsRunAtFirstStepWithStartedAtFromTimeProvider()
    {
        var session = await StartedSessionAsync();

        Assert.Equal(Start, session.State.StartedAt);
        Assert.Equal(WizardStepId.PocketIdConnection, session.CurrentStep.Id);
        Assert.Equal(0, session.CurrentIndex);
        Assert.Equal(Enum.GetValues<WizardStepId>(), session.Steps.Select(s => s.Id));
        Assert.All(session.Steps, s => Assert.Equal(StepStatus.NotStarted, session.StatusOf(s.Id)));
        Assert.NotNull(await _store.LoadActiveAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RunCurrentStep_AllVerbsSucceed_RunsInOrderAndVerifies()
    {
        var session = await StartedSessionAsync();
        _steps[WizardStepId.PocketIdConnection].Changes = [new PlannedChange(ChangeKind.Create, "thing", "a thing")];

        var outcome = await session.RunCurrentStepAsync(CancellationToken.None);

        Assert.True(outcome.Succeeded);
        Assert.Equal(["PocketIdConnection.Plan", "PocketIdConnection.Apply", "PocketIdConnection.Verify"], _calls);
        Assert.Equal(StepStatus.Verified, session.StatusOf(WizardStepId.PocketIdConnection));
        Assert.Single(session.PlanOf(WizardStepId.PocketIdConnection)!.Changes);
        Assert.True(session.CanMoveNext);
    }

    [Fact]
    public async Task RunCurrentStep_ValidationFails_StopsBeforePlanWithFieldErrors()
    {
        var session = await StartedSessionAsync();
        _steps[WizardStepId.PocketIdConnection].OnValidate = _ => [new FieldError(nameof(PocketIdConnectionInput.Url), "Enter the address.")];

        var outcome = await session.RunCurrentStepAsync(CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(nameof(PocketIdConnectionInput.Url), Assert.Single(outcome.Errors).Field);
        Assert.Empty(_calls);
        Assert.Equal(StepStatus.Failed, session.StatusOf(WizardStepId.PocketIdConnection));
        Assert.False(session.CanMoveNext);
    }

    [Fact]
    public async Task RunCurrentStep_ApplyFails_StopsBeforeVerify()
    {
        var session = await StartedSessionAsync();
        _steps[WizardStepId.PocketIdConnection].OnApply = _ => StepOutcome.Failure("Pocket ID refused the client.");

        var outcome = await session.RunCurrentStepAsync(CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal("Pocket ID refused the client.", outcome.Message);
        Assert.DoesNotContain("PocketIdConnection.Verify", _calls);
        Assert.Equal(StepStatus.Failed, session.StatusOf(WizardStepId.PocketIdConnection));
        Assert.Same(outcome, session.OutcomeOf(WizardStepId.PocketIdConnection));
    }

    [Fact]
    public async Task RunCurrentStep_AfterFailure_RetrySucceeds()
    {
        var session = await StartedSessionAsync();
        var attempts = 0;
        _steps[WizardStepId.PocketIdConnection].OnVerify = _ => ++attempts == 1 ? StepOutcome.Failure("not yet") : StepOutcome.Success();

        Assert.False((await session.RunCurrentStepAsync(CancellationToken.None)).Succeeded);
        Assert.True((await session.RunCurrentStepAsync(CancellationToken.None)).Succeeded);

        Assert.Equal(StepStatus.Verified, session.StatusOf(WizardStepId.PocketIdConnection));
    }

    [Fact]
    public async Task RunCurrentStep_StepThrowsExternalApiException_FailsWithServerAndAdviceInsteadOfThrowing()
    {
        var session = await StartedSessionAsync();
        _steps[WizardStepId.PocketIdConnection].ThrowOnPlan = new ExternalApiException(ExternalService.Pbs, null, "connection refused");

        var outcome = await session.RunCurrentStepAsync(CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Contains("Proxmox Backup Server could not be reached: connection refused", outcome.Message);
        Assert.Contains("Check the address of Proxmox Backup Server", outcome.Message);
        Assert.Equal(StepStatus.Failed, session.StatusOf(WizardStepId.PocketIdConnection));
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "Pocket ID answered 401", "API key")]
    [InlineData(HttpStatusCode.Forbidden, "Pocket ID answered 403", "lack permission")]
    [InlineData(HttpStatusCode.InternalServerError, "Pocket ID answered 500", "check its log")]
    public void DescribeFailure_ExternalApiStatus_NamesServerAndWhatToDo(HttpStatusCode status, string what, string advice)
    {
        var message = StepFailures.Describe(new FakeStep(WizardStepId.OidcClient), new ExternalApiException(ExternalService.PocketId, status, "nope"));

        Assert.StartsWith("Fake OidcClient: ", message);
        Assert.Contains(what, message);
        Assert.Contains(advice, message);
    }

    [Fact]
    public void DescribeFailure_UntrustedCertificate_ShowsPresentedFingerprint()
    {
        var ex = new ExternalApiException(ExternalService.Pbs, null, "certificate not trusted") { PresentedFingerprint = "aa:bb" };

        var message = StepFailures.Describe(new FakeStep(WizardStepId.PbsConnection), ex);

        Assert.Contains("fingerprint aa:bb", message);
    }

    [Fact]
    public async Task RunCurrentStep_UnexpectedException_FailsWithoutCrashing()
    {
        var session = await StartedSessionAsync();
        _steps[WizardStepId.PocketIdConnection].ThrowOnPlan = new InvalidOperationException("boom");

        var outcome = await session.RunCurrentStepAsync(CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Contains("InvalidOperationException: boom", outcome.Message);
    }

    [Fact]
    public async Task RunCurrentStep_PlanFindsConflict_FailsWithTheStepsFieldErrors()
    {
        var session = await StartedSessionAsync();
        _steps[WizardStepId.PocketIdConnection].ThrowOnPlan = new WizardStepException(new FieldError(nameof(RealmInput.Name), "An LDAP realm is already called PocketID."));

        var outcome = await session.RunCurrentStepAsync(CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(nameof(RealmInput.Name), Assert.Single(outcome.Errors).Field);
        Assert.Equal("An LDAP realm is already called PocketID.", outcome.Message);
        Assert.Equal(StepStatus.Failed, session.StatusOf(WizardStepId.PocketIdConnection));
    }

    [Fact]
    public async Task Apply_WithoutPlan_PlansFirstThenApplies()
    {
        var session = await StartedSessionAsync();

        var outcome = await session.ApplyAsync(CancellationToken.None);

        Assert.True(outcome.Succeeded);
        Assert.Equal(["PocketIdConnection.Plan", "PocketIdConnection.Apply"], _calls);
        Assert.Equal(StepStatus.Applied, session.StatusOf(WizardStepId.PocketIdConnection));
    }

    [Fact]
    public async Task Apply_PlannedStepResumedAfterReload_PlansAgainAndApplies()
    {
        var first = await StartedSessionAsync();
        await first.PlanAsync(CancellationToken.None);
        await first.FlushAsync(CancellationToken.None);
        var reloaded = NewSession();
        await reloaded.LoadOrStartAsync(CancellationToken.None);
        Assert.Equal(StepStatus.Planned, reloaded.StatusOf(WizardStepId.PocketIdConnection));
        Assert.Null(reloaded.PlanOf(WizardStepId.PocketIdConnection));
        _calls.Clear();

        var outcome = await reloaded.ApplyAsync(CancellationToken.None);

        Assert.True(outcome.Succeeded);
        Assert.Contains("PocketIdConnection.Plan", _calls);
        Assert.Contains("PocketIdConnection.Apply", _calls);
        Assert.Equal(StepStatus.Applied, reloaded.StatusOf(WizardStepId.PocketIdConnection));
        Assert.NotNull(reloaded.PlanOf(WizardStepId.PocketIdConnection));
    }

    [Fact]
    public async Task Apply_PlanFailsWhenPlanningAgain_RecordsTheFailureAsTheStepsOutcome()
    {
        var session = await StartedSessionAsync();
        _steps[WizardStepId.PocketIdConnection].ThrowOnPlan = new HttpRequestException("connection refused");

        var outcome = await session.ApplyAsync(CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Same(outcome, session.OutcomeOf(WizardStepId.PocketIdConnection));
        Assert.Equal(StepStatus.Failed, session.StatusOf(WizardStepId.PocketIdConnection));
        Assert.DoesNotContain("PocketIdConnection.Apply", _calls);
    }

    [Fact]
    public async Task Verify_BeforeApply_Refuses()
    {
        var session = await StartedSessionAsync();
        await session.PlanAsync(CancellationToken.None);

        var outcome = await session.VerifyAsync(CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(StepStatus.Planned, session.StatusOf(WizardStepId.PocketIdConnection));
    }

    [Fact]
    public async Task PlanAll_NothingToChange_ChecksConnectionsAndPlansEveryStep()
    {
        var session = await StartedSessionAsync();

        var preview = await session.PlanAllAsync(CancellationToken.None);

        Assert.Equal(Enum.GetValues<WizardStepId>(), preview.Select(p => p.Step.Id));
        Assert.All(preview, p => Assert.Null(p.Failure));
        Assert.Equal(StepStatus.Verified, session.StatusOf(WizardStepId.PocketIdConnection));
        Assert.Equal(StepStatus.Verified, session.StatusOf(WizardStepId.PbsConnection));
        Assert.Equal(StepStatus.Planned, session.StatusOf(WizardStepId.OidcClient));
        Assert.DoesNotContain("OidcClient.Apply", _calls);
    }

    [Fact]
    public async Task PlanAll_LaterStepLacksPrerequisite_PlansItSpeculativelyAsCreateWithoutChangingItsStatus()
    {
        var session = await StartedSessionAsync();
        _steps[WizardStepId.OidcClient].Changes = [new PlannedChange(ChangeKind.Create, "Pocket ID OIDC client", "PBS")];
        _steps[WizardStepId.PbsRealm].OnValidate = _ => [FieldError.ForStep("The OIDC client is not known yet.")];
        _steps[WizardStepId.PbsRealm].Changes = [new PlannedChange(ChangeKind.Create, "PBS OpenID realm", "PocketID")];
        _steps[WizardStepId.Permissions].ThrowOnPlan = new ExternalApiException(ExternalService.Pbs, HttpStatusCode.BadRequest, "no such openid 'PocketID'");

        var preview = await session.PlanAllAsync(CancellationToken.None);

        Assert.All(preview, p => Assert.Null(p.Failure));
        var changes = preview.Where(p => p.Plan is not null).SelectMany(p => p.Plan!.Changes).ToList();
        Assert.Equal(["Pocket ID OIDC client", "PBS OpenID realm", "Fake Permissions"], changes.Select(c => c.Resource));
        Assert.All(changes, c => Assert.Equal(ChangeKind.Create, c.Kind));
        Assert.Equal(StepStatus.NotStarted, session.StatusOf(WizardStepId.PbsRealm));
        Assert.Equal(StepStatus.NotStarted, session.StatusOf(WizardStepId.Permissions));
    }

    [Fact]
    public async Task PlanAll_LaterStepHasFieldError_StopsWithIt()
    {
        var session = await StartedSessionAsync();
        _steps[WizardStepId.OidcClient].Changes = [new PlannedChange(ChangeKind.Create, "client", "PBS")];
        _steps[WizardStepId.Permissions].OnValidate = _ => [new FieldError("Grants[0].Role", "Not a PBS role.")];

        var preview = await session.PlanAllAsync(CancellationToken.None);

        var last = preview[^1];
        Assert.Equal(WizardStepId.Permissions, last.Step.Id);
        Assert.Equal("Grants[0].Role", Assert.Single(last.Failure!.Errors).Field);
    }

    // ------------------------------------------------------------------ plan invalidation

    [Fact]
    public async Task NotifyInputsChanged_AfterPlanning_DropsStepBackToReady()
    {
        var session = await StartedSessionAsync();
        await session.PlanAsync(CancellationToken.None);
        Assert.Equal(StepStatus.Planned, session.StatusOf(WizardStepId.PocketIdConnection));

        session.State.PocketId.Url = "https://other.example.com";
        session.NotifyInputsChanged(WizardStepId.PocketIdConnection);

        Assert.Equal(StepStatus.Ready, session.StatusOf(WizardStepId.PocketIdConnection));
        Assert.Null(session.PlanOf(WizardStepId.PocketIdConnection));
    }

    [Fact]
    public async Task NotifyInputsChanged_SameInputs_KeepsPlan()
    {
        var session = await StartedSessionAsync();
        await session.PlanAsync(CancellationToken.None);

        session.NotifyInputsChanged(WizardStepId.PocketIdConnection);

        Assert.Equal(StepStatus.Planned, session.StatusOf(WizardStepId.PocketIdConnection));
        Assert.NotNull(session.PlanOf(WizardStepId.PocketIdConnection));
    }

    [Fact]
    public async Task NotifyInputsChanged_SharedInput_InvalidatesEveryDependentVerifiedStep()
    {
        var session = await StartedSessionAsync();
        await RunAndMoveAsync(session, WizardStepId.PbsRealm);
        Assert.Equal(StepStatus.Verified, session.StatusOf(WizardStepId.PbsConnection));
        Assert.Equal(StepStatus.Verified, session.StatusOf(WizardStepId.OidcClient));

        // The OIDC client's callback URL derives from the PBS address, so both plans are stale.
        session.State.Pbs.Url = "https://pbs2.example.com:8007";
        session.NotifyInputsChanged(WizardStepId.PbsConnection);

        Assert.Equal(StepStatus.Ready, session.StatusOf(WizardStepId.PbsConnection));
        Assert.Equal(StepStatus.Ready, session.StatusOf(WizardStepId.OidcClient));
        Assert.Equal(StepStatus.Verified, session.StatusOf(WizardStepId.PocketIdConnection));
    }

    [Fact]
    public async Task Apply_InputsEditedAfterPlanWithoutNotification_RefusesAndDropsToReady()
    {
        var session = await StartedSessionAsync();
        await session.PlanAsync(CancellationToken.None);
        session.State.PocketId.ApiKey = new Secret("another-key-value");

        var outcome = await session.ApplyAsync(CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Contains("plan again", outcome.Message);
        Assert.DoesNotContain("PocketIdConnection.Apply", _calls);
        Assert.Equal(StepStatus.Ready, session.StatusOf(WizardStepId.PocketIdConnection));
    }

    [Fact]
    public async Task Validate_VerifiedStepWithEditedInputs_DropsToReady()
    {
        var session = await StartedSessionAsync();
        await session.RunCurrentStepAsync(CancellationToken.None);
        session.State.PocketId.Url = "https://changed.example.com";

        var errors = session.Validate(WizardStepId.PocketIdConnection);

        Assert.Empty(errors);
        Assert.Equal(StepStatus.Ready, session.StatusOf(WizardStepId.PocketIdConnection));
        Assert.False(session.CanMoveNext);
    }

    // ------------------------------------------------------------------ navigation

    [Fact]
    public async Task MoveNext_CurrentStepNotVerified_IsRefused()
    {
        var session = await StartedSessionAsync();

        Assert.False(session.CanMoveNext);
        Assert.False(session.MoveNext());
        Assert.Equal(WizardStepId.PocketIdConnection, session.CurrentStep.Id);
    }

    [Fact]
    public async Task MoveNextAndBack_AfterVerify_NavigateAndBackIsAlwaysAllowed()
    {
        var session = await StartedSessionAsync();
        await session.RunCurrentStepAsync(CancellationToken.None);

        Assert.True(session.MoveNext());
        Assert.Equal(WizardStepId.PbsConnection, session.CurrentStep.Id);
        Assert.True(session.MoveBack());
        Assert.Equal(WizardStepId.PocketIdConnection, session.CurrentStep.Id);
        Assert.False(session.MoveBack());
    }

    [Fact]
    public async Task GoTo_ForwardPastUnverifiedStep_IsRefused()
    {
        var session = await StartedSessionAsync();
        await session.RunCurrentStepAsync(CancellationToken.None);

        Assert.False(session.GoTo(WizardStepId.OidcClient));
        Assert.True(session.GoTo(WizardStepId.PbsConnection));
        Assert.Equal(WizardStepId.PbsConnection, session.CurrentStep.Id);
    }

    [Fact]
    public async Task GoTo_BackThenForwardOverVerifiedSteps_IsAllowed()
    {
        var session = await StartedSessionAsync();
        await RunAndMoveAsync(session, WizardStepId.PbsRealm);

        Assert.True(session.GoTo(WizardStepId.PocketIdConnection));
        Assert.True(session.GoTo(WizardStepId.PbsRealm));
        Assert.False(session.GoTo(WizardStepId.FirstSignIn));
    }

    [Fact]
    public async Task MoveNext_LastStep_IsRefused()
    {
        var session = await StartedSessionAsync();
        await RunAndMoveAsync(session, WizardStepId.Summary);
        await session.RunCurrentStepAsync(CancellationToken.None);

        Assert.Equal(StepStatus.Verified, session.StatusOf(WizardStepId.Summary));
        Assert.False(session.CanMoveNext);
    }

    // ------------------------------------------------------------------ events, busy, logging

    [Fact]
    public async Task RunCurrentStep_RaisesChangedForEachTransition()
    {
        var session = await StartedSessionAsync();
        var raised = 0;
        session.Changed += () => raised++;

        await session.RunCurrentStepAsync(CancellationToken.None);

        // busy on, planned, applied, verified, busy off
        Assert.True(raised >= 5, $"Changed was raised {raised} times");
    }

    [Fact]
    public async Task RunCurrentStep_WhileAnotherActionRuns_Throws()
    {
        var gate = new TaskCompletionSource();
        var slow = new SlowStep(gate.Task);
        var slowSession = new WizardSession([slow], _store, _time, _logger);
        await slowSession.NewRunAsync(CancellationToken.None);

        var first = slowSession.RunCurrentStepAsync(CancellationToken.None);
        Assert.True(slowSession.IsBusy);
        await Assert.ThrowsAsync<InvalidOperationException>(() => slowSession.RunCurrentStepAsync(CancellationToken.None));
        gate.SetResult();

        Assert.True((await first).Succeeded);
        Assert.False(slowSession.IsBusy);
    }

    [Fact]
    public async Task WhenIdle_WhileAnotherActionRuns_CompletesOnceItEndsAndTheNextActionRuns()
    {
        var gate = new TaskCompletionSource();
        var slowSession = new WizardSession([new SlowStep(gate.Task)], _store, _time, _logger);
        await slowSession.NewRunAsync(CancellationToken.None);
        var first = slowSession.RunCurrentStepAsync(CancellationToken.None);

        var idle = slowSession.WhenIdleAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(idle.IsCompleted);

        gate.SetResult();
        await idle.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(slowSession.IsBusy);
        Assert.True((await first).Succeeded);
        Assert.True((await slowSession.RunCurrentStepAsync(CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task WhenIdle_NothingRuns_CompletesAtOnce()
    {
        var session = await StartedSessionAsync();

        Assert.True(session.WhenIdleAsync(CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task RunCurrentStep_LogsOneStructuredLinePerTransitionInRunScopeWithoutSecrets()
    {
        var session = await StartedSessionAsync();
        session.State.PocketId.Url = "https://admin:pw@id.example.com/some/path";
        session.State.PocketId.ApiKey = new Secret("super-secret-api-key");

        await session.RunCurrentStepAsync(CancellationToken.None);

        var transitions = _logger.Lines.Where(l => l.Message.Contains(" against ")).ToList();
        Assert.Contains(transitions, l => l.Message.StartsWith("PocketIdConnection Planned against https://id.example.com:443 in ", StringComparison.Ordinal));
        Assert.Contains(transitions, l => l.Message.StartsWith("PocketIdConnection Verified against", StringComparison.Ordinal));
        Assert.All(transitions, l => Assert.Contains(l.Scopes, s => s is IReadOnlyDictionary<string, object> d && d["WizardRunId"].Equals(session.State.RunId.ToString())));
        Assert.DoesNotContain(_logger.Lines, l => l.Message.Contains("super-secret-api-key") || l.Message.Contains("pw@"));
    }

    // ------------------------------------------------------------------ persistence

    [Fact]
    public async Task LoadOrStart_AfterRestart_ResumesRunStatusesAndCurrentStep()
    {
        var first = await StartedSessionAsync();
        first.State.Realm.Name = "Resumed";
        await RunAndMoveAsync(first, WizardStepId.OidcClient);
        await first.FlushAsync(CancellationToken.None);

        var second = NewSession();
        await second.LoadOrStartAsync(CancellationToken.None);

        Assert.Equal(first.State.RunId, second.State.RunId);
        Assert.Equal("Resumed", second.State.Realm.Name);
        Assert.Equal(WizardStepId.OidcClient, second.CurrentStep.Id);
        Assert.Equal(StepStatus.Verified, second.StatusOf(WizardStepId.PbsConnection));
        Assert.Equal(StepStatus.NotStarted, second.StatusOf(WizardStepId.OidcClient));
    }

    [Fact]
    public async Task LoadOrStart_ResumedPlannedStepWithChangedInputs_IsInvalidatedByFingerprint()
    {
        var first = await StartedSessionAsync();
        await first.PlanAsync(CancellationToken.None);
        await first.FlushAsync(CancellationToken.None);

        var second = NewSession();
        await second.LoadOrStartAsync(CancellationToken.None);
        second.State.PocketId.Url = "https://elsewhere.example.com";
        second.NotifyInputsChanged(WizardStepId.PocketIdConnection);

        Assert.Equal(StepStatus.Ready, second.StatusOf(WizardStepId.PocketIdConnection));
    }

    [Fact]
    public async Task EveryTransition_SavesThroughStore()
    {
        var session = await StartedSessionAsync();
        var before = _store.SaveCount;

        await session.RunCurrentStepAsync(CancellationToken.None);

        Assert.True(_store.SaveCount - before >= 3);
        var saved = await _store.LoadAsync(session.State.RunId, CancellationToken.None);
        Assert.Equal(StepStatus.Verified, saved!.Statuses[WizardStepId.PocketIdConnection]);
    }

    [Fact]
    public async Task Complete_MarksRunCompletedWipesSecretsAndNextLoadStartsNewRun()
    {
        var session = await StartedSessionAsync();
        session.State.PocketId.ApiKey = new Secret("api-key-value-1");
        session.State.Results.ClientSecret = new Secret("client-secret-value");
        var runId = session.State.RunId;
        _time.Advance(TimeSpan.FromMinutes(5));

        await session.CompleteAsync(CancellationToken.None);

        Assert.True(session.State.Completed);
        Assert.Empty(WizardSecrets.All(session.State));
        var stored = await _store.LoadAsync(runId, CancellationToken.None);
        Assert.Empty(WizardSecrets.All(stored!));
        var next = NewSession();
        await next.LoadOrStartAsync(CancellationToken.None);
        Assert.NotEqual(runId, next.State.RunId);
        Assert.Equal(Start.AddMinutes(5), next.State.StartedAt);
    }

    [Fact]
    public async Task NewRun_AbandonsActiveRunAndWipesItsSecrets()
    {
        var session = await StartedSessionAsync();
        session.State.Pbs.Password = new Secret("pbs-password-value");
        var oldRun = session.State.RunId;

        await session.NewRunAsync(CancellationToken.None);

        Assert.NotEqual(oldRun, session.State.RunId);
        var old = await _store.LoadAsync(oldRun, CancellationToken.None);
        Assert.True(old!.Abandoned);
        Assert.Null(old.Pbs.Password);
        Assert.Equal(session.State.RunId, (await _store.LoadActiveAsync(CancellationToken.None))!.RunId);
    }

    // ------------------------------------------------------------------ undo

    [Fact]
    public async Task Undo_RunsEveryStepInReverseOrderMarksUndoneAndWipesSecrets()
    {
        var session = await StartedSessionAsync();
        await RunAndMoveAsync(session, WizardStepId.PbsRealm);
        session.State.Pbs.ApiToken = new Secret("root@pam!wizard:token-secret");
        _calls.Clear();

        var outcome = await session.UndoAsync(CancellationToken.None);

        Assert.True(outcome.Succeeded);
        Assert.Equal(Enum.GetValues<WizardStepId>().Reverse().Select(id => $"{id}.Undo"), _calls);
        Assert.True(session.State.Undone);
        Assert.Empty(WizardSecrets.All(session.State));
        Assert.All(session.Steps, s => Assert.Equal(StepStatus.NotStarted, session.StatusOf(s.Id)));
        Assert.Null(await _store.LoadActiveAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Undo_OneStepFails_ContinuesOthersKeepsRunActiveAndSecrets()
    {
        var session = await StartedSessionAsync();
        session.State.PocketId.ApiKey = new Secret("still-needed-key");
        _steps[WizardStepId.OidcClient].OnUndo = _ => StepOutcome.Failure("Pocket ID answered 500");

        var outcome = await session.UndoAsync(CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Contains("Fake OidcClient: Pocket ID answered 500", outcome.Message);
        Assert.Contains("PocketIdConnection.Undo", _calls);
        Assert.False(session.State.Undone);
        Assert.NotNull(session.State.PocketId.ApiKey);
    }

    private static async Task RunAndMoveAsync(WizardSession session, WizardStepId until)
    {
        while (session.CurrentStep.Id != until)
        {
            Assert.True((await session.RunCurrentStepAsync(CancellationToken.None)).Succeeded);
            Assert.True(session.MoveNext());
        }
    }

    private sealed class SlowStep(Task gate) : WizardStep
    {
        public override WizardStepId Id => WizardStepId.PocketIdConnection;

        public override string Title => "Slow";

        public override async Task<StepOutcome> ApplyAsync(WizardState state, StepPlan plan, CancellationToken cancellationToken)
        {
            await gate;
            return StepOutcome.Success();
        }
    }
}
