using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PbsPocketIdWizard.Core.Http;
using PbsPocketIdWizard.Core.Security;
using PbsPocketIdWizard.Core.Steps;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Simulators.Faults;
using PbsPocketIdWizard.Simulators.Pbs;
using PbsPocketIdWizard.Simulators.PocketId;

namespace PbsPocketIdWizard.Core.Tests.Support;

/// <summary>Which server versions and accounts a test runs against.</summary>
public sealed record SimulatorProfile
{
    public string PocketIdVersion { get; init; } = "2.14.0";

    public string PbsVersion { get; init; } = "4.2.3";

    /// <summary>Base32 TOTP secret for root@pam (pbs-api.md §2.2), or null.</summary>
    public string? RootTotpSecret { get; init; }

    /// <summary>root@pam's TFA recovery keys (each works once), or none.</summary>
    public IReadOnlyList<string> RootRecoveryKeys { get; init; } = [];

    /// <summary>root@pam has a security key (WebAuthn) as second factor.</summary>
    public bool RootSecurityKey { get; init; }

    /// <summary>How long the engine waits for an answer; the "hang" faults sleep longer than this.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The engine's clock (e.g. a FakeTimeProvider for the sign-in watch); the simulators keep real time.</summary>
    public TimeProvider? EngineTime { get; init; }

    /// <summary>Optional store the run journal saves through (to observe Pending-before-call ordering).</summary>
    public IWizardStateStore? Store { get; init; }
}

/// <summary>
/// Both simulators on TestServer, wired like the real thing: the PBS simulator reaches the Pocket ID simulator through
/// its TestServer handler (its IdentityProviderHandler), and the engine (AddWizardCore) reaches both through theirs.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    public const string PocketIdUrl = "https://id.example.com";
    public const string PbsUrl = "https://pbs.example.com:8007";
    public const string PbsOrigin = "https://pbs.example.com:8007";
    public const string PocketIdApiKey = "sim-admin-api-key-0123456789";
    public const string RootPassword = "sim-root-password";

    private readonly WebApplication _pocketIdApp;
    private readonly WebApplication _pbsApp;
    private readonly ServiceProvider _engine;

    private SimulatorHost(WebApplication pocketIdApp, WebApplication pbsApp, ServiceProvider engine, SimulatorProfile profile)
    {
        _pocketIdApp = pocketIdApp;
        _pbsApp = pbsApp;
        _engine = engine;
        Profile = profile;
        PocketId = pocketIdApp.Services.GetRequiredService<PocketIdSimulatorState>();
        Pbs = pbsApp.Services.GetRequiredService<PbsSimulatorState>();
    }

    public SimulatorProfile Profile { get; }

    public PocketIdSimulatorState PocketId { get; }

    public PbsSimulatorState Pbs { get; }

    public IServiceProvider Engine => _engine;

    public FaultPlan PocketIdFaults => PocketId.Faults;

    public FaultPlan PbsFaults => Pbs.Faults;

    public static async Task<SimulatorHost> StartAsync(SimulatorProfile? profile = null)
    {
        profile ??= new SimulatorProfile();

        var pidBuilder = WebApplication.CreateSlimBuilder();
        pidBuilder.Logging.ClearProviders();
        pidBuilder.WebHost.UseTestServer();
        pidBuilder.Services.AddPocketIdSimulator(new PocketIdSimulatorOptions
        {
            Version = profile.PocketIdVersion,
            ApiKey = PocketIdApiKey,
            PublicUrl = PocketIdUrl,
        });
        var pocketIdApp = pidBuilder.Build();
        pocketIdApp.MapPocketIdSimulator();
        await pocketIdApp.StartAsync();
        var pocketIdServer = pocketIdApp.GetTestServer();

        var pbsBuilder = WebApplication.CreateSlimBuilder();
        pbsBuilder.Logging.ClearProviders();
        pbsBuilder.WebHost.UseTestServer();
        pbsBuilder.Services.AddPbsSimulator(new PbsSimulatorOptions
        {
            Version = profile.PbsVersion,
            RootPassword = RootPassword,
            RootTotpSecret = profile.RootTotpSecret,
            RootRecoveryKeys = profile.RootRecoveryKeys,
            RootSecurityKey = profile.RootSecurityKey,
            AuthFailureDelay = TimeSpan.Zero,
            ForbiddenDelay = TimeSpan.Zero,
            NodeName = "localhost",
            IdentityProviderHandler = pocketIdServer.CreateHandler,
        });
        var pbsApp = pbsBuilder.Build();
        pbsApp.MapPbsSimulator();
        await pbsApp.StartAsync();
        var pbsServer = pbsApp.GetTestServer();

        var services = new ServiceCollection();
        if (profile.EngineTime is not null)
        {
            services.AddSingleton(profile.EngineTime);
        }

        if (profile.Store is not null)
        {
            services.AddSingleton(profile.Store);
        }

        services.AddWizardCore(o =>
        {
            o.PbsPrimaryHandler = pbsServer.CreateHandler;
            o.PocketIdPrimaryHandler = pocketIdServer.CreateHandler;
            o.RequestTimeout = profile.RequestTimeout;
        });
        return new SimulatorHost(pocketIdApp, pbsApp, services.BuildServiceProvider(), profile);
    }

    public async ValueTask DisposeAsync()
    {
        await _engine.DisposeAsync();
        await _pbsApp.DisposeAsync();
        await _pocketIdApp.DisposeAsync();
    }

    public T Step<T>()
        where T : IWizardStep => _engine.GetServices<IWizardStep>().OfType<T>().Single();

    public IReadOnlyList<IWizardStep> Steps => _engine.GetServices<IWizardStep>().OrderBy(s => s.Id).ToList();

    /// <summary>A run with the demo defaults filled in, as the wizard would have them.</summary>
    public WizardState NewState() => new()
    {
        StartedAt = DateTimeOffset.UnixEpoch,
        PocketId = new PocketIdConnectionInput { Url = PocketIdUrl, ApiKey = new Secret(PocketIdApiKey) },
        Pbs = new PbsConnectionInput { Url = PbsUrl, Username = "root@pam", Password = new Secret(RootPassword) },
    };

    /// <summary>A run with the demo defaults whose two connection steps (Pocket ID, PBS) are done.</summary>
    public async Task<WizardState> ConnectedStateAsync()
    {
        var state = NewState();
        await RunStepOkAsync(Step<PocketIdConnectionStep>(), state);
        await RunStepOkAsync(Step<PbsConnectionStep>(), state);
        return state;
    }

    /// <summary>Validate → plan → apply → verify one step; returns the first failed outcome, or the verify outcome.</summary>
    public async Task<(StepPlan? Plan, StepOutcome Outcome)> RunStepAsync(IWizardStep step, WizardState state)
    {
        var errors = step.Validate(state);
        if (errors.Count > 0)
        {
            return (null, new StepOutcome(false, errors, errors[0].Message));
        }

        StepPlan plan;
        try
        {
            plan = await step.PlanAsync(state, CancellationToken.None);
        }
        catch (ExternalApiException ex)
        {
            return (null, StepOutcome.Failure(ex.Message));
        }
        catch (WizardStepException ex)
        {
            return (null, new StepOutcome(false, ex.Errors, ex.Message));
        }

        var applied = await step.ApplyAsync(state, plan, CancellationToken.None);
        if (!applied.Succeeded)
        {
            return (plan, applied);
        }

        return (plan, await step.VerifyAsync(state, CancellationToken.None));
    }

    /// <summary>Runs the step and fails the test with the step's own message when it does not succeed.</summary>
    public async Task<StepPlan?> RunStepOkAsync(IWizardStep step, WizardState state)
    {
        var (plan, outcome) = await RunStepAsync(step, state);
        Assert.True(outcome.Succeeded, $"{step.Title}: {string.Join(" | ", outcome.Errors)}");
        return plan;
    }

    /// <summary>
    /// A real sign-in round trip: PBS auth-url → Pocket ID authorize as the demo user → PBS openid/login, which
    /// auto-creates the user (pbs-api.md §7).
    /// </summary>
    public async Task<string> SignInThroughPbsAsync(string realm, string pocketIdUser = "alice")
    {
        using var pbs = _pbsApp.GetTestClient();
        using var pid = _pocketIdApp.GetTestClient();
        using var authUrlResponse = await pbs.PostAsync("/api2/json/access/openid/auth-url", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["realm"] = realm,
            ["redirect-url"] = PbsOrigin,
        }));
        var authUrlBody = await authUrlResponse.Content.ReadAsStringAsync();
        Assert.True(authUrlResponse.IsSuccessStatusCode, authUrlBody);
        var authorize = new Uri(JsonNode.Parse(authUrlBody)!["data"]!.GetValue<string>());

        using var signIn = await pid.PostAsync("/_sim/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = pocketIdUser }));
        var cookie = signIn.Headers.GetValues("Set-Cookie").First().Split(';')[0];
        using var authorizeRequest = new HttpRequestMessage(HttpMethod.Get, authorize.PathAndQuery);
        authorizeRequest.Headers.Add("Cookie", cookie);
        using var redirect = await pid.SendAsync(authorizeRequest);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var location = new Uri(redirect.Headers.NonValidated["Location"].ToString());
        var query = QueryHelpers.ParseQuery(location.Query);

        using var login = await pbs.PostAsync("/api2/json/access/openid/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["state"] = query["state"].ToString(),
            ["code"] = query["code"].ToString(),
            ["redirect-url"] = PbsOrigin,
        }));
        var loginBody = await login.Content.ReadAsStringAsync();
        Assert.True(login.IsSuccessStatusCode, $"PBS OpenID login failed: {(int)login.StatusCode} {loginBody}");
        return JsonNode.Parse(loginBody)!["data"]!["username"]!.GetValue<string>();
    }
}
