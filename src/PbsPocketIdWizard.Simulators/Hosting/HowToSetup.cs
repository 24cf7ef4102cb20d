using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace PbsPocketIdWizard.Simulators.Hosting;

/// <summary>What a setup made by hand from the community how-to looks like (its mistakes included).</summary>
public sealed record HowToSetupOptions
{
    public string ClientName { get; init; } = "Proxmox Backup Server";

    /// <summary>The how-to's callback: the PBS host without its port 8007, so Pocket ID refuses every sign-in.</summary>
    public bool CallbackWithoutPort { get; init; } = true;

    /// <summary>False: the admin stopped after the Pocket ID part (no PBS realm yet).</summary>
    public bool WithRealm { get; init; } = true;

    public string RealmName { get; init; } = "PocketID";

    /// <summary>The issuer as typed with a trailing slash: PBS's exact issuer comparison then fails.</summary>
    public bool IssuerWithTrailingSlash { get; init; } = true;

    public string UsernameClaim { get; init; } = "username";

    public bool PkceEnabled { get; init; }

    public bool Autocreate { get; init; } = true;
}

/// <summary>The client and realm the hand-made setup left behind.</summary>
public sealed record HowToSetupResult(string ClientId, string CallbackUrl, string IssuerUrl);

/// <summary>
/// Follows the how-to by hand against running simulators with plain API calls, as an admin would by clicking: a
/// Pocket ID client with a secret, then a PBS OpenID realm holding that secret, with the how-to's mistakes (callback
/// without port, issuer with a trailing slash). This is the "stuck" state the wizard must adopt and repair.
/// </summary>
public static class HowToSetup
{
    public static async Task<HowToSetupResult> MakeAsync(SimulatorServers sims, HowToSetupOptions options, CancellationToken cancellationToken)
    {
        var pbsHost = sims.PbsUrl.Host;
        var callback = options.CallbackWithoutPort ? $"https://{pbsHost}" : sims.PbsOrigin;
        using var pocketId = new HttpClient { BaseAddress = sims.PocketIdUrl, Timeout = TimeSpan.FromSeconds(30) };
        pocketId.DefaultRequestHeaders.Add("X-API-Key", sims.PocketIdApiKey);
        var created = await pocketId.PostAsJsonAsync("api/oidc/clients", new JsonObject
        {
            ["name"] = options.ClientName,
            ["callbackURLs"] = new JsonArray(callback),
            ["isPublic"] = false,
            ["pkceEnabled"] = options.PkceEnabled,
        }, cancellationToken);
        created.EnsureSuccessStatusCode();
        var clientId = (await created.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["id"]!.GetValue<string>();

        // v2.14+ has several secrets per client; older versions one, replaced on each call.
        var secretAnswer = await pocketId.PostAsJsonAsync($"api/oidc/clients/{clientId}/secrets", new JsonObject(), cancellationToken);
        if (secretAnswer.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            secretAnswer = await pocketId.PostAsync($"api/oidc/clients/{clientId}/secret", null, cancellationToken);
        }

        secretAnswer.EnsureSuccessStatusCode();
        var secret = (await secretAnswer.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["secret"]!.GetValue<string>();

        var issuer = sims.PocketIdIssuer + (options.IssuerWithTrailingSlash ? "/" : string.Empty);
        if (!options.WithRealm)
        {
            return new HowToSetupResult(clientId, callback, issuer);
        }

        using var pbs = new HttpClient(SignInDriver.PinnedHandler(sims.PbsFingerprint)) { BaseAddress = new Uri(sims.PbsOrigin + "/"), Timeout = TimeSpan.FromSeconds(30) };
        var ticket = await pbs.PostAsync("api2/json/access/ticket", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "root@pam",
            ["password"] = sims.PbsRootPassword,
        }), cancellationToken);
        ticket.EnsureSuccessStatusCode();
        var data = (await ticket.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["data"]!;
        using var realm = new HttpRequestMessage(HttpMethod.Post, "api2/json/config/access/openid")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["realm"] = options.RealmName,
                ["issuer-url"] = issuer,
                ["client-id"] = clientId,
                ["client-key"] = secret,
                ["autocreate"] = options.Autocreate ? "1" : "0",
                ["username-claim"] = options.UsernameClaim,
            }),
        };
        realm.Headers.Add("Cookie", "PBSAuthCookie=" + Uri.EscapeDataString(data["ticket"]!.GetValue<string>()));
        realm.Headers.Add("CSRFPreventionToken", data["CSRFPreventionToken"]!.GetValue<string>());
        (await pbs.SendAsync(realm, cancellationToken)).EnsureSuccessStatusCode();
        return new HowToSetupResult(clientId, callback, issuer);
    }
}
