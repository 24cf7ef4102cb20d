using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PbsPocketIdWizard.Core.Clients;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Tests.Support;
using PbsPocketIdWizard.Core.Wizard;

namespace PbsPocketIdWizard.Core.Tests.Steps;

public sealed class ConnectionStepTests
{
    private const string TotpSecret = "JBSWY3DPEHPK3PXP";

    [Theory]
    [InlineData("2.14.0")]
    [InlineData("2.13.0")]
    public async Task PocketIdConnection_AdminKey_RecordsIssuerAndVersion(string version)
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { PocketIdVersion = version });
        var state = host.NewState();

        await host.RunStepOkAsync(host.Step<PocketIdConnectionStep>(), state);

        Assert.Equal(SimulatorHost.PocketIdUrl, state.Results.Issuer);
        Assert.Equal(version, state.Results.PocketIdVersion);
        Assert.True(state.Results.ApiKeyIsAdmin);
    }

    [Fact]
    public async Task PocketIdConnection_WrongKey_IsKeyedToApiKey()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = host.NewState();
        state.PocketId.ApiKey = new Secret("not-a-valid-key-000000");

        var (_, outcome) = await host.RunStepAsync(host.Step<PocketIdConnectionStep>(), state);

        Assert.False(outcome.Succeeded);
        Assert.Equal(nameof(PocketIdConnectionInput.ApiKey), Assert.Single(outcome.Errors).Field);
        Assert.Contains("API Keys", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PocketIdConnection_IssuerDiffersFromTypedUrl_SucceedsWithAWarning()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = host.NewState();
        state.PocketId.Url = "https://ID.example.com:443/";

        var (_, outcome) = await host.RunStepAsync(host.Step<PocketIdConnectionStep>(), state);

        Assert.True(outcome.Succeeded);
        Assert.Contains("calls itself https://id.example.com", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PbsConnection_RootPassword_RecordsVersionAndDefaultSupport()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = host.NewState();

        await host.RunStepOkAsync(host.Step<PbsConnectionStep>(), state);

        Assert.Equal("4.2.3", state.Results.PbsVersion);
        Assert.True(state.Results.PbsSupportsDefaultRealm);
    }

    [Fact]
    public async Task PbsConnection_Pbs32_HasNoDefaultRealm()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { PbsVersion = "3.2.4" });
        var state = host.NewState();

        await host.RunStepOkAsync(host.Step<PbsConnectionStep>(), state);

        Assert.False(state.Results.PbsSupportsDefaultRealm);
    }

    [Fact]
    public async Task PbsConnection_WrongPassword_IsKeyedToPassword()
    {
        await using var host = await SimulatorHost.StartAsync();
        var state = host.NewState();
        state.Pbs.Password = new Secret("Wr0ngPassw0rd!");

        var (_, outcome) = await host.RunStepAsync(host.Step<PbsConnectionStep>(), state);

        Assert.Equal(nameof(PbsConnectionInput.Password), Assert.Single(outcome.Errors).Field);
        Assert.DoesNotContain("Wr0ngPassw0rd!", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PbsConnection_TotpRoot_AsksForTheCodeThenSignsInAndLaterStepsReuseTheTicket()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { RootTotpSecret = TotpSecret });
        var state = host.NewState();
        var step = host.Step<PbsConnectionStep>();

        var (_, first) = await host.RunStepAsync(step, state);
        Assert.False(first.Succeeded);
        Assert.Equal(nameof(PbsConnectionInput.TotpCode), Assert.Single(first.Errors).Field);

        state.Pbs.TotpCode = Totp.Code(TotpSecret, TimeProvider.System.GetUtcNow());
        await host.RunStepOkAsync(step, state);

        // The code is used once; the kept session carries the later steps without asking again.
        state.Pbs.TotpCode = null;
        await host.RunStepOkAsync(host.Step<PocketIdConnectionStep>(), state);
        await host.RunStepOkAsync(host.Step<OidcClientStep>(), state);
        await host.RunStepOkAsync(host.Step<PbsRealmStep>(), state);
        Assert.Contains(host.Pbs.Realms, r => r.Name == "PocketID");
    }

    [Fact]
    public async Task PbsConnection_ApiTokenWithoutItsOwnAcl_NamesTheMissingPrivilegeAndTheFix()
    {
        await using var host = await SimulatorHost.StartAsync();
        var secret = host.Pbs.AddApiToken("root@pam", "wizard");
        var state = host.NewState();
        state.Pbs.Password = null;
        state.Pbs.ApiToken = new Secret($"root@pam!wizard:{secret}");

        var (_, outcome) = await host.RunStepAsync(host.Step<PbsConnectionStep>(), state);

        Assert.False(outcome.Succeeded);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(nameof(PbsConnectionInput.ApiToken), error.Field);
        Assert.Contains("no permissions of its own", error.Message, StringComparison.Ordinal);
        Assert.Contains("role Admin", error.Message, StringComparison.Ordinal);

        host.Pbs.SetAcl("/", "root@pam!wizard", "Admin");
        await host.RunStepOkAsync(host.Step<PbsConnectionStep>(), state);
    }

    [Fact]
    public async Task PbsConnection_ApiTokenWithAuditOnly_NamesEachMissingPrivilege()
    {
        await using var host = await SimulatorHost.StartAsync();
        var secret = host.Pbs.AddApiToken("root@pam", "audit");
        host.Pbs.SetAcl("/", "root@pam!audit", "Audit");
        var state = host.NewState();
        state.Pbs.ApiToken = new Secret($"root@pam!audit:{secret}");

        var (_, outcome) = await host.RunStepAsync(host.Step<PbsConnectionStep>(), state);

        var error = Assert.Single(outcome.Errors);
        Assert.Equal(nameof(PbsConnectionInput.ApiToken), error.Field);
        Assert.Contains("Realm.Allocate on /access/domains", error.Message, StringComparison.Ordinal);
        Assert.Contains("Permissions.Modify on /access/acl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PbsConnection_Unreachable_IsKeyedToUrl()
    {
        await using var host = await SimulatorHost.StartAsync();
        host.PbsFaults.Add(new PbsPocketIdWizard.Simulators.Faults.FaultRule { Path = "/api2/json/ping", Drop = true });
        var state = host.NewState();

        var (_, outcome) = await host.RunStepAsync(host.Step<PbsConnectionStep>(), state);

        var error = Assert.Single(outcome.Errors);
        Assert.Equal(nameof(PbsConnectionInput.Url), error.Field);
        Assert.Contains("8007", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PbsSession_TotpRootAfter95Minutes_IsRenewedWithTheTicketAndNoNewCode()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var host = await SimulatorHost.StartAsync(new SimulatorProfile { RootTotpSecret = TotpSecret, EngineTime = clock });
        var state = host.NewState();
        state.Pbs.TotpCode = Totp.Code(TotpSecret, TimeProvider.System.GetUtcNow());
        await host.RunStepOkAsync(host.Step<PbsConnectionStep>(), state);
        state.Pbs.TotpCode = null;

        clock.Advance(TimeSpan.FromMinutes(95));
        var users = await host.Engine.GetRequiredService<ApiClientFactory>().CreatePbs(state.Pbs).ListUsersAsync(CancellationToken.None);

        Assert.Contains(users, u => u.UserId == "root@pam");
        var tickets = host.Pbs.Requests.Snapshot().Where(r => r.Path == "/api2/json/access/ticket").ToList();
        Assert.Equal(3, tickets.Count); // password → TFA challenge, TOTP answer, renewal with the ticket
        Assert.All(tickets, t => Assert.Equal(200, t.Status));
    }
}
