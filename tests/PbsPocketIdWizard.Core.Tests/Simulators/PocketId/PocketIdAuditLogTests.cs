using System.Net;
using PbsPocketIdWizard.Simulators.PocketId;

namespace PbsPocketIdWizard.Core.Tests.Simulators.PocketId;

/// <summary>
/// The admin audit log (`GET /api/audit-logs/all`, backend/internal/controller/audit_log_controller.go) and the
/// simulator's record of whether an authorization used PKCE.
/// </summary>
public sealed class PocketIdAuditLogTests
{
    [Fact]
    public async Task AuditLogAll_AfterTwoAuthorizations_ListsNewThenRepeatedClientAuthorization()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");
        await sim.GetCodeAsync("pbs");
        await sim.GetCodeAsync("pbs");

        var (status, body) = await sim.AdminAsync(HttpMethod.Get,
            $"/api/audit-logs/all?filters[userID]={PocketIdSimulatorState.AliceId}&filters[clientName]=Proxmox%20Backup%20Server&sort[column]=createdAt&sort[direction]=asc");

        Assert.Equal(HttpStatusCode.OK, status);
        var rows = body!["data"]!.AsArray().Select(n => n!.AsObject()).ToList();
        Assert.Equal(["NEW_CLIENT_AUTHORIZATION", "CLIENT_AUTHORIZATION"], rows.Select(r => r["event"]!.GetValue<string>()));
        var first = rows[0];
        Assert.Equal(PocketIdSimulatorState.AliceId, first["userID"]!.GetValue<string>());
        Assert.Equal("alice", first["username"]!.GetValue<string>());
        Assert.Equal("Proxmox Backup Server", first["data"]!["clientName"]!.GetValue<string>());
        Assert.Equal(PocketIdAuditLog.InternalNetwork, first["country"]!.GetValue<string>());
        Assert.Equal(2, body["pagination"]!["totalItems"]!.GetValue<long>());
    }

    [Fact]
    public async Task AuditLogAll_EventFilter_KeepsOnlyThatEvent()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");
        await sim.GetCodeAsync("pbs");

        var (_, signIns) = await sim.AdminAsync(HttpMethod.Get, "/api/audit-logs/all?filters[event][0]=SIGN_IN");
        var (_, all) = await sim.AdminAsync(HttpMethod.Get, "/api/audit-logs/all");

        Assert.Equal("SIGN_IN", Assert.Single(signIns!["data"]!.AsArray())!["event"]!.GetValue<string>());
        Assert.Equal(2, all!["data"]!.AsArray().Count);
    }

    [Fact] // the key is capitalised and must then equal the Go field name `UserID`: `userId` is not a filter
    public async Task AuditLogAll_FilterKeyUserIdLowerCaseD_IsIgnored()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");
        await sim.GetCodeAsync("pbs");

        var (_, body) = await sim.AdminAsync(HttpMethod.Get, $"/api/audit-logs/all?filters[userId]={PocketIdSimulatorState.BobId}");

        Assert.Equal(2, body!["data"]!.AsArray().Count);
    }

    [Fact]
    public async Task AuditLogAll_NonAdminKey_Returns403()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        sim.State.AddApiKey(PocketIdSimulatorState.BobId, "bob-key-0123456789", DateTimeOffset.UtcNow.AddDays(1));

        var (status, body) = await sim.AdminAsync(HttpMethod.Get, "/api/audit-logs/all", apiKey: "bob-key-0123456789");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("forbidden", body!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task AuditLogFilters_ClientNamesAndUsers_ListWhatTheLogHolds()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");
        await sim.GetCodeAsync("pbs");

        var (_, names) = await sim.AdminAsync(HttpMethod.Get, "/api/audit-logs/filters/client-names");
        var (_, users) = await sim.AdminAsync(HttpMethod.Get, "/api/audit-logs/filters/users");

        Assert.Equal("""["Proxmox Backup Server"]""", names!.ToJsonString());
        Assert.Equal("alice", users![PocketIdSimulatorState.AliceId]!.GetValue<string>());
    }

    [Fact]
    public async Task Authorize_WithS256Challenge_RecordsPkceMethod()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");
        await sim.GetCodeAsync("pbs");

        var authorization = Assert.Single(sim.State.AuditLog.Authorizations);
        Assert.Equal("pbs", authorization.ClientId);
        Assert.Equal("S256", authorization.CodeChallengeMethod);
    }

    [Fact]
    public async Task Authorize_WithoutChallenge_RecordsNoPkce()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs");
        var cookie = await sim.SignInAsync("alice");

        using var response = await sim.AuthorizeAsync(PocketIdSimHost.AuthorizeUrl("pbs"), cookie);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Null(Assert.Single(sim.State.AuditLog.Authorizations).CodeChallengeMethod);
    }

    [Fact]
    public async Task Reset_ClearsAuditLog()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.SignInAsync("alice");

        sim.State.Reset();

        Assert.Empty(sim.State.AuditLog.Entries);
    }
}
