using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PbsPocketIdWizard.Core.Wizard;
using PbsPocketIdWizard.Web.Persistence;
using PbsPocketIdWizard.Simulators.Faults;
using PbsPocketIdWizard.Web.Configuration;
using PbsPocketIdWizard.Web.Prefill;
using PbsPocketIdWizard.Web.Tests.Support;
using PbsPocketIdWizard.Core.Clients;

namespace PbsPocketIdWizard.Web.Tests.Hosting;

public sealed class DemoModeTests
{
    [Fact]
    public async Task Start_InDemoMode_RunsBothSimulatorsOnTheirOwnOrigins()
    {
        await using var factory = new WizardWebFactory(new() { ["Wizard:Mode"] = "Demo" });
        var demo = factory.Services.GetRequiredService<DemoSimulators>();
        var env = Assert.IsType<DemoEnvironment>(demo.Environment);
        using var http = new HttpClient(new HttpClientHandler
        {
            // The PBS simulator's certificate is self-signed: trust exactly its fingerprint, nothing else.
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                certificate is not null && string.Equals(Fingerprint(certificate.RawData), env.PbsFingerprint, StringComparison.OrdinalIgnoreCase),
        });

        using var discovery = await http.GetAsync(new Uri(env.PocketIdUrl, "/.well-known/openid-configuration"));
        using var pbsLogin = await http.GetAsync(env.PbsUrl);

        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
        using var json = JsonDocument.Parse(await discovery.Content.ReadAsStringAsync());
        Assert.Equal(env.PocketIdUrl.GetLeftPart(UriPartial.Authority), json.RootElement.GetProperty("issuer").GetString());
        Assert.Equal(HttpStatusCode.OK, pbsLogin.StatusCode);
        Assert.Equal("https", env.PbsUrl.Scheme);
        Assert.Equal("127.0.0.1", env.PbsUrl.Host);
        Assert.NotEqual(env.PbsUrl.Port, env.PocketIdUrl.Port);
    }

    [Fact]
    public async Task Start_InLiveMode_StartsNoSimulators()
    {
        await using var factory = new WizardWebFactory(new() { ["Wizard:Mode"] = "Live" });

        var demo = factory.Services.GetRequiredService<DemoSimulators>();

        Assert.False(demo.IsEnabled);
        Assert.Null(demo.Environment);
    }

    [Fact]
    public async Task Prefill_InDemoMode_FillsAFreshRunWithTheSimulatorsOnce()
    {
        await using var factory = new WizardWebFactory(new() { ["Wizard:Mode"] = "Demo" });
        var prefill = factory.Services.GetRequiredService<WizardPrefill>();
        var env = factory.Services.GetRequiredService<DemoSimulators>().Environment!;
        var state = new WizardState();

        var first = prefill.Apply(state);
        state.Pbs.Url = "https://edited.example.com";
        var second = prefill.Apply(state);

        Assert.True(first);
        Assert.False(second);
        Assert.Equal(env.PocketIdUrl.GetLeftPart(UriPartial.Authority), state.PocketId.Url);
        Assert.Equal(env.PocketIdApiKey, state.PocketId.ApiKey?.Reveal());
        Assert.Equal("root@pam", state.Pbs.Username);
        Assert.Equal(env.PbsPassword, state.Pbs.Password?.Reveal());
        Assert.Null(state.Pbs.Fingerprint); // the admin confirms it in the trust dialog, as with a real PBS
    }

    [Fact]
    public void Prefill_InLiveMode_UsesTheConfiguredAddressesAndNoSecrets()
    {
        var options = Options.Create(new WizardOptions
        {
            Mode = WizardMode.Live,
            PocketId = { Url = "https://id.example.com" },
            Pbs = { Url = "https://pbs.example.com:8007", Username = "admin@pbs", Fingerprint = "aa:bb" },
        });
        var prefill = new WizardPrefill(options, new DemoSimulators(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<DemoSimulators>.Instance));
        var state = new WizardState();

        Assert.True(prefill.Apply(state));

        Assert.Equal("https://id.example.com", state.PocketId.Url);
        Assert.Equal("https://pbs.example.com:8007", state.Pbs.Url);
        Assert.Equal("admin@pbs", state.Pbs.Username);
        Assert.Equal("aa:bb", state.Pbs.Fingerprint);
        Assert.Null(state.PocketId.ApiKey);
        Assert.Null(state.Pbs.Password);
    }

    [Fact]
    public async Task IsStaleDemoRun_WhenTheRunPointsAtEarlierSimulatorPorts_IsTrue()
    {
        await using var factory = new WizardWebFactory(new() { ["Wizard:Mode"] = "Demo" });
        var prefill = factory.Services.GetRequiredService<WizardPrefill>();
        var env = factory.Services.GetRequiredService<DemoSimulators>().Environment!;
        var current = new WizardState();
        prefill.Apply(current);
        var earlier = new WizardState { Pbs = { Url = $"https://{env.PbsUrl.Host}:{env.PbsUrl.Port + 1}" } };
        var elsewhere = new WizardState { Pbs = { Url = "https://pbs.example.com:8007" } };
        var samePortsOtherCredentials = new WizardState { Pbs = { Url = current.Pbs.Url, Password = new PbsPocketIdWizard.Core.Security.Secret("from-an-earlier-start") } };

        Assert.False(prefill.IsStaleDemoRun(current));
        Assert.True(prefill.IsStaleDemoRun(earlier));
        Assert.False(prefill.IsStaleDemoRun(elsewhere));
        Assert.True(prefill.IsStaleDemoRun(samePortsOtherCredentials));
    }

    [Fact]
    public async Task Reset_ClearsArmedFaultsOnBothSimulators()
    {
        await using var factory = new WizardWebFactory(new() { ["Wizard:Mode"] = "Demo" });
        var demo = factory.Services.GetRequiredService<DemoSimulators>();
        var servers = demo.Servers!;
        servers.PbsState.Faults.Add(new FaultRule { Method = "POST", Path = "/api2/json/config/access/openid", Status = 500 });
        servers.PocketIdState.Faults.Add(new FaultRule { Method = "POST", Path = "/api/oidc/clients", Status = 500 });

        demo.Reset();

        Assert.Empty(servers.PbsState.Faults.Armed());
        Assert.Empty(servers.PocketIdState.Faults.Armed());
    }

    [Fact]
    public async Task Validate_InDemoMode_OnlyTheSimulatorsAddressesAreAccepted()
    {
        await using var factory = new WizardWebFactory(new() { ["Wizard:Mode"] = "Demo" });
        await using var scope = factory.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<WizardSession>();
        await session.LoadOrStartAsync(CancellationToken.None);
        factory.Services.GetRequiredService<WizardPrefill>().Apply(session.State);
        var prefilled = (session.Validate(WizardStepId.PocketIdConnection), session.Validate(WizardStepId.PbsConnection));

        session.State.PocketId.Url = "https://id.example.com";
        session.State.Pbs.Url = "https://pbs.example.com:8007";
        var pocketId = session.Validate(WizardStepId.PocketIdConnection);
        var pbs = session.Validate(WizardStepId.PbsConnection);

        Assert.Empty(prefilled.Item1);
        Assert.Empty(prefilled.Item2);
        Assert.Contains("live mode", Assert.Single(pocketId, e => e.Field == nameof(PocketIdConnectionInput.Url)).Message, StringComparison.Ordinal);
        Assert.Contains("live mode", Assert.Single(pbs, e => e.Field == nameof(PbsConnectionInput.Url)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Engine_InDemoMode_MakesNoClientForAnotherServerEvenWithoutTheForm()
    {
        await using var factory = new WizardWebFactory(new() { ["Wizard:Mode"] = "Demo" });
        var clients = factory.Services.GetRequiredService<ApiClientFactory>();
        var env = factory.Services.GetRequiredService<DemoSimulators>().Environment!;

        var pocketId = Assert.Throws<WizardStepException>(() => clients.CreatePocketId(new PocketIdConnectionInput { Url = "https://id.example.com" }));
        var pbs = Assert.Throws<WizardStepException>(() => clients.CreatePbs(new PbsConnectionInput { Url = "https://pbs.example.com:8007" }));
        var simulator = clients.CreatePbs(new PbsConnectionInput { Url = env.PbsUrl.ToString() });

        Assert.Equal(nameof(PocketIdConnectionInput.Url), Assert.Single(pocketId.Errors).Field);
        Assert.Equal(nameof(PbsConnectionInput.Url), Assert.Single(pbs.Errors).Field);
        Assert.NotNull(simulator);
    }

    [Fact]
    public async Task Engine_InLiveMode_AcceptsAnyAddress()
    {
        await using var factory = new WizardWebFactory(new() { ["Wizard:Mode"] = "Live" });

        var clients = factory.Services.GetRequiredService<ApiClientFactory>();

        Assert.NotNull(clients.CreatePocketId(new PocketIdConnectionInput { Url = "https://id.example.com" }));
        Assert.NotNull(clients.CreatePbs(new PbsConnectionInput { Url = "https://pbs.example.com:8007" }));
    }

    [Fact]
    public async Task DataDirectory_DemoAndLiveRuns_NeverShareOne()
    {
        using var data = new TempDirectory();
        Guid demoRun;
        await using (var demo = new WizardWebFactory(new() { ["Wizard:Mode"] = "Demo", ["Wizard:DataDirectory"] = data.Path }))
        {
            Assert.Equal(Path.Combine(data.Path, WizardOptions.DemoSubdirectory), demo.Services.GetRequiredService<WizardDataDirectory>().Path);
            var store = demo.Services.GetRequiredService<IWizardStateStore>();
            demoRun = Guid.NewGuid();
            await store.SaveAsync(new WizardState { RunId = demoRun, StartedAt = DateTimeOffset.UtcNow }, CancellationToken.None);
        }

        await using var live = new WizardWebFactory(new() { ["Wizard:Mode"] = "Live", ["Wizard:DataDirectory"] = data.Path });
        var liveStore = live.Services.GetRequiredService<IWizardStateStore>();

        Assert.Equal(data.Path, live.Services.GetRequiredService<WizardDataDirectory>().Path);
        Assert.Null(await liveStore.LoadActiveAsync(CancellationToken.None));
        Assert.Null(await liveStore.LoadAsync(demoRun, CancellationToken.None));
        Assert.True(File.Exists(Path.Combine(data.Path, WizardOptions.DemoSubdirectory, SqliteWizardStore.DatabaseFileName)));
    }

    private static string Fingerprint(byte[] der) => string.Join(':', SHA256.HashData(der).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
}
