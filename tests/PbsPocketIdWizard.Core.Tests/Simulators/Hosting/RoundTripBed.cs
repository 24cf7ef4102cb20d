using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using PbsPocketIdWizard.Simulators.Hosting;

namespace PbsPocketIdWizard.Core.Tests.Simulators.Hosting;

/// <summary>Both simulators on loopback plus the set-up every round-trip test needs: a Pocket ID client and a PBS realm.</summary>
internal static class RoundTripBed
{
    public static Task<SimulatorServers> StartAsync(string? publicHost = null, string? pbsVersion = null) =>
        SimulatorServers.StartAsync(new SimulatorServersOptions
        {
            AuthFailureDelay = TimeSpan.Zero,
            PublicHost = publicHost,
            PbsVersion = pbsVersion,
        }, CancellationToken.None);

    /// <summary>Confidential client with the PBS origin as callback; returns (client id, secret).</summary>
    public static async Task<(string ClientId, string Secret)> CreatePocketIdClientAsync(SimulatorServers servers, string callbackUrl)
    {
        using var http = new HttpClient { BaseAddress = servers.PocketIdUrl };
        http.DefaultRequestHeaders.Add("X-API-Key", servers.PocketIdApiKey);
        using var created = await http.PostAsJsonAsync("/api/oidc/clients", new Dictionary<string, object>
        {
            ["name"] = "Proxmox Backup Server",
            ["callbackURLs"] = new[] { callbackUrl },
            ["isPublic"] = false,
            ["pkceEnabled"] = true,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var clientId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        using var secret = await http.PostAsync($"/api/oidc/clients/{clientId}/secrets", null);
        Assert.Equal(HttpStatusCode.Created, secret.StatusCode);
        return (clientId, (await secret.Content.ReadFromJsonAsync<JsonObject>())!["secret"]!.GetValue<string>());
    }

    /// <summary>Creates the OpenID realm `PocketID` (autocreate on) in PBS as root, over the pinned TLS connection.</summary>
    public static async Task CreateRealmAsync(SimulatorServers servers, string clientId, string secret, string usernameClaim)
    {
        using var response = await SendAsRootAsync(servers, HttpMethod.Post, "/api2/json/config/access/openid", new Dictionary<string, string>
        {
            ["realm"] = "PocketID",
            ["issuer-url"] = servers.PocketIdIssuer,
            ["client-id"] = clientId,
            ["client-key"] = secret,
            ["username-claim"] = usernameClaim,
            ["autocreate"] = "1",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>One PBS API call as root@pam with a fresh ticket (sent as `PBSAuthCookie`, which every version reads).</summary>
    public static async Task<HttpResponseMessage> SendAsRootAsync(SimulatorServers servers, HttpMethod method, string path,
        IReadOnlyDictionary<string, string>? form = null)
    {
        using var pbs = new HttpClient(SignInDriver.PinnedHandler(servers.PbsFingerprint)) { BaseAddress = servers.PbsUrl };
        using var login = await pbs.PostAsync("/api2/json/access/ticket", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "root@pam",
            ["password"] = servers.PbsRootPassword,
        }));
        var data = (await login.Content.ReadFromJsonAsync<JsonObject>())!["data"]!;
        using var request = new HttpRequestMessage(method, path) { Content = form is null ? null : new FormUrlEncodedContent(form) };
        request.Headers.Add("Cookie", "PBSAuthCookie=" + Uri.EscapeDataString(data["ticket"]!.GetValue<string>()));
        request.Headers.Add("CSRFPreventionToken", data["CSRFPreventionToken"]!.GetValue<string>());
        return await pbs.SendAsync(request);
    }
}
