using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;
using PbsPocketIdWizard.Simulators.PocketId;

namespace PbsPocketIdWizard.Core.Tests.Simulators.PocketId;

public sealed class PocketIdOidcFlowTests
{
    private static async Task<(PocketIdSimHost Sim, string Secret)> StartWithClientAsync(Action<PocketIdSimulatorOptions>? configure = null)
    {
        var sim = await PocketIdSimHost.StartAsync(configure: configure);
        await sim.CreateClientAsync("pbs");
        return (sim, await sim.CreateSecretAsync("pbs"));
    }

    [Fact] // pocket-id-api.md §11.6: exact match includes the port; a mismatch shows Pocket ID's error and issues no code
    public async Task Authorize_CallbackWithDifferentPort_ShowsErrorAndIssuesNoCode()
    {
        var (sim, _) = await StartWithClientAsync();
        await using var _sim = sim;
        var cookie = await sim.SignInAsync("alice");
        using var response = await sim.AuthorizeAsync(PocketIdSimHost.AuthorizeUrl("pbs", redirectUri: "https://pbs.example.com:8443"), cookie);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("Invalid callback URL, it might be necessary for an admin to fix this.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("code=", html, StringComparison.Ordinal);
    }

    [Theory] // §11.6: trailing slash (issue #1510) and missing port are mismatches too
    [InlineData("https://pbs.example.com:8007/")]
    [InlineData("https://pbs.example.com")]
    public async Task Authorize_NearMissCallback_IsRejected(string redirectUri)
    {
        var (sim, _) = await StartWithClientAsync();
        await using var _sim = sim;
        var cookie = await sim.SignInAsync("alice");
        using var response = await sim.AuthorizeAsync(PocketIdSimHost.AuthorizeUrl("pbs", redirectUri: redirectUri), cookie);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Theory] // §11.6 loopback rule: fosite lets a loopback IP use any port for plain http only; an https origin must match
    [InlineData("http://127.0.0.1:8007", "http://127.0.0.1:9999", true)]
    [InlineData("https://127.0.0.1:8007", "https://127.0.0.1:9999", false)]
    [InlineData("https://127.0.0.1:8007", "https://127.0.0.1:8007", true)]
    public async Task Authorize_LoopbackCallbackOtherPort_OnlyPlainHttpMatches(string registered, string redirectUri, bool matches)
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("loop", new { id = "loop", name = "loop", callbackURLs = new[] { registered } });
        var cookie = await sim.SignInAsync("alice");
        using var response = await sim.AuthorizeAsync(PocketIdSimHost.AuthorizeUrl("loop", redirectUri: redirectUri), cookie);

        Assert.Equal(matches ? HttpStatusCode.Redirect : HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory] // §11.6 wildcard matcher: * = one host label / port / path segment, ** = many path segments
    [InlineData("https://*.example.com:8007", "https://pbs.example.com:8007", true)]
    [InlineData("https://*.example.com:8007", "https://a.b.example.com:8007", false)]
    [InlineData("https://pbs.example.com:*", "https://pbs.example.com:8007", true)]
    [InlineData("https://pbs.example.com/**", "https://pbs.example.com/a/b/c", true)]
    [InlineData("https://pbs.example.com/*", "https://pbs.example.com/a/b", false)]
    public async Task Authorize_WildcardCallback_MatchesPerSegment(string pattern, string redirectUri, bool matches)
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("wild", new { id = "wild", name = "wild", callbackURLs = new[] { pattern } });
        var cookie = await sim.SignInAsync("alice");
        using var response = await sim.AuthorizeAsync(PocketIdSimHost.AuthorizeUrl("wild", redirectUri: redirectUri), cookie);

        Assert.Equal(matches ? HttpStatusCode.Redirect : HttpStatusCode.BadRequest, response.StatusCode);
        if (matches)
        {
            Assert.StartsWith(redirectUri + "?code=", PocketIdSimHost.RawLocation(response), StringComparison.Ordinal);
        }
    }

    [Fact] // §11.5: not signed in → login page; simulator offers one accessible button per demo user that continues the request
    public async Task Authorize_NotSignedIn_ShowsSignInButtonsThatContinue()
    {
        var (sim, _) = await StartWithClientAsync();
        await using var _sim = sim;
        using var page = await sim.AuthorizeAsync(PocketIdSimHost.AuthorizeUrl("pbs"), cookie: null);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<button type=\"submit\">Sign in as alice</button>", html, StringComparison.Ordinal);
        Assert.Contains("<button type=\"submit\">Sign in as bob</button>", html, StringComparison.Ordinal);

        var returnUrl = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "name=\"returnUrl\" value=\"([^\"]+)\"").Groups[1].Value);
        using var signIn = await sim.Http.PostAsync("/_sim/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["returnUrl"] = returnUrl }));
        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        Assert.Equal(returnUrl, signIn.Headers.Location!.ToString());
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        using var resumed = await sim.AuthorizeAsync(returnUrl, cookie);
        Assert.Equal(HttpStatusCode.Redirect, resumed.StatusCode);
        var query = QueryHelpers.ParseQuery(resumed.Headers.Location!.Query);
        Assert.False(string.IsNullOrEmpty(query["code"]));
        Assert.Equal("st-123", query["state"].ToString());
        Assert.Equal("https://id.example.com", query["iss"].ToString());
    }

    [Fact] // §8: group-restricted client, user outside the allowed groups → access_denied, no code
    public async Task Authorize_GroupRestrictedAndUserNotMember_RedirectsAccessDenied()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pbs", new { id = "pbs", name = "PBS", callbackURLs = new[] { PocketIdSimHost.PbsCallback }, isGroupRestricted = true });
        await sim.AdminAsync(HttpMethod.Put, "/api/oidc/clients/pbs/allowed-user-groups", new { userGroupIds = new[] { PocketIdSimulatorState.PbsAdminsGroupId } });
        var bob = await sim.SignInAsync("bob");
        using var denied = await sim.AuthorizeAsync(PocketIdSimHost.AuthorizeUrl("pbs"), bob);
        var alice = await sim.SignInAsync("alice");
        using var allowed = await sim.AuthorizeAsync(PocketIdSimHost.AuthorizeUrl("pbs"), alice);

        var deniedQuery = QueryHelpers.ParseQuery(denied.Headers.Location!.Query);
        Assert.Equal("access_denied", deniedQuery["error"].ToString());
        Assert.Equal("st-123", deniedQuery["state"].ToString());
        Assert.False(deniedQuery.ContainsKey("code"));
        Assert.True(QueryHelpers.ParseQuery(allowed.Headers.Location!.Query).ContainsKey("code"));
    }

    [Fact] // §11.3/§11.4/§11.2: code + PKCE S256 + client_secret_basic → ID token with iss, aud, sub, nonce and scope claims
    public async Task Token_CodeWithPkceAndBasicAuth_IssuesIdToken()
    {
        var (sim, secret) = await StartWithClientAsync();
        await using var _sim = sim;
        var code = await sim.GetCodeAsync("pbs");
        var (status, tokens) = await sim.RedeemAsync("pbs", secret, code, basic: true);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("bearer", tokens!["token_type"]!.GetValue<string>());
        Assert.Equal(3600, tokens["expires_in"]!.GetValue<long>());
        var claims = PocketIdSimHost.DecodePayload(tokens["id_token"]!.GetValue<string>());
        Assert.Equal("https://id.example.com", claims["iss"]!.GetValue<string>());
        Assert.Equal(["pbs"], claims["aud"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(PocketIdSimulatorState.AliceId, claims["sub"]!.GetValue<string>());
        Assert.Equal("n-456", claims["nonce"]!.GetValue<string>());
        Assert.Equal("alice", claims["preferred_username"]!.GetValue<string>());
        Assert.Equal("Alice Liddell", claims["name"]!.GetValue<string>());
        Assert.Equal("alice@example.com", claims["email"]!.GetValue<string>());
        Assert.True(claims["email_verified"]!.GetValue<bool>());
        Assert.Equal(["pbs-admins"], claims["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.NotNull(claims["at_hash"]);
    }

    [Fact] // §11.3: client_secret_post is accepted as well
    public async Task Token_ClientSecretPost_IsAccepted()
    {
        var (sim, secret) = await StartWithClientAsync();
        await using var _sim = sim;
        var code = await sim.GetCodeAsync("pbs");
        var (status, tokens) = await sim.RedeemAsync("pbs", secret, code, basic: false);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(tokens!["id_token"]);
    }

    [Fact] // §11.3: a code is single-use
    public async Task Token_CodeRedeemedTwice_SecondIsInvalidGrant()
    {
        var (sim, secret) = await StartWithClientAsync();
        await using var _sim = sim;
        var code = await sim.GetCodeAsync("pbs");
        var (first, _) = await sim.RedeemAsync("pbs", secret, code);
        var (second, body) = await sim.RedeemAsync("pbs", secret, code);

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.BadRequest, second);
        Assert.Equal("invalid_grant", body!["error"]!.GetValue<string>());
    }

    [Fact] // §11.4: a wrong or missing PKCE verifier is rejected
    public async Task Token_WrongPkceVerifier_IsInvalidGrant()
    {
        var (sim, secret) = await StartWithClientAsync();
        await using var _sim = sim;
        var wrong = await sim.RedeemAsync("pbs", secret, await sim.GetCodeAsync("pbs"), verifier: new string('x', 50));
        var missing = await sim.RedeemAsync("pbs", secret, await sim.GetCodeAsync("pbs"), verifier: null);

        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Equal("invalid_grant", wrong.Body!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
    }

    [Fact] // §11.3: wrong secret → 401 invalid_client in RFC 6749 shape (not the admin error shape)
    public async Task Token_WrongSecret_Returns401InvalidClient()
    {
        var (sim, _) = await StartWithClientAsync();
        await using var _sim = sim;
        var (status, body) = await sim.RedeemAsync("pbs", "not-the-secret-000000", await sim.GetCodeAsync("pbs"));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body!["error"]!.GetValue<string>());
        Assert.NotNull(body["error_description"]);
        Assert.Null(body["code"]);
    }

    [Fact] // §11.3: codes expire quickly
    public async Task Token_CodeAfterExpiry_IsInvalidGrant()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var (sim, secret) = await StartWithClientAsync(o => o.TimeProvider = time);
        await using var _sim = sim;
        var code = await sim.GetCodeAsync("pbs");
        time.Advance(TimeSpan.FromMinutes(11));
        var (status, body) = await sim.RedeemAsync("pbs", secret, code);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body!["error"]!.GetValue<string>());
    }

    [Fact] // §11.6/§11.3: the token request's redirect_uri must equal the authorize request's
    public async Task Token_DifferentRedirectUri_IsInvalidGrant()
    {
        var (sim, secret) = await StartWithClientAsync();
        await using var _sim = sim;
        var (status, _) = await sim.RedeemAsync("pbs", secret, await sim.GetCodeAsync("pbs"), redirectUri: "https://pbs.example.com:8007/");

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact] // §11.2: bob has no e-mail → no email/email_verified claims; groups scope gives []; no profile → no preferred_username
    public async Task Claims_BobWithoutEmail_HasNoEmailClaim()
    {
        var (sim, secret) = await StartWithClientAsync();
        await using var _sim = sim;
        var (_, tokens) = await sim.RedeemAsync("pbs", secret, await sim.GetCodeAsync("pbs", "bob", scope: "openid email groups"));
        var claims = PocketIdSimHost.DecodePayload(tokens!["id_token"]!.GetValue<string>());

        Assert.Equal(PocketIdSimulatorState.BobId, claims["sub"]!.GetValue<string>());
        Assert.False(claims.ContainsKey("email"));
        Assert.False(claims.ContainsKey("email_verified"));
        Assert.False(claims.ContainsKey("preferred_username"));
        Assert.Empty(claims["groups"]!.AsArray());
    }

    [Fact] // §11.2: userinfo with the access token returns the same claim map; requires the openid scope
    public async Task UserInfo_WithAccessToken_ReturnsClaimsAndRequiresOpenid()
    {
        var (sim, secret) = await StartWithClientAsync();
        await using var _sim = sim;
        var (_, tokens) = await sim.RedeemAsync("pbs", secret, await sim.GetCodeAsync("pbs"));
        var (_, noOpenid) = await sim.RedeemAsync("pbs", secret, await sim.GetCodeAsync("pbs", scope: "profile"));

        var ok = new HttpRequestMessage(HttpMethod.Get, "/api/oidc/userinfo");
        ok.Headers.Authorization = new("Bearer", tokens!["access_token"]!.GetValue<string>());
        var (status, info) = await sim.SendAsync(ok);
        var insufficient = new HttpRequestMessage(HttpMethod.Get, "/api/oidc/userinfo");
        insufficient.Headers.Authorization = new("Bearer", noOpenid!["access_token"]!.GetValue<string>());
        var (insufficientStatus, _) = await sim.SendAsync(insufficient);
        var (anonymousStatus, anonymous) = await sim.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/oidc/userinfo"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("alice", info!["preferred_username"]!.GetValue<string>());
        Assert.Equal(["pbs-admins"], info["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.Null(noOpenid["id_token"]);
        Assert.Equal(HttpStatusCode.Forbidden, insufficientStatus);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousStatus);
        Assert.Equal("invalid_token", anonymous!["error"]!.GetValue<string>());
    }

    [Fact] // §11.4: pkceEnabled client without code_challenge → invalid_request redirect, no code
    public async Task Authorize_PkceRequiredWithoutChallenge_RedirectsInvalidRequest()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("pkce", new { id = "pkce", name = "pkce", callbackURLs = new[] { PocketIdSimHost.PbsCallback }, pkceEnabled = true });
        var cookie = await sim.SignInAsync("alice");
        using var response = await sim.AuthorizeAsync(PocketIdSimHost.AuthorizeUrl("pkce"), cookie);

        var query = QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        Assert.Equal("invalid_request", query["error"].ToString());
        Assert.False(query.ContainsKey("code"));
    }

    [Fact] // §11.4: pkceEnabled=false client that receives a challenge gets pkceSupported=true (v2.10+)
    public async Task Authorize_ChallengeOnNonPkceClient_SetsPkceSupported()
    {
        var (sim, _) = await StartWithClientAsync();
        await using var _sim = sim;
        await sim.GetCodeAsync("pbs");
        var (_, client) = await sim.AdminAsync(HttpMethod.Get, "/api/oidc/clients/pbs");

        Assert.True(client!["pkceSupported"]!.GetValue<bool>());
        Assert.IsType<JsonObject>(client);
    }

    [Fact] // §11.3/§11.4: a public client authenticates with client_id only and must use PKCE; plain method works
    public async Task Token_PublicClientWithPlainPkce_IssuesTokensWithoutSecret()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("spa", new { id = "spa", name = "spa", isPublic = true, callbackURLs = new[] { PocketIdSimHost.PbsCallback } });
        var cookie = await sim.SignInAsync("alice");
        using var authorize = await sim.AuthorizeAsync(PocketIdSimHost.AuthorizeUrl("spa", challenge: PocketIdSimHost.Verifier, method: "plain"), cookie);
        var code = QueryHelpers.ParseQuery(new Uri(PocketIdSimHost.RawLocation(authorize)).Query)["code"].ToString();
        var (status, tokens) = await sim.RedeemAsync("spa", secret: null, code, basic: false);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(tokens!["id_token"]);
        Assert.Null(tokens["refresh_token"]);
    }

    [Fact] // §11.2: offline_access yields a refresh token that can be redeemed once (rotation)
    public async Task Token_RefreshTokenWithOfflineAccess_RotatesOnUse()
    {
        var (sim, secret) = await StartWithClientAsync();
        await using var _sim = sim;
        var (_, tokens) = await sim.RedeemAsync("pbs", secret, await sim.GetCodeAsync("pbs", scope: "openid offline_access"));
        var refresh = tokens!["refresh_token"]!.GetValue<string>();
        var form = new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh, ["client_id"] = "pbs", ["client_secret"] = secret };
        var (first, renewed) = await sim.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/oidc/token") { Content = new FormUrlEncodedContent(form) });
        var (second, _) = await sim.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/oidc/token") { Content = new FormUrlEncodedContent(form) });

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.NotEqual(refresh, renewed!["refresh_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, second);
    }
}
