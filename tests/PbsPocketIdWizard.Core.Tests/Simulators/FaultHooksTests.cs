using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using PbsPocketIdWizard.Simulators.Faults;

namespace PbsPocketIdWizard.Core.Tests.Simulators;

/// <summary>The shared fault switch, in particular dropAfter ("killed right after sending").</summary>
public sealed class FaultHooksTests : IAsyncLifetime
{
    private readonly FaultPlan _faults = new();
    private readonly RequestLog _log = new();
    private WebApplication? _app;
    private int _processed;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        _app = builder.Build();
        _app.UseSimulatorFaults(_faults, _log, TimeProvider.System, (context, status, message) => context.Response.WriteAsync(message ?? "fault"));
        _app.MapSimulatorHooks(_faults, _log, () => { });
        _app.MapPost("/thing", () =>
        {
            Interlocked.Increment(ref _processed);
            return Results.Json(new { made = true });
        });
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private HttpClient Client() => _app!.GetTestClient();

    [Fact]
    public async Task DropAfter_ProcessesTheRequestThenDropsTheAnswer()
    {
        _faults.Add(new FaultRule { Method = "POST", Path = "/thing", DropAfter = true });
        using var client = Client();

        await Assert.ThrowsAnyAsync<Exception>(() => client.PostAsync("/thing", null));

        Assert.Equal(1, _processed);
        using var second = await client.PostAsync("/thing", null);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, _processed);
    }

    [Fact]
    public async Task Drop_DropsBeforeProcessing()
    {
        _faults.Add(new FaultRule { Method = "POST", Path = "/thing", Drop = true });
        using var client = Client();

        await Assert.ThrowsAnyAsync<Exception>(() => client.PostAsync("/thing", null));

        Assert.Equal(0, _processed);
    }

    [Fact]
    public async Task FaultsEndpoint_AcceptsDropAfterAlone()
    {
        using var client = Client();

        using var response = await client.PostAsJsonAsync("/_sim/faults", new { method = "POST", path = "/thing", dropAfter = true });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Assert.Single(_faults.Armed()).DropAfter);
    }
}
