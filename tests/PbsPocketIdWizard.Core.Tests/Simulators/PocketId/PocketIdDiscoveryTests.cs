using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace PbsPocketIdWizard.Core.Tests.Simulators.PocketId;

public sealed class PocketIdDiscoveryTests
{
    [Fact] // pocket-id-api.md §11.1: issuer = APP_URL exactly, no trailing slash; endpoint names as Pocket ID uses them
    public async Task Discovery_WithPublicUrl_IssuerAndEndpointsMatchExactly()
    {
        await using var sim = await PocketIdSimHost.StartAsync(configure: o => o.PublicUrl = "https://id.example.com/");
        var (status, doc) = await sim.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/.well-known/openid-configuration"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("https://id.example.com", doc!["issuer"]!.GetValue<string>());
        Assert.Equal("https://id.example.com/authorize", doc["authorization_endpoint"]!.GetValue<string>());
        Assert.Equal("https://id.example.com/api/oidc/token", doc["token_endpoint"]!.GetValue<string>());
        Assert.Equal("https://id.example.com/api/oidc/userinfo", doc["userinfo_endpoint"]!.GetValue<string>());
        Assert.Equal("https://id.example.com/api/oidc/end-session", doc["end_session_endpoint"]!.GetValue<string>());
        Assert.Equal("https://id.example.com/.well-known/jwks.json", doc["jwks_uri"]!.GetValue<string>());
        Assert.Contains("display_name", doc["claims_supported"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["client_secret_basic", "client_secret_post", "none"], doc["token_endpoint_auth_methods_supported"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("https://pocket-id.org/docs", doc["service_documentation"]!.GetValue<string>());
    }

    [Fact] // §11.1 / §13: service_documentation and /.well-known/oauth-authorization-server are v2.14+ only
    public async Task Discovery_On213_HasNoServiceDocumentationNorOAuthMetadata()
    {
        await using var sim = await PocketIdSimHost.StartAsync("2.13.0");
        var (_, doc) = await sim.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/.well-known/openid-configuration"));
        var (metaStatus, meta) = await sim.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/.well-known/oauth-authorization-server"));

        Assert.Null(doc!["service_documentation"]);
        Assert.Equal(HttpStatusCode.NotFound, metaStatus);
        Assert.Equal("""{"error":"API endpoint not found"}""", meta!.ToJsonString());
    }

    [Fact] // §11.1 JWKS (RS256) + §11.2 / issue #440: the ID token verifies against the published key and keeps typ JWT
    public async Task Jwks_IdTokenFromCodeFlow_SignatureVerifiesWithPublishedKey()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var clientId = await sim.CreateClientAsync();
        var secret = await sim.CreateSecretAsync(clientId);
        var code = await sim.GetCodeAsync(clientId);
        var (_, tokens) = await sim.RedeemAsync(clientId, secret, code);
        var idToken = tokens!["id_token"]!.GetValue<string>();
        var (_, jwks) = await sim.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/.well-known/jwks.json"));

        var header = PocketIdSimHost.DecodeHeader(idToken);
        var jwk = jwks!["keys"]!.AsArray().Single()!;
        Assert.Equal("JWT", header["typ"]!.GetValue<string>());
        Assert.Equal("RS256", header["alg"]!.GetValue<string>());
        Assert.Equal(jwk["kid"]!.GetValue<string>(), header["kid"]!.GetValue<string>());

        using var rsa = RSA.Create(new RSAParameters
        {
            Modulus = PocketIdSimHost.FromBase64Url(jwk["n"]!.GetValue<string>()),
            Exponent = PocketIdSimHost.FromBase64Url(jwk["e"]!.GetValue<string>()),
        });
        var parts = idToken.Split('.');
        var valid = rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), PocketIdSimHost.FromBase64Url(parts[2]),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Assert.True(valid);

        var tampered = parts[0] + "." + parts[1].Replace(parts[1][^2], parts[1][^2] == 'A' ? 'B' : 'A');
        Assert.False(rsa.VerifyData(Encoding.ASCII.GetBytes(tampered), PocketIdSimHost.FromBase64Url(parts[2]),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact] // §12 probes: healthz 204, public application configuration, version/current with a key
    public async Task Probes_HealthzConfigAndVersion_AnswerAsPocketId()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        using var health = await sim.Http.GetAsync("/healthz");
        var (configStatus, config) = await sim.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/application-configuration"));
        var (versionStatus, version) = await sim.AdminAsync(HttpMethod.Get, "/api/version/current");

        Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, configStatus);
        Assert.Contains(config!.AsArray(), e => e!["key"]!.GetValue<string>() == "appName" && e["value"]!.GetValue<string>() == "Pocket ID");
        Assert.Equal(HttpStatusCode.OK, versionStatus);
        Assert.Equal("2.14.0", version!["currentVersion"]!.GetValue<string>());
    }

    [Fact] // §2: unknown /api route and a wrong method both give exactly {"error":"API endpoint not found"}
    public async Task UnknownRouteAndWrongMethod_Return404WithoutCode()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        var (unknownStatus, unknown) = await sim.AdminAsync(HttpMethod.Get, "/api/does-not-exist");
        var (methodStatus, method) = await sim.AdminAsync(HttpMethod.Delete, "/api/users/me");
        var (wellKnownStatus, _) = await sim.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/.well-known/nothing"));

        Assert.Equal(HttpStatusCode.NotFound, unknownStatus);
        Assert.Equal("""{"error":"API endpoint not found"}""", unknown!.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, methodStatus);
        Assert.Equal("""{"error":"API endpoint not found"}""", method!.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, wellKnownStatus);
    }

    [Fact] // §2: a trailing slash triggers gin's redirect (301 for GET), never the resource itself
    public async Task TrailingSlash_OnGet_Redirects301()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        using var response = await sim.Http.SendAsync(sim.Admin(HttpMethod.Get, "/api/oidc/clients/"));

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/api/oidc/clients", response.Headers.Location!.ToString());
    }

    [Fact] // Simulator hooks: a status fault answers once in the profile's error shape, then normal service resumes; requests are logged
    public async Task FaultsHook_StatusFault_AnswersOnceThenRecovers()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        using var arm = await sim.Http.PostAsync("/_sim/faults",
            new StringContent("""{"method":"GET","path":"/api/users/me","status":503,"count":1}""", Encoding.UTF8, "application/json"));
        var (faultStatus, fault) = await sim.AdminAsync(HttpMethod.Get, "/api/users/me");
        var (okStatus, _) = await sim.AdminAsync(HttpMethod.Get, "/api/users/me");
        var (_, log) = await sim.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/_sim/requests"));

        Assert.Equal(HttpStatusCode.OK, arm.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, faultStatus);
        Assert.Equal("internal_error", fault!["code"]!.GetValue<string>());
        Assert.NotNull(fault["request_id"]);
        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Equal([503, 200], log!.AsArray().Where(e => e!["path"]!.GetValue<string>() == "/api/users/me").Select(e => e!["status"]!.GetValue<int>()));
        Assert.Same(sim.State.Faults, sim.State.Faults);
    }

    [Fact] // Simulator hooks: /_sim/reset brings back the seed (no clients, alice/bob, pbs-admins)
    public async Task ResetHook_AfterChanges_RestoresSeed()
    {
        await using var sim = await PocketIdSimHost.StartAsync();
        await sim.CreateClientAsync("to-be-reset");
        using var reset = await sim.Http.PostAsync("/_sim/reset", null);

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Empty(sim.State.Clients);
        Assert.Equal(["alice", "bob"], sim.State.Users.Select(u => u.Username));
        Assert.Equal("pbs-admins", Assert.Single(sim.State.Groups).Name);
        var (status, me) = await sim.AdminAsync(HttpMethod.Get, "/api/users/me");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("alice", me!["username"]!.GetValue<string>());
    }

    [Fact] // Two simulators in one process keep separate fault plans (brief: own FaultPlan per state)
    public async Task TwoSimulators_FaultArmedOnOne_DoesNotAffectTheOther()
    {
        await using var first = await PocketIdSimHost.StartAsync();
        await using var second = await PocketIdSimHost.StartAsync();
        using var arm = await first.Http.PostAsync("/_sim/faults",
            new StringContent("""{"path":"/healthz","status":500}""", Encoding.UTF8, "application/json"));
        using var secondHealth = await second.Http.GetAsync("/healthz");
        using var firstHealth = await first.Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.NoContent, secondHealth.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, firstHealth.StatusCode);
        Assert.NotSame(first.State.Faults, second.State.Faults);
        Assert.IsType<JsonObject>(JsonNode.Parse(await firstHealth.Content.ReadAsStringAsync()));
    }
}
