using Microsoft.Extensions.DependencyInjection;
using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Pbs;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Steps;

/// <summary>
/// PBS's second factor at the wizard's password login: a TOTP code or a recovery key (`recovery:KEY`, each key once),
/// and the factors a server-side client cannot answer (a security key), which lead to an API token instead.
/// </summary>
public sealed class PbsSecondFactorTests
{
    private static readonly string[] Keys = ["3f2a-9c41-0b7d-e865", "0011-2233-4455-6677"];

    [Fact]
    public async Task Connect_RecoveryKey_SignsInOnceAndTheSameKeyIsRefusedAfterwards()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { RootRecoveryKeys = Keys });
        var state = host.NewState();
        var step = host.Step<PbsConnectionStep>();

        var (_, first) = await host.RunStepAsync(step, state);
        var ask = Assert.Single(first.Errors);
        Assert.Equal(nameof(PbsConnectionInput.TotpCode), ask.Field);
        Assert.Contains("enter one of the user's recovery keys (this user has no TOTP; 2 unused keys left)", ask.Message);

        state.Pbs.TotpCode = " 3F2A-9C41-0B7D-E865 ";
        await host.RunStepOkAsync(step, state);

        // A new login (the kept session forgotten, as after a restart) cannot spend the same key again.
        host.Engine.GetRequiredService<ApiClientFactory>().ForgetPbsSessions();
        var (_, reused) = await host.RunStepAsync(step, state);
        Assert.False(reused.Succeeded);
        var refused = Assert.Single(reused.Errors);
        Assert.Equal(nameof(PbsConnectionInput.TotpCode), refused.Field);
        Assert.Contains("each key works only once", refused.Message);

        state.Pbs.TotpCode = Keys[1];
        await host.RunStepOkAsync(step, state);
    }

    [Fact]
    public async Task Connect_TotpAndRecoveryKeys_AsksForEither()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { RootTotpSecret = "JBSWY3DPEHPK3PXP", RootRecoveryKeys = Keys });
        var state = host.NewState();

        var (_, outcome) = await host.RunStepAsync(host.Step<PbsConnectionStep>(), state);

        Assert.Contains("the current TOTP code from the authenticator app or one of the user's recovery keys", Assert.Single(outcome.Errors).Message);
    }

    [Fact]
    public async Task Connect_SecurityKeyOnly_SaysTheWizardCannotUseItAndSuggestsAnApiToken()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { RootSecurityKey = true });
        var state = host.NewState();
        state.Pbs.TotpCode = "123456";

        var (_, outcome) = await host.RunStepAsync(host.Step<PbsConnectionStep>(), state);

        Assert.False(outcome.Succeeded);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(string.Empty, error.Field);
        Assert.Contains("PBS asks root@pam for a security key (WebAuthn or U2F)", error.Message);
        Assert.Contains("Use an API token instead", error.Message);
        // Nothing was answered: no second ticket request was sent with the typed code.
        Assert.Single(host.Pbs.Requests.Snapshot(), r => r.Path.EndsWith("/access/ticket", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connect_SecurityKeyAndRecoveryKeys_TheRecoveryKeyWorks()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { RootSecurityKey = true, RootRecoveryKeys = Keys });
        var state = host.NewState();
        state.Pbs.TotpCode = Keys[0];

        await host.RunStepOkAsync(host.Step<PbsConnectionStep>(), state);
    }

    [Theory]
    [InlineData("123456", "totp:123456")]
    [InlineData("123 456", "totp:123456")]
    [InlineData("3F2A-9C41-0B7D-E865", "recovery:3f2a-9c41-0b7d-e865")]
    public void Response_TypedCode_IsTheAnswerPbsExpects(string typed, string expected) =>
        Assert.Equal(expected, PbsSecondFactor.Response(typed));

    [Theory]
    [InlineData("12345")]
    [InlineData("3f2a-9c41-0b7d")]
    [InlineData("webauthn:{}")]
    [InlineData("zzzz-9c41-0b7d-e865")]
    public void Validate_NeitherTotpNorRecoveryKey_RefusedOnTheSecondFactorField(string typed)
    {
        using var fixture = new ClientFixture();
        var step = fixture.Services.GetServices<IWizardStep>().OfType<PbsConnectionStep>().Single();
        var state = new WizardState { Pbs = { Url = "https://pbs.example.com:8007", Password = new Security.Secret("pw"), TotpCode = typed } };

        var error = Assert.Single(step.Validate(state));

        Assert.Equal(nameof(PbsConnectionInput.TotpCode), error.Field);
        Assert.Equal(PbsSecondFactor.FormatMessage, error.Message);
    }

    [Theory]
    [InlineData("PBS:!tfa!{\"totp\"%3Atrue,\"recovery\"%3A[0,2]}:6790ABCD::sig", true, 2, false)]
    [InlineData("PBS:!tfa!{\"recovery\"%3A[]}:6790ABCD::sig", false, 0, false)]
    [InlineData("PBS:!tfa!{\"webauthn\"%3A{\"publicKey\"%3A{}}}:6790ABCD::sig", false, 0, true)]
    public void FromTicket_PartialTicket_ReadsWhatTheChallengeOffers(string ticket, bool totp, int recoveryLeft, bool securityKey)
    {
        var offer = PbsTfaOffer.FromTicket(ticket);

        Assert.Equal((totp, recoveryLeft, securityKey), (offer.Totp, offer.RecoveryKeysLeft, offer.SecurityKey));
        Assert.Equal(totp || recoveryLeft > 0, offer.CanBeTyped);
    }
}
